//! What the process knows about itself, fed to the engine for INFO: memory
//! (the allocator's live bytes and the RSS), CPU time, pid, paths. Sampled
//! once per timed tick, never per command.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicU64, Ordering};

use ferrodis_engine::cmd::info::HostStats;

/// Bytes currently allocated through [`CountingAlloc`] (Redis's
/// `used_memory`, which zmalloc counts the same way).
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

/// Wraps the global allocator to count live bytes. One relaxed atomic add
/// per allocation and free, as Redis's zmalloc does for `used_memory`.
pub struct CountingAlloc<A>(pub A);

// SAFETY: every method forwards to the wrapped allocator with the caller's
// arguments unchanged and only adds bookkeeping on the side.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.0.dealloc(ptr, layout) };
        ALLOCATED_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            ALLOCATED_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
            ALLOCATED_BYTES.fetch_sub(layout.size() as u64, Ordering::Relaxed);
        }
        p
    }
}

/// Live bytes counted by [`CountingAlloc`] (0 if it is not the global allocator).
pub fn allocated_bytes() -> u64 {
    ALLOCATED_BYTES.load(Ordering::Relaxed)
}

/// The fixed facts, gathered once at startup; [`HostProbe::sample`] adds the
/// moving ones.
#[derive(Debug, Clone)]
pub struct HostProbe {
    base: HostStats,
}

impl HostProbe {
    pub fn new(allocator: &str, config_file: Option<&str>, io_threads_active: bool) -> HostProbe {
        let abs = |p: &str| std::fs::canonicalize(p).map(|p| p.display().to_string()).unwrap_or_default();
        let uname = nix::sys::utsname::uname().ok();
        let os = uname
            .map(|u| {
                format!(
                    "{} {} {}",
                    u.sysname().to_string_lossy(),
                    u.release().to_string_lossy(),
                    u.machine().to_string_lossy()
                )
            })
            .unwrap_or_default();
        let base = HostStats {
            used_memory_startup_bytes: allocated_bytes(),
            used_memory_now: Some(allocated_bytes),
            total_system_memory_bytes: total_system_memory_bytes(),
            mem_allocator: allocator.to_string(),
            process_id: std::process::id() as u64,
            executable: std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default(),
            config_file: config_file.map(abs).unwrap_or_default(),
            os,
            arch_bits: usize::BITS,
            multiplexing_api: "epoll".into(),
            io_threads_active,
            ..HostStats::default()
        };
        HostProbe { base }
    }

    /// The current figures.
    pub fn sample(&self) -> HostStats {
        let used = allocated_bytes();
        let rss = rss_bytes();
        let (user_us, sys_us) = cpu_us(nix::sys::resource::UsageWho::RUSAGE_SELF);
        let (child_user_us, child_sys_us) = cpu_us(nix::sys::resource::UsageWho::RUSAGE_CHILDREN);
        let (main_user_us, main_sys_us) = cpu_us(nix::sys::resource::UsageWho::RUSAGE_THREAD);
        let (net_in, net_out) = crate::sock::net_bytes();
        HostStats {
            used_memory_bytes: used,
            used_memory_rss_bytes: rss,
            used_memory_peak_bytes: used,
            allocator_allocated_bytes: used,
            allocator_active_bytes: used,
            allocator_resident_bytes: rss,
            used_cpu_user_us: user_us,
            used_cpu_sys_us: sys_us,
            used_cpu_user_children_us: child_user_us,
            used_cpu_sys_children_us: child_sys_us,
            used_cpu_user_main_thread_us: main_user_us,
            used_cpu_sys_main_thread_us: main_sys_us,
            total_net_input_bytes: net_in,
            total_net_output_bytes: net_out,
            ..self.base.clone()
        }
    }
}

/// Resident set size from `/proc/self/statm` (0 where it is unavailable).
pub fn rss_bytes() -> u64 {
    let Ok(statm) = std::fs::read_to_string("/proc/self/statm") else { return 0 };
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let page_bytes = nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE).ok().flatten().unwrap_or(4096) as u64;
    pages * page_bytes
}

fn total_system_memory_bytes() -> u64 {
    let Ok(meminfo) = std::fs::read_to_string("/proc/meminfo") else { return 0 };
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn cpu_us(who: nix::sys::resource::UsageWho) -> (u64, u64) {
    match nix::sys::resource::getrusage(who) {
        Ok(u) => {
            let us = |t: nix::sys::time::TimeVal| t.tv_sec() as u64 * 1_000_000 + t.tv_usec() as u64;
            (us(u.user_time()), us(u.system_time()))
        }
        Err(_) => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_reads_this_process() {
        let probe = HostProbe::new("libc", None, false);
        let s = probe.sample();
        assert!(s.used_memory_rss_bytes > 0, "RSS is read from /proc");
        assert_eq!(s.process_id, std::process::id() as u64);
        assert!(s.total_system_memory_bytes > 0);
        assert!(s.os.starts_with("Linux"));
    }
}
