//! Startup configuration the redis-server way.
//!
//! `ferrodis-server [/path/to/redis.conf] [--name value ...] [-]`: like
//! redis-server (`main()` in server.c), the command-line options are turned
//! into config-file text (`--port 7777` becomes the line `port "7777"`),
//! appended after the file's contents, and the whole text is loaded as one
//! config file. So a bad option is reported exactly as a bad line of the file
//! would be, with the same `*** FATAL CONFIG FILE ERROR ***` banner, and every
//! value goes through [`Config::set_startup`] (the engine's one parameter
//! table).

use std::fmt;

use ferrodis_engine::config::ConfigError;
use ferrodis_engine::resp::inline;
use ferrodis_engine::{Config, REDIS_COMPAT_VERSION};

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    Version,
    Help,
    /// Run the server with this configuration.
    Run(Box<Startup>),
}

/// A loaded configuration and where it came from (for the start-up log line).
#[derive(Debug)]
pub struct Startup {
    pub config: Config,
    /// The config file path, if one was given (`-` for stdin).
    pub config_file: Option<String>,
}

/// Why startup configuration failed. Display gives the text redis-server
/// prints before exiting with status 1.
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartupError {
    /// The config file could not be read.
    CantOpen { path: String, reason: String },
    /// A line of the (combined) config text is bad.
    BadLine { line_no: usize, line: String, reason: String },
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartupError::CantOpen { path, reason } => {
                write!(f, "Fatal error, can't open config file '{path}': {reason}")
            }
            StartupError::BadLine { line_no, line, reason } => write!(
                f,
                "\n*** FATAL CONFIG FILE ERROR (Redis {REDIS_COMPAT_VERSION}) ***\n\
                 Reading the configuration file, at line {line_no}\n>>> '{line}'\n{reason}"
            ),
        }
    }
}

/// Parameters that take several arguments on one line; their arguments are
/// joined with spaces before reaching [`Config::set_startup`]. Every other
/// parameter takes exactly one, as in Redis.
const MULTI_ARG_PARAMS: &[&str] = &["bind", "client-output-buffer-limit", "latency-tracking-info-percentiles", "save"];

/// Parses the process arguments (without `argv[0]`). `read_file` reads a
/// config file (`-` means stdin); it is a parameter so tests need no files.
pub fn parse_command_line(
    args: &[String],
    read_file: impl Fn(&str) -> std::io::Result<String>,
) -> Result<Invocation, StartupError> {
    let mut j = 0;
    if let Some(first) = args.first() {
        match first.as_str() {
            "-v" | "--version" => return Ok(Invocation::Version),
            "-h" | "--help" => return Ok(Invocation::Help),
            _ => {}
        }
    }
    let mut config_file = None;
    if let Some(first) = args.first() {
        if !first.starts_with('-') {
            config_file = Some(first.clone());
            j = 1;
        }
    }
    // Options become config text; see redis-server's main() for the rules
    // this follows, including the `--save` with no value special cases.
    let mut options = String::new();
    let mut from_stdin = false;
    let mut handled_last_arg = true;
    while j < args.len() {
        let a = &args[j];
        if a == "-" && (j == 0 || j == args.len() - 1) {
            from_stdin = true;
        } else if handled_last_arg && a.starts_with("--") {
            if !options.is_empty() {
                options.push('\n');
            }
            options.push_str(&a[2..]);
            options.push(' ');
            let words = split_args(a).map_or(0, |w| w.len());
            if words == 1 {
                handled_last_arg = false;
                let next_is_option = args.get(j + 1).is_some_and(|n| n.starts_with("--"));
                if a.eq_ignore_ascii_case("--save") && (next_is_option || j == args.len() - 1) {
                    options.push_str("\"\"");
                    handled_last_arg = true;
                }
            } else {
                handled_last_arg = true;
            }
        } else {
            options.push_str(&ferrodis_engine::config_rewrite::repr(a));
            options.push(' ');
            handled_last_arg = true;
        }
        j += 1;
    }
    let mut text = String::new();
    if let Some(path) = &config_file {
        text = read_file(path).map_err(|e| StartupError::CantOpen { path: path.clone(), reason: io_reason(&e) })?;
    }
    if from_stdin {
        let stdin_text =
            read_file("-").map_err(|e| StartupError::CantOpen { path: "-".into(), reason: io_reason(&e) })?;
        text.push_str(&stdin_text);
        if config_file.is_none() {
            config_file = Some("-".into());
        }
    }
    text.push('\n');
    text.push_str(&options);
    let mut config = Config::default();
    load_config_text(&mut config, &text)?;
    Ok(Invocation::Run(Box::new(Startup { config, config_file })))
}

/// `strerror`-style text of an I/O error (without Rust's " (os error N)").
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Applies config-file text, line by line (Redis `loadServerConfigFromString`).
pub fn load_config_text(config: &mut Config, text: &str) -> Result<(), StartupError> {
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad =
            |reason: &str| StartupError::BadLine { line_no: i + 1, line: line.to_string(), reason: reason.into() };
        let Some(words) = split_args(line) else {
            return Err(bad("Unbalanced quotes in configuration line"));
        };
        let Some((name, values)) = words.split_first() else {
            continue;
        };
        let name = name.to_ascii_lowercase();
        let multi = MULTI_ARG_PARAMS.contains(&name.as_str());
        if values.is_empty() || (!multi && values.len() != 1) {
            return Err(bad("Bad directive or wrong number of arguments"));
        }
        match config.set_startup(&name, &values.join(" ")) {
            Ok(()) => {}
            Err(ConfigError::Invalid(reason)) => return Err(bad(&reason)),
            Err(_) => return Err(bad("Bad directive or wrong number of arguments")),
        }
    }
    Ok(())
}

