//! RESP2: the incremental request parser and the reply encoder.

pub mod inline;
pub mod parser;
pub mod reply;

pub use parser::{ParseOutcome, Parser, ProtocolError};
pub use reply::Reply;
