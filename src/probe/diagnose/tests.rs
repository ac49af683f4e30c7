//! Every finding, from hand-built observations.

use super::*;
use crate::probe::model::{Check, Failure};
use std::net::SocketAddr;
use std::time::Duration;

fn reply(line: &str) -> Reply {
    Reply { code: line[..3].parse().unwrap(), lines: vec![line.as_bytes().to_vec()] }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// Four working attempts between `local` and `server` (ip:port each), like an open path.
fn open_path(local: &str, server: &str) -> Observations {
    let local = addr(local);
    let server = addr(server);
    let attempts = DataMode::ALL
        .into_iter()
        .map(|mode| {
            let mut a = Attempt::new(mode);
            a.local = Some(local);
            a.peer = Some(server);
            a.elapsed = Duration::from_millis(12);
            a.transfer_reply = Some(reply("226 Transfer complete."));
            a.bytes = 120;
            match mode {
                DataMode::Epsv => {
                    a.reply = Some(reply("229 Entering Extended Passive Mode (|||40001|)"));
                    a.advertised = Some(SocketAddr::new(server.ip(), 40001));
                    a.data_address = a.advertised;
                    a.ports = vec![40003, 40007, 40001, 40001];
                }
                DataMode::Pasv => {
                    let ip = server.ip().to_string().replace('.', ",");
                    a.reply = Some(reply(&format!("227 Entering Passive Mode ({ip},156,73).")));
                    a.advertised = Some(SocketAddr::new(server.ip(), 40009));
                    a.data_address = a.advertised;
                    a.ports = vec![40012, 40002, 40005, 40009];
                }
                _ => {
                    a.reply = Some(reply(&format!("200 {mode} command successful. Consider using PASV.")));
                    a.announced = Some(SocketAddr::new(local.ip(), 45000));
                    a.data_address = Some(SocketAddr::new(server.ip(), 20));
                }
            }
            a
        })
        .collect();
    Observations {
        host: "ftp.example.test".into(),
        port: server.port(),
        deadline: Duration::from_secs(5),
        elapsed: Duration::from_millis(30),
        greeting: Some(reply("220 (vsFTPd 3.0.3)")),
        tls: false,
        epsv_in_feat: Some(true),
        syst: None,
        features: Vec::new(),
        again: crate::probe::Again { url: "ftp://ftp.example.test/".into(), flags: Vec::new() },
        attempts,
    }
}

fn fail<'a>(obs: &'a mut Observations, mode: DataMode, stage: impl Into<Stage>, detail: &str) -> &'a mut Attempt {
    let a = obs.attempts.iter_mut().find(|a| a.mode == mode).unwrap();
    a.failure = Some(Failure::new(stage, detail));
    a.transfer_reply = None;
    a.bytes = 0;
    a.data_address = None;
    a
}

fn codes(d: &Diagnosis) -> Vec<&'static str> {
    let mut c: Vec<_> = d.findings.iter().map(|f| f.code).collect();
    c.sort();
    c
}

fn finding<'a>(d: &'a Diagnosis, code: &str) -> &'a Finding {
    d.findings.iter().find(|f| f.code == code).unwrap_or_else(|| panic!("no {code} in {:?}", codes(d)))
}

#[test]
fn open_path_recommends_epsv_with_no_findings() {
    let d = diagnose(&open_path("192.0.2.10:50000", "203.0.113.10:21"));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
    assert_eq!(d.recommended, Some(DataMode::Epsv));
    assert_eq!(d.verdict, "Use passive mode (EPSV). Active mode works too.");
    assert_eq!(d.software, Some(Software::Vsftpd));
}

