//! A real `redis-server` on a free loopback port, for the fleet tests (the test scripts
//! install it from Debian's packages when it is missing). No persistence: a restart comes
//! back empty, as a crashed cache would.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`, stopped when dropped.
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    password: Option<String>,
}

impl RedisServer {
    /// Starts one on a free port.
    pub fn start() -> Self {
        Self::started(None)
    }

    /// Starts one on a free port that requires `password` (`requirepass`).
    #[allow(dead_code, reason = "not every test binary including this file starts one")]
    pub fn start_with_password(password: &str) -> Self {
        Self::started(Some(password.to_owned()))
    }

    fn started(password: Option<String>) -> Self {
        // A free port may be taken again before the server binds it (tests start servers in
        // parallel): then the server exits, and another port is tried.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut server = Self { child: None, port, password: password.clone() };
            if server.listening() {
                return server;
            }
        }
        panic!("redis-server did not start on any of five free ports");
    }

    /// Its URL (with the password, if it requires one).
    pub fn url(&self) -> String {
        match &self.password {
            Some(password) => format!("redis://:{password}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// Kills it (as a crash would: no shutdown, nothing saved).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty.
    #[allow(dead_code, reason = "not every test binary including this file restarts one")]
    pub fn restart(&mut self) {
        assert!(self.listening(), "redis-server did not start again on port {}", self.port);
    }

    /// Starts it on its port; whether it listens there (`false`: it exited, the port taken).
    fn listening(&mut self) -> bool {
        self.kill();
        let port = self.port.to_string();
        let mut command = Command::new("redis-server");
        command.args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        if let Some(password) = &self.password {
            command.args(["--requirepass", password]);
        }
        let child =
            command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect(
                "redis-server is not installed: scripts/test-rust.sh installs it (apt-get install redis-server)",
            );
        let started = Instant::now();
        let child = self.child.insert(child);
        loop {
            if child.try_wait().ok().flatten().is_some() {
                self.child = None;
                return false;
            }
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                // Another test's server may answer on a port this one failed to bind: it
                // exits within milliseconds then, so it must still run a moment later.
                std::thread::sleep(Duration::from_millis(100));
                let alive = child.try_wait().ok().flatten().is_none();
                if !alive {
                    self.child = None;
                }
                return alive;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "redis-server did not start on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
