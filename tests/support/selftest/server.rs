//! Self-tests of the in-process server, spoken to over raw `std::net` sockets so they pass
//! whatever state the ftpx engine is in.

use std::fs;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant, SystemTime};

use crate::support::{ServerConfig, TestServer, random_bytes};

const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy)]
enum Mode {
    Epsv,
    Pasv,
    Eprt,
    Port,
}

const ALL_MODES: [Mode; 4] = [Mode::Epsv, Mode::Pasv, Mode::Eprt, Mode::Port];

#[derive(Debug)]
struct Reply {
    code: u16,
    /// Every line of the reply, without line ends, joined by `\n`.
    text: String,
    raw: Vec<u8>,
}

/// A data connection being set up: already connected (passive) or waiting for the server (active).
enum Pending {
    Connected(TcpStream),
    Listening(TcpListener),
}

impl Pending {
    fn stream(self) -> TcpStream {
        match self {
            Pending::Connected(stream) => stream,
            Pending::Listening(listener) => {
                listener.set_nonblocking(true).unwrap();
                let deadline = Instant::now() + TIMEOUT;
                loop {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            stream.set_nonblocking(false).unwrap();
                            return stream;
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock && Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(5));
                        }
                        Err(e) => panic!("the server never connected: {e}"),
                    }
                }
            }
        }
    }
}

/// A minimal FTP client for checking the server byte by byte.
struct Raw {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Raw {
    fn connect(server: &TestServer) -> Raw {
        let stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut raw = Raw { reader: BufReader::new(stream.try_clone().unwrap()), writer: stream };
        let greeting = raw.reply();
        assert_eq!(greeting.code, 220, "{greeting:?}");
        raw
    }

    /// Connects and logs in anonymously.
    fn login(server: &TestServer) -> Raw {
        let mut raw = Raw::connect(server);
        assert_eq!(raw.cmd("USER anonymous").code, 331);
        assert_eq!(raw.cmd("PASS guest@").code, 230);
        raw
    }

    fn send(&mut self, line: &[u8]) {
        let mut bytes = line.to_vec();
        bytes.extend_from_slice(b"\r\n");
        self.writer.write_all(&bytes).unwrap();
    }

    fn line(&mut self, raw: &mut Vec<u8>) -> String {
        let mut line = Vec::new();
        let n = self.reader.read_until(b'\n', &mut line).unwrap();
        assert!(n > 0, "the server closed the control connection");
        assert!(line.ends_with(b"\r\n"), "reply line without CRLF: {line:?}");
        raw.extend_from_slice(&line);
        String::from_utf8_lossy(&line[..line.len() - 2]).into_owned()
    }

    /// Reads one reply, following RFC 959 section 4.2 for multi-line replies: `123-` opens one,
    /// and the first line that starts with `123 ` ends it.
    fn reply(&mut self) -> Reply {
        let mut raw = Vec::new();
        let first = self.line(&mut raw);
        let code: u16 = first
            .get(..3)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("a reply starts with a code: {first:?}"));
        let multi = first.as_bytes().get(3) == Some(&b'-');
        let mut lines = vec![first];
        if multi {
            let end = format!("{code} ");
            loop {
                let line = self.line(&mut raw);
                let done = line.starts_with(&end);
                lines.push(line);
                if done {
                    break;
                }
            }
        }
        Reply { code, text: lines.join("\n"), raw }
    }

    fn cmd(&mut self, line: &str) -> Reply {
        self.cmd_bytes(line.as_bytes())
    }

    fn cmd_bytes(&mut self, line: &[u8]) -> Reply {
        self.send(line);
        self.reply()
    }

    fn passive_port(&mut self, mode: Mode) -> u16 {
        match mode {
            Mode::Epsv => {
                let reply = self.cmd("EPSV");
                assert_eq!(reply.code, 229, "{reply:?}");
                epsv_port(&reply.text)
            }
            Mode::Pasv => {
                let reply = self.cmd("PASV");
                assert_eq!(reply.code, 227, "{reply:?}");
                pasv_address(&reply.text).1
            }
            _ => unreachable!("not a passive mode"),
        }
    }