#[test]
fn client_behind_nat_with_vsftpd_refusing_port() {
    let mut obs = open_path("10.0.1.2:50000", "198.51.100.2:21");
    fail(&mut obs, DataMode::Eprt, DataStage::Refused, "EPRT refused").reply = Some(reply("500 Illegal EPRT command."));
    fail(&mut obs, DataMode::Port, DataStage::Refused, "PORT refused").reply = Some(reply("500 Illegal PORT command."));
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["client-private-address", "server-refused-port"]);
    let f = finding(&d, "server-refused-port");
    assert!(
        f.message.contains("EPRT (500 Illegal EPRT command.) and PORT (500 Illegal PORT command.)"),
        "{}",
        f.message
    );
    assert!(f.message.contains("private address 10.0.1.2"), "{}", f.message);
    assert_eq!(f.severity, Severity::Info);
    let f = finding(&d, "client-private-address");
    assert!(f.message.contains("10.0.1.2, a private address (RFC 1918)"), "{}", f.message);
    assert!(f.message.contains("198.51.100.2"), "{}", f.message);
    assert_eq!(d.recommended, Some(DataMode::Epsv));
    assert!(
        d.verdict.starts_with("Use passive mode (EPSV). Active mode does not work: the server refuses EPRT"),
        "{}",
        d.verdict
    );
}

#[test]
fn pure_ftpd_refusal_reveals_the_client_public_address() {
    let mut obs = open_path("10.99.0.2:50000", "203.0.113.10:21");
    obs.greeting = Some(reply("220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------"));
    for mode in [DataMode::Eprt, DataMode::Port] {
        let a = fail(&mut obs, mode, DataStage::Refused, "refused");
        a.announced = Some(addr("10.99.0.2:45000"));
        a.reply = Some(reply("500 I won't open a connection to 10.99.0.2 (only to 198.51.100.1)"));
    }
    let d = diagnose(&obs);
    assert_eq!(d.client_public_address, Some("198.51.100.1".parse().unwrap()));
    let f = finding(&d, "client-private-address");
    assert!(f.message.contains("your public address: 198.51.100.1"), "{}", f.message);
    assert!(f.client_action.as_ref().unwrap().contains("--active-address 198.51.100.1"));
    let f = finding(&d, "server-refused-port");
    assert!(f.message.contains("sees it at 198.51.100.1"), "{}", f.message);
}

#[test]
fn active_through_a_nat_helper_is_flagged() {
    let obs = open_path("10.0.1.2:50000", "198.51.100.2:21");
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["active-needs-alg", "client-private-address"]);
    let f = finding(&d, "active-needs-alg");
    assert!(f.message.contains("EPRT and PORT"), "{}", f.message);
    assert!(f.message.contains("10.0.1.2") && f.message.contains("FTPS"), "{}", f.message);
    assert_eq!(d.recommended, Some(DataMode::Epsv));
}

#[test]
fn client_firewall_blocks_active_mode() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    for mode in [DataMode::Eprt, DataMode::Port] {
        let a = fail(
            &mut obs,
            mode,
            DataStage::NoConnectBack,
            "the server did not connect back to 192.0.2.10:45000 within 5s",
        );
        a.announced = Some(addr("192.0.2.10:45000"));
    }
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["active-blocked"]);
    let f = finding(&d, "active-blocked");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("Something drops incoming connections"), "{}", f.message);
    assert!(f.client_action.as_ref().unwrap().contains("-s 203.0.113.10"), "{:?}", f.client_action);
    assert_eq!(
        d.verdict,
        "Use passive mode (EPSV). Active mode does not work: the server cannot connect back (EPRT and PORT)."
    );
}

