//! Redis's glob matcher (`stringmatchlen` in `util.c`, 7.0.15), used by KEYS
//! and SCAN MATCH (and later PSUBSCRIBE) as [`matches`], and by CONFIG GET
//! and COMMAND LIST FILTERBY PATTERN as [`matches_nocase`] (Redis's
//! `nocase=1`).
//!
//! Redis matches recursively: every `*` group recurses once per starting
//! position, bounded by two guards added for CVE-2022-36021 and its
//! follow-up: `skipLongerMatches` (once the rest of the pattern after a `*`
//! failed at every position, no earlier `*` can help, so the whole match
//! fails) and a nesting limit (a call more than [`NESTING_MAX`] `*` groups
//! deep fails).
//!
//! With `skipLongerMatches` only the innermost `*` ever backtracks, which is
//! exactly the classic iterative wildcard algorithm that remembers one
//! backtrack point. We run that: O(pattern * string) time in the worst
//! case, no recursion (a pattern of a million `*a` cannot overflow our
//! stack), and the same answers as Redis, quirks included:
//!
//! - the empty string matches only the empty pattern (`*` does not match
//!   ""; KEYS and SCAN special-case a lone `*` before calling us);
//! - reaching a `*` group that is not at the end of the pattern and is the
//!   1001st or later fails the whole match (Redis's call at nesting 1001
//!   fails at every position, which then sets `skipLongerMatches`);
//! - `[` without `]` runs to the end of the pattern; `\` escapes the next
//!   byte inside and outside brackets; a trailing lone `\` is a literal;
//! - range ends compare as C `char`, which is signed on the platforms Redis
//!   runs on, so `[a-\xff]` is the range -1..=97 after swapping the ends.
//!
//! With `nocase`, Redis compares through C `tolower` (ASCII letters only,
//! the server never sets `LC_CTYPE`), except for a `\` escape inside
//! brackets, which stays case-sensitive; a range's ends are swapped (if
//! needed) before they are lowered, so `[Z-a]` lowers to the empty range
//! `z..a`.
//!
//! The unit tests check the iterative matcher against a direct port of
//! Redis's recursive code on many random short patterns.

/// Deepest `*` nesting Redis 7.0.15 allows (`if (nesting > 1000) return 0`).
pub const NESTING_MAX: usize = 1000;

/// Whether `string` matches the glob `pattern` as Redis's
/// `stringmatchlen(pattern, string, nocase=0)` decides.
pub fn matches(pattern: &[u8], string: &[u8]) -> bool {
    string_match(pattern, string, false)
}

/// The same with `nocase=1`: letters match either case.
pub fn matches_nocase(pattern: &[u8], string: &[u8]) -> bool {
    string_match(pattern, string, true)
}

fn string_match(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    if string.is_empty() {
        return pattern.is_empty();
    }
    let mut pi = 0usize;
    let mut si = 0usize;
    // Where to resume after the most recent `*`: (pattern index after the
    // star group, string index the rest was last tried at).
    let mut backtrack: Option<(usize, usize)> = None;
    let mut star_groups = 0usize;
    loop {
        debug_assert!(si < string.len());
        if pattern.get(pi) == Some(&b'*') {
            while pattern.get(pi + 1) == Some(&b'*') {
                pi += 1;
            }
            if pi + 1 == pattern.len() {
                return true;
            }
            star_groups += 1;
            if star_groups > NESTING_MAX {
                return false;
            }
            pi += 1;
            backtrack = Some((pi, si));
            continue;
        }
        let step = if pi < pattern.len() { match_token(pattern, pi, string[si], nocase) } else { None };
        match step {
            Some(next) => {
                pi = next;
                si += 1;
                if si == string.len() {
                    while pattern.get(pi) == Some(&b'*') {
                        pi += 1;
                    }
                    return pi == pattern.len();
                }
            }
            None => match backtrack {
                Some((bp, bs)) if bs + 1 < string.len() => {
                    backtrack = Some((bp, bs + 1));
                    pi = bp;
                    si = bs + 1;
                }
                _ => return false,
            },
        }
    }
}

