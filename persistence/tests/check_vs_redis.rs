//! `check_aof` against redis-check-aof 7.0.15: the fixture directory's
//! incr file (with a MULTI/EXEC in it) cut at every byte; for each cut
//! redis-check-aof's `ok_up_to` was recorded in
//! `fixtures/redis7-check-aof-cuts.txt`. Our valid prefix must be the same,
//! and `--fix` must leave exactly that prefix, which then checks clean.

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
