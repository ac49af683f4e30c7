//! Table tests, one per format: lines written from each format's documentation and from what
//! real servers send, each with the entry it must give. `TODAY` pins the year inference.

use super::*;

const TODAY: (i32, u8, u8) = (2026, 11, 30);

fn today() -> time::Date {
    time::Date::from_calendar_date(TODAY.0, time::Month::try_from(TODAY.1).unwrap(), TODAY.2).unwrap()
}

fn parser(syst: Option<&str>) -> Parser {
    Parser::list(syst).with_today(today())
}

/// What one line must give: name, kind, size, modified (RFC 3339) and the format.
type Row<'a> = (&'a [u8], &'a [u8], Kind, Option<u64>, Option<&'a str>);

fn check(format: Format, syst: Option<&str>, rows: &[Row]) {
    for &(line, name, kind, size, modified) in rows {
        let mut p = parser(syst);
        let got: Vec<_> = p.push(line).chain(p.finish()).collect();
        let shown = String::from_utf8_lossy(line);
        let [Ok(e)] = got.as_slice() else { panic!("{shown:?} gave {got:?}") };
        assert_eq!(e.name, name, "name of {shown:?}: {:?}", String::from_utf8_lossy(&e.name));
        assert_eq!(e.kind, kind, "kind of {shown:?}");
        assert_eq!(e.size, size, "size of {shown:?}");
        assert_eq!(e.modified.map(|m| m.rfc3339()).as_deref(), modified, "time of {shown:?}");
        assert_eq!(e.format, format, "format of {shown:?}");
    }
}

/// Lines that must give nothing: headers, summaries, `.` and `..`.
fn skipped(syst: Option<&str>, lines: &[&[u8]]) {
    for line in lines {
        let mut p = parser(syst);
        let got: Vec<_> = p.push(line).chain(p.finish()).collect();
        assert!(got.is_empty(), "{:?} gave {got:?}", String::from_utf8_lossy(line));
    }
}

fn unreadable(lines: &[&[u8]]) {
    for line in lines {
        let got: Vec<_> = parser(None).push(line).collect();
        assert_eq!(got, [Err(Unreadable { line: line.to_vec() })], "{:?}", String::from_utf8_lossy(line));
    }
}

#[test]
fn mlsd_reads_every_fact_rfc_3659_defines() {
    let p = |line: &[u8]| parse_mlsd_line(line).unwrap().unwrap();
    let e = p(
        b"type=file;size=1024;modify=20240131101500;perm=adfrw;unix.mode=0644;unix.owner=ann;unix.group=staff; a b.txt",
    );
    assert_eq!((e.name.as_slice(), e.kind, e.size), (&b"a b.txt"[..], Kind::File, Some(1024)));
    assert_eq!(e.modified.unwrap().rfc3339(), "2024-01-31T10:15:00Z");
    assert_eq!(e.modified_raw.as_deref(), Some("20240131101500"));
    assert_eq!((e.perm.as_deref(), e.owner.as_deref(), e.group.as_deref()), (Some("0644"), Some("ann"), Some("staff")));
    // Fact names and type values in any case, sizd for a directory, fractional seconds.
    let d = p(b"Type=DIR;Sizd=4096;Modify=20240101000000.123;Perm=flcdmpe; sub");
    assert_eq!((d.kind, d.size, d.perm.as_deref()), (Kind::Dir, Some(4096), Some("flcdmpe")));
    assert_eq!(d.modified.unwrap().rfc3339(), "2024-01-01T00:00:00.123Z");
    // A symbolic link with its target (RFC 3659 §7.7.4's example), other OS types.
    let l = p(b"type=OS.unix=slink:/usr/bin;UNIX.mode=0777; bin");
    assert_eq!((l.kind, l.target.as_deref()), (Kind::Link, Some(&b"/usr/bin"[..])));
    // pure-ftpd 1.0.50's empty slink and ProFTPD 1.3.8's bare symlink: links, target unknown.
    let pure = p(b"type=OS.unix=slink:;size=7;modify=20261130094647;UNIX.mode=0777;unique=fe00g9c6449; linkdir");
    assert_eq!((pure.kind, pure.target), (Kind::Link, None));
    let pro =
        p(b"modify=20261130094645;perm=adfrw;size=7;type=OS.unix=symlink;unique=FE00U9C6425;UNIX.mode=0777; linkdir");
    assert_eq!((pro.kind, pro.target, pro.unique.as_deref()), (Kind::Link, None, Some("FE00U9C6425")));
    assert_eq!(p(b"type=OS.unix=chr-13/29; tty").kind, Kind::Other);
    // pure-ftpd's numeric owner.
    let u = p(b"type=file;size=3;unix.mode=0600;unix.uid=1000;unix.gid=100; f");
    assert_eq!((u.owner.as_deref(), u.group.as_deref()), (Some("1000"), Some("100")));
    // No trailing `;`; exactly one space before a name that starts with spaces and holds a tab.
    assert_eq!(p(b"type=file;size=3 name").name, b"name");
    assert_eq!(p(b"type=file;size=3;   lead\tand tab ").name, b"  lead\tand tab ");
    // No facts at all: a name, kind unknown.
    assert_eq!(p(b" bare").kind, Kind::Unknown);
    // A leap second (RFC 3659 §2.3 allows 60).
    assert_eq!(p(b"type=file;modify=20161231235960; leap").modified.unwrap().rfc3339(), "2016-12-31T23:59:59Z");
    // A bad date: the raw text kept, no time made up.
    let bad = p(b"type=file;modify=20241399999999; bad");
    assert_eq!((bad.modified, bad.modified_raw.as_deref()), (None, Some("20241399999999")));
    for line in [&b"type=cdir;modify=20240101000000; /home/x"[..], b"type=pdir; .."] {
        assert_eq!(parse_mlsd_line(line), Ok(None));
    }
    for line in [&b"garbage"[..], b"type=file;size=1;", b"type file; x", b"=x; y"] {
        assert!(parse_mlsd_line(line).is_err(), "{line:?}");
    }
}

