//! A transfer that broke half way: which way, why, how far it got and how to resume.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::ftp::Reply;

/// How to go on after a partial download or upload when the front end has not said (the shell).
pub(super) const RESUME_GET: &str = " for -c (reget in the shell)";
pub(super) const RESUME_PUT: &str = "resume with put -c (reput in the shell)";

/// Which way a transfer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Get,
    Put,
}

/// How a transfer broke.
#[derive(Debug)]
pub enum Cause {
    /// The data connection failed under the transfer (reset, closed early).
    Data(io::ErrorKind, String),
    /// Nothing moved on the data connection for the idle timeout.
    Stalled(Duration),
    /// The server ended the transfer with a transient failure (426, 451) on a data connection
    /// that closed cleanly.
    Server(Reply),
    /// The data connection closed cleanly, the server said 226, and bytes are missing.
    Short,
    /// The data moved, and the final reply never came: the control connection was closed or
    /// went silent (`complete`: every byte SIZE announced did arrive or was sent).
    ReplyLost { why: String, complete: Option<bool> },
}

/// A transfer that broke half way: whatever arrived is kept (a download's `.part`) and it can
/// be resumed. Exit status 11.
#[derive(Debug)]
pub struct Broken {
    pub direction: Direction,
    pub cause: Cause,
    /// What the server said about it, when it said something (426 after a reset).
    pub reply: Option<Reply>,
    /// Bytes the destination has now (the `.part`'s size, or what was sent in all).
    pub done: u64,
    pub total: Option<u64>,
    /// The `.part` kept, for a download to a file.
    pub kept: Option<PathBuf>,
    /// Whether trying again can go on from `done` (not for stdout or a device).
    pub resumable: bool,
    /// The command that resumes it, when the front end said.
    pub resume_with: Option<String>,
}

impl Broken {
    /// The data all arrived or was sent, and only the final reply is missing: a reconnection
    /// and a size check can confirm the file instead of moving it again.
    pub fn data_complete(&self) -> bool {
        matches!(self.cause, Cause::ReplyLost { complete: Some(true), .. })
    }
}

impl Broken {
    /// What happened, without what was kept or how to resume: for the warning before a
    /// reconnection confirms the file (the `.part` is about to be completed, not kept).
    pub fn happened(&self) -> String {
        struct What<'a>(&'a Broken);
        impl fmt::Display for What<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.what(f)
            }
        }
        What(self).to_string()
    }

    fn what(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let of = match self.total {
            Some(t) => format!("{} of {} bytes", grouped(self.done), grouped(t)),
            None => format!("{} bytes", grouped(self.done)),
        };
        // What an upload wrote may still have been in the socket buffers: "sent", not "stored".
        let after = if self.direction == Direction::Put { "with" } else { "after" };
        let sent = if self.direction == Direction::Put { " sent" } else { "" };
        match &self.cause {
            Cause::Data(kind, detail) => {
                let what = match kind {
                    io::ErrorKind::ConnectionReset => "was reset".to_owned(),
                    io::ErrorKind::ConnectionAborted => "was aborted".to_owned(),
                    io::ErrorKind::BrokenPipe => "was closed by the server".to_owned(),
                    io::ErrorKind::UnexpectedEof => "closed early".to_owned(),
                    _ => format!("broke ({detail})"),
                };
                write!(f, "the data connection {what} {after} {of}{sent}")?;
            }
            Cause::Stalled(idle) => {
                write!(f, "the data connection stalled {after} {of}{sent}: nothing moved for {}s", idle.as_secs_f64())?
            }
            Cause::Server(reply) => write!(f, "the server broke off the transfer {after} {of}{sent}: {reply}")?,
            Cause::Short => write!(f, "the data connection closed after {of}, and the server called it complete")?,
            Cause::ReplyLost { why, complete } => {
                let moved = if self.direction == Direction::Get { "arrived" } else { "were sent" };
                match complete {
                    Some(true) => write!(f, "all {of} {moved}, but the server's final reply never came ({why})")?,
                    _ => write!(f, "{of} {moved}, then the server's final reply never came ({why})")?,
                }
            }
        }
        if let Some(reply) = &self.reply {
            write!(f, " (the server said: {reply})")?;
        }
        Ok(())
    }
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.what(f)?;
        if let Some(part) = &self.kept {
            write!(f, "; {} kept", part.display())?;
            if self.resume_with.is_none() {
                f.write_str(RESUME_GET)?;
            }
        } else if self.direction == Direction::Put && self.resume_with.is_none() {
            write!(f, "; {RESUME_PUT}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Broken {}

/// `20185088` as `20,185,088`: byte counts a reader compares at a glance.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(20_185_088), "20,185,088");
        assert_eq!(grouped(67_108_864), "67,108,864");
    }

    #[test]
    fn breaks_say_what_broke_and_how_far_it_got() {
        let broken = |cause| Broken {
            direction: Direction::Get,
            cause,
            reply: None,
            done: 20_185_088,
            total: Some(67_108_864),
            kept: Some("big.bin.part".into()),
            resumable: true,
            resume_with: Some("ftpx get -c ftp://h/big.bin".into()),
        };
        let reset = broken(Cause::Data(io::ErrorKind::ConnectionReset, "connection reset by peer".into()));
        assert_eq!(
            reset.to_string(),
            "the data connection was reset after 20,185,088 of 67,108,864 bytes; big.bin.part kept"
        );
        let stalled = broken(Cause::Stalled(Duration::from_secs(60))).to_string();
        assert!(stalled.contains("stalled after 20,185,088 of 67,108,864 bytes: nothing moved for 60s"), "{stalled}");
        let lost = broken(Cause::ReplyLost { why: "no reply within 60s".into(), complete: Some(true) });
        assert!(lost.data_complete());
        assert!(lost.to_string().starts_with("all 20,185,088 of 67,108,864 bytes arrived"), "{lost}");
        assert_eq!(
            lost.happened(),
            "all 20,185,088 of 67,108,864 bytes arrived, but the server's final reply never came (no reply within 60s)"
        );
    }
}
