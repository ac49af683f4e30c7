//! The comparison: whether a file is copied, from its size and modification time on each side,
//! and the times themselves (a listing's with its precision, MDTM's, MFMT's, the server's LIST
//! offset).

use super::Settings;
use crate::ftp::list::{Modified, Zone};

/// A modification time from a listing, with its precision in seconds: MLSD and MDTM give
/// seconds, a LIST line minutes (this year's files) or days (older ones). The time is somewhere in
/// `[secs, secs + precision)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub secs: i64,
    pub precision: i64,
}

impl Stamp {
    /// A local file's time, to the second.
    pub(super) fn exact(secs: i64) -> Stamp {
        Stamp { secs, precision: 1 }
    }

    /// Whether the two may be the same time: their intervals meet (a LIST minute holds each of
    /// its local seconds).
    pub(super) fn same(self, other: Stamp) -> bool {
        self.secs < other.secs + other.precision && other.secs < self.secs + self.precision
    }

    /// Whether this is surely later than `other`: it starts after `other` ends.
    pub(super) fn after(self, other: Stamp) -> bool {
        self.secs >= other.secs + other.precision
    }

    /// A server-local time read as UTC, widened to where it may fall in UTC whatever the
    /// server's zone ([`MAX_WEST`] to [`MAX_EAST`]).
    pub(super) fn in_any_zone(self) -> Stamp {
        Stamp { secs: self.secs - MAX_EAST, precision: self.precision + MAX_EAST + MAX_WEST }
    }
}

/// How far behind UTC a server's clock may be: UTC-12:00.
const MAX_WEST: i64 = 12 * 3600;
/// How far ahead: UTC+14:00.
const MAX_EAST: i64 = 14 * 3600;

