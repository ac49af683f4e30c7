//! The test cases, one module per area.
//!
//! - `harness`, `server`: self-tests of the support code (raw TCP, no ftpx engine).

mod harness;
mod server;
