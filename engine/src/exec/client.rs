//! Per-client state the executor keeps (the connection layer keeps the bytes).

use crate::ring::ClientInfo;
use crate::ConnId;

#[derive(Debug)]
pub struct Client {
    pub id: ConnId,
    pub info: ClientInfo,
    /// Selected database index.
    pub db: usize,
    pub name: Option<Vec<u8>>,
    pub created_ms: u64,
    pub last_interaction_ms: u64,
    /// Full name of the last command run ("client|list"), for CLIENT LIST.
    pub last_cmd: String,
    /// RESP protocol version (HELLO); only 2 for now.
    pub resp: u8,
    /// Reply bytes produced but not yet handed to the connection layer.
    pub out: Vec<u8>,
    /// Close the connection after `out` is written (QUIT, CLIENT KILL).
    pub close_after_reply: bool,
}

impl Client {
    pub fn new(id: ConnId, info: ClientInfo, now_ms: u64) -> Client {
        Client {
            id,
            info,
            db: 0,
            name: None,
            created_ms: now_ms,
            last_interaction_ms: now_ms,
            last_cmd: "NULL".into(),
            resp: 2,
            out: Vec::new(),
            close_after_reply: false,
        }
    }
}
