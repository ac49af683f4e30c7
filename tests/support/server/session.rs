//! One control connection: reading command lines, login, TLS (AUTH, PBSZ, PROT), and every command
//! that does not move data (paths, directories, renames, sizes, times, SITE, STAT, FEAT). The data
//! connection and the transfer commands are in `data.rs`.

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::net::SocketAddr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, ReadHalf, WriteHalf};
use tokio::net::TcpStream;

use super::data::DataSetup;
use super::listing::{self, ListKind, Utc};
use super::tls::{Conn, HANDSHAKE_TIMEOUT};
use super::{ServerConfig, Shared, TlsMode};

/// Longest control line accepted; a client that sends more without a line end is cut off.
const MAX_LINE: usize = 64 * 1024;

/// Reads control lines; cancel-safe, so a transfer can race it against the data connection.
pub(super) struct LineReader {
    half: ReadHalf<Conn>,
    buf: Vec<u8>,
    log: Arc<Mutex<Vec<String>>>,
}

impl LineReader {
    /// The next line without its line end (CRLF, or a bare LF from sloppy clients), with Telnet
    /// commands removed; `None` when the client closed the connection.
    pub(super) async fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = self.buf.iter().position(|&b| b == b'\n') {
                let mut raw: Vec<u8> = self.buf.drain(..=end).collect();
                raw.pop();
                if raw.last() == Some(&b'\r') {
                    raw.pop();
                }
                let line = strip_telnet(&raw);
                let shown = String::from_utf8_lossy(&line).into_owned();
                self.log.lock().unwrap().push(shown);
                return Ok(Some(line));
            }
            if self.buf.len() > MAX_LINE {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
            }
            let mut chunk = [0u8; 4096];
            // `read` is cancel-safe: bytes are only taken into `buf` once it has completed.
            let n = self.half.read(&mut chunk).await?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// RFC 959 section 4.1.3: the control connection is a Telnet stream. IAC IAC is a literal 0xFF;
/// IAC followed by any other byte (IP, DM, ... as clients send before ABOR) is dropped. Option
/// negotiation (three bytes) is not expected from FTP clients and is not handled.
fn strip_telnet(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().copied();
    while let Some(byte) = bytes.next() {
        if byte == 0xFF {
            if let Some(0xFF) = bytes.next() {
                out.push(0xFF);
            }
        } else {
            out.push(byte);
        }
    }
    out
}

/// One control connection.
pub(super) struct Session {
    pub(super) shared: Arc<Shared>,
    pub(super) reader: LineReader,
    pub(super) writer: WriteHalf<Conn>,
    pub(super) peer: SocketAddr,
    pub(super) local: SocketAddr,
    pub(super) pending: VecDeque<Vec<u8>>,
    pub(super) user: Option<String>,
    pub(super) logged_in: bool,
    /// The working directory as path components below the root.
    pub(super) cwd: Vec<Vec<u8>>,
    pub(super) ascii: bool,
    pub(super) rest: u64,
    pub(super) rename_from: Option<PathBuf>,
    pub(super) data: DataSetup,
    pub(super) epsv_all: bool,
    /// The control connection is in TLS (after AUTH TLS, or from the start when implicit).
    pub(super) secure: bool,
    pub(super) pbsz: bool,
    /// PROT P: data connections in TLS. RFC 2228 makes PROT C the default, except on an implicit
    /// connection, where PBSZ 0 and PROT P are taken as sent (MS-FTPS 3.2.5.1).
    pub(super) prot_private: bool,
    /// TLS data handshakes on this control connection so far.
    pub(super) data_handshakes: usize,
    /// This session's place among all the server's sessions, from 1.
    pub(super) number: usize,
}

impl Session {
    pub(super) async fn run(shared: Arc<Shared>, stream: TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let Ok(local) = stream.local_addr() else {
            return;
        };
        let implicit = shared.config.tls == Some(TlsMode::Implicit);
        let conn = match &shared.tls {
            Some(tls) if implicit => match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.control.accept(stream)).await {
                Ok(Ok(tls)) => Conn::Tls(Box::new(tls)),
                // A client that cannot finish the handshake gets nothing: there is no channel to
                // answer on.
                _ => return,
            },
            _ => Conn::Plain(stream),
        };
        let (read, writer) = tokio::io::split(conn);
        let mut session = Session {
            reader: LineReader { half: read, buf: Vec::new(), log: shared.log.clone() },
            shared,
            writer,
            peer,
            local,
            pending: VecDeque::new(),
            user: None,
            logged_in: false,
            cwd: Vec::new(),
            ascii: false,
            rest: 0,
            rename_from: None,
            data: DataSetup::None,
            epsv_all: false,
            secure: implicit,
            pbsz: implicit,
            prot_private: implicit,
            data_handshakes: 0,
            number: 0,
        };
        let counters = &session.shared.counters;
        let live = counters.live.fetch_add(1, Ordering::SeqCst) + 1;
        let total = counters.total.fetch_add(1, Ordering::SeqCst) + 1;
        session.number = total;
        let config = &session.shared.config;
        let over =
            config.max_sessions.is_some_and(|n| live > n) || config.refuse_sessions_after.is_some_and(|n| total > n);
        if over {
            session.shared.counters.refused.fetch_add(1, Ordering::SeqCst);
            let _ = session.reply("421 Too many connections from this IP.").await;
        } else {
            // An I/O error on the control connection ends the session; there is no one left to tell.
            let _ = session.serve().await;
            session.give_up_passive().await;
        }
        session.shared.counters.live.fetch_sub(1, Ordering::SeqCst);
    }