/// Matches the one-byte token (`?`, `[...]`, `\x` or a literal) at
/// `pattern[pi]` against `c`. Returns the index after the token on a match.
/// Token boundaries depend only on the pattern, as in Redis.
fn match_token(pattern: &[u8], mut pi: usize, c: u8, nocase: bool) -> Option<usize> {
    // Redis reads the NUL terminator past the end of the sds; so do we.
    let at = |i: usize| pattern.get(i).copied().unwrap_or(0);
    let same = |a: u8, b: u8| if nocase { a.eq_ignore_ascii_case(&b) } else { a == b };
    match pattern[pi] {
        b'?' => Some(pi + 1),
        b'[' => {
            pi += 1;
            let not = at(pi) == b'^';
            if not {
                pi += 1;
            }
            let mut matched = false;
            loop {
                let left = pattern.len().saturating_sub(pi);
                if at(pi) == b'\\' && left >= 2 {
                    pi += 1;
                    if at(pi) == c {
                        matched = true;
                    }
                } else if at(pi) == b']' {
                    break;
                } else if left == 0 {
                    // Unterminated: Redis steps back so the common
                    // `pattern++` below lands exactly on the end.
                    pi -= 1;
                    break;
                } else if left >= 3 && at(pi + 1) == b'-' {
                    let mut start = at(pi) as i8 as i32;
                    let mut end = at(pi + 2) as i8 as i32;
                    if start > end {
                        std::mem::swap(&mut start, &mut end);
                    }
                    let mut ch = c as i8 as i32;
                    if nocase {
                        (start, end, ch) = (c_tolower(start), c_tolower(end), c_tolower(ch));
                    }
                    pi += 2;
                    if ch >= start && ch <= end {
                        matched = true;
                    }
                } else if same(at(pi), c) {
                    matched = true;
                }
                pi += 1;
            }
            if not {
                matched = !matched;
            }
            matched.then_some(pi + 1)
        }
        b'\\' => {
            if pattern.len() - pi >= 2 {
                pi += 1;
            }
            same(pattern[pi], c).then_some(pi + 1)
        }
        literal => same(literal, c).then_some(pi + 1),
    }
}