#[test]
fn server_behind_nat_advertising_its_private_address() {
    let mut obs = open_path("192.0.2.10:50000", "198.51.100.2:21");
    let pasv = obs.attempts.iter_mut().find(|a| a.mode == DataMode::Pasv).unwrap();
    pasv.reply = Some(reply("227 Entering Passive Mode (10,0,2,10,156,73)."));
    pasv.advertised = Some(addr("10.0.2.10:40009"));
    pasv.data_address = Some(addr("198.51.100.2:40009"));
    pasv.advertised_check = Some(Check {
        address: addr("10.0.2.10:40011"),
        failure: Some(Failure::new(
            DataStage::Unreachable,
            "connection to 10.0.2.10:40011 failed: Network is unreachable",
        )),
        elapsed: Duration::from_millis(1),
    });
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["pasv-private-address"]);
    let f = finding(&d, "pasv-private-address");
    assert!(f.message.contains("connect to 10.0.2.10:40009, a private address (RFC 1918)"), "{}", f.message);
    assert!(f.message.contains("connects to 198.51.100.2:40009 instead (its default), which worked"), "{}", f.message);
    assert!(f.message.contains("tried 10.0.2.10:40011 itself, as a diagnostic"), "{}", f.message);
    // The greeting named vsftpd: its setting alone.
    assert_eq!(
        f.server_action.as_deref().unwrap().split(": ").nth(1).unwrap(),
        "vsftpd pasv_address=198.51.100.2. Keep its passive port range forwarded to 10.0.2.10 on the NAT router."
    );
    assert_eq!(d.recommended, Some(DataMode::Epsv));
}

#[test]
fn unknown_server_software_gets_advice_for_all_three() {
    let mut obs = open_path("192.0.2.10:50000", "198.51.100.2:21");
    obs.greeting = Some(reply("220 Welcome"));
    let pasv = obs.attempts.iter_mut().find(|a| a.mode == DataMode::Pasv).unwrap();
    pasv.advertised = Some(addr("172.16.5.5:40009"));
    let d = diagnose(&obs);
    let advice = finding(&d, "pasv-private-address").server_action.clone().unwrap();
    for want in
        ["vsftpd pasv_address=198.51.100.2", "ProFTPD MasqueradeAddress 198.51.100.2", "pure-ftpd -P 198.51.100.2"]
    {
        assert!(advice.contains(want), "{advice}");
    }
}

#[test]
fn public_advertised_address_that_differs_is_a_mismatch() {
    let mut obs = open_path("192.0.2.10:50000", "198.51.100.2:21");
    let pasv = obs.attempts.iter_mut().find(|a| a.mode == DataMode::Pasv).unwrap();
    pasv.advertised = Some(addr("203.0.113.99:40009"));
    pasv.failure = Some(Failure::new(DataStage::ConnectRefused, "connection to 198.51.100.2:40009 failed: refused"));
    pasv.advertised_check = Some(Check { address: addr("203.0.113.99:40010"), failure: None, elapsed: Duration::ZERO });
    let d = diagnose(&obs);
    let f = finding(&d, "pasv-address-mismatch");
    assert!(f.message.contains("names 203.0.113.99:40009, a public address"), "{}", f.message);
    assert_eq!(
        f.client_action.as_deref(),
        Some(
            "ftpx ls --mode pasv --pasv-address trust ftp://ftp.example.test/ connects to 203.0.113.99, which works here."
        )
    );
    assert!(d.has("passive-blocked"));
}

#[test]
fn server_firewall_allowing_only_21_blocks_passive() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    fail(
        &mut obs,
        DataMode::Epsv,
        DataStage::ConnectTimeout,
        "connection to 203.0.113.10:40001 got no answer within 5s",
    );
    fail(
        &mut obs,
        DataMode::Pasv,
        DataStage::ConnectTimeout,
        "connection to 203.0.113.10:40009 got no answer within 5s",
    );
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["passive-blocked"]);
    let f = finding(&d, "passive-blocked");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("silently drops"), "{}", f.message);
    assert!(f.message.contains("ports 40001-40012 (8 replies"), "{}", f.message);
    let server = f.server_action.as_deref().unwrap();
    assert!(server.contains("vsftpd pasv_min_port and pasv_max_port; it includes at least 40001-40012"), "{server}");
    assert!(server.contains("--dport 40001:40012") && server.contains("ufw allow 40001:40012/tcp"), "{server}");
    assert!(f.client_action.as_deref().unwrap().contains("--mode active"));
    assert_eq!(d.recommended, Some(DataMode::Eprt));
    assert_eq!(
        d.verdict,
        "Use active mode (EPRT). Passive mode does not work: connections to the passive port time out (EPSV and PASV)."
    );
}

