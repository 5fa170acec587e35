//! Startup against directories in memory: what is created when nothing is
//! there, how every way a file can end is handled (torn at every byte,
//! zero-filled, garbage, torn before the last file, an open MULTI), and
//! that what loads is exactly what the complete commands say (the model:
//! the same commands run one by one into a fresh engine).

mod common;

use bytes::Bytes;
use common::*;
use ferrodis_engine::{Config, Engine};
use ferrodis_persistence::{startup, MemStorage, StorageCall};

const T0_MS: u64 = 1_700_000_000_000;

/// A unit of the test file: one command, or a whole transaction.
struct Unit {
    bytes: Vec<u8>,
    /// The commands it applies.
    applies: Vec<Vec<Bytes>>,
}

fn units() -> Vec<Unit> {
    let one = |a: &[&[u8]]| Unit { bytes: encode(a), applies: vec![args(a)] };
    let tx = |cmds: &[&[&[u8]]]| {
        let mut bytes = encode(&[b"MULTI"]);
        for c in cmds {
            bytes.extend_from_slice(&encode(c));
        }
        bytes.extend_from_slice(&encode(&[b"EXEC"]));
        Unit { bytes, applies: cmds.iter().map(|c| args(c)).collect() }
    };
    vec![
        one(&[b"SELECT", b"0"]),
        one(&[b"SET", b"a", b"1"]),
        one(&[b"RPUSH", b"l", b"x", b"y z"]),
        one(&[b"SET", b"bin\r\n", b"\x00\r\n\xff"]),
        tx(&[&[b"INCR", b"a"], &[b"SADD", b"s", b"m1", b"m2"]]),
        one(&[b"PEXPIREAT", b"l", b"1800000000000"]),
        one(&[b"SELECT", b"2"]),
        one(&[b"HSET", b"h", b"f", b"v"]),
    ]
}

/// A fresh engine with `cmds` applied as the loader would.
fn model(cmds: impl IntoIterator<Item = Vec<Bytes>>) -> Engine {
    let mut e = Engine::new(aof_config(), T0_MS);
    for c in cmds {
        e.handle_load_command(&c, T0_MS).expect("model command");
    }
    e.finish_loading();
    e
}

fn load(
    storage: &mut MemStorage,
    config: &Config,
) -> (Engine, Result<ferrodis_persistence::Startup, ferrodis_persistence::LoadError>) {
    let mut e = Engine::new(config.clone(), T0_MS);
    let r = startup(storage, config, &mut e, T0_MS);
    (e, r)
}

#[test]
fn a_fresh_start_creates_base_incr_and_manifest_durably() {
    let mut s = MemStorage::new();
    let (mut e, r) = load(&mut s, &aof_config());
    let st = r.expect("fresh start");
    assert_eq!(st.created, [BASE, INCR]);
    assert_eq!(s.file(BASE), Some(&b""[..]));
    assert_eq!(s.file(INCR), Some(&b""[..]));
    assert_eq!(s.file(MANIFEST), Some(format!("file {BASE} seq 1 type b\nfile {INCR} seq 1 type i\n").as_bytes()));
    // Files and the directory are durable before the manifest names them.
    let pos =
        |call: StorageCall, name: &str| s.calls.iter().position(|(c, n)| *c == call && n.starts_with(name)).unwrap();
    let rename = pos(StorageCall::Rename, "temp-appendonly.aof.manifest");
    assert!(pos(StorageCall::EnsureDir, "") < pos(StorageCall::Create, BASE));
    assert!(pos(StorageCall::Fsync, BASE) < rename);
    assert!(pos(StorageCall::Fsync, INCR) < rename);
    assert!(pos(StorageCall::FsyncDir, "") < rename);
    assert_eq!(s.calls.last().unwrap().0, StorageCall::FsyncDir);
    // The engine appends to the new incr file.
    assert_eq!(query(&mut e, &["SET", "k", "v"], T0_MS), b"+OK\r\n");
    let mut appended = Vec::new();
    while let Some(op) = e.poll_storage() {
        if let ferrodis_engine::aof::StorageOp::Append { file, bytes, .. } = &op {
            assert_eq!(file, INCR);
            appended.extend_from_slice(bytes);
        }
        if let Some(ev) = ferrodis_persistence::perform(&mut s, op) {
            e.handle_storage(ev, T0_MS);
        }
    }
    assert_eq!(s.file(INCR), Some(&appended[..]));
    assert!(!appended.is_empty());
}