#[test]
fn mlsd_lines_sent_in_reply_to_list_are_read() {
    let rows: &[Row] = &[
        (b"type=file;size=5;modify=20250102030405; x.txt", b"x.txt", Kind::File, Some(5), Some("2025-01-02T03:04:05Z")),
        (b"Type=dir;Modify=20250102030405; d", b"d", Kind::Dir, None, Some("2025-01-02T03:04:05Z")),
    ];
    check(Format::Mlsd, None, rows);
    skipped(None, &[b"type=cdir;modify=20250102030405; ."]);
}

#[test]
fn unix_ls_lines_and_their_variants() {
    let rows: &[Row] = &[
        // GNU ls, vsftpd, ProFTPD, pure-ftpd; recent (time) and old (year) dates.
        (
            b"-rw-r--r--    1 1000     1000      1048576 Jan 31 10:15 big file.bin",
            b"big file.bin",
            Kind::File,
            Some(1048576),
            Some("2026-01-31T10:15:00"),
        ),
        (
            b"drwxr-xr-x    2 ftp      ftp          4096 Nov 28  2019 pub",
            b"pub",
            Kind::Dir,
            Some(4096),
            Some("2019-11-28"),
        ),
        (b"lrwxrwxrwx 1 root root 7 Feb  1  2023 bin -> usr/bin", b"bin", Kind::Link, Some(7), Some("2023-02-01")),
        // Sizes that look like years, after numeric owner and group (vsftpd's default).
        (
            b"-rw-r--r--    1 1001     1001         1994 Nov 30 07:58 f2.bin",
            b"f2.bin",
            Kind::File,
            Some(1994),
            Some("2026-11-30T07:58:00"),
        ),
        (b"-rw-r--r-- 1 1001 1001 2024 Jan  5  2020 y", b"y", Kind::File, Some(2024), Some("2020-01-05")),
        // A recent date later in the year than today belongs to last year.
        (b"-rw-r--r-- 1 u g 5 Dec 24 18:00 xmas", b"xmas", Kind::File, Some(5), Some("2025-12-24T18:00:00")),
        // Missing group (8 columns), ACL and attribute marks, devices, sockets, FIFOs.
        (
            b"-rw-r--r--   1 owner        512 Mar  3 09:00 nogroup",
            b"nogroup",
            Kind::File,
            Some(512),
            Some("2026-03-03T09:00:00"),
        ),
        (b"drwxr-xr-x+ 3 a b 96 Apr  1  2022 acl", b"acl", Kind::Dir, Some(96), Some("2022-04-01")),
        (b"-rw-r--r--@ 1 a staff 6148 Jun 10 2021 .DS_Store", b".DS_Store", Kind::File, Some(6148), Some("2021-06-10")),
        (b"crw-rw-rw- 1 root tty 5, 0 Nov 30 05:00 tty", b"tty", Kind::Other, Some(0), Some("2026-11-30T05:00:00")),
        (b"prw------- 1 a a 0 Nov 29 23:59 fifo", b"fifo", Kind::Other, Some(0), Some("2026-11-29T23:59:00")),
        // An extra domain column (Windows services for Unix style), numeric permissions.
        (
            b"-rwxrwxrwx 1 owner group DOMAIN 2048 Jul  4  2020 domain.txt",
            b"domain.txt",
            Kind::File,
            Some(2048),
            Some("2020-07-04"),
        ),
        (b"d755 2 user group 4096 Jan  2  2024 octal", b"octal", Kind::Dir, Some(4096), Some("2024-01-02")),
        // Names with spaces at either end and in the middle; a name that looks like a date.
        (b"-rw-r--r-- 1 u g 1 Jan  2  2024  leading space", b" leading space", Kind::File, Some(1), Some("2024-01-02")),
        (b"-rw-r--r-- 1 u g 1 Jan  2  2024 trailing ", b"trailing ", Kind::File, Some(1), Some("2024-01-02")),
        (b"-rw-r--r-- 1 u g 1 Jan  2  2024 Feb 3 12:00", b"Feb 3 12:00", Kind::File, Some(1), Some("2024-01-02")),
        // Day before month; localized month names (German, French, Spanish, Hungarian, Russian).
        (b"-rw-r--r-- 1 u g 10 26 Jul 10:00 daymonth", b"daymonth", Kind::File, Some(10), Some("2026-07-26T10:00:00")),
        (b"-rw-r--r-- 1 u g 10 26. Juli 10:00 juli", b"juli", Kind::File, Some(10), Some("2026-07-26T10:00:00")),
        (b"-rw-r--r-- 1 u g 10 2. Okt. 2003 okt", b"okt", Kind::File, Some(10), Some("2003-10-02")),
        (b"-rw-r--r-- 1 u g 10 M\xc3\xa4r 14 2019 maerz", b"maerz", Kind::File, Some(10), Some("2019-03-14")),
        (b"-rw-r--r-- 1 u g 10 d\xc3\xa9c. 5 2018 decembre", b"decembre", Kind::File, Some(10), Some("2018-12-05")),
        (b"-rw-r--r-- 1 u g 10 d\xe9c 5 2018 latin1", b"latin1", Kind::File, Some(10), Some("2018-12-05")),
        (b"-rw-r--r-- 1 u g 10 ene 7 2017 enero", b"enero", Kind::File, Some(10), Some("2017-01-07")),
        (
            b"-rw-r--r-- 1 u g 10 m\xc3\xa1rc 12 10:00 marcius",
            b"marcius",
            Kind::File,
            Some(10),
            Some("2026-03-12T10:00:00"),
        ),
        (
            b"-rw-r--r-- 1 u g 10 2009. m\xc3\xa1rc. 12. 10:00 hu",
            b"hu",
            Kind::File,
            Some(10),
            Some("2009-03-12T10:00:00"),
        ),
        ("-rw-r--r-- 1 u g 10 окт 3 2015 ru".as_bytes(), b"ru", Kind::File, Some(10), Some("2015-10-03")),
        // CJK dates in UTF-8 and in legacy encodings (GBK, Shift-JIS, EUC-KR), names likewise.
        (
            "-rw-r--r-- 1 u g 10  3月 12 10:00 文件.txt".as_bytes(),
            "文件.txt".as_bytes(),
            Kind::File,
            Some(10),
            Some("2026-03-12T10:00:00"),
        ),
        ("-rw-r--r-- 1 u g 10 12月 24日 2003年 nian".as_bytes(), b"nian", Kind::File, Some(10), Some("2003-12-24")),
        ("drwxr-xr-x 2 u g 4096 3월 1 2020 korean".as_bytes(), b"korean", Kind::Dir, Some(4096), Some("2020-03-01")),
        (
            b"-rw-r--r-- 1 u g 10 3\xd4\xc2 12 10:00 \xce\xc4\xbc\xfe",
            b"\xce\xc4\xbc\xfe",
            Kind::File,
            Some(10),
            Some("2026-03-12T10:00:00"),
        ),
        (b"-rw-r--r-- 1 u g 10 11\x8c\x8e  2 2010 sjis", b"sjis", Kind::File, Some(10), Some("2010-11-02")),
        (
            b"-rw-r--r-- 1 u g 10 7\xbf\xf9 9 2011 \xc6\xc4\xc0\xcf",
            b"\xc6\xc4\xc0\xcf",
            Kind::File,
            Some(10),
            Some("2011-07-09"),
        ),
        // Numeric dates: ls --time-style=iso, long-iso, full-iso; slashes, dots, day first.
        (b"-rw-r--r-- 1 u g 10 09-26 13:45 iso", b"iso", Kind::File, Some(10), Some("2026-09-26T13:45:00")),
        (b"-rw-r--r-- 1 u g 10 2005-06-07 old-iso", b"old-iso", Kind::File, Some(10), Some("2005-06-07")),
        (
            b"-rw-r--r-- 1 u g 10 2005-06-07 08:09 long-iso",
            b"long-iso",
            Kind::File,
            Some(10),
            Some("2005-06-07T08:09:00"),
        ),
        (
            b"-rw-r--r-- 1 u g 10 2005-06-07 08:09:10.123456789 +0200 full-iso",
            b"full-iso",
            Kind::File,
            Some(10),
            Some("2005-06-07T08:09:10.123+02:00"),
        ),
        (
            b"-rw-r--r-- 1 u g 10 1999/10/12 12:00 slashes",
            b"slashes",
            Kind::File,
            Some(10),
            Some("1999-10-12T12:00:00"),
        ),
        (
            b"-rw-r--r-- 1 u g 10 24-04-2003 10:00 dayfirst",
            b"dayfirst",
            Kind::File,
            Some(10),
            Some("2003-04-24T10:00:00"),
        ),
        (b"-rw-r--r-- 1 u g 10 2004.07.15 10:00 dots", b"dots", Kind::File, Some(10), Some("2004-07-15T10:00:00")),
        // A day/month order the numbers cannot tell: read, time unknown.
        (b"-rw-r--r-- 1 u g 10 03-04-2003 10:00 which", b"which", Kind::File, Some(10), None),
        // `Oct 08, 2002 09:47`: the comma form, and ctime's `Mon DD HH:MM:SS YYYY`.
        (
            b"-rw-r--r-- 1 owner group 1396 Oct 08, 2002 09:47 comma.txt",
            b"comma.txt",
            Kind::File,
            Some(1396),
            Some("2002-10-08T09:47:00"),
        ),
        (
            b"-rw-r--r-- 1 u g 10 Sep 14 17:03:12 2004 ctime",
            b"ctime",
            Kind::File,
            Some(10),
            Some("2004-09-14T17:03:12"),
        ),
        // A rounded size (`ls -lh`): the line is read, the byte count is not made up.
        (b"-rw-r--r-- 1 u g 33.5k Jan  1  2024 human", b"human", Kind::File, None, Some("2024-01-01")),
        (b"-rw-r--r-- 1 u g 1,2M Jan  1  2024 comma-human", b"comma-human", Kind::File, None, Some("2024-01-01")),
        // A long group name run into the size: where one ends is unknown, so no size.
        (b"-rw-r--r-- 1 owner ftpusers1048576 Jan  1  2024 runin", b"runin", Kind::File, None, Some("2024-01-01")),
        // NetPresenz (Mac): files with resource and data fork sizes, `folder` for a directory.
        (
            b"-------r--         326  1391972  1392298 Nov 22  1995 MegaPhone.sit",
            b"MegaPhone.sit",
            Kind::File,
            Some(1392298),
            Some("1995-11-22"),
        ),
        (
            b"drwxrwxr-x               folder        2 May 10  1996 network",
            b"network",
            Kind::Dir,
            Some(2),
            Some("1996-05-10"),
        ),
        // VShell (Windows): owner and group as numbers, a link to a directory.
        (
            b"drwx------    1 0        0               0 Jun 15 2005 Program Files",
            b"Program Files",
            Kind::Dir,
            Some(0),
            Some("2005-06-15"),
        ),
        // Feb 29 with no year: the latest leap year in range, or no date at all.
        (b"-rw-r--r-- 1 u g 1 Feb 29 12:00 leap", b"leap", Kind::File, Some(1), None),
    ];
    check(Format::Unix, None, rows);
    let link = parse_list(b"lrwxrwxrwx 1 root root 7 Feb  1  2023 a b -> c d").unwrap();
    assert_eq!((link.name.as_slice(), link.target.as_deref()), (&b"a b"[..], Some(&b"c d"[..])));
    let full = parse_list(b"-rw-r--r-- 2 ann staff 5 Jan 31 10:15 f").unwrap();
    assert_eq!(
        (full.owner.as_deref(), full.group.as_deref(), full.perm.as_deref()),
        (Some("ann"), Some("staff"), Some("rw-r--r--"))
    );
    assert_eq!(full.modified_raw.as_deref(), Some("Jan 31 10:15"));
    assert!(full.modified.unwrap().year_inferred);
    let human = parse_list(b"-rw-r--r-- 1 u g 33.5k Jan  1  2024 human").unwrap();
    assert_eq!(human.size_text.as_deref(), Some("33.5k"));
    skipped(
        None,
        &[
            b"total 12",
            b"Total 0",
            b"",
            b"   ",
            b"drwxr-xr-x 2 u g 4096 Jan 1 12:00 .",
            b"drwxr-xr-x 2 u g 4096 Jan 1 12:00 ..",
        ],
    );
}

