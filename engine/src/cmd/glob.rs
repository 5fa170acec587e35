//! (to be written; glob.rs holds Redis stringmatchlen for KEYS/SCAN MATCH, no handlers)

use super::Handler;

pub static HANDLERS: &[(&str, Handler)] = &[];
