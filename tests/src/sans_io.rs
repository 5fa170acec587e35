//! The sans-IO rule as a check: no source file of `engine` or `persistence`
//! may name a socket, a file, a clock, a thread or OS randomness.
//!
//! Sources are read as text and lexed just enough to drop comments and
//! string/char literals (a doc comment may say *why* we avoid `Instant::now`
//! without tripping the check), then matched on identifier tokens, so
//! `mio` matches `use mio::...` but not `premio`, and `std::{fs, net}` is
//! caught as well as `std::fs`.

use std::path::{Path, PathBuf};

/// Token sequences that may not appear in the code of an I/O-free crate.
pub const FORBIDDEN: &[&[&str]] = &[
    &["std", "::", "net"],
    &["std", "::", "fs"],
    &["std", "::", "thread"],
    &["mio"],
    &["Instant", "::", "now"],
    &["SystemTime", "::", "now"],
    &["thread", "::", "spawn"],
    &["thread_rng"],
    &["OsRng"],
    &["File", "::", "open"],
    &["getrandom"],
];

/// Modules of `std` that may not be imported through a `std::{...}` group.
const FORBIDDEN_STD_MODULES: &[&str] = &["net", "fs", "thread"];

/// One forbidden name found in code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub file: PathBuf,
    pub line: usize,
    pub name: String,
}

/// A token of code (comments and literals removed) and its line.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Token {
    text: String,
    line: usize,
}

/// Scans one source text; `file` is only used to label the violations.
pub fn scan_source(file: &Path, source: &str) -> Vec<Violation> {
    let tokens = lex(source);
    let mut violations = Vec::new();
    let violation = |line: usize, name: String| Violation { file: file.to_path_buf(), line, name };
    for start in 0..tokens.len() {
        for pattern in FORBIDDEN {
            let matches = pattern.len() <= tokens.len() - start
                && pattern.iter().zip(&tokens[start..]).all(|(want, token)| token.text == *want);
            if matches {
                violations.push(violation(tokens[start].line, pattern.concat()));
            }
        }
        // `std::{io, net::TcpStream}`: look at the group's top-level names.
        if tokens[start].text == "std"
            && tokens.get(start + 1).is_some_and(|t| t.text == "::")
            && tokens.get(start + 2).is_some_and(|t| t.text == "{")
        {
            let mut depth = 0usize;
            for token in &tokens[start + 2..] {
                match token.text.as_str() {
                    "{" => depth += 1,
                    "}" => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    name if depth == 1 && FORBIDDEN_STD_MODULES.contains(&name) => {
                        violations.push(violation(token.line, format!("std::{{{name}}}")));
                    }
                    _ => {}
                }
            }
        }
    }
    violations
}

/// Scans every `.rs` file under each directory, recursively.
pub fn scan_dirs(dirs: &[PathBuf]) -> Result<(Vec<Violation>, usize), String> {
    let mut violations = Vec::new();
    let mut files_scanned = 0;
    for dir in dirs {
        let mut files = Vec::new();
        collect_rust_files(dir, &mut files)?;
        for file in files {
            let source = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            violations.extend(scan_source(&file, &source));
            files_scanned += 1;
        }
    }
    Ok((violations, files_scanned))
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect_rust_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Splits Rust source into identifier and punctuation tokens, dropping
/// whitespace, comments (line, nested block, doc) and the contents of string,
/// raw string, byte string and char literals.
fn lex(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Advances over one char, counting lines.
    let step = |i: &mut usize, line: &mut usize| {
        if chars[*i] == '\n' {
            *line += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    step(&mut i, &mut line);
                }
            }
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    step(&mut i, &mut line);
                }
                step(&mut i, &mut line);
            }
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    step(&mut i, &mut line);
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // Raw strings: r"..", r#".."#, br#".."#.
            if (word == "r" || word == "br") && matches!(chars.get(i), Some('"') | Some('#')) {
                let mut hashes = 0;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    i += 1;
                }
                if chars.get(i) == Some(&'"') {
                    i += 1;
                    loop {
                        if i >= chars.len() {
                            break;
                        }
                        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                            i += 1 + hashes;
                            break;
                        }
                        step(&mut i, &mut line);
                    }
                    continue;
                }
            }
            tokens.push(Token { text: word, line });
        } else if c == ':' && next == Some(':') {
            tokens.push(Token { text: "::".to_string(), line });
            i += 2;
        } else if c.is_whitespace() {
            step(&mut i, &mut line);
        } else {
            tokens.push(Token { text: c.to_string(), line });
            i += 1;
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Vec<(usize, String)> {
        scan_source(Path::new("x.rs"), source).into_iter().map(|v| (v.line, v.name)).collect()
    }

    #[test]
    fn finds_each_forbidden_name() {
        let source = "use std::net::TcpStream;\nuse mio::Poll;\nlet t = std::time::Instant::now();\n\
                      let s = SystemTime::now();\nstd::thread::spawn(f);\nlet r = rand::thread_rng();\n\
                      let o = OsRng;\nlet f = File::open(p);\nuse std::fs;\ngetrandom::fill(b);\n";
        let found = names(source);
        for want in [
            "std::net",
            "mio",
            "Instant::now",
            "SystemTime::now",
            "std::thread",
            "thread::spawn",
            "thread_rng",
            "OsRng",
            "File::open",
            "std::fs",
            "getrandom",
        ] {
            assert!(found.iter().any(|(_, n)| n == want), "{want} not found in {found:?}");
        }
        assert_eq!(found[0], (1, "std::net".to_string()));
    }

    #[test]
    fn finds_grouped_imports() {
        assert_eq!(names("use std::{io, fs::File};"), vec![(1, "std::{fs}".to_string())]);
        assert_eq!(names("use std::{collections::{net}, io};"), vec![]);
    }

    #[test]
    fn ignores_comments_literals_and_longer_words() {
        let source = "// no Instant::now here: time is an argument\n/// nor std::net\n/* mio /* nested */ OsRng */\n\
                      let s = \"std::fs\"; let r = r#\"thread_rng \"quoted\"\"#; let c = '\\'';\n\
                      let premio = 1; let mio_like = 2; fn f<'a>(x: &'a str) {}\n";
        assert_eq!(names(source), vec![]);
    }

    #[test]
    fn counts_lines_through_literals_and_comments() {
        let source = "/* a\nb */\nlet s = \"x\ny\";\nuse mio;";
        assert_eq!(names(source), vec![(5, "mio".to_string())]);
    }
}