    /// Sets up a data connection in `mode`.
    fn data(&mut self, mode: Mode) -> Pending {
        match mode {
            Mode::Epsv | Mode::Pasv => {
                let port = self.passive_port(mode);
                Pending::Connected(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap())
            }
            Mode::Eprt | Mode::Port => {
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                let port = listener.local_addr().unwrap().port();
                let reply = match mode {
                    Mode::Eprt => self.cmd(&format!("EPRT |1|127.0.0.1|{port}|")),
                    _ => self.cmd(&format!("PORT 127,0,0,1,{},{}", port >> 8, port & 0xFF)),
                };
                assert_eq!(reply.code, 200, "{reply:?}");
                Pending::Listening(listener)
            }
        }
    }

    /// Runs a command that sends data to us; returns the data and the final reply.
    fn download(&mut self, mode: Mode, command: &[u8]) -> (Vec<u8>, Reply) {
        let pending = self.data(mode);
        let opening = self.cmd_bytes(command);
        assert_eq!(opening.code, 150, "{opening:?}");
        let mut data = pending.stream();
        data.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut bytes = Vec::new();
        data.read_to_end(&mut bytes).unwrap();
        (bytes, self.reply())
    }

    /// Runs a command that receives data from us; returns the final reply.
    fn upload(&mut self, mode: Mode, command: &str, bytes: &[u8]) -> Reply {
        let pending = self.data(mode);
        let opening = self.cmd(command);
        assert_eq!(opening.code, 150, "{opening:?}");
        let mut data = pending.stream();
        data.write_all(bytes).unwrap();
        data.shutdown(Shutdown::Write).unwrap();
        drop(data);
        self.reply()
    }
}

fn epsv_port(text: &str) -> u16 {
    let inner = text.split("(|||").nth(1).expect("229 (|||port|)");
    inner.split('|').next().unwrap().parse().unwrap()
}

fn pasv_address(text: &str) -> (Ipv4Addr, u16) {
    let inner = text.split('(').nth(1).expect("227 (h1,...,p2)");
    let numbers: Vec<u8> = inner.split(')').next().unwrap().split(',').map(|n| n.parse().unwrap()).collect();
    let ip = Ipv4Addr::new(numbers[0], numbers[1], numbers[2], numbers[3]);
    (ip, u16::from(numbers[4]) << 8 | u16::from(numbers[5]))
}

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    assert!(bytes.is_empty() || bytes.ends_with(b"\r\n"), "listing not CRLF-terminated");
    bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| line.strip_suffix(b"\r").expect("CRLF line ends").to_vec())
        .collect()
}

fn text_lines(bytes: &[u8]) -> Vec<String> {
    lines(bytes).iter().map(|l| String::from_utf8(l.clone()).unwrap()).collect()
}

#[test]
fn server_greets_and_logs_in_a_configured_user() {
    let server = TestServer::start(ServerConfig::new().user("alice", "s3cret"));
    let mut raw = Raw::connect(&server);
    assert_eq!(raw.cmd("USER alice").text, "331 Please specify the password.");
    assert_eq!(raw.cmd("PASS s3cret").text, "230 Login successful.");
    assert_eq!(raw.cmd("QUIT").code, 221);
}

#[test]
fn server_serves_a_given_directory_under_its_banner() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("given.txt"), "x").unwrap();
    let server = TestServer::start(ServerConfig::new().serve_dir(dir).banner("Welcome."));
    assert!(server.root().join("given.txt").exists());
    assert_eq!(server.url("/a b"), format!("ftp://127.0.0.1:{}/a b", server.port()));
    let stream = TcpStream::connect(server.addr()).unwrap();
    let mut greeting = String::new();
    BufReader::new(stream).read_line(&mut greeting).unwrap();
    assert_eq!(greeting, "220 Welcome.\r\n");
}

