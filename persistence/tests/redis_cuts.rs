//! The fixture directory's incr file (with a MULTI/EXEC in it) cut at
//! every byte, against Redis 7.0.15 on the same cuts: `check_aof` against
//! redis-check-aof (its `ok_up_to`, recorded in
//! `fixtures/redis7-check-aof-cuts.txt`): our valid prefix must be the
//! same, and `--fix` must leave exactly that prefix, which then checks
//! clean; and `startup` against redis-server's own load (below).

use std::path::Path;

use ferrodis_persistence::{check_aof, FileState, MemStorage};

const INCR: &str = "appendonly.aof.2.incr.aof";

fn fixture() -> MemStorage {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redis7-preamble-no");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixture directory") {
        let entry = entry.unwrap();
        files.push((entry.file_name().into_string().unwrap(), std::fs::read(entry.path()).unwrap()));
    }
    MemStorage::with_files(files)
}

#[test]
fn valid_prefixes_match_redis_check_aof_at_every_cut() {
    let full = fixture().file(INCR).unwrap().to_vec();
    let recorded =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redis7-check-aof-cuts.txt"))
            .unwrap();
    let mut checked = 0;
    for line in recorded.lines().filter(|l| !l.starts_with('#')) {
        let (cut, ok_up_to) = line.split_once(' ').unwrap();
        let cut: usize = cut.parse().unwrap();
        let mut s = fixture();
        s.files.insert(INCR.into(), full[..cut].to_vec());
        let report = check_aof(&mut s, "appendonly.aof", false);
        let incr = report.files.iter().find(|f| f.name == INCR).unwrap();
        assert_eq!(report.files[0].state, FileState::Ok);
        let want: u64 = match ok_up_to {
            // redis-check-aof skips an empty file.
            "-" => 0,
            n => n.parse().unwrap(),
        };
        assert_eq!(incr.valid_bytes, want, "cut {cut}: {report:?}");
        assert_eq!(incr.state == FileState::Ok, want == cut as u64, "cut {cut}: {:?}", incr.state);

        let fixed = check_aof(&mut s, "appendonly.aof", true);
        assert!(fixed.is_ok(), "cut {cut}: {fixed:?}");
        assert_eq!(s.file(INCR), Some(&full[..want as usize]), "cut {cut}");
        assert!(check_aof(&mut s, "appendonly.aof", false).is_ok());
        checked += 1;
    }
    assert_eq!(checked, full.len() + 1);
}

/// Loading with `aof-load-truncated yes`, against redis-server 7.0.15 on
/// the same cuts (`fixtures/redis7-load-cuts.txt`: the incr file's size
/// after Redis loaded it, and DBSIZE). The same, except for one deliberate
/// difference: a cut inside the MULTI/EXEC (bytes 128 to 207)
/// Redis truncates after the last whole queued command, leaving a MULTI
/// without EXEC in the file for later appends to land in; we cut before
/// the MULTI. The queued commands ran in neither.
#[test]
fn truncation_on_load_matches_redis_server_but_never_leaves_an_open_multi() {
    use ferrodis_engine::Engine;
    use ferrodis_persistence::startup;
    const MULTI_AT: u64 = 128;
    const EXEC_END: u64 = 207;
    const RECORDED_MS: u64 = 1_796_210_540_000;
    let config = ferrodis_engine::Config { appendonly: true, ..Default::default() };
    let full = fixture().file(INCR).unwrap().to_vec();
    let recorded =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redis7-load-cuts.txt"))
            .unwrap();
    let mut inside_multi = 0;
    for line in recorded.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<u64> = line.split(' ').map(|f| f.parse().unwrap()).collect();
        let (cut, redis_len, redis_dbsize) = (fields[0] as usize, fields[1], fields[2]);
        let mut s = fixture();
        s.files.insert(INCR.into(), full[..cut].to_vec());
        let mut e = Engine::new(config.clone(), RECORDED_MS);
        let st = startup(&mut s, &config, &mut e, RECORDED_MS).unwrap_or_else(|err| panic!("cut {cut}: {err}"));
        let ours = s.file(INCR).unwrap().len() as u64;
        if redis_len > MULTI_AT && redis_len < EXEC_END {
            inside_multi += 1;
            assert_eq!(ours, MULTI_AT, "cut {cut}");
        } else {
            assert_eq!(ours, redis_len, "cut {cut}");
        }
        assert_eq!(e.executor().dbs()[0].len() as u64, redis_dbsize, "cut {cut}");
        assert_eq!(st.truncated.is_some(), ours < cut as u64, "cut {cut}");
    }
    assert!(inside_multi > 50);
}
