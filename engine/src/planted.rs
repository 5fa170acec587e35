//! Planted bugs: realistic mistakes (one wrong comparison, one skipped
//! step) that the simulator must catch, to show that it would catch their
//! real-life twins (`sim/tests/planted_bugs.rs` counts the seeds it takes).
//!
//! Selecting one needs the cargo feature `planted-bugs`, which only the
//! simulator's tests enable: without it [`Config`](crate::Config) has no
//! `planted_bug` field and [`Plant`] is a zero-sized type whose
//! [`Plant::is`] is a constant `false`, so every planted branch compiles
//! away. With the feature (`cargo test --workspace` unifies it into every
//! test build) nothing changes unless a run selects a bug: the default is
//! `None`.
//!
//! The selection travels as a value ([`Plant`], copied from the config into
//! the parser, the databases and their dicts at construction), never as a
//! global, so runs on different threads cannot see each other's bug and a
//! run stays a function of its seed.

/// The bugs that can be planted, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlantedBug {
    /// `resp/parser.rs`: a bulk header whose chunk ends between `\r` and
    /// `\n` is taken as ending at the `\r`, so the late `\n` becomes data.
    ParserCrlfSplit,
    /// `cmd/string/range.rs`: GETRANGE treats its inclusive end as exclusive
    /// (one byte short).
    GetrangeExclusiveEnd,
    /// `db/mod.rs`: a key counts as expired at `now == when` (`<=` for `<`).
    ExpiryBoundary,
    /// `db/dict.rs`: a rehash step that moved a bucket also skips the next one.
    RehashSkipsBucket,
    /// `conn.rs`: a request that does not fit in the full ring is dropped
    /// instead of kept for the next push (a lost write).
    RingFullDropsRequest,
    /// `exec/mod.rs`: a reply for a client with unpolled output replaces
    /// that output instead of appending to it (a lost reply).
    ReplyOverwritesPending,
    /// `conn_side.rs`: a reply is delivered to whatever connection holds its
    /// slot, without checking it is still the one the reply is for: a
    /// reply in flight when its connection closed reaches the connection
    /// that reused the slot. Only the split path has replies in flight.
    StaleReplyReachesReusedSlot,
    /// `exec/durability.rs`: the durability gate lets a reply go before the
    /// fsync that covers its write (`appendfsync always` acknowledges a
    /// write a crash can still undo).
    AofReplyBeforeFsync,
    /// `persistence` `perform.rs`: a rewrite's install makes the new
    /// manifest durable before the new base file is renamed into place
    /// (a crash between leaves a manifest naming a file that is not there).
    AofManifestBeforeBase,
    /// `persistence` `load.rs`: a torn tail is cut at the start of the last
    /// complete command instead of its end (the command was loaded, but the
    /// file no longer holds it: the next crash loses it).
    AofTornTailOneTooFar,
    /// `exec/blocking.rs`: a ready key's waiters are served newest first
    /// (Redis serves them in the order they blocked).
    BlockedServedNewestFirst,
}

impl PlantedBug {
    pub const ALL: [PlantedBug; 11] = [
        PlantedBug::ParserCrlfSplit,
        PlantedBug::GetrangeExclusiveEnd,
        PlantedBug::ExpiryBoundary,
        PlantedBug::RehashSkipsBucket,
        PlantedBug::RingFullDropsRequest,
        PlantedBug::ReplyOverwritesPending,
        PlantedBug::StaleReplyReachesReusedSlot,
        PlantedBug::AofReplyBeforeFsync,
        PlantedBug::AofManifestBeforeBase,
        PlantedBug::AofTornTailOneTooFar,
        PlantedBug::BlockedServedNewestFirst,
    ];
}

/// The planted bug a component was built with (none without the feature).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Plant(#[cfg(feature = "planted-bugs")] Option<PlantedBug>);

impl Plant {
    /// The bug `config` selects.
    #[inline]
    pub fn from_config(config: &crate::Config) -> Plant {
        #[cfg(feature = "planted-bugs")]
        {
            Plant(config.planted_bug)
        }
        #[cfg(not(feature = "planted-bugs"))]
        {
            let _ = config;
            Plant()
        }
    }

    /// Whether `bug` is planted. Always false without the feature.
    #[inline(always)]
    pub fn is(self, bug: PlantedBug) -> bool {
        #[cfg(feature = "planted-bugs")]
        {
            self.0 == Some(bug)
        }
        #[cfg(not(feature = "planted-bugs"))]
        {
            let _ = bug;
            false
        }
    }
}
