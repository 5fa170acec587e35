//! `ferrodis-server`: the production binary. See `ferrodis_net` for the layout.

use ferrodis_engine::{FERRODIS_VERSION, REDIS_COMPAT_VERSION};
use ferrodis_net::args::{self, Invocation};

// Allocator: mimalloc (feature `mimalloc`, on by default; build with
// `--no-default-features` for the system allocator).
//
// Measured with release builds, `--io-threads 1`, on the shared 2-core
// machine: fill 300k random keys (`redis-benchmark -t set -n 300000
// -r 100000000 -d 8 -P 32`: 16-byte keys, 8-byte values) and compare VmRSS
// before and after, then `-t set,get -n 200000 -c 50`.
// - RSS per key: glibc malloc 137 bytes in every run; mimalloc 101-104 bytes
//   when freed memory is returned (always with MIMALLOC_PURGE_DELAY=0), 153
//   in some runs with its default delay, because it keeps the freed old
//   table of a hash-map resize mapped for a while. Redis 7.0.15 (jemalloc):
//   129.
// - Throughput: the same within the noise of the shared machine (38-50k
//   ops/s for both, non-pipelined, 50 clients).
// mimalloc wins on the per-key figure that matters (size-class rounding of
// small keys and values is tighter than glibc's 16-byte chunk header plus
// rounding), so it is the default. We keep its default purge delay: a delay
// of 0 would madvise on every freed page, and the read path frees and
// reallocates a 16 KB buffer each time a connection goes idle. mimalloc acts
// on that delay only when it is called again, which an idle server never
// does, so freed memory goes back through the engine's purge request
// instead (`ferrodis_net::purge`: MEMORY PURGE, and the tick once RSS
// exceeds the allocated bytes by 16 MB more than after the last purge).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: ferrodis_net::host::CountingAlloc<mimalloc::MiMalloc> =
    ferrodis_net::host::CountingAlloc(mimalloc::MiMalloc);

#[cfg(not(feature = "mimalloc"))]
#[global_allocator]
static GLOBAL: ferrodis_net::host::CountingAlloc<std::alloc::System> =
    ferrodis_net::host::CountingAlloc(std::alloc::System);

#[cfg(feature = "mimalloc")]
const ALLOCATOR: &str = "mimalloc";
#[cfg(not(feature = "mimalloc"))]
const ALLOCATOR: &str = "libc";

fn usage() -> String {
    let exe = "./ferrodis-server";
    format!(
        "Usage: {exe} [/path/to/redis.conf] [options] [-]\n       \
         {exe} - (read config from stdin)\n       \
         {exe} -v or --version\n       \
         {exe} -h or --help\n\n\
         Examples:\n       \
         {exe} (run the server with default conf)\n       \
         echo 'maxclients 100' | {exe} -\n       \
         {exe} /etc/redis/6379.conf\n       \
         {exe} --port 7777\n       \
         {exe} --port 7777 --io-threads 4\n       \
         {exe} /etc/myredis.conf --loglevel verbose -\n       \
         {exe} --check-aof [--fix] <AOF directory or manifest>\n\n\
         --port 0 binds a port the kernel picks; the start-up log line names it (port=N).\n"
    )
}

fn read_config_source(path: &str) -> std::io::Result<String> {
    if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
    }
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().is_some_and(|a| a == "--check-aof") {
        std::process::exit(ferrodis_net::check_aof::run(&argv[1..]));
    }
    let code = match args::parse_command_line(&argv, read_config_source) {
        Ok(Invocation::Version) => {
            println!(
                "ferrodis server v={FERRODIS_VERSION} redis_compat={REDIS_COMPAT_VERSION} malloc={ALLOCATOR} bits={}",
                usize::BITS
            );
            0
        }
        Ok(Invocation::Help) => {
            eprint!("{}", usage());
            1
        }
        Ok(Invocation::Run(startup)) => ferrodis_net::server::run(*startup, ALLOCATOR),
        Err(e) => {
            eprintln!("{e}");
            1
        }
    };
    std::process::exit(code);
}
