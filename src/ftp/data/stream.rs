//! An open data connection: reads and writes under the idle timeout, and the kernel's zero-copy
//! paths on Linux (sendfile(2) out of a file, splice(2) into a pipe).

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
use tokio::time::timeout;

use super::data_io;
use crate::ftp::{DataMode, Error, Phase, Reply, Stream};

/// An open data connection, readable and writable with the idle timeout applied.
pub struct DataStream {
    /// `None` when the server gave its final reply without opening a connection.
    pub(super) stream: Option<Stream>,
    pub mode: DataMode,
    pub peer: SocketAddr,
    pub(super) name: String,
    pub(super) command: String,
    pub(super) idle: Duration,
    pub(super) started: Instant,
    pub(super) bytes: u64,
    /// The transfer command's final reply, when it came before the data (a 226 with no 150).
    pub(super) early_final: Option<Reply>,
    /// Under PROT P: whether the TLS session resumed the control connection's.
    pub tls_resumed: Option<bool>,
    /// Whether [`DataStream::send_file`] may be used (see [`super::SendFile`]).
    pub(super) kernel_may_send: bool,
    /// Whether [`DataStream::splice_into`] may be used (see [`super::SendFile`]).
    pub(super) kernel_may_receive: bool,
    /// The system call that moved the bytes without passing them through this process, if one
    /// did (said in the closing note).
    pub(super) kernel_copy: Option<&'static str>,
}

impl DataStream {
    /// Reads into `buf`; `Ok(0)` at the end of the data.
    pub async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let Some(stream) = &mut self.stream else { return Ok(0) };
        let n = match timeout(self.idle, stream.read(buf)).await {
            Err(_) => return Err(Error::Timeout { phase: Phase::Idle, after: self.idle }),
            // A TLS peer that closes without close_notify: the end of the data as far as TCP
            // goes (many servers do it); truncation is caught by the size check.
            Ok(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof && stream.is_tls() => 0,
            Ok(r) => r.map_err(data_io)?,
        };
        self.bytes += n as u64;
        Ok(n)
    }

    pub async fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
        let Some(stream) = &mut self.stream else {
            return Err(data_io(io::Error::new(io::ErrorKind::BrokenPipe, "the server closed it")));
        };
        match timeout(self.idle, stream.write_all(buf)).await {
            Err(_) => Err(Error::Timeout { phase: Phase::Idle, after: self.idle }),
            Ok(r) => {
                r.map_err(data_io)?;
                self.bytes += buf.len() as u64;
                Ok(())
            }
        }
    }

    /// Whether [`DataStream::send_file`] is to send on this connection: a plain TCP one on
    /// Linux, as the session's [`super::SendFile`] says. TLS encrypts in this process, so its bytes
    /// must pass through it.
    pub fn can_send_file(&self) -> bool {
        self.kernel_may_send
    }

    /// Sends up to `count` bytes of `file` from its current position (which moves on by what was
    /// sent) with sendfile(2): the kernel copies from the page cache to the socket, and the bytes
    /// never pass through this process. Waits for the socket as [`DataStream::write_all`] does,
    /// under the idle timeout; returns the bytes sent (at least one), or 0 at the end of the file.
    #[cfg(target_os = "linux")]
    pub async fn send_file(&mut self, file: &std::fs::File, count: usize) -> Result<usize, Error> {
        // sendfile takes what fits in the socket's buffer.
        self.by_kernel("sendfile", Interest::WRITABLE, |tcp| {
            rustix::fs::sendfile(tcp, file, None, count).map_err(io::Error::from)
        })
        .await
    }

    /// One system call that moves bytes between the plain TCP connection and a file or pipe
    /// without passing them through this process, `call` (named `name` in the closing note), made
    /// once the socket is ready for `interest`, under the idle timeout. The socket is non-blocking:
    /// EAGAIN clears the readiness, so the next wait is for the socket to be ready again.
    #[cfg(target_os = "linux")]
    async fn by_kernel(
        &mut self,
        name: &'static str,
        interest: Interest,
        mut call: impl FnMut(&tokio::net::TcpStream) -> io::Result<usize>,
    ) -> Result<usize, Error> {
        let Some(Stream::Tcp(tcp)) = &self.stream else {
            let why = format!("{name} needs a plain TCP connection");
            return Err(data_io(io::Error::new(io::ErrorKind::Unsupported, why)));
        };
        let moved = async {
            loop {
                tcp.ready(interest).await?;
                match tcp.try_io(interest, || call(tcp)) {
                    Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted) => {}
                    r => return r,
                }
            }
        };
        let n = match timeout(self.idle, moved).await {
            Err(_) => return Err(Error::Timeout { phase: Phase::Idle, after: self.idle }),
            Ok(r) => r.map_err(data_io)?,
        };
        self.bytes += n as u64;
        self.kernel_copy = Some(name);
        Ok(n)
    }

    /// Never called: [`DataStream::can_send_file`] is false on other systems.
    #[cfg(not(target_os = "linux"))]
    pub async fn send_file(&mut self, _file: &std::fs::File, _count: usize) -> Result<usize, Error> {
        Err(data_io(io::Error::new(io::ErrorKind::Unsupported, "sendfile is used on Linux only")))
    }

    /// Whether [`DataStream::splice_into`] is to receive on this connection: a plain TCP one on
    /// Linux, unless the session's [`super::SendFile`] is `Never`. TLS decrypts in this process,
    /// so its bytes must pass through it.
    pub fn can_splice(&self) -> bool {
        self.kernel_may_receive
    }

    /// Moves up to `count` received bytes into the pipe `pipe` (its write end, empty) with
    /// splice(2): the kernel hands the socket's pages to the pipe, and the bytes never pass
    /// through this process. Waits for data as [`DataStream::read`] does, under the idle timeout;
    /// returns the bytes moved (at least one), or 0 at the end of the data.
    #[cfg(target_os = "linux")]
    pub async fn splice_into(&mut self, pipe: std::os::fd::BorrowedFd<'_>, count: usize) -> Result<usize, Error> {
        use rustix::pipe::{SpliceFlags, splice};
        // The pipe is empty, so EAGAIN can only mean that no data has come yet.
        self.by_kernel("splice", Interest::READABLE, |tcp| {
            splice(tcp, None, pipe, None, count, SpliceFlags::MOVE | SpliceFlags::NONBLOCK).map_err(io::Error::from)
        })
        .await
    }

    /// Never called: [`DataStream::can_splice`] is false on other systems.
    #[cfg(not(target_os = "linux"))]
    pub async fn splice_into(&mut self, _pipe: std::os::fd::BorrowedFd<'_>, _count: usize) -> Result<usize, Error> {
        Err(data_io(io::Error::new(io::ErrorKind::Unsupported, "splice is used on Linux only")))
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Whether a data connection was made: false when the server gave the transfer command's
    /// final reply without one (some do for an empty listing).
    pub fn is_connected(&self) -> bool {
        self.stream.is_some()
    }
}

/// Reads and discards to the end of the stream, at most a few MiB.
pub(super) async fn drain(stream: &mut Stream) -> io::Result<()> {
    let mut buf = [0u8; 8192];
    for _ in 0..512 {
        if stream.read(&mut buf).await? == 0 {
            break;
        }
    }
    Ok(())
}