/// Splits a config line (or a `--option` word) into arguments with Redis's
/// one `sdssplitargs`, the engine's inline-command splitter, as redis-server
/// does for both. `None` for unbalanced quotes. Arguments become text
/// (lossily: every parameter we take is ASCII) for [`Config::set_startup`].
pub fn split_args(line: &str) -> Option<Vec<String>> {
    let args = inline::split_args_owned(line.as_bytes()).ok()?;
    Some(args.iter().map(|a| String::from_utf8_lossy(a).into_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Invocation, StartupError> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_command_line(&args, |p| match p {
            "/etc/r.conf" => Ok("# comment\nport 7000\n  bind \"127.0.0.1\" '::1'\n".into()),
            _ => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
        })
    }

    fn config(args: &[&str]) -> Config {
        match run(args) {
            Ok(Invocation::Run(s)) => s.config,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn split_args_like_sdssplitargs() {
        assert_eq!(split_args(r#"set "a b" 'c\'d' "\x41\n""#).unwrap(), vec!["set", "a b", "c'd", "A\n"]);
        assert_eq!(split_args(r#"save """#).unwrap(), vec!["save", ""]);
        assert_eq!(split_args(r#"a "b"c"#), None);
        assert_eq!(split_args(r#"a "b"#), None);
        assert_eq!(split_args("   ").unwrap(), Vec::<String>::new());
    }

    /// Config-file lines split as redis-server 7.0.15 splits them (each
    /// expectation was checked against it with the same file).
    #[test]
    fn config_lines_split_like_redis() {
        let mut c = Config::default();
        let text = "logfile \"/tmp/a\\x41\\\"b c.log\"\n\x0bloglevel  'warning'\nbind \"127.0.0.1\"  '::1'\n\
                    'port' \"7000\"\nsave \"\"\n";
        load_config_text(&mut c, text).unwrap();
        assert_eq!(c.logfile, "/tmp/aA\"b c.log");
        assert_eq!(
            (c.loglevel.as_str(), c.bind.as_str(), c.port, c.save.as_str()),
            ("warning", "127.0.0.1 ::1", 7000, "")
        );
        let reason = |text: &str| match load_config_text(&mut Config::default(), text) {
            Err(StartupError::BadLine { line_no: 1, reason, .. }) => reason,
            other => panic!("{text:?}: {other:?}"),
        };
        // \f is a blank only between words: `port\f7112` is one word.
        assert_eq!(reason("port\x0c7112"), "Bad directive or wrong number of arguments");
        assert_eq!(reason("port 71\x0b12"), "argument couldn't be parsed into an integer");
        // A NUL ends the line, as in C.
        assert_eq!(reason("port 7113x\0 6379"), "argument couldn't be parsed into an integer");
        for line in ["port 7112 \"x\"y", "bind '1.2.3.4' \"::1\" x'y", "port \"7112", "port 'a\\'"] {
            assert_eq!(reason(line), "Unbalanced quotes in configuration line", "{line:?}");
        }
    }

    #[test]
    fn command_line_overrides_file() {
        let c = config(&["/etc/r.conf", "--port", "7001", "--io-threads", "4"]);
        assert_eq!((c.port, c.io_threads, c.bind.as_str()), (7001, 4, "127.0.0.1 ::1"));
        let c = config(&["--save", "--appendonly", "no"]);
        assert_eq!(c.save, "");
        let c = config(&["--save", ""]);
        assert_eq!(c.save, "");
        let c = config(&["--port 7002"]);
        assert_eq!(c.port, 7002);
    }

    /// `client-output-buffer-limit`: each config line and the command line
    /// change only the classes they name (checked against redis-server
    /// 7.0.15 with the same file and arguments).
    #[test]
    fn output_buffer_limit_lines_merge_like_redis() {
        let mut c = Config::default();
        load_config_text(
            &mut c,
            "client-output-buffer-limit normal 1mb 2mb 3\nclient-output-buffer-limit pubsub 4mb 5mb 6\n",
        )
        .unwrap();
        assert_eq!(
            c.client_output_buffer_limit.format(),
            "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 4194304 5242880 6"
        );
        let c = config(&["--client-output-buffer-limit", "replica", "7", "8", "9"]);
        assert_eq!(c.client_output_buffer_limit.format(), "normal 0 0 0 slave 7 8 9 pubsub 33554432 8388608 60");
        let e = run(&["--client-output-buffer-limit", "pubsub", "1", "2"]).unwrap_err();
        assert!(e.to_string().contains("Wrong number of arguments in buffer limit configuration."), "{e}");
    }

    #[test]
    fn errors_name_the_line() {
        let e = run(&["--nosuch", "1"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n\
             >>> 'nosuch \"1\"'\nBad directive or wrong number of arguments"
        );
        let e = run(&["--port", "abc"]).unwrap_err();
        assert!(e.to_string().ends_with(">>> 'port \"abc\"'\nargument couldn't be parsed into an integer"));
        let e = run(&["--aof-use-rdb-preamble", "yes"]).unwrap_err();
        assert!(e.to_string().contains("aof-use-rdb-preamble yes is not implemented"), "{e}");
        let e = run(&["/nope.conf"]).unwrap_err();
        assert!(e.to_string().starts_with("Fatal error, can't open config file '/nope.conf'"));
        assert!(matches!(run(&["-v"]), Ok(Invocation::Version)));
        assert!(matches!(run(&["--help"]), Ok(Invocation::Help)));
    }
}
