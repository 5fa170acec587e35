//! The rewrite: a walk over every database and key ([`accept`]) and the
//! visitor that writes the fewest commands rebuilding them, as Redis 7.0's
//! `rewriteAppendOnlyFileRio` does with `aof-use-rdb-preamble no`:
//! `SELECT` per non-empty database; per key `SET`, `RPUSH`, `SADD`,
//! `HMSET` or `ZADD` with at most [`ITEMS_PER_CMD`] elements each, then
//! `PEXPIREAT` for a TTL. Scores are written as `%.17g` (Redis's
//! `rioWriteBulkDouble`), which reads back to the same double. Keys whose
//! TTL has passed but that are still in the keyspace are written with it,
//! as Redis does: loading deletes them.

use std::io::{self, Write};

use ferrodis_engine::db::{Db, Value};
use ferrodis_engine::resp::reply::format_double_g17;

use crate::Storage;

/// Redis's `AOF_REWRITE_ITEMS_PER_CMD`.
pub const ITEMS_PER_CMD: usize = 64;

/// Sees the dataset database by database, key by key.
pub trait DataVisitor {
    /// The keys that follow are in database `db` (only non-empty ones).
    fn select(&mut self, db: usize);
    fn key(&mut self, key: &[u8], value: &Value, expire_at_ms: Option<u64>);
}

/// Walks every non-empty database and each of its keys.
pub fn accept(dbs: &[Db], visitor: &mut impl DataVisitor) {
    for (i, db) in dbs.iter().enumerate() {
        if db.is_empty() {
            continue;
        }
        visitor.select(i);
        db.for_each(|key, value| visitor.key(key, value, db.expire_at(key)));
    }
}

/// The base file for `dbs` (see the module doc) written to `out`. Returns
/// the bytes written.
pub fn write_base(dbs: &[Db], out: &mut impl Write) -> io::Result<u64> {
    let mut w = CommandWriter { out: io::BufWriter::with_capacity(64 * 1024, out), bytes: 0, error: None };
    accept(dbs, &mut w);
    if let Some(e) = w.error.take() {
        return Err(e);
    }
    w.out.flush()?;
    Ok(w.bytes)
}

/// Writes the base file `name` in `storage`: created empty, written,
/// fsynced (what a rewrite child does with its temp file). Returns its
/// size.
pub fn write_base_file(storage: &mut impl Storage, name: &str, dbs: &[Db]) -> io::Result<u64> {
    storage.create(name)?;
    let bytes = write_base(dbs, &mut StorageWriter { storage: &mut *storage, name })?;
    storage.fsync(name)?;
    Ok(bytes)
}

/// `io::Write` by appending to a file of a [`Storage`].
pub struct StorageWriter<'a, S: Storage> {
    pub storage: &'a mut S,
    pub name: &'a str,
}

impl<S: Storage> Write for StorageWriter<'_, S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.storage.append(self.name, buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The visitor that writes RESP commands; the first write error stops it.
struct CommandWriter<W: Write> {
    out: W,
    bytes: u64,
    error: Option<io::Error>,
}

impl<W: Write> CommandWriter<W> {
    fn raw(&mut self, b: &[u8]) {
        if self.error.is_none() {
            match self.out.write_all(b) {
                Ok(()) => self.bytes += b.len() as u64,
                Err(e) => self.error = Some(e),
            }
        }
    }

    fn header(&mut self, elements: usize) {
        self.raw(format!("*{elements}\r\n").as_bytes());
    }

    fn bulk(&mut self, b: &[u8]) {
        self.raw(format!("${}\r\n", b.len()).as_bytes());
        self.raw(b);
        self.raw(b"\r\n");
    }

    /// One item (`args`) of a collection written as `name key item...`
    /// commands of at most ITEMS_PER_CMD items each.
    fn item(&mut self, c: &mut Chunks<'_>, args: &[&[u8]]) {
        assert!(c.left > 0, "more items than the collection's length");
        if c.in_cmd == 0 {
            let n = c.left.min(ITEMS_PER_CMD);
            self.header(2 + n * args.len());
            self.bulk(c.name);
            self.bulk(c.key);
        }
        for arg in args {
            self.bulk(arg);
        }
        c.in_cmd = (c.in_cmd + 1) % ITEMS_PER_CMD;
        c.left -= 1;
    }
}

/// Where a collection's chunked commands are.
struct Chunks<'a> {
    name: &'a [u8],
    key: &'a [u8],
    /// Items not written yet.
    left: usize,
    /// Items in the current command.
    in_cmd: usize,
}

impl<'a> Chunks<'a> {
    fn new(name: &'a [u8], key: &'a [u8], total: usize) -> Chunks<'a> {
        Chunks { name, key, left: total, in_cmd: 0 }
    }

    fn done(self) {
        assert_eq!(self.left, 0, "fewer items than the collection's length");
    }
}

impl<W: Write> DataVisitor for CommandWriter<W> {
    fn select(&mut self, db: usize) {
        self.header(2);
        self.bulk(b"SELECT");
        self.bulk(db.to_string().as_bytes());
    }

    fn key(&mut self, key: &[u8], value: &Value, expire_at_ms: Option<u64>) {
        match value {
            Value::Str(s) => {
                self.header(3);
                self.bulk(b"SET");
                self.bulk(key);
                s.with_bytes(|b| self.bulk(b));
            }
            Value::List(l) => {
                let mut c = Chunks::new(b"RPUSH", key, l.len());
                for e in l.iter() {
                    self.item(&mut c, &[e]);
                }
                c.done();
            }
            Value::Set(set) => {
                let mut c = Chunks::new(b"SADD", key, set.len());
                set.for_each(|m| m.with_bytes(|b| self.item(&mut c, &[b])));
                c.done();
            }
            Value::Hash(h) => {
                let mut c = Chunks::new(b"HMSET", key, h.len());
                h.for_each(|f, v| self.item(&mut c, &[f, v]));
                c.done();
            }
            Value::ZSet(z) => {
                let mut c = Chunks::new(b"ZADD", key, z.len());
                for n in z.iter_from(0, false) {
                    self.item(&mut c, &[format_double_g17(n.score).as_bytes(), &n.member]);
                }
                c.done();
            }
        }
        if let Some(at_ms) = expire_at_ms {
            self.header(3);
            self.bulk(b"PEXPIREAT");
            self.bulk(key);
            self.bulk(at_ms.to_string().as_bytes());
        }
    }
}
