//! Pub/Sub in the reference model: not modelled yet. Its replies go to
//! other connections (messages) or depend on every connection's state
//! (counts), which the world's one-reply-per-request checker does not
//! follow; the engine's `tests/pubsub.rs` (both compositions) and the
//! differential suite (`tests/diff/pubsub.txt`) check them instead.

const WHY: &str = "delivers to other connections and counts every connection's subscriptions, which the \
    world's one-reply-per-request checker does not follow: checked by engine tests/pubsub.rs and tests/diff/pubsub.txt";

pub static NOT_MODELLED: &[(&str, &str)] = &[
    ("psubscribe", WHY),
    ("publish", WHY),
    ("pubsub|channels", WHY),
    ("pubsub|numpat", WHY),
    ("pubsub|numsub", WHY),
    ("pubsub|shardchannels", WHY),
    ("pubsub|shardnumsub", WHY),
    ("pubsub|help", "fixed text: compared with Redis's by the differential suite"),
    ("punsubscribe", WHY),
    ("spublish", WHY),
    ("ssubscribe", WHY),
    ("subscribe", WHY),
    ("sunsubscribe", WHY),
    ("unsubscribe", WHY),
];
