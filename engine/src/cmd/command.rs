//! (to be written)

use super::Handler;

pub static HANDLERS: &[(&str, Handler)] = &[];