#[test]
fn year_inference_follows_ls() {
    let at = |line: &[u8], y: i32, m: u8, d: u8| {
        let today = time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap();
        let mut p = Parser::list(None).with_today(today);
        let e = p.push(line).next().unwrap().unwrap();
        e.modified.map(|m| m.rfc3339())
    };
    let line = b"-rw-r--r-- 1 u g 1 Dec 31 23:00 f";
    assert_eq!(at(line, 2027, 1, 2).as_deref(), Some("2026-12-31T23:00:00"));
    // A day ahead is allowed for a server in a later zone.
    assert_eq!(at(line, 2026, 12, 30).as_deref(), Some("2026-12-31T23:00:00"));
    assert_eq!(at(line, 2026, 12, 29).as_deref(), Some("2025-12-31T23:00:00"));
    let leap = b"-rw-r--r-- 1 u g 1 Feb 29 12:00 f";
    assert_eq!(at(leap, 2028, 6, 1).as_deref(), Some("2028-02-29T12:00:00"));
    assert_eq!(at(leap, 2029, 1, 15).as_deref(), Some("2028-02-29T12:00:00"));
}

#[test]
fn dos_and_iis_lines() {
    let rows: &[Row] = &[
        (b"04-27-00  12:09PM       <DIR>          licensed", b"licensed", Kind::Dir, None, Some("2000-04-27T12:09:00")),
        (
            b"01-31-24  10:15AM                 1234 a.txt",
            b"a.txt",
            Kind::File,
            Some(1234),
            Some("2024-01-31T10:15:00"),
        ),
        (
            b"11-16-2009  03:43PM            1,048,576 Big Report.pdf",
            b"Big Report.pdf",
            Kind::File,
            Some(1048576),
            Some("2009-11-16T15:43:00"),
        ),
        (
            b"12-01-99  12:00AM                    0 midnight",
            b"midnight",
            Kind::File,
            Some(0),
            Some("1999-12-01T00:00:00"),
        ),
        (b"2014-08-12  14:23    <DIR>          iso dir", b"iso dir", Kind::Dir, None, Some("2014-08-12T14:23:00")),
        (
            b"12.08.2014  14:23             2.048 german.txt",
            b"german.txt",
            Kind::File,
            Some(2048),
            Some("2014-08-12T14:23:00"),
        ),
        (
            b"25-12-19  08:00PM                  17 dayfirst",
            b"dayfirst",
            Kind::File,
            Some(17),
            Some("2019-12-25T20:00:00"),
        ),
        (b"07/04/2021  09:30 AM    <DIR>          us slash", b"us slash", Kind::Dir, None, Some("2021-07-04T09:30:00")),
        (
            b"03-04-05  01:02PM    <JUNCTION>     Docs [C:\\Users\\x\\Docs]",
            b"Docs",
            Kind::Link,
            None,
            Some("2005-03-04T13:02:00"),
        ),
        (
            b"01-31-24  10:15AM                 1234   padded",
            b"padded",
            Kind::File,
            Some(1234),
            Some("2024-01-31T10:15:00"),
        ),
    ];
    check(Format::Dos, None, rows);
    let j = parse_list(b"03-04-05  01:02PM    <JUNCTION>     Docs [C:\\Users\\x\\Docs]").unwrap();
    assert_eq!(j.target.as_deref(), Some(&b"C:\\Users\\x\\Docs"[..]));
    unreadable(&[
        b"01-31-24  10:15AM       1,23,4 bad-grouping",
        b"13-32-24  10:15AM  5 no-such-day",
        b"01-31-24  13:15PM  5 bad-clock",
    ]);
}