#[test]
fn server_rejects_a_wrong_password_with_530_login_incorrect() {
    let server = TestServer::start(ServerConfig::new().user("alice", "s3cret"));
    let mut raw = Raw::connect(&server);
    assert_eq!(raw.cmd("USER alice").code, 331);
    assert_eq!(raw.cmd("PASS wrong").text, "530 Login incorrect.");
    assert_eq!(raw.cmd("USER bob").code, 331, "unknown users are not revealed");
    assert_eq!(raw.cmd("PASS s3cret").text, "530 Login incorrect.");
}

#[test]
fn server_refuses_anonymous_when_switched_off() {
    let server = TestServer::start(ServerConfig::new().no_anonymous());
    let mut raw = Raw::connect(&server);
    raw.cmd("USER anonymous");
    assert_eq!(raw.cmd("PASS guest@").code, 530);
}

#[test]
fn server_requires_login_before_file_commands() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::connect(&server);
    for command in ["PWD", "CWD /", "RETR a", "PASV", "LIST", "DELE a"] {
        assert_eq!(raw.cmd(command).code, 530, "{command}");
    }
    assert_eq!(raw.cmd("PASS x").code, 503, "PASS before USER");
}

#[test]
fn server_feat_lists_every_feature_by_default() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::connect(&server);
    let feat = raw.cmd("FEAT");
    assert_eq!(feat.code, 211);
    assert!(feat.text.starts_with("211-"), "multi-line: {feat:?}");
    assert!(feat.text.ends_with("\n211 End"), "{feat:?}");
    for feature in [" EPRT", " EPSV", " MDTM", " MLST type*;size*;modify*;", " PASV", " REST STREAM", " SIZE", " UTF8"]
    {
        assert!(feat.text.lines().any(|l| l.starts_with(feature)), "{feature} missing from {feat:?}");
    }
    assert_eq!(raw.cmd("OPTS UTF8 ON").code, 200);
}

#[test]
fn server_feat_omits_switched_off_features_and_refuses_them() {
    let server = TestServer::start(ServerConfig::new().no_epsv().no_mlsd().no_size().no_mdtm().no_rest().no_utf8());
    fs::write(server.root().join("a"), "x").unwrap();
    let mut raw = Raw::login(&server);
    let feat = raw.cmd("FEAT");
    for gone in ["EPSV", "MLST", "SIZE", "MDTM", "REST", "UTF8"] {
        assert!(!feat.text.contains(gone), "{gone} in {feat:?}");
    }
    assert!(feat.text.contains(" PASV"), "{feat:?}");
    assert_eq!(raw.cmd("EPSV").code, 502);
    assert_eq!(raw.cmd("MLSD").code, 500);
    assert_eq!(raw.cmd("MLST a").code, 500);
    assert_eq!(raw.cmd("SIZE a").code, 500);
    assert_eq!(raw.cmd("MDTM a").code, 500);
    assert_eq!(raw.cmd("REST 1").code, 502);
    assert_eq!(raw.cmd("OPTS UTF8 ON").code, 501);
}

#[test]
fn server_without_feat_answers_500() {
    let server = TestServer::start(ServerConfig::new().no_feat());
    let mut raw = Raw::connect(&server);
    assert_eq!(raw.cmd("FEAT").text, "500 Unknown command.");
}

#[test]
fn server_retr_is_byte_exact_in_each_data_mode() {
    let server = TestServer::start(ServerConfig::new());
    let content = random_bytes(1 << 20, 7);
    fs::write(server.root().join("big.bin"), &content).unwrap();
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("TYPE I").code, 200);
    for mode in ALL_MODES {
        let (bytes, done) = raw.download(mode, b"RETR big.bin");
        assert_eq!(done.code, 226, "{mode:?}: {done:?}");
        assert!(bytes == content, "{mode:?}: {} bytes differ", bytes.len());
    }
}

