//! Dates as listings write them, into one [`Modified`]: MLSD's `YYYYMMDDHHMMSS` (UTC, RFC 3659
//! §2.3), `ls -l`'s `Mon DD HH:MM` / `Mon DD  YYYY` and its localized and numeric variants, the
//! numeric dates of DOS, OS/2, AS/400 and mainframes. A date whose day/month order cannot be told
//! (`03/04/05` from a server whose date format is a job setting) is read as a date of unknown
//! value: the entry keeps the raw text and no time, rather than a guess.

use time::{Date, Duration, Month, Time};

/// Whose clock a time is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The server said so: MLSD `modify`, EPLF's Unix time.
    Utc,
    /// The listing gave an offset (`ls --full-time`'s `+0200`), in minutes east of UTC.
    Offset(i16),
    /// The server's own local time, zone unknown: what LIST formats show.
    ServerLocal,
}

/// A modification time as the server gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modified {
    pub date: Date,
    /// `None` when the listing shows the day only (`Jan  1  2023`).
    pub time: Option<Time>,
    pub zone: Zone,
    /// The year was not in the listing: inferred as `ls` shows it, the latest year in which the
    /// date is not in the future.
    pub year_inferred: bool,
}

impl Modified {
    pub(super) fn local(date: Date, time: Option<Time>) -> Modified {
        Modified { date, time, zone: Zone::ServerLocal, year_inferred: false }
    }

    /// RFC 3339: `2026-11-30T05:09:00Z` for UTC, `2026-11-30T05:09:00+02:00` with an offset,
    /// `2026-11-30T05:09:00` in the server's local time, `2026-11-30` (a full-date) for a day.
    pub fn rfc3339(&self) -> String {
        let d = self.date;
        let mut out = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        if let Some(t) = self.time {
            out.push_str(&format!("T{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()));
            if t.millisecond() != 0 {
                out.push_str(&format!(".{:03}", t.millisecond()));
            }
            match self.zone {
                Zone::Utc => out.push('Z'),
                Zone::Offset(m) => {
                    let sign = if m < 0 { '-' } else { '+' };
                    out.push_str(&format!("{sign}{:02}:{:02}", m.unsigned_abs() / 60, m.unsigned_abs() % 60));
                }
                Zone::ServerLocal => {}
            }
        }
        out
    }
}

pub(super) fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

pub(super) fn hms(h: u32, m: u32, s: u32) -> Option<Time> {
    Time::from_hms(u8::try_from(h).ok()?, u8::try_from(m).ok()?, u8::try_from(s).ok()?).ok()
}

/// A number of 1 to `max` ASCII digits.
pub(super) fn num(s: &[u8], max: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// A year written with two digits (POSIX `%y`: 69-99 are 1900s) or three (OS/2's years since
/// 1900: `103` is 2003).
pub(super) fn full_year(digits: &[u8]) -> Option<i32> {
    let y = num(digits, 4)? as i32;
    Some(match digits.len() {
        2 if y < 69 => 2000 + y,
        2 | 3 => 1900 + y,
        4 => y,
        _ => return None,
    })
}

/// The year for a `Mon DD HH:MM` date: `ls` shows the time instead of the year for the last six
/// months, so it is the latest year in which the date is not after today (a day of slack for a
/// server ahead of us in another zone).
pub(super) fn infer_year(month: u32, day: u32, today: Date) -> Option<Date> {
    let latest = today + Duration::days(1);
    (today.year() - 1..=today.year()).rev().filter_map(|y| ymd(y, month, day)).find(|d| *d <= latest)
}

/// `HH:MM`, `H:MM`, `HH:MM:SS`, `HH:MM:SS.fff`; with `seconds` telling whether they were given.
pub(super) fn clock(s: &[u8]) -> Option<(Time, bool)> {
    let mut parts = s.splitn(3, |&b| b == b':');
    let h = num(parts.next()?, 2)?;
    let m = parts.next().filter(|p| p.len() == 2).and_then(|p| num(p, 2))?;
    let (sec, frac, seconds) = match parts.next() {
        None => (0, 0, false),
        Some(rest) => {
            let (whole, frac) = match rest.iter().position(|&b| b == b'.') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &b""[..]),
            };
            if whole.len() != 2 || !frac.iter().all(u8::is_ascii_digit) || frac.len() > 9 {
                return None;
            }
            let mut ms = 0;
            for (i, d) in frac.iter().take(3).enumerate() {
                ms += u32::from(d - b'0') * [100, 10, 1][i];
            }
            (num(whole, 2)?, ms, true)
        }
    };
    let t = hms(h, m, sec)?.replace_millisecond(u16::try_from(frac).ok()?).ok()?;
    Some((t, seconds))
}

/// A 12-hour clock: `10:15AM`, `12:09PM`, or `10:15` followed by a separate `AM`/`PM` (`ampm`).
pub(super) fn clock12(s: &[u8], ampm: Option<&[u8]>) -> Option<Time> {
    let upper = s.to_ascii_uppercase();
    let (digits, half) = match (upper.strip_suffix(b"AM"), upper.strip_suffix(b"PM"), ampm) {
        (Some(d), _, None) => (d.to_vec(), Some(false)),
        (_, Some(d), None) => (d.to_vec(), Some(true)),
        (None, None, Some(a)) if a.eq_ignore_ascii_case(b"AM") => (upper.clone(), Some(false)),
        (None, None, Some(a)) if a.eq_ignore_ascii_case(b"PM") => (upper.clone(), Some(true)),
        (None, None, None) => (upper.clone(), None),
        _ => return None,
    };
    let (t, _) = clock(&digits)?;
    let Some(pm) = half else { return Some(t) };
    if t.hour() == 0 || t.hour() > 12 {
        return None;
    }
    let h = u32::from(t.hour() % 12) + if pm { 12 } else { 0 };
    hms(h, u32::from(t.minute()), 0)
}

/// The order of a numeric date's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    Ymd,
    Mdy,
    Dmy,
}

