//! Every command handler's doc opens with a `# Format` block in Redis's
//! syntax (mini-redis style), naming each command it serves:
//!
//! ```text
//! /// # Format
//! /// ```text
//! /// GET key
//! /// ```
//! ```
//!
//! The handlers are found through each family module's `HANDLERS` list, in
//! the source, so a new handler without the block fails here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read cmd/") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(command, handler fn)` pairs of one file's `HANDLERS` list.
fn handler_list(src: &str) -> Vec<(String, String)> {
    let Some(start) = src.find("pub static HANDLERS") else {
        return Vec::new();
    };
    let body = &src[start..start + src[start..].find("];").expect("HANDLERS ends")];
    let mut pairs = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("(\"") {
        rest = &rest[i + 2..];
        let name_end = rest.find('"').expect("name ends");
        let name = rest[..name_end].to_string();
        rest = rest[name_end + 1..].trim_start_matches([',', ' ', '\n']);
        let fn_end = rest.find(')').expect("pair ends");
        let path = rest[..fn_end].trim();
        let fn_name = path.rsplit("::").next().unwrap_or(path).to_string();
        pairs.push((name, fn_name));
        rest = &rest[fn_end..];
    }
    pairs
}

/// The doc comment lines right above `fn name(` in `src`, if it is defined there.
fn doc_of(src: &str, name: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = src.lines().collect();
    let pat = format!("fn {name}(");
    let at = lines.iter().position(|l| {
        let t = l.trim_start();
        t.starts_with(&pat) || t.starts_with(&format!("pub {pat}")) || t.starts_with(&format!("pub(crate) {pat}"))
    })?;
    let mut doc = Vec::new();
    for l in lines[..at].iter().rev() {
        let t = l.trim_start();
        if t.starts_with("#[") {
            continue;
        }
        match t.strip_prefix("///") {
            Some(d) => doc.push(d.strip_prefix(' ').unwrap_or(d).to_string()),
            None => break,
        }
    }
    doc.reverse();
    Some(doc)
}

#[test]
fn every_handler_has_a_format_block() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cmd");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let sources: Vec<String> = files.iter().map(|p| std::fs::read_to_string(p).expect("read source")).collect();
    let mut commands_of: HashMap<String, Vec<String>> = HashMap::new();
    for src in &sources {
        for (command, fn_name) in handler_list(src) {
            commands_of.entry(fn_name).or_default().push(command);
        }
    }
    assert!(commands_of.len() > 50, "found only {} handlers: is the HANDLERS shape still the same?", commands_of.len());
    let mut problems = Vec::new();
    for (fn_name, commands) in &commands_of {
        let Some(doc) = sources.iter().find_map(|s| doc_of(s, fn_name)) else {
            problems.push(format!("{fn_name}: definition not found"));
            continue;
        };
        let Some(f) = doc.iter().position(|l| l == "# Format") else {
            problems.push(format!("{fn_name}: no `# Format` in its doc"));
            continue;
        };
        if doc.get(f + 1).map(String::as_str) != Some("```text") {
            problems.push(format!("{fn_name}: `# Format` is not followed by a ```text block"));
            continue;
        }
        let block: Vec<&String> = doc[f + 2..].iter().take_while(|l| *l != "```").collect();
        for command in commands {
            let shown = command.replace('|', " ").to_ascii_uppercase();
            let named = block.iter().any(|l| l.as_str() == shown || l.starts_with(&format!("{shown} ")));
            if !named {
                problems.push(format!("{fn_name}: its # Format block does not show `{shown} ...`"));
            }
        }
    }
    problems.sort();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
