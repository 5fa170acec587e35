//! `ferrodis-server`: the production binary. See `ferrodis_net` for the layout.

use ferrodis_engine::{FERRODIS_VERSION, REDIS_COMPAT_VERSION};
use ferrodis_net::args::{self, Invocation};

// Allocator: mimalloc (feature `mimalloc`, on by default). ALLOCATOR-NOTE
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
         {exe} /etc/myredis.conf --loglevel verbose -\n\n\
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
        Ok(Invocation::Run(startup)) => ferrodis_net::server::run(startup, ALLOCATOR),
        Err(e) => {
            eprintln!("{e}");
            1
        }
    };
    std::process::exit(code);
}
