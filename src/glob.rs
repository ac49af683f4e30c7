//! Shell patterns: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`, `\` to take the next character literally,
//! and `**`. Matched here, against a listing, rather than sent to the server: servers disagree on
//! globbing in NLST, and a pattern must never reach the server as a file name.
//!
//! Two uses: mget, mput and mdelete match one name ([`matches`], with the shell's rule for a
//! leading `.`); mirror's `--include` and `--exclude` match a path ([`path_matches`]), as rsync,
//! rclone and lftp do: `*`, `?` and a class never match `/`, `**` matches anything including
//! `/`, and `**/` also matches no directory at all (`a/**/b` matches `a/b`).

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
    path_matches(pattern, name)
}

/// Whether the path `path` (components joined by `/`) matches `pattern` as a whole: `*`, `?` and
/// classes stay within one component, `**` crosses them. A leading `.` is not special.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let tokens = tokens(&p);
    // The set of pattern positions reached so far, advanced one character at a time (a
    // Thompson NFA): linear in the path for a given pattern, never exponential.
    let mut now = vec![0u8; tokens.len() + 1];
    now[0] = ARRIVED;
    close(&tokens, &mut now);
    for c in path.chars() {
        let mut next = vec![0u8; tokens.len() + 1];
        for (i, t) in tokens.iter().enumerate().filter(|&(i, _)| now[i] != 0) {
            match *t {
                Token::Char(x) if x == c => next[i + 1] |= ARRIVED,
                Token::One if c != '/' => next[i + 1] |= ARRIVED,
                Token::Class(at) if c != '/' && class(&p[at..], c).is_some_and(|(hit, _)| hit) => {
                    next[i + 1] |= ARRIVED
                }
                Token::Star if c != '/' => next[i] |= STAYED,
                Token::Stars { .. } => next[i] |= STAYED,
                _ => {}
            }
        }
        if next.iter().all(|&s| s == 0) {
            return false;
        }
        close(&tokens, &mut next);
        now = next;
    }
    now[tokens.len()] != 0
}

/// How a pattern position was reached: from the token before it, or by a star that went on
/// matching (which must not then skip the `/` of `**/`).
const ARRIVED: u8 = 1;
const STAYED: u8 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`
    One,
    /// `[...]` starting at this index of the pattern.
    Class(usize),
    /// `*`
    Star,
    /// `**`; `skip_slash` when it is a whole component followed by `/` (`**/`), which may then
    /// match no directory at all.
    Stars {
        skip_slash: bool,
    },
}

fn tokens(p: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => {
                let mut end = i;
                while p.get(end) == Some(&'*') {
                    end += 1;
                }
                if end - i == 1 {
                    out.push(Token::Star);
                } else {
                    let whole = i == 0 || p[i - 1] == '/';
                    out.push(Token::Stars { skip_slash: whole && p.get(end) == Some(&'/') });
                }
                i = end;
                continue;
            }
            '?' => out.push(Token::One),
            // An unclosed `[` is a literal.
            '[' => match class(&p[i..], '\0') {
                Some((_, len)) => {
                    out.push(Token::Class(i));
                    i += len;
                    continue;
                }
                None => out.push(Token::Char('[')),
            },
            // A trailing backslash is itself.
            '\\' if i + 1 < p.len() => {
                out.push(Token::Char(p[i + 1]));
                i += 2;
                continue;
            }
            c => out.push(Token::Char(c)),
        }
        i += 1;
    }
    out
}

/// Adds the positions reachable without reading a character: past a `*` or `**` (matching
/// nothing), and past a whole `**/` that matched nothing.
fn close(tokens: &[Token], set: &mut [u8]) {
    for i in 0..tokens.len() {
        match tokens[i] {
            Token::Star | Token::Stars { .. } if set[i] != 0 => set[i + 1] |= ARRIVED,
            _ => {}
        }
        if tokens[i] == (Token::Stars { skip_slash: true }) && set[i] & ARRIVED != 0 {
            set[i + 2] |= ARRIVED;
        }
    }
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

    #[test]
    fn in_paths_stars_stay_within_a_component_and_double_stars_cross() {
        assert!(path_matches("*.txt", "a.txt"));
        assert!(!path_matches("*.txt", "d/a.txt"));
        assert!(!path_matches("a?b", "a/b"));
        assert!(!path_matches("a[/]b", "a/b"));
        assert!(path_matches("cache/*", "cache/x"));
        assert!(!path_matches("cache/*", "cache/x/y"));
        assert!(path_matches("cache/**", "cache/x/y"));
        assert!(!path_matches("cache/**", "cache"));
        assert!(path_matches("**/*.o", "a/b/c.o"));
        assert!(path_matches("**/*.o", "c.o"), "**/ matches no directory too");
        assert!(path_matches("a/**/b", "a/b"));
        assert!(path_matches("a/**/b", "a/x/y/b"));
        assert!(!path_matches("a/**/b", "a/xb"));
        assert!(path_matches("a/**.jpg", "a/x/y.jpg"), "** inside a component crosses too");
        assert!(path_matches("**", "any/thing"));
        assert!(path_matches("*", ".hidden"), "no dot rule for paths");
        assert!(path_matches("d/\\*", "d/*"));
        assert!(!path_matches("d/\\*", "d/x"));
    }

    #[test]
    fn double_stars_stay_fast() {
        let path = "a/".repeat(2000) + "b";
        assert!(!path_matches(&"**a".repeat(40), &path));
        assert!(path_matches(&"**/a".repeat(40), &format!("{}a", "a/".repeat(39))));
    }
}