#[test]
fn everything_blocked_says_nothing_works() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    fail(&mut obs, DataMode::Epsv, DataStage::ConnectTimeout, "timed out");
    fail(&mut obs, DataMode::Pasv, DataStage::ConnectRefused, "refused");
    fail(&mut obs, DataMode::Eprt, DataStage::NoConnectBack, "did not connect back");
    fail(&mut obs, DataMode::Port, DataStage::NoConnectBack, "did not connect back");
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["active-blocked", "no-mode-works", "passive-blocked"]);
    assert!(d.findings.iter().all(|f| f.severity == Severity::Error));
    assert_eq!(d.recommended, None);
    assert_eq!(
        d.verdict,
        "Nothing works. Passive mode: connections to the passive port time out (EPSV); connections to the \
         passive port are refused (PASV). Active mode: the server cannot connect back (EPRT and PORT)."
    );
    let f = finding(&d, "passive-blocked");
    assert!(f.message.contains("silently drops") && f.message.contains("was refused"), "{}", f.message);
}

#[test]
fn ipv6_explains_pasv_and_port() {
    let mut obs = open_path("[2001:db8:1::10]:50000", "[2001:db8:2::10]:21");
    fail(&mut obs, DataMode::Pasv, DataStage::Unusable, "PASV cannot work on an IPv6 connection").ports.clear();
    fail(&mut obs, DataMode::Port, DataStage::Unusable, "PORT cannot carry an IPv6 address");
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["ipv6-extended-only"]);
    assert!(finding(&d, "ipv6-extended-only").message.contains("[2001:db8:2::10]:21"));
    assert_eq!(d.recommended, Some(DataMode::Epsv));
}

#[test]
fn unknown_commands_are_unsupported_not_refused() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    obs.epsv_in_feat = Some(false);
    fail(&mut obs, DataMode::Epsv, DataStage::Refused, "EPSV refused").reply =
        Some(reply("500 'EPSV': command not understood"));
    fail(&mut obs, DataMode::Port, DataStage::Refused, "PORT refused").reply = Some(reply("500 Unknown command."));
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["epsv-unsupported", "port-unsupported"]);
    let f = finding(&d, "epsv-unsupported");
    assert!(
        f.message.contains("(500 'EPSV': command not understood), and its FEAT list leaves it out"),
        "{}",
        f.message
    );
    assert_eq!(d.recommended, Some(DataMode::Pasv));
    assert!(
        d.verdict.starts_with("Use passive mode (PASV). EPSV does not work: the server refuses EPSV"),
        "{}",
        d.verdict
    );
}

#[test]
fn a_mode_without_control_connection_is_not_measured() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    let a = fail(
        &mut obs,
        DataMode::Port,
        Stage::NotMeasured,
        "no control connection, twice: the server closed the session: 421 Too many connections",
    );
    a.local = None;
    a.peer = None;
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["too-many-connections"]);
    let f = finding(&d, "too-many-connections");
    assert!(
        f.message.starts_with("The server refused PORT's control connection (no control connection, twice"),
        "{}",
        f.message
    );
    assert!(f.server_action.as_deref().unwrap().contains("vsftpd max_per_ip"));
    assert_eq!(f.client_action.as_deref(), Some("Run the probe again: ftpx probe ftp://ftp.example.test/."));
    // EPRT works, so the verdict is about the measured modes only.
    assert!(!d.verdict.contains("PORT"), "{}", d.verdict);

    let a =
        fail(&mut obs, DataMode::Port, Stage::NotMeasured, "no control connection, twice: TLS handshake failed: reset");
    a.local = None;
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["mode-not-measured"]);
    assert!(finding(&d, "mode-not-measured").message.contains("PORT got no control connection, twice"));
}

