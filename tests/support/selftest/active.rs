//! The one PORT/EPRT parser of the test servers.

use std::net::SocketAddr;

use crate::support::active::{EprtError, active_address, parse_eprt, parse_port};

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

#[test]
fn port_and_eprt_name_the_same_address() {
    assert_eq!(parse_port(b"127,0,0,1,156,64"), Some(addr("127.0.0.1:40000")));
    assert_eq!(parse_eprt(b"|1|127.0.0.1|40000|"), Ok(addr("127.0.0.1:40000")));
    assert_eq!(parse_eprt(b"!2!::1!40000!"), Ok(addr("[::1]:40000")));
    assert_eq!(active_address("PORT 127,0,0,1,156,64"), Some(addr("127.0.0.1:40000")));
    assert_eq!(active_address("EPRT |1|127.0.0.1|40000|"), Some(addr("127.0.0.1:40000")));
}

#[test]
fn malformed_active_commands_are_refused() {
    assert_eq!(parse_port(b"127,0,0,1,156"), None);
    assert_eq!(parse_port(b"127,0,0,256,1,1"), None);
    assert_eq!(parse_eprt(b"|3|127.0.0.1|40000|"), Err(EprtError::Protocol));
    assert_eq!(parse_eprt(b"|1|127.0.0.1|70000|"), Err(EprtError::Syntax));
    assert_eq!(parse_eprt(b"|1|::1|40000|"), Err(EprtError::Syntax));
    assert_eq!(active_address("PASV"), None);
}
