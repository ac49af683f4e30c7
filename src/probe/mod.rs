//! `ftpx probe`: which data-connection mode gets through this firewall or NAT path, and why.
//!
//! Three steps, each in its own file, with dependencies pointing one way:
//! - [`observe`]: the attempts. EPSV, PASV, EPRT and PORT each do a real LIST on a control
//!   connection of their own, all at once, each bounded by the same deadline; what they saw is
//!   recorded as [`Observations`], without judging it. Under TLS, whether each data session
//!   resumed the control connection's, and EPRT and PORT once more in plain FTP for comparison.
//! - [`diagnose`]: a pure function from observations to findings (stable codes, plain words, what
//!   to do at the client and at the server), a recommended mode and a one-line verdict.
//! - [`render`]: the terminal report and the JSON object.
//!
//! [`address`] classifies addresses (private, shared, loopback...) for the diagnosis.
//! The operation (sessions, credentials, deadline) is `ops::probe`; its output, `report`'s.

pub mod address;
pub mod diagnose;
pub mod observe;
pub mod render;

pub use diagnose::{Diagnosis, Finding, Severity, diagnose};
pub use observe::{Attempt, Check, Failure, Observations, Plan, Stage, observe};