    pub(super) fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    async fn serve(&mut self) -> io::Result<()> {
        if self.shared.take_fault(|f| *f == super::Fault::Busy).is_some() {
            return self.reply("421 Too many connections (2) from this IP").await;
        }
        let banner = format!("220 {}", self.config().banner);
        self.reply(banner).await?;
        loop {
            let line = match self.pending.pop_front() {
                Some(line) => line,
                None => match self.reader.next_line().await? {
                    Some(line) => line,
                    None => return Ok(()),
                },
            };
            if !self.command(&line).await? {
                return Ok(());
            }
            if self.config().sequential {
                self.await_passive().await;
            }
        }
    }

    /// Writes one reply; `text` may hold inner CRLFs for a multi-line reply.
    pub(super) async fn reply(&mut self, text: impl AsRef<[u8]>) -> io::Result<()> {
        let mut bytes = text.as_ref().to_vec();
        bytes.extend_from_slice(b"\r\n");
        self.writer.write_all(&bytes).await?;
        // Under TLS the record may sit in the TLS buffer until flushed.
        self.writer.flush().await
    }

    /// Handles one command line; `Ok(false)` ends the session.
    async fn command(&mut self, line: &[u8]) -> io::Result<bool> {
        let (verb, arg) = split_command(line);
        let before_login = matches!(
            verb.as_str(),
            "USER" | "PASS" | "QUIT" | "FEAT" | "OPTS" | "NOOP" | "HELP" | "AUTH" | "PBSZ" | "PROT" | "SYST"
        );
        if !self.logged_in && !before_login {
            self.reply("530 Please login with USER and PASS.").await?;
            return Ok(true);
        }
        match verb.as_str() {
            "USER" => self.user(arg).await?,
            "PASS" => self.pass(arg).await?,
            "ACCT" => self.reply("202 ACCT command superfluous.").await?,
            "QUIT" => {
                self.reply("221 Goodbye.").await?;
                return Ok(false);
            }
            "SYST" => self.reply("215 UNIX Type: L8").await?,
            "FEAT" => self.feat().await?,
            "OPTS" => self.opts(arg).await?,
            "HELP" => self.help().await?,
            "NOOP" => self.reply("200 NOOP ok.").await?,
            "AUTH" => self.auth(arg).await?,
            "PBSZ" => self.pbsz(arg).await?,
            "PROT" => self.prot(arg).await?,
            "TYPE" => self.type_(arg).await?,
            "MODE" => match arg.to_ascii_uppercase().as_slice() {
                b"S" => self.reply("200 Mode set to S.").await?,
                _ => self.reply("504 Bad MODE command.").await?,
            },
            "STRU" => match arg.to_ascii_uppercase().as_slice() {
                b"F" => self.reply("200 Structure set to F.").await?,
                _ => self.reply("504 Bad STRU command.").await?,
            },
            "PWD" | "XPWD" => {
                let path = virtual_string(&self.cwd);
                let mut text = b"257 \"".to_vec();
                text.extend_from_slice(&quote_path(&path));
                text.extend_from_slice(b"\" is the current directory");
                self.reply(text).await?;
            }
            "CWD" | "XCWD" => self.cwd(arg).await?,
            "CDUP" | "XCUP" => self.cwd(b"..").await?,
            "MKD" | "XMKD" => self.mkd(arg).await?,
            "RMD" | "XRMD" => self.simple(arg, |p| fs::remove_dir(p), "Remove directory").await?,
            "DELE" => self.simple(arg, |p| fs::remove_file(p), "Delete").await?,
            "RNFR" => self.rnfr(arg).await?,
            "RNTO" => self.rnto(arg).await?,
            "SIZE" if self.config().size => self.size(arg).await?,
            "MDTM" if self.config().mdtm => self.mdtm(arg).await?,
            "REST" if self.config().rest => self.rest(arg).await?,
            "REST" => self.reply("502 REST not implemented.").await?,
            "STAT" => self.stat(arg).await?,
            "SITE" => self.site(arg).await?,
            "ABOR" => match self.config().late_abort {
                Some(late) => {
                    if let Some(reply) = late.abor {
                        self.reply(reply).await?;
                    }
                }
                None => self.reply("225 No transfer to ABOR.").await?,
            },
            "PASV" => self.pasv().await?,
            "EPSV" if self.config().epsv => self.epsv(arg).await?,
            "EPSV" => self.reply("502 EPSV not implemented.").await?,
            "PORT" => self.port(arg).await?,
            "EPRT" => self.eprt(arg).await?,
            "RETR" => self.retr(arg).await?,
            "STOR" => self.store(arg, false).await?,
            "APPE" => self.store(arg, true).await?,
            "LIST" => self.list(arg, ListKind::Long).await?,
            "NLST" => self.list(arg, ListKind::Names).await?,
            "MLSD" if self.config().mlsd => self.list(arg, ListKind::Machine).await?,
            "MLST" if self.config().mlsd => self.mlst(arg).await?,
            "XSHA256" if self.config().xsha256.is_some() => self.xsha256(arg).await?,
            _ => self.reply("500 Unknown command.").await?,
        }
        Ok(true)
    }

