//! The server side of the vocabulary: listing lines (MLSD facts and `ls -l` style LIST lines),
//! times as MDTM and MLSD write them, the address replies of passive mode (227 and 229) and the
//! arguments of PORT and EPRT as a server reads them. The parsers of the client side sit beside
//! these (`list`, `reply`), so a table test can run one into the other.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::SystemTime;

use time::OffsetDateTime;

/// What a listing needs to know of one directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub name: Vec<u8>,
    pub dir: bool,
    pub size: u64,
    pub modified: SystemTime,
    /// Unix permission bits (`0o755`).
    pub mode: u32,
}

/// `YYYYMMDDHHMMSS` in UTC: the MDTM reply (RFC 3659 §2.3) and MLSD's `modify` fact.
pub fn timeval(t: SystemTime) -> String {
    let t = OffsetDateTime::from(t);
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// One MLSD line (RFC 3659 §7): `type=file;size=12;modify=...;perm=r;unix.mode=0644; name`.
/// `writable` says which `perm` letters the session may use.
pub fn mlsd_line(fact: &Fact, writable: bool) -> Vec<u8> {
    let perm = match (fact.dir, writable) {
        (true, true) => "elcmpf",
        (true, false) => "el",
        (false, true) => "radfw",
        (false, false) => "r",
    };
    let kind = if fact.dir { "dir" } else { "file" };
    let mut out = format!(
        "type={kind};size={};modify={};perm={perm};unix.mode=0{:o}; ",
        fact.size,
        timeval(fact.modified),
        fact.mode & 0o7777
    )
    .into_bytes();
    out.extend_from_slice(&fact.name);
    out
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// One LIST line in the `ls -l` style every client parses:
/// `-rw-r--r-- 1 ftp ftp 12 Mar 04 10:15 name`, the year instead of the time for a date more
/// than about six months from `now`.
pub fn list_line(fact: &Fact, now: SystemTime) -> Vec<u8> {
    let mut perm = String::with_capacity(10);
    perm.push(if fact.dir { 'd' } else { '-' });
    for shift in [6, 3, 0] {
        let bits = fact.mode >> shift;
        perm.push(if bits & 4 != 0 { 'r' } else { '-' });
        perm.push(if bits & 2 != 0 { 'w' } else { '-' });
        perm.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    let t = OffsetDateTime::from(fact.modified);
    let recent = match now.duration_since(fact.modified) {
        Ok(age) => age.as_secs() < 180 * 86_400,
        Err(ahead) => ahead.duration().as_secs() < 86_400,
    };
    let when = if recent { format!("{:02}:{:02}", t.hour(), t.minute()) } else { format!(" {}", t.year()) };
    let month = MONTHS[usize::from(u8::from(t.month())) - 1];
    let mut out = format!("{perm} 1 ftp ftp {:>12} {month} {:02} {when:>5} ", fact.size, t.day()).into_bytes();
    out.extend_from_slice(&fact.name);
    out
}

/// The text of a 227 reply (RFC 959): `Entering Passive Mode (h1,h2,h3,h4,p1,p2).`
pub fn reply_227(addr: SocketAddrV4) -> String {
    let [a, b, c, d] = addr.ip().octets();
    let p = addr.port();
    format!("Entering Passive Mode ({a},{b},{c},{d},{},{}).", p >> 8, p & 0xff)
}

/// The text of a 229 reply (RFC 2428 §3): `Entering Extended Passive Mode (|||port|)`.
pub fn reply_229(port: u16) -> String {
    format!("Entering Extended Passive Mode (|||{port}|)")
}

/// Why a PORT or EPRT argument names no address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActiveArgError {
    #[error("expected h1,h2,h3,h4,p1,p2 with numbers 0-255")]
    Port,
    #[error("expected |1|IPv4|port| or |2|IPv6|port|")]
    Eprt,
    #[error("port 0")]
    PortZero,
}

/// The argument of `PORT h1,h2,h3,h4,p1,p2` (RFC 959 §4.1.2).
pub fn parse_port_arg(arg: &[u8]) -> Result<SocketAddr, ActiveArgError> {
    let text = std::str::from_utf8(arg).map_err(|_| ActiveArgError::Port)?;
    let nums: Vec<u8> =
        text.split(',').map(|n| n.trim().parse::<u8>()).collect::<Result<_, _>>().map_err(|_| ActiveArgError::Port)?;
    let [a, b, c, d, p1, p2] = nums[..] else { return Err(ActiveArgError::Port) };
    let port = u16::from(p1) << 8 | u16::from(p2);
    if port == 0 {
        return Err(ActiveArgError::PortZero);
    }
    Ok(SocketAddr::from((Ipv4Addr::new(a, b, c, d), port)))
}

/// The argument of `EPRT <d>af<d>addr<d>port<d>` (RFC 2428 §2); the delimiter is any
/// character in ASCII 33-126, `|` in practice.
pub fn parse_eprt_arg(arg: &[u8]) -> Result<SocketAddr, ActiveArgError> {
    let text = std::str::from_utf8(arg).map_err(|_| ActiveArgError::Eprt)?;
    let d = text.chars().next().filter(|c| ('!'..='~').contains(c)).ok_or(ActiveArgError::Eprt)?;
    let parts: Vec<&str> = text.split(d).collect();
    let ["", af, addr, port, ""] = parts[..] else { return Err(ActiveArgError::Eprt) };
    let ip: IpAddr = match af {
        "1" => IpAddr::V4(addr.parse().map_err(|_| ActiveArgError::Eprt)?),
        "2" => IpAddr::V6(addr.parse().map_err(|_| ActiveArgError::Eprt)?),
        _ => return Err(ActiveArgError::Eprt),
    };
    match port.parse::<u16>() {
        Ok(0) => Err(ActiveArgError::PortZero),
        Ok(p) => Ok(SocketAddr::new(ip, p)),
        Err(_) => Err(ActiveArgError::Eprt),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ftp::Command;
    use crate::ftp::list::{self, Kind};
    use crate::ftp::reply::{parse_227, parse_229};

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn fact(name: &str, dir: bool, size: u64, mode: u32) -> Fact {
        // 2026-03-04 10:15:09 UTC
        Fact { name: name.into(), dir, size, modified: at(1_772_619_309), mode }
    }

    #[test]
    fn timeval_is_utc_digits() {
        assert_eq!(timeval(at(0)), "19700101000000");
        assert_eq!(timeval(at(1_772_619_309)), "20260304101509");
    }

    #[test]
    fn mlsd_lines_read_back_with_the_client_parser() {
        for (f, writable, kind, perm) in [
            (fact("a b.txt", false, 12, 0o644), false, Kind::File, "r"),
            (fact("pub", true, 4096, 0o755), true, Kind::Dir, "elcmpf"),
            (fact("é;x=y", false, 0, 0o600), true, Kind::File, "radfw"),
        ] {
            let line = mlsd_line(&f, writable);
            let e = list::parse_mlsd(&line).unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&line)));
            assert_eq!(e.name, f.name);
            assert_eq!(e.kind, kind);
            assert_eq!(e.size, Some(f.size));
            assert_eq!(e.modified_raw.as_deref(), Some("20260304101509"));
            assert_eq!(e.modified.map(|m| m.rfc3339()).as_deref(), Some("2026-03-04T10:15:09Z"));
            assert!(String::from_utf8_lossy(&line).contains(&format!("perm={perm};")));
            assert_eq!(e.perm.as_deref(), Some(format!("0{:o}", f.mode).as_str()));
        }
    }

    #[test]
    fn list_lines_read_back_with_the_client_parser() {
        let now = at(1_772_619_309 + 86_400);
        let line = list_line(&fact("notes.txt", false, 1234, 0o640), now);
        assert_eq!(String::from_utf8_lossy(&line), "-rw-r----- 1 ftp ftp         1234 Mar 04 10:15 notes.txt");
        let e = list::parse_list(&line).expect("parses");
        assert_eq!((e.name.as_slice(), e.kind, e.size), (&b"notes.txt"[..], Kind::File, Some(1234)));
        let old = list_line(&fact("two words", true, 4096, 0o755), at(1_772_619_309 + 365 * 86_400));
        assert_eq!(String::from_utf8_lossy(&old), "drwxr-xr-x 1 ftp ftp         4096 Mar 04  2026 two words");
        let e = list::parse_list(&old).expect("parses");
        assert_eq!((e.name.as_slice(), e.kind), (&b"two words"[..], Kind::Dir));
    }

    #[test]
    fn passive_replies_read_back_with_the_client_parser() {
        for addr in ["192.0.2.7:4097", "10.0.0.1:65535", "127.0.0.1:1"] {
            let addr: SocketAddrV4 = addr.parse().unwrap();
            assert_eq!(parse_227(reply_227(addr).as_bytes()), Ok(addr));
        }
        for port in [1, 21, 50000, 65535] {
            assert_eq!(parse_229(reply_229(port).as_bytes()), Ok(port));
        }
    }

    #[test]
    fn active_arguments_read_what_the_client_sends() {
        for addr in ["192.0.2.7:4097", "[2001:db8::1]:21000", "127.0.0.1:65535"] {
            let addr: SocketAddr = addr.parse().unwrap();
            let eprt = Command::eprt(addr).wire();
            assert_eq!(parse_eprt_arg(&eprt[5..eprt.len() - 2]), Ok(addr));
            if let Some(port) = Command::port(addr) {
                let port = port.wire();
                assert_eq!(parse_port_arg(&port[5..port.len() - 2]), Ok(addr));
            }
        }
    }

    #[test]
    fn bad_active_arguments() {
        for (arg, err) in [
            (&b"1,2,3,4,5"[..], ActiveArgError::Port),
            (b"1,2,3,4,5,6,7", ActiveArgError::Port),
            (b"256,2,3,4,5,6", ActiveArgError::Port),
            (b"1,2,3,4,0,0", ActiveArgError::PortZero),
            (b"a,b,c,d,e,f", ActiveArgError::Port),
            (b"\xff", ActiveArgError::Port),
        ] {
            assert_eq!(parse_port_arg(arg), Err(err), "{}", String::from_utf8_lossy(arg));
        }
        for (arg, err) in [
            (&b"|1|192.0.2.1|0|"[..], ActiveArgError::PortZero),
            (b"|1|2001:db8::1|21|", ActiveArgError::Eprt),
            (b"|2|192.0.2.1|21|", ActiveArgError::Eprt),
            (b"|3|192.0.2.1|21|", ActiveArgError::Eprt),
            (b"|1|192.0.2.1|70000|", ActiveArgError::Eprt),
            (b"|1|192.0.2.1|21", ActiveArgError::Eprt),
            (b" 1 192.0.2.1 21 ", ActiveArgError::Eprt),
            (b"", ActiveArgError::Eprt),
        ] {
            assert_eq!(parse_eprt_arg(arg), Err(err), "{}", String::from_utf8_lossy(arg));
        }
        assert_eq!(parse_eprt_arg(b"!1!192.0.2.1!21!"), Ok("192.0.2.1:21".parse().unwrap()));
    }
}
