//! Authentication and connection-control commands the model leaves out,
//! with the reason (see [`super::NOT_MODELLED`]). They act on connections,
//! not data: engine tests (`engine/tests/auth_client.rs`), the differential
//! suite and the redis-py script cover them.

pub static NOT_MODELLED: &[(&str, &str)] = &[
    ("auth", "the simulated server has no requirepass: AUTH could only answer its no-password error"),
    ("acl|whoami", "always `default`: compared with Redis's by the differential suite"),
    ("acl|cat", "lists the engine's own table: compared with Redis's by the differential suite"),
    ("acl|help", "fixed text: compared with Redis's by the differential suite"),
    ("client|kill", "closes other connections, which the workload's clients do not expect to lose"),
    ("client|pause", "holds every client's commands for wall-clock time the model's reply checks do not follow"),
    ("client|unpause", "only meaningful after CLIENT PAUSE (see it)"),
    ("client|reply", "OFF and SKIP leave commands without replies, which the world's reply matching needs"),
    ("client|no-evict", "sets a flag only CLIENT LIST shows; the model does not keep connection flags"),
    ("client|tracking", "client-side caching is not implemented: the engine answers an error for ON"),
];