    async fn user(&mut self, arg: &[u8]) -> io::Result<()> {
        if self.logged_in {
            return self.reply("530 Can't change to another user.").await;
        }
        if self.config().require_tls_control && !self.secure {
            return self.reply("550 SSL/TLS required on the control channel").await;
        }
        // Unknown users get 331 too, so the reply does not reveal which names exist.
        self.user = Some(String::from_utf8_lossy(arg).into_owned());
        self.reply("331 Please specify the password.").await
    }

    async fn pass(&mut self, arg: &[u8]) -> io::Result<()> {
        if self.logged_in {
            return self.reply("230 Already logged in.").await;
        }
        let Some(user) = self.user.take() else {
            return self.reply("503 Login with USER first.").await;
        };
        self.hold_first_login().await;
        let config = self.config();
        let anonymous = config.anonymous && (user == "anonymous" || user == "ftp");
        let known = config.users.get(&user).is_some_and(|password| password.as_bytes() == arg);
        if anonymous || known {
            self.logged_in = true;
            self.reply("230 Login successful.").await
        } else {
            self.reply("530 Login incorrect.").await
        }
    }

    /// [`ServerConfig::hold_first_login`]: the first PASS waits for the others (at most 10 s).
    async fn hold_first_login(&self) {
        let Some(n) = self.config().hold_first_login else { return };
        let counters = &self.shared.counters;
        if counters.passes.fetch_add(1, Ordering::SeqCst) > 0 {
            return;
        }
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        while counters.passes.load(Ordering::SeqCst) < n && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        *counters.beside_first.lock().unwrap() = Some(counters.passes.load(Ordering::SeqCst) - 1);
    }