#[test]
fn tls_required_on_data_is_one_finding_with_the_fix() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    obs.tls = true;
    obs.again.flags = ["--tls", "--tls-data", "clear", "--insecure"].map(String::from).to_vec();
    for mode in DataMode::ALL {
        let a = fail(
            &mut obs,
            mode,
            DataStage::Refused,
            &format!("{mode} refused: 550 SSL/TLS required on the data channel"),
        );
        a.reply = Some(reply("550 SSL/TLS required on the data channel"));
    }
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["tls-required"]);
    assert!(d.verdict.contains("the server requires TLS on data connections (EPSV and PASV)"), "{}", d.verdict);
    let f = finding(&d, "tls-required");
    assert!(f.message.contains("refused the data connections in EPSV, PASV, EPRT, PORT"), "{}", f.message);
    assert!(!f.message.contains("  "), "{}", f.message);
    assert_eq!(
        f.client_action.as_deref(),
        Some(
            "Protect the data connections (PROT P, ftpx's default with TLS): ftpx probe --tls --insecure ftp://ftp.example.test/."
        )
    );
}

#[test]
fn server_software_comes_from_the_greeting_syst_or_feat() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    obs.greeting = Some(reply("220 pyftpdlib 1.5.9 ready."));
    assert_eq!(diagnose(&obs).server_software, Some("pyftpdlib"));
    assert_eq!(diagnose(&obs).software, None);
    obs.greeting = Some(reply("220 Welcome"));
    obs.syst = Some(reply("215 UNIX emulated by FileZilla"));
    assert_eq!(diagnose(&obs).server_software, Some("FileZilla Server"));
    obs.syst = Some(reply("215 UNIX Type: L8"));
    assert_eq!(diagnose(&obs).server_software, None);
    obs.greeting = Some(reply("220 ProFTPD Server (Debian) [::ffff:10.0.0.1]"));
    assert_eq!(diagnose(&obs).software, Some(Software::Proftpd));
}

#[test]
fn a_refused_listing_is_not_a_network_problem() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    for mode in DataMode::ALL {
        fail(&mut obs, mode, DataStage::Transfer, "LIST nope refused: 550 No such directory").transfer_reply =
            Some(reply("550 No such directory"));
    }
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["listing-refused", "no-mode-works"]);
    assert!(finding(&d, "listing-refused").client_action.as_deref().unwrap().contains("--path"));
}

#[test]
fn passive_data_from_another_address_is_explained() {
    let mut obs = open_path("10.0.1.2:50000", "198.51.100.2:21");
    for mode in [DataMode::Epsv, DataMode::Pasv] {
        fail(&mut obs, mode, DataStage::Transfer, "the server could not open the data connection").transfer_reply =
            Some(reply("425 Security: Bad IP connecting."));
    }
    let d = diagnose(&obs);
    let f = finding(&d, "transfer-failed");
    assert!(f.message.contains("several public addresses"), "{}", f.message);
}

#[test]
fn connect_back_from_another_address_is_named() {
    let mut obs = open_path("192.0.2.10:50000", "203.0.113.10:21");
    let a = fail(&mut obs, DataMode::Eprt, DataStage::NoConnectBack, "did not connect back");
    a.strays = vec![addr("203.0.113.77:20")];
    let d = diagnose(&obs);
    assert!(
        finding(&d, "active-blocked")
            .message
            .contains("came from 203.0.113.77:20 instead of the server's address 203.0.113.10")
    );
    assert_eq!(d.verdict, "Use passive mode (EPSV). Active mode works too.");
}

#[test]
fn carrier_grade_nat_rules_out_port_forwarding() {
    let obs = open_path("100.64.3.4:50000", "203.0.113.10:21");
    let d = diagnose(&obs);
    assert!(finding(&d, "client-private-address").message.contains("carrier-grade NAT"));
}

