//! `ftpx serve` run as a user runs it (the binary, on loopback), with ftpx's own client and a raw
//! TCP client for what no well-behaved client sends; and `ftpx demo`.
//!
//! Every server here serves a fresh temporary tree: `root/` is served, `outside.txt` and
//! `outside/` sit beside it, so an escape would find something real.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use ftpx::ftp::Reply;
use ftpx::ftp::echo::{Connect, Echo};
use tempfile::TempDir;

use crate::support::{Output, ftpx, random_bytes, write_random};

const MODES: [&str; 4] = ["epsv", "pasv", "eprt", "port"];

/// A running `ftpx serve` over a fresh tree; killed on drop. (The probe's cases use it too.)
pub(super) struct Served {
    child: Child,
    /// FTP and explicit FTPS.
    addr: String,
    /// Implicit FTPS, on a listener of its own.
    implicit: String,
    stdout: String,
    dir: TempDir,
}

impl Served {
    pub(super) fn start(args: &[&str]) -> Served {
        Served::start_env(args, &[])
    }

    fn start_env(args: &[&str], env: &[(&str, &str)]) -> Served {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("pub")).unwrap();
        std::fs::create_dir_all(dir.path().join("outside")).unwrap();
        std::fs::write(dir.path().join("outside.txt"), "secret").unwrap();
        std::fs::write(root.join("pub/hello.txt"), "hello\n").unwrap();
        write_random(root.join("pub/big.bin"), 700_000, 7);
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), root.join("link-out")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("dir-out")).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ftpx"));
        cmd.arg("serve").arg(&root).args(args);
        cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).env("NO_COLOR", "1");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(std::fs::File::create(dir.path().join("serve.log")).unwrap()));
        let mut child = cmd.spawn().expect("start ftpx serve");
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut text = String::new();
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                text.push_str(&line);
                text.push('\n');
                if line.contains("Ctrl-C") {
                    let _ = tx.send(text.clone());
                }
            }
        });
        let stdout = match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(s) => s,
            Err(_) => {
                let _ = child.kill();
                let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
                panic!("ftpx serve did not start:\n{log}");
            }
        };
        let addr = stdout
            .split("listening on ")
            .nth(1)
            .and_then(|s| s.split(": ").next())
            .expect("the listening address is printed")
            .to_owned();
        let implicit = stdout
            .split("implicit FTPS (ftps://, TLS from the first byte) on ")
            .nth(1)
            .and_then(|s| s.lines().next())
            .expect("the implicit FTPS address is printed")
            .to_owned();
        Served { child, addr, implicit, stdout, dir }
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("ftp://{}/{path}", self.addr)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("serve.log")).unwrap_or_default()
    }

    fn raw(&self) -> Raw {
        Raw::connect(&self.addr)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A control connection driven byte by byte.
struct Raw {
    tcp: TcpStream,
    buf: Vec<u8>,
}

impl Raw {
    fn connect(addr: &str) -> Raw {
        let tcp = TcpStream::connect(addr).expect("connect");
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut raw = Raw { tcp, buf: Vec::new() };
        let greeting = raw.reply();
        assert!(greeting.starts_with("220") || greeting.starts_with("421"), "{greeting}");
        raw
    }

    fn login(addr: &str) -> Raw {
        let mut raw = Raw::connect(addr);
        assert!(raw.send("USER anonymous").starts_with("331"));
        assert!(raw.send("PASS x@").starts_with("230"));
        raw
    }

    /// The next whole reply, lines joined with `\n`; empty when the server closed.
    fn reply(&mut self) -> String {
        let mut lines: Vec<String> = Vec::new();
        loop {
            while let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                let line = String::from_utf8_lossy(&line).trim_end().to_owned();
                let done = match lines.first() {
                    None => line.len() >= 4 && line.as_bytes()[3] == b' ',
                    Some(first) => line.len() >= 4 && line[..3] == first[..3] && line.as_bytes()[3] == b' ',
                };
                lines.push(line);
                if done {
                    return lines.join("\n");
                }
            }
            let mut chunk = [0u8; 4096];
            match self.tcp.read(&mut chunk) {
                Ok(0) | Err(_) => return lines.join("\n"),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    fn send_bytes(&mut self, bytes: &[u8]) -> String {
        self.tcp.write_all(bytes).expect("send");
        self.reply()
    }

    fn send(&mut self, line: &str) -> String {
        self.send_bytes(format!("{line}\r\n").as_bytes())
    }

    fn echo(&mut self) -> Echo {
        let text = self.send("SITE FTPX-ECHO");
        let reply = Reply { code: 200, lines: text.lines().map(|l| l.as_bytes().to_vec()).collect() };
        Echo::parse(&reply).unwrap_or_else(|e| panic!("{e}: {text}"))
    }
}

fn run_ok(out: &Output) {
    assert_eq!(out.code, Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout_str(), out.stderr);
}

/// The client flags for one of the three ways to speak to the server.
fn security(how: &str) -> (&'static [&'static str], &'static str) {
    match how {
        "plain" => (&[], "ftp"),
        "explicit" => (&["--tls", "--insecure"], "ftp"),
        _ => (&["--insecure"], "ftps"),
    }
}

#[test]
fn serve_get_and_put_in_every_mode_plain_and_tls_byte_exact() {
    let served = Served::start(&["--write"]);
    let want = std::fs::read(served.root().join("pub/big.bin")).unwrap();
    let upload = random_bytes(300_001, 9);
    let scratch = tempfile::tempdir().unwrap();
    let mut failed = Vec::new();
    for how in ["plain", "explicit", "implicit"] {
        let (flags, scheme) = security(how);
        let addr = if how == "implicit" { &served.implicit } else { &served.addr };
        let base = format!("{scheme}://{addr}/");
        for mode in MODES {
            let run = ftpx().args(flags).args(["-q", "--mode", mode]);
            let local = scratch.path().join(format!("got-{how}-{mode}.bin"));
            let out = run.arg("get").arg(format!("{base}pub/big.bin")).arg("-o").arg(&local).run();
            let got = std::fs::read(&local).unwrap_or_default();
            if out.code != Some(0) || got != want {
                failed.push(format!("get {how} {mode}: {:?} {}", out.code, out.stderr));
            }
            let run = ftpx().args(flags).args(["-q", "--mode", mode]);
            let src = scratch.path().join("up.bin");
            std::fs::write(&src, &upload).unwrap();
            let name = format!("up-{how}-{mode}.bin");
            let out = run.arg("put").arg(&src).arg(format!("{base}{name}")).run();
            let stored = std::fs::read(served.root().join(&name)).unwrap_or_default();
            if out.code != Some(0) || stored != upload {
                failed.push(format!("put {how} {mode}: {:?} {}", out.code, out.stderr));
            }
        }
    }
    assert!(failed.is_empty(), "{failed:#?}\nserver log:\n{}", served.log());
    // Under TLS every data connection resumed the control connection's session: none refused.
    assert!(!served.log().contains("did not resume"), "{}", served.log());
}

#[test]
fn serve_lists_and_changes_the_tree() {
    let served = Served::start(&["--write"]);
    let out = ftpx().args(["ls", "-1"]).arg(served.url("pub/")).run();
    run_ok(&out);
    assert_eq!(out.stdout_str(), "big.bin\nhello.txt\n");
    let out = ftpx().args(["ls", "--json"]).arg(served.url("")).run();
    run_ok(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json.as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    // The links that lead out of the root are not listed.
    assert_eq!(names, ["pub"]);
    let out = ftpx().args(["ls"]).arg(served.url("pub/")).run();
    run_ok(&out);
    assert!(out.stdout_str().contains(" 700000 ") && out.stdout_str().contains("hello.txt"), "{}", out.stdout_str());

    run_ok(&ftpx().args(["mkdir", "-p"]).arg(served.url("a/b/")).run());
    assert!(served.root().join("a/b").is_dir());
    run_ok(&ftpx().arg("mv").arg(served.url("pub/hello.txt")).arg("/a/b/renamed.txt").run());
    assert_eq!(std::fs::read_to_string(served.root().join("a/b/renamed.txt")).unwrap(), "hello\n");
    assert!(!served.root().join("pub/hello.txt").exists());
    run_ok(&ftpx().arg("rm").arg(served.url("a/b/renamed.txt")).run());
    run_ok(&ftpx().arg("rmdir").arg(served.url("a/b")).run());
    assert!(!served.root().join("a/b").exists());
}

#[test]
fn serve_is_read_only_unless_told() {
    let served = Served::start(&[]);
    let run = ftpx();
    let scratch = tempfile::tempdir().unwrap();
    let src = scratch.path().join("x.txt");
    std::fs::write(&src, "x").unwrap();
    let out = run.arg("put").arg(&src).arg(served.url("x.txt")).run();
    out.assert_code(5);
    assert!(out.stderr.contains("read-only"), "{}", out.stderr);
    assert!(!served.root().join("x.txt").exists());
    for args in [vec!["rm", "pub/hello.txt"], vec!["mkdir", "new"], vec!["rmdir", "pub"]] {
        let out = ftpx().arg(args[0]).arg(served.url(args[1])).run();
        out.assert_code(5);
        assert!(out.stderr.contains("read-only"), "{args:?}: {}", out.stderr);
    }
    let out = ftpx().arg("mv").arg(served.url("pub/hello.txt")).arg("/moved.txt").run();
    out.assert_code(5);
    assert!(served.root().join("pub/hello.txt").exists());
    // Reading works.
    run_ok(&ftpx().args(["get", "-o", "-"]).arg(served.url("pub/hello.txt")).run());
}

#[test]
fn serve_keeps_every_path_inside_the_root() {
    let served = Served::start(&["--write"]);
    let outside = served.dir.path().join("outside.txt");
    let mut raw = served.raw_login();
    for path in ["../outside.txt", "/../outside.txt", "pub/../../outside.txt", "link-out", "dir-out/x"] {
        let reply = raw.send(&format!("SIZE {path}"));
        assert!(reply.starts_with("550"), "SIZE {path}: {reply}");
    }
    let abs = outside.display().to_string();
    assert!(raw.send(&format!("SIZE {abs}")).starts_with("550"));
    assert!(raw.send("RETR link-out").starts_with("550"));
    assert!(raw.send("CWD dir-out").starts_with("550"));
    assert!(raw.send("CWD ../..").starts_with("250"));
    assert_eq!(raw.send("PWD"), "257 \"/\" is the current directory");
    // Writing through a link that leads out, or into a directory that does.
    assert!(raw.send("STOR link-out").starts_with("550"));
    assert!(raw.send("STOR dir-out/new.txt").starts_with("550"));
    assert!(raw.send("MKD dir-out/new").starts_with("550"));
    assert!(raw.send("DELE ../outside.txt").starts_with("550"));
    assert!(raw.send("RNFR ../outside.txt").starts_with("550"));
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "secret");
    assert_eq!(std::fs::read_dir(served.dir.path().join("outside")).unwrap().count(), 0);
    // The client's download of a link out fails and writes nothing.
    let run = ftpx();
    let scratch = tempfile::tempdir().unwrap();
    let dest = scratch.path().join("got");
    let out = run.args(["get", "-o"]).arg(&dest).arg(served.url("link-out")).run();
    out.assert_code(5);
    assert!(out.stderr.contains("outside the served directory"), "{}", out.stderr);
    assert!(!dest.exists());
}

impl Served {
    fn raw_login(&self) -> Raw {
        Raw::login(&self.addr)
    }
}

#[test]
fn serve_refuses_port_and_eprt_to_another_address() {
    let served = Served::start(&[]);
    let mut raw = served.raw_login();
    let reply = raw.send("PORT 127,0,0,2,195,80");
    assert!(reply.starts_with("500") && reply.contains("RFC 2577"), "{reply}");
    let echo = raw.echo();
    let active = echo.active.expect("the PORT is reported");
    assert_eq!(active.argument, b"127,0,0,2,195,80");
    assert_eq!(active.target, Some("127.0.0.2:50000".parse().unwrap()));
    assert!(matches!(active.connect, Connect::Refused(_)), "{:?}", active.connect);
    let reply = raw.send("EPRT |1|127.0.0.2|50000|");
    assert!(reply.starts_with("500"), "{reply}");
    // A privileged port on the client's own address is refused too.
    assert!(raw.send("PORT 127,0,0,1,0,25").starts_with("500"));
    // Nothing was planned: a transfer now has no data connection.
    assert!(raw.send("LIST").starts_with("425"));
    assert!(served.log().contains("no FTP bounce"), "{}", served.log());
}

#[test]
fn serve_echo_reports_what_it_saw() {
    let served = Served::start(&[]);
    let mut raw = served.raw_login();
    let local = raw.tcp.local_addr().unwrap();
    // An active transfer to a port where this test listens.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let arg = format!("|1|127.0.0.1|{port}|");
    assert!(raw.send(&format!("EPRT {arg}")).starts_with("200"));
    raw.tcp.write_all(b"NLST pub\r\n").unwrap();
    let (mut data, _) = listener.accept().unwrap();
    let mut names = String::new();
    data.read_to_string(&mut names).unwrap();
    assert_eq!(names, "big.bin\r\nhello.txt\r\n");
    assert!(raw.reply().starts_with("150"));
    assert!(raw.reply().starts_with("226"));
    // A passive one.
    let reply = raw.send("EPSV");
    let port: u16 = reply.split("|||").nth(1).unwrap().trim_end_matches(|c: char| !c.is_ascii_digit()).parse().unwrap();
    let mut data = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let from = data.local_addr().unwrap();
    assert!(raw.send("NLST").starts_with("150"));
    let mut names = String::new();
    data.read_to_string(&mut names).unwrap();
    assert_eq!(names, "pub\r\n");
    assert!(raw.reply().starts_with("226"));
    let echo = raw.echo();
    assert_eq!(echo.control_peer, local);
    let active = echo.active.unwrap();
    assert_eq!((active.argument, active.connect), (arg.into_bytes(), Connect::Ok));
    assert_eq!(echo.passive.len(), 1);
    assert_eq!(echo.passive[0].from, from);
    let feat = raw.send("FEAT");
    assert!(feat.lines().any(|l| l.trim() == "SITE FTPX-ECHO"), "{feat}");
}

#[test]
fn serve_survives_hostile_lines() {
    let served = Served::start(&[]);
    let mut raw = served.raw_login();
    assert!(raw.send_bytes(b"SIZE pub/hello.txt\rDELE x\r\n").starts_with("501"));
    assert!(raw.send_bytes(b"SIZE pub/hello\0.txt\r\n").starts_with("501"));
    assert!(raw.send_bytes(b"\xff\xfe\r\n").starts_with("500"));
    // The session goes on after each.
    assert_eq!(raw.send("SIZE pub/hello.txt"), "213 6");
    // Commands before AUTH TLS's handshake and after login are refused as expected.
    assert!(raw.send("PROT P").starts_with("503"));
    // A line longer than the cap ends that session, not the server.
    let mut long = Raw::login(&served.addr);
    let reply = long.send_bytes(&vec![b'A'; 10_000]);
    assert!(reply.starts_with("500"), "{reply}");
    assert_eq!(long.reply(), "", "the session is closed");
    assert_eq!(raw.send("NOOP"), "200 OK");
    // Before login, nothing but login works.
    let mut anon = served.raw();
    assert!(anon.send("RETR pub/hello.txt").starts_with("530"));
    assert!(anon.send("SITE FTPX-ECHO").starts_with("530"));
}

#[test]
fn serve_caps_sessions_and_recovers() {
    let served = Served::start(&[]);
    let held: Vec<Raw> = (0..32).map(|_| served.raw()).collect();
    let mut over = TcpStream::connect(&served.addr).unwrap();
    over.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut text = String::new();
    let _ = over.read_to_string(&mut text);
    assert!(text.starts_with("421") && text.contains("Too many sessions"), "{text}");
    drop(held);
    // Freed slots are taken again.
    let mut ok = false;
    for _ in 0..50 {
        let mut raw = served.raw();
        if raw.send("NOOP") == "200 OK" {
            ok = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(ok, "no session after the others closed");
}

#[test]
fn serve_login_with_a_password() {
    let served = Served::start_env(&["--login", "bob"], &[("FTPX_SERVE_PASSWORD", "pw-42")]);
    assert!(!served.stdout.contains("pw-42"), "{}", served.stdout);
    ftpx().args(["ls"]).arg(served.url("")).run().assert_code(4);
    ftpx().args(["-u", "bob:wrong", "ls"]).arg(served.url("")).run().assert_code(4);
    run_ok(&ftpx().args(["-u", "bob:pw-42", "ls"]).arg(served.url("")).run());

    let served = Served::start(&["--login", "carol"]);
    let password = served
        .stdout
        .split("with password ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("a generated password is printed");
    assert_eq!(served.stdout.matches(password).count(), 1, "printed once: {}", served.stdout);
    run_ok(&ftpx().args(["-u", &format!("carol:{password}"), "ls"]).arg(served.url("")).run());
    assert!(!served.log().contains(password), "the log never shows it");
}

#[test]
fn serve_resume_and_hash() {
    let served = Served::start(&["--write"]);
    let want = std::fs::read(served.root().join("pub/big.bin")).unwrap();
    let run = ftpx();
    let scratch = tempfile::tempdir().unwrap();
    let dest = scratch.path().join("big.bin");
    std::fs::write(scratch.path().join("big.bin.part"), &want[..123_456]).unwrap();
    let out = run.args(["-q", "get", "-c", "-o"]).arg(&dest).arg(served.url("pub/big.bin")).run();
    run_ok(&out);
    assert_eq!(std::fs::read(&dest).unwrap(), want);
    let mut raw = served.raw_login();
    let reply = raw.send("HASH pub/hello.txt");
    // sha256("hello\n")
    assert_eq!(reply, "213 SHA-256 0-6 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03 pub/hello.txt");
    assert!(raw.send("HASH pub").starts_with("550"));
    let mdtm = raw.send("MDTM pub/hello.txt");
    assert!(mdtm.starts_with("213 ") && mdtm.len() == 18, "{mdtm}");
    let mlst = raw.send("MLST pub/hello.txt");
    assert!(mlst.contains("type=file;size=6;") && mlst.ends_with("250 End"), "{mlst}");
}

#[test]
fn serve_warns_when_listening_beyond_loopback() {
    // A documentation address no interface has: the warning comes before the bind fails, and
    // nothing listens beyond loopback during the test.
    let out = ftpx().args(["serve", "--listen", "192.0.2.1:2121"]).run();
    out.assert_code(1);
    assert!(
        out.stderr.contains("warning: listening on 192.0.2.1:2121, which other machines can reach"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("cannot listen on 192.0.2.1:2121"), "{}", out.stderr);
    let out = ftpx().args(["serve", "--implicit-listen", "192.0.2.1:990"]).run();
    out.assert_code(1);
    assert!(out.stderr.contains("warning: listening on 192.0.2.1:990, which other machines"), "{}", out.stderr);
    assert!(out.stderr.contains("cannot listen on 192.0.2.1:990 (implicit FTPS)"), "{}", out.stderr);
}

#[test]
fn serve_greets_a_plain_client_at_once() {
    // Implicit FTPS has its own listener, so the plain one waits for nothing before its 220
    // (a shared port had to wait 150 ms on every connection to see whether TLS came first).
    let served = Served::start(&[]);
    let fastest = (0..5)
        .map(|_| {
            let started = std::time::Instant::now();
            let raw = served.raw();
            let took = started.elapsed();
            drop(raw);
            took
        })
        .min()
        .unwrap();
    assert!(fastest < Duration::from_millis(100), "the greeting took {fastest:?}");
}

#[test]
fn serve_implicit_ftps_has_its_own_port_and_a_tls_client_on_the_plain_one_is_told_at_once() {
    let served = Served::start(&["--implicit-listen", "127.0.0.2"]);
    assert!(served.implicit.starts_with("127.0.0.2:"), "{}", served.stdout);
    run_ok(&ftpx().args(["--insecure", "ls", "-1"]).arg(format!("ftps://{}/pub/", served.implicit)).run());
    // A TLS client on the plain port reads the plain greeting as a broken TLS record: it fails
    // at once (no wait for a timeout), and the server's log says why.
    let out = ftpx().args(["--insecure", "ls"]).arg(format!("ftps://{}/", served.addr)).run();
    out.assert_code(7);
    assert!(out.elapsed < Duration::from_secs(5), "{:?}", out.elapsed);
    let mut log = String::new();
    for _ in 0..50 {
        log = served.log();
        if log.contains("TLS handshake on the plain FTP port") {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(log.contains("closed: a TLS handshake on the plain FTP port"), "{log}");
}

/// A CA and a server certificate it signed for 127.0.0.1, as PEM files in `dir`; the CA's PEM.
fn certificate_files(dir: &std::path::Path) -> (PathBuf, PathBuf, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = leaf.signed_by(&key, &Issuer::new(ca, ca_key)).unwrap();
    let (cert_file, key_file) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    (cert_file, key_file, ca_cert.pem())
}

fn tls_client(ca_pem: &str) -> std::sync::Arc<rustls::ClientConfig> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap()).unwrap();
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    std::sync::Arc::new(config)
}

#[test]
fn serve_tls_data_must_resume_the_control_session() {
    use rustls::pki_types::ServerName;
    let certs = tempfile::tempdir().unwrap();
    let (cert, key, ca) = certificate_files(certs.path());
    let served = Served::start(&["--cert", cert.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    assert!(served.stdout.contains("TLS certificate (from --cert)"), "{}", served.stdout);
    // ftpx trusts the given certificate through its CA: no --insecure needed.
    let ca_file = certs.path().join("ca.pem");
    std::fs::write(&ca_file, &ca).unwrap();
    let out = ftpx()
        .args(["--tls", "--cacert"])
        .arg(&ca_file)
        .args(["get", "-o", "-"])
        .arg(served.url("pub/hello.txt"))
        .run();
    run_ok(&out);
    assert_eq!(out.stdout, b"hello\n");

    let name = ServerName::try_from("127.0.0.1").unwrap();
    let control_config = tls_client(&ca);
    let mut raw = served.raw();
    assert!(raw.send("AUTH TLS").starts_with("234"));
    let conn = rustls::ClientConnection::new(control_config.clone(), name.clone()).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, raw.tcp.try_clone().unwrap());
    let send = |tls: &mut rustls::StreamOwned<rustls::ClientConnection, TcpStream>, line: &str| {
        tls.write_all(format!("{line}\r\n").as_bytes()).unwrap();
        let mut text = Vec::new();
        let mut byte = [0u8; 1];
        while !text.ends_with(b"\r\n") || text.get(3) == Some(&b'-') && !last_line_ends(&text) {
            tls.read_exact(&mut byte).unwrap();
            text.push(byte[0]);
        }
        String::from_utf8_lossy(&text).trim_end().to_owned()
    };
    for (line, want) in [("USER anonymous", "331"), ("PASS x@", "230"), ("PBSZ 0", "200"), ("PROT P", "200")] {
        let reply = send(&mut tls, line);
        assert!(reply.starts_with(want), "{line}: {reply}");
    }
    // A data connection from a client with no session to resume: refused after 150.
    for (config, want) in [(tls_client(&ca), "522"), (control_config, "226")] {
        let reply = send(&mut tls, "EPSV");
        let port: u16 =
            reply.split("|||").nth(1).unwrap().trim_end_matches(|c: char| !c.is_ascii_digit()).parse().unwrap();
        let data = TcpStream::connect(("127.0.0.1", port)).unwrap();
        data.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        assert!(send(&mut tls, "RETR pub/hello.txt").starts_with("150"));
        let conn = rustls::ClientConnection::new(config, name.clone()).unwrap();
        let mut data = rustls::StreamOwned::new(conn, data);
        let mut got = Vec::new();
        let _ = data.read_to_end(&mut got);
        let mut text = Vec::new();
        let mut byte = [0u8; 1];
        while !text.ends_with(b"\r\n") {
            tls.read_exact(&mut byte).unwrap();
            text.push(byte[0]);
        }
        let done = String::from_utf8_lossy(&text).into_owned();
        assert!(done.starts_with(want), "{done}");
        assert_eq!(got, if want == "226" { &b"hello\n"[..] } else { b"" });
    }
}

/// Whether a multi-line reply's last line (`NNN text`) has arrived.
fn last_line_ends(text: &[u8]) -> bool {
    let code = &text[..3];
    text.split(|&b| b == b'\n').any(|l| l.len() > 3 && &l[..3] == code && l[3] == b' ')
}

#[test]
fn demo_runs_end_to_end() {
    let out = ftpx().arg("demo").timeout(Duration::from_secs(30)).run();
    run_ok(&out);
    let text = out.stdout_str();
    for want in ["Verdict: Use passive mode", "the same bytes as served", "the same bytes as sent", "SITE FTPX-ECHO"] {
        assert!(text.contains(want), "no {want:?} in:\n{text}");
    }
    assert!(out.stderr.contains("---> RETR /pub/readme.txt"), "{}", out.stderr);
    // The transcript is explained: the passive reply's port decoded under it.
    assert!(out.stderr.contains("    ^ ") && out.stderr.contains("opens the data connection"), "{}", out.stderr);
    assert!(out.elapsed < Duration::from_secs(10), "{:?}", out.elapsed);
}

#[test]
fn serve_abor_stops_a_transfer_and_the_session_goes_on() {
    let served = Served::start(&[]);
    // Larger than loopback's socket buffers, so the transfer is still running when ABOR comes.
    write_random(served.root().join("huge.bin"), 64 << 20, 3);
    let mut raw = served.raw_login();
    let reply = raw.send("EPSV");
    let port: u16 = reply.split("|||").nth(1).unwrap().trim_end_matches(|c: char| !c.is_ascii_digit()).parse().unwrap();
    let data = TcpStream::connect(("127.0.0.1", port)).unwrap();
    assert!(raw.send("RETR huge.bin").starts_with("150"));
    // Telnet IP and Synch before ABOR, as RFC 959 §4.1.3 has clients send them.
    let aborted = raw.send_bytes(b"\xff\xf4\xff\xf2ABOR\r\n");
    assert!(aborted.starts_with("426"), "{aborted}");
    assert!(raw.reply().starts_with("226"));
    drop(data);
    assert_eq!(raw.send("SIZE huge.bin"), format!("213 {}", 64 << 20));
}

#[test]
fn serve_eprt_with_an_unspecified_address_connects_to_the_client() {
    // lftp sends `EPRT |2|::|port|` from a socket bound to any address.
    let served = Served::start(&[]);
    let mut raw = served.raw_login();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    assert!(raw.send(&format!("EPRT |1|0.0.0.0|{port}|")).starts_with("200"));
    raw.tcp.write_all(b"RETR pub/hello.txt\r\n").unwrap();
    let (mut data, _) = listener.accept().unwrap();
    let mut got = String::new();
    data.read_to_string(&mut got).unwrap();
    assert_eq!(got, "hello\n");
    assert!(raw.reply().starts_with("150"));
    assert!(raw.reply().starts_with("226"));
    let active = raw.echo().active.unwrap();
    assert_eq!(active.target, Some(format!("127.0.0.1:{port}").parse().unwrap()));
    assert_eq!(active.argument, format!("|1|0.0.0.0|{port}|").into_bytes());
}

#[test]
fn serve_pasv_advertises_the_public_address_and_uses_the_port_range() {
    let served = Served::start(&["--public-address", "192.0.2.7", "--pasv-ports", "40100-40140"]);
    let mut raw = served.raw_login();
    for _ in 0..3 {
        let reply = raw.send("PASV");
        assert!(reply.starts_with("227 Entering Passive Mode (192,0,2,7,"), "{reply}");
        let reply = raw.send("EPSV");
        let port: u16 =
            reply.split("|||").nth(1).unwrap().trim_end_matches(|c: char| !c.is_ascii_digit()).parse().unwrap();
        assert!((40100..=40140).contains(&port), "{reply}");
    }
    // ftpx connects to the control peer with the advertised port (its default), so PASV works.
    let out = ftpx().args(["--mode", "pasv", "get", "-o", "-"]).arg(served.url("pub/hello.txt")).run();
    run_ok(&out);
    assert_eq!(out.stdout, b"hello\n");
}

#[test]
fn serve_stops_on_ctrl_c() {
    let mut served = Served::start(&[]);
    let pid = served.child.id().to_string();
    let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(status.success());
    let code = served.child.wait().unwrap().code();
    assert_eq!(code, Some(130));
    assert!(served.log().contains("ftpx serve: stopped"), "{}", served.log());
}

#[test]
fn serve_names_are_bytes_both_ways() {
    use std::os::unix::ffi::OsStrExt;
    let served = Served::start(&[]);
    let name = b"caf\xe9 \"x\".txt";
    std::fs::write(served.root().join(std::ffi::OsStr::from_bytes(name)), "latin-1").unwrap();
    let mut raw = served.raw_login();
    let reply = raw.send("EPSV");
    let port: u16 = reply.split("|||").nth(1).unwrap().trim_end_matches(|c: char| !c.is_ascii_digit()).parse().unwrap();
    let mut data = TcpStream::connect(("127.0.0.1", port)).unwrap();
    assert!(raw.send("NLST").starts_with("150"));
    let mut names = Vec::new();
    data.read_to_end(&mut names).unwrap();
    assert!(raw.reply().starts_with("226"));
    let mut want = name.to_vec();
    want.extend_from_slice(b"\r\n");
    assert!(names.windows(want.len()).any(|w| w == want.as_slice()), "{}", String::from_utf8_lossy(&names));
    let mut size = b"SIZE ".to_vec();
    size.extend_from_slice(name);
    size.extend_from_slice(b"\r\n");
    assert_eq!(raw.send_bytes(&size), "213 7");
    assert!(raw.send("MKD a\"b").starts_with("550"), "read-only");
    assert!(raw.send("CWD pub").starts_with("250"));
    assert_eq!(raw.send("PWD"), "257 \"/pub\" is the current directory");
}
