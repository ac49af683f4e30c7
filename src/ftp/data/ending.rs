//! The end of a transfer: closing the data connection and reading the final reply, leaving it
//! owed while the next download is requested, and abandoning a transfer (ABOR).

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::time::timeout;

use super::stream::drain;
use super::{DataStream, OwedReply, Pipeline, refuses_tls_session};
use crate::ftp::{Command, DataMode, Error, Reply, Session, Stream};

impl Session {
    /// Closes the data connection and reads the transfer's final reply: 2xx is success, anything
    /// else `Refused` with the reply.
    pub async fn finish_data(&mut self, data: DataStream) -> Result<Reply, Error> {
        let DataStream { stream, mode, name, command, started, bytes, early_final, tls_resumed, kernel_copy, .. } =
            data;
        let mut reply = early_final;
        if let Some(mut stream) = stream {
            // Our half closes first so an upload's end is seen (the server answers 226 only then);
            // under TLS this sends close_notify (RFC 4217 §12.6).
            let _ = timeout(self.config.timeout, stream.shutdown()).await;
            if stream.is_tls() {
                // Read to the end: the server's close_notify, and the TLS 1.3 tickets it sent on
                // this connection, which later data connections resume with. Beside the final
                // reply, so a server that answers 226 and keeps the connection open costs a
                // moment, not the whole timeout.
                let drained = drain(&mut stream);
                tokio::pin!(drained);
                let mut done = false;
                if reply.is_none() {
                    tokio::select! {
                        _ = &mut drained => done = true,
                        r = self.final_reply() => reply = Some(r?),
                    }
                }
                if !done {
                    let _ = timeout(Duration::from_secs(1), drained).await;
                }
            }
        }
        self.note_closed(&name, mode, started, bytes, kernel_copy);
        let reply = match reply {
            Some(r) => r,
            None => self.final_reply().await?,
        };
        self.conclude(command, reply, tls_resumed)
    }

    fn note_closed(&self, name: &str, mode: DataMode, started: Instant, bytes: u64, kernel_copy: Option<&str>) {
        let secs = started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { bytes as f64 / secs / 1e6 } else { 0.0 };
        let how = kernel_copy.map(|call| format!(", by {call}")).unwrap_or_default();
        self.note(name, &format!("{mode}: closed after {bytes} bytes in {secs:.3} s ({rate:.1} MB/s{how})"));
    }

    /// A transfer's final reply: 2xx is success, anything else `Refused` with the reply.
    fn conclude(&self, command: String, reply: Reply, tls_resumed: Option<bool>) -> Result<Reply, Error> {
        if reply.is_success() {
            return Ok(reply);
        }
        Err(self.transfer_refused(command, reply, tls_resumed))
    }

    /// After the end of a download's data (the server closed the connection): closes our side and
    /// leaves the transfer's final reply owed, to be read by [`Session::settle`] or, overlapping
    /// the next download's request, by [`Session::open_data_after`]. The data stream comes back
    /// (for [`Session::finish_data`]) when the reply cannot wait: not a RETR, or a TLS data
    /// connection, whose close_notify and TLS 1.3 tickets (which later data connections resume
    /// with) are read beside the final reply.
    pub async fn close_data_owing(&mut self, data: DataStream) -> Result<OwedReply, DataStream> {
        if data.command.split(' ').next() != Some("RETR") || data.stream.as_ref().is_some_and(Stream::is_tls) {
            return Err(data);
        }
        let DataStream { stream, mode, name, command, started, bytes, early_final, tls_resumed, kernel_copy, .. } =
            data;
        if let Some(mut stream) = stream {
            // vsftpd sends its 226 only once it has read our FIN.
            let _ = timeout(self.config.timeout, stream.shutdown()).await;
        }
        self.note_closed(&name, mode, started, bytes, kernel_copy);
        Ok(OwedReply { command, tls_resumed, known: early_final })
    }

    /// Reads a download's owed final reply: what [`Session::finish_data`] would have returned.
    pub async fn settle(&mut self, owed: OwedReply) -> Result<Reply, Error> {
        let reply = match owed.known {
            Some(r) => r,
            None => self.final_reply().await?,
        };
        self.conclude(owed.command, reply, owed.tls_resumed)
    }