/// C `tolower` in the "C" locale on a (signed) `char` value.
fn c_tolower(c: i32) -> i32 {
    if (i32::from(b'A')..=i32::from(b'Z')).contains(&c) {
        c + 32
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// A line-by-line port of Redis 7.0.15's recursive `stringmatchlen_impl`,
    /// as the reference for the iterative matcher.
    fn redis_impl(p: &[u8], s: &[u8], nocase: bool, skip: &mut bool, nesting: usize) -> bool {
        if nesting > NESTING_MAX {
            return false;
        }
        let lower = |c: i32| if (65..=90).contains(&c) { c + 32 } else { c };
        let eq = |a: u8, b: u8| if nocase { lower(a as i8 as i32) == lower(b as i8 as i32) } else { a == b };
        let at = |p: &[u8], i: usize| p.get(i).copied().unwrap_or(0);
        // `full[off..]` is Redis's `pattern`; `s` is its `string`.
        let full = p;
        let mut s = s;
        let mut off = 0usize;
        while off < full.len() && !s.is_empty() {
            match full[off] {
                b'*' => {
                    while off < full.len() && at(full, off + 1) == b'*' {
                        off += 1;
                    }
                    if full.len() - off == 1 {
                        return true;
                    }
                    while !s.is_empty() {
                        if redis_impl(&full[off + 1..], s, nocase, skip, nesting + 1) {
                            return true;
                        }
                        if *skip {
                            return false;
                        }
                        s = &s[1..];
                    }
                    *skip = true;
                    return false;
                }
                b'?' => s = &s[1..],
                b'[' => {
                    off += 1;
                    let not = at(full, off) == b'^';
                    if not {
                        off += 1;
                    }
                    let mut m = false;
                    loop {
                        let len = full.len() - off;
                        if at(full, off) == b'\\' && len >= 2 {
                            off += 1;
                            if at(full, off) == s[0] {
                                m = true;
                            }
                        } else if at(full, off) == b']' {
                            break;
                        } else if len == 0 {
                            off -= 1;
                            break;
                        } else if len >= 3 && at(full, off + 1) == b'-' {
                            let (mut a, mut b) = (at(full, off) as i8 as i32, at(full, off + 2) as i8 as i32);
                            if a > b {
                                std::mem::swap(&mut a, &mut b);
                            }
                            let mut c = s[0] as i8 as i32;
                            if nocase {
                                (a, b, c) = (lower(a), lower(b), lower(c));
                            }
                            off += 2;
                            if c >= a && c <= b {
                                m = true;
                            }
                        } else if eq(at(full, off), s[0]) {
                            m = true;
                        }
                        off += 1;
                    }
                    if not {
                        m = !m;
                    }
                    if !m {
                        return false;
                    }
                    s = &s[1..];
                }
                b'\\' => {
                    if full.len() - off >= 2 {
                        off += 1;
                    }
                    if !eq(full[off], s[0]) {
                        return false;
                    }
                    s = &s[1..];
                }
                c => {
                    if !eq(c, s[0]) {
                        return false;
                    }
                    s = &s[1..];
                }
            }
            off += 1;
            if s.is_empty() {
                while at(full, off) == b'*' {
                    off += 1;
                }
                break;
            }
        }
        off == full.len() && s.is_empty()
    }

    fn redis(p: &[u8], s: &[u8], nocase: bool) -> bool {
        redis_impl(p, s, nocase, &mut false, 0)
    }

    #[test]
    fn basics() {
        assert!(matches(b"h?llo", b"hello"));
        assert!(matches(b"h*llo", b"heeeello"));
        assert!(matches(b"h[ae]llo", b"hallo"));
        assert!(!matches(b"h[^e]llo", b"hello"));
        assert!(matches(b"h[a-b]llo", b"hbllo"));
        assert!(matches(b"h[b-a]llo", b"hbllo"));
        assert!(matches(b"h\\*llo", b"h*llo"));
        assert!(!matches(b"h\\*llo", b"hxllo"));
        assert!(matches(b"[\\]]", b"]"));
        assert!(matches(b"\\", b"\\"));
        assert!(matches(b"[abc", b"c"));
        assert!(!matches(b"*", b""));
        assert!(matches(b"", b""));
        assert!(matches(b"a**", b"a"));
        assert!(matches(b"[a-\xff]", b"\xff"));
        assert!(!matches(b"[a-\xff]", b"b"));
    }

    /// The cases CONFIG GET's own matcher was tested with before it became
    /// this one (all but `*` against "", which Redis does not match and no
    /// parameter or command name is).
    #[test]
    fn config_get_patterns() {
        assert!(matches(b"p*", b"port"));
        assert!(!matches(b"p*", b"hz"));
        assert!(matches(b"*-*", b"io-threads"));
        assert!(matches(b"h?", b"hz"));
        assert!(!matches(b"h?", b"h"));
        assert!(matches(b"[a-c]x", b"bx"));
        assert!(matches(b"[^a-c]x", b"dx"));
        assert!(!matches(b"[^a-c]x", b"ax"));
        assert!(matches(b"a\\*", b"a*"));
        assert!(!matches(b"a\\*", b"ab"));
        assert!(matches(b"*a*b*c*", b"xxaxxbxxcxx"));
        assert!(!matches(b"*a*b*c*d", b"xxaxxbxxcxx"));
        let long = [b"*".repeat(100), b"z".to_vec()].concat();
        assert!(!matches(&long, &b"a".repeat(200)));
    }

    #[test]
    fn nocase_like_redis() {
        assert!(matches_nocase(b"PO*", b"port"));
        assert!(!matches(b"PO*", b"port"));
        assert!(matches_nocase(b"h\\Ello", b"hello"), "an escape outside brackets ignores case");
        assert!(matches_nocase(b"h[E]llo", b"hello"));
        assert!(!matches_nocase(b"h[\\E]llo", b"hello"), "an escape inside brackets keeps case");
        assert!(matches_nocase(b"[A-C]x", b"bx"));
        assert!(matches_nocase(b"[a-c]x", b"BX"));
        assert!(!matches_nocase(b"[Z-a]", b"a"), "swapped before lowering: z..a is empty");
        assert!(matches(b"[Z-a]", b"a"));
        assert!(!matches_nocase(b"*", b""));
        assert!(matches_nocase(b"\xc9", b"\xc9") && !matches_nocase(b"\xc9", b"\xe9"), "ASCII letters only");
    }

    #[test]
    fn nesting_limit_as_redis() {
        let key = vec![b'a'; 1500];
        let rep = |unit: &[u8], n: usize| unit.repeat(n);
        assert!(matches(&rep(b"*a", 1000), &key));
        assert!(!matches(&rep(b"*a", 1001), &key));
        assert!(matches(&rep(b"a*", 1001), &key));
        assert!(!matches(&rep(b"a*", 1002), &key));
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let key = vec![b'a'; 10_000];
        let mut pat = b"*a".repeat(30);
        pat.push(b'b');
        assert!(!matches(&pat, &key));
        let pat = b"*".repeat(1_000_000);
        assert!(matches(&pat, &key));
        let mut pat = b"*a".repeat(900);
        pat.extend_from_slice(b"*b");
        assert!(!matches(&pat, &key));
    }

    /// Random short patterns and strings over the given alphabets: the
    /// iterative matcher answers as the recursive port does.
    fn agrees_on_random_cases(seed: u64, cases: usize, pat_alphabet: &[u8], str_alphabet: &[u8], nocase: bool) {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for _ in 0..cases {
            let plen = rng.gen_range(0..8);
            let slen = rng.gen_range(0..7);
            let p: Vec<u8> = (0..plen).map(|_| pat_alphabet[rng.gen_range(0..pat_alphabet.len())]).collect();
            let s: Vec<u8> = (0..slen).map(|_| str_alphabet[rng.gen_range(0..str_alphabet.len())]).collect();
            assert_eq!(string_match(&p, &s, nocase), redis(&p, &s, nocase), "pattern {:?} string {:?}", p, s);
        }
    }

    #[test]
    fn agrees_with_redis_recursive_port() {
        agrees_on_random_cases(7, 200_000, b"ab*?[]^-\\", b"ab]-\\^*", false);
    }

    #[test]
    fn nocase_agrees_with_redis_recursive_port() {
        // Letters of both cases either side of the range punctuation
        // between `Z` and `a`, and a non-ASCII byte.
        agrees_on_random_cases(8, 100_000, b"aBzZ_*?[]^-\\\xe9", b"AbZz_]-\\\xc9", true);
    }
}