    /// RFC 4217 section 4: `AUTH TLS` (or its old names `TLS-C` and `SSL`), `234`, then the
    /// handshake on the same connection.
    async fn auth(&mut self, arg: &[u8]) -> io::Result<()> {
        if let Some(reply) = self.config().refuse_auth.clone() {
            return self.reply(reply).await;
        }
        if self.shared.tls.is_none() {
            return self.reply("502 TLS is not offered here.").await;
        }
        if self.secure {
            return self.reply("503 Already in TLS.").await;
        }
        if !matches!(arg.to_ascii_uppercase().as_slice(), b"TLS" | b"TLS-C" | b"SSL") {
            return self.reply("504 Unknown AUTH type.").await;
        }
        self.reply("234 Proceed with negotiation.").await?;
        let broken = self.shared.counters.tls_broken.fetch_add(1, Ordering::SeqCst);
        if broken < self.config().flaky_control_tls {
            return Err(io::Error::other("a TLS handshake broken on purpose"));
        }
        self.start_tls().await
    }

    /// Hands the control connection to a TLS handshake as the server. Anything the client sent
    /// after `AUTH TLS` and before its handshake came in the clear and is thrown away, never
    /// taken as a command from the protected channel (the STARTTLS injection of CVE-2011-0411).
    async fn start_tls(&mut self) -> io::Result<()> {
        let Some(tls) = &self.shared.tls else {
            return Err(io::Error::other("no TLS configuration"));
        };
        let acceptor = tls.control.clone();
        let (spare_read, spare_write) = tokio::io::split(Conn::Detached);
        let read = std::mem::replace(&mut self.reader.half, spare_read);
        let write = std::mem::replace(&mut self.writer, spare_write);
        let Conn::Plain(tcp) = read.unsplit(write) else {
            return Err(io::Error::other("the control connection is not plain TCP"));
        };
        self.reader.buf.clear();
        self.pending.clear();
        let stream = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out"))??;
        let (read, write) = tokio::io::split(Conn::Tls(Box::new(stream)));
        self.reader.half = read;
        self.writer = write;
        self.secure = true;
        Ok(())
    }

    /// RFC 2228 PBSZ as RFC 4217 uses it: only `PBSZ 0` makes sense for TLS; any other size is answered with
    /// the one the server uses.
    async fn pbsz(&mut self, arg: &[u8]) -> io::Result<()> {
        if !self.secure {
            return self.reply("503 PBSZ needs a secure connection.").await;
        }
        self.pbsz = true;
        if arg == b"0" { self.reply("200 PBSZ set to 0.").await } else { self.reply("200 PBSZ=0").await }
    }

    /// RFC 2228 PROT as RFC 4217 uses it: `PROT P` (data in TLS) or `PROT C` (data in the clear), after `PBSZ`.
    async fn prot(&mut self, arg: &[u8]) -> io::Result<()> {
        if !self.secure {
            return self.reply("503 PROT needs a secure connection.").await;
        }
        if !self.pbsz {
            return self.reply("503 PBSZ first.").await;
        }
        match arg.to_ascii_uppercase().as_slice() {
            b"P" => {
                self.prot_private = true;
                self.reply("200 PROT now Private.").await
            }
            b"C" => {
                self.prot_private = false;
                self.reply("200 PROT now Clear.").await
            }
            b"S" | b"E" => self.reply("536 PROT level not supported.").await,
            _ => self.reply("504 Unknown PROT level.").await,
        }
    }

    async fn feat(&mut self) -> io::Result<()> {
        let config = self.config();
        if !config.feat {
            return self.reply("500 Unknown command.").await;
        }
        let mut text = String::from("211-Features:\r\n");
        let mut feature = |on: bool, name: &str| {
            if on {
                text.push(' ');
                text.push_str(name);
                text.push_str("\r\n");
            }
        };
        feature(config.refuse_eprt.is_none(), "EPRT");
        feature(config.epsv, "EPSV");
        feature(config.mdtm, "MDTM");
        feature(config.mlsd, "MLST type*;size*;modify*;perm*;UNIX.mode*;");
        feature(!config.refuse_pasv, "PASV");
        feature(config.rest, "REST STREAM");
        feature(config.size, "SIZE");
        feature(true, "TVFS");
        feature(config.xsha256.is_some(), "XSHA256");
        feature(config.utf8, "UTF8");
        feature(config.tls == Some(TlsMode::Explicit), "AUTH TLS");
        feature(config.tls.is_some(), "PBSZ");
        feature(config.tls.is_some(), "PROT");
        text.push_str("211 End");
        self.reply(text).await
    }