/// A numeric date (`2005-06-07`, `24-04-2003`, `04-27-00`, `1999/10/12`, `2004.07.15`) read in
/// the first of `orders` that fits; `Some(None)` when it is a date but more than one order gives
/// a different valid one (`03/04/05` with no order known). `None` when it is no date.
pub(super) fn numeric(s: &[u8], orders: &[Order]) -> Option<Option<Date>> {
    let sep = *s.iter().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let parts: Vec<&[u8]> = s.split(|&b| b == sep).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.iter().all(u8::is_ascii_digit)) {
        return None;
    }
    let read = |order: Order| -> Option<Date> {
        let (y, m, d) = match order {
            Order::Ymd => (parts[0], parts[1], parts[2]),
            Order::Mdy => (parts[2], parts[0], parts[1]),
            Order::Dmy => (parts[2], parts[1], parts[0]),
        };
        if m.len() > 2 || d.len() > 2 {
            return None;
        }
        ymd(full_year(y)?, num(m, 2)?, num(d, 2)?)
    };
    let found: Vec<Date> = orders.iter().filter_map(|&o| read(o)).collect();
    match found.first() {
        None => None,
        Some(first) if found.iter().all(|d| d == first) => Some(Some(*first)),
        Some(_) => Some(None),
    }
}

/// `MM-DD` (`ls --time-style=iso` for a recent file), with the year inferred.
fn month_day(s: &[u8], today: Date) -> Option<Date> {
    let (m, d) = s.split_at(s.iter().position(|&b| b == b'-')?);
    if m.len() != 2 || d.len() != 3 {
        return None;
    }
    infer_year(num(m, 2)?, num(&d[1..], 2)?, today)
}

/// Suffixes that CJK `ls` puts after a month, day and year number (月 日 年, 월 일 년), in UTF-8
/// and in the legacy encodings servers still send (GBK, Big5, Shift-JIS, EUC-JP, EUC-KR): the
/// bytes, not the text, since the listing's encoding is unknown.
const MONTH_MARKS: [&[u8]; 7] = [
    "月".as_bytes(),
    "월".as_bytes(),
    b"\xd4\xc2", // GBK
    b"\xa4\xeb", // Big5
    b"\x8c\x8e", // Shift-JIS
    b"\xb7\xee", // EUC-JP
    b"\xbf\xf9", // EUC-KR
];
const DAY_MARKS: [&[u8]; 7] =
    ["日".as_bytes(), "일".as_bytes(), b"\xc8\xd5", b"\xa4\xe9", b"\x93\xfa", b"\xc6\xfc", b"\xc0\xcf"];
const YEAR_MARKS: [&[u8]; 7] =
    ["年".as_bytes(), "년".as_bytes(), b"\xc4\xea", b"\xa6\x7e", b"\x94\x4e", b"\xc7\xaf", b"\xb3\xe2"];

/// `s` without one of `marks` at its end, if it ends in one.
fn strip_mark<'a>(s: &'a [u8], marks: &[&[u8]]) -> Option<&'a [u8]> {
    marks.iter().find_map(|m| s.strip_suffix(*m))
}

