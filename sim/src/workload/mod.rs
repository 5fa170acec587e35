//! The command generator. Each [`Template`] makes one command (sometimes a
//! deliberately malformed one, to exercise error replies); a seed draws a
//! weight per template (swarm over the workload too), and only templates
//! whose command exists in the engine's command table are ever drawn, so
//! coverage grows as command families land.
//!
//! Keys come from `k0..kN` with N drawn per seed (a few keys: constant
//! collisions, overwrites and expiries; a thousand: a big keyspace) and a
//! tiny hot set. Values come from pools chosen so that integer, float and
//! plain strings all occur and meet each other through APPEND/SETRANGE.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use ferrodis_engine::cmd::CommandTable;

use crate::cmd::Cmd;

mod blocking;
mod hash;
mod list;
mod set;
mod templates;
mod zset;

/// What the generator needs to know to make a command.
pub struct Gen<'a> {
    pub rng: &'a mut ChaCha8Rng,
    pub keyspace: u64,
    /// Databases SELECT/MOVE/COPY/SWAPDB aim at (0..dbs_used), to keep them meeting.
    pub dbs_used: i64,
    pub now_ms: i64,
    /// Percent of commands made malformed where a template supports it.
    pub bad_pct: u32,
    /// Percent of relative and absolute millisecond expiries drawn a few
    /// ms ahead, so that keys are read at the very millisecond they expire
    /// (`now == when`: still alive). 0 against a real server (wall clock).
    pub short_expiry_pct: u32,
}

/// Bytes for random string values: no letter that `strtold` could take
/// (e, i, n, f, a, x, p), so a value is a valid float exactly when it is
/// digits with an optional sign and dot.
const ALPHABET: &[u8] = b"bcdghjkmoqrstuvwyz0123456789.-";
pub(crate) const FLOATS: &[&[u8]] =
    &[b"0.5", b"1.25", b"-3.75", b"10", b"0", b"2.0625", b"-0.5", b"100.5", b"0.1", b"3.3", b".5", b"7."];

