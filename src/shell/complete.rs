//! Tab completion, driven by the grammar: command names and aliases, a command's options, the
//! values of its value enums, local paths for `LOCAL` arguments and remote paths for `REMOTE`
//! ones.
//!
//! The helper runs inside rustyline on the editor thread; the session lives on the shell's async
//! task. A remote completion sends the directory to list over a channel and waits (bounded) for
//! the names; the shell answers from its cache of listings, which it drops after any command
//! that may change the server's directories.

use std::borrow::Cow;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use tokio::sync::mpsc;

/// One name in a directory, remote or local.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub name: String,
    pub dir: bool,
}

/// A request from the editor thread: list `dir` on the server ("" is the current directory).
pub struct ListRequest {
    pub dir: String,
    pub reply: std_mpsc::Sender<Vec<Name>>,
}

/// How long Tab waits for a remote listing before giving up quietly.
const REMOTE_WAIT: Duration = Duration::from_secs(20);

pub struct ShellHelper {
    grammar: clap::Command,
    remote: mpsc::UnboundedSender<ListRequest>,
}

impl ShellHelper {
    pub fn new(remote: mpsc::UnboundedSender<ListRequest>) -> ShellHelper {
        let mut grammar = <super::grammar::Line as clap::CommandFactory>::command();
        grammar.build();
        ShellHelper { grammar, remote }
    }

    fn remote_names(&self, dir: &str) -> Vec<Name> {
        let (tx, rx) = std_mpsc::channel();
        if self.remote.send(ListRequest { dir: dir.to_owned(), reply: tx }).is_err() {
            return Vec::new();
        }
        rx.recv_timeout(REMOTE_WAIT).unwrap_or_default()
    }

    /// Candidates for the word under the cursor in `head` (the line up to the cursor), and where
    /// that word starts.
    pub fn candidates(&self, head: &str, remote: &dyn Fn(&str) -> Vec<Name>) -> (usize, Vec<Pair>) {
        let mut words = split_words(head);
        let ends_word = head.is_empty() || head.ends_with(char::is_whitespace) && !in_quote(head);
        if ends_word || words.is_empty() {
            words.push((head.len(), String::new()));
        }
        let (start, current) = words.last().cloned().expect("one word at least");
        if head.trim_start().starts_with('!') {
            return (start, if words.len() > 1 { local_candidates(&current, false) } else { Vec::new() });
        }
        if words.len() == 1 {
            return (start, self.command_names(&current));
        }
        let Some(sub) = self.find(&words[0].1) else { return (start, Vec::new()) };
        if current.starts_with('-') {
            return (start, options(sub, &current));
        }
        let index = words[1..words.len() - 1].iter().filter(|(_, w)| !w.starts_with('-')).count();
        let positionals: Vec<&clap::Arg> = sub.get_positionals().collect();
        let arg = positionals
            .get(index)
            .copied()
            .or_else(|| positionals.last().copied().filter(|a| a.get_num_args().is_some_and(|n| n.max_values() > 1)));
        let Some(arg) = arg else { return (start, Vec::new()) };
        let values = arg.get_possible_values();
        if !values.is_empty() {
            let mut out: Vec<Pair> = values
                .iter()
                .flat_map(|v| v.get_name_and_aliases())
                .filter(|v| v.starts_with(current.as_str()))
                .map(|v| pair(v.to_owned(), format!("{v} ")))
                .collect();
            out.dedup_by(|a, b| a.display == b.display);
            return (start, out);
        }
        if sub.get_name() == "help" {
            return (start, self.command_names(&current));
        }
        let value_name = arg.get_value_names().and_then(|n| n.first()).map(|n| n.as_str()).unwrap_or("");
        let candidates = if value_name.starts_with("REMOTE") {
            let (dir, prefix) = split_dir(&current);
            let mut names = remote(dir);
            names.retain(|n| n.name.starts_with(prefix) && (!n.name.starts_with('.') || prefix.starts_with('.')));
            path_pairs(dir, names)
        } else if value_name.starts_with("LOCAL") {
            local_candidates(&current, value_name.contains("DIR"))
        } else {
            Vec::new()
        };
        (start, candidates)
    }