/// `YYYYMMDDHHMMSS` (UTC) for a Unix time, as MFMT takes it.
pub(super) fn time_val(secs: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// MDTM's `YYYYMMDDHHMMSS[.sss]` (UTC, RFC 3659 §2.3) as Unix seconds.
pub(super) fn mdtm_secs(t: &str) -> Option<i64> {
    let d = t.get(..14).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    let n = |from: usize, len: usize| d[from..from + len].parse::<u16>().ok();
    let month = time::Month::try_from(u8::try_from(n(4, 2)?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(i32::from(n(0, 4)?), month, n(6, 2)? as u8).ok()?;
    let at = time::Time::from_hms(n(8, 2)? as u8, n(10, 2)? as u8, n(12, 2)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, at).assume_utc().unix_timestamp())
}

/// A listing's time as a [`Stamp`]: to the second from MLSD (UTC, RFC 3659 §2.3), to the minute
/// from a LIST date with a time, to the day from one with a year. A LIST time is the server's
/// local time in a zone it does not give: here taken as UTC, as vsftpd, ProFTPD and pure-ftpd
/// write it by default; the mirror corrects it by the offset it learns ([`Clock`]).
pub fn stamp(m: &Modified) -> Stamp {
    let time = m.time.unwrap_or(time::Time::MIDNIGHT);
    let mut secs = time::PrimitiveDateTime::new(m.date, time).assume_utc().unix_timestamp();
    if let Zone::Offset(minutes) = m.zone {
        secs -= i64::from(minutes) * 60;
    }
    let precision = match (m.time, m.zone) {
        (None, _) => 86_400,
        (Some(_), Zone::Utc) => 1,
        (Some(t), _) if t.second() != 0 => 1,
        (Some(_), _) => 60,
    };
    Stamp { secs, precision }
}

/// How far ahead of UTC the server's LIST times are. Learned once per mirror from the first
/// listed file whose LIST time has minutes: MDTM gives its time in UTC (RFC 3659 §2.3), and the
/// difference, rounded to the quarter hour every zone is a multiple of, is the server's offset
/// (vsftpd writes local time with `use_localtime=YES`, ProFTPD and pure-ftpd in the zone they run
/// in). Without MDTM (or with an answer that does not fit) LIST times stay taken as UTC: still
/// consistent from run to run, since the local file gets the listing's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Clock {
    NotYet,
    Ahead(i64),
    Unknown,
}

/// The offset of a LIST time (`listed`, read as UTC, at most a minute short of the truth) from
/// the same file's MDTM (`utc`): a whole number of quarter hours, within UTC-12..UTC+14, or
/// `None` when the difference is no such thing (the file changed in between).
pub(super) fn list_offset(listed: i64, utc: i64) -> Option<i64> {
    let d = listed - utc;
    let offset = (d + 450).div_euclid(900) * 900;
    let residue = d - offset;
    ((-MAX_WEST..=MAX_EAST).contains(&offset) && (-61..=1).contains(&residue)).then_some(offset)
}

/// One side's view of a file, for the comparison.
#[derive(Debug, Clone, Copy)]
pub(super) struct Side {
    pub(super) size: Option<u64>,
    pub(super) stamp: Option<Stamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TimeRule {
    /// The target gets the source's time after a copy: equal times mean the same file.
    Exact,
    /// The target's time is when it was copied (a server without MFMT): only a source newer
    /// than the target counts.
    SourceNewer,
}

/// Why the source must be copied over the target, or `None` when the target is up to date.
pub(super) fn why_copy(src: Side, dst: Option<Side>, s: &Settings, rule: TimeRule) -> Option<&'static str> {
    let Some(dst) = dst else { return Some("missing") };
    let times = (!s.size_only && !s.ignore_time).then_some(()).and(src.stamp.zip(dst.stamp));
    if s.only_newer {
        return match times {
            Some((a, b)) if a.after(b) => Some("newer"),
            Some(_) => None,
            None if src.size != dst.size => Some("size differs"),
            None => None,
        };
    }
    if src.size.is_some() && src.size != dst.size {
        return Some("size differs");
    }
    match (times, rule) {
        (Some((a, b)), TimeRule::Exact) => (!a.same(b)).then_some("time differs"),
        (Some((a, b)), TimeRule::SourceNewer) => a.after(b).then_some("newer"),
        (None, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_times_become_stamps_with_their_precision() {
        let date = time::Date::from_calendar_date(2024, time::Month::January, 31).unwrap();
        let at = |h, m, s| Some(time::Time::from_hms(h, m, s).unwrap());
        let jan31 = 1_706_659_200; // 2024-01-31T00:00:00Z
        let mlsd = Modified { date, time: at(10, 15, 0), zone: Zone::Utc, year_inferred: false };
        assert_eq!(stamp(&mlsd), Stamp { secs: jan31 + 36_900, precision: 1 });
        let list = Modified { zone: Zone::ServerLocal, year_inferred: true, ..mlsd };
        assert_eq!(stamp(&list), Stamp { secs: jan31 + 36_900, precision: 60 });
        let day = Modified { time: None, zone: Zone::ServerLocal, ..mlsd };
        assert_eq!(stamp(&day), Stamp { secs: jan31, precision: 86_400 });
        let offset = Modified { zone: Zone::Offset(120), ..mlsd };
        assert_eq!(stamp(&offset).secs, jan31 + 36_900 - 7200);
        assert_eq!(time_val(jan31 + 36_900), "20240131101500");
        assert_eq!(time_val(0), "19700101000000");
    }

    #[test]
    fn mdtm_times_are_utc_seconds() {
        assert_eq!(mdtm_secs("20240301123456"), Some(1_709_296_496));
        assert_eq!(mdtm_secs("20240301123456.789"), Some(1_709_296_496));
        assert_eq!(time_val(1_709_296_496), "20240301123456");
        for bad in ["2024030112345", "20241301123456", "2024030112345x", ""] {
            assert_eq!(mdtm_secs(bad), None, "{bad}");
        }
    }

    #[test]
    fn list_offsets_are_whole_quarter_hours_from_mdtm() {
        let utc = 1_709_296_496; // 12:34:56
        let listed = |ahead: i64| (utc + ahead).div_euclid(60) * 60; // the minute LIST shows
        assert_eq!(list_offset(listed(0), utc), Some(0));
        assert_eq!(list_offset(listed(7200), utc), Some(7200));
        assert_eq!(list_offset(listed(-5 * 3600), utc), Some(-5 * 3600));
        assert_eq!(list_offset(listed(5 * 3600 + 2700), utc), Some(5 * 3600 + 2700)); // UTC+05:45
        assert_eq!(list_offset(listed(7200 + 420), utc), None, "7 minutes off: the file changed");
        assert_eq!(list_offset(listed(20 * 3600), utc), None);
    }

    #[test]
    fn stamps_are_intervals() {
        let minute = Stamp { secs: 6000, precision: 60 };
        assert!(minute.same(Stamp::exact(6000)) && minute.same(Stamp::exact(6059)));
        assert!(!minute.same(Stamp::exact(5999)) && !minute.same(Stamp::exact(6060)));
        // A day that starts at 22:00 UTC (a server at UTC+02:00) holds the next morning.
        let day = Stamp { secs: 86_400 - 7200, precision: 86_400 };
        assert!(day.same(Stamp::exact(86_400 + 3600)));
        assert!(minute.after(Stamp::exact(5999)) && !minute.after(Stamp::exact(6000)));
        assert!(Stamp::exact(6060).after(minute) && !Stamp::exact(6059).after(minute));
        // A server-local day, in any zone: from 14:00 the day before (UTC+14:00) to 12:00 the
        // day after (UTC-12:00).
        let any = Stamp { secs: 86_400, precision: 86_400 }.in_any_zone();
        assert!(any.same(Stamp::exact(86_400 - 14 * 3600)) && !any.same(Stamp::exact(86_400 - 14 * 3600 - 1)));
        assert!(any.same(Stamp::exact(2 * 86_400 + 12 * 3600 - 1)) && !any.same(Stamp::exact(2 * 86_400 + 12 * 3600)));
    }

    #[test]
    fn what_is_copied() {
        let s = Settings::default();
        let at = |secs, precision| Some(Stamp { secs, precision });
        let src = Side { size: Some(10), stamp: at(6000, 60) };
        let local = |size, secs| Some(Side { size: Some(size), stamp: at(secs, 1) });
        assert_eq!(why_copy(src, None, &s, TimeRule::Exact), Some("missing"));
        assert_eq!(why_copy(src, local(9, 6000), &s, TimeRule::Exact), Some("size differs"));
        // Within the listing's minute: the same time.
        assert_eq!(why_copy(src, local(10, 6059), &s, TimeRule::Exact), None);
        assert_eq!(why_copy(src, local(10, 5000), &s, TimeRule::Exact), Some("time differs"));
        assert_eq!(why_copy(src, local(10, 9000), &s, TimeRule::SourceNewer), None);
        let size_only = Settings { size_only: true, ..Settings::default() };
        assert_eq!(why_copy(src, local(10, 5000), &size_only, TimeRule::Exact), None);
        let newer = Settings { only_newer: true, ..Settings::default() };
        assert_eq!(why_copy(src, local(9, 9000), &newer, TimeRule::Exact), None);
        assert_eq!(why_copy(src, local(10, 5000), &newer, TimeRule::Exact), Some("newer"));
    }
}
