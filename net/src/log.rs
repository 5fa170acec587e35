//! Log lines in Redis's format: `pid:R dd Mon yyyy hh:mm:ss.mmm L message`,
//! where R is the role (`C` before the server runs, `M` for a master) and L
//! the level mark (`.` debug, `-` verbose, `*` notice, `#` warning), in local
//! time, to stdout (Redis logs to stdout when `logfile` is empty).

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Level {
    Notice,
    Warning,
}

/// Writes one line; failures to write the log are ignored, as in Redis.
pub fn log(role: char, level: Level, msg: &str) {
    let line = format_line(std::process::id(), role, level, SystemTime::now(), msg);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

pub fn notice(msg: &str) {
    log('M', Level::Notice, msg);
}

pub fn warning(msg: &str) {
    log('M', Level::Warning, msg);
}

fn format_line(pid: u32, role: char, level: Level, at: SystemTime, msg: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let (year, month, day, hour, min, sec) = local_time(since.as_secs() as i64);
    let mark = match level {
        Level::Notice => '*',
        Level::Warning => '#',
    };
    format!(
        "{pid}:{role} {day:02} {} {year} {hour:02}:{min:02}:{sec:02}.{:03} {mark} {msg}\n",
        MONTHS[month.min(11)],
        since.subsec_millis()
    )
}

/// Broken-down local time `(year, month 0-11, day, hour, minute, second)`.
fn local_time(unix_s: i64) -> (i64, usize, u32, u32, u32, u32) {
    let t: nix::libc::time_t = unix_s as nix::libc::time_t;
    // SAFETY: `tm` is a plain C struct for which all-zero bytes are valid, and
    // localtime_r only writes into the struct we pass (it is the re-entrant
    // variant, so no static buffer is shared between threads).
    let mut tm: nix::libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !nix::libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        return (1970, 0, 1, 0, 0, 0);
    }
    (
        tm.tm_year as i64 + 1900,
        tm.tm_mon.clamp(0, 11) as usize,
        tm.tm_mday as u32,
        tm.tm_hour as u32,
        tm.tm_min as u32,
        tm.tm_sec as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_shape() {
        let line = format_line(42, 'M', Level::Notice, SystemTime::now(), "hello");
        // "42:M 01 Jan 2024 00:00:00.000 * hello\n"
        let parts: Vec<&str> = line.trim_end().split(' ').collect();
        assert_eq!(parts[0], "42:M");
        assert_eq!(parts[1].len(), 2);
        assert_eq!(parts[2].len(), 3);
        assert_eq!(parts[3].len(), 4);
        assert_eq!(parts[4].len(), "00:00:00.000".len());
        assert_eq!(&parts[5..], ["*", "hello"]);
    }
}
