//! `--explain`: plain-language notes for the transcript lines that carry addresses and for the
//! replies that decide a data connection. PORT/EPRT and 227/229 are decoded with the arithmetic
//! shown (`250 x 256 + 78 = 64078`), with which side opens the data connection to which address;
//! 150/226/425/426 and refusals are said in words where a transfer command was sent; a mode that
//! fell back says what follows. Pure text from the events: nothing here prints.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::ftp::{Event, Reply};

/// Remembers, per connection, the last command sent: a reply means something different after
/// RETR than after PASV.
#[derive(Default)]
pub struct Explainer {
    last: Mutex<HashMap<String, String>>,
}

/// Commands whose 150/226/425/426 replies are about a data connection.
const TRANSFERS: [&str; 7] = ["RETR", "STOR", "APPE", "STOU", "LIST", "NLST", "MLSD"];

impl Explainer {
    /// The notes for one event on connection `conn`, to print right after its lines.
    pub fn notes(&self, conn: &str, event: &Event<'_>) -> Vec<String> {
        match event {
            Event::Sent(cmd) => {
                // As the transcript shows it (a password masked); some commands carry their
                // argument in the verb (`PORT h1,...`), so the line is split here.
                let line = cmd.to_string();
                let (verb, arg) = line.split_once(' ').unwrap_or((&line, ""));
                let verb = verb.to_ascii_uppercase();
                if let Ok(mut last) = self.last.lock() {
                    last.insert(conn.to_owned(), verb.clone());
                }
                sent(&verb, arg.trim())
            }
            Event::Received(reply) => {
                let last = self.last.lock().ok().and_then(|l| l.get(conn).cloned()).unwrap_or_default();
                received(&last, reply)
            }
            Event::Fallback { from, to, reason } => vec![format!(
                "{from} did not work here ({reason}), so this session stops trying it and sets up \
                 every later data connection with {to}"
            )],
            Event::Note(_) => Vec::new(),
        }
    }
}

fn sent(verb: &str, arg: &str) -> Vec<String> {
    match verb {
        "PORT" => port(arg).map_or_else(
            || vec!["PORT: the address is not six numbers; the server cannot use it".to_owned()],
            |(ip, p1, p2)| {
                let port = p1 * 256 + p2;
                vec![
                    format!("PORT {arg} = address {ip}, port {p1} x 256 + {p2} = {port}"),
                    format!(
                        "active mode: the client listens there and the server opens the data connection to \
                         {ip}:{port} (a firewall or NAT in front of the client must let it in)"
                    ),
                ]
            },
        ),
        "EPRT" => eprt(arg).map_or_else(
            || vec!["EPRT: not |family|address|port| (RFC 2428); the server cannot use it".to_owned()],
            |(family, ip, port)| {
                vec![
                    format!("EPRT {arg} = {family}, address {ip}, port {port} (RFC 2428)"),
                    format!("active mode: the client listens there and the server opens the data connection to {ip} port {port}"),
                ]
            },
        ),
        "PASV" => vec!["passive mode: the client asks the server to listen for the data connection (IPv4, RFC 959)".to_owned()],
        "EPSV" => vec!["extended passive mode: the client asks the server to listen; only a port comes back, the address is the control connection's (RFC 2428)".to_owned()],
        _ => Vec::new(),
    }
}

