//! Shell patterns for mget, mput and mdelete: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`, and `\` to
//! take the next character literally. Matched here, against a listing, rather than sent to the
//! server: servers disagree on globbing in NLST, and a pattern must never reach the server as a
//! file name.

/// Whether `pattern` has any glob character (else it names one file).
pub fn is_pattern(pattern: &str) -> bool {
    pattern.chars().any(|c| matches!(c, '*' | '?' | '['))
}

/// `pub/*.txt` -> (`pub/`, `*.txt`): patterns apply to the last path component only.
pub fn split(pattern: &str) -> (&str, &str) {
    match pattern.rfind('/') {
        Some(i) => pattern.split_at(i + 1),
        None => ("", pattern),
    }
}

/// Whether `name` matches `pattern` as a whole. A leading `.` in a name matches only a leading
/// `.` in the pattern, as in the shell.
pub fn matches(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n)
}

fn match_from(p: &[char], n: &[char]) -> bool {
    // Iterative with one backtrack point for the last `*`: linear in practice, never exponential.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => match class(&p[pi..], n[ni]) {
                    Some((true, len)) => {
                        pi += len;
                        ni += 1;
                        continue;
                    }
                    // An unclosed `[` is a literal.
                    None if n[ni] == '[' => {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                    _ => {}
                },
                '\\' if pi + 1 < p.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                // A backslash before a character that does not match: no match here.
                '\\' if pi + 1 < p.len() => {}
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Matches `c` against the class at the start of `p` (`[...]`): whether it matched, and the
/// class's length; `None` when the class is not closed.
fn class(p: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut hit = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            return Some((hit != negate, i + 1));
        }
        first = false;
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            let end = p[i + 2];
            hit |= ch <= c && c <= end;
            i += 3;
        } else {
            hit |= ch == c;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_questions_and_classes() {
        assert!(matches("*.txt", "a.txt"));
        assert!(!matches("*.txt", ".txt"));
        assert!(!matches("*.txt", "a.txt.part"));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
        assert!(matches("file?.bin", "file1.bin"));
        assert!(!matches("file?.bin", "file10.bin"));
        assert!(matches("[ab]*", "beta"));
        assert!(!matches("[!ab]*", "beta"));
        assert!(matches("log[0-9]", "log7"));
        assert!(matches("[]x]", "]"));
        assert!(matches("a\\*", "a*"));
        assert!(!matches("a\\*", "ab"));
        assert!(matches("[oops", "[oops"));
        assert!(matches(".*", ".hidden"));
        assert!(!matches("*", ".hidden"));
        assert!(matches("*", "café"));
    }

    #[test]
    fn many_stars_stay_fast() {
        let name = "a".repeat(5000);
        assert!(!matches(&format!("{}b", "*a".repeat(50)), &name));
    }

    #[test]
    fn patterns_apply_to_the_last_component() {
        assert_eq!(split("pub/*.txt"), ("pub/", "*.txt"));
        assert_eq!(split("*.txt"), ("", "*.txt"));
        assert!(is_pattern("a[12]") && is_pattern("*") && !is_pattern("plain.txt"));
    }
}