#[test]
fn server_stor_and_appe_write_exact_bytes_in_each_data_mode() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::login(&server);
    for (i, mode) in ALL_MODES.into_iter().enumerate() {
        let first = random_bytes(300_000, i as u64);
        let second = random_bytes(1000, 100 + i as u64);
        let name = format!("up{i}.bin");
        assert_eq!(raw.upload(mode, &format!("STOR {name}"), &first).code, 226);
        assert_eq!(raw.upload(mode, &format!("APPE {name}"), &second).code, 226);
        let stored = fs::read(server.root().join(&name)).unwrap();
        assert!(stored == [first, second].concat(), "{mode:?}");
    }
}

#[test]
fn server_rest_resumes_retr_and_stor() {
    let server = TestServer::start(ServerConfig::new());
    let content = random_bytes(10_000, 3);
    fs::write(server.root().join("f"), &content).unwrap();
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("REST 4000").text, "350 Restart position accepted (4000).");
    let (bytes, _) = raw.download(Mode::Epsv, b"RETR f");
    assert!(bytes == content[4000..]);

    // REST applies to one transfer only.
    let (bytes, _) = raw.download(Mode::Epsv, b"RETR f");
    assert!(bytes == content);

    assert_eq!(raw.cmd("REST 5000").code, 350);
    assert_eq!(raw.upload(Mode::Epsv, "STOR f", b"tail").code, 226);
    let stored = fs::read(server.root().join("f")).unwrap();
    assert!(stored == [&content[..5000], b"tail"].concat());
    assert_eq!(raw.cmd("REST x").code, 501);
}

#[test]
fn server_list_nlst_and_mlsd_describe_the_directory() {
    let server = TestServer::start(ServerConfig::new());
    fs::write(server.root().join("a.txt"), "hello").unwrap();
    fs::create_dir(server.root().join("sub")).unwrap();
    std::os::unix::fs::symlink("a.txt", server.root().join("link")).unwrap();
    let mut raw = Raw::login(&server);

    let (list, done) = raw.download(Mode::Pasv, b"LIST");
    assert_eq!(done.code, 226);
    let list = text_lines(&list);
    assert_eq!(list.len(), 3, "{list:?}");
    assert!(list[0].starts_with("-rw"), "{list:?}");
    assert!(list[0].contains(" 5 "), "{list:?}");
    assert!(list[0].ends_with(" a.txt"), "{list:?}");
    assert!(list[1].starts_with('l') && list[1].ends_with(" link -> a.txt"), "{list:?}");
    assert!(list[2].starts_with('d') && list[2].ends_with(" sub"), "{list:?}");
    assert_eq!(list[0].split_whitespace().count(), 9, "ls -l fields: {list:?}");

    let (list, _) = raw.download(Mode::Pasv, b"LIST -la sub");
    assert!(list.is_empty(), "options are skipped: {list:?}");

    let (names, _) = raw.download(Mode::Pasv, b"NLST");
    assert_eq!(text_lines(&names), ["a.txt", "link", "sub"]);

    let (mlsd, _) = raw.download(Mode::Pasv, b"MLSD");
    let mlsd = text_lines(&mlsd);
    assert!(mlsd[0].starts_with("type=cdir;") && mlsd[0].ends_with("; ."), "{mlsd:?}");
    assert!(mlsd[1].starts_with("type=file;size=5;modify="), "{mlsd:?}");
    assert!(mlsd[1].ends_with("; a.txt"), "{mlsd:?}");
    assert!(mlsd[3].starts_with("type=dir;") && mlsd[3].ends_with("; sub"), "{mlsd:?}");

    assert_eq!(raw.cmd("LIST nothing-here").code, 550);
}

