//! The rewrite: a dataset of every type (big collections, binary keys and
//! values, awkward scores, TTLs, several databases) written by
//! `write_base` and loaded into a fresh engine is the same dataset; the
//! commands stay within AOF_REWRITE_ITEMS_PER_CMD; and a whole BGREWRITEAOF
//! cycle driven through `perform` restarts to the same data.

mod common;

use std::collections::BTreeMap;

use common::*;
use ferrodis_engine::aof::{StorageEvent, StorageOp};
use ferrodis_engine::Engine;
use ferrodis_persistence::reader::{scan_file, Tail};
use ferrodis_persistence::rewrite::ITEMS_PER_CMD;
use ferrodis_persistence::{perform, startup, write_base, write_base_file, MemStorage};

const T0_MS: u64 = 1_700_000_000_000;

/// Runs `cmds` on one connection (SELECT holds for those after it).
fn run(e: &mut Engine, cmds: &[Vec<Vec<u8>>]) {
    let conn = open(e, T0_MS);
    run_on(e, conn, cmds);
}

fn run_on(e: &mut Engine, conn: ferrodis_engine::ConnId, cmds: &[Vec<Vec<u8>>]) {
    for c in cmds {
        let reply = send(e, conn, c, T0_MS);
        assert!(reply.first() != Some(&b'-'), "{:?}: {}", c, String::from_utf8_lossy(&reply));
    }
}