#[test]
fn eplf_lines() {
    let rows: &[Row] = &[
        (
            b"+i8388621.48594,m825718503,r,s280,\tdjb.html",
            b"djb.html",
            Kind::File,
            Some(280),
            Some("1996-03-01T22:15:03Z"),
        ),
        (b"+i8388621.50690,m824255907,/,\t514", b"514", Kind::Dir, None, Some("1996-02-13T23:58:27Z")),
        (b"+m825718503,up644,r,s0,\t with space", b" with space", Kind::File, Some(0), Some("1996-03-01T22:15:03Z")),
    ];
    check(Format::Eplf, None, rows);
    unreadable(&[b"+i1,r,s12x,\tbad-size", b"+i1,r,s12 no-tab"]);
}

#[test]
fn vms_lines_and_entries_split_over_two() {
    let rows: &[Row] = &[
        (
            b"README.TXT;1              2   4-MAR-1999 12:34:56  [SYSTEM]   (RWED,RWED,RE,RE)",
            b"README.TXT",
            Kind::File,
            None,
            Some("1999-03-04T12:34:56"),
        ),
        (
            b"FILES.DIR;1               1/3  12-JAN-2000 09:00:00  [GROUP,OWNER] (RWE,RWE,RE,RE)",
            b"FILES",
            Kind::Dir,
            None,
            Some("2000-01-12T09:00:00"),
        ),
        (
            b"CII-MANUAL.TEX;12  213/216  29-JAN-1996 03:33:12.45  [ANONYMOU, ANONYMOUS]   (RWED,RWED,,)",
            b"CII-MANUAL.TEX",
            Kind::File,
            None,
            Some("1996-01-29T03:33:12.450"),
        ),
        (b"LOGIN.COM;3  5  1-DEC-2025 23:59", b"LOGIN.COM", Kind::File, None, Some("2025-12-01T23:59:00")),
    ];
    check(Format::Vms, None, rows);
    let e = parse_list(rows[1].0).unwrap();
    assert_eq!(
        (e.size_text.as_deref(), e.owner.as_deref(), e.perm.as_deref()),
        (Some("1/3"), Some("GROUP,OWNER"), Some("RWE,RWE,RE,RE"))
    );
    // A whole listing: header, an entry whose name fills its line, the summary.
    let listing: &[&[u8]] = &[
        b"Directory DISK$USER:[ANONYMOUS]",
        b"",
        b"A_VERY_LONG_FILE_NAME_INDEED.TXT;12",
        b"                          5/6   4-MAR-1999 12:34:56  [GROUP,OWNER]  (RWED,RWED,R,)",
        b"SHORT.TXT;1               1/3  12-JAN-2000 09:00:00  [GROUP,OWNER] (RWE,RWE,RE,RE)",
        b"LONELY_NAME_WITH_NO_REST.DAT;2",
        b"AFTER.DAT;1               1/3  12-JAN-2000 09:00:00",
        b"LAST_ONE.DAT;1",
        b"",
        b"Total of 4 files, 8/12 blocks.",
    ];
    let mut p = parser(Some("VMS OpenVMS V8.4"));
    let mut got = Vec::new();
    for line in listing {
        got.extend(p.push(line));
    }
    got.extend(p.finish());
    let names: Vec<_> = got
        .iter()
        .map(|r| match r {
            Ok(e) => String::from_utf8_lossy(&e.name).into_owned(),
            Err(u) => format!("unreadable {}", String::from_utf8_lossy(&u.line)),
        })
        .collect();
    assert_eq!(
        names,
        [
            "A_VERY_LONG_FILE_NAME_INDEED.TXT",
            "SHORT.TXT",
            "unreadable LONELY_NAME_WITH_NO_REST.DAT;2",
            "AFTER.DAT",
            "unreadable LAST_ONE.DAT;1",
        ]
    );
    skipped(
        None,
        &[
            b"Directory DISK$USER:[ANONYMOUS]",
            b"Total of 3 files, 8/12 blocks.",
            b"Grand total of 2 directories, 5 files, 20/32 blocks.",
        ],
    );
}

