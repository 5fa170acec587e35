//! A directory written by real redis-server 7.0.15 (`appendonly yes`,
//! `aof-use-rdb-preamble no`, after a BGREWRITEAOF: a base and an incr file
//! holding every type, TTLs, binary values, big collections, a second
//! database and a MULTI/EXEC) loads through `startup`, and every probe
//! command gets the very reply redis-server gave on that dataset (recorded
//! in `fixtures/redis7-preamble-no.expected` as hex: `cmd <args>` then
//! `reply <bytes>`). Then our own rewrite of the loaded data, loaded again,
//! answers the same.

mod common;

use std::path::Path;

use common::*;
use ferrodis_engine::Engine;
use ferrodis_persistence::{startup, write_base, MemStorage};

/// Just after the fixture was recorded (its `PX 100000000` key expires at
/// 1796310534345), so no TTL in it has passed.
const RECORDED_MS: u64 = 1_796_210_540_000;

fn fixture_dir() -> MemStorage {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redis7-preamble-no");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixture directory") {
        let entry = entry.unwrap();
        files.push((entry.file_name().into_string().unwrap(), std::fs::read(entry.path()).unwrap()));
    }
    MemStorage::with_files(files)
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// (command, reply redis-server gave).
fn probes() -> Vec<(Vec<Vec<u8>>, Vec<u8>)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redis7-preamble-no.expected");
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(2)
        .map(|pair| {
            let cmd = pair[0].strip_prefix("cmd ").unwrap().split(' ').map(unhex).collect();
            (cmd, unhex(pair[1].strip_prefix("reply ").unwrap()))
        })
        .collect()
}

fn check_probes(e: &mut Engine) {
    let probes = probes();
    assert!(probes.len() > 40);
    let conn = open(e, RECORDED_MS);
    for (cmd, want) in probes {
        let got = send(e, conn, &cmd, RECORDED_MS);
        let shown: Vec<_> = cmd.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want), "{shown:?}");
    }
}

#[test]
fn a_directory_written_by_redis_7_loads_to_the_same_replies() {
    let mut s = fixture_dir();
    let before = s.files.clone();
    let mut e = Engine::new(aof_config(), RECORDED_MS);
    let st = startup(&mut s, &aof_config(), &mut e, RECORDED_MS).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(st.truncated, None);
    assert!(st.created.is_empty(), "{:?}", st.created);
    assert_eq!(s.files, before, "a clean directory is left as it is");
    assert_eq!(st.keys_loaded, 16 + 2, "16 keys in db 0, 2 in db 3 (DBSIZE probes say the same)");
    assert_eq!(st.base_bytes, before["appendonly.aof.2.base.aof"].len() as u64);
    check_probes(&mut e);

    let mut base = Vec::new();
    write_base(e.executor().dbs(), &mut base).unwrap();
    let mut s = MemStorage::with_files([
        (MANIFEST.to_string(), format!("file {BASE} seq 1 type b\n").into_bytes()),
        (BASE.to_string(), base),
    ]);
    let mut again = Engine::new(aof_config(), RECORDED_MS);
    startup(&mut s, &aof_config(), &mut again, RECORDED_MS).unwrap();
    assert_eq!(dump(&again), dump(&e));
    check_probes(&mut again);
}
