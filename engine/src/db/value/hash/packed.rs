//! [`Packed`]: the small form of a hash (Redis's `listpack` encoding): every
//! field and value in one byte buffer, in insertion order.
//!
//! # Layout
//! Items alternate field, value; each is a LEB128 length followed by its
//! bytes. A 10-field hash of short strings is one allocation of about
//! `sum(lengths) + 2 * pairs` bytes, where one table entry per field would
//! cost a block each. Lookups walk the buffer, as Redis's listpack does: the
//! thresholds (`hash-max-listpack-entries`/`-value`) keep it short.
//!
//! # Invariants (checked by [`Packed::check_invariants`])
//! The buffer parses as exactly `2 * pairs` items and no field appears twice.

/// The small form: pairs in insertion order (the order HGETALL replies in).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packed {
    buf: Vec<u8>,
    pairs: usize,
}

/// Where one pair sits in the buffer: `[start, value_at, end)`.
#[derive(Clone, Copy)]
struct Slot {
    start: usize,
    value_at: usize,
    end: usize,
}

/// Most bytes a LEB128 length of a `usize` takes.
const LEN_BYTES_MAX: usize = 10;

fn put_len(buf: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            buf.push(low);
            return;
        }
        buf.push(low | 0x80);
    }
}

/// Reads one item at `at`: its bytes and the offset after it.
fn item(buf: &[u8], mut at: usize) -> (&[u8], usize) {
    let mut len = 0usize;
    let mut shift = 0;
    loop {
        let b = buf[at];
        at += 1;
        len |= ((b & 0x7f) as usize) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    (&buf[at..at + len], at + len)
}

/// Bytes `bytes` takes as an item: its LEB128 length, then itself.
fn item_bytes(bytes: &[u8]) -> usize {
    let bits = usize::BITS - bytes.len().leading_zeros();
    (bits.max(1) as usize).div_ceil(7) + bytes.len()
}

fn put_item(buf: &mut Vec<u8>, bytes: &[u8]) {
    put_len(buf, bytes.len());
    buf.extend_from_slice(bytes);
}

impl Packed {
    pub fn len(&self) -> usize {
        self.pairs
    }

    pub fn is_empty(&self) -> bool {
        self.pairs == 0
    }

    /// Bytes of the buffer (memory accounting and tests).
    pub fn buf_bytes(&self) -> usize {
        self.buf.len()
    }

    /// Pairs in order, each with its slot.
    fn slots(&self) -> impl Iterator<Item = (&[u8], &[u8], Slot)> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.buf.len() {
                return None;
            }
            let start = at;
            let (field, value_at) = item(&self.buf, at);
            let (value, end) = item(&self.buf, value_at);
            at = end;
            Some((field, value, Slot { start, value_at, end }))
        })
    }

    /// Every pair, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.slots().map(|(f, v, _)| (f, v))
    }

    fn find(&self, field: &[u8]) -> Option<(&[u8], Slot)> {
        self.slots().find(|(f, _, _)| *f == field).map(|(_, v, s)| (v, s))
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.find(field).map(|(v, _)| v)
    }

    /// The pair at `index` (insertion order); None past the end.
    pub fn nth(&self, index: usize) -> Option<(&[u8], &[u8])> {
        self.iter().nth(index)
    }

    /// Sets `field` to `value`: in place if present (the pair keeps its
    /// position, as in a listpack), else appended. Returns true if added.
    pub fn set(&mut self, field: &[u8], value: &[u8]) -> bool {
        match self.find(field).map(|(_, s)| s) {
            Some(s) => {
                let mut encoded = Vec::with_capacity(value.len() + LEN_BYTES_MAX);
                put_item(&mut encoded, value);
                self.buf.splice(s.value_at..s.end, encoded);
                self.buf.shrink_to_fit();
                false
            }
            None => {
                // Exact growth, as a listpack reallocates per insert: a
                // doubling Vec would leave up to half of a small hash unused.
                self.buf.reserve_exact(item_bytes(field) + item_bytes(value));
                put_item(&mut self.buf, field);
                put_item(&mut self.buf, value);
                self.pairs += 1;
                true
            }
        }
    }

    /// Removes `field`; true if it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        let Some((_, s)) = self.find(field) else { return false };
        self.buf.drain(s.start..s.end);
        self.buf.shrink_to_fit();
        self.pairs -= 1;
        if self.pairs == 0 {
            // An emptied hash is deleted by the caller; drop the block now.
            self.buf = Vec::new();
        }
        true
    }

    /// Panics if the buffer does not parse as `pairs` pairs of distinct fields. O(n log n).
    pub fn check_invariants(&self) {
        let mut fields: Vec<&[u8]> = self.iter().map(|(f, _)| f).collect();
        assert_eq!(fields.len(), self.pairs, "packed hash pair count");
        let last_end = self.slots().last().map_or(0, |(_, _, s)| s.end);
        assert_eq!(last_end, self.buf.len(), "packed hash has trailing bytes");
        fields.sort_unstable();
        assert!(fields.windows(2).all(|w| w[0] != w[1]), "packed hash repeats a field");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replace_remove_keep_order() {
        let mut p = Packed::default();
        assert!(p.set(b"a", b"1"));
        assert!(p.set(&[b'f'; 200], &[b'v'; 300]));
        assert!(p.set(b"", b""));
        assert!(!p.set(b"a", &[b'x'; 130]));
        let got: Vec<(Vec<u8>, Vec<u8>)> = p.iter().map(|(f, v)| (f.to_vec(), v.to_vec())).collect();
        assert_eq!(got[0], (b"a".to_vec(), vec![b'x'; 130]));
        assert_eq!(got[1], (vec![b'f'; 200], vec![b'v'; 300]));
        assert_eq!(got[2], (vec![], vec![]));
        p.check_invariants();
        assert_eq!(p.buf.capacity(), p.buf.len(), "grown exactly");
        assert_eq!(item_bytes(&[0; 127]), 128);
        assert_eq!(item_bytes(&[0; 128]), 130);
        assert_eq!(item_bytes(b""), 1);
        assert!(p.remove(&[b'f'; 200]));
        assert!(!p.remove(b"zz"));
        assert_eq!(p.nth(1), Some((&b""[..], &b""[..])));
        assert_eq!(p.get(b"a").map(|v| v.len()), Some(130));
        p.check_invariants();
    }
}