/// Every result of a whole listing, read as one `Parser` reads it: names, or `unreadable LINE`.
fn read_all(syst: Option<&str>, listing: &[&[u8]]) -> (Vec<String>, Vec<Entry>) {
    let mut p = parser(syst);
    let mut got: Vec<_> = listing.iter().flat_map(|line| p.push(line).collect::<Vec<_>>()).collect();
    got.extend(p.finish());
    let names = got
        .iter()
        .map(|r| match r {
            Ok(e) => String::from_utf8_lossy(&e.name).into_owned(),
            Err(u) => format!("unreadable {}", String::from_utf8_lossy(&u.line)),
        })
        .collect();
    (names, got.into_iter().flatten().collect())
}

#[test]
fn vms_names_lose_their_version_and_only_the_highest_version_is_kept() {
    // As MultiNet's and UCX's DIRECTORY list them: a name's versions together, newest first; a
    // name too long for its column alone on its line; a directory `NAME.DIR;1`.
    let listing: &[&[u8]] = &[
        b"Directory SYS$SYSDEVICE:[ANONYMOUS.PUB]",
        b"",
        b"README.TXT;3              2/3   4-MAR-2024 12:34:56  [SYSTEM]   (RWED,RWED,RE,RE)",
        b"README.TXT;2              1/3   1-MAR-2024 08:00:00  [SYSTEM]   (RWED,RWED,RE,RE)",
        b"README.TXT;1              1/3  28-FEB-2024 17:15:00  [SYSTEM]   (RWED,RWED,RE,RE)",
        b"A_VERY_LONG_REPORT_NAME_FOR_2024.DAT;7",
        b"                        120/123 12-JAN-2025 09:00:00  [SYSTEM]   (RWED,RWED,RE,)",
        b"A_VERY_LONG_REPORT_NAME_FOR_2024.DAT;6",
        b"                        118/123 11-JAN-2025 09:00:00  [SYSTEM]   (RWED,RWED,RE,)",
        b"SUB.DIR;1                 1/3   2-JAN-2024 10:00:00  [SYSTEM]   (RWE,RWE,RE,E)",
        b"",
        b"Total of 6 files, 243/258 blocks.",
    ];
    let (names, entries) = read_all(Some("VMS OpenVMS V8.4-2L1"), listing);
    assert_eq!(names, ["README.TXT", "A_VERY_LONG_REPORT_NAME_FOR_2024.DAT", "SUB"]);
    let got: Vec<_> = entries.iter().map(|e| (e.kind, e.version, e.size_text.as_deref())).collect();
    assert_eq!(
        got,
        [(Kind::File, Some(3), Some("2/3")), (Kind::File, Some(7), Some("120/123")), (Kind::Dir, Some(1), Some("1/3"))]
    );
    assert_eq!(entries[0].modified.unwrap().rfc3339(), "2024-03-04T12:34:56");
    assert!(entries.iter().all(|e| e.plain_name().is_some()));
    // Versions out of order, or one listed apart from the others: still one entry, the highest
    // when they are together.
    let (names, entries) = read_all(
        None,
        &[
            b"LOG.TXT;4   1   1-MAR-2024 08:00:00",
            b"LOG.TXT;9   2   2-MAR-2024 08:00:00",
            b"OTHER.TXT;1 1   1-MAR-2024 08:00:00",
            b"LOG.TXT;12  3   3-MAR-2024 08:00:00",
        ],
    );
    assert_eq!(names, ["LOG.TXT", "OTHER.TXT"]);
    assert_eq!(entries[0].version, Some(9));
    // `.DIR` in any case, and only as the whole type.
    let (names, entries) = read_all(
        None,
        &[
            b"lower.dir;1  1  1-MAR-2024 08:00:00",
            b"DIRECTORY.TXT;1  1  1-MAR-2024 08:00:00",
            b".DIR;1  1  1-MAR-2024 08:00:00",
        ],
    );
    assert_eq!(names, ["lower", "DIRECTORY.TXT", ".DIR"]);
    assert_eq!(entries.iter().map(|e| e.kind).collect::<Vec<_>>(), [Kind::Dir, Kind::File, Kind::File]);
}