fn cmd(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

/// Commands building a dataset of every type and encoding.
fn dataset() -> Vec<Vec<Vec<u8>>> {
    let mut c = vec![
        cmd(&[b"SET", b"str", b"hello"]),
        cmd(&[b"SET", b"int", b"-12345"]),
        cmd(&[b"SET", b"empty", b""]),
        cmd(&[b"SET", b"\x00bin\r\nkey\xff", b"\x00\x01\r\n\xfe"]),
        cmd(&[b"SET", b"ttl", b"v", b"PX", b"100000"]),
        cmd(&[b"RPUSH", b"list", b"a", b"", b"\x00", b"42"]),
        cmd(&[b"SADD", b"intset", b"1", b"-5", b"9223372036854775807"]),
        cmd(&[b"SADD", b"strset", b"a", b"b\r\n", b"\xff"]),
        cmd(&[b"HSET", b"hash", b"f", b"v", b"", b"empty field", b"n", b"7"]),
        cmd(&[b"PEXPIRE", b"hash", b"5000"]),
        cmd(&[b"SELECT", b"5"]),
    ];
    let scores: [&[u8]; 9] =
        [b"inf", b"-inf", b"0", b"-0", b"0.1", b"1e-300", b"3.141592653589793", b"-2.5e+100", b"17"];
    for (i, s) in scores.iter().enumerate() {
        c.push(cmd(&[b"ZADD", b"zset", s, format!("m{i}").as_bytes()]));
    }
    // Big collections: more than ITEMS_PER_CMD elements, other encodings.
    for i in 0..200u32 {
        let n = i.to_string();
        c.push(cmd(&[b"RPUSH", b"biglist", format!("e{i}").as_bytes()]));
        c.push(cmd(&[b"SADD", b"bigintset", n.as_bytes()]));
        c.push(cmd(&[b"SADD", b"bigset", format!("m{i}").as_bytes()]));
        c.push(cmd(&[b"HSET", b"bighash", format!("f{i}").as_bytes(), format!("v{i}").repeat(10).as_bytes()]));
        let score = format!("{}", f64::from(i) / 7.0 - 13.0);
        c.push(cmd(&[b"ZADD", b"bigzset", score.as_bytes(), format!("z{i}").as_bytes()]));
    }
    c.push(cmd(&[b"PEXPIREAT", b"bigzset", b"1800000000000"]));
    c.push(cmd(&[b"SELECT", b"15"]));
    c.push(cmd(&[b"SET", b"last", &vec![b'x'; 100_000]]));
    c
}

fn aof_engine() -> Engine {
    Engine::new(aof_config(), T0_MS)
}

/// Loads `base` as the only file of a directory into a fresh engine.
fn load_base(base: &[u8]) -> Engine {
    let mut s = MemStorage::with_files([
        (MANIFEST.to_string(), format!("file {BASE} seq 1 type b\n").into_bytes()),
        (BASE.to_string(), base.to_vec()),
    ]);
    let mut e = aof_engine();
    let st = startup(&mut s, &aof_config(), &mut e, T0_MS).expect("load the base");
    assert_eq!(st.truncated, None);
    e
}

#[test]
fn write_base_then_load_is_the_same_dataset() {
    let mut e = Engine::new(Default::default(), T0_MS);
    run(&mut e, &dataset());
    let mut base = Vec::new();
    let bytes = write_base(e.executor().dbs(), &mut base).unwrap();
    assert_eq!(bytes, base.len() as u64);
    let loaded = load_base(&base);
    let want = dump(&e);
    assert_eq!(want.len(), 16);
    assert_eq!(want.keys().map(|(db, _)| *db).collect::<std::collections::BTreeSet<_>>(), [0, 5, 15].into());
    assert_eq!(dump(&loaded), want);

    // Every command is within the per-command limit, collections of more
    // than ITEMS_PER_CMD elements take several, and a TTL follows its key.
    let mut s = MemStorage::with_files([("b", base.clone())]);
    let mut per_key: BTreeMap<Vec<u8>, Vec<(String, usize)>> = BTreeMap::new();
    let scan = scan_file::<_, std::io::Error>(&mut s, "b", base.len() as u64, u64::MAX, |args, _| {
        let name = String::from_utf8_lossy(&args[0]).into_owned();
        if name != "SELECT" {
            per_key.entry(args[1].to_vec()).or_default().push((name, args.len() - 2));
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(scan.tail, Tail::Clean);
    for (key, cmds) in &per_key {
        for (name, items) in cmds {
            let per_item = if name == "HMSET" || name == "ZADD" { 2 } else { 1 };
            assert!(items / per_item <= ITEMS_PER_CMD, "{key:?}: {name} with {items} args");
        }
    }
    let names = |k: &[u8]| per_key[k].iter().map(|(n, i)| format!("{n} {i}")).collect::<Vec<_>>();
    assert_eq!(names(b"biglist"), ["RPUSH 64", "RPUSH 64", "RPUSH 64", "RPUSH 8"]);
    assert_eq!(names(b"bighash"), ["HMSET 128", "HMSET 128", "HMSET 128", "HMSET 16"]);
    assert_eq!(names(b"bigzset"), ["ZADD 128", "ZADD 128", "ZADD 128", "ZADD 16", "PEXPIREAT 1"]);
    assert_eq!(names(b"ttl"), ["SET 1", "PEXPIREAT 1"]);
    assert_eq!(names(b"zset"), ["ZADD 18"]);
}

#[test]
fn scores_are_written_as_redis_writes_them() {
    let mut e = Engine::new(Default::default(), T0_MS);
    run(&mut e, &[cmd(&[b"ZADD", b"z", b"0.1", b"a", b"-inf", b"b", b"1e300", b"c"])]);
    let mut base = Vec::new();
    write_base(e.executor().dbs(), &mut base).unwrap();
    // Redis 7.0's rioWriteBulkDouble: "%.17g".
    let want = encode(&["ZADD", "z", "-inf", "b", "0.10000000000000001", "a", "1.0000000000000001e+300", "c"]);
    assert_eq!(String::from_utf8_lossy(&base[encode(&["SELECT", "0"]).len()..]), String::from_utf8_lossy(&want));
}

#[test]
fn a_key_whose_ttl_passed_is_written_and_gone_after_load() {
    let mut e = Engine::new(Default::default(), T0_MS);
    run(&mut e, &[cmd(&[b"SET", b"k", b"v", b"PX", b"10"]), cmd(&[b"SET", b"keep", b"v"])]);
    let mut base = Vec::new();
    write_base(e.executor().dbs(), &mut base).unwrap();
    let mut s = MemStorage::with_files([
        (MANIFEST.to_string(), format!("file {BASE} seq 1 type b\n").into_bytes()),
        (BASE.to_string(), base),
    ]);
    let mut loaded = aof_engine();
    startup(&mut s, &aof_config(), &mut loaded, T0_MS + 1000).unwrap();
    // Whether loading drops it at once or stores it to expire on access,
    // it is gone to a client.
    let now = T0_MS + 1000;
    assert_eq!(query(&mut loaded, &["EXISTS", "k", "keep"], now), b":1\r\n");
    assert_eq!(query(&mut loaded, &["GET", "k"], now), b"$-1\r\n");
}

/// Performs every op the engine hands out; a fork writes the base there
/// and then (the child is instant here) reports it done.
fn drive(e: &mut Engine, s: &mut MemStorage) {
    while let Some(op) = e.poll_storage() {
        match op {
            StorageOp::Fork { temp_base } => {
                let written = write_base_file(s, &temp_base, e.executor().dbs());
                e.handle_storage(StorageEvent::Forked(Ok(1)), T0_MS);
                e.handle_storage(StorageEvent::RewriteDone(written.map_err(|err| err.to_string())), T0_MS);
            }
            op => {
                if let Some(ev) = perform(s, op) {
                    e.handle_storage(ev, T0_MS);
                }
            }
        }
    }
}

#[test]
fn a_bgrewriteaof_cycle_restarts_to_the_same_data() {
    let mut s = MemStorage::new();
    let mut e = aof_engine();
    startup(&mut s, &aof_config(), &mut e, T0_MS).unwrap();
    let data = dataset();
    let (first, rest) = data.split_at(data.len() / 2);
    let conn = open(&mut e, T0_MS);
    for c in first {
        run_on(&mut e, conn, std::slice::from_ref(c));
        drive(&mut e, &mut s);
    }
    assert_eq!(query(&mut e, &["BGREWRITEAOF"], T0_MS), b"+Background append only file rewriting started\r\n");
    drive(&mut e, &mut s);
    for c in rest {
        run_on(&mut e, conn, std::slice::from_ref(c));
        drive(&mut e, &mut s);
    }
    run(&mut e, &[cmd(&[b"DEL", b"str"]), cmd(&[b"LPOP", b"list"])]);
    assert_eq!(dump(&e).keys().map(|(db, _)| *db).collect::<std::collections::BTreeSet<_>>(), [0, 5, 15].into());
    drive(&mut e, &mut s);
    e.flush_aof_for_shutdown();
    drive(&mut e, &mut s);

    assert_eq!(
        s.file(MANIFEST),
        Some(&b"file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"[..])
    );
    let names: Vec<_> = s.files.keys().cloned().collect();
    assert_eq!(names, ["appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", MANIFEST]);

    let mut restarted = aof_engine();
    let st = startup(&mut s, &aof_config(), &mut restarted, T0_MS).unwrap();
    assert_eq!(st.truncated, None);
    assert!(st.created.is_empty());
    assert_eq!(dump(&restarted), dump(&e));
    assert_eq!(st.keys_loaded, dump(&e).len() as u64);
}
