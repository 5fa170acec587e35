//! LPOS: the index of matching elements, with Redis 7.0's RANK, COUNT and
//! MAXLEN options.

use bytes::Bytes;

use super::read_list;
use crate::cmd::{parse_i64, CmdError, CmdResult};
use crate::ctx::Ctx;

const RANK_ZERO: &str = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use \
                         negative to start from the end of the list";

/// `getPositiveLongFromObjectOrReply` with LPOS's own message, which
/// Redis also sends for a value that is not an integer.
fn non_negative(arg: &[u8], msg: &'static str) -> Result<i64, CmdError> {
    match parse_i64(arg) {
        Ok(n) if n >= 0 => Ok(n),
        _ => Err(CmdError::msg(msg)),
    }
}

/// # Format
/// ```text
/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
/// ```
///
/// Options are parsed (and refused) before the key is looked up. A
/// negative RANK searches from the tail. Redis negates RANK in C, so
/// `i64::MIN` stays negative and matches from the first hit on; the
/// arithmetic below wraps the same way.
pub fn lpos(ctx: &mut Ctx<'_>, args: &[Bytes]) -> CmdResult {
    let mut rank: i64 = 1;
    let mut count: i64 = -1; // -1: no COUNT option.
    let mut maxlen: i64 = 0;
    let mut j = 3;
    while j < args.len() {
        let opt = &args[j][..];
        let more = j + 1 < args.len();
        if opt.eq_ignore_ascii_case(b"rank") && more {
            j += 1;
            rank = parse_i64(&args[j])?;
            if rank == 0 {
                return Err(CmdError::msg(RANK_ZERO));
            }
        } else if opt.eq_ignore_ascii_case(b"count") && more {
            j += 1;
            count = non_negative(&args[j], "ERR COUNT can't be negative")?;
        } else if opt.eq_ignore_ascii_case(b"maxlen") && more {
            j += 1;
            maxlen = non_negative(&args[j], "ERR MAXLEN can't be negative")?;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let from_tail = rank < 0;
    if from_tail {
        rank = rank.wrapping_neg();
    }
    let reply = &mut *ctx.reply;
    let Some(list) = read_list(ctx.srv, ctx.db_index, &args[1])? else {
        if count != -1 {
            reply.array(0);
        } else {
            reply.null();
        }
        return Ok(());
    };
    let element = &args[2][..];
    let len = list.len();
    let mut found: Vec<i64> = Vec::new();
    let mut matches: i64 = 0;
    let scan: Box<dyn Iterator<Item = (usize, &[u8])>> =
        if from_tail { Box::new(list.iter().rev().enumerate()) } else { Box::new(list.iter().enumerate()) };
    for (index, e) in scan {
        if maxlen != 0 && index as i64 >= maxlen {
            break;
        }
        if e != element {
            continue;
        }
        matches += 1;
        if matches >= rank {
            found.push(if from_tail { (len - index - 1) as i64 } else { index as i64 });
            if count == -1 || (count != 0 && matches.wrapping_sub(rank).wrapping_add(1) >= count) {
                break;
            }
        }
    }
    if count != -1 {
        reply.array(found.len());
        found.iter().for_each(|&i| reply.int(i));
    } else {
        match found.first() {
            Some(&i) => reply.int(i),
            None => reply.null(),
        }
    }
    Ok(())
}