#[test]
fn a_vms_directory_with_no_files_gives_no_entry_and_no_unreadable_line() {
    for listing in [
        &[&b"%RMS-E-FNF, file not found"[..]][..],
        &[b"", b"Directory DISK$USER:[ANONYMOUS.EMPTY]", b"", b"%DIRECT-W-NOFILES, no files found"],
    ] {
        let (names, _) = read_all(Some("VMS"), listing);
        assert!(names.is_empty(), "{names:?}");
        let (names, _) = read_all(None, listing);
        assert!(names.is_empty(), "{names:?}");
    }
    assert!(says_no_files(b"550 %RMS-E-FNF, file not found"));
    assert!(says_no_files(b"Cannot find file *.*;* %rms-e-fnf, file not found"));
    // A missing directory is not an empty one.
    assert!(!says_no_files(b"550 %RMS-E-DNF, directory not found"));
    unreadable(&[b"%RMS-E-DNF, directory not found"]);
}

#[test]
fn netware_lines() {
    let rows: &[Row] = &[
        (
            b"d [R----F--] supervisor            512       Jan 16 18:53    login",
            b"login",
            Kind::Dir,
            Some(512),
            Some("2026-01-16T18:53:00"),
        ),
        (
            b"- [R----F--] rhesus             214059       Oct 20 15:27    cx.exe",
            b"cx.exe",
            Kind::File,
            Some(214059),
            Some("2026-10-20T15:27:00"),
        ),
        (
            b"- [RWCEAFMS] admin                  99       Mar  1  2001    old file.txt",
            b"old file.txt",
            Kind::File,
            Some(99),
            Some("2001-03-01"),
        ),
    ];
    check(Format::Netware, None, rows);
    assert_eq!(parse_list(rows[0].0).unwrap().perm.as_deref(), Some("R----F--"));
}

#[test]
fn os2_lines() {
    let rows: &[Row] = &[
        (
            b"     0           DIR   05-12-97   16:44  PSFONTS",
            b"PSFONTS",
            Kind::Dir,
            Some(0),
            Some("1997-05-12T16:44:00"),
        ),
        (
            b" 36611      A          04-23-103  10:57  OS2 test1.file",
            b"OS2 test1.file",
            Kind::File,
            Some(36611),
            Some("2003-04-23T10:57:00"),
        ),
        (
            b"  1123      A          07-14-99   12:37  OS2 test2.file",
            b"OS2 test2.file",
            Kind::File,
            Some(1123),
            Some("1999-07-14T12:37:00"),
        ),
        (
            b"     0 DIR             02-11-103  16:15  OS2 test1.dir",
            b"OS2 test1.dir",
            Kind::Dir,
            Some(0),
            Some("2003-02-11T16:15:00"),
        ),
    ];
    check(Format::Os2, None, rows);
}

#[test]
fn as400_lines() {
    let rows: &[Row] = &[
        (
            b"QSYS           77824 02/23/00 15:09:55 *DIR       QSYS.LIB/",
            b"QSYS.LIB",
            Kind::Dir,
            Some(77824),
            Some("2000-02-23T15:09:55"),
        ),
        (
            b"QDOC           24576 11/19/99 10:17:28 *FLR       QDOC/",
            b"QDOC",
            Kind::Dir,
            Some(24576),
            Some("1999-11-19T10:17:28"),
        ),
        (
            b"QPGMR          36864 11/25/19 10:17:43 *STMF      README.TXT",
            b"README.TXT",
            Kind::File,
            Some(36864),
            Some("2019-11-25T10:17:43"),
        ),
        (
            b"USER1           1234 05/06/04 10:38:00 *STMF      ambiguous.txt",
            b"ambiguous.txt",
            Kind::File,
            Some(1234),
            None,
        ),
        (
            b"USER1          20480 2004-05-18 10:38:00 *FILE      MYFILE.FILE/",
            b"MYFILE.FILE",
            Kind::Dir,
            Some(20480),
            Some("2004-05-18T10:38:00"),
        ),
        (
            b"USER1                                  *MEM       MYFILE.FILE/MBR1.MBR",
            b"MYFILE.FILE/MBR1.MBR",
            Kind::File,
            None,
            None,
        ),
        (
            b"USER1           8192 12/31/24 23:59:59 *PGM       HELLO.PGM",
            b"HELLO.PGM",
            Kind::Other,
            Some(8192),
            Some("2024-12-31T23:59:59"),
        ),
    ];
    check(Format::As400, Some("OS/400 is the remote operating system. The TCP/IP version is \"V7R4M0\"."), rows);
    // Without SYST too.
    check(Format::As400, None, &rows[..3]);
    // A member's name holds a `/`: given as is, with its type, never as a plain name to join
    // to a path; a copy skips it and says why.
    let member = parse_list(rows[5].0).unwrap();
    assert_eq!((member.plain_name(), member.object_type.as_deref()), (None, Some("*MEM")));
    let why = member.system_path_reason().unwrap();
    assert!(why.contains("AS/400 *MEM path"), "{why}");
    let json = member.to_json();
    assert_eq!((json["name"].as_str(), json["object_type"].as_str()), (Some("MYFILE.FILE/MBR1.MBR"), Some("*MEM")));
    // `NAMEFMT 0`: `LIBRARY/FILE` and `LIBRARY/FILE.MEMBER`.
    let (names, entries) = read_all(
        Some("OS/400 is the remote operating system."),
        &[
            b"QPGMR         106496 11/07/24 10:42:41 *FILE      QGPL/QCLSRC",
            b"QPGMR                                  *MEM       QGPL/QCLSRC.HELLO",
            b"QPGMR          36864 11/25/19 10:17:43 *STMF      README.TXT",
        ],
    );
    assert_eq!(names, ["QGPL/QCLSRC", "QGPL/QCLSRC.HELLO", "README.TXT"]);
    assert!(entries[..2].iter().all(|e| e.plain_name().is_none() && e.system_path_reason().is_some()));
    assert_eq!((entries[2].plain_name(), entries[2].system_path_reason()), (Some(&b"README.TXT"[..]), None));
    // Nor is a path that climbs, starts at the root or has an empty part.
    for hostile in [&b"../../x"[..], b"/etc/passwd", b"A//B", b"A/./B"] {
        let mut e = member.clone();
        e.name = hostile.to_vec();
        assert_eq!(e.system_path_reason(), None, "{hostile:?}");
    }
    // A `/` in any other format's name is not excused as a system path.
    assert_eq!(parse_list(b"-rw-r--r-- 1 u g 5 Jan 31 10:15 a/b").unwrap().system_path_reason(), None);
}

