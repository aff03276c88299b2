//! `HTTPS_PROXY` is honoured: a send to an https endpoint goes to the proxy as a CONNECT
//! tunnel, and `NO_PROXY` exempts the endpoint from it. The endpoint's name is unresolvable
//! (`.invalid`), so only the proxy could have been reached.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// A proxy that refuses every tunnel and reports each request line it received.
fn refusing_proxy() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (seen, lines) = mpsc::channel();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut line = String::new();
            if BufReader::new(&stream).read_line(&mut line).is_ok() && seen.send(line.trim_end().to_owned()).is_err() {
                return;
            }
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (url, lines)
}

fn send_through(proxy: &str, no_proxy: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chatlane"))
        .args(["send", "--endpoint", "https://cams.example.invalid", "--access-key-id", "AK"])
        .args(["--access-key-secret", "SK", "--from", "8613800000000", "--to", "6591234567", "--text", "hi"])
        .env("HTTPS_PROXY", proxy)
        .env("NO_PROXY", no_proxy)
        .env_remove("ALL_PROXY")
        .env_remove("https_proxy")
        .env_remove("no_proxy")
        .output()
        .unwrap()
}

#[test]
fn an_https_endpoint_is_tunnelled_through_the_proxy_unless_no_proxy_names_it() {
    let (proxy, lines) = refusing_proxy();

    let tunnelled = send_through(&proxy, "");
    assert!(!tunnelled.status.success());
    let first = lines.recv_timeout(Duration::from_secs(5)).expect("the proxy was not asked");
    assert_eq!(first, "CONNECT cams.example.invalid:443 HTTP/1.1");

    while lines.recv_timeout(Duration::from_millis(200)).is_ok() {}
    let direct = send_through(&proxy, ".example.invalid");
    assert!(!direct.status.success());
    assert!(lines.recv_timeout(Duration::from_millis(200)).is_err(), "NO_PROXY was ignored");
}
