//! The shell's settings: transfer type, data-connection modes, transcript, progress, prompting,
//! and `status`, which shows them all. They change how later commands run, not the server.

use std::path::Path;

use anyhow::{Result, bail};

use super::Conn;
use super::State;
use super::grammar::{Cmd, PassiveArg, TypeArg};
use super::place_name;
use crate::error::AppError;
use crate::ftp::{DataMode, ModePolicy};
use crate::text::escape;

impl State {
    /// One of the settings commands.
    pub(super) async fn setting(&mut self, cmd: Cmd) -> Result<()> {
        match cmd {
            Cmd::Prompt(t) => {
                self.settings.prompt = t.apply(self.settings.prompt);
                println!("Interactive mode {}.", on_off(self.settings.prompt));
            }
            Cmd::Status => self.status(),
            Cmd::Binary => self.set_type(false).await?,
            Cmd::Ascii => self.set_type(true).await?,
            Cmd::Type { kind } => match kind {
                Some(TypeArg::Ascii) => self.set_type(true).await?,
                Some(TypeArg::Binary | TypeArg::Image) => self.set_type(false).await?,
                None => println!("Using {} mode to transfer files.", type_name(self.settings.ascii)),
            },
            Cmd::Passive { setting } => {
                self.settings.policy = match setting {
                    Some(PassiveArg::On) => ModePolicy::Passive,
                    Some(PassiveArg::Off) => ModePolicy::Active,
                    Some(PassiveArg::Auto) => ModePolicy::Auto,
                    // A toggle, as in the classic client: passive (the default, also `auto`)
                    // becomes active, and active becomes passive.
                    None => match self.settings.policy {
                        ModePolicy::Active => ModePolicy::Passive,
                        ModePolicy::Only(m) if !m.is_passive() => ModePolicy::Passive,
                        _ => ModePolicy::Active,
                    },
                };
                self.apply_modes();
                let word = match self.settings.policy {
                    ModePolicy::Auto => "auto",
                    ModePolicy::Passive => "on",
                    ModePolicy::Active => "off",
                    ModePolicy::Only(m) if m.is_passive() => "on",
                    ModePolicy::Only(_) => "off",
                };
                println!("Passive mode: {word} ({}).", self.modes_text());
            }
            Cmd::Mode { mode } => {
                if let Some(mode) = mode {
                    self.settings.policy = mode;
                    self.apply_modes();
                }
                println!("Mode {}: {}.", policy_name(self.settings.policy), self.modes_text());
            }
            Cmd::Epsv4(t) => {
                self.settings.epsv4 = t.apply(self.settings.epsv4);
                self.apply_modes();
                println!("EPSV/EPRT on IPv4: {} ({}).", on_off(self.settings.epsv4), self.modes_text());
            }
            Cmd::Debug(t) => {
                let on = t.apply(self.opts.transcript.debug());
                self.opts.transcript.set_debug(on);
                println!("Debugging {}.", on_off(on));
            }
            Cmd::Explain(t) => {
                let on = t.apply(self.opts.transcript.explain());
                self.opts.transcript.set_explain(on);
                // The notes go under the transcript's lines: no notes without them.
                if on {
                    self.opts.transcript.set_debug(true);
                }
                println!("Explaining {}.", on_off(on));
            }
            Cmd::Trace { file } => match file.as_deref() {
                None => println!("Trace {}.", on_off(self.opts.transcript.is_tracing())),
                Some("off") => {
                    self.opts.transcript.set_trace(None).map_err(|e| AppError::local(Path::new("-"), e))?;
                    println!("Trace off.");
                }
                Some(path) => {
                    let path = Path::new(path);
                    self.opts.transcript.set_trace(Some(path)).map_err(|e| AppError::local(path, e))?;
                    println!("Tracing to {}.", path.display());
                }
            },
            Cmd::Hash { setting } => {
                self.settings.hash = match setting.as_deref() {
                    None => self.settings.hash.xor(Some(1024)),
                    Some("on") => Some(self.settings.hash.unwrap_or(1024)),
                    Some("off") => None,
                    Some(size) => Some(parse_size(size)?),
                };
                match self.settings.hash {
                    Some(n) => println!("Hash mark printing on ({n} bytes/hash mark)."),
                    None => println!("Hash mark printing off."),
                }
            }
            Cmd::Progress(t) => {
                self.settings.bars = t.apply(self.settings.bars);
                println!("Progress bar {}.", on_off(self.settings.bars));
            }
            Cmd::Retry { count, delay } => {
                if let Some(n) = count {
                    self.settings.retry.retries = n;
                }
                if let Some(d) = delay {
                    if !(d.is_finite() && (0.0..1e9).contains(&d)) {
                        bail!(AppError::Usage("retry: DELAY must be a number of seconds, 0 or more".into()));
                    }
                    self.settings.retry.delay = std::time::Duration::from_secs_f64(d);
                }
                println!("Retries: {}.", retry_text(&self.settings.retry));
            }
            Cmd::Verbose(t) => {
                let on = t.apply(self.replies.verbose());
                self.replies.set_verbose(on);
                println!("Verbose mode {}.", on_off(on));
            }
            _ => unreachable!("not a settings command"),
        }
        Ok(())
    }

