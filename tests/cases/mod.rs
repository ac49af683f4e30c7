//! The test cases, one module per area.
//!
//! - `harness`, `server`, `script`: self-tests of the support code (raw TCP, no ftpx engine).

mod harness;
mod script;
mod server;