#[test]
fn appendonly_no_reads_the_manifest_and_creates_nothing() {
    let mut s = MemStorage::new();
    let (_, r) = load(&mut s, &Config::default());
    r.unwrap();
    assert!(!s.dir_exists && s.files.is_empty(), "{:?}", s.calls);
    let mut s = dir(&encode(&["SET", "a", "1"]), b"");
    let (mut e, r) = load(&mut s, &Config::default());
    r.unwrap();
    assert_eq!(query(&mut e, &["DBSIZE"], T0_MS), b":0\r\n", "nothing is loaded with appendonly no");
    assert_eq!(e.executor().dbs().len(), Config::default().databases);
}

#[test]
fn a_base_without_incr_gets_the_next_incr_and_history_goes() {
    let manifest = "file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.2.base.aof seq 2 type h\nfile appendonly.aof.7.incr.aof seq 7 type h\n";
    let mut s = MemStorage::with_files([
        (MANIFEST, manifest.as_bytes().to_vec()),
        ("appendonly.aof.3.base.aof", encode(&["SET", "a", "1"])),
        ("appendonly.aof.2.base.aof", b"old".to_vec()),
        ("appendonly.aof.7.incr.aof", b"old".to_vec()),
    ]);
    let (mut e, r) = load(&mut s, &aof_config());
    let st = r.unwrap();
    assert_eq!(st.created, ["appendonly.aof.1.incr.aof"]);
    assert_eq!(
        s.file(MANIFEST),
        Some(&b"file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"[..])
    );
    let names: Vec<_> = s.files.keys().cloned().collect();
    assert_eq!(names, ["appendonly.aof.1.incr.aof", "appendonly.aof.3.base.aof", MANIFEST]);
    assert_eq!(query(&mut e, &["GET", "a"], T0_MS), b"$1\r\n1\r\n");
    assert_eq!((st.keys_loaded, st.total_bytes, st.base_bytes), (1, 27, 27));
}

#[test]
fn a_torn_tail_at_every_byte_loads_exactly_the_complete_commands() {
    let units = units();
    let file: Vec<u8> = units.iter().flat_map(|u| u.bytes.clone()).collect();
    let mut ends = vec![0];
    for u in &units {
        ends.push(ends.last().unwrap() + u.bytes.len());
    }
    for cut in 0..=file.len() {
        let complete = ends.iter().rposition(|&e| e <= cut).unwrap();
        let valid = ends[complete];
        let want = model(units[..complete].iter().flat_map(|u| u.applies.clone()));

        let mut s = dir(b"", &file[..cut]);
        let (e, r) = load(&mut s, &aof_config());
        let st = r.unwrap_or_else(|err| panic!("cut {cut}: {err}"));
        assert_eq!(dump(&e), dump(&want), "cut {cut}");
        assert_eq!(s.file(INCR), Some(&file[..valid]), "cut {cut}: truncated to the last complete command");
        if valid < cut {
            assert_eq!(st.truncated, Some((INCR.to_string(), valid as u64)), "cut {cut}");
            let warned = |l: &String| (l.contains("short read") || l.contains("zero bytes")) && l.contains(INCR);
            assert!(st.log.iter().any(warned), "{:?}", st.log);
            assert!(st.log.iter().any(|l| l.contains(&format!("at offset {valid}"))), "{:?}", st.log);
        } else {
            assert_eq!(st.truncated, None);
        }

        // aof-load-truncated no: starts only from a clean cut.
        let mut s = dir(b"", &file[..cut]);
        let config = Config { aof_load_truncated: false, ..aof_config() };
        let (_, r) = load(&mut s, &config);
        assert_eq!(r.is_ok(), valid == cut, "cut {cut}: {r:?}");
        assert_eq!(s.file(INCR), Some(&file[..cut]), "cut {cut}: a refused file is untouched");
    }
}

#[test]
fn a_zero_filled_tail_is_cut_and_logged() {
    let units = units();
    let good: Vec<u8> = units[..4].iter().flat_map(|u| u.bytes.clone()).collect();
    let want = model(units[..4].iter().flat_map(|u| u.applies.clone()));
    for tail in [&b""[..], &units[4].bytes[..9]] {
        let mut file = good.clone();
        file.extend_from_slice(tail);
        file.extend_from_slice(&[0; 70_000]);
        let mut s = dir(b"", &file);
        let (e, r) = load(&mut s, &aof_config());
        let st = r.unwrap();
        assert_eq!(dump(&e), dump(&want));
        assert_eq!(s.file(INCR), Some(&good[..]));
        assert_eq!(st.truncated, Some((INCR.to_string(), good.len() as u64)));
        assert!(st.log.iter().any(|l| l.contains("zero bytes") || l.contains("short read")), "{:?}", st.log);
    }
}