/// Month names in the languages whose `ls` output reaches FTP clients, lowercase; a token names
/// a month when it is a prefix (three letters or more, a trailing `.` dropped) of exactly one
/// month's names.
const MONTHS: [[&str; 12]; 12] = [
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    [
        "januar",
        "februar",
        "märz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    [
        "január",
        "február",
        "március",
        "április",
        "május",
        "június",
        "július",
        "augusztus",
        "szeptember",
        "október",
        "november",
        "december",
    ],
    [
        "styczeń",
        "luty",
        "marzec",
        "kwiecień",
        "maj",
        "czerwiec",
        "lipiec",
        "sierpień",
        "wrzesień",
        "październik",
        "listopad",
        "grudzień",
    ],
    [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ],
    [
        "jänner",
        "feber",
        "mrz",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "dezember",
    ],
];

/// The month a token names (1-12): a name in [`MONTHS`] or a number with a CJK month mark.
pub(super) fn month(token: &[u8]) -> Option<u32> {
    if let Some(n) = strip_mark(token, &MONTH_MARKS) {
        return num(n, 2).filter(|m| (1..=12).contains(m));
    }
    // Text in UTF-8, else Latin-1 (`d\xe9c` from a server in a Latin-1 locale).
    let text = match std::str::from_utf8(token) {
        Ok(s) => s.to_lowercase(),
        Err(_) => token.iter().map(|&b| char::from(b)).collect::<String>().to_lowercase(),
    };
    let text = text.strip_suffix('.').unwrap_or(&text);
    if text.chars().count() < 3 || !text.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut found = None;
    for lang in &MONTHS {
        for (i, name) in lang.iter().enumerate() {
            if name.starts_with(text) {
                if found.is_some_and(|f| f != i) {
                    return None;
                }
                found = Some(i);
            }
        }
    }
    found.map(|i| i as u32 + 1)
}

/// A day of the month: `7`, `07`, `7.` (German), `7,` (`Oct 08, 2002`), or with a CJK day mark;
/// and whether a comma followed it.
fn day(token: &[u8]) -> Option<(u32, bool)> {
    let (digits, comma) = match token {
        [d @ .., b','] => (d, true),
        [d @ .., b'.'] => (d, false),
        _ => (strip_mark(token, &DAY_MARKS).unwrap_or(token), false),
    };
    num(digits, 2).filter(|d| (1..=31).contains(d)).map(|d| (d, comma))
}

/// A four-digit year, maybe with a trailing `.` or a CJK year mark.
fn year(token: &[u8]) -> Option<i32> {
    let digits = strip_mark(token, &YEAR_MARKS).or_else(|| token.strip_suffix(b".")).unwrap_or(token);
    (digits.len() == 4).then(|| num(digits, 4)).flatten().map(|y| y as i32).filter(|y| (1900..=2200).contains(y))
}

/// A zone offset as `ls --full-time` writes it: `+0200`, `-0530`.
fn offset(token: &[u8]) -> Option<i16> {
    let (sign, digits) = match token {
        [b'+', d @ ..] => (1, d),
        [b'-', d @ ..] => (-1, d),
        _ => return None,
    };
    if digits.len() != 4 {
        return None;
    }
    let (h, m) = (num(&digits[..2], 2)?, num(&digits[2..], 2)?);
    (h <= 14 && m < 60).then(|| sign * (h * 60 + m) as i16)
}

/// The date that starts `tokens` in an `ls -l` style line, and how many tokens it takes; `None`
/// when the tokens hold no date there. The inner `Option` is `None` for a date of unknown value.
pub(super) fn unix(tokens: &[&[u8]], today: Date) -> Option<(Option<Modified>, usize)> {
    let t = |i: usize| tokens.get(i).copied();
    // Mon DD (HH:MM | YYYY), Mon DD, YYYY [HH:MM], Mon DD HH:MM:SS YYYY, and CJK `3月 12 10:00`.
    if let Some(m) = month(t(0)?)
        && let Some((d, comma)) = t(1).and_then(day)
        && let Some(found) = after_day(m, d, comma, &tokens[2..], today)
    {
        return Some((found.0, found.1 + 2));
    }
    // DD Mon (HH:MM | YYYY): `26. Juli 10:00`, `2. Okt. 2003`, `26 Jul 2003`.
    if let Some((d, comma)) = day(t(0)?)
        && !comma
        && let Some(m) = t(1).and_then(month)
        && let Some(found) = after_day(m, d, false, &tokens[2..], today)
    {
        return Some((found.0, found.1 + 2));
    }
    // YYYY Mon DD [HH:MM]: `2009. márc. 12. 10:00`, `2003年 12月 24日`.
    if let Some(y) = year(t(0)?)
        && let Some(m) = t(1).and_then(month)
        && let Some((d, _)) = t(2).and_then(day)
    {
        let date = ymd(y, m, d)?;
        return Some(match t(3).and_then(clock) {
            Some((time, _)) => (Some(Modified::local(date, Some(time))), 4),
            None => (Some(Modified::local(date, None)), 3),
        });
    }
    // MM-DD HH:MM (`--time-style=iso`), YYYY-MM-DD [HH:MM[:SS[.f]] [+zone]], DD-MM-YYYY ...
    let first = t(0)?;
    let (date, inferred) = if let Some(d) = month_day(first, today) {
        (Some(d), true)
    } else {
        let date = numeric(
            first,
            if first.len() >= 4 && first[..4].iter().all(u8::is_ascii_digit) {
                &[Order::Ymd]
            } else {
                &[Order::Dmy, Order::Mdy]
            },
        )?;
        (date, false)
    };
    let mut used = 1;
    let mut time = None;
    let mut zone = Zone::ServerLocal;
    if let Some((clock, _)) = t(1).and_then(clock) {
        time = Some(clock);
        used = 2;
        if let Some(o) = t(2).and_then(offset) {
            zone = Zone::Offset(o);
            used = 3;
        }
    } else if inferred {
        // `MM-DD` alone is no date ls writes.
        return None;
    }
    Some((date.map(|date| Modified { date, time, zone, year_inferred: inferred }), used))
}

