//! Every bound the engine enforces, in one place (TIGER_STYLE: put a limit on
//! everything). Values that Redis makes configurable are the defaults of the
//! matching `Config` fields; the constants here are the hard ceilings.

/// `proto-max-bulk-len` default: the largest bulk string a client may send.
pub const PROTO_MAX_BULK_LEN_DEFAULT: u64 = 512 * 1024 * 1024;
/// Largest multibulk count accepted (Redis: `ll > INT_MAX` is invalid).
pub const PROTO_MAX_MULTIBULK_LEN: u64 = i32::MAX as u64;
/// Largest inline command line and largest multibulk/bulk header line
/// (Redis `PROTO_INLINE_MAX_SIZE`).
pub const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;
/// `client-query-buffer-limit` default.
pub const CLIENT_QUERY_BUFFER_LIMIT_DEFAULT: usize = 1024 * 1024 * 1024;
/// Arguments are preallocated at most this many at a time, so a huge declared
/// multibulk count cannot make us allocate before the bytes arrive.
pub const PARSER_ARGS_PREALLOC_MAX: usize = 1024;
/// Commands of at most this many arguments that arrive whole are parsed in
/// one pass with their offsets on the stack; longer ones take the
/// incremental path.
pub const PARSER_WHOLE_ARGS_MAX: usize = 8;
/// Spare argument vectors the single-threaded engine keeps for the parser
/// to reuse (each at most [`ARGS_SPARE_CAPACITY_MAX`] arguments), so a
/// steady request stream allocates no argument list per command.
pub const ARGS_SPARE_VECS_MAX: usize = 64;
/// Largest argument list kept for reuse; bigger ones are freed.
pub const ARGS_SPARE_CAPACITY_MAX: usize = 64;
/// Capacity of each ring queue (requests to the executor, and messages to
/// each connection side), `ring-capacity`'s default.
pub const RING_CAPACITY_DEFAULT: usize = 4096;
/// Bytes a driver asks the kernel for per read (Redis `PROTO_IOBUF_LEN`). A
/// larger spare capacity already in the buffer (a big argument being
/// received) is used whole.
pub const READ_CHUNK_BYTES: usize = 16 * 1024;
/// Reads per connection per pass of a driver's event loop before it moves
/// on to other clients (fairness); a connection with more to read is
/// revisited with a zero poll timeout. One, as Redis reads one
/// `PROTO_IOBUF_LEN` chunk per client per event-loop turn: with 16, a
/// `redis-cli --pipe` client got up to 16 x 32 KB (~15,000 SETs) executed
/// per pass, and while the keyspace grew (each SET a few cache misses) a
/// PING on another connection waited one to two such passes: p99.9 230-320
/// ms against Redis's 33-48 ms.
pub const READS_PER_PASS: usize = 1;
/// A connection that has not read for this long has its empty read buffer
/// freed by the side's tick (Redis frees an idle client's query buffer in
/// `clientsCron` after 2 s). Freeing it on every rest instead costs a 16 KB
/// allocation per request.
pub const READ_BUF_IDLE_MS: u64 = 200;
/// Resting connections one tick of a side checks at most (a bounded sweep,
/// as `clientsCron` bounds its iterations).
pub const READ_BUF_SWEEP_MAX: usize = 1024;
/// A side's tick (the idle read-buffer sweep) is due this often: a driver
/// that loops per event must not walk the resting list on every pass.
pub const CONN_SIDE_TICK_INTERVAL_MS: u64 = 100;
/// Resident memory beyond what is allocated (RSS minus `used_memory`) that
/// may grow past its level after the last purge before the tick asks the
/// driver to hand freed pages back to the OS (see [`crate::memory`]).
pub const MEMORY_PURGE_SLACK_BYTES: u64 = 16 * 1024 * 1024;
/// Timed purges are at least this far apart, so a workload that keeps
/// freeing and reallocating big buffers pays for at most one purge (an
/// allocator page walk, and page faults after it) per interval.
pub const MEMORY_PURGE_INTERVAL_MS: u64 = 1000;
/// A read buffer that grew past this (a big argument) is freed as soon as
/// it is empty, not kept until the idle sweep: Redis, too, hands a big
/// argument's buffer to the value and starts the client on a small one.
pub const READ_BUF_RETAIN_BYTES: usize = 64 * 1024;
/// Socket events a driver takes from one poll call.
pub const POLL_EVENTS_MAX: usize = 1024;
/// A connection stops reading (backpressure) while this many reply bytes wait
/// to be written to it.
pub const CONN_OUTPUT_PAUSE_BYTES: usize = 64 * 1024 * 1024;
/// A connection's output buffer keeps at most this much capacity once it
/// has been written out; a bigger one (an adopted large reply) is freed.
pub const CONN_OUTPUT_RETAIN_BYTES: usize = 64 * 1024;
/// Databases, as Redis's `databases` default.
pub const DATABASES_DEFAULT: usize = 16;
/// Buckets each table may move per `tick` (at most ten times as many empty
/// ones visited), or, while a large resize stages its array, 64 slots zeroed
/// per bucket. Redis spends up to 1 ms per cron run; the engine cannot read a
/// clock, so the budget is counted in work: moving a bucket of a large table
/// costs about 0.2-0.4 us here (cache misses on the entries), so this is
/// roughly 0.5-1 ms. 100,000 buckets took 40 ms and stalled every client
/// behind it while an 8M-key table grew.
pub const REHASH_BUCKETS_PER_TICK: usize = 2_000;
/// A value leaving the keyspace with more elements than this is freed in
/// steps from `tick` instead of at once (Redis `LAZYFREE_THRESHOLD`).
pub const LAZYFREE_THRESHOLD_ELEMENTS: usize = 64;
/// Elements the lazy-free queue frees per tick, per database: about a
/// millisecond of frees, so no request waits behind more than that, and a
/// million-element value is gone within five seconds at hz 10.
pub const LAZYFREE_ELEMENTS_PER_TICK: usize = 20_000;
/// Keys sampled per database per active-expire loop (Redis ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP).
pub const ACTIVE_EXPIRE_KEYS_PER_LOOP: usize = 20;
/// Keys the active expire cycle may visit per tick at most, as its budget.
pub const ACTIVE_EXPIRE_VISITS_PER_TICK: usize = 20_000;
/// Maximum string value size (Redis checkStringLength: proto-max-bulk-len).
pub const STRING_MAX_BYTES: u64 = PROTO_MAX_BULK_LEN_DEFAULT;
/// Most distinct error codes INFO errorstats tracks (Redis's
/// `ERROR_STATS_NUMBER`); the codes come from our own replies, so this only
/// guards against a future bug.
pub const ERROR_CODES_TRACKED_MAX: usize = 128;

const _: () = assert!(PROTO_INLINE_MAX_SIZE as u64 <= PROTO_MAX_BULK_LEN_DEFAULT);
const _: () = assert!(PROTO_MAX_BULK_LEN_DEFAULT <= CLIENT_QUERY_BUFFER_LIMIT_DEFAULT as u64);
const _: () = assert!(RING_CAPACITY_DEFAULT >= 1);
const _: () = assert!(READ_CHUNK_BYTES <= PROTO_INLINE_MAX_SIZE);
const _: () = assert!(READ_CHUNK_BYTES < READ_BUF_RETAIN_BYTES);
const _: () = assert!(CONN_SIDE_TICK_INTERVAL_MS < READ_BUF_IDLE_MS);