#[test]
fn findings_come_errors_first() {
    let mut obs = open_path("10.0.1.2:50000", "203.0.113.10:21");
    fail(&mut obs, DataMode::Epsv, DataStage::ConnectTimeout, "timed out");
    fail(&mut obs, DataMode::Pasv, DataStage::ConnectTimeout, "timed out");
    let d = diagnose(&obs);
    let sev: Vec<Severity> = d.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
    assert_eq!(d.findings[0].code, "passive-blocked");
}

/// `open_path` over TLS: every data session resumed the control connection's.
fn tls_path(local: &str, server: &str) -> Observations {
    let mut obs = open_path(local, server);
    obs.tls = true;
    for a in &mut obs.attempts {
        a.tls_resumed = Some(true);
    }
    obs
}

#[test]
fn open_tls_path_has_no_findings() {
    let d = diagnose(&tls_path("192.0.2.10:50000", "203.0.113.10:21"));
    assert!(d.findings.is_empty(), "{:?}", d.findings);
}

#[test]
fn data_session_not_resumed_is_named_with_what_to_do() {
    let mut obs = tls_path("192.0.2.10:50000", "203.0.113.10:21");
    for mode in DataMode::ALL {
        let a = fail(&mut obs, mode, DataStage::Tls, "the server refused the data connection's TLS session");
        a.tls_resumed = Some(false);
        a.transfer_reply = Some(reply("522 SSL connection failed: session reuse required"));
        if !mode.is_passive() {
            a.plain = Some(Box::new(Attempt::new(mode)));
        }
    }
    let d = diagnose(&obs);
    // Not a refused listing nor a broken transfer: the TLS session. Nor a NAT helper, though
    // active mode worked in plain FTP: the data connection was made.
    assert_eq!(codes(&d), ["no-mode-works", "tls-session-not-resumed"]);
    let f = finding(&d, "tls-session-not-resumed");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message.contains("EPSV, PASV, EPRT, PORT (522 SSL connection failed: session reuse required)"),
        "{}",
        f.message
    );
    assert!(f.message.contains("started a new session"), "{}", f.message);
    assert!(f.client_action.as_ref().unwrap().contains("--tls-max 1.2"));
    let server = f.server_action.as_ref().unwrap();
    assert!(server.contains("vsftpd require_ssl_reuse=NO") && !server.contains("ProFTPD"), "{server}");
}

#[test]
fn proftpd_425_after_a_new_data_session_is_a_tls_refusal() {
    let mut obs = tls_path("192.0.2.10:50000", "203.0.113.10:21");
    obs.greeting = Some(reply("220 FTP Server ready."));
    let a = fail(&mut obs, DataMode::Eprt, DataStage::Tls, "refused");
    a.tls_resumed = Some(false);
    a.transfer_reply = Some(reply("425 Unable to build data connection: Operation not permitted"));
    let d = diagnose(&obs);
    assert_eq!(codes(&d), ["tls-session-not-resumed"]);
    let f = finding(&d, "tls-session-not-resumed");
    assert_eq!(f.severity, Severity::Warning);
    let server = f.server_action.as_ref().unwrap();
    assert!(server.contains("require_ssl_reuse=NO") && server.contains("ProFTPD TLSOptions NoSessionReuseRequired"));
    // The same 425 after a resumed session is about something else.
    obs.attempts[2].tls_resumed = Some(true);
    assert!(!diagnose(&obs).has("tls-session-not-resumed"));
}

/// EPRT and PORT under TLS never connected back; in plain FTP they worked when `plain_works`,
/// or the server refused the plain login.
fn active_fails_under_tls(plain_works: bool) -> Observations {
    let mut obs = tls_path("10.0.1.2:50000", "198.51.100.2:21");
    for mode in [DataMode::Eprt, DataMode::Port] {
        let mut plain = Attempt::new(mode);
        plain.announced = Some(addr("10.0.1.2:45001"));
        if !plain_works {
            plain.failure = Some(Failure::new(Stage::NotMeasured, "530 Non-anonymous sessions must use encryption."));
        }
        let a = fail(&mut obs, mode, DataStage::NoConnectBack, "the server did not connect back within 5s");
        a.tls_resumed = None;
        a.plain = Some(Box::new(plain));
    }
    obs
}

