//! The AOF as the engine's storage API shows it: what a write propagates,
//! the durability gate under `appendfsync always` (a reply waits for the
//! fsync that covers it; one fsync covers every client), failures
//! (MISCONF, no false acknowledgement), and the rewrite's op sequence.
//! The driver here is the test: it performs each op by hand.

mod common;

use common::{encode, exchange, feed, open, split, take_output};
use ferrodis_engine::aof::{Aof, FsyncPolicy, Manifest, StorageEvent, StorageOp};
use ferrodis_engine::{Config, Engine};

const T0_MS: u64 = 1_700_000_000_000;

fn engine(policy: FsyncPolicy) -> Engine {
    let config = Config { appendonly: true, appendfsync: policy, ..Config::default() };
    let mut e = Engine::new(config, T0_MS);
    let mut m = Manifest::empty("appendonly.aof");
    m.base = Some(m.next_base());
    m.incrs = vec![m.next_incr()];
    e.attach_aof(Aof::attach(m, 0, 0));
    e
}

/// Polls every op; appends are reported done at once, fsyncs are returned
/// unanswered. Returns (appended bytes, fsync offsets).
fn drain(e: &mut Engine) -> (Vec<u8>, Vec<u64>) {
    let (mut bytes, mut fsyncs) = (Vec::new(), Vec::new());
    while let Some(op) = e.poll_storage() {
        match op {
            StorageOp::Append { file, bytes: b, end } => {
                assert_eq!(file, "appendonly.aof.1.incr.aof");
                bytes.extend_from_slice(&b);
                e.handle_storage(StorageEvent::Appended { end }, T0_MS);
            }
            StorageOp::Fsync { through, .. } => fsyncs.push(through),
            other => panic!("unexpected op {other:?}"),
        }
    }
    (bytes, fsyncs)
}

fn resp(cmds: &[&str]) -> Vec<u8> {
    cmds.iter().flat_map(|c| encode(&split(c))).collect()
}

#[test]
fn writes_propagate_reads_do_not_and_select_is_tracked() {
    let mut e = engine(FsyncPolicy::No);
    let c = open(&mut e, T0_MS);
    exchange(&mut e, c, &resp(&["SET a 1", "GET a", "SELECT 2", "SET b 2", "DEL nosuch", "INCR a"]), T0_MS);
    let (bytes, fsyncs) = drain(&mut e);
    // DEL of a missing key changed nothing: not propagated (as Redis, which
    // propagates only what moved `server.dirty`). INCR a in db 2 creates a.
    let want = resp(&["SELECT 0", "SET a 1", "SELECT 2", "SET b 2", "INCR a"]);
    assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(&want));
    assert!(fsyncs.is_empty(), "appendfsync no never fsyncs");
    // A failed write propagates nothing.
    exchange(&mut e, c, &resp(&["LPUSH b x"]), T0_MS);
    assert_eq!(drain(&mut e).0, b"");
}

#[test]
fn always_holds_every_reply_until_its_fsync_and_one_fsync_covers_all_clients() {
    let mut e = engine(FsyncPolicy::Always);
    let (a, b) = (open(&mut e, T0_MS), open(&mut e, T0_MS));
    feed(&mut e, a, &resp(&["SET k1 v", "GET k1"]), T0_MS);
    feed(&mut e, b, &resp(&["SET k2 v"]), T0_MS);
    let (_, fsyncs) = drain(&mut e);
    assert_eq!(fsyncs.len(), 1, "one fsync for both clients' writes");
    assert_eq!(take_output(&mut e, a, T0_MS), b"", "no reply before the fsync");
    assert_eq!(take_output(&mut e, b, T0_MS), b"");
    // A read on a third client waits too: it would show k1.
    let r = open(&mut e, T0_MS);
    feed(&mut e, r, &resp(&["GET k1"]), T0_MS);
    assert_eq!(take_output(&mut e, r, T0_MS), b"");
    e.handle_storage(StorageEvent::Synced { through: fsyncs[0] }, T0_MS);
    assert_eq!(take_output(&mut e, a, T0_MS), b"+OK\r\n$1\r\nv\r\n");
    assert_eq!(take_output(&mut e, b, T0_MS), b"+OK\r\n");
    assert_eq!(take_output(&mut e, r, T0_MS), b"$1\r\nv\r\n");
    // Nothing unsynced: a read goes at once.
    assert_eq!(exchange(&mut e, r, &resp(&["GET k2"]), T0_MS), b"$1\r\nv\r\n");
    e.check_invariants();
}

#[test]
fn everysec_replies_at_once_and_fsyncs_from_tick() {
    let mut e = engine(FsyncPolicy::EverySec);
    let c = open(&mut e, T0_MS);
    assert_eq!(exchange(&mut e, c, &resp(&["SET k v"]), T0_MS), b"+OK\r\n");
    assert!(drain(&mut e).1.is_empty());
    e.handle_tick(T0_MS + 1000);
    let (_, fsyncs) = drain(&mut e);
    assert_eq!(fsyncs.len(), 1);
}