    async fn opts(&mut self, arg: &[u8]) -> io::Result<()> {
        let arg = arg.to_ascii_uppercase();
        if arg == b"UTF8 ON" || arg == b"UTF8" {
            if self.config().utf8 {
                self.reply("200 Always in UTF8 mode.").await
            } else {
                self.reply("501 Option not understood.").await
            }
        } else if arg.starts_with(b"MLST") && self.config().mlsd {
            self.reply("200 MLST OPTS type;size;modify;perm;UNIX.mode;").await
        } else {
            self.reply("501 Option not understood.").await
        }
    }

    async fn help(&mut self) -> io::Result<()> {
        self.reply(
            "214-The following commands are recognized.\r\n \
             ABOR ACCT APPE CDUP CWD DELE EPRT EPSV FEAT HELP LIST MDTM MKD MLSD MLST MODE NLST\r\n \
             NOOP OPTS PASS PASV PORT PWD QUIT REST RETR RMD RNFR RNTO SITE SIZE STAT STOR STRU\r\n \
             SYST TYPE USER\r\n\
             214 Help OK.",
        )
        .await
    }

    async fn type_(&mut self, arg: &[u8]) -> io::Result<()> {
        match arg.to_ascii_uppercase().as_slice() {
            b"A" | b"A N" => {
                self.ascii = true;
                self.reply("200 Switching to ASCII mode.").await
            }
            b"I" | b"L 8" => {
                self.ascii = false;
                self.reply("200 Switching to Binary mode.").await
            }
            _ => self.reply("504 Bad TYPE command.").await,
        }
    }

    /// The components of `arg` taken relative to the working directory (or to the root when it
    /// starts with `/`), with `.` and `..` resolved; `..` at the root stays at the root.
    fn components(&self, arg: &[u8]) -> Vec<Vec<u8>> {
        let mut parts = if arg.starts_with(b"/") { Vec::new() } else { self.cwd.clone() };
        for part in arg.split(|&b| b == b'/') {
            match part {
                b"" | b"." => {}
                b".." => {
                    parts.pop();
                }
                name => parts.push(name.to_vec()),
            }
        }
        parts
    }

    fn real_path(&self, parts: &[Vec<u8>]) -> Option<PathBuf> {
        let root = &self.shared.root;
        let mut path = root.clone();
        for part in parts {
            path.push(OsStr::from_bytes(part));
        }
        // A symbolic link inside the root must not lead outside it: the deepest existing ancestor
        // has to resolve to somewhere below the root.
        let mut probe = path.as_path();
        loop {
            if let Ok(real) = probe.canonicalize() {
                return real.starts_with(root).then_some(path);
            }
            probe = probe.parent()?;
        }
    }

    /// The real path for a command argument, or `None` when it would leave the root.
    pub(super) fn resolve(&self, arg: &[u8]) -> Option<PathBuf> {
        self.real_path(&self.components(arg))
    }

    async fn cwd(&mut self, arg: &[u8]) -> io::Result<()> {
        let parts = self.components(arg);
        match self.real_path(&parts) {
            Some(path) if path.is_dir() => {
                self.cwd = parts;
                self.reply("250 Directory successfully changed.").await
            }
            _ => self.reply("550 Failed to change directory.").await,
        }
    }

    async fn mkd(&mut self, arg: &[u8]) -> io::Result<()> {
        let parts = self.components(arg);
        let created = match self.real_path(&parts) {
            Some(path) if !arg.is_empty() => fs::create_dir(path).is_ok(),
            _ => false,
        };
        if created {
            let mut text = b"257 \"".to_vec();
            text.extend_from_slice(&quote_path(&virtual_string(&parts)));
            text.extend_from_slice(b"\" created");
            self.reply(text).await
        } else {
            self.reply("550 Create directory operation failed.").await
        }
    }

    /// A command that is one file-system call on one path, answered 250 or 550.
    async fn simple(&mut self, arg: &[u8], operation: fn(&Path) -> io::Result<()>, what: &str) -> io::Result<()> {
        let done = match self.resolve(arg) {
            // Never remove the served root itself.
            Some(path) if path != self.shared.root => operation(&path).is_ok(),
            _ => false,
        };
        if done {
            self.reply(format!("250 {what} operation successful.")).await
        } else {
            self.reply(format!("550 {what} operation failed.")).await
        }
    }

