//! Switching the listening sockets when the engine asks (CONFIG SET port
//! or bind), for both drivers.

use ferrodis_engine::exec::{ListenFailure, ListenRequest};
use mio::net::TcpListener;
use mio::{Interest, Registry};

use crate::server::listener_token;

/// Replaces `listeners` with sockets bound as `req` asks, registered under
/// the listener tokens. As Redis's `changeListener`, the old sockets are
/// closed first (a new one may want the same address), and bound again if
/// the new ones fail, so a failed change leaves the server listening where
/// it was.
pub fn switch(
    registry: &Registry,
    listeners: &mut Vec<TcpListener>,
    req: &ListenRequest,
    backlog: u32,
) -> Result<(), ListenFailure> {
    let old: Vec<_> = listeners.iter().filter_map(|l| l.local_addr().ok()).collect();
    for l in listeners.iter_mut() {
        let _ = registry.deregister(l);
    }
    listeners.clear();
    let result = match crate::sock::bind_all(&req.bind, req.port, backlog) {
        Ok((new, port)) => {
            crate::log::notice(&format!("Listening on port {port} (bind {})", req.bind));
            *listeners = new;
            Ok(())
        }
        Err(e) => {
            crate::log::warning(&format!("Failed to listen as CONFIG SET asked ({}:{}): {e}", req.bind, req.port));
            for addr in old {
                match TcpListener::bind(addr) {
                    Ok(l) => listeners.push(l),
                    Err(e) => crate::log::warning(&format!("Could not listen on {addr} again: {e}")),
                }
            }
            Err(if req.bind_changed { ListenFailure::Bind } else { ListenFailure::Port })
        }
    };
    for (i, l) in listeners.iter_mut().enumerate() {
        if let Err(e) = registry.register(l, listener_token(i), Interest::READABLE) {
            crate::log::warning(&format!("Could not watch a listening socket: {e}"));
        }
    }
    result
}
