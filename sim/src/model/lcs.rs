//! LCS's reply. The longest common subsequence is not unique, so the reply
//! is defined by Redis's algorithm: the textbook dynamic-programming table,
//! walked back from the end, preferring to drop a byte of `a` only when
//! that keeps a strictly longer LCS; IDX ranges are emitted as the walk
//! finds them (last match first).

use super::Out;

pub fn reply(a: &[u8], b: &[u8], getlen: bool, getidx: bool, withmatchlen: bool, minmatchlen: i64, out: &mut Out<'_>) {
    let (alen, blen) = (a.len(), b.len());
    let w = blen + 1;
    let mut t = vec![0u32; (alen + 1) * w];
    for i in 1..=alen {
        for j in 1..=blen {
            t[i * w + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * w + j - 1] + 1
            } else {
                t[(i - 1) * w + j].max(t[i * w + j - 1])
            };
        }
    }
    let total = t[alen * w + blen] as usize;
    if getlen {
        return out.w.int(total as i64);
    }
    let mut result = vec![0u8; total];
    let mut ranges: Vec<[usize; 4]> = Vec::new();
    let mut idx = total;
    let (mut i, mut j) = (alen, blen);
    // Current range: a[as_..=ae], b[bs..=be]; `None` = no range open.
    let mut cur: Option<[usize; 4]> = None;
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            match &mut cur {
                None => cur = Some([i - 1, i - 1, j - 1, j - 1]),
                Some(r) if r[0] == i && r[2] == j => {
                    r[0] -= 1;
                    r[2] -= 1;
                }
                Some(_) => emit = true,
            }
            if let Some(r) = cur {
                if r[0] == 0 || r[2] == 0 {
                    emit = true;
                }
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if t[(i - 1) * w + j] > t[i * w + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if cur.is_some() {
                emit = true;
            }
        }
        if emit {
            if let Some(r) = cur.take() {
                let len = r[1] - r[0] + 1;
                if minmatchlen == 0 || len as i64 >= minmatchlen {
                    ranges.push(r);
                }
            }
        }
    }
    if !getidx {
        return out.w.bulk(&result);
    }
    out.w.array(4);
    out.w.bulk(b"matches");
    out.w.array(ranges.len());
    for r in &ranges {
        out.w.array(if withmatchlen { 3 } else { 2 });
        out.w.array(2);
        out.w.int(r[0] as i64);
        out.w.int(r[1] as i64);
        out.w.array(2);
        out.w.int(r[2] as i64);
        out.w.int(r[3] as i64);
        if withmatchlen {
            out.w.int((r[1] - r[0] + 1) as i64);
        }
    }
    out.w.bulk(b"len");
    out.w.int(total as i64);
}