    async fn rnfr(&mut self, arg: &[u8]) -> io::Result<()> {
        match self.resolve(arg) {
            Some(path) if path != self.shared.root && fs::symlink_metadata(&path).is_ok() => {
                self.rename_from = Some(path);
                self.reply("350 Ready for RNTO.").await
            }
            _ => self.reply("550 RNFR command failed.").await,
        }
    }

    async fn rnto(&mut self, arg: &[u8]) -> io::Result<()> {
        let Some(from) = self.rename_from.take() else {
            return self.reply("503 RNFR required first.").await;
        };
        let renamed = match self.resolve(arg) {
            Some(to) if to != self.shared.root => fs::rename(from, to).is_ok(),
            _ => false,
        };
        if renamed { self.reply("250 Rename successful.").await } else { self.reply("550 Rename failed.").await }
    }

    pub(super) fn regular_file(&self, arg: &[u8]) -> Option<(PathBuf, fs::Metadata)> {
        let path = self.resolve(arg)?;
        let meta = fs::metadata(&path).ok()?;
        meta.is_file().then_some((path, meta))
    }

    async fn size(&mut self, arg: &[u8]) -> io::Result<()> {
        // RFC 3659 section 4: the size is that of the transfer in the current TYPE; the served
        // files are taken as already in the server's line convention, as vsftpd does.
        match self.regular_file(arg) {
            Some((_, meta)) => self.reply(format!("213 {}", meta.len())).await,
            None => self.reply("550 Could not get file size.").await,
        }
    }

    async fn mdtm(&mut self, arg: &[u8]) -> io::Result<()> {
        match self.regular_file(arg) {
            Some((_, meta)) => {
                let time = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                let stamp = Utc::from_system_time(time).time_val();
                self.reply(format!("213 {stamp}")).await
            }
            None => self.reply("550 Could not get file modification time.").await,
        }
    }

    async fn rest(&mut self, arg: &[u8]) -> io::Result<()> {
        match std::str::from_utf8(arg).ok().and_then(|s| s.parse::<u64>().ok()) {
            Some(offset) => {
                self.rest = offset;
                self.reply(format!("350 Restart position accepted ({offset}).")).await
            }
            None => self.reply("501 REST requires a value greater than or equal to 0.").await,
        }
    }

    async fn stat(&mut self, arg: &[u8]) -> io::Result<()> {
        if arg.is_empty() {
            let user = self.user_name();
            let mode = if self.ascii { "ASCII" } else { "BINARY" };
            let text = format!(
                "211-FTP server status:\r\n Connected to {}\r\n Logged in as {user}\r\n \
                 TYPE: {mode}\r\n211 End of status",
                self.peer.ip()
            );
            return self.reply(text).await;
        }
        let Some(listing) = self.listing(arg, ListKind::Long) else {
            return self.reply("550 No such file or directory.").await;
        };
        // Listing lines start with the mode letter, never a digit, so they cannot end the reply.
        let mut text = b"213-Status follows:\r\n".to_vec();
        text.extend_from_slice(&listing);
        text.extend_from_slice(b"213 End of status");
        self.reply(text).await
    }

    fn user_name(&self) -> String {
        self.user.clone().unwrap_or_else(|| "anonymous".to_owned())
    }

    async fn site(&mut self, arg: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(arg).into_owned();
        let mut words = text.splitn(3, ' ');
        let sub = words.next().unwrap_or("").to_ascii_uppercase();
        match sub.as_str() {
            "CHMOD" => {
                let mode = words.next().and_then(|m| u32::from_str_radix(m, 8).ok());
                let target = arg.splitn(3, |&b| b == b' ').nth(2);
                let changed = match (mode, target.and_then(|t| self.resolve(t))) {
                    (Some(mode), Some(path)) if mode <= 0o7777 => {
                        fs::set_permissions(path, fs::Permissions::from_mode(mode)).is_ok()
                    }
                    _ => false,
                };
                if changed {
                    self.reply("200 SITE CHMOD command ok.").await
                } else {
                    self.reply("550 SITE CHMOD command failed.").await
                }
            }
            "HELP" => self.reply("214 CHMOD HELP").await,
            _ => self.reply("500 Unknown SITE command.").await,
        }
    }

