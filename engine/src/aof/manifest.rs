//! Redis 7.0's multi-part AOF manifest: which base file and which incr
//! files make up the dataset, in order. Pure text in, text out; the
//! driver (through `ferrodis-persistence`) reads and writes the file.
//!
//! One line per file, `file <name> seq <n> type <b|h|i>`, base first, then
//! history, then the incr files in the order they were opened (the last
//! one is the file appends go to). A name that needs quoting is written
//! the way Redis's `sdscatrepr` writes it and read back with its
//! `sdssplitargs` rules. Lines starting with `#` are comments.

use std::fmt::Write as _;

use crate::resp::inline::split_args_owned;

/// A file's role in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// The dataset at the last rewrite (`b`).
    Base,
    /// Superseded by a rewrite, waiting to be deleted (`h`); never loaded.
    History,
    /// Commands appended since the base (`i`), loaded in order.
    Incr,
}

impl FileKind {
    fn letter(self) -> char {
        match self {
            FileKind::Base => 'b',
            FileKind::History => 'h',
            FileKind::Incr => 'i',
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofFile {
    pub name: String,
    pub seq: u64,
    pub kind: FileKind,
}

/// The manifest's content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    pub base: Option<AofFile>,
    pub history: Vec<AofFile>,
    /// In load order; appends go to the last one.
    pub incrs: Vec<AofFile>,
    /// `appendfilename`: the prefix of every file's name.
    pub prefix: String,
    /// The highest base and incr sequence numbers ever used (the next
    /// file gets one more).
    pub base_seq: u64,
    pub incr_seq: u64,
}

/// Why a manifest could not be read (Redis 7.0's texts where it has one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError(pub String);

impl Manifest {
    /// An empty manifest for files named after `appendfilename`.
    pub fn empty(prefix: &str) -> Manifest {
        Manifest { prefix: prefix.to_string(), ..Manifest::default() }
    }

    /// The manifest file's name (`appendonly.aof.manifest`).
    pub fn file_name(prefix: &str) -> String {
        format!("{prefix}.manifest")
    }

    /// The name the next base file gets, its sequence taken.
    pub fn next_base(&mut self) -> AofFile {
        self.base_seq += 1;
        AofFile {
            name: format!("{}.{}.base.aof", self.prefix, self.base_seq),
            seq: self.base_seq,
            kind: FileKind::Base,
        }
    }

    /// The name the next incr file gets, its sequence taken.
    pub fn next_incr(&mut self) -> AofFile {
        self.incr_seq += 1;
        AofFile {
            name: format!("{}.{}.incr.aof", self.prefix, self.incr_seq),
            seq: self.incr_seq,
            kind: FileKind::Incr,
        }
    }

    /// The incr file appends go to, if any.
    pub fn last_incr(&self) -> Option<&AofFile> {
        self.incrs.last()
    }

    /// The files to load, in order: the base, then every incr file.
    pub fn load_order(&self) -> impl Iterator<Item = &AofFile> {
        self.base.iter().chain(self.incrs.iter())
    }

    /// Every file the manifest names (history included).
    pub fn all_files(&self) -> impl Iterator<Item = &AofFile> {
        self.base.iter().chain(self.history.iter()).chain(self.incrs.iter())
    }

    /// The manifest as Redis writes it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in self.all_files() {
            let name = if needs_repr(&f.name) { repr(&f.name) } else { f.name.clone() };
            let _ = writeln!(out, "file {} seq {} type {}", name, f.seq, f.kind.letter());
        }
        out
    }