impl Gen<'_> {
    pub(crate) fn pct(&mut self, p: u32) -> bool {
        self.rng.gen_range(0..100) < p
    }

    pub(crate) fn bad(&mut self) -> bool {
        self.bad_pct > 0 && self.pct(self.bad_pct)
    }

    pub fn key(&mut self, c: &mut Cmd) {
        let n = if self.pct(15) { self.rng.gen_range(0..3) } else { self.rng.gen_range(0..self.keyspace) };
        c.push_parts(b"k", n);
    }

    pub fn int(&mut self, c: &mut Cmd, lo: i64, hi: i64) {
        c.push_int(self.rng.gen_range(lo..=hi));
    }

    pub fn value(&mut self, c: &mut Cmd) {
        match self.rng.gen_range(0..100) {
            0..=29 => c.push_int(self.rng.gen_range(-10..=100)),
            30..=34 => {
                let edges = [i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1, 1 << 40];
                c.push_int(edges[self.rng.gen_range(0..edges.len())])
            }
            35..=44 => c.push(FLOATS[self.rng.gen_range(0..FLOATS.len())]),
            45..=92 => self.random_string(c, 0, 12),
            _ => self.random_string(c, 40, 120),
        }
    }

    pub(crate) fn random_string(&mut self, c: &mut Cmd, lo: usize, hi: usize) {
        let len = self.rng.gen_range(lo..=hi);
        let mut buf = [0u8; 128];
        for b in &mut buf[..len] {
            *b = ALPHABET[self.rng.gen_range(0..ALPHABET.len())];
        }
        c.push(&buf[..len]);
    }

    pub(crate) fn db(&mut self, c: &mut Cmd) {
        if self.bad() {
            let bad: [&[u8]; 5] = [b"16", b"-1", b"x", b"99999999999", b""];
            c.push(bad[self.rng.gen_range(0..bad.len())]);
        } else {
            c.push_int(self.rng.gen_range(0..self.dbs_used));
        }
    }

    /// An integer argument, sometimes not an integer.
    pub(crate) fn int_or_bad(&mut self, c: &mut Cmd, lo: i64, hi: i64) {
        if self.bad() {
            let bad: [&[u8]; 4] = [b"x", b"1.5", b"", b"99999999999999999999"];
            c.push(bad[self.rng.gen_range(0..bad.len())]);
        } else {
            self.int(c, lo, hi);
        }
    }

    pub(crate) fn pattern(&mut self, c: &mut Cmd) {
        let pats: [&[u8]; 8] = [b"*", b"k1*", b"k?", b"k[1-3]*", b"*5", b"k[^0]", b"nomatch*", b"k\\*"];
        c.push(pats[self.rng.gen_range(0..pats.len())]);
    }

    pub(crate) fn expire_flags(&mut self, c: &mut Cmd) {
        let n = if self.pct(70) { 0 } else { self.rng.gen_range(1..=2) };
        for _ in 0..n {
            let f: [&[u8]; 6] = [b"NX", b"xx", b"GT", b"lt", b"gt", b"bogus"];
            let n = if self.bad() { 6 } else { 5 };
            let i = self.rng.gen_range(0..n);
            c.push(f[i]);
        }
    }

    /// Seconds for SET EX / EXPIRE (mostly short, so expiry happens).
    pub(crate) fn seconds(&mut self, c: &mut Cmd) {
        if self.bad() {
            let bad: [&[u8]; 4] = [b"0", b"-1", b"x", b"9223372036854775807"];
            c.push(bad[self.rng.gen_range(0..bad.len())]);
        } else {
            self.int(c, 1, 30);
        }
    }

    pub(crate) fn millis(&mut self, c: &mut Cmd) {
        if self.short_expiry_pct > 0 && self.pct(self.short_expiry_pct) {
            self.int(c, 1, 8);
        } else if self.bad() {
            let bad: [&[u8]; 3] = [b"0", b"-5", b"9223372036854775807"];
            c.push(bad[self.rng.gen_range(0..bad.len())]);
        } else {
            self.int(c, 1, 20_000);
        }
    }

    pub(crate) fn unix_s(&mut self, c: &mut Cmd) {
        let base = self.now_ms / 1000;
        self.int(c, base - 5, base + 30);
    }

    pub(crate) fn unix_ms(&mut self, c: &mut Cmd) {
        if self.short_expiry_pct > 0 && self.pct(self.short_expiry_pct) {
            return self.int(c, self.now_ms, self.now_ms + 8);
        }
        self.int(c, self.now_ms - 2_000, self.now_ms + 20_000);
    }

    pub(crate) fn range_arg(&mut self, c: &mut Cmd) {
        if self.pct(10) {
            self.int_or_bad(c, i64::MIN, i64::MAX);
        } else {
            self.int_or_bad(c, -20, 20);
        }
    }
}

pub use blocking::TEMPLATES as BLOCKING_TEMPLATES;
pub use templates::{Template, EXTRA_TEMPLATES, TEMPLATES};

/// Every family's template table that joins the main mix: [`TEMPLATES`]
/// (strings, keys, expiry) and one table per data-type family, each in its
/// own module so families grow without touching each other.
pub static MAIN_TABLES: &[&[Template]] =
    &[TEMPLATES, list::TEMPLATES, hash::TEMPLATES, set::TEMPLATES, zset::TEMPLATES];

/// [`MAIN_TABLES`] joined into one table (built once).
pub fn main_templates() -> &'static [Template] {
    static ALL: std::sync::OnceLock<Vec<Template>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| MAIN_TABLES.iter().flat_map(|t| t.iter().copied()).collect())
}

/// The templates a seed draws from, with their weights.
#[derive(Clone, Debug)]
pub struct Mix {
    /// The table the indices below point into.
    table: &'static [Template],
    /// (template index, cumulative weight)
    cumulative: Vec<(usize, u32)>,
    /// The template index for each draw `0..total`: what a search of
    /// `cumulative` would find, looked up in one step (weights are small,
    /// so the table is a few hundred entries).
    slots: Vec<u16>,
    total: u32,
    /// Percent of commands that are an unknown command or a wrong arity.
    pub malformed_pct: u32,
}

