//! The probe as an operation: the four attempts at once against one server, as one user, then
//! the diagnosis. `ftpx probe` and the shell's `probe` both run this; `report` renders it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use crate::ftp::{Config, ModePolicy, PasvAddress};
use crate::options::Options;
use crate::probe::{self, Diagnosis, Observations};
use crate::target::{Credentials, Target};

/// What the probe saw and what it concluded.
pub struct Probed {
    pub observations: Observations,
    pub diagnosis: Diagnosis,
}

impl Probed {
    /// Whether some mode works (else the exit status says none does).
    pub fn found_a_mode(&self) -> bool {
        self.diagnosis.recommended.is_some()
    }
}

/// Probes `target` as `creds`, listing `path` (or the login directory), each attempt within
/// `deadline`.
pub async fn probe(
    opts: &Options,
    target: &Target,
    creds: &Credentials,
    path: Option<Vec<u8>>,
    deadline: Duration,
) -> Result<Probed> {
    let mut config = (*opts.session_config(target)?).clone();
    // PASV's own attempt follows the default policy (the control peer); the probe tries the
    // advertised address separately, whatever --pasv-address says.
    config.pasv_address = PasvAddress::Peer;
    config.timeout = deadline;
    // No connect may outlive the attempt's deadline.
    config.connect_timeout = config.connect_timeout.min(config.timeout);
    // Under explicit TLS the active modes are also tried in plain FTP, to tell a NAT helper that
    // cannot read encrypted PORT/EPRT from a closed path. Only for an anonymous login: a password
    // the user protected with TLS is never sent in the clear. Implicit TLS (port 990) has no
    // plain FTP to compare with.
    let compare_plain = config.tls.as_ref().is_some_and(|t| !t.implicit) && creds.is_anonymous();
    let tls = config.tls.is_some();
    let plain_config = Arc::new(Config { tls: None, ..config.clone() });
    let config = Arc::new(config);
    let again = again(opts, target);
    let plan = probe::Plan { host: target.host.clone(), port: target.port, path, deadline: config.timeout, tls, again };
    let transcript = || opts.transcript.clone();
    // Each session is for its one mode, so that nothing is said about modes it will not try (FEAT
    // without EPSV drops EPSV, with a note, from a session that has others).
    let only = |config: &Arc<Config>, mode| Arc::new(Config { modes: ModePolicy::Only(mode), ..(**config).clone() });
    let open =
        async |label: &'static str, mode| opts.login(target, creds, only(&config, mode), label, transcript()).await;
    let open_plain = async |label: &'static str, mode| {
        opts.login(target, creds, only(&plain_config, mode), label, transcript()).await
    };
    let observations = probe::observe(&plan, &open, compare_plain.then_some(&open_plain)).await?;
    let diagnosis = probe::diagnose(&observations);
    Ok(Probed { observations, diagnosis })
}

/// The server as the user named it (URL with user and path, no password) and the flags that
/// shape the connection, from the same words as the runnable `ftpx probe` of the hints.
fn again(opts: &Options, target: &Target) -> probe::Again {
    let words = shlex::split(&opts.probe_command(target)).unwrap_or_default();
    let mut words = words.into_iter().skip(2);
    probe::Again { url: words.next().unwrap_or_default(), flags: words.collect() }
}