    async fn set_type(&mut self, ascii: bool) -> Result<()> {
        self.settings.ascii = ascii;
        if let Some(session) = self.current()
            && session.is_usable()
        {
            session.set_type(ascii).await?;
        }
        println!("Using {} mode to transfer files.", type_name(ascii));
        Ok(())
    }

    /// The modes the session tries now, or would try once connected.
    fn modes_text(&self) -> String {
        let modes: Vec<DataMode> = match &self.conn {
            Conn::Up { session, .. } => session.modes().to_vec(),
            _ => self.settings.policy.modes_for(false, self.settings.epsv4),
        };
        let names: Vec<&str> = modes.iter().map(|m| m.name()).collect();
        format!("trying {}", names.join(", then "))
    }

    fn status(&self) {
        match &self.conn {
            Conn::Up { session, place } => {
                println!(
                    "Connected to {} ({}) as {}.",
                    place_name(&place.target),
                    session.peer_addr(),
                    place.creds.user
                );
                if let Some(cwd) = &place.cwd {
                    println!("Remote directory: {}", escape(cwd));
                }
            }
            Conn::Lost(place) => println!("Not connected: the connection to {} was lost.", place_name(&place.target)),
            Conn::Closed => println!("Not connected."),
        }
        println!("Data connections: mode {}, {}.", policy_name(self.settings.policy), self.modes_text());
        println!("EPSV/EPRT on IPv4 (epsv4): {}.", on_off(self.settings.epsv4));
        println!("Transfer type: {}.", type_name(self.settings.ascii));
        let tls = match &self.conn {
            Conn::Up { session, .. } if session.is_tls() => {
                let data = match session.config().tls.as_ref().is_some_and(|t| t.protect_data) {
                    true => "data connections encrypted too (PROT P)",
                    false => "data connections in the clear (PROT C)",
                };
                format!("control connection encrypted, {data}")
            }
            Conn::Up { .. } => "none (plain FTP)".to_owned(),
            _ => "not connected".to_owned(),
        };
        println!("TLS: {tls}.");
        println!(
            "Verbose: {}; debug: {}; trace: {}; hash: {}; progress: {}; prompt: {}.",
            on_off(self.replies.verbose()),
            on_off(self.opts.transcript.debug()),
            on_off(self.opts.transcript.is_tracing()),
            self.settings.hash.map_or("off".to_owned(), |n| format!("every {n} bytes")),
            on_off(self.settings.bars),
            on_off(self.settings.prompt),
        );
        println!("Retries: {}.", retry_text(&self.settings.retry));
        if let Ok(dir) = std::env::current_dir() {
            println!("Local directory: {}", dir.display());
        }
    }
}

fn parse_size(s: &str) -> Result<u64> {
    let lower = s.to_ascii_lowercase();
    let (digits, unit) = match lower.strip_suffix(['k', 'm']) {
        Some(d) => (d, if lower.ends_with('k') { 1024 } else { 1024 * 1024 }),
        None => (lower.as_str(), 1),
    };
    match digits.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n * unit),
        _ => bail!(AppError::Usage(format!("hash: '{s}' is not on, off or a size like 1024, 64k or 1m"))),
    }
}

/// `retry`'s setting as `status` shows it.
fn retry_text(p: &crate::retry::Policy) -> String {
    match p.retries {
        0 => "off (retry N to try a failed transfer again)".to_owned(),
        n => format!("up to {n}, the first after {:.1}s, resuming where a transfer stopped", p.delay.as_secs_f64()),
    }
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

fn type_name(ascii: bool) -> &'static str {
    if ascii { "ascii" } else { "binary" }
}

fn policy_name(p: ModePolicy) -> String {
    match p {
        ModePolicy::Auto => "auto".into(),
        ModePolicy::Passive => "passive".into(),
        ModePolicy::Active => "active".into(),
        ModePolicy::Only(m) => m.name().to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_sizes() {
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert_eq!(parse_size("64k").unwrap(), 65536);
        assert_eq!(parse_size("1M").unwrap(), 1 << 20);
        assert!(parse_size("0").is_err() && parse_size("lots").is_err());
    }
}