fn received(last: &str, reply: &Reply) -> Vec<String> {
    let transfer = TRANSFERS.contains(&last);
    let text = String::from_utf8_lossy(&reply.message()).into_owned();
    match reply.code {
        227 => match pasv(&text) {
            Some(([a, b, c, d], p1, p2)) => {
                let port = p1 * 256 + p2;
                vec![
                    format!(
                        "227 ({a},{b},{c},{d},{p1},{p2}) = address {a}.{b}.{c}.{d}, port {p1} x 256 + {p2} = {port}"
                    ),
                    format!(
                        "passive mode: the server listens there and the client opens the data connection to {a}.{b}.{c}.{d}:{port}"
                    ),
                ]
            }
            None => vec!["227 without six numbers: no address to connect to".to_owned()],
        },
        229 => match epsv(&text) {
            Some(port) => vec![
                format!(
                    "229 (|||{port}|) = port {port}; the address is the one this control connection goes to (RFC 2428)"
                ),
                format!("passive mode: the client opens the data connection to the server's port {port}"),
            ],
            None => vec!["229 without a port: no data connection can be made from it".to_owned()],
        },
        200 if last == "PORT" || last == "EPRT" => {
            vec![format!("200: the server accepted the address; it connects to it when a transfer command comes")]
        }
        125 | 150 if transfer => vec![format!(
            "{}: the server accepted {last} and the data connection is opening (or open); the data follows on it, not here",
            reply.code
        )],
        226 | 250 if transfer && matches!(last, "STOR" | "APPE" | "STOU") => vec![format!(
            "{}: the client closed the data connection after the last byte, and the server confirms it stored them all",
            reply.code
        )],
        226 | 250 if transfer => vec![format!(
            "{}: the server finished {last} and closed the data connection: everything was sent",
            reply.code
        )],
        425 => vec![
            "425: the server could not open the data connection: in active mode it could not connect to the client's \
             address (a firewall or NAT on the client's side); in passive mode the client never connected to it"
                .to_owned(),
        ],
        426 => {
            vec!["426: the data connection opened but broke during the transfer (closed, reset, or aborted)".to_owned()]
        }
        500..=504 if last == "EPSV" || last == "EPRT" => {
            vec![format!(
                "{}: this server does not know {last}; the IPv4 form ({}) may work",
                reply.code,
                if last == "EPSV" { "PASV" } else { "PORT" }
            )]
        }
        c if c >= 400 && transfer => vec![format!(
            "{c}: the server refused {last} itself (a missing file, no permission): the data connection is not the problem"
        )],
        _ => Vec::new(),
    }
}

/// `h1,h2,h3,h4,p1,p2`.
fn port(arg: &str) -> Option<(String, u32, u32)> {
    let n: Vec<u32> = arg.split(',').map(|p| p.trim().parse().ok().filter(|v| *v <= 255)).collect::<Option<_>>()?;
    let [a, b, c, d, p1, p2] = n[..] else { return None };
    Some((format!("{a}.{b}.{c}.{d}"), p1, p2))
}

/// `|1|ADDRESS|PORT|` or `|2|...|`, any delimiter.
fn eprt(arg: &str) -> Option<(&'static str, String, u16)> {
    let delim = arg.chars().next()?;
    let parts: Vec<&str> = arg.split(delim).collect();
    let [_, family, addr, port, _] = parts[..] else { return None };
    let family = match family {
        "1" => "IPv4",
        "2" => "IPv6",
        _ => return None,
    };
    Some((family, addr.to_owned(), port.parse().ok()?))
}

/// The six numbers of a 227 reply, wherever they are in its text.
fn pasv(text: &str) -> Option<([u32; 4], u32, u32)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let nums: Vec<u32> = text[start..]
        .split(|c: char| !c.is_ascii_digit() && c != ',' && c != ' ')
        .next()?
        .split(',')
        .map(|p| p.trim().parse().ok().filter(|v| *v <= 255))
        .collect::<Option<_>>()?;
    let [a, b, c, d, p1, p2] = nums[..] else { return None };
    Some(([a, b, c, d], p1, p2))
}