    /// Settles `owed` and opens the data connection for `cmd`, both as [`Session::settle`] and
    /// [`Session::open_data`] would, but where the session pipelines (see [`Pipeline`]) and `cmd`
    /// is a RETR without REST, the mode command and `cmd` go out before the owed reply is read:
    /// the wait for the last file's final reply (vsftpd sends it a round trip after the data,
    /// once it has read our FIN) overlaps the request for the next (RFC 959 §5.3.1: the server
    /// reads commands in order). Returns the owed transfer's result, then the new data stream.
    /// A server that cannot take it answers the mode command sent ahead with an error, which
    /// turns pipelining off for the session and tries `cmd` again the plain way.
    pub async fn open_data_after(
        &mut self,
        owed: OwedReply,
        cmd: &Command,
        rest: Option<u64>,
    ) -> (Result<Reply, Error>, Result<DataStream, Error>) {
        let mode = self.modes[0];
        let ahead =
            owed.known.is_none() && cmd.verb() == "RETR" && rest.is_none() && self.pipeline == Pipeline::Proven(mode);
        if !ahead {
            let previous = self.settle(owed).await;
            return (previous, self.open_data(cmd, rest).await);
        }
        let sent = async {
            self.send(&Command::bare(mode.name())).await?;
            self.send(cmd).await
        };
        if let Err(e) = sent.await {
            return (Err(e), Err(Error::Unusable));
        }
        let reply = match self.final_reply().await {
            Ok(reply) => reply,
            Err(e) => return (Err(e), Err(Error::Unusable)),
        };
        if matches!(reply.code, 227 | 229) {
            // The mode command answered before the owed reply: the replies are out of step with
            // the commands, so nothing more goes on this session (a new one does not overlap).
            self.pipeline = Pipeline::Off;
            self.mark_broken();
            self.note("control", &format!("{mode}: answered before the last transfer's final reply: {reply}"));
            // The owed reply is lost with the session: the caller confirms the file on another.
            return (Err(Error::Unusable), Err(Error::Unusable));
        }
        let previous = self.conclude(owed.command, reply, owed.tls_resumed);
        (previous, self.open_data_sent(cmd, rest, true).await)
    }

    /// A transfer's failure reply; under PROT P, a refusal of the data connection's TLS session
    /// (see [`refuses_tls_session`]) is a TLS error, with what happened to the session.
    pub(super) fn transfer_refused(&self, command: String, reply: Reply, tls_resumed: Option<bool>) -> Error {
        let protected = self.config.tls.as_ref().is_some_and(|t| t.protect_data);
        if protected && refuses_tls_session(&reply, tls_resumed) {
            return Error::TlsData { reply, resumed: tls_resumed };
        }
        Error::Refused { command, reply }
    }

    /// After the server closed or reset a data connection mid-transfer: its final reply (426,
    /// 451, vsftpd's 522 for a TLS session that did not resume) usually follows at once and says
    /// why, so it is awaited briefly and returned as the error; a server that says nothing gets
    /// ABOR, so the session stays in step. Also for a reader that stops early (a segmented
    /// download at the end of its range): the connection is closed first, since a server still
    /// sending is blocked on the full window and would never reply; the 426 or 451 that follows
    /// is returned as the error.
    pub async fn close_broken_data(&mut self, data: DataStream) -> Result<(), Error> {
        let DataStream { command, tls_resumed, stream, .. } = data;
        drop(stream);
        let deadline = tokio::time::Instant::now() + self.config.timeout;
        let wait = self.config.timeout.min(Duration::from_secs(3));
        match self.reply_within(wait).await? {
            Some(reply) if reply.is_preliminary() || reply.is_success() => Ok(()),
            Some(reply) => Err(self.transfer_refused(command, reply, tls_resumed)),
            // ABOR and its replies within what is left of one timeout, not a fresh one each.
            None => self.abort_by(deadline).await,
        }
    }

    /// Abandons a transfer: closes the data connection and sends ABOR (RFC 959 §4.1.3).
    pub async fn abort_data(&mut self, data: DataStream) -> Result<(), Error> {
        drop(data);
        // One deadline for ABOR's reply and the transfer's 426 before it.
        self.abort_by(tokio::time::Instant::now() + self.config.timeout).await
    }

    /// [`Session::abort_by`] within one timeout.
    pub(super) async fn abort(&mut self) -> Result<(), Error> {
        self.abort_by(tokio::time::Instant::now() + self.config.timeout).await
    }
}