#[test]
fn server_mlst_size_and_mdtm_describe_one_file() {
    let server = TestServer::start(ServerConfig::new());
    let path = server.root().join("dated.bin");
    fs::write(&path, vec![0u8; 1234]).unwrap();
    let leap_day = SystemTime::UNIX_EPOCH + Duration::from_secs(1_582_979_696);
    fs::File::options().write(true).open(&path).unwrap().set_modified(leap_day).unwrap();
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("SIZE dated.bin").text, "213 1234");
    assert_eq!(raw.cmd("MDTM dated.bin").text, "213 20200229123456");
    let mlst = raw.cmd("MLST dated.bin");
    let lines: Vec<&str> = mlst.text.lines().collect();
    assert_eq!(lines.len(), 3, "{mlst:?}");
    assert!(lines[0].starts_with("250-"));
    assert!(lines[1].starts_with(" type=file;size=1234;modify=20200229123456;"));
    assert!(lines[1].ends_with("; /dated.bin"), "{mlst:?}");
    assert_eq!(lines[2], "250 End");
    assert_eq!(raw.cmd("SIZE nope").code, 550);
    assert_eq!(raw.cmd("MDTM nope").code, 550);

    let (list, _) = raw.download(Mode::Epsv, b"LIST dated.bin");
    let list = text_lines(&list);
    assert!(list[0].contains(" Feb 29  2020 dated.bin"), "{list:?}");
}

#[test]
fn server_pwd_doubles_quotes_and_cwd_cdup_move_within_the_root() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("PWD").text, "257 \"/\" is the current directory");
    assert_eq!(raw.cmd("MKD say \"hi\"").text, "257 \"/say \"\"hi\"\"\" created");
    assert_eq!(raw.cmd("CWD say \"hi\"").code, 250);
    assert_eq!(raw.cmd("PWD").text, "257 \"/say \"\"hi\"\"\" is the current directory");
    assert_eq!(raw.cmd("CDUP").code, 250);
    assert_eq!(raw.cmd("PWD").text, "257 \"/\" is the current directory");
    assert_eq!(raw.cmd("CWD missing").code, 550);
}

#[test]
fn server_paths_never_escape_the_root() {
    let outer = tempfile::tempdir().unwrap();
    fs::write(outer.path().join("secret.txt"), "secret").unwrap();
    let served = outer.path().join("served");
    fs::create_dir(&served).unwrap();
    std::os::unix::fs::symlink(outer.path(), served.join("escape")).unwrap();
    let server = TestServer::start(ServerConfig::new().serve_path(&served));
    let mut raw = Raw::login(&server);

    assert_eq!(raw.cmd("CWD ../../..").code, 250, "`..` stops at the root");
    assert_eq!(raw.cmd("PWD").text, "257 \"/\" is the current directory");
    for probe in ["SIZE ../secret.txt", "SIZE /../secret.txt", "SIZE escape/secret.txt"] {
        assert_eq!(raw.cmd(probe).code, 550, "{probe}");
    }
    assert_eq!(raw.cmd("CWD escape").code, 550);
    assert_eq!(raw.cmd("DELE ../secret.txt").code, 550);
    assert_eq!(raw.cmd("RMD /").code, 550);
    let reply = raw.cmd("RETR escape/secret.txt");
    assert_eq!(reply.code, 550, "{reply:?}");
    assert!(outer.path().join("secret.txt").exists());
}

