//! `ftpx probe`: which data-connection mode gets through this firewall or NAT path, and why.
//!
//! Steps, each in its own file, with dependencies pointing one way:
//! - [`model`]: what the probe saw ([`Observations`], one [`Attempt`] per mode), as plain values.
//! - [`observe`]: the attempts. EPSV, PASV, EPRT and PORT each do a real LIST on a control
//!   connection of their own, all at once, each bounded by the same deadline, through the
//!   engine's own data-connection attempt ([`crate::ftp::Session::attempt_data`]); the probe
//!   opens no listener or data connection itself. Under TLS, whether each data session resumed
//!   the control connection's, and EPRT and PORT once more in plain FTP for comparison.
//! - [`diagnose`]: a pure function from observations to findings (stable codes, plain words, what
//!   to do at the client and at the server), a recommended mode and a one-line verdict. It reads
//!   the model only.
//! - [`render`]: the terminal report and the JSON object, with the flags of ftpx, curl and lftp.
//!
//! [`address`] classifies addresses (private, shared, loopback...) for the diagnosis.
//! The operation (sessions, credentials, deadline) is `ops::probe`; its output, `report`'s.

pub mod address;
pub mod diagnose;
pub mod model;
pub mod observe;
pub mod render;

pub use diagnose::{Diagnosis, Finding, Severity, diagnose};
pub use model::{Again, Attempt, Check, Failure, Observations, Plan, Stage};
pub use observe::observe;
