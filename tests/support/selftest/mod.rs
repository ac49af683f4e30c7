//! Self-tests of the support code, apart from the product's tests in `cases`: the runner
//! (`harness`), the in-process server (`server`, `server_tls`) and the scripted server
//! (`script`), each spoken to over raw TCP or a bare rustls client, no ftpx engine.

mod active;
mod harness;
mod script;
mod server;
mod server_tls;