#[test]
fn server_file_commands_change_the_served_directory() {
    let server = TestServer::start(ServerConfig::new());
    let root = server.root().to_path_buf();
    fs::write(root.join("old.txt"), "x").unwrap();
    let mut raw = Raw::login(&server);

    assert_eq!(raw.cmd("MKD d").code, 257);
    assert!(root.join("d").is_dir());
    assert_eq!(raw.cmd("MKD d").code, 550, "already exists");
    assert_eq!(raw.cmd("RNFR old.txt").code, 350);
    assert_eq!(raw.cmd("RNTO d/new.txt").code, 250);
    assert!(root.join("d/new.txt").is_file() && !root.join("old.txt").exists());
    assert_eq!(raw.cmd("RNTO x").code, 503, "RNTO without RNFR");
    assert_eq!(raw.cmd("RNFR missing").code, 550);
    assert_eq!(raw.cmd("SITE CHMOD 600 d/new.txt").code, 200);
    let mode = fs::metadata(root.join("d/new.txt")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(raw.cmd("SITE FROBNICATE").code, 500);
    assert_eq!(raw.cmd("RMD d").code, 550, "not empty");
    assert_eq!(raw.cmd("DELE d/new.txt").code, 250);
    assert_eq!(raw.cmd("DELE d/new.txt").code, 550);
    assert_eq!(raw.cmd("RMD d").code, 250);
    assert!(!root.join("d").exists());
}

#[test]
fn server_lists_and_sends_non_utf8_names_as_bytes() {
    let server = TestServer::start(ServerConfig::new());
    let name: &[u8] = b"caf\xe9.bin";
    let path = server.root().join(std::ffi::OsStr::from_bytes(name));
    fs::write(&path, "latin-1").unwrap();
    let mut raw = Raw::login(&server);
    let (names, _) = raw.download(Mode::Epsv, b"NLST");
    assert_eq!(lines(&names), [name.to_vec()]);
    let (list, _) = raw.download(Mode::Epsv, b"LIST");
    assert!(lines(&list)[0].ends_with(name));
    let (bytes, done) = raw.download(Mode::Epsv, &[b"RETR ", name].concat());
    assert_eq!(done.code, 226);
    assert_eq!(bytes, b"latin-1");
    assert!(server.commands().contains(&"RETR caf\u{FFFD}.bin".to_owned()));
}

#[test]
fn server_type_a_converts_line_ends_both_ways() {
    let server = TestServer::start(ServerConfig::new());
    fs::write(server.root().join("unix.txt"), "one\ntwo\r\nthree\n").unwrap();
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("TYPE A").code, 200);
    let (bytes, _) = raw.download(Mode::Epsv, b"RETR unix.txt");
    assert_eq!(bytes, b"one\r\ntwo\r\nthree\r\n");
    raw.upload(Mode::Epsv, "STOR up.txt", b"a\r\nb\r\n");
    assert_eq!(fs::read(server.root().join("up.txt")).unwrap(), b"a\nb\n");
    assert_eq!(raw.cmd("TYPE I").code, 200);
    assert_eq!(raw.cmd("TYPE X").code, 504);
}

#[test]
fn server_records_command_lines_in_order() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::login(&server);
    raw.cmd("NOOP");
    raw.cmd("noop with args");
    raw.cmd("QUIT");
    assert_eq!(server.commands(), ["USER anonymous", "PASS guest@", "NOOP", "noop with args", "QUIT"]);
    assert_eq!(server.verbs(), ["USER", "PASS", "NOOP", "NOOP", "QUIT"]);
}

#[test]
fn server_answers_the_small_commands() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("SYST").text, "215 UNIX Type: L8");
    assert_eq!(raw.cmd("NOOP").code, 200);
    assert_eq!(raw.cmd("ACCT x").code, 202);
    assert_eq!(raw.cmd("ABOR").code, 225);
    assert_eq!(raw.cmd("MODE S").code, 200);
    assert_eq!(raw.cmd("STRU F").code, 200);
    assert_eq!(raw.cmd("HELP").code, 214);
    let stat = raw.cmd("STAT");
    assert!(stat.text.starts_with("211-") && stat.text.ends_with("211 End of status"));
    fs::write(server.root().join("s"), "").unwrap();
    let stat = raw.cmd("STAT s");
    assert_eq!(stat.code, 213, "{stat:?}");
    assert!(stat.text.lines().nth(1).unwrap().ends_with(" s"), "{stat:?}");
    assert_eq!(raw.cmd("XYZZY").text, "500 Unknown command.");
    assert_eq!(raw.cmd("RETR s").code, 425, "no PORT or PASV first");
    assert_eq!(raw.cmd("QUIT").code, 221);
    let mut rest = Vec::new();
    raw.reader.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "closed after QUIT");
}