/// The port of a 229 reply: `(|||PORT|)`.
fn epsv(text: &str) -> Option<u16> {
    let open = text.find('(')?;
    let inner = &text[open + 1..open + 1 + text[open + 1..].find(')')?];
    inner.trim_matches(|c: char| !c.is_ascii_digit()).parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ftp::{Command, DataMode};

    fn reply(code: u16, text: &str) -> Reply {
        Reply { code, lines: vec![format!("{code} {text}").into_bytes()] }
    }

    #[test]
    fn port_is_decoded_with_the_arithmetic_and_who_connects() {
        let e = Explainer::default();
        let cmd = Command::raw(b"PORT 10,110,141,126,250,78").unwrap();
        assert_eq!(
            e.notes("control", &Event::Sent(&cmd)),
            [
                "PORT 10,110,141,126,250,78 = address 10.110.141.126, port 250 x 256 + 78 = 64078",
                "active mode: the client listens there and the server opens the data connection to \
                 10.110.141.126:64078 (a firewall or NAT in front of the client must let it in)",
            ]
        );
        assert_eq!(
            e.notes("control", &Event::Received(&reply(200, "PORT command successful."))),
            ["200: the server accepted the address; it connects to it when a transfer command comes"]
        );
    }

    #[test]
    fn eprt_is_decoded() {
        let e = Explainer::default();
        let cmd = Command::eprt("[2001:db8::1]:50000".parse().unwrap());
        assert_eq!(
            e.notes("control", &Event::Sent(&cmd)),
            [
                "EPRT |2|2001:db8::1|50000| = IPv6, address 2001:db8::1, port 50000 (RFC 2428)",
                "active mode: the client listens there and the server opens the data connection to 2001:db8::1 port 50000",
            ]
        );
    }

    #[test]
    fn pasv_and_epsv_replies_are_decoded() {
        let e = Explainer::default();
        e.notes("control", &Event::Sent(&Command::bare("PASV")));
        assert_eq!(
            e.notes("control", &Event::Received(&reply(227, "Entering Passive Mode (192,0,2,7,195,80)."))),
            [
                "227 (192,0,2,7,195,80) = address 192.0.2.7, port 195 x 256 + 80 = 50000",
                "passive mode: the server listens there and the client opens the data connection to 192.0.2.7:50000",
            ]
        );
        assert_eq!(
            e.notes("control", &Event::Received(&reply(229, "Entering Extended Passive Mode (|||50001|)"))),
            [
                "229 (|||50001|) = port 50001; the address is the one this control connection goes to (RFC 2428)",
                "passive mode: the client opens the data connection to the server's port 50001",
            ]
        );
    }

    #[test]
    fn transfer_replies_are_said_in_words_only_after_a_transfer_command() {
        let e = Explainer::default();
        e.notes("control", &Event::Sent(&Command::path("RETR", b"a.txt").unwrap()));
        assert_eq!(
            e.notes("control", &Event::Received(&reply(150, "Opening BINARY mode data connection."))),
            [
                "150: the server accepted RETR and the data connection is opening (or open); the data follows on it, not here"
            ]
        );
        assert_eq!(
            e.notes("control", &Event::Received(&reply(226, "Transfer complete."))),
            ["226: the server finished RETR and closed the data connection: everything was sent"]
        );
        assert_eq!(
            e.notes("control", &Event::Received(&reply(550, "No such file."))),
            [
                "550: the server refused RETR itself (a missing file, no permission): the data connection is not the problem"
            ]
        );
        assert!(e.notes("other", &Event::Received(&reply(226, "x"))).is_empty(), "no transfer on that connection");
        e.notes("control", &Event::Sent(&Command::bare("NOOP")));
        assert!(e.notes("control", &Event::Received(&reply(250, "OK"))).is_empty());
        assert!(e.notes("control", &Event::Received(&reply(425, "Can't open data connection.")))[0].starts_with(
            "425: the server could not open the data connection: in active mode it could not connect to the client's address"
        ));
    }

    #[test]
    fn a_refused_extended_mode_and_a_fallback_are_explained() {
        let e = Explainer::default();
        e.notes("control", &Event::Sent(&Command::bare("EPSV")));
        assert_eq!(
            e.notes("control", &Event::Received(&reply(500, "Unknown command."))),
            ["500: this server does not know EPSV; the IPv4 form (PASV) may work"]
        );
        let fallback = Event::Fallback { from: DataMode::Epsv, to: DataMode::Pasv, reason: "500 Unknown command." };
        assert_eq!(
            e.notes("control", &fallback),
            ["EPSV did not work here (500 Unknown command.), so this session stops trying it and sets up every later \
              data connection with PASV"]
        );
    }
}