/// What follows a month and a day: a time (year inferred), a year, `, YYYY [HH:MM]`, or a time
/// with seconds and then the year (ctime's order).
fn after_day(m: u32, d: u32, comma: bool, rest: &[&[u8]], today: Date) -> Option<(Option<Modified>, usize)> {
    let first = *rest.first()?;
    if comma {
        let date = ymd(year(first)?, m, d)?;
        return Some(match rest.get(1).and_then(|t| clock(t)) {
            Some((time, _)) => (Some(Modified::local(date, Some(time))), 2),
            None => (Some(Modified::local(date, None)), 1),
        });
    }
    if let Some((time, seconds)) = clock(first) {
        if seconds && let Some(y) = rest.get(1).and_then(|t| year(t)) {
            return Some((Some(Modified::local(ymd(y, m, d)?, Some(time))), 2));
        }
        // Feb 29 when neither this year nor the last had one: a date, of unknown value.
        let Some(date) = infer_year(m, d, today) else { return some_year(m, d).then_some((None, 1)) };
        return Some((Some(Modified { date, time: Some(time), zone: Zone::ServerLocal, year_inferred: true }), 1));
    }
    let y = year(first)?;
    match ymd(y, m, d) {
        Some(date) => Some((Some(Modified::local(date, None)), 1)),
        None => some_year(m, d).then_some((None, 1)),
    }
}

/// Whether the day exists in some year (Feb 29 does, Feb 30 not).
fn some_year(m: u32, d: u32) -> bool {
    ymd(2000, m, d).is_some()
}

/// MLSD's `YYYYMMDDHHMMSS[.sss]`, UTC (RFC 3659 §2.3).
pub(super) fn mlsd(value: &str) -> Option<Modified> {
    let (whole, frac) = value.split_once('.').unwrap_or((value, ""));
    let b = whole.as_bytes();
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| num(&b[r], 4);
    let date = ymd(n(0..4)? as i32, n(4..6)?, n(6..8)?)?;
    let secs = n(12..14)?;
    // RFC 3659 allows a leap second (60); a time cannot hold it, so it becomes :59.
    let mut time = hms(n(8..10)?, n(10..12)?, secs.min(59))?;
    if !frac.is_empty() {
        let (t, _) = clock(format!("00:00:00.{frac}").as_bytes())?;
        time = time.replace_millisecond(t.millisecond()).ok()?;
    }
    Some(Modified { date, time: Some(time), zone: Zone::Utc, year_inferred: false })
}

/// A Unix time in seconds (EPLF's `m` fact), UTC.
pub(super) fn unix_seconds(secs: i64) -> Option<Modified> {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    Some(Modified { date: t.date(), time: Some(t.time()), zone: Zone::Utc, year_inferred: false })
}

/// `4-MAR-1999` (VMS), `15-Sep-98` (NonStop), `JUL-30-2008` (VxWorks): English month names.
pub(super) fn with_month_name(s: &[u8]) -> Option<Date> {
    let parts: Vec<&[u8]> = s.split(|&b| b == b'-').collect();
    let [a, b, c] = parts[..] else { return None };
    let (d, m, y) = match (month(a), month(b)) {
        (None, Some(m)) => (a, m, c),
        (Some(m), None) => (b, m, c),
        _ => return None,
    };
    ymd(full_year(y)?, m, num(d, 2)?)
}