#[test]
fn server_refuses_port_and_eprt_to_another_address() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::login(&server);
    // FTP bounce protection (RFC 2577): the server never connects to anyone but its peer.
    assert_eq!(raw.cmd("PORT 10,1,2,3,4,5").text, "500 Illegal PORT command.");
    assert_eq!(raw.cmd("EPRT |1|10.1.2.3|1029|").code, 500);
    assert_eq!(raw.cmd("EPRT |2|::1|1029|").code, 522);
    assert_eq!(raw.cmd("PORT 1,2,3").code, 501);
    assert_eq!(raw.cmd("EPSV 2").code, 522);
}

#[test]
fn server_epsv_all_refuses_other_data_setups() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("EPSV ALL").code, 200);
    assert_eq!(raw.cmd("PASV").code, 503);
    assert_eq!(raw.cmd("PORT 127,0,0,1,4,5").code, 503);
    assert_eq!(raw.cmd("EPSV").code, 229);
}

#[test]
fn server_abor_interrupts_a_transfer_with_426_then_226() {
    let server = TestServer::start(ServerConfig::new().throttle(10_000));
    fs::write(server.root().join("slow"), vec![1u8; 100_000]).unwrap();
    let mut raw = Raw::login(&server);
    let pending = raw.data(Mode::Epsv);
    assert_eq!(raw.cmd("RETR slow").code, 150);
    let mut data = pending.stream();
    let mut some = [0u8; 100];
    data.read_exact(&mut some).unwrap();
    raw.send(b"ABOR");
    assert_eq!(raw.reply().code, 426);
    assert_eq!(raw.reply().code, 226);
    assert_eq!(raw.cmd("NOOP").code, 200, "the session goes on");
}

#[test]
fn server_stops_when_dropped() {
    let server = TestServer::start(ServerConfig::new());
    let addr = server.addr();
    let mut raw = Raw::login(&server);
    drop(server);
    let mut rest = Vec::new();
    // The session is closed too: reading ends (EOF or reset) instead of timing out.
    let ended = raw.reader.read_to_end(&mut rest);
    assert!(ended.is_ok() || ended.unwrap_err().kind() != ErrorKind::WouldBlock);
    assert!(TcpStream::connect(addr).is_err(), "still listening after drop");
}

#[test]
fn switch_pasv_advertise_names_the_address_but_listens_on_loopback() {
    let server = TestServer::start(ServerConfig::new().pasv_advertise(Ipv4Addr::new(10, 1, 2, 3)));
    fs::write(server.root().join("f"), "data").unwrap();
    let mut raw = Raw::login(&server);
    let reply = raw.cmd("PASV");
    let (ip, port) = pasv_address(&reply.text);
    assert_eq!(ip, Ipv4Addr::new(10, 1, 2, 3));
    // Only ever connect to loopback: the advertised address is a lie by design.
    let mut data = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    assert_eq!(raw.cmd("RETR f").code, 150);
    let mut bytes = Vec::new();
    data.read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, b"data");
    assert_eq!(raw.reply().code, 226);
}

#[test]
fn switch_passive_closed_port_refuses_the_connection() {
    let server = TestServer::start(ServerConfig::new().passive_closed_port());
    fs::write(server.root().join("f"), "data").unwrap();
    let mut raw = Raw::login(&server);
    for mode in [Mode::Epsv, Mode::Pasv] {
        let port = raw.passive_port(mode);
        let refused = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::ConnectionRefused, "{mode:?}");
        assert_eq!(raw.cmd("RETR f").code, 425, "{mode:?}");
    }
}

#[test]
fn switch_never_connect_back_sends_150_then_425_after_the_delay() {
    let delay = Duration::from_millis(300);
    let server = TestServer::start(ServerConfig::new().never_connect_back(delay));
    fs::write(server.root().join("f"), "data").unwrap();
    let mut raw = Raw::login(&server);
    let pending = raw.data(Mode::Port);
    let started = Instant::now();
    assert_eq!(raw.cmd("RETR f").code, 150);
    assert_eq!(raw.reply().text, "425 Failed to establish connection.");
    assert!(started.elapsed() >= delay);
    let Pending::Listening(listener) = pending else { unreachable!() };
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err(), "the server connected after all");
}

