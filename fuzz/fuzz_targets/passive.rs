//! The passive-mode address replies: `parse_227` (RFC 959 PASV) and `parse_229` (RFC 2428 EPSV)
//! on any bytes. Nothing may panic; whatever they accept must be a usable address (port 1-65535)
//! that a well-formed reply for it gives back.

#![no_main]

use ftpx::ftp::reply::{parse_227, parse_229};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(addr) = parse_227(data) {
        assert_ne!(addr.port(), 0);
        let [a, b, c, d] = addr.ip().octets();
        let (p1, p2) = (addr.port() >> 8, addr.port() & 0xff);
        let canonical = format!("227 Entering Passive Mode ({a},{b},{c},{d},{p1},{p2}).");
        assert_eq!(parse_227(canonical.as_bytes()), Ok(addr));
    }
    if let Ok(port) = parse_229(data) {
        assert_ne!(port, 0);
        let canonical = format!("229 Entering Extended Passive Mode (|||{port}|)");
        assert_eq!(parse_229(canonical.as_bytes()), Ok(port));
    }
});
