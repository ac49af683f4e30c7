//! How the test server describes files: `ls -l` lines for LIST and STAT, RFC 3659 facts for MLSD
//! and MLST, and the UTC timestamps that MDTM and both listings need.
//!
//! Everything here is a pure function of a name and its metadata, so the protocol code in the parent
//! module owns all I/O. Names are bytes throughout: a file name that is not UTF-8 is written out as it
//! is on disk.

use std::fs::{self, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utc {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Utc {
    pub fn from_system_time(time: SystemTime) -> Utc {
        let secs = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_secs() as i64,
            Err(before) => -(before.duration().as_secs() as i64),
        };
        Utc::from_unix(secs)
    }

    pub fn from_unix(secs: i64) -> Utc {
        let days = secs.div_euclid(86_400);
        let in_day = secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Utc { year, month, day, hour: in_day / 3600, minute: in_day / 60 % 60, second: in_day % 60 }
    }

    /// The RFC 3659 `time-val` form used by MDTM and the `modify` fact: `YYYYMMDDHHMMSS`.
    pub fn time_val(&self) -> String {
        format!("{:04}{:02}{:02}{:02}{:02}{:02}", self.year, self.month, self.day, self.hour, self.minute, self.second)
    }
}

/// Year, month and day of a count of days since 1970-01-01 in the proleptic Gregorian calendar,
/// computed over 400-year eras (each exactly 146097 days) that start on 1 March, so the leap day
/// falls at the end of the counted year.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn modified(meta: &Metadata) -> SystemTime {
    meta.modified().unwrap_or(UNIX_EPOCH)
}

/// `drwxr-xr-x` from a Unix mode.
fn mode_string(meta: &Metadata) -> String {
    let file_type = meta.file_type();
    let kind = if file_type.is_dir() {
        'd'
    } else if file_type.is_symlink() {
        'l'
    } else if file_type.is_fifo() {
        'p'
    } else if file_type.is_socket() {
        's'
    } else {
        '-'
    };
    let mode = meta.mode();
    let mut out = String::with_capacity(10);
    out.push(kind);
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        out.push(if bits & 4 != 0 { 'r' } else { '-' });
        out.push(if bits & 2 != 0 { 'w' } else { '-' });
        out.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    out
}

/// One line of `ls -l` output as vsftpd writes it: mode, links, owner, group, size, date, name.
/// The date shows the time for files changed in the last six months and the year otherwise, like
/// `ls`; clients that parse LIST must cope with both. `link_target` is appended as `-> target`.
pub fn ls_line(name: &[u8], meta: &Metadata, link_target: Option<&[u8]>, now: SystemTime, shift: i64) -> Vec<u8> {
    let by = std::time::Duration::from_secs(shift.unsigned_abs());
    let time = if shift >= 0 { modified(meta) + by } else { modified(meta) - by };
    let utc = Utc::from_system_time(time);
    let month = MONTHS[(utc.month - 1) as usize];
    let six_months = std::time::Duration::from_secs(182 * 86_400);
    let recent = match now.duration_since(time) {
        Ok(age) => age < six_months,
        Err(ahead) => ahead.duration() < six_months,
    };
    let date = if recent {
        format!("{month} {:>2} {:02}:{:02}", utc.day, utc.hour, utc.minute)
    } else {
        format!("{month} {:>2}  {}", utc.day, utc.year)
    };
    let mut line =
        format!("{} {:>4} {:<8} {:<8} {:>12} {date} ", mode_string(meta), meta.nlink(), "ftp", "ftp", meta.len())
            .into_bytes();
    line.extend_from_slice(name);
    if let Some(target) = link_target {
        line.extend_from_slice(b" -> ");
        line.extend_from_slice(target);
    }
    line
}

/// The RFC 3659 section 7 facts of one entry, ending in `; ` so the caller appends the name (MLSD)
/// or the path (MLST). `kind` overrides the type fact for the `cdir` entry of a listing.
pub fn facts(meta: &Metadata, kind: Option<&str>) -> String {
    let modify = Utc::from_system_time(modified(meta)).time_val();
    let unix_mode = meta.mode() & 0o7777;
    // RFC 3659 §7.5.2: device and inode, as ProFTPD writes them.
    let unique = format!("{:X}U{:X}", meta.dev(), meta.ino());
    if meta.is_dir() {
        let kind = kind.unwrap_or("dir");
        format!("type={kind};modify={modify};perm=flcdmpe;unique={unique};UNIX.mode={unix_mode:04o}; ")
    } else {
        let size = meta.len();
        format!("type=file;size={size};modify={modify};perm=adfrw;unique={unique};UNIX.mode={unix_mode:04o}; ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Long,
    Names,
    Machine,
}

/// How MLSD describes a symbolic link: RFC 3659 leaves it to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MlsdLinks {
    /// As what it points to (`type=dir`, `type=file`): nothing says it is a link.
    #[default]
    AsTarget,
    /// `type=OS.unix=symlink`, without the target, as ProFTPD 1.3.8 does.
    Symlink,
    /// `type=OS.unix=slink:` with nothing after the colon, as pure-ftpd 1.0.50 does.
    EmptySlink,
}

/// How the server writes listings, beyond the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Seconds added to LIST times: a server whose `ls` clock is local time east of UTC (MLSD and
    /// MDTM stay UTC, as RFC 3659 says).
    pub list_shift: i64,
    pub mlsd_links: MlsdLinks,
}

pub fn entry_line(
    kind: ListKind,
    name: &[u8],
    full: &Path,
    meta: &fs::Metadata,
    now: SystemTime,
    style: Style,
) -> Vec<u8> {
    match kind {
        ListKind::Names => name.to_vec(),
        ListKind::Long => {
            let target = fs::read_link(full).ok();
            let target = target.as_ref().map(|t| t.as_os_str().as_bytes());
            ls_line(name, meta, target, now, style.list_shift)
        }
        ListKind::Machine if meta.file_type().is_symlink() && style.mlsd_links != MlsdLinks::AsTarget => {
            let kind = match style.mlsd_links {
                MlsdLinks::Symlink => "OS.unix=symlink",
                _ => "OS.unix=slink:",
            };
            let modify = Utc::from_system_time(modified(meta)).time_val();
            let mut line = format!("type={kind};size={};modify={modify};UNIX.mode=0777; ", meta.len()).into_bytes();
            line.extend_from_slice(name);
            line
        }
        ListKind::Machine => {
            // MLSD describes what a link points to; a dangling link is described as itself.
            let meta = fs::metadata(full).unwrap_or_else(|_| meta.clone());
            let mut line = facts(&meta, None).into_bytes();
            line.extend_from_slice(name);
            line
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_handles_leap_days_and_the_epoch() {
        assert_eq!(Utc::from_unix(0).time_val(), "19700101000000");
        assert_eq!(Utc::from_unix(1_582_979_696).time_val(), "20200229123456");
        assert_eq!(Utc::from_unix(-1).time_val(), "19691231235959");
    }
}