#[test]
fn garbage_in_the_middle_is_refused_naming_file_and_offset() {
    let set = encode(&["SET", "a", "1"]);
    for garbage in [&b"+OK\r\n"[..], b"*2\r\n$3\r\nGET\r\nxx\r\n", b"*1\r\n$99999999999\r\nabc\r\n", &[0u8; 16]] {
        let mut file = set.clone();
        file.extend_from_slice(garbage);
        file.extend_from_slice(&set);
        let mut s = dir(b"", &file);
        let (_, r) = load(&mut s, &aof_config());
        let err = r.expect_err("garbage must refuse");
        assert_eq!(err.file.as_deref(), Some(INCR));
        let at = err.offset.unwrap();
        assert!(at >= set.len() as u64 && at < (set.len() + garbage.len()) as u64, "{err}");
        let text = err.to_string();
        assert!(text.contains("Bad file format reading the append only file") && text.contains(INCR), "{text}");
        assert!(text.contains("--check-aof --fix"), "{text}");
        assert_eq!(s.file(INCR), Some(&file[..]), "never cut");
    }
}

#[test]
fn a_torn_file_that_is_not_the_last_is_refused() {
    let set = encode(&["SET", "a", "1"]);
    let torn = [&set[..], &set[..10]].concat();
    let mut s = dir(&torn, &set);
    let (_, r) = load(&mut s, &aof_config());
    let err = r.expect_err("torn base before an incr");
    assert_eq!((err.file.as_deref(), err.offset), (Some(BASE), Some(set.len() as u64)));
    assert!(err.to_string().contains("not the last file"), "{err}");
    assert_eq!(s.file(BASE), Some(&torn[..]), "untouched");
    // The same base as the only file is the last one: cut.
    let mut s =
        MemStorage::with_files([(MANIFEST, format!("file {BASE} seq 1 type b\n").into_bytes()), (BASE, torn.clone())]);
    let (mut e, r) = load(&mut s, &aof_config());
    let st = r.unwrap();
    assert_eq!(st.truncated, Some((BASE.to_string(), set.len() as u64)));
    assert_eq!(st.created, [INCR]);
    assert_eq!(query(&mut e, &["GET", "a"], T0_MS), b"$1\r\n1\r\n");
}

#[test]
fn an_unfinished_multi_at_the_end_is_rolled_back() {
    let mut file = encode(&["SET", "a", "1"]);
    let valid = file.len();
    file.extend_from_slice(&encode(&["MULTI"]));
    file.extend_from_slice(&encode(&["SET", "a", "2"]));
    file.extend_from_slice(&encode(&["SET", "b", "2"]));
    let mut s = dir(b"", &file);
    let (mut e, r) = load(&mut s, &aof_config());
    let st = r.unwrap();
    assert_eq!(query(&mut e, &["MGET", "a", "b"], T0_MS), b"*2\r\n$1\r\n1\r\n$-1\r\n");
    assert_eq!(s.file(INCR), Some(&file[..valid]));
    assert!(
        st.log.iter().any(|l| l.contains("Revert incomplete MULTI/EXEC transaction") && l.contains(INCR)),
        "{:?}",
        st.log
    );
    // In a file that is not the last one it is refused, as Redis does.
    let mut s = dir(&file, b"");
    let (_, r) = load(&mut s, &aof_config());
    assert!(r.is_err());
}

#[test]
fn unknown_commands_refuse_other_errors_are_logged() {
    let mut file = encode(&["SET", "a", "x"]);
    file.extend_from_slice(&encode(&["INCR", "a"]));
    file.extend_from_slice(&encode(&["SET", "b", "1"]));
    let mut s = dir(b"", &file);
    let (mut e, r) = load(&mut s, &aof_config());
    let st = r.unwrap();
    assert!(st.log.iter().any(|l| l.contains("not an integer")), "{:?}", st.log);
    assert_eq!(query(&mut e, &["MGET", "a", "b"], T0_MS), b"*2\r\n$1\r\nx\r\n$1\r\n1\r\n");

    let mut file = encode(&["SET", "a", "x"]);
    file.extend_from_slice(&encode(&["NOSUCHCMD", "a"]));
    let mut s = dir(b"", &file);
    let (_, r) = load(&mut s, &aof_config());
    let err = r.unwrap_err();
    assert!(err.to_string().contains("Unknown command 'NOSUCHCMD' reading the append only file"), "{err}");
    assert_eq!(err.offset, Some(27));
}

