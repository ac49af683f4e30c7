//! The one parser of the active-mode commands for the test servers: the address in `PORT`
//! (RFC 959 section 4.1.2) and `EPRT` (RFC 2428 section 2), as a server reads them.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Why an EPRT argument is not an address.
#[derive(Debug, PartialEq, Eq)]
pub enum EprtError {
    /// A network protocol other than 1 (IPv4) or 2 (IPv6): 522 (RFC 2428 section 2).
    Protocol,
    Syntax,
}

/// `h1,h2,h3,h4,p1,p2`.
pub fn parse_port(arg: &[u8]) -> Option<SocketAddr> {
    let text = std::str::from_utf8(arg).ok()?;
    let numbers: Vec<u8> = text.trim().split(',').map(|n| n.trim().parse::<u8>()).collect::<Result<_, _>>().ok()?;
    let [a, b, c, d, p1, p2] = numbers[..] else {
        return None;
    };
    let ip = Ipv4Addr::new(a, b, c, d);
    Some(SocketAddr::from((ip, (u16::from(p1) << 8) | u16::from(p2))))
}

/// `<d>proto<d>address<d>port<d>` with any delimiter.
pub fn parse_eprt(arg: &[u8]) -> Result<SocketAddr, EprtError> {
    let text = std::str::from_utf8(arg).map_err(|_| EprtError::Syntax)?;
    let delimiter = text.chars().next().ok_or(EprtError::Syntax)?;
    let fields: Vec<&str> = text.split(delimiter).collect();
    let ["", proto, address, port, ""] = fields[..] else {
        return Err(EprtError::Syntax);
    };
    let port: u16 = port.parse().map_err(|_| EprtError::Syntax)?;
    let ip: IpAddr = match proto {
        "1" => IpAddr::V4(address.parse().map_err(|_| EprtError::Syntax)?),
        "2" => IpAddr::V6(address.parse().map_err(|_| EprtError::Syntax)?),
        _ => return Err(EprtError::Protocol),
    };
    Ok(SocketAddr::new(ip, port))
}

/// The address a whole `PORT ...` or `EPRT ...` command line names.
pub fn active_address(line: &str) -> Option<SocketAddr> {
    if let Some(arg) = line.strip_prefix("PORT ") {
        return parse_port(arg.as_bytes());
    }
    parse_eprt(line.strip_prefix("EPRT ")?.as_bytes()).ok()
}