impl Mix {
    /// Templates available in `table`, each weighted by its default times a
    /// seed-drawn factor (0 switches a template off for this seed).
    pub fn new(available: &dyn Fn(&Template) -> bool, rng: &mut ChaCha8Rng, swarm: bool) -> Mix {
        Mix::over(main_templates(), available, rng, swarm)
    }

    /// [`Mix::new`] over another template table ([`EXTRA_TEMPLATES`]).
    /// Empty (`is_empty`) when no template of `table` is available.
    pub fn over(
        table: &'static [Template],
        available: &dyn Fn(&Template) -> bool,
        rng: &mut ChaCha8Rng,
        swarm: bool,
    ) -> Mix {
        let mut cumulative = Vec::new();
        let mut total = 0;
        for (i, t) in table.iter().enumerate() {
            if !available(t) {
                continue;
            }
            let factor = if swarm { [0u32, 1, 2, 4][rng.gen_range(0..4)] } else { 2 };
            let w = t.weight * factor;
            if w > 0 {
                total += w;
                cumulative.push((i, total));
            }
        }
        if total == 0 && swarm {
            // Every template switched off: fall back to the plain mix.
            return Mix::over(table, available, rng, false);
        }
        let mut slots = Vec::with_capacity(total as usize);
        for &(i, c) in &cumulative {
            slots.resize(c as usize, u16::try_from(i).expect("fewer than 65536 templates"));
        }
        Mix { table, cumulative, slots, total, malformed_pct: if swarm { rng.gen_range(0..3) } else { 1 } }
    }

    /// Whether no template can be drawn (only for [`Mix::over`] a table
    /// none of whose commands the engine has).
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub fn draw(&self, rng: &mut ChaCha8Rng) -> &'static Template {
        let x = rng.gen_range(0..self.total);
        &self.table[self.slots[x as usize] as usize]
    }

    /// Names of the templates in use.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.cumulative.iter().map(|&(i, _)| self.table[i].name).collect();
        v.dedup();
        v
    }
}

pub fn available(table: &CommandTable, t: &Template) -> bool {
    let Some(cmd) = table.lookup(t.name.as_bytes()) else {
        return false;
    };
    if let Some(sub) = t.sub {
        if cmd.subcommand(sub.as_bytes()).is_none() {
            return false;
        }
    }
    t.requires.is_none_or(|r| table.lookup(r.as_bytes()).is_some())
}

/// A malformed command: an unknown name, or a known one with a wrong
/// number of arguments.
pub fn malformed(g: &mut Gen<'_>, mix: &Mix, c: &mut Cmd) {
    if g.pct(30) {
        c.push(b"NOSUCHCMD");
        for _ in 0..g.rng.gen_range(0..3) {
            g.value(c);
        }
        return;
    }
    let t = mix.draw(g.rng);
    let Some(spec) = crate::model::spec(t.name.as_bytes()) else {
        c.push(b"PING");
        return;
    };
    c.push(t.name.to_ascii_uppercase().as_bytes());
    if t.sub.is_some() {
        // OBJECT with no subcommand.
        return;
    }
    // Fewer arguments than the arity allows, or one more than a fixed arity.
    let need = spec.arity.unsigned_abs() as usize;
    let argc = if spec.arity > 0 && g.pct(50) { need + 1 } else { need.saturating_sub(1).max(1) };
    for _ in 1..argc {
        g.key(c);
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn slots_match_the_cumulative_weights() {
        for seed in 0..50 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mix = Mix::new(&|_| true, &mut rng, seed % 5 != 0);
            assert_eq!(mix.slots.len(), mix.total as usize);
            for x in 0..mix.total {
                let i = mix.cumulative.partition_point(|&(_, c)| c <= x);
                assert_eq!(mix.slots[x as usize] as usize, mix.cumulative[i].0);
            }
        }
    }
}
