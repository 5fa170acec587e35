//! A real client library (the `redis` crate, synchronous API) against
//! `ferrodis-server`: what an application sees. `FERRODIS_TEST_TARGET=redis`
//! runs the same tests against a real Redis.

use ferrodis_tests::Server;
use redis::{Commands, Connection, RedisResult, Value};

fn connect(server: &Server) -> Connection {
    let client = redis::Client::open(format!("redis://127.0.0.1:{}/", server.port())).unwrap();
    client.get_connection().unwrap()
}

#[test]
fn set_get_del_exists() {
    let server = Server::start_target();
    let mut con = connect(&server);
    let () = con.set("greeting", "hello").unwrap();
    let got: String = con.get("greeting").unwrap();
    assert_eq!(got, "hello");
    let missing: Option<String> = con.get("nope").unwrap();
    assert_eq!(missing, None);
    let exists: bool = con.exists("greeting").unwrap();
    assert!(exists);
    let deleted: i64 = con.del(&["greeting", "nope"]).unwrap();
    assert_eq!(deleted, 1);
    let exists: bool = con.exists("greeting").unwrap();
    assert!(!exists);
}

#[test]
fn binary_values_and_integers() {
    let server = Server::start_target();
    let mut con = connect(&server);
    let value: Vec<u8> = (0..=255u8).collect();
    let () = con.set(b"bin\x00key", &value).unwrap();
    let got: Vec<u8> = con.get(b"bin\x00key").unwrap();
    assert_eq!(got, value);
    let n: i64 = con.incr("counter", 5).unwrap();
    assert_eq!(n, 5);
    let n: i64 = con.incr("counter", -7).unwrap();
    assert_eq!(n, -2);
}

#[test]
fn pipelines() {
    let server = Server::start_target();
    let mut con = connect(&server);
    let mut pipe = redis::pipe();
    for i in 0..100 {
        pipe.set(format!("k{i}"), i).ignore();
    }
    pipe.get("k0").get("k99").cmd("DBSIZE");
    let (first, last, size): (i64, i64, i64) = pipe.query(&mut con).unwrap();
    assert_eq!((first, last, size), (0, 99, 100));

    let keys: Vec<String> = (0..100).map(|i| format!("k{i}")).collect();
    let values: Vec<i64> = con.mget(&keys).unwrap();
    assert_eq!(values, (0..100).collect::<Vec<i64>>());
}

#[test]
fn expiry_through_the_client() {
    let server = Server::start_target();
    let mut con = connect(&server);
    let () = con.set_ex("short", "v", 100).unwrap();
    let ttl: i64 = con.ttl("short").unwrap();
    assert!((99..=100).contains(&ttl), "ttl {ttl}");
    let () = redis::cmd("SET").arg("ms").arg("v").arg("PX").arg(50).query(&mut con).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(120));
    let gone: Option<String> = con.get("ms").unwrap();
    assert_eq!(gone, None);
}

#[test]
fn errors_come_back_as_errors() {
    let server = Server::start_target();
    let mut con = connect(&server);
    let () = con.set("text", "abc").unwrap();
    let result: RedisResult<i64> = con.incr("text", 1);
    let err = result.unwrap_err();
    let message = err.to_string();
    assert!(message.contains("value is not an integer or out of range"), "{message}");
    let result: RedisResult<Value> = redis::cmd("NOSUCHCOMMAND").query(&mut con);
    assert!(result.is_err());
    // The connection is still usable afterwards.
    let pong: String = redis::cmd("PING").query(&mut con).unwrap();
    assert_eq!(pong, "PONG");
}

#[test]
fn select_a_database_in_the_url() {
    let server = Server::start_target();
    let mut db0 = connect(&server);
    let client = redis::Client::open(format!("redis://127.0.0.1:{}/3", server.port())).unwrap();
    let mut db3 = client.get_connection().unwrap();
    let () = db3.set("k", "in3").unwrap();
    let in0: Option<String> = db0.get("k").unwrap();
    assert_eq!(in0, None);
    let in3: String = db3.get("k").unwrap();
    assert_eq!(in3, "in3");
}