#[test]
fn active_failing_only_under_tls_confirms_a_nat_helper() {
    let d = diagnose(&active_fails_under_tls(true));
    // Not active-blocked: the path lets the server in when the helper can read the command.
    assert_eq!(codes(&d), ["active-needs-alg", "client-private-address"]);
    let f = finding(&d, "active-needs-alg");
    assert!(f.message.contains("Active mode (EPRT and PORT) fails under TLS but worked in plain FTP: confirmed"));
    assert!(f.message.contains("NAT helper (an FTP ALG)") && f.message.contains("cannot read"), "{}", f.message);
    assert_eq!(f.severity, Severity::Warning);
    let c = f.client_action.as_ref().unwrap();
    assert!(c.contains("passive") && c.contains("--active-ports"), "{c}");
}

#[test]
fn without_a_plain_comparison_active_failing_under_tls_is_not_blamed_on_a_helper() {
    let d = diagnose(&active_fails_under_tls(false));
    assert_eq!(codes(&d), ["active-blocked", "client-private-address"]);
    // Nor is a success under TLS with a private address inferred to be a helper's work.
    let mut obs = tls_path("10.0.1.2:50000", "198.51.100.2:21");
    obs.attempts[2].plain = Some(Box::new(Attempt::new(DataMode::Eprt)));
    assert_eq!(codes(&diagnose(&obs)), ["client-private-address"]);
}

/// What `ftpx serve` would report of an attempt's session: seen from `peer`, an active command's
/// argument as received (`argument`, naming `target`), a passive data connection from `from`.
fn echo_of(a: &mut Attempt, peer: &str, received: Option<(&str, &str)>, from: Option<&str>) {
    use crate::ftp::echo::{Active, Connect, Echo, Passive};
    a.echo = Some(Echo {
        control_peer: addr(peer),
        control_local: a.peer,
        active: received.map(|(argument, target)| Active {
            command: a.mode,
            argument: argument.as_bytes().to_vec(),
            target: Some(addr(target)),
            connect: Connect::Ok,
        }),
        passive: from.map(|f| Passive { mode: a.mode, from: addr(f) }).into_iter().collect(),
    });
}

/// Behind NAT with a helper that rewrites PORT/EPRT: the server's echo shows another public
/// address than ours and the argument changed on the way; both become facts, naming both ends.
#[test]
fn echo_shows_nat_and_a_rewritten_port() {
    let mut obs = open_path("10.0.1.2:50000", "203.0.113.10:21");
    for a in &mut obs.attempts {
        match a.mode {
            DataMode::Port => {
                echo_of(a, "198.51.100.2:61000", Some(("198,51,100,2,175,200", "198.51.100.2:45000")), None)
            }
            DataMode::Eprt => {
                echo_of(a, "198.51.100.2:61001", Some(("|1|198.51.100.2|45000|", "198.51.100.2:45000")), None)
            }
            _ => echo_of(a, "198.51.100.2:61002", None, Some("198.51.100.2:61003")),
        }
    }
    let d = diagnose(&obs);
    assert_eq!(d.client_public_address, Some("198.51.100.2".parse().unwrap()));
    assert_eq!(d.behind_nat, Some(true));
    // The inferences of today stay; the facts are added.
    assert_eq!(codes(&d), ["active-needs-alg", "client-behind-nat", "client-private-address", "port-rewritten"]);
    let nat = &finding(&d, "client-behind-nat").message;
    assert!(nat.contains("from 198.51.100.2:61002") && nat.contains("10.0.1.2:50000"), "{nat}");
    let m = &finding(&d, "port-rewritten").message;
    for part in [
        "PORT: this machine sent PORT 10,0,1,2,175,200 (10.0.1.2:45000), and the server received PORT \
         198,51,100,2,175,200 (198.51.100.2:45000)",
        "EPRT: this machine sent EPRT |1|10.0.1.2|45000| (10.0.1.2:45000)",
        "with FTPS (encrypted) it cannot",
    ] {
        assert!(m.contains(part), "{part} not in {m}");
    }
    assert!(!d.has("data-from-other-address"));
}

