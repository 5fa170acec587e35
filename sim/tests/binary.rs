//! The `ferrodis-sim` binary is deterministic: the same arguments print the
//! same standard output, byte for byte (timings go to standard error).

use std::process::Command;

fn stdout_of(args: &[&str]) -> (Vec<u8>, bool) {
    let out = Command::new(env!("CARGO_BIN_EXE_ferrodis-sim")).args(args).output().expect("ferrodis-sim runs");
    (out.stdout, out.status.success())
}

#[test]
fn same_seed_same_output() {
    let gaps = ferrodis_sim::KNOWN_ENGINE_GAPS.join(",");
    for args in [
        vec!["--seed", "7", "--ops", "2000"],
        vec!["--seeds", "3..6", "--ops", "1000", "--check-every", "1"],
        vec!["--seed", "11", "--ops", "2000", "--no-faults"],
    ] {
        let mut args = args;
        if !gaps.is_empty() {
            args.extend(["--exclude", gaps.as_str()]);
        }
        let (a, ok_a) = stdout_of(&args);
        let (b, ok_b) = stdout_of(&args);
        assert!(a.starts_with(format!("SEED={}\n", args[1].split("..").next().unwrap_or("")).as_bytes()));
        assert_eq!(ok_a, ok_b);
        assert!(
            a == b,
            "{args:?}: outputs differ:\n{}\n---\n{}",
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
    }
}