#[test]
fn a_failed_fsync_acknowledges_nothing_and_refuses_writes() {
    let mut e = engine(FsyncPolicy::Always);
    let c = open(&mut e, T0_MS);
    feed(&mut e, c, &resp(&["SET k v"]), T0_MS);
    let (_, fsyncs) = drain(&mut e);
    assert_eq!(fsyncs.len(), 1);
    e.handle_storage(StorageEvent::SyncFailed { error: "Input/output error".into() }, T0_MS);
    assert_eq!(take_output(&mut e, c, T0_MS), b"", "the write is not acknowledged");
    assert_eq!(common::closed(&mut e), vec![c], "its client is disconnected");
    assert!(e.take_log().iter().any(|l| l.contains("fsync")));
    let d = open(&mut e, T0_MS);
    assert_eq!(
        exchange(&mut e, d, &resp(&["SET x y"]), T0_MS),
        b"-MISCONF Errors writing to the AOF file: Input/output error\r\n"
    );
    assert_eq!(exchange(&mut e, d, &resp(&["GET k"]), T0_MS), b"$1\r\nv\r\n", "reads go on");
    e.check_invariants();
}

#[test]
fn bgrewriteaof_switches_forks_and_installs_in_order() {
    let mut e = engine(FsyncPolicy::EverySec);
    let c = open(&mut e, T0_MS);
    exchange(&mut e, c, &resp(&["SET k v"]), T0_MS);
    assert_eq!(
        exchange(&mut e, c, &resp(&["BGREWRITEAOF"]), T0_MS),
        b"+Background append only file rewriting started\r\n"
    );
    let Some(StorageOp::Append { end, .. }) = e.poll_storage() else { panic!("append first") };
    e.handle_storage(StorageEvent::Appended { end }, T0_MS);
    let Some(StorageOp::Fsync { through, .. }) = e.poll_storage() else { panic!("then fsync of the old incr") };
    // Nothing runs while the rewrite waits for the driver.
    feed(&mut e, c, &resp(&["SET k2 v2"]), T0_MS);
    assert_eq!(take_output(&mut e, c, T0_MS), b"");
    e.handle_storage(StorageEvent::Synced { through }, T0_MS);
    let Some(StorageOp::SwitchIncr { new_incr, manifest }) = e.poll_storage() else { panic!("then the switch") };
    assert_eq!(new_incr, "appendonly.aof.2.incr.aof");
    assert!(manifest.unwrap().ends_with("file appendonly.aof.2.incr.aof seq 2 type i\n"));
    e.handle_storage(StorageEvent::IncrSwitched(Ok(())), T0_MS);
    let Some(StorageOp::Fork { temp_base }) = e.poll_storage() else { panic!("then the fork") };
    let keys: usize = e.executor().dbs().iter().map(|d| d.len()).sum();
    assert_eq!(keys, 1, "the snapshot is taken before SET k2");
    e.handle_storage(StorageEvent::Forked(Ok(120)), T0_MS);
    assert_eq!(take_output(&mut e, c, T0_MS), b"+OK\r\n", "SET k2 ran after the fork");
    let Some(StorageOp::Append { file, .. }) = e.poll_storage() else { panic!("SET k2 goes to the new incr") };
    assert_eq!(file, "appendonly.aof.2.incr.aof");
    e.handle_storage(StorageEvent::Appended { end: e.executor().srv.aof.end_offset() }, T0_MS);
    e.handle_storage(StorageEvent::RewriteDone(Ok(40)), T0_MS);
    let Some(StorageOp::InstallRewrite { temp_base: t, base, manifest, remove }) = e.poll_storage() else {
        panic!("then the install")
    };
    assert_eq!(t, temp_base);
    assert_eq!(base, "appendonly.aof.2.base.aof");
    assert_eq!(manifest, "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
    assert_eq!(remove, vec!["appendonly.aof.1.base.aof".to_string(), "appendonly.aof.1.incr.aof".to_string()]);
    e.handle_storage(StorageEvent::RewriteInstalled(Ok(())), T0_MS);
    let info = exchange(&mut e, c, &resp(&["INFO persistence"]), T0_MS);
    let info = String::from_utf8_lossy(&info);
    assert!(info.contains("aof_rewrites:1\r\n") && info.contains("aof_base_size:40\r\n"), "{info}");
    assert!(exchange(&mut e, c, &resp(&["INFO stats"]), T0_MS).windows(20).any(|w| w == b"latest_fork_usec:120"));
    e.check_invariants();
}

#[test]
fn expired_keys_propagate_as_del() {
    let mut e = engine(FsyncPolicy::No);
    let c = open(&mut e, T0_MS);
    exchange(&mut e, c, &resp(&["SET k v PX 10"]), T0_MS);
    drain(&mut e);
    exchange(&mut e, c, &resp(&["GET k"]), T0_MS + 100);
    let (bytes, _) = drain(&mut e);
    assert_eq!(bytes, resp(&["DEL k"]));
}

#[test]
fn a_rewrite_waits_for_an_fsync_that_covers_everything_before_the_switch() {
    let mut e = engine(FsyncPolicy::EverySec);
    let c = open(&mut e, T0_MS);
    exchange(&mut e, c, &resp(&["SET a 1"]), T0_MS);
    drain(&mut e);
    e.handle_tick(T0_MS + 1000);
    let (_, fsyncs) = drain(&mut e);
    assert_eq!(fsyncs.len(), 1, "the everysec fsync is in flight");
    exchange(&mut e, c, &resp(&["SET b 2", "BGREWRITEAOF"]), T0_MS + 1001);
    let Some(StorageOp::Append { end, .. }) = e.poll_storage() else { panic!("SET b is appended first") };
    e.handle_storage(StorageEvent::Appended { end }, T0_MS + 1001);
    // The earlier fsync ends: it does not cover SET b, so another is asked.
    e.handle_storage(StorageEvent::Synced { through: fsyncs[0] }, T0_MS + 1002);
    let Some(StorageOp::Fsync { through, .. }) = e.poll_storage() else { panic!("a second fsync before the switch") };
    assert_eq!(through, end);
    e.handle_storage(StorageEvent::Synced { through }, T0_MS + 1003);
    assert!(matches!(e.poll_storage(), Some(StorageOp::SwitchIncr { .. })));
}

#[test]
fn appendonly_no_during_an_fsync_asks_for_no_second_one() {
    let mut e = engine(FsyncPolicy::EverySec);
    let c = open(&mut e, T0_MS);
    exchange(&mut e, c, &resp(&["SET a 1"]), T0_MS);
    drain(&mut e);
    e.handle_tick(T0_MS + 1000);
    let (_, fsyncs) = drain(&mut e);
    assert_eq!(fsyncs.len(), 1, "an fsync is in flight");
    exchange(&mut e, c, &resp(&["SET b 2", "CONFIG SET appendonly no"]), T0_MS + 1001);
    let (bytes, more) = drain(&mut e);
    assert_eq!(bytes, resp(&["SET b 2"]), "what was buffered still goes out");
    assert!(more.is_empty(), "no second fsync while one runs: {more:?}");
    e.handle_storage(StorageEvent::Synced { through: fsyncs[0] }, T0_MS + 1002);
    let info = String::from_utf8_lossy(&exchange(&mut e, c, &resp(&["INFO persistence"]), T0_MS + 1003)).into_owned();
    assert!(info.contains("aof_enabled:0\r\n"), "{info}");
    e.check_invariants();
}

#[test]
fn appendonly_yes_at_runtime_rewrites_first_and_a_failed_attempt_backs_off() {
    let config = Config { appendonly: false, ..Config::default() };
    let mut e = Engine::new(config, T0_MS);
    let c = open(&mut e, T0_MS);
    exchange(&mut e, c, &resp(&["SET a 1"]), T0_MS);
    assert!(e.poll_storage().is_none(), "nothing is written with the AOF off");
    assert_eq!(exchange(&mut e, c, &resp(&["CONFIG SET appendonly yes"]), T0_MS), b"+OK\r\n");
    let Some(StorageOp::SwitchIncr { new_incr, manifest }) = e.poll_storage() else { panic!("a switch first") };
    assert_eq!(new_incr, "appendonly.aof.1.incr.aof");
    assert_eq!(manifest, None, "the new incr file joins a manifest only with its base");
    e.handle_storage(StorageEvent::IncrSwitched(Err("No such file or directory".into())), T0_MS);
    // Retried after a second, not on every tick.
    e.handle_tick(T0_MS + 500);
    assert!(e.poll_storage().is_none(), "no retry before the backoff");
    e.handle_tick(T0_MS + 1000);
    let Some(StorageOp::SwitchIncr { new_incr, .. }) = e.poll_storage() else { panic!("the retry") };
    assert_eq!(new_incr, "appendonly.aof.2.incr.aof");
    e.handle_storage(StorageEvent::IncrSwitched(Ok(())), T0_MS + 1000);
    let Some(StorageOp::Fork { .. }) = e.poll_storage() else { panic!("then the fork") };
    e.handle_storage(StorageEvent::Forked(Ok(5)), T0_MS + 1000);
    e.handle_storage(StorageEvent::RewriteDone(Ok(30)), T0_MS + 1001);
    let Some(StorageOp::InstallRewrite { manifest, .. }) = e.poll_storage() else { panic!("then the install") };
    assert_eq!(manifest, "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
    e.handle_storage(StorageEvent::RewriteInstalled(Ok(())), T0_MS + 1001);
    let info = String::from_utf8_lossy(&exchange(&mut e, c, &resp(&["INFO persistence"]), T0_MS + 1002)).into_owned();
    assert!(info.contains("aof_enabled:1\r\n") && info.contains("aof_rewrites:1\r\n"), "{info}");
    e.check_invariants();
}
