//! The one integration-test binary: ftpx run as a user would run it, against in-process servers.
//!
//! `support` holds the servers and the runner; `cases` holds the tests, one module per area. The
//! server and runner self-tests live in `cases` too, so the support code is itself tested.

mod cases;
mod support;