    /// The listing of a directory or a single file, CRLF after every line; `None` if it does not
    /// exist. A LIST argument may start with `ls` options (`-la`), which are skipped.
    pub(super) fn listing(&self, arg: &[u8], kind: ListKind) -> Option<Vec<u8>> {
        let mut arg = arg;
        if kind == ListKind::Long {
            while arg.starts_with(b"-") {
                let end = arg.iter().position(|&b| b == b' ').unwrap_or(arg.len());
                arg = arg[end..].strip_prefix(b" ").unwrap_or(&arg[end..]);
            }
        }
        let path = self.resolve(arg)?;
        let meta = fs::symlink_metadata(&path).ok()?;
        let now = SystemTime::now();
        let mut out = Vec::new();
        let mut line = |bytes: &[u8]| {
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        };
        if !fs::metadata(&path).ok()?.is_dir() {
            let name = path.file_name().map(OsStrExt::as_bytes).unwrap_or(b"");
            line(&listing::entry_line(kind, name, &path, &meta, now, self.shared.config.style));
            return Some(out);
        }
        if kind == ListKind::Machine {
            let mut cdir = listing::facts(&fs::metadata(&path).ok()?, Some("cdir")).into_bytes();
            cdir.push(b'.');
            line(&cdir);
        }
        let mut entries: Vec<_> =
            fs::read_dir(&path).ok()?.filter_map(Result::ok).map(|entry| entry.file_name()).collect();
        entries.sort();
        for name in entries {
            let full = path.join(&name);
            let Ok(meta) = fs::symlink_metadata(&full) else {
                continue;
            };
            line(&listing::entry_line(kind, name.as_bytes(), &full, &meta, now, self.shared.config.style));
        }
        if path == self.shared.root && kind != ListKind::Names {
            for extra in &self.shared.config.inject_listing {
                line(extra);
            }
        }
        Some(out)
    }

    async fn xsha256(&mut self, arg: &[u8]) -> io::Result<()> {
        let Some(mut bytes) = self.resolve(arg).and_then(|p| fs::read(p).ok()) else {
            return self.reply("550 No such file.").await;
        };
        if self.config().xsha256 == Some(false) {
            bytes.push(b'!');
        }
        let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        self.reply(format!("250 {hex}")).await
    }

    async fn mlst(&mut self, arg: &[u8]) -> io::Result<()> {
        let parts = self.components(arg);
        let meta = self.real_path(&parts).and_then(|path| fs::metadata(path).ok());
        let Some(meta) = meta else {
            return self.reply("550 No such file or directory.").await;
        };
        // RFC 3659 section 7.2: one fact line, starting with a space, between 250- and 250.
        let mut text = b"250-Listing\r\n ".to_vec();
        text.extend_from_slice(listing::facts(&meta, None).as_bytes());
        text.extend_from_slice(&virtual_string(&parts));
        text.extend_from_slice(b"\r\n250 End");
        self.reply(text).await
    }
}

/// The upper-cased verb and the raw argument after the first space.
pub(super) fn split_command(line: &[u8]) -> (String, &[u8]) {
    let (verb, arg) = match line.iter().position(|&b| b == b' ') {
        Some(space) => (&line[..space], &line[space + 1..]),
        None => (line, &line[line.len()..]),
    };
    (String::from_utf8_lossy(verb).to_ascii_uppercase(), arg)
}

fn virtual_string(parts: &[Vec<u8>]) -> Vec<u8> {
    if parts.is_empty() {
        return b"/".to_vec();
    }
    let mut out = Vec::new();
    for part in parts {
        out.push(b'/');
        out.extend_from_slice(part);
    }
    out
}

/// RFC 959 Appendix II: a `"` inside a quoted path name is doubled.
fn quote_path(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len());
    for &byte in path {
        if byte == b'"' {
            out.push(b'"');
        }
        out.push(byte);
    }
    out
}

pub(super) fn base_name(arg: &[u8]) -> &[u8] {
    arg.rsplit(|&b| b == b'/').next().unwrap_or(arg)
}