#[test]
fn switch_active_fails_425_answers_at_once() {
    let server = TestServer::start(ServerConfig::new().active_fails_425());
    fs::write(server.root().join("f"), "data").unwrap();
    let mut raw = Raw::login(&server);
    let _pending = raw.data(Mode::Eprt);
    assert_eq!(raw.cmd("RETR f").code, 425);
    let (bytes, _) = raw.download(Mode::Epsv, b"RETR f");
    assert_eq!(bytes, b"data", "passive still works");
}

#[test]
fn switch_ignore_rest_sends_from_the_start() {
    let server = TestServer::start(ServerConfig::new().ignore_rest());
    fs::write(server.root().join("f"), "0123456789").unwrap();
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("REST 5").code, 350);
    let (bytes, _) = raw.download(Mode::Epsv, b"RETR f");
    assert_eq!(bytes, b"0123456789");
}

#[test]
fn switch_truncate_data_sends_a_prefix_and_still_226() {
    let server = TestServer::start(ServerConfig::new().truncate_data(1000));
    let content = random_bytes(50_000, 9);
    fs::write(server.root().join("f"), &content).unwrap();
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("SIZE f").text, "213 50000");
    let (bytes, done) = raw.download(Mode::Pasv, b"RETR f");
    assert_eq!(done.code, 226);
    assert!(bytes == content[..1000]);
}

#[test]
fn switch_throttle_slows_the_transfer() {
    let server = TestServer::start(ServerConfig::new().throttle(100_000));
    fs::write(server.root().join("f"), vec![7u8; 30_000]).unwrap();
    let mut raw = Raw::login(&server);
    let started = Instant::now();
    let (bytes, _) = raw.download(Mode::Epsv, b"RETR f");
    assert_eq!(bytes.len(), 30_000);
    assert!(started.elapsed() >= Duration::from_millis(250), "{:?}", started.elapsed());
}

#[test]
fn switch_passive_ports_picks_a_port_in_the_range() {
    // A range rather than one port, so a port taken by a parallel test does not fail this one.
    let lo = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().min(65_000);
    let hi = lo + 50;
    let server = TestServer::start(ServerConfig::new().passive_ports(lo, hi));
    let mut raw = Raw::login(&server);
    for mode in [Mode::Epsv, Mode::Pasv] {
        let port = raw.passive_port(mode);
        assert!((lo..=hi).contains(&port), "{mode:?}: {port} not in {lo}..={hi}");
    }
}

#[test]
fn switch_refusals_send_the_configured_lines() {
    let pure_ftpd = "500 I won't open a connection to 10.99.0.2 (only to 198.51.100.1)";
    let server =
        TestServer::start(ServerConfig::new().refuse_pasv().refuse_eprt("500 Unknown command.").refuse_port(pure_ftpd));
    let mut raw = Raw::login(&server);
    assert_eq!(raw.cmd("PASV").text, "550 Permission denied.");
    assert_eq!(raw.cmd("EPRT |1|127.0.0.1|2000|").text, "500 Unknown command.");
    assert_eq!(raw.cmd("PORT 127,0,0,1,7,208").text, pure_ftpd);
    let feat = raw.cmd("FEAT");
    assert!(!feat.text.contains("PASV") && !feat.text.contains("EPRT"), "{feat:?}");
    assert_eq!(raw.cmd("EPSV").code, 229);
}

#[test]
fn server_strips_telnet_commands_before_abor() {
    let server = TestServer::start(ServerConfig::new());
    let mut raw = Raw::login(&server);
    // IAC IP, IAC DM, as clients send before ABOR (RFC 959 section 4.1.3).
    let reply = raw.cmd_bytes(b"\xff\xf4\xff\xf2ABOR");
    assert_eq!(reply.code, 225);
    assert!(reply.raw.ends_with(b"\r\n"));
}
