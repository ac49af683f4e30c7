//! The one integration-test binary: ftpx run as a user would run it, against in-process servers.
//!
//! `support` holds the servers and the runner, and their own self-tests (`support::selftest`);
//! `cases` holds the tests of ftpx, one module per area a user would name.

mod cases;
mod support;