    fn find(&self, name: &str) -> Option<&clap::Command> {
        self.grammar.get_subcommands().find(|c| c.get_name() == name || c.get_all_aliases().any(|a| a == name))
    }

    fn command_names(&self, prefix: &str) -> Vec<Pair> {
        let mut names: Vec<&str> = self
            .grammar
            .get_subcommands()
            .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_visible_aliases()))
            .filter(|n| n.starts_with(prefix))
            .collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(|n| pair(n.to_owned(), format!("{n} "))).collect()
    }
}

fn options(sub: &clap::Command, prefix: &str) -> Vec<Pair> {
    let mut out = Vec::new();
    for arg in sub.get_arguments().filter(|a| !a.is_positional() && !a.is_hide_set()) {
        if let Some(long) = arg.get_long() {
            out.push(format!("--{long}"));
        }
        if let Some(short) = arg.get_short() {
            out.push(format!("-{short}"));
        }
    }
    out.retain(|o| o.starts_with(prefix));
    out.sort();
    out.into_iter().map(|o| pair(o.clone(), format!("{o} "))).collect()
}

fn pair(display: String, replacement: String) -> Pair {
    Pair { display, replacement }
}

/// `pub/re` -> (`pub/`, `re`); `re` -> (``, `re`).
fn split_dir(word: &str) -> (&str, &str) {
    match word.rfind('/') {
        Some(i) => word.split_at(i + 1),
        None => ("", word),
    }
}

/// Candidates for names in `dir`: directories end in `/` (and the line waits for more), files
/// end with a space.
fn path_pairs(dir: &str, mut names: Vec<Name>) -> Vec<Pair> {
    names.sort_by(|a, b| a.name.cmp(&b.name));
    names
        .into_iter()
        .map(|n| {
            let full = format!("{dir}{}{}", n.name, if n.dir { "/" } else { "" });
            let display = format!("{}{}", n.name, if n.dir { "/" } else { "" });
            let mut replacement = quote(&full);
            if !n.dir {
                replacement.push(' ');
            }
            pair(display, replacement)
        })
        .collect()
}

fn local_candidates(word: &str, dirs_only: bool) -> Vec<Pair> {
    let (dir, prefix) = split_dir(word);
    let expanded = match dir.strip_prefix("~/") {
        Some(rest) => std::env::var("HOME").map(|h| format!("{h}/{rest}")).unwrap_or_else(|_| dir.to_owned()),
        None => dir.to_owned(),
    };
    let read_from = if expanded.is_empty() { "." } else { expanded.as_str() };
    let Ok(entries) = std::fs::read_dir(read_from) else { return Vec::new() };
    let names = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some(Name { name, dir: is_dir })
        })
        .filter(|n| n.name.starts_with(prefix) && (!n.name.starts_with('.') || prefix.starts_with('.')))
        .filter(|n| n.dir || !dirs_only)
        .collect();
    path_pairs(dir, names)
}

/// `s` as one shell word: unchanged when it needs no quoting.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || "_-./@%+=:,~".contains(c))
        && !s.starts_with('~')
        && !s.starts_with('#');
    if plain { s.to_owned() } else { shlex::try_quote(s).map(Cow::into_owned).unwrap_or_else(|_| s.to_owned()) }
}