#[test]
fn mvs_dataset_and_member_listings() {
    let datasets: &[Row] = &[
        (
            b"SMS034 3390   2021/03/08  1   15  VB     255 27998  PS  DATA.SET.NAME",
            b"DATA.SET.NAME",
            Kind::File,
            None,
            Some("2021-03-08"),
        ),
        (
            b"SMS160 3390   2021/03/15  1    1  FB      80 27920  PO  SOURCE.LIB",
            b"SOURCE.LIB",
            Kind::Dir,
            None,
            Some("2021-03-15"),
        ),
        (b"WORK01 3390   **NONE**    1    1  U        0  6144  PO-E LOAD.LIB", b"LOAD.LIB", Kind::Dir, None, None),
        (
            b"Migrated                                                HSM.MIGRATED.DS",
            b"HSM.MIGRATED.DS",
            Kind::Other,
            None,
            None,
        ),
        (
            b"Pseudo Directory                                        USER.PRIVATE",
            b"USER.PRIVATE",
            Kind::Dir,
            None,
            None,
        ),
        (
            b"ARCIVE Not Direct Access Device                         KJ.IOP998.TAPE",
            b"KJ.IOP998.TAPE",
            Kind::Other,
            None,
            None,
        ),
    ];
    check(
        Format::MvsDataset,
        Some("MVS is the operating system of this server. FTP Server is running on z/OS."),
        datasets,
    );
    check(Format::MvsDataset, None, datasets);
    skipped(None, &[b"Volume Unit    Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname"]);
    let members: &[Row] = &[
        (
            b"ADDRESS   01.03 2002/09/12 2002/10/11 09:37    11    11     0 KIL001",
            b"ADDRESS",
            Kind::File,
            None,
            Some("2002-10-11T09:37:00"),
        ),
        (
            b"BUILD     01.00 2003/01/28 2003/01/28 13:21    58    58     0 ADMIN",
            b"BUILD",
            Kind::File,
            None,
            Some("2003-01-28T13:21:00"),
        ),
        (b"NOSTATS", b"NOSTATS", Kind::File, None, None),
        (
            b"EAGKCPT   000018   000007            00 FO             RN RU            31    ANY",
            b"EAGKCPT",
            Kind::File,
            None,
            None,
        ),
    ];
    check(Format::MvsMember, Some("MVS is the operating system of this server."), members);
    // Without SYST, members with statistics or under their header; a bare name is read only
    // after the header.
    let mut p = parser(None);
    let listing: &[&[u8]] =
        &[b" Name     VV.MM   Created       Changed      Size  Init   Mod   Id", members[0].0, b"NOSTATS", b"$TEMP#1"];
    let got: Vec<_> = listing.iter().flat_map(|l| p.push(l).collect::<Vec<_>>()).collect();
    let names: Vec<_> = got.iter().map(|r| r.as_ref().unwrap().name.clone()).collect();
    assert_eq!(names, [b"ADDRESS".to_vec(), b"NOSTATS".to_vec(), b"$TEMP#1".to_vec()]);
    assert_eq!(parse_list(members[0].0).unwrap().size_text.as_deref(), Some("11 lines"));
    unreadable(&[b"NOSTATS", b"lowercase"]);
}

#[test]
fn zvm_lines() {
    let rows: &[Row] = &[
        (
            b"PROFILE  EXEC     V         74         13          1 2001-05-21 13:10:43 VMSYSU",
            b"PROFILE.EXEC",
            Kind::File,
            None,
            Some("2001-05-21T13:10:43"),
        ),
        (
            b"README   TEXT     F         80        120          3 2000-11-02  9:23:05 -",
            b"README.TEXT",
            Kind::File,
            None,
            Some("2000-11-02T09:23:05"),
        ),
        (
            b"SUBDIR1  DIR      -          -          -          - 2000-01-01 12:00:00 -",
            b"SUBDIR1",
            Kind::Dir,
            None,
            Some("2000-01-01T12:00:00"),
        ),
    ];
    check(Format::Vm, Some("VM/ESA is the operating system of this server."), rows);
    check(Format::Vm, None, rows);
}

#[test]
fn nonstop_lines() {
    let rows: &[Row] = &[
        (
            b"ALTERR        0                 0  15-Sep-98 11:33:54  255,255 \"oooo\"",
            b"ALTERR",
            Kind::File,
            Some(0),
            Some("1998-09-15T11:33:54"),
        ),
        (
            b"STARTUP     101               850  20-Oct-02 14:01:47    8,17  \"nunu\"",
            b"STARTUP",
            Kind::File,
            Some(850),
            Some("2002-10-20T14:01:47"),
        ),
        (
            b"EMSLOG      180O           102400  01-Jan-24 00:00:00  255,255 \"gggg\"",
            b"EMSLOG",
            Kind::File,
            Some(102400),
            Some("2024-01-01T00:00:00"),
        ),
    ];
    check(Format::Nonstop, Some("NONSTOP KERNEL"), rows);
    check(Format::Nonstop, None, rows);
    skipped(None, &[b"File         Code             EOF  Last Modification    Owner  RWEP"]);
}

#[test]
fn os9_lines() {
    let rows: &[Row] = &[
        (
            b"   0.0     93/03/26 1212  d-ewrewr     4B0       1A0 CMDS",
            b"CMDS",
            Kind::Dir,
            Some(0x1a0),
            Some("1993-03-26T12:12:00"),
        ),
        (
            b"   0.78    97/07/22 1438  ------wr     6D2       3F1 startup",
            b"startup",
            Kind::File,
            Some(0x3f1),
            Some("1997-07-22T14:38:00"),
        ),
    ];
    check(Format::Os9, Some("OS-9"), rows);
    check(Format::Os9, None, rows);
    skipped(
        None,
        &[
            b"                            Directory of . 14:10:28",
            b" Owner    Last modified  Attributes Sector Bytecount Name",
            b"-------   ------------- ---------- ------ --------- ----",
        ],
    );
}

