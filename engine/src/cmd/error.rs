//! Errors a command handler returns. Each renders to the exact text Redis
//! 7.0 sends for it.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CmdError {
    WrongType,
    NotInteger,
    NotFloat,
    Syntax,
    Overflow,
    NoSuchKey,
    DbIndexOutOfRange,
    /// Any other error: the whole message including its code ("ERR ...").
    Other(Cow<'static, str>),
    /// An error whose text quotes client bytes verbatim (Redis prints them
    /// raw, not as UTF-8).
    Bytes(Vec<u8>),
}

impl CmdError {
    pub fn msg(s: impl Into<Cow<'static, str>>) -> CmdError {
        CmdError::Other(s.into())
    }

    /// The error line without the leading `-` and the CRLF (for `Bytes`,
    /// only its code: use [`CmdError::message_bytes`] for the wire).
    pub fn message(&self) -> &str {
        match self {
            CmdError::WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value",
            CmdError::NotInteger => "ERR value is not an integer or out of range",
            CmdError::NotFloat => "ERR value is not a valid float",
            CmdError::Syntax => "ERR syntax error",
            CmdError::Overflow => "ERR increment or decrement would overflow",
            CmdError::NoSuchKey => "ERR no such key",
            CmdError::DbIndexOutOfRange => "ERR DB index is out of range",
            CmdError::Other(s) => s,
            CmdError::Bytes(_) => "ERR",
        }
    }

    /// The error line as bytes: what goes on the wire.
    pub fn message_bytes(&self) -> &[u8] {
        match self {
            CmdError::Bytes(b) => b,
            other => other.message().as_bytes(),
        }
    }
}

pub type CmdResult = Result<(), CmdError>;
