//! The upgrade from a Redis 6 single-file AOF (`<dir>/appendonly.aof`):
//! the file becomes base `seq 1` of a new AOF directory, as Redis 7.0's
//! `aofUpgradePrepare` does, including a restart after a crash between
//! its two steps; a directory already in use is never touched.

mod common;

use common::*;
use ferrodis_engine::Engine;
use ferrodis_persistence::{startup, MemStorage, StorageCall};

const T0_MS: u64 = 1_700_000_000_000;

fn legacy_bytes() -> Vec<u8> {
    let mut b = encode(&["SELECT", "0"]);
    b.extend(encode(&["SET", "a", "1"]));
    b.extend(encode(&["RPUSH", "l", "x", "y"]));
    b.extend(encode(&["SELECT", "3"]));
    b.extend(encode(&["HSET", "h", "f", "v"]));
    b
}

fn check_loaded(e: &mut Engine) {
    let c = open(e, T0_MS);
    assert_eq!(send(e, c, &["GET", "a"], T0_MS), b"$1\r\n1\r\n");
    assert_eq!(send(e, c, &["LRANGE", "l", "0", "-1"], T0_MS), b"*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
    assert_eq!(send(e, c, &["SELECT", "3"], T0_MS), b"+OK\r\n");
    assert_eq!(send(e, c, &["HGET", "h", "f"], T0_MS), b"$1\r\nv\r\n");
}

#[test]
fn a_single_file_aof_becomes_the_base_of_a_new_directory() {
    let mut s = MemStorage::new();
    s.parent_files.insert(PREFIX.into(), legacy_bytes());
    let mut e = Engine::new(aof_config(), T0_MS);
    let st = startup(&mut s, &aof_config(), &mut e, T0_MS).expect("upgrade");
    check_loaded(&mut e);
    assert!(s.parent_files.is_empty(), "the old file moved in");
    assert_eq!(s.file(PREFIX), Some(&legacy_bytes()[..]));
    // Redis 7.0 writes exactly this manifest for an upgraded directory.
    assert_eq!(s.file(MANIFEST), Some(format!("file {PREFIX} seq 1 type b\nfile {INCR} seq 1 type i\n").as_bytes()));
    assert!(st.log.iter().any(|l| l.contains("Successfully migrated an old-style AOF file (appendonly.aof)")));
    // The manifest naming the old file is durable before the file moves.
    let pos = |call: StorageCall, name: &str| s.calls.iter().position(|(c, n)| *c == call && n.starts_with(name));
    let manifest_installed = pos(StorageCall::Rename, "temp-appendonly.aof.manifest").unwrap();
    assert!(manifest_installed < pos(StorageCall::AdoptLegacy, PREFIX).unwrap());
}

#[test]
fn a_crash_between_the_manifest_and_the_move_upgrades_again() {
    // What the first attempt left: the directory and a manifest naming the
    // old file, which is still in the data directory.
    let mut s = MemStorage::with_files([(MANIFEST, format!("file {PREFIX} seq 1 type b\n").into_bytes())]);
    s.parent_files.insert(PREFIX.into(), legacy_bytes());
    let mut e = Engine::new(aof_config(), T0_MS);
    startup(&mut s, &aof_config(), &mut e, T0_MS).expect("upgrade resumed");
    check_loaded(&mut e);
    assert!(s.parent_files.is_empty());
    // And a restart of the upgraded directory loads the same, upgrading nothing.
    let mut again = Engine::new(aof_config(), T0_MS);
    let st = startup(&mut s, &aof_config(), &mut again, T0_MS).expect("restart");
    check_loaded(&mut again);
    assert!(!st.log.iter().any(|l| l.contains("migrated")));
}

#[test]
fn a_directory_in_use_ignores_a_stray_old_file() {
    let mut s = dir(&encode(&["SET", "new", "1"]), b"");
    s.parent_files.insert(PREFIX.into(), legacy_bytes());
    let mut e = Engine::new(aof_config(), T0_MS);
    startup(&mut s, &aof_config(), &mut e, T0_MS).expect("normal start");
    assert_eq!(query(&mut e, &["DBSIZE"], T0_MS), b":1\r\n");
    assert_eq!(query(&mut e, &["GET", "a"], T0_MS), b"$-1\r\n");
    assert!(s.parent_files.contains_key(PREFIX), "the old file is left where it is");
}

#[test]
fn appendonly_no_leaves_the_old_file_alone() {
    let mut s = MemStorage::new();
    s.parent_files.insert(PREFIX.into(), legacy_bytes());
    let mut e = Engine::new(ferrodis_engine::Config::default(), T0_MS);
    startup(&mut s, &ferrodis_engine::Config::default(), &mut e, T0_MS).unwrap();
    assert!(s.parent_files.contains_key(PREFIX) && !s.dir_exists);
}

#[test]
fn an_old_file_with_an_rdb_preamble_is_refused_by_name() {
    let mut s = MemStorage::new();
    s.parent_files.insert(PREFIX.into(), b"REDIS0009\xfa".to_vec());
    let mut e = Engine::new(aof_config(), T0_MS);
    let err = startup(&mut s, &aof_config(), &mut e, T0_MS).expect_err("no RDB reader yet");
    assert!(err.to_string().contains("RDB preamble"), "{err}");
}