    /// Reads a manifest written by us or by Redis 7.0.
    pub fn parse(text: &[u8], prefix: &str) -> Result<Manifest, ManifestError> {
        let mut m = Manifest::empty(prefix);
        for raw in text.split(|&b| b == b'\n') {
            let line = trim(raw);
            if line.is_empty() || line[0] == b'#' {
                continue;
            }
            let words = split_args_owned(line).map_err(|_| ManifestError("Invalid AOF manifest file format".into()))?;
            if words.len() % 2 != 0 {
                return Err(ManifestError("Invalid AOF manifest file format".into()));
            }
            let (mut name, mut seq, mut kind) = (None, None, None);
            for pair in words.chunks(2) {
                let value = String::from_utf8_lossy(&pair[1]).into_owned();
                match pair[0].as_slice() {
                    b"file" => name = Some(value),
                    b"seq" => seq = value.parse::<u64>().ok(),
                    b"type" => {
                        kind = match value.as_str() {
                            "b" => Some(FileKind::Base),
                            "h" => Some(FileKind::History),
                            "i" => Some(FileKind::Incr),
                            _ => None,
                        }
                    }
                    // Redis ignores keys it does not know (forward compatibility).
                    _ => {}
                }
            }
            let (Some(name), Some(seq), Some(kind)) = (name, seq, kind) else {
                return Err(ManifestError("Invalid AOF manifest file format".into()));
            };
            if name.contains('/') {
                return Err(ManifestError(format!("File can't be a path, just a filename: {name}")));
            }
            let file = AofFile { name, seq, kind };
            match kind {
                FileKind::Base => {
                    if m.base.is_some() {
                        return Err(ManifestError("Found duplicate base file information".into()));
                    }
                    m.base_seq = seq;
                    m.base = Some(file);
                }
                FileKind::History => m.history.push(file),
                FileKind::Incr => {
                    if seq <= m.incr_seq {
                        return Err(ManifestError("Found a non-monotonic sequence number".into()));
                    }
                    m.incr_seq = seq;
                    m.incrs.push(file);
                }
            }
        }
        if m.base.is_none() && m.incrs.is_empty() {
            return Err(ManifestError("Found an empty AOF manifest".into()));
        }
        Ok(m)
    }
}

fn trim(line: &[u8]) -> &[u8] {
    let start = line.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(line.len());
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &line[start..end.max(start)]
}

/// Redis's `sdsneedsrepr`: whether a name must be quoted in the manifest.
fn needs_repr(name: &str) -> bool {
    name.bytes().any(|b| {
        b == b'\\'
            || b == b'"'
            || b == b'\n'
            || b == b'\r'
            || b == b'\t'
            || b == 7
            || b == 8
            || !(0x20..0x7f).contains(&b)
            || b == b' '
    })
}

/// Redis's `sdscatrepr`: a quoted, escaped name.
fn repr(name: &str) -> String {
    let mut out = String::from("\"");
    for b in name.bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            7 => out.push_str("\\a"),
            8 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let mut m = Manifest::empty("appendonly.aof");
        m.base = Some(m.next_base());
        let i1 = m.next_incr();
        let i2 = m.next_incr();
        m.incrs = vec![i1, i2];
        let text = m.to_text();
        assert_eq!(
            text,
            "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n"
        );
        assert_eq!(Manifest::parse(text.as_bytes(), "appendonly.aof").unwrap(), m);
    }

    #[test]
    fn quoted_names_and_comments() {
        let mut m = Manifest::empty("my aof");
        m.incrs = vec![m.next_incr()];
        let text = m.to_text();
        assert_eq!(text, "file \"my aof.1.incr.aof\" seq 1 type i\n");
        let parsed = Manifest::parse(format!("# comment\n\n{text}").as_bytes(), "my aof").unwrap();
        assert_eq!(parsed, m);
    }

    #[test]
    fn bad_manifests_are_refused() {
        for bad in [
            &b""[..],
            b"file a seq 1\n",
            b"file a seq x type b\n",
            b"file a/b seq 1 type b\n",
            b"file a seq 1 type b\nfile b seq 2 type b\n",
            b"file a seq 2 type i\nfile b seq 1 type i\n",
            b"file \"a seq 1 type b\n",
        ] {
            assert!(Manifest::parse(bad, "appendonly.aof").is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