/// Under TLS the helper cannot read PORT: the TLS attempt's argument arrives as sent, the plain
/// comparison's rewritten, and the finding names the plain one.
#[test]
fn echo_under_tls_shows_the_rewrite_only_in_plain_ftp() {
    let mut obs = open_path("10.0.1.2:50000", "203.0.113.10:21");
    obs.tls = true;
    let port = obs.attempts.iter_mut().find(|a| a.mode == DataMode::Port).unwrap();
    let mut plain = port.clone();
    echo_of(&mut plain, "198.51.100.2:61010", Some(("198,51,100,2,175,200", "198.51.100.2:45000")), None);
    echo_of(port, "198.51.100.2:61011", Some(("10,0,1,2,175,200", "10.0.1.2:45000")), None);
    port.plain = Some(Box::new(plain));
    let d = diagnose(&obs);
    let m = &finding(&d, "port-rewritten").message;
    assert!(m.starts_with("PORT in plain FTP: this machine sent PORT 10,0,1,2,175,200"), "{m}");
    assert!(m.contains("Under TLS it cannot read the command"), "{m}");
    assert_eq!(obs.attempt(DataMode::Port).rewritten(), None);
}

/// The server saw a data connection from another address than the control connection's: a NAT
/// with a pool of addresses, or a load balancer. Without NAT and rewrites, only that is said.
#[test]
fn echo_shows_data_connections_from_another_address() {
    let mut obs = open_path("192.0.2.7:50000", "203.0.113.10:21");
    for a in &mut obs.attempts {
        match a.mode {
            DataMode::Epsv => echo_of(a, "192.0.2.7:50000", None, Some("192.0.2.8:50001")),
            DataMode::Pasv => echo_of(a, "192.0.2.7:50000", None, Some("192.0.2.7:50002")),
            _ => {
                let sent = a.sent_argument().unwrap();
                let sent = String::from_utf8(sent).unwrap();
                echo_of(a, "192.0.2.7:50000", Some((&sent, "192.0.2.7:45000")), None)
            }
        }
    }
    let d = diagnose(&obs);
    assert_eq!((d.behind_nat, d.client_public_address), (Some(false), Some("192.0.2.7".parse().unwrap())));
    assert_eq!(codes(&d), ["data-from-other-address"]);
    let m = &finding(&d, "data-from-other-address").message;
    assert!(m.contains("EPSV from 192.0.2.8:50001 (control connection from 192.0.2.7:50000)"), "{m}");
    assert!(!m.contains("PASV"), "{m}");
}

/// A refused PORT (the port sent is not recorded then) is still known as rewritten when the
/// address the server received is not the one announced.
#[test]
fn echo_shows_a_rewritten_port_the_server_refused() {
    let mut obs = open_path("10.0.1.2:50000", "203.0.113.10:21");
    let a = fail(&mut obs, DataMode::Port, DataStage::Refused, "PORT refused");
    a.reply = Some(reply("500 PORT refused: 198.51.100.9 is not this connection's address"));
    a.announced = None;
    a.announced_ip = Some("10.0.1.2".parse().unwrap());
    echo_of(a, "198.51.100.2:61000", Some(("198,51,100,9,175,200", "198.51.100.9:45000")), None);
    let d = diagnose(&obs);
    let m = &finding(&d, "port-rewritten").message;
    assert!(
        m.starts_with("PORT: this machine sent PORT naming 10.0.1.2, and the server received PORT 198,51,100,9,175,200 (198.51.100.9:45000)"),
        "{m}"
    );
}