/// Whether `s` ends inside an open quote.
fn in_quote(s: &str) -> bool {
    let mut quote = None;
    let mut escaped = false;
    for c in s.chars() {
        match (quote, c) {
            (_, _) if escaped => escaped = false,
            (None | Some('"'), '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    quote.is_some()
}

/// The words of `s` as a POSIX shell splits them, each with the byte offset where it starts; an
/// unterminated quote runs to the end (the word being typed).
fn split_words(s: &str) -> Vec<(usize, String)> {
    let mut words = Vec::new();
    let mut current: Option<(usize, String)> = None;
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            current.get_or_insert((i, String::new())).1.push(c);
            continue;
        }
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if let Some(w) = current.take() {
                    words.push(w);
                }
            }
            (None | Some('"'), '\\') => {
                escaped = true;
                current.get_or_insert((i, String::new()));
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.get_or_insert((i, String::new()));
            }
            (Some(q), c) if c == q => quote = None,
            (_, c) => current.get_or_insert((i, String::new())).1.push(c),
        }
    }
    words.extend(current);
    words
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(self.candidates(&line[..pos], &|dir| self.remote_names(dir)))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Highlighter for ShellHelper {}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ShellHelper {
        ShellHelper::new(mpsc::unbounded_channel().0)
    }

    fn remote(dir: &str) -> Vec<Name> {
        let names: &[(&str, bool)] = match dir {
            "" => {
                &[("readme.txt", false), ("reports", true), ("pub", true), ("my file.txt", false), (".hidden", false)]
            }
            "pub/" => &[("alpha.bin", false), ("beta", true)],
            _ => &[],
        };
        names.iter().map(|(n, d)| Name { name: (*n).to_owned(), dir: *d }).collect()
    }

    fn complete(head: &str) -> (usize, Vec<String>) {
        let (start, pairs) = helper().candidates(head, &remote);
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn words_follow_shell_quoting() {
        assert_eq!(split_words("get 'a b' c\\ d"), vec![(0, "get".into()), (4, "a b".into()), (10, "c d".into())]);
        assert_eq!(split_words("get \"my f"), vec![(0, "get".into()), (4, "my f".into())]);
        assert!(in_quote("get \"my f"));
        assert!(!in_quote("get 'a' "));
    }

    #[test]
    fn command_names_and_aliases() {
        assert_eq!(
            complete("re"),
            (0, vec!["recv ".into(), "reget ".into(), "rename ".into(), "reput ".into(), "retry ".into()])
        );
        assert_eq!(complete("  disc").1, vec!["disconnect ".to_owned()]);
        assert_eq!(complete("help mg").1, vec!["mget ".to_owned()]);
    }

    #[test]
    fn remote_paths_for_remote_arguments() {
        assert_eq!(complete("get re"), (4, vec!["readme.txt ".into(), "reports/".into()]));
        assert_eq!(complete("cd pub/b"), (3, vec!["pub/beta/".into()]));
        assert_eq!(complete("get my"), (4, vec!["'my file.txt' ".into()]));
        assert_eq!(complete("get \"my f"), (4, vec!["'my file.txt' ".into()]));
        assert_eq!(complete("get .h").1, vec![".hidden ".to_owned()]);
        assert!(!complete("get ").1.contains(&".hidden ".to_owned()));
        // The second argument of get is local: no remote names there.
        assert!(!complete("get readme.txt re").1.iter().any(|c| c.starts_with("readme")));
        // mget takes any number of remote patterns.
        assert_eq!(complete("mget a pub/al").1, vec!["pub/alpha.bin ".to_owned()]);
    }

    #[test]
    fn values_and_options_from_the_grammar() {
        assert_eq!(complete("mode e").1, vec!["epsv ".to_owned(), "eprt ".to_owned()]);
        assert_eq!(complete("verbose o").1, vec!["on ".to_owned(), "off ".to_owned()]);
        assert!(complete("ls -").1.contains(&"-l ".to_owned()));
    }

    #[test]
    fn local_paths_for_local_arguments() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("upload.bin"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("updir")).unwrap();
        let base = format!("{}/", dir.path().display());
        let (_, got) = helper().candidates(&format!("put {base}up"), &remote);
        let got: Vec<String> = got.into_iter().map(|p| p.replacement).collect();
        assert_eq!(got, vec![format!("{base}updir/"), format!("{base}upload.bin ")]);
        let (_, got) = helper().candidates(&format!("lcd {base}up"), &remote);
        assert_eq!(got.len(), 1, "lcd offers directories only");
    }
}
