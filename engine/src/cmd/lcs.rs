//! LCS: the longest common subsequence of two string keys.
//!
//! Redis 7.0 fills the whole (|a|+1) x (|b|+1) table of u32 lengths and walks
//! it back from the end; the string it returns and the ranges IDX reports
//! depend on that walk's tie-breaking, so we do the same walk. The table is
//! transient memory driven by the client's data: like Redis we refuse (before
//! allocating) when it would exceed `proto-max-bulk-len` bytes, and answer
//! the allocation-failure error if the allocator says no. LEN alone needs no
//! walk, so it keeps two rows instead of the table (same answer, same
//! errors).

use bytes::Bytes;

use super::string::lookup_read;
use super::{CmdError, CmdResult, Handler};
use crate::ctx::Ctx;

pub static HANDLERS: &[(&str, Handler)] = &[("lcs", lcs)];

#[derive(Default)]
struct Options {
    idx: bool,
    len: bool,
    with_match_len: bool,
    min_match_len: u64,
}

fn parse_options(args: &[Bytes]) -> Result<Options, CmdError> {
    let mut o = Options::default();
    let mut j = 3;
    while j < args.len() {
        let opt = &args[j][..];
        let more = j + 1 < args.len();
        if opt.eq_ignore_ascii_case(b"idx") {
            o.idx = true;
        } else if opt.eq_ignore_ascii_case(b"len") {
            o.len = true;
        } else if opt.eq_ignore_ascii_case(b"withmatchlen") {
            o.with_match_len = true;
        } else if opt.eq_ignore_ascii_case(b"minmatchlen") && more {
            o.min_match_len = super::parse_i64(&args[j + 1])?.max(0) as u64;
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if o.idx && o.len {
        return Err(CmdError::msg("ERR If you want both the length and indexes, please just use IDX."));
    }
    Ok(o)
}

/// The value of a key for LCS: empty if missing, an error for another type.
fn key_bytes(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, ()> {
    match lookup_read(ctx.srv, ctx.db_index, key) {
        None => Ok(None),
        Some(v) => v.as_str().map(|s| Some(s.to_vec())).ok_or(()),
    }
}

/// # Format
/// ```text
/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
/// ```
fn lcs(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    // Both keys are looked up (and counted) before either is type-checked.
    let a = key_bytes(ctx, &args[1]);
    let b = key_bytes(ctx, &args[2]);
    let (Ok(a), Ok(b)) = (a, b) else {
        return Err(CmdError::msg("ERR The specified keys must contain string values"));
    };
    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
    let o = parse_options(args)?;
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    let table_bytes = cells.saturating_mul(4);
    if table_bytes > ctx.srv.config.proto_max_bulk_len {
        return Err(CmdError::msg("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len"));
    }
    if o.len {
        ctx.reply.int(lcs_len(&a, &b) as i64);
        return Ok(());
    }
    let Some(table) = Table::fill(&a, &b) else {
        return Err(CmdError::msg("ERR Insufficient memory, failed allocating transient memory for LCS"));
    };
    let walk = table.walk(&a, &b, o.min_match_len);
    if o.idx {
        let reply = &mut *ctx.reply;
        reply.map(2);
        reply.bulk(b"matches");
        reply.array(walk.ranges.len());
        for r in &walk.ranges {
            reply.array(2 + o.with_match_len as usize);
            reply.array(2);
            reply.int(r.a_start as i64);
            reply.int(r.a_end as i64);
            reply.array(2);
            reply.int(r.b_start as i64);
            reply.int(r.b_end as i64);
            if o.with_match_len {
                reply.int((r.a_end - r.a_start + 1) as i64);
            }
        }
        reply.bulk(b"len");
        reply.int(table.lcs_len() as i64);
    } else {
        ctx.reply.bulk(&walk.lcs);
    }
    Ok(())
}

/// The LCS length with two rows of the table.
fn lcs_len(a: &[u8], b: &[u8]) -> u32 {
    let mut prev = vec![0u32; b.len() + 1];
    let mut cur = vec![0u32; b.len() + 1];
    for &ca in a {
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = if ca == cb { prev[j] + 1 } else { prev[j + 1].max(cur[j]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The full table: `cell(i, j)` is the LCS length of `a[..i]` and `b[..j]`.
struct Table {
    cells: Vec<u32>,
    a_len: usize,
    b_len: usize,
}

/// One matching run, inclusive indexes into each string.
struct Range {
    a_start: usize,
    a_end: usize,
    b_start: usize,
    b_end: usize,
}

struct Walk {
    lcs: Vec<u8>,
    /// Runs of at least MINMATCHLEN, from the end of the strings backwards.
    ranges: Vec<Range>,
}

impl Table {
    /// None if the allocator refuses the table (the caller has already
    /// bounded its size by proto-max-bulk-len).
    fn fill(a: &[u8], b: &[u8]) -> Option<Table> {
        let width = b.len() + 1;
        let count = (a.len() + 1).checked_mul(width)?;
        let mut cells = Vec::new();
        cells.try_reserve_exact(count).ok()?;
        cells.resize(count, 0u32);
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                cells[i * width + j] = if a[i - 1] == b[j - 1] {
                    cells[(i - 1) * width + j - 1] + 1
                } else {
                    cells[(i - 1) * width + j].max(cells[i * width + j - 1])
                };
            }
        }
        Some(Table { cells, a_len: a.len(), b_len: b.len() })
    }

    fn cell(&self, i: usize, j: usize) -> u32 {
        self.cells[i * (self.b_len + 1) + j]
    }

    fn lcs_len(&self) -> u32 {
        self.cell(self.a_len, self.b_len)
    }

    /// Redis's backward walk: on a match take the byte and extend the
    /// current run; otherwise step towards the larger neighbour (j first on
    /// a tie) and close the run.
    fn walk(&self, a: &[u8], b: &[u8], min_match_len: u64) -> Walk {
        let mut lcs = vec![0u8; self.lcs_len() as usize];
        let mut idx = lcs.len();
        let mut ranges = Vec::new();
        let (mut i, mut j) = (self.a_len, self.b_len);
        // `None` plays the part of Redis's `arange_start == alen` marker.
        let mut run: Option<Range> = None;
        while i > 0 && j > 0 {
            let mut emit = false;
            if a[i - 1] == b[j - 1] {
                lcs[idx - 1] = a[i - 1];
                match &mut run {
                    None => run = Some(Range { a_start: i - 1, a_end: i - 1, b_start: j - 1, b_end: j - 1 }),
                    Some(r) if r.a_start == i && r.b_start == j => {
                        r.a_start -= 1;
                        r.b_start -= 1;
                    }
                    Some(_) => emit = true,
                }
                if let Some(r) = &run {
                    if r.a_start == 0 || r.b_start == 0 {
                        emit = true;
                    }
                }
                idx -= 1;
                i -= 1;
                j -= 1;
            } else {
                if self.cell(i - 1, j) > self.cell(i, j - 1) {
                    i -= 1;
                } else {
                    j -= 1;
                }
                if run.is_some() {
                    emit = true;
                }
            }
            if emit {
                if let Some(r) = run.take() {
                    let match_len = (r.a_end - r.a_start + 1) as u64;
                    if min_match_len == 0 || match_len >= min_match_len {
                        ranges.push(r);
                    }
                }
            }
        }
        Walk { lcs, ranges }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_example() {
        let (a, b) = (b"ohmytext".as_slice(), b"mynewtext".as_slice());
        let t = Table::fill(a, b).expect("small table");
        let w = t.walk(a, b, 0);
        assert_eq!(w.lcs, b"mytext");
        assert_eq!(lcs_len(a, b), 6);
        let spans: Vec<_> = w.ranges.iter().map(|r| (r.a_start, r.a_end, r.b_start, r.b_end)).collect();
        assert_eq!(spans, vec![(4, 7, 5, 8), (2, 3, 0, 1)]);
        assert_eq!(t.walk(a, b, 4).ranges.len(), 1);
    }
}
