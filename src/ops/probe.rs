//! The probe as an operation: the four attempts at once against one server, as one user, then
//! the diagnosis. `ftpx probe` and the shell's `probe` both run this; `report` renders it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use crate::ftp::{Config, PasvAddress};
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
    let plan = probe::Plan { host: target.host.clone(), port: target.port, path, deadline: config.timeout, tls };
    let transcript = || opts.transcript.clone();
    let open = async |label: &'static str| opts.login(target, creds, config.clone(), label, transcript()).await;
    let open_plain =
        async |label: &'static str| opts.login(target, creds, plain_config.clone(), label, transcript()).await;
    let observations = probe::observe(&plan, &open, compare_plain.then_some(&open_plain)).await?;
    let diagnosis = probe::diagnose(&observations);
    Ok(Probed { observations, diagnosis })
}