#[test]
fn vxworks_lines() {
    let rows: &[Row] = &[
        (
            b"    4096    JAN-01-1980  00:00:00   SYSTEM      <DIR>",
            b"SYSTEM",
            Kind::Dir,
            None,
            Some("1980-01-01T00:00:00"),
        ),
        (
            b"   12345    JUL-30-2008  13:10:24   vxWorks.st",
            b"vxWorks.st",
            Kind::File,
            Some(12345),
            Some("2008-07-30T13:10:24"),
        ),
        (
            b"     512    DEC-31-2019  23:59:59   config file.cfg   ",
            b"config file.cfg",
            Kind::File,
            Some(512),
            Some("2019-12-31T23:59:59"),
        ),
    ];
    check(Format::Vxworks, None, rows);
    skipped(None, &[b"  size          date       time       name", b"--------       ------     ------    --------"]);
}

#[test]
fn lines_no_format_reads_are_unreadable_not_guessed() {
    unreadable(&[
        b"hello world",
        b"ls: cannot open directory .: Permission denied",
        b"-rw-r--r-- 1 ftp ftp NaN Jan 01 12:00 bad-size",
        b"drwxr-xr-x 2 ftp ftp 4096 Foo 01 12:00 bad-month",
        b"-rw-r--r-- 1 ftp ftp 5 Jan 32 12:00 bad-day",
        b"-rw-r--r-- 1 ftp ftp 5 Jan 1 25:00 bad-hour",
        b"-rw-r--r-- 1 ftp ftp 5 Jan 01 12:00",
        b"lrwxrwxrwx 1 root root 7 Feb  1  2023  -> bin",
        b"xrw-r--r-- 1 ftp ftp 5 Jan 01 12:00 bad-type",
        b"total lots",
        b"foo=bar baz",
    ]);
}

#[test]
fn syst_names_the_system() {
    for (text, system) in [
        ("UNIX Type: L8", System::Unix),
        ("Windows_NT", System::Windows),
        ("VMS OpenVMS V8.4", System::Vms),
        ("MVS is the operating system of this server. FTP Server is running on z/OS.", System::Mvs),
        ("VM/ESA is the operating system of this server.", System::Vm),
        ("z/VM", System::Vm),
        ("OS/400 is the remote operating system. The TCP/IP version is \"V7R4M0\".", System::Os400),
        ("NETWARE Type: L8", System::Netware),
        ("OS/2", System::Os2),
        ("NONSTOP KERNEL", System::Nonstop),
        ("OS-9", System::Os9),
        ("UNKNOWN Type: L8", System::Other),
    ] {
        assert_eq!(System::from_syst(text), system, "{text}");
    }
}

#[test]
fn json_keeps_todays_keys_and_the_real_name() {
    let e = parse_list(b"-rw-r--r-- 1 ann staff 5 Jan 31 10:15 esc\x1b[2J \\ name").unwrap();
    let v = e.to_json();
    assert_eq!(v["name"], "esc\u{1b}[2J \\ name");
    assert_eq!(v["type"], "file");
    assert_eq!(v["size"], 5);
    assert_eq!(v["modified"], "2026-01-31T10:15:00");
    assert_eq!(v["time_zone"], "server-local");
    assert_eq!(v["modified_raw"], "Jan 31 10:15");
    assert_eq!(v["year_inferred"], true);
    assert_eq!(v["perm"], "rw-r--r--");
    assert_eq!(v["target"], serde_json::Value::Null);
    assert_eq!(v["name_lossy"], false);
    assert_eq!(v["owner"], "ann");
    assert_eq!(v["parser"], "unix");
    assert!(v.get("name_percent").is_none());
    assert_eq!((&v["version"], &v["object_type"]), (&serde_json::Value::Null, &serde_json::Value::Null));
    let vms = parse_list(b"README.TXT;3  2/3  4-MAR-2024 12:34:56").unwrap().to_json();
    assert_eq!((vms["name"].as_str(), vms["version"].as_u64()), (Some("README.TXT"), Some(3)));
    // JSON's own escaping: the text carries the escape character, and parses back to it.
    let text = serde_json::to_string(&v).unwrap();
    assert!(text.contains(r#""name":"esc\u001b[2J \\ name""#), "{text}");
    let m = parse_mlsd(b"type=file;modify=20261130050900; t").unwrap().to_json();
    assert_eq!((m["modified"].as_str(), m["time_zone"].as_str()), (Some("2026-11-30T05:09:00Z"), Some("UTC")));
    let lossy = parse_list(b"lrwxrwxrwx 1 u g 5 Jan 31 10:15 caf\xe9 -> t\xff").unwrap().to_json();
    assert_eq!(lossy["name"], "caf\u{fffd}");
    assert_eq!(lossy["name_lossy"], true);
    assert_eq!(lossy["name_percent"], "caf%E9");
    assert_eq!((lossy["target_lossy"].as_bool(), lossy["target_percent"].as_str()), (Some(true), Some("t%FF")));
    let nlst = parse_nlst(b"dir/only-a-name").unwrap().to_json();
    assert_eq!(
        (nlst["name"].as_str(), nlst["type"].as_str(), nlst["parser"].as_str()),
        (Some("only-a-name"), Some("unknown"), Some("nlst"))
    );
}

#[test]
fn plain_name_refuses_what_is_not_one_component() {
    for (name, plain) in [
        (&b"a.txt"[..], true),
        (b"..", false),
        (b".", false),
        (b"a/b", false),
        (b"a\\b", false),
        (b"", false),
        (b"a\0", false),
    ] {
        assert_eq!(Entry::new(name, Kind::File, Format::Unix).plain_name().is_some(), plain, "{name:?}");
    }
}