#[test]
fn missing_files_bad_manifests_and_rdb_bases_refuse() {
    let mut s = dir(b"", b"");
    s.files.remove(INCR);
    assert!(load(&mut s, &aof_config()).1.is_err());
    let mut s = dir(b"", b"");
    s.files.insert(MANIFEST.into(), b"file x seq 1 type z\n".to_vec());
    assert!(load(&mut s, &aof_config()).1.is_err());
    let mut s = dir(b"REDIS0009\xfa...", b"");
    let err = load(&mut s, &aof_config()).1.unwrap_err();
    assert!(err.to_string().contains("RDB preamble"), "{err}");
}

#[test]
fn io_failures_refuse_to_start() {
    for call in
        [StorageCall::EnsureDir, StorageCall::Create, StorageCall::Fsync, StorageCall::Rename, StorageCall::FsyncDir]
    {
        let mut s = MemStorage::new();
        s.fail_next(call, None);
        let (_, r) = load(&mut s, &aof_config());
        assert!(r.is_err(), "{call:?}");
        assert!(s.file(MANIFEST).is_none(), "{call:?}: no manifest names files that may not be durable");
    }
    let mut s = dir(b"", &encode(&["SET", "a", "1"]));
    s.fail_next(StorageCall::ReadAt, Some(INCR));
    let err = load(&mut s, &aof_config()).1.unwrap_err();
    assert_eq!(err.file.as_deref(), Some(INCR), "{err}");
    assert!(err.to_string().contains("Unrecoverable error reading the append only file"), "{err}");
    let torn = [&encode(&["SET", "a", "1"])[..], b"*2\r\n"].concat();
    let mut s = dir(b"", &torn);
    s.fail_next(StorageCall::Truncate, None);
    assert!(load(&mut s, &aof_config()).1.is_err());
}

#[test]
fn the_threaded_executor_loads_like_the_engine() {
    let file: Vec<u8> = units().iter().flat_map(|u| u.bytes.clone()).collect();
    let mut s = dir(b"", &file);
    let (e, r) = load(&mut s, &aof_config());
    let st = r.unwrap();
    let mut s = dir(b"", &file);
    let mut x = ferrodis_engine::exec::Executor::new(aof_config(), 1, T0_MS);
    let sx = startup(&mut s, &aof_config(), &mut x, T0_MS).unwrap();
    assert_eq!(dump_dbs(x.dbs()), dump(&e));
    assert_eq!((sx.keys_loaded, sx.commands_loaded), (st.keys_loaded, st.commands_loaded));
    assert_eq!(st.keys_loaded, 5);
}

/// End to end: the engine writes a transaction to its AOF (wrapped in
/// MULTI/EXEC by the execution unit), and loading the file applies it
/// whole, or, cut anywhere before its EXEC, not at all.
#[test]
fn a_transaction_the_engine_wrote_loads_whole_or_not_at_all() {
    let mut s = dir(b"", b"");
    let (mut e, r) = load(&mut s, &aof_config());
    r.expect("empty files load");
    let c = open(&mut e, T0_MS);
    send(&mut e, c, &["SET", "before", "1"], T0_MS);
    for cmd in [&["MULTI"][..], &["SET", "a", "1"], &["INCR", "a"], &["RPUSH", "l", "x"], &["EXEC"]] {
        send(&mut e, c, cmd, T0_MS);
    }
    while let Some(op) = e.poll_storage() {
        if let Some(ev) = ferrodis_persistence::perform(&mut s, op) {
            e.handle_storage(ev, T0_MS);
        }
    }
    let file = s.file(INCR).expect("the incr file").to_vec();
    let multi_at = file.windows(5).position(|w| w == b"MULTI").expect("the transaction is wrapped");
    let exec_at = file.windows(4).rposition(|w| w == b"EXEC").expect("and closed");
    let (whole, _) = load(&mut dir(b"", &file), &aof_config());
    assert_eq!(query(&mut e, &["MGET", "before", "a"], T0_MS), b"*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
    assert_eq!(dump(&whole), dump(&e), "the whole file loads to the dataset that wrote it");
    // Cut after MULTI, inside the queued commands, and just before EXEC's
    // last byte: only the command before the transaction survives.
    for cut in [multi_at + 7, (multi_at + exec_at) / 2, exec_at + 5] {
        let (mut partial, r) = load(&mut dir(b"", &file[..cut]), &aof_config());
        let st = r.unwrap_or_else(|err| panic!("cut at {cut}: {err:?}"));
        assert!(st.log.iter().any(|l| l.contains("Revert incomplete MULTI/EXEC transaction")), "{:?}", st.log);
        assert_eq!(query(&mut partial, &["MGET", "before", "a"], T0_MS), b"*2\r\n$1\r\n1\r\n$-1\r\n", "cut at {cut}");
        assert_eq!(query(&mut partial, &["EXISTS", "l"], T0_MS), b":0\r\n");
    }
}
