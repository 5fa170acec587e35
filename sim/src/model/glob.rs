//! Glob matching as Redis's `stringmatchlen` does it (case-sensitive):
//! `*`, `?`, `[abc]`, `[^abc]`, `[a-z]`, and `\` escapes. Written as the
//! plain recursive definition; the simulator's patterns are short.

pub fn matches(p: &[u8], s: &[u8]) -> bool {
    let Some(&c) = p.first() else {
        return s.is_empty();
    };
    match c {
        b'*' => {
            let rest = trim_stars(p);
            if rest.is_empty() {
                return true;
            }
            (0..s.len()).any(|i| matches(rest, &s[i..]))
        }
        b'?' => !s.is_empty() && matches(&p[1..], &s[1..]),
        b'[' => {
            let Some(&ch) = s.first() else {
                return false;
            };
            let (hit, after) = class(&p[1..], ch);
            hit && matches(after, &s[1..])
        }
        b'\\' if p.len() >= 2 => !s.is_empty() && s[0] == p[1] && matches(&p[2..], &s[1..]),
        _ => !s.is_empty() && s[0] == c && matches(&p[1..], &s[1..]),
    }
}

fn trim_stars(mut p: &[u8]) -> &[u8] {
    while p.first() == Some(&b'*') {
        p = &p[1..];
    }
    p
}

/// Matches `ch` against the class body starting after `[`; returns whether
/// it matched and the pattern after the closing `]`.
fn class(mut p: &[u8], ch: u8) -> (bool, &[u8]) {
    let not = p.first() == Some(&b'^');
    if not {
        p = &p[1..];
    }
    let mut hit = false;
    loop {
        match p {
            [] => break,
            [b'\\', x, ..] => {
                hit |= *x == ch;
                p = &p[2..];
            }
            [b']', ..] => {
                p = &p[1..];
                break;
            }
            [a, b'-', b, ..] => {
                let (lo, hi) = if a <= b { (*a, *b) } else { (*b, *a) };
                hit |= (lo..=hi).contains(&ch);
                p = &p[3..];
            }
            [x, ..] => {
                hit |= *x == ch;
                p = &p[1..];
            }
        }
    }
    (hit != not, p)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches(b"*", b""));
        assert!(matches(b"k*", b"k"));
        assert!(matches(b"k?", b"k1"));
        assert!(!matches(b"k?", b"k12"));
        assert!(matches(b"k[1-3]*", b"k25"));
        assert!(!matches(b"k[^1-3]*", b"k25"));
        assert!(matches(b"*5", b"k15"));
        assert!(matches(b"k\\*", b"k*"));
        assert!(!matches(b"k\\*", b"kx"));
    }
}
