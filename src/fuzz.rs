//! Fuzzing on stable Rust (issue #12: no input crashes or hangs the build).
//!
//! cargo-fuzz needs nightly, so every parser the build runs on an author's files is driven by
//! proptest instead: one property per target, named `fuzz_<target>`. Each case calls the entry
//! point the build calls (`config::parse`, `summary::parse`, front matter, `quiz_html` with its
//! answer-key grading, the glossary and its mention matcher, the widget blocks, the whole
//! Markdown pass of a page, code highlighting in every grammar, quiz-wasm's grader and widget
//! maths, and a whole `site::build`), on
//! a thread with the build's stack ([`crate::STACK`]), and asserts that it neither panics nor
//! takes more than [`LIMIT`] (a slow case is timed twice, so a busy machine does not fail it).
//!
//! Inputs mix three sources, bounded to 64 KiB except the deep-nesting cases:
//! - strings built from a grammar of the target's syntax: its keys and values, brackets,
//!   braces, `$`, backslashes, `#`, `>`, `[!NOTE]`, deep nesting, huge repeats, NUL, BOM, bidi
//!   controls and other awkward Unicode;
//! - arbitrary strings;
//! - the repository's own courses as seeds (content/, `coursebook init`'s files, the string
//!   literals of tests/cli.rs, tests/hostile.rs and the parsers' unit tests), mutated by
//!   inserting, deleting, replacing, repeating and splicing pieces.
//!
//! `cargo test --release fuzz_` runs `COURSEBOOK_FUZZ_CASES` cases per target (default 256;
//! `fuzz_build` runs an eighth of that, each case being a whole build). A long run:
//!
//! ```text
//! COURSEBOOK_FUZZ_CASES=1000000 nice cargo test --release fuzz_ -- --test-threads=2
//! ```
//!
//! One target: `cargo test --release fuzz_markdown`. Each run draws new random inputs;
//! `PROPTEST_RNG_SEED=<n>` fixes the seed, so that run can be repeated. A failure is shrunk and
//! printed as "minimal failing input"; nothing is written to the repository.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use crate::content::{frontmatter, glossary, summary};
use crate::diag::Diagnostics;
use crate::markdown::Widgets as _;
use crate::markdown::mentions::Matcher;
use crate::markdown::{self, LinkTable, Output, PageContext};
use crate::widgets::PageWidgets;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;
use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::{OnceLock, mpsc};
use std::time::{Duration, Instant};

/// The most one case may take.
const LIMIT: Duration = Duration::from_secs(2);
/// When a case that has not finished counts as a hang.
const HANG: Duration = Duration::from_secs(20);
/// Inputs are cut to this size, except the deep-nesting strategies'.
const MAX_INPUT: usize = 64 * 1024;
/// The most memory one case may add to the process's, in MB (issue #12's bound). Checked in
/// long runs (`COURSEBOOK_FUZZ_CASES` set), where one target runs at a time: the test
/// command runs targets side by side, and the process's peak is theirs together.
const MEMORY_MB: u64 = 500;

/// Linux's peak resident memory of this process (`VmHWM`) and its resident memory now
/// (`VmRSS`), in MB.
fn memory_mb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
            .map(|kb| kb / 1024)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// The peak reset to the memory in use now (Linux 4.0+): a case's own peak can then be read.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

type S = BoxedStrategy<String>;

// ---------------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------------

fn cases() -> u32 {
    std::env::var("COURSEBOOK_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(256)
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        // Failures become unit tests next to the fixed code; nothing is written here.
        failure_persistence: None,
        // A hang costs HANG per shrinking step: bound the shrinking, not the search.
        max_shrink_time: 300_000,
        ..ProptestConfig::default()
    }
}

/// Run `target(input)` on a thread with the build's stack, as the build does; fail on a panic
/// (its message is printed above by the panic hook), a hang, or more than [`LIMIT`] twice.
///
/// Time is the process's CPU time where the system tells it (Linux), not the clock's: a long
/// run is meant to go at low priority beside other work, and a case starved of the CPU for
/// 20 s is not a hang (a run at `nice 19` beside a compile called a 0.1 s case one).
fn check<I: Clone + Send + 'static>(input: &I, target: fn(&I)) -> Result<(), TestCaseError> {
    let long_run = std::env::var_os("COURSEBOOK_FUZZ_CASES").is_some();
    check_with(input, target, long_run)
}

/// [`check`], with the memory bound checked or not.
fn check_with<I: Clone + Send + 'static>(
    input: &I,
    target: fn(&I),
    memory: bool,
) -> Result<(), TestCaseError> {
    // One case at a time in the process: cases are timed by the process's CPU time, and a
    // whole-build case of another target on the other core counted against this one's (a
    // highlighting case failed its 2 s once, in the test command, that way).
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut slow = Duration::ZERO;
    for _ in 0..2 {
        let input = input.clone();
        let (tx, rx) = mpsc::channel();
        let before = (memory && reset_peak()).then(memory_mb).flatten();
        let clock = Clock::start();
        std::thread::Builder::new()
            .name("fuzz-case".into())
            .stack_size(crate::STACK)
            .spawn(move || {
                let ok = catch_unwind(AssertUnwindSafe(|| target(&input))).is_ok();
                let _ = tx.send(ok);
            })
            .map_err(|e| TestCaseError::fail(format!("cannot start a thread: {e}")))?;
        let ok = loop {
            match rx.recv_timeout(Duration::from_millis(500)) {
                Ok(ok) => break ok,
                Err(mpsc::RecvTimeoutError::Disconnected) => break false,
                // However starved, a case gets 30 times HANG of the clock's time.
                Err(mpsc::RecvTimeoutError::Timeout)
                    if clock.used() > HANG || clock.wall() > HANG * 30 =>
                {
                    return Err(TestCaseError::fail(format!(
                        "no result after {:?} of CPU time: a hang",
                        clock.used()
                    )));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
        };
        if !ok {
            return Err(TestCaseError::fail("panicked (see the message above)"));
        }
        if let (Some((_, rss)), Some((peak, _))) = (before, memory_mb())
            && peak.saturating_sub(rss) > MEMORY_MB
        {
            return Err(TestCaseError::fail(format!(
                "took {} MB of memory (the bound is {MEMORY_MB} MB)",
                peak - rss
            )));
        }
        let took = clock.used();
        if took <= LIMIT {
            return Ok(());
        }
        slow = took;
    }
    Err(TestCaseError::fail(format!(
        "took {slow:?} (twice over the limit of {LIMIT:?})"
    )))
}

/// A case's time: CPU time used by the process since it started (all its threads, so a case
/// that runs on rayon's pool counts whole), or the clock's time where CPU time is not known.
struct Clock {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: process_cpu_time(),
        }
    }

    fn wall(&self) -> Duration {
        self.wall.elapsed()
    }

    fn used(&self) -> Duration {
        match (self.cpu, process_cpu_time()) {
            (Some(before), Some(now)) => now.saturating_sub(before),
            _ => self.wall(),
        }
    }
}

/// User plus system time of this process, from `/proc/self/stat` (fields 14 and 15, in
/// clock ticks of 1/100 s, which is USER_HZ on every Linux).
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Work done counts. (That waiting does not cannot be checked here: the other tests of this
/// binary run in the same process, and their CPU time is the process's too.)
#[test]
fn cpu_time_counts_work() {
    if process_cpu_time().is_none() {
        return;
    }
    let clock = Clock::start();
    let mut x = 0u64;
    // Work until the process's CPU time has grown by 200 ms: it must, well within 20 s.
    while clock.used() < Duration::from_millis(200) && clock.wall() < Duration::from_secs(20) {
        for _ in 0..100_000 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
    }
    assert!(
        clock.used() >= Duration::from_millis(200),
        "CPU time did not grow in {:?}",
        clock.wall()
    );
}

// ---------------------------------------------------------------------------------------------
// Strategy helpers
// ---------------------------------------------------------------------------------------------

fn lit(items: &'static [&'static str]) -> S {
    select(items).prop_map(str::to_string).boxed()
}

/// Up to `max` pieces, concatenated.
fn soup(piece: S, max: usize) -> S {
    vec(piece, 0..max).prop_map(|v| v.concat()).boxed()
}

/// Up to `max` lines, each ended by a line break from [`BREAKS`].
fn lines(line: S, max: usize) -> S {
    vec((line, select(BREAKS)), 0..max)
        .prop_map(|v| {
            v.into_iter().fold(String::new(), |mut s, (l, br)| {
                s.push_str(&l);
                s.push_str(br);
                s
            })
        })
        .boxed()
}

fn opt(s: S) -> S {
    prop_oneof![1 => Just(String::new()), 2 => s].boxed()
}

/// Usually nothing, sometimes `s`: a perturbation of an otherwise well-formed input.
fn rare(s: S) -> S {
    prop_oneof![9 => Just(String::new()), 1 => s].boxed()
}

/// `s` as a YAML double-quoted scalar.
fn yq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
                let n = u32::from(c);
                if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as a TOML basic string.
fn tq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `key: value` lines, each key at most once, in a random order, with rare stray lines.
fn mapping(fields: Vec<(&'static str, S)>, indent: &'static str, stray: S) -> S {
    let fields: Vec<S> = fields
        .into_iter()
        .map(|(k, v)| opt(v.prop_map(move |v| format!("{k}: {v}")).boxed()))
        .collect();
    (fields.prop_shuffle(), rare(stray))
        .prop_map(move |(fields, stray)| {
            let mut s = String::new();
            for f in fields.iter().chain([&stray]).filter(|f| !f.is_empty()) {
                s.push_str(indent);
                s.push_str(f);
                s.push('\n');
            }
            s
        })
        .boxed()
}

/// A YAML string scalar: mostly quoted Markdown, sometimes plain, sometimes odd.
fn ystr() -> S {
    prop_oneof![
        12 => (word(), inline()).prop_map(|(w, s)| yq(&format!("{w}{s}"))),
        6 => word(),
        1 => nasty().prop_map(|s| yq(&s)),
        1 => lit(YAML_SPECIAL),
        1 => lit(NUMBERS),
    ]
    .boxed()
}

/// A flow list of `item`s.
fn flow_list(item: S, max: usize) -> S {
    vec(item, 0..max)
        .prop_map(|v| format!("[{}]", v.join(", ")))
        .boxed()
}

/// `piece` repeated 1 to `max` times.
fn repeated(piece: S, max: usize) -> S {
    (piece, 1..max).prop_map(|(p, n)| p.repeat(n)).boxed()
}

fn cap(mut s: String) -> String {
    if s.len() > MAX_INPUT {
        let mut end = MAX_INPUT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// Any characters, control and unpaired-looking ones included.
fn any_text(max: usize) -> S {
    vec(any::<char>(), 0..max)
        .prop_map(String::from_iter)
        .boxed()
}

fn word() -> S {
    "[A-Za-z][A-Za-z0-9_-]{0,11}".boxed()
}

/// Awkward characters every target gets.
#[rustfmt::skip]
const NASTY: &[&str] = &[
    "\0", "\u{feff}", "\u{202e}", "\u{202d}", "\u{2066}", "\u{2067}", "\u{2069}", "\u{200b}",
    "\u{200d}", "\u{200f}", "\r", "\r\n", "\t", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}",
    "\u{a0}", "\u{3000}", "e\u{301}", "\u{301}", "İ", "ß", "ﬃ", "Σ", "𝔸", "🦀",
    "👩\u{200d}👩\u{200d}👧", "\u{10ffff}", "\u{fffd}", "\u{7f}", "\u{1b}[31m", "\\", "\\\\", "\"",
    "'", "`", "%", "&amp;", "&#0;", "<script>", "</", "]]>", "-->", "{{", "}}", "{%", "${", "١٢٣",
    "٫", "ـ",
];

const BREAKS: &[&str] = &[
    "
", "
", "
", "
", "
", "
", "
", "
", "
", "
", "

", "
", "
", "",
];

fn nasty() -> S {
    lit(NASTY)
}

/// A fragment for mutations: the target's own tokens, awkward characters, or anything.
fn fragment(tokens: &'static [&'static str]) -> S {
    prop_oneof![
        4 => lit(tokens),
        2 => nasty(),
        1 => any_text(16),
        1 => repeated(lit(tokens), 64),
        1 => repeated(nasty(), 16),
    ]
    .boxed()
}

/// Deep nesting: `open` repeated up to `max` times around a middle, closed fully, partly or not
/// at all. These may exceed [`MAX_INPUT`] on purpose.
fn deep(
    pairs: &'static [(&'static str, &'static str)],
    middles: &'static [&'static str],
    max: usize,
) -> S {
    (select(pairs), 1..max, select(middles), 0..3u8)
        .prop_map(|((open, close), n, mid, closing)| {
            let closes = match closing {
                0 => n,
                1 => n / 2,
                _ => 0,
            };
            let mut s = open.repeat(n);
            s.push_str(mid);
            s.push_str(&close.repeat(closes));
            s
        })
        .boxed()
}

/// Lines indented one step more each time: nesting by indentation.
fn staircase(steps: &'static [&'static str], items: &'static [&'static str], max: usize) -> S {
    (select(steps), select(items), 1..max)
        .prop_map(|(step, item, n)| {
            let mut s = String::new();
            for i in 0..n {
                s.push_str(&step.repeat(i));
                s.push_str(item);
                s.push('\n');
            }
            s
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// Seeds: the repository's own courses, mutated
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Seeds {
    toml: Vec<String>,
    summary: Vec<String>,
    markdown: Vec<String>,
    quiz: Vec<String>,
    glossary: Vec<String>,
    widget: Vec<String>,
    /// mdbook-quiz TOML files: the fixture shared with the browser test, and string literals
    /// of the importer's tests.
    mdbook_quiz: Vec<String>,
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(load_seeds)
}

fn load_seeds() -> Seeds {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Seeds::default();
    let mut texts: Vec<(String, String)> = Vec::new();
    for dir in ["content", "src/cmd/init"] {
        for entry in walkdir::WalkDir::new(root.join(dir))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                let name = entry.file_name().to_string_lossy().into_owned();
                texts.push((name, text));
            }
        }
    }
    for file in [
        "tests/cli.rs",
        "tests/hostile.rs",
        "src/config.rs",
        "src/content/summary.rs",
        "src/content/frontmatter.rs",
        "src/content/quiz.rs",
        "src/content/glossary.rs",
        "src/widgets/calculator.rs",
        "src/widgets/playground.rs",
        "src/markdown/callouts.rs",
        "src/markdown/links.rs",
        "src/markdown/math.rs",
        "src/markdown/mentions.rs",
        "src/markdown/slug.rs",
        "src/content/mdbook_quiz.rs",
    ] {
        if let Ok(code) = std::fs::read_to_string(root.join(file)) {
            for s in string_literals(&code) {
                if s.len() >= 6 {
                    texts.push((String::new(), s));
                }
            }
        }
    }
    if let Ok(text) = std::fs::read_to_string(root.join("tests/fixtures/mdbook-quiz.toml")) {
        texts.push(("mdbook-quiz.toml".to_string(), text));
    }
    for (name, text) in texts {
        if name.ends_with(".toml") || text.contains("[book]") || text.contains("title = ") {
            seeds.toml.push(text.clone());
        }
        if name == "SUMMARY.md" || text.contains("](") && text.contains("- [") {
            seeds.summary.push(text.clone());
        }
        if name.ends_with(".quiz.yaml") || text.contains("questions:") {
            seeds.quiz.push(text.clone());
        }
        if text.contains("[[questions]]") {
            seeds.mdbook_quiz.push(text.clone());
        }
        if name == "glossary.yaml" || text.contains("term:") {
            seeds.glossary.push(text.clone());
        }
        seeds.widget.extend(widget_bodies(&text));
        if ["w:", "size:", "data:", "learning-rate:", "steps:"]
            .iter()
            .any(|k| text.starts_with(k) || text.contains(&format!("\n{k}")))
        {
            seeds.widget.push(text.clone());
        }
        seeds.markdown.push(text);
    }
    for (list, fallback) in [
        (&mut seeds.toml, "[book]\ntitle = \"A\"\n"),
        (&mut seeds.summary, "# Summary\n\n- [A](a.md)\n"),
        (
            &mut seeds.quiz,
            "questions:\n  - type: true-false\n    prompt: P\n    answer: true\n",
        ),
        (
            &mut seeds.glossary,
            "- term: Model\n  definition: A function.\n",
        ),
        (&mut seeds.widget, "w: 200\nb: 50000\nsize: 1000\n"),
        (&mut seeds.markdown, "# A\n\nText $x$.\n"),
        (
            &mut seeds.mdbook_quiz,
            "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"P\"\nanswer.answer = \"a\"\n",
        ),
    ] {
        if list.is_empty() {
            list.push(fallback.to_string());
        }
    }
    seeds
}

/// The bodies of ```calculator and ```playground blocks in a Markdown text.
fn widget_bodies(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut body: Option<String> = None;
    for line in text.lines() {
        match &mut body {
            Some(b) if line.trim_start().starts_with("```") => {
                out.push(std::mem::take(b));
                body = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None if matches!(line.trim(), "```calculator" | "```playground") => {
                body = Some(String::new());
            }
            None => {}
        }
    }
    out
}

/// The string literals of Rust source (`"…"`, `b"…"`, `r#"…"#`), unescaped; good enough for
/// seeds (a mistake only makes an odd seed).
fn string_literals(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i > 0 { chars[i - 1] } else { ' ' };
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' {
            // A char literal ('"', '\'', 'x') or a lifetime.
            if chars.get(i + 1) == Some(&'\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c == 'r'
            && (!ident(prev) || prev == 'b' && (i < 2 || !ident(chars[i - 2])))
            && matches!(chars.get(i + 1), Some('"' | '#'))
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                i = j;
                continue;
            }
            j += 1;
            let start = j;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (1..=hashes).all(|h| chars.get(j + h) == Some(&'#')) {
                    break;
                }
                j += 1;
            }
            out.push(chars[start..j.min(chars.len())].iter().collect());
            i = j + 1 + hashes;
        } else if c == '"' {
            let mut s = String::new();
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                if chars[j] == '\\' {
                    j += 1;
                    match chars.get(j) {
                        Some('n') => s.push('\n'),
                        Some('r') => s.push('\r'),
                        Some('t') => s.push('\t'),
                        Some('0') => s.push('\0'),
                        Some('u') => {
                            let close = (j..chars.len()).find(|&k| chars[k] == '}').unwrap_or(j);
                            let hex: String = chars[(j + 2).min(close)..close].iter().collect();
                            if let Some(ch) =
                                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                            {
                                s.push(ch);
                            }
                            j = close;
                        }
                        Some('x') => {
                            let hex: String = chars.iter().skip(j + 1).take(2).collect();
                            if let Ok(b) = u8::from_str_radix(&hex, 16) {
                                s.push(char::from(b));
                            }
                            j += 2;
                        }
                        Some('\n') => {
                            while chars.get(j + 1).is_some_and(|c| c.is_whitespace()) {
                                j += 1;
                            }
                        }
                        Some(&other) => s.push(other),
                        None => {}
                    }
                } else {
                    s.push(chars[j]);
                }
                j += 1;
            }
            out.push(s);
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

#[derive(Clone, Debug)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Replace(usize, usize, String),
    /// Repeat the piece at (start, len) this many times.
    Repeat(usize, usize, usize),
    /// Insert a piece of another seed.
    Splice(usize, Index, usize, usize),
    Truncate(usize),
}

fn edit(tokens: &'static [&'static str]) -> BoxedStrategy<Edit> {
    prop_oneof![
        4 => (any::<usize>(), fragment(tokens)).prop_map(|(at, s)| Edit::Insert(at, s)),
        2 => (any::<usize>(), 0..64usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        3 => (any::<usize>(), 0..16usize, fragment(tokens)).prop_map(|(at, n, s)| Edit::Replace(at, n, s)),
        1 => (any::<usize>(), 1..256usize, 2..2000usize).prop_map(|(at, n, k)| Edit::Repeat(at, n, k)),
        1 => (any::<usize>(), any::<Index>(), any::<usize>(), 0..512usize)
            .prop_map(|(at, seed, from, n)| Edit::Splice(at, seed, from, n)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
    .boxed()
}

/// The char boundary at or before `at % (len + 1)`.
fn boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `[start, start + len)` moved onto char boundaries.
fn span(s: &str, start: usize, len: usize) -> (usize, usize) {
    let a = boundary(s, start);
    let mut b = (a + len).min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    (a, b)
}

fn apply(seed: &str, edits: &[Edit], pool: &[String]) -> String {
    let mut s = seed.to_string();
    for e in edits {
        match e {
            Edit::Insert(at, piece) => {
                let at = boundary(&s, *at);
                s.insert_str(at, piece);
            }
            Edit::Delete(at, n) => {
                let (a, b) = span(&s, *at, *n);
                s.replace_range(a..b, "");
            }
            Edit::Replace(at, n, piece) => {
                let (a, b) = span(&s, *at, *n);
                s.replace_range(a..b, piece);
            }
            Edit::Repeat(at, n, k) => {
                let (a, b) = span(&s, *at, *n);
                let piece = s[a..b].repeat(*k);
                s.insert_str(b, &piece);
            }
            Edit::Splice(at, seed, from, n) => {
                let other = &pool[seed.index(pool.len())];
                let (a, b) = span(other, *from, *n);
                let at = boundary(&s, *at);
                s.insert_str(at, &other[a..b]);
            }
            Edit::Truncate(at) => {
                let at = boundary(&s, *at);
                s.truncate(at);
            }
        }
        s = cap(s);
    }
    s
}

/// A seed from `pool`, mutated by up to eight edits.
fn mutated(pool: fn(&Seeds) -> &Vec<String>, tokens: &'static [&'static str]) -> S {
    (any::<Index>(), vec(edit(tokens), 0..8))
        .prop_map(move |(i, edits)| {
            let pool = pool(seeds());
            apply(&pool[i.index(pool.len())], &edits, pool)
        })
        .boxed()
}

/// A target's inputs: grammar, mutated seeds, arbitrary text, deep nesting.
fn inputs(grammar: S, seeds: S, deep: S) -> S {
    prop_oneof![
        4 => grammar.prop_map(cap),
        4 => seeds,
        1 => any_text(2000),
        1 => deep,
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// YAML pieces, shared by front matter, quizzes, the glossary and widget blocks
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const NUMBERS: &[&str] = &[
    "0", "-0", "1", "-1", "0.5", "75%", "150%", "-5%", "1%", "0%", "%", "1e308", "1e309", "-1e309",
    "5e-324", "1e-400", "1.7976931348623157e308", "4294967296", "18446744073709551616",
    "99999999999999999999999999", ".nan", ".NaN", ".inf", "-.inf", "NaN", "inf", "0x1F", "0o17",
    "0b101", "1_000", "1,5", "+3", "3.", ".5", "1e", "e5", "١٢٣", "200", "50000", "1000", "350000",
    "0.1", "25", "1000.5", "1001", "500", "501", "-12000",
];

#[rustfmt::skip]
const YAML_SPECIAL: &[&str] = &[
    "~", "null", "true", "false", "yes", "no", "on", "off", "True", "FALSE", "''", "\"\"",
    "'it''s'", "\"\\u0000\\x00\\U0010ffff\\N\\_\\L\\P\"", "\"\\uD800\"", "!!binary aGk=", "!!str 1",
    "!!float x", "!!int 1.5", "!!map {}", "!!seq []", "!custom x", "&a x", "*a", "*b", "&a [x, *a]",
    "[]", "{}", "[a, b]", "{a: b}", "[[1, 2], [3, 4]]", "[850, 215000]", "|", "|-", ">", ">+", "|2",
    "? x", ": x", "- x", "-", "<<: *a", "@x", "`x`", "%YAML 1.2", "---", "...", "#", " #", "x # y",
    "\"unterminated", "'unterminated", "{a: [b, {c: d}]}", "[a, b, ]", "[, a]", "{: a}",
];

/// A YAML scalar or small flow collection.
fn yaml_value() -> S {
    let leaf = prop_oneof![
        3 => word(),
        3 => lit(NUMBERS),
        2 => lit(YAML_SPECIAL),
        1 => nasty(),
        1 => any_text(12).prop_map(|s| format!("{s:?}")),
        1 => any_text(12),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(", "))),
            vec((word(), inner), 0..4).prop_map(|v| {
                let items: Vec<String> = v.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", items.join(", "))
            }),
        ]
    })
    .boxed()
}

/// Deep YAML: flow brackets and block indentation far past the parser's depth budget, and
/// alias bombs.
fn yaml_deep() -> S {
    prop_oneof![
        deep(
            &[
                ("[", "]"),
                ("{a: ", "}"),
                ("- ", ""),
                ("[{a: ", "}]"),
                ("? ", ""),
                ("!!seq [", "]"),
                ("&a [", "]")
            ],
            &["", "x", "*a", "1", "questions", "\n"],
            100_000
        ),
        staircase(
            &["  ", " ", "\t", "- "],
            &["a:", "- a:", "- - x", "term: x", "questions:", "? a"],
            400
        ),
        (1..12usize, 1..12usize).prop_map(|(levels, width)| {
            let mut s = String::from("a: &a0 [x, x, x, x, x, x, x, x, x]\n");
            for i in 1..=levels {
                let refs = vec![format!("*a{}", i - 1); width].join(", ");
                s.push_str(&format!("l{i}: &a{i} [{refs}]\n"));
            }
            s.push_str(&format!("questions: *a{levels}\nterm: *a{levels}\n"));
            s
        }),
    ]
    .boxed()
}

/// `key: value` lines with keys from `keys`, at a few indentations, with list items.
fn yaml_lines(keys: &'static [&'static str]) -> S {
    let line = prop_oneof![
        6 => (lit(&["", "", "  ", "    ", "- ", "  - ", "\t"]), lit(keys), yaml_value())
            .prop_map(|(indent, k, v)| format!("{indent}{k}: {v}")),
        2 => (lit(&["- ", "  - ", "    - "]), yaml_value()).prop_map(|(i, v)| format!("{i}{v}")),
        1 => lit(YAML_SPECIAL),
        1 => nasty(),
        1 => any_text(20),
    ];
    lines(line.boxed(), 40)
}

// ---------------------------------------------------------------------------------------------
// Markdown pieces
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const LATEX: &[&str] = &[
    "x", "y", "1", "2", " ", "+", "-", "=", "<", ">", "&", "\\\\", "{", "}", "^", "_", "'", "''",
    "(", ")", "[", "]", "|", "\\|", "\\{", "\\}", "\\$", "\\frac{a}{b}", "\\frac", "\\dfrac",
    "\\hat{y}", "\\hat", "\\bar{x}", "\\vec{v}", "\\sum_{i=1}^{n}", "\\sum", "\\prod", "\\int",
    "\\lim_{x\\to 0}", "x_i", "x^2", "x^{2}", "\\sqrt", "\\sqrt{x}", "\\sqrt[3]{x}", "\\sqrt[",
    "\\left(", "\\right)", "\\left.", "\\right|", "\\left\\{", "\\right\\}", "\\middle|",
    "\\begin{matrix}", "\\end{matrix}", "\\begin{pmatrix}", "\\end{pmatrix}", "\\begin{aligned}",
    "\\end{aligned}", "\\begin{cases}", "\\end{cases}", "\\begin{array}{cc}", "\\end{array}",
    "\\begin{x}", "\\end{y}", "\\text{ab}", "\\text{", "\\mathbb{R}", "\\mathrm{d}",
    "\\operatorname{f}", "\\operatorname*{argmax}", "\\mathbf{x}", "\\boldsymbol", "\\alpha",
    "\\beta", "\\theta", "\\cdot", "\\times", "\\le", "\\ge", "\\neq", "\\infty", "\\approx",
    "\\partial", "\\nabla", "\\overbrace{x}^{y}", "\\underbrace{x}_{y}", "\\overline",
    "\\color{red}", "\\displaystyle", "\\limits", "\\nolimits", "\\mathop{x}", "\\not", "\\!",
    "\\,", "\\;", "\\quad", "\\big(", "\\Big)", "\\bigg", "\\newcommand", "\\def", "\\%", "\\#",
    "\\&", "\\_", "\\", "\\unknowncommand", "\\hline", "\\tag{1}", "\\label{x}", "\\binom{n}{k}",
    "\\pmod{n}", "\\stackrel{a}{b}", "\\overset{a}{b}", "α", "∑", "\u{0}", "$", "~", "%", "#",
];

fn latex() -> S {
    prop_oneof![
        8 => soup(lit(LATEX), 24),
        1 => repeated(lit(LATEX), 400),
        1 => nasty(),
    ]
    .boxed()
}

/// Glossary names the seeds use, so prose mentions them.
#[rustfmt::skip]
const TERMS: &[&str] = &[
    "model", "Model", "parameters", "parameter", "inference", "training", "loss", "token",
    "language model", "small language model", "SLM", "weights", "MODEL", "mödel", "İ", "ß",
];

#[rustfmt::skip]
const TARGETS: &[&str] = &[
    "a.md", "./a.md", "a.md#x", "#x", "#", "", "../a.md", "../../../../etc/passwd", "/a.md",
    "01-foundations/01-what-is-a-model.md", "01-foundations/01-what-is-a-model.md#training",
    "index.md", "README.md", "img/a.png", "missing.md", "https://example.org/a?b=c#d", "mailto:a@b",
    "javascript:alert(1)", "data:text/html,x", "//host/x", "a%20b.md", "<a b.md>", "a.md \"title\"",
    "a.md)", "(", "a\\)b.md", "%00", "a.md#", "a.md##x", ":", "c:\\x", "file:///etc/passwd", "?x",
    "a.md?x#y", "./", "../", ".", "..", "x/../../a.md",
];

#[rustfmt::skip]
const CODE_INFO: &[&str] = &[
    "", "rust", "python", "js", "javascript", "text", "rust,ignore", "rust {.x}", "{", "{.x}",
    "json", "yaml", "sh", "bash", "c", "cpp", "html", "css", "diff", "toml", "markdown", "md",
    "latex", "tex", "sql", "zz", "quiz", "calculator", "playground", "quiz extra", "Quiz", "math",
    "regex", "perl", "ruby", "go", "haskell", "xml", "makefile", "batch",
];

#[rustfmt::skip]
const CODE: &[&str] = &[
    "fn main() {}", "let x = 1;", "\"", "'", "/*", "*/", "//", "#", "<<EOF", "EOF", "${x}", "$(",
    "`", "\\", "(", ")", "[", "]", "{", "}", "<", ">", "<!--", "<![CDATA[", "r#\"", "\"#", "'''",
    "\"\"\"", "@", "%", "x", " ", "\t", "\n", "print('hi')", "def f():", "SELECT", "--", "=begin",
    "\u{0}", "#include <x>", "?>", "<?php", "\\begin{document}",
];

#[rustfmt::skip]
const CALLOUTS: &[&str] = &[
    "[!NOTE]", "[!TIP]", "[!IMPORTANT]", "[!WARNING]", "[!CAUTION]", "[!note]", "[!Note]", "[!FOO]",
    "[!]", "[!NOTE", "[NOTE]", "[!NOTE]-", "[!NOTE]+", "[!WARNING] Heads up",
    "[!NOTE] **bold** $x$", "[!TIP] [link](a.md)", "[!NOTE]\u{0}",
];

#[rustfmt::skip]
const HTML: &[&str] = &[
    "<div>", "</div>", "<details><summary>x</summary>", "</details>", "<script>alert(1)</script>",
    "<style>", "<!-- x -->", "<!--", "<br>", "<img src=x onerror=y>", "<a href=\"a.md\">x</a>",
    "<span id=\"x\">", "<h2 id=\"dup\">x</h2>", "<math>", "<svg>", "<pre>", "</pre>", "<?x?>",
    "<![CDATA[x]]>", "<x-y>", "&nbsp;", "&#x0;", "&bogus;",
    // Code blocks written as raw HTML (markdown/raw_code.rs).
    "<pre><code class=\"language-rust\">", "<pre>\n<code class='language-js x'>", "</code></pre>",
    "<code class=\"language-\">", "<pre><code class=language-python>", "&lt;&amp;lt;&#x41;",
];

/// A token for every grammar in syntect's default set (the highlighter coursebook had before
/// syntaxmate), and common names of syntaxmate's.
#[rustfmt::skip]
const SYNTAX_TOKENS: &[&str] = &[
    "txt", "asa", "asp", "as", "applescript", "bat", "build", "cs", "cpp", "c", "css", "clj", "d",
    "diff", "erl", "yaws", "go", "dot", "groovy", "html", "hs", "lhs", "jsp", "java", "properties",
    "json", "js", "bib", "tex", "sty", "lisp", "lua", "make", "makefile", "md", "matlab", "ml",
    "mll", "mly", "mm", "m", "php", "pas", "pl", "py", "r", "rd", "rails", "haml", "rxml", "erbsql",
    "re", "rst", "rb", "rs", "sql", "scala", "sh", "bash", "adp", "tcl", "textile", "xml", "yaml",
    "python", "rust", "javascript", "latex", "perl", "ruby", "markdown", "toml", "console",
    "shellsession", "typescript", "tsx", "kotlin", "swift", "zig", "dockerfile", "nix", "cpp",
    "csharp", "hcl", "powershell", "elixir", "haskell", "ocaml", "jsonc", "vue", "svelte", "php",
];

#[rustfmt::skip]
const CODE_CHARS: &[&str] = &[
    "\\", "\\\\", "{", "}", "(", ")", "[", "]", "<", ">", "\"", "'", "`", "$", "$$", "$(", "${", ":",
    "=", ";", "#", "/", "*", "/*", "*/", "//", "-", "--", "%", "@", "&", "|", "!", "?", ",", ".", " ",
    "\t", "x", "end", "begin", "if", "def", "<<", ">>", "=>", "->", "::", "\\end{y}",
    "[T](a.md \"title\")", "0x1F", "1e5", "r#\"", "\"\"\"", "'''", "<!--", "-->", "<?", "?>", "<%",
    "%>", "\\n", "\\\"", "a b", "_", "~", "^", "+", "*)", "(*", "{-", "-}", "=begin", "@{", "%{",
];

/// A line of code: punctuation that grammars' regexes care about, often repeated.
fn code_line(max: usize) -> S {
    prop_oneof![
        4 => soup(lit(CODE_CHARS), max),
        1 => (lit(CODE_CHARS), 1..max).prop_map(|(c, n)| c.repeat(n)),
        1 => (soup(lit(CODE_CHARS), 8), 1..max / 4).prop_map(|(c, n)| c.repeat(n)),
    ]
    .boxed()
}

/// Inline Markdown.
fn inline() -> S {
    let piece = prop_oneof![
        6 => word(),
        4 => lit(&[" ", " ", "  \n", "\\\n", "*", "**", "_", "__", "`", "``", "~~", "~", "\\",
            "\\$", "$", "$$", "[", "]", "(", ")", "!", "<", ">", "&", "#", "{#x}", "{", "}",
            "[^1]", "[^x]", "^", ":", "|", "'", "\"", "...", "--", "---", "<https://x.org>",
            "<a@b.c>", "www.x.org", "[ ]", "[x]"]),
        3 => lit(TERMS),
        3 => latex().prop_map(|l| format!("${l}$")),
        1 => latex().prop_map(|l| format!("$${l}$$")),
        2 => (word(), lit(TARGETS)).prop_map(|(t, u)| format!("[{t}]({u})")),
        1 => (word(), lit(TARGETS)).prop_map(|(t, u)| format!("![{t}]({u})")),
        1 => word().prop_map(|w| format!("[{w}][{w}]")),
        1 => word().prop_map(|w| format!("`{w}`")),
        1 => lit(HTML),
        2 => nasty(),
        1 => any_text(8),
    ];
    soup(piece.boxed(), 16)
}

fn code_body() -> S {
    prop_oneof![
        4 => soup(lit(CODE), 40),
        2 => widget_body(),
        1 => quiz_yaml(),
        1 => any_text(200),
        1 => repeated(lit(CODE), 3000),
    ]
    .boxed()
}

/// One Markdown block.
fn block() -> S {
    prop_oneof![
        3 => (lit(&["#", "##", "###", "####", "######", "#######", "#\t", "# #"]), inline(),
            opt(lit(&[" {#id}", " {#dup}", " {.cls}", " {#x .y key=val}", " {#}", " {", " {#a b}", " #", " ##"])))
            .prop_map(|(h, t, a)| format!("{h} {t}{a}")),
        1 => (inline(), lit(&["===", "---", "=", "-"])).prop_map(|(t, u)| format!("{t}\n{u}")),
        6 => inline(),
        2 => latex().prop_map(|l| format!("$$\n{l}\n$$")),
        2 => (lit(CALLOUTS), inline(), inline()).prop_map(|(c, t, b)| format!("> {c}{t}\n> {b}")),
        2 => (lit(&["> ", ">", "> > ", ">>>", "   > "]), inline()).prop_map(|(q, t)| format!("{q}{t}")),
        3 => (lit(&["- ", "* ", "+ ", "1. ", "1) ", "- [ ] ", "- [x] ", "  - ", "    - ", "99999999999. ", "- > "]), inline())
            .prop_map(|(m, t)| format!("{m}{t}")),
        3 => (lit(&["```", "~~~", "````", "``` ", "```\t"]), lit(CODE_INFO), code_body())
            .prop_map(|(f, info, body)| format!("{f}{info}\n{body}\n{}", f.trim())),
        1 => code_body().prop_map(|b| b.lines().map(|l| format!("    {l}\n")).collect()),
        2 => (inline(), inline()).prop_map(|(a, b)| format!("| {a} | b |\n|---|:-:|\n| {b} | x |")),
        1 => (word(), inline()).prop_map(|(w, t)| format!("[^{w}]: {t}")),
        1 => (word(), inline()).prop_map(|(w, t)| format!("{w}\n: {t}")),
        1 => (word(), lit(TARGETS)).prop_map(|(w, u)| format!("[{w}]: {u}")),
        1 => lit(HTML),
        1 => lit(&["---", "***", "___", "- - -"]),
    ]
    .boxed()
}

fn markdown_grammar() -> S {
    let body = vec(
        (
            block(),
            select(&["\n\n", "\n", "\r\n\r\n", "\n\n\n", ""][..]),
        ),
        0..24,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(b, sep)| format!("{b}{sep}"))
            .collect::<String>()
    });
    (
        opt(prop_oneof![4 => front_yaml(), 1 => yaml_lines(FRONT_KEYS)]
            .prop_map(|y| format!("---\n{y}---\n"))
            .boxed()),
        body,
    )
        .prop_map(|(f, b)| format!("{f}{b}"))
        .boxed()
}

fn markdown_deep() -> S {
    prop_oneof![
        deep(
            &[
                (">", ""),
                ("> ", ""),
                ("- ", ""),
                ("* ", ""),
                ("1. ", ""),
                ("- > ", ""),
                ("> - ", ""),
                ("*", "*"),
                ("**", "**"),
                ("_", "_"),
                ("~~", "~~"),
                ("[", "]"),
                ("[", "](a.md)"),
                ("![", "](x)"),
                ("`", "`"),
                ("<div>", "</div>"),
                ("<span>", "</span>"),
                ("[^", "]"),
                ("> [!NOTE]\n>", ""),
                ("|", "|"),
                ("\\", ""),
                ("(", ")"),
                ("<", ">"),
                ("$", "$"),
                ("$$", "$$"),
                ("${", "}$"),
                ("$\\sqrt{", "}$"),
                ("$\\frac{", "}{1}$"),
                ("$\\left(", "\\right)$"),
                ("$x^{", "}$"),
                ("$\\sqrt[", "]{x}$"),
                ("$\\sqrt", "$"),
                ("$\\begin{matrix}", "\\end{matrix}$"),
                ("$\\text{", "}$"),
                ("$\\hat", "{y}$")
            ],
            &["x", "", "$x$", "{", "\\", "\n", "`"],
            50_000
        ),
        deep(
            &[
                ("{", "}"),
                ("\\left(", "\\right)"),
                ("\\sqrt[", "]{x}"),
                ("x^{", "}"),
                ("\\frac{1}{", "}"),
                ("\\begin{matrix}", "\\end{matrix}"),
                ("\\begin{cases}", "\\end{cases}"),
                ("\\sqrt", ""),
                ("\\hat", ""),
                ("\\overline{", "}"),
                ("x^", ""),
                ("x_", ""),
                ("{x}^", ""),
                ("\\left[", "\\right]"),
                ("\\mathop{", "}"),
                ("\\text{$", "$}"),
                ("\\operatorname{", "}")
            ],
            &["x", "", "\\", "{"],
            20_000
        )
        .prop_map(|l| format!("Math: ${l}$ and $$\n{l}\n$$\n")),
        staircase(
            &["  ", "   ", "    ", " ", "\t"],
            &["- x", "1. x", "> x", "- > x", "* [x](a.md)"],
            400
        ),
        (lit(&["- ", "> ", "1. ", "* "]), 1..3000usize)
            .prop_map(|(m, n)| format!("{m}x\n").repeat(n)),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Per-target grammars
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const TOML_TOKENS: &[&str] = &[
    "[book]", "[build]", "[output.html]", "[course]", "[output]", "[output.linkcheck]",
    "[preprocessor.katex]", "[rust]", "[[book]]", "[book.x]", "[output.html.fold]", "[", "]", "[[",
    "]]", "=", " = ", "\"", "'", "\"\"\"", "'''", "{", "}", ",", ".", "#", "\n", "\\", "\\u0000",
    "\\U0010FFFF", "\\uD800", "\\x", "title", "src", "site-url", "theme", "glossary", "link-terms",
    "build-dir", "cname", "1979-05-27T07:32:00Z", "inf", "nan", "0x10", "1e1000", "true",
    "\"../..\"", "\"/\"", "\"https://a.b/c/\"",
];

#[rustfmt::skip]
const TOML_KEYS: &[&str] = &[
    "title", "authors", "description", "language", "src", "multilingual", "text-direction",
    "build-dir", "create-missing", "use-default-preprocessors", "extra-watch-dirs", "theme",
    "site-url", "cname", "git-repository-url", "edit-url-template", "default-theme",
    "preferred-dark-theme", "glossary", "link-terms", "x", "\"a.b\"", "book.title",
    "output.html.site-url", "'q'", "\"\"", "title.x", "1", "-", "_",
];

#[rustfmt::skip]
const TOML_STRINGS: &[&str] = &[
    "", "x", "content", "src", ".", "..", "../..", "/", "/etc", "//", "~", "site", "theme",
    "https://a.b/c/", "https://a.b", "http://", "://", "https://github.com/o/r",
    "https://github.com/", "first", "all", "none", "FIRST", "{{title}}", "glossary.yaml",
    "../glossary.yaml", "rtl", "en", "\\u0000", "\\\"", "\\\\", "\\n", "\\t", "a\\u202Eb",
    "courses.example.org", "/academy/", "academy",
];

fn toml_string() -> S {
    soup(
        prop_oneof![4 => lit(TOML_STRINGS), 2 => word(), 1 => nasty(), 1 => any_text(4)].boxed(),
        4,
    )
    .prop_map(|s| tq(&s))
    .boxed()
}

fn toml_value() -> S {
    let leaf = prop_oneof![
        6 => toml_string(),
        1 => word().prop_map(|s| format!("'{s}'")),
        1 => inline().prop_map(|s| format!("\"\"\"{}\"\"\"", s.replace('"', ""))),
        1 => lit(&["true", "false", "1", "-1", "1.5", "inf", "nan", "1979-05-27", "07:32:00",
            "1e400", "9223372036854775808", "0x7FFF", "+1", "1__0"]),
        1 => lit(TOML_TOKENS),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            vec((lit(TOML_KEYS), inner), 0..4).prop_map(|v| {
                let items: Vec<String> = v.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", items.join(", "))
            }),
        ]
    })
    .boxed()
}

/// One table of a book.toml: its header and keys, mostly the right ones with the right types.
fn toml_table() -> S {
    let text = || prop_oneof![6 => toml_string(), 1 => toml_value()].boxed();
    let flag = || prop_oneof![4 => lit(&["true", "false"]), 1 => toml_value()].boxed();
    let list = || flow_list(toml_string(), 4);
    let stray = || {
        prop_oneof![
            (lit(TOML_KEYS), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
            soup(lit(TOML_TOKENS), 6),
            nasty(),
        ]
        .boxed()
    };
    let table = |header: &'static str, fields: Vec<(&'static str, S)>| {
        let fields = fields
            .into_iter()
            .map(|(k, v)| (k, v.prop_map(|v| format!("= {v}")).boxed()))
            .collect();
        mapping(fields, "", stray()).prop_map(move |body| {
            // mapping() writes `key: = value`; TOML wants `key = value`.
            format!("{header}\n{}", body.replace(": = ", " = "))
        })
    };
    prop_oneof![
        4 => table("[book]", vec![("title", text()), ("authors", list()), ("description", text()),
            ("language", text()), ("src", text()), ("multilingual", flag()),
            ("text-direction", text())]),
        2 => table("[build]", vec![("build-dir", text()), ("create-missing", flag()),
            ("use-default-preprocessors", flag()), ("extra-watch-dirs", list())]),
        3 => table("[output.html]", vec![("theme", text()), ("site-url", text()), ("cname", text()),
            ("git-repository-url", text()), ("edit-url-template", text()),
            ("default-theme", text()), ("preferred-dark-theme", text())]),
        2 => table("[course]", vec![("glossary", text()), ("link-terms", text())]),
        1 => (lit(&["[output]", "[output.linkcheck]", "[preprocessor.katex]", "[rust]", "[[book]]",
            "[book.x]", "[output.html.fold]", "[ book ]", "[\"book\"]", "[output.\"html\"]"]),
            lines(stray(), 3)).prop_map(|(h, body)| format!("{h}\n{body}")),
        1 => (word(), lines(stray(), 3)).prop_map(|(h, body)| format!("[{h}]\n{body}")),
    ]
    .boxed()
}

fn book_toml() -> S {
    let grammar = (vec(toml_table(), 0..6), rare(nasty()))
        .prop_map(|(tables, junk)| format!("{}{junk}", tables.join("\n")));
    let deep = prop_oneof![
        deep(
            &[
                ("a = [", "]"),
                ("a = {b = ", "}"),
                ("a = [{b = [", "]}]"),
                ("[", "]"),
                ("a.", "b = 1"),
                ("\"", "")
            ],
            &["1", "", "\"x\"", "[]"],
            100_000
        ),
        (0..20_000usize)
            .prop_map(|n| (0..n).map(|i| format!("k{i} = 1\n")).collect())
            .prop_map(cap),
        (0..20_000usize)
            .prop_map(|n| (0..n).map(|i| format!("[t{i}]\n")).collect())
            .prop_map(cap),
        (0..20_000usize)
            .prop_map(|n| (0..n).map(|i| format!("[output.o{i}]\n")).collect())
            .prop_map(cap),
        (0..300usize)
            .prop_map(|n| (1..=n).map(|i| format!("[{}]\n", "a".repeat(i))).collect())
            .prop_map(cap),
    ];
    inputs(
        grammar.boxed(),
        mutated(|s| &s.toml, TOML_TOKENS),
        deep.boxed(),
    )
}

#[rustfmt::skip]
const SUMMARY_TOKENS: &[&str] = &[
    "- ", "* ", "+ ", "1. ", "[", "]", "(", ")", "](", "\\]", "\\[", "<", ">", "# ", "#", "---",
    "***", "___", "\n", "  ", "    ", "\t", "a.md", "index.md", "README.md", "%20", "#x",
    "# Summary", "[]()", "- [A](a.md)", "  - [B](b.md)", "[Intro](intro.md)",
];

fn summary_grammar() -> S {
    let title = soup(
        prop_oneof![4 => word(), 1 => lit(&["[", "]", "\\]", "`", " ", "*", "]("]), 1 => nasty()]
            .boxed(),
        6,
    );
    let link = (
        title,
        lit(TARGETS),
        lit(&["", "", " ", " \"t\"", ")", ") x", "  "]),
    )
        .prop_map(|(t, u, tail)| format!("[{t}]({u}){tail}"));
    let line = prop_oneof![
        8 => (lit(&["", "", "  ", "    ", "\t", "\u{a0}", "\u{3000}", " \t", "        ", "   "]),
              lit(&["- ", "- ", "* ", "", "", "+ ", "1. ", "-", "*"]), link)
            .prop_map(|(i, m, l)| format!("{i}{m}{l}")),
        2 => inline().prop_map(|t| format!("# {}", t.replace('\n', " "))),
        1 => lit(&["---", "***", "___", "-----", "- - -", "# Summary", "#", "# ", "[", "- [", "- []()"]),
        1 => nasty(),
        1 => any_text(20),
    ];
    let deep = prop_oneof![
        staircase(
            &[" ", "  ", "\t", "\u{a0}", " \t"],
            &["- [a](a.md)", "* [b]()", "- [c](c.md#x)"],
            2_000
        ),
        deep(
            &[("[", "]"), ("- [", "](a.md)"), ("[[", "]]"), ("(", ")")],
            &["a", "](a.md)", ""],
            100_000
        ),
        (1..20_000usize)
            .prop_map(|n| (0..n).map(|i| format!("- [L{i}](l{i}.md)\n")).collect())
            .prop_map(cap),
    ];
    inputs(
        lines(line.boxed(), 60),
        mutated(|s| &s.summary, SUMMARY_TOKENS),
        deep.boxed(),
    )
}

#[rustfmt::skip]
const FRONT_KEYS: &[&str] = &[
    "id", "title", "description", "objectives", "terms", "quiz", "draft", "link-terms",
    "link_terms", "titl", "Title", "x", "<<", "? title",
];

#[rustfmt::skip]
const FRONT_TOKENS: &[&str] = &[
    "---\n", "---", "...\n", "\n", "title: ", "description: ", "objectives:\n  - ", "terms: [", "]",
    "quiz: ", "draft: true", "link-terms: false", "id: ", "id: a:b", "- ", "  ", ": ", "&a ",
    "*a", "!!str ",
    "\u{feff}---\n", "# Heading\n", "{", "}", "[", "'", "\"",
];

/// The YAML of a lesson's front matter.
fn front_yaml() -> S {
    let flag = || prop_oneof![4 => lit(&["true", "false"]), 1 => lit(YAML_SPECIAL)].boxed();
    let terms = || {
        prop_oneof![
            3 => flow_list(prop_oneof![3 => lit(TERMS).prop_map(|t| yq(&t)), 1 => ystr()].boxed(), 5),
            1 => vec(lit(TERMS), 0..4).prop_map(|t| t.iter().map(|t| format!("\n  - {t}")).collect()),
            1 => ystr(),
        ]
        .boxed()
    };
    let quiz = prop_oneof![
        3 => lit(&["a.quiz.yaml", "../a.quiz.yaml", "/etc/passwd", "", "missing.yaml",
            "02-lesson.quiz.yaml", ".", "..", "a.quiz.yaml\u{0}", "../../../../etc/hostname"])
            .prop_map(|q| yq(&q)),
        1 => ystr(),
    ];
    let stray = prop_oneof![
        (lit(FRONT_KEYS), yaml_value()).prop_map(|(k, v)| format!("{k}: {v}")),
        lit(YAML_SPECIAL),
        nasty(),
    ];
    mapping(
        vec![
            ("id", ystr()),
            ("title", ystr()),
            ("description", ystr()),
            (
                "objectives",
                prop_oneof![3 => flow_list(ystr(), 4), 1 => ystr()].boxed(),
            ),
            ("terms", terms()),
            ("quiz", quiz.boxed()),
            ("draft", flag()),
            ("link-terms", flag()),
        ],
        "",
        stray.boxed(),
    )
}

fn front_matter() -> S {
    let grammar = (
        lit(&["", "", "", "", "\u{feff}", "\n", " "]),
        lit(&[
            "---\n", "---\n", "---\n", "---\r\n", "--- \n", "----\n", "---",
        ]),
        prop_oneof![4 => front_yaml(), 1 => yaml_lines(FRONT_KEYS)],
        lit(&["---\n", "---\n", "---\n", "...\n", "---", "--- x\n", ""]),
        inline(),
    )
        .prop_map(|(pre, open, yaml, close, body)| format!("{pre}{open}{yaml}{close}{body}"));
    let deep = yaml_deep().prop_map(|y| format!("---\ntitle: x\nterms: {y}\n---\nbody\n"));
    inputs(
        grammar.boxed(),
        mutated(|s| &s.markdown, FRONT_TOKENS),
        deep.boxed(),
    )
}

#[rustfmt::skip]
const QUIZ_KEYS: &[&str] = &[
    "id", "type", "prompt", "choices", "answer", "answers", "tolerance", "items", "explanation",
    "hint", "text", "correct", "feedback", "questions", "title", "pass", "answr", "compiles",
    "output", "partial",
];

#[rustfmt::skip]
const QUIZ_TOKENS: &[&str] = &[
    "questions:\n", "  - ", "    ", "type: single", "type: multiple", "type: true-false",
    "type: numeric", "type: text", "type: order", "type: tracing", "type: essay", "prompt: P",
    "compiles: true", "compiles: false", "output: ", "choices:\n",
    "      - text: ", "        correct: true", "correct: false", "answer: ", "answers: [", "]",
    "tolerance: ", "items: [", "pass: 75%", "id: ", "title: ", "explanation: |\n      ", "hint: ",
    "feedback: ", "$x$", "\n", ", ", "&a", "*a",
];

/// Markdown for explanations and hints: inline, with the odd block.
fn quiz_markdown() -> S {
    prop_oneof![
        4 => inline(),
        1 => (inline(), lit(&["```rust\nfn main() {}\n```", "$$\\frac{1}{2}$$", "> [!NOTE]\n> x",
            "- a\n- b", "| a |\n|---|\n| b |", "```quiz\nquestions: []\n```", "# H {#h}"]))
            .prop_map(|(a, b)| format!("{a}\n\n{b}")),
    ]
    .boxed()
}

/// One question, mostly well-formed for its type.
fn question() -> S {
    let choice = (ystr(), any::<bool>(), rare(ystr()), 0..8u8)
        .prop_map(|(text, flag, feedback, odd)| (text, flag, feedback, odd));
    (
        (
            prop_oneof![
                9 => lit(&["single", "multiple", "true-false", "numeric", "text", "order", "tracing"]),
                1 => lit(&["essay", "", "Single", " order ", "true_false", "[single]"]),
            ],
            ystr(),
            rare(word().prop_map(|i| format!("id: {i}")).boxed()),
            rare(
                quiz_markdown()
                    .prop_map(|e| format!("explanation: {}", yq(&e)))
                    .boxed(),
            ),
            rare(ystr().prop_map(|h| format!("hint: {h}")).boxed()),
            rare(
                (lit(QUIZ_KEYS), yaml_value())
                    .prop_map(|(k, v)| format!("{k}: {v}"))
                    .boxed(),
            ),
        ),
        (
            vec(choice, 0..7),
            any::<Index>(),
            0..4u8,
            prop_oneof![
                4 => lit(NUMBERS),
                2 => any::<f64>().prop_map(|x| format!("{x:e}")),
                1 => lit(&["true", "false", "yes", "x", "\"3\"", "[1]"]),
            ],
            rare(lit(NUMBERS)),
            vec(ystr(), 0..5),
            vec(
                prop_oneof![2 => ystr(), 1 => lit(&["a", "A", " a", "b"])],
                0..8,
            ),
        ),
    )
        .prop_map(
            |(
                (kind, prompt, id, explanation, hint, stray),
                (choices, pick, mode, answer, tolerance, answers, items),
            )| {
                let mut fields = vec![format!("type: {kind}"), format!("prompt: {prompt}")];
                match kind.trim() {
                    "single" | "multiple" => {
                        let picked = if choices.is_empty() {
                            0
                        } else {
                            pick.index(choices.len())
                        };
                        let mut list = String::from("choices:");
                        for (i, (text, flag, feedback, odd)) in choices.iter().enumerate() {
                            let correct = match mode {
                                0 | 1 => i == picked || kind == "multiple" && *flag,
                                _ => *flag,
                            };
                            list.push_str(&format!("\n  - text: {text}"));
                            if correct {
                                list.push_str("\n    correct: true");
                            } else if *odd == 0 {
                                list.push_str("\n    correct: no");
                            }
                            if !feedback.is_empty() {
                                list.push_str(&format!("\n    feedback: {feedback}"));
                            }
                        }
                        fields.push(list);
                    }
                    "true-false" => fields.push(format!(
                        "answer: {}",
                        if answer.starts_with(['t', 'f', 'y', 'x', '"', '[']) {
                            answer.clone()
                        } else {
                            (pick.index(2) == 0).to_string()
                        }
                    )),
                    "numeric" => {
                        fields.push(format!("answer: {answer}"));
                        if !tolerance.is_empty() {
                            fields.push(format!("tolerance: {tolerance}"));
                        }
                    }
                    "text" => fields.push(format!("answers: [{}]", answers.join(", "))),
                    "tracing" => {
                        let compiles = answer.starts_with(['t', 'y']);
                        fields.push(format!("compiles: {compiles}"));
                        if compiles || answer.starts_with('x') {
                            fields.push(format!("output: {}", answers.join(" ")));
                        }
                    }
                    _ => fields.push(format!("items: [{}]", items.join(", "))),
                }
                fields.extend(
                    [id, explanation, hint, stray]
                        .into_iter()
                        .filter(|f| !f.is_empty()),
                );
                let mut s = String::new();
                for (i, f) in fields.iter().enumerate() {
                    s.push_str(if i == 0 { "  - " } else { "    " });
                    s.push_str(&f.replace('\n', "\n    "));
                    s.push('\n');
                }
                s
            },
        )
        .boxed()
}

fn quiz_yaml() -> S {
    (
        rare(word().prop_map(|i| format!("id: {i}\n")).boxed()),
        opt(ystr().prop_map(|t| format!("title: {t}\n")).boxed()),
        rare(
            prop_oneof![
                4 => lit(&["75%", "0.8", "80", "100%", "0%", "50 %"]),
                1 => lit(NUMBERS),
                1 => lit(YAML_SPECIAL),
            ]
            .prop_map(|p| format!("pass: {p}\n"))
            .boxed(),
        ),
        prop_oneof![
            9 => Just("questions:\n".to_string()),
            1 => lit(&["questions: []\n", "questions:", "question:\n", "", "questions: x\n"]),
        ],
        vec(question(), 1..4),
        rare(yaml_lines(QUIZ_KEYS)),
    )
        .prop_map(|(id, title, pass, q, qs, tail)| {
            format!("{id}{title}{pass}{q}{}{tail}", qs.concat())
        })
        .boxed()
}

fn quiz_inputs() -> S {
    let deep = prop_oneof![
        yaml_deep(),
        (1..20_000usize)
            .prop_map(|n| format!(
                "questions:\n{}",
                "  - type: true-false\n    prompt: P\n    answer: true\n".repeat(n)
            ))
            .prop_map(cap),
        (1..20_000usize)
            .prop_map(|n| format!(
                "questions:\n  - type: order\n    prompt: P\n    items: [{}]\n",
                (0..n).map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
            ))
            .prop_map(cap),
        (1..20_000usize)
            .prop_map(|n| format!(
                "questions:\n  - type: multiple\n    prompt: P\n    choices:\n{}",
                (0..n)
                    .map(|i| format!("      - {{text: c{i}, correct: true}}\n"))
                    .collect::<String>()
            ))
            .prop_map(cap),
        (1..20_000usize)
            .prop_map(|n| format!(
                "questions:\n{}",
                "  - {id: a, type: true-false, prompt: P, answer: true}\n".repeat(n)
            ))
            .prop_map(cap),
    ];
    inputs(quiz_yaml(), mutated(|s| &s.quiz, QUIZ_TOKENS), deep.boxed())
}

#[rustfmt::skip]
const GLOSSARY_TOKENS: &[&str] = &[
    "- term: ", "  id: ", "  aliases: [", "]", "  definition: ", "  see: [", "\n", ", ", "Model",
    "model", "parameters", "$x$", "[a](b)", "&a", "*a", "- ", "  ", ": ",
];

fn glossary_yaml() -> S {
    let name = || prop_oneof![4 => lit(TERMS), 2 => word(), 1 => nasty(), 1 => any_text(6)].boxed();
    let names = || flow_list(name().prop_map(|n| yq(&n)).boxed(), 4);
    let stray = (lit(&["x", "term", "definition", "ids"]), yaml_value())
        .prop_map(|(k, v)| format!("{k}: {v}"));
    let entry = (
        name(),
        mapping(
            vec![
                ("id", name().prop_map(|n| yq(&n)).boxed()),
                ("aliases", names()),
                ("see", names()),
            ],
            "  ",
            stray.boxed(),
        ),
        prop_oneof![6 => quiz_markdown(), 1 => Just(String::new())],
    )
        .prop_map(|(term, rest, definition)| {
            format!(
                "- term: {}\n{rest}  definition: {}\n",
                yq(&term),
                yq(&definition)
            )
        });
    prop_oneof![
        6 => vec(entry, 0..7).prop_map(|e| e.concat()),
        1 => yaml_lines(&["term", "id", "aliases", "definition", "see", "- term", "x"]),
    ]
    .boxed()
}

fn glossary_inputs() -> BoxedStrategy<(String, String)> {
    let deep = prop_oneof![
        yaml_deep(),
        (1..20_000usize)
            .prop_map(|n| "- {term: Model, definition: x}\n".repeat(n))
            .prop_map(cap),
        (1..10_000usize)
            .prop_map(|n| (0..n)
                .map(|i| format!(
                    "- {{term: t{i}, aliases: [a{i}, b{i}], definition: d, see: [t0]}}\n"
                ))
                .collect())
            .prop_map(cap),
        (1..10_000usize)
            .prop_map(|n| format!(
                "- term: x\n  definition: d\n  aliases: [{}]\n",
                (0..n)
                    .map(|i| format!("a{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .prop_map(cap),
        (1..20_000usize)
            .prop_map(|n| format!("- &e {{term: t, definition: d}}\n{}", "- *e\n".repeat(n)))
            .prop_map(cap),
    ];
    let yaml = inputs(
        glossary_yaml(),
        mutated(|s| &s.glossary, GLOSSARY_TOKENS),
        deep.boxed(),
    );
    let prose = prop_oneof![
        4 => soup(prop_oneof![3 => lit(TERMS), 3 => word(), 2 => lit(&[" ", " ", "-", "'s", "*", "[", "](a.md)", "`", "$", "\n\n", "# "]), 1 => nasty()].boxed(), 60),
        1 => repeated(lit(&["model ", "model", "language model ", "Model-"]), 20_000),
        1 => mutated(|s| &s.markdown, TERMS),
    ];
    (yaml, prose).boxed()
}

#[rustfmt::skip]
const WIDGET_KEYS: &[&str] = &[
    "w", "b", "size", "currency", "label", "data", "learning-rate", "learning_rate", "steps", "W",
    "price", "x", "questions",
];

#[rustfmt::skip]
const WIDGET_TOKENS: &[&str] = &[
    "w: ", "b: ", "size: ", "currency: ", "label: ", "data:\n", "  - [", "]", ", ",
    "learning-rate: ", "steps: ", "\n", "850", "215000", "1e308", "-", ".nan", "\"€\"", "[", "{",
];

fn number() -> S {
    prop_oneof![
        6 => (-1e7..1e7f64).prop_map(|x| x.to_string()),
        3 => (0..5000u32).prop_map(|x| x.to_string()),
        3 => lit(NUMBERS),
        1 => any::<f64>().prop_map(|x| x.to_string()),
        1 => ystr(),
    ]
    .boxed()
}

fn label() -> S {
    prop_oneof![
        4 => ystr(),
        1 => repeated(lit(&["€", "x", "<", "&", "\u{202e}", "$"]), 200).prop_map(|s| yq(&s)),
    ]
    .boxed()
}

fn stray_widget_line() -> S {
    prop_oneof![
        (lit(WIDGET_KEYS), yaml_value()).prop_map(|(k, v)| format!("{k}: {v}")),
        nasty(),
        lit(YAML_SPECIAL),
    ]
    .boxed()
}

fn calculator_body() -> S {
    mapping(
        vec![
            ("w", number()),
            ("b", number()),
            ("size", number()),
            ("currency", label()),
            ("label", label()),
        ],
        "",
        stray_widget_line(),
    )
}

fn playground_body() -> S {
    let points = prop_oneof![
        6 => 0..30usize,
        1 => 490..520usize,
    ]
    .prop_flat_map(|n| vec((number(), number()), n));
    let data = prop_oneof![
        4 => points.clone().prop_map(|p| p.iter().map(|(x, y)| format!("\n  - [{x}, {y}]")).collect()),
        1 => points.prop_map(|p| {
            let items: Vec<String> = p.iter().map(|(x, y)| format!("[{x}, {y}]")).collect();
            format!("[{}]", items.join(", "))
        }),
        1 => vec(yaml_value(), 0..6).prop_map(|v| v.iter().map(|x| format!("\n  - {x}")).collect()),
        1 => yaml_value(),
    ];
    mapping(
        vec![
            ("data", data.boxed()),
            ("w", number()),
            ("b", number()),
            ("learning-rate", number()),
            (
                "steps",
                prop_oneof![3 => (0..1100u32).prop_map(|n| n.to_string()).boxed(), 1 => number()]
                    .boxed(),
            ),
            ("label", label()),
        ],
        "",
        stray_widget_line(),
    )
}

fn widget_body() -> S {
    prop_oneof![calculator_body(), playground_body()].boxed()
}

fn widget_inputs() -> BoxedStrategy<(String, String, usize, String)> {
    let deep = || {
        prop_oneof![
            yaml_deep(),
            (1..5_000usize)
                .prop_map(|n| format!("data:\n{}", "  - [850, 215000]\n".repeat(n)))
                .prop_map(cap),
            (1..5_000usize)
                .prop_map(|n| format!("data: [{}]", vec!["[1, 2]"; n].join(", ")))
                .prop_map(cap),
            (0..100_000usize)
                .prop_map(|n| format!(
                    "currency: \"{}\"\nlabel: \"{}\"\n",
                    "€".repeat(n / 10),
                    "x".repeat(n)
                ))
                .prop_map(cap),
        ]
        .boxed()
    };
    let block = prop_oneof![
        4 => (Just("calculator"), inputs(calculator_body(), mutated(|s| &s.widget, WIDGET_TOKENS), deep())),
        4 => (Just("playground"), inputs(playground_body(), mutated(|s| &s.widget, WIDGET_TOKENS), deep())),
        1 => (Just("quiz"), quiz_yaml().prop_map(cap).boxed()),
    ];
    (
        block,
        prop_oneof![Just(0usize), 0..100_000usize],
        lit(LANGS),
    )
        .prop_map(|((info, body), line, lang)| (info.to_string(), body, line, lang))
        .boxed()
}

#[rustfmt::skip]
const LANGS: &[&str] = &[
    "en", "en", "de", "fr", "de-CH", "en-IN", "ar", "fa", "hi", "zh", "ja", "", "x", "zz-ZZ-x",
    "EN", "de_DE", "\u{0}", "🦀", "en-US-u-nu-arab", "pt-BR", "ru", "sv", "it", "es", "nl", "pl",
];

// ---------------------------------------------------------------------------------------------
// The targets' entry points
// ---------------------------------------------------------------------------------------------

fn show(diags: &[crate::diag::Diagnostic]) {
    // The build prints every diagnostic: formatting them is part of the path.
    for d in diags {
        let _ = d.to_string();
    }
}

fn run_book_toml(text: &str) {
    let mut diags = Diagnostics::default();
    let _ = crate::config::parse(Path::new(env!("CARGO_MANIFEST_DIR")), text, &mut diags);
    show(&diags.sorted());
}

/// Pages full of mdBook directives (content::directives), expanded against a small book on
/// disk: included files, a file that includes itself, anchors, ranges, paths leading out.
#[rustfmt::skip]
const DIRECTIVE_TOKENS: &[&str] = &[
    "{{#include a.rs}}", "{{#include a.rs:2:3}}", "{{#include a.rs:2:}}", "{{#include a.rs::2}}",
    "{{#include a.rs:part}}", "{{#include a.rs:nope}}", "{{#include a.rs:99999999999999999999999}}",
    "{{#include b.md}}", "{{#include self.md}}", "{{#rustdoc_include a.rs:part}}",
    "{{#rustdoc_include a.rs:1}}", "{{#playground a.rs editable}}", "{{#playpen a.rs}}",
    "{{#title T}}", "{{#title}}", "\\{{#include a.rs}}", "{{#toc}}", "{{#", "}}", "{{", "#",
    "{{ #include a.rs }}", "{{#include\na.rs}}", "```\n", "~~~\n", "`", "\n", "  ", "- ",
    "{{#include ../../x}}", "{{#include /etc/hostname}}", "{{#include .}}", "{{#include a.rs::}}",
    "{{#include}}", "{{#include  }}", "{{#include a.rs:2:1}}", "ANCHOR: part", "é", "\r\n",
];

fn directive_inputs() -> S {
    soup(
        prop_oneof![4 => lit(DIRECTIVE_TOKENS), 1 => word(), 1 => nasty()].boxed(),
        40,
    )
}

fn directives_book() -> &'static Path {
    static BOOK: OnceLock<tempfile::TempDir> = OnceLock::new();
    BOOK.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let src = dir.path().join("src");
        std::fs::create_dir_all(&src).unwrap_or_else(|e| panic!("{e}"));
        for (name, text) in [
            (
                "a.rs",
                "fn a() {}\n// ANCHOR: part\nlet x = 1;\n// ANCHOR_END: part\n",
            ),
            ("b.md", "B {{#include a.rs:part}} and {{#include b.md}}\n"),
            ("self.md", "{{#include self.md}}{{#include self.md}}"),
        ] {
            std::fs::write(src.join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
        dir
    })
    .path()
}

fn run_directives(text: &str) {
    let book = directives_book();
    let jail = crate::confine::Jail::new(book);
    let page = book.join("src/page.md");
    let included = std::sync::atomic::AtomicUsize::new(0);
    let _ = crate::content::directives::expand(
        &jail,
        &page,
        Path::new("src/page.md"),
        text,
        3,
        &included,
    );
}

fn run_summary(text: &str) {
    let (entries, diags) = summary::parse(text, Path::new("content/SUMMARY.md"));
    show(&diags);
    let _ = format!("{entries:?}");
}

fn run_front_matter(text: &str) {
    let split = frontmatter::split(text);
    if let Some(yaml) = split.front {
        match frontmatter::parse(yaml, Path::new("content/a.md"), split.front_line) {
            Ok(front) => {
                let _ = format!("{front:?}");
            }
            Err(d) => show(&[d]),
        }
    }
    let _ = split.body.len() + split.body_line;
}

fn renderer() -> &'static crate::render::Renderer {
    static RENDERER: std::sync::OnceLock<crate::render::Renderer> = std::sync::OnceLock::new();
    RENDERER.get_or_init(crate::render::Renderer::english_default)
}

fn page_widgets(lang: &str) -> PageWidgets<'static> {
    PageWidgets {
        source: "content/01-foundations/02-lesson.md".into(),
        lang: lang.to_string(),
        store_prefix: "coursebook:/academy/:course:foundations/lesson.html".into(),
        renderer: renderer(),
        hidelines: {
            static NONE: std::collections::BTreeMap<String, String> =
                std::collections::BTreeMap::new();
            &NONE
        },
    }
}

fn run_quiz(input: &(String, usize)) {
    let (text, offset) = input;
    let mut out = Output::default();
    let widgets = page_widgets("en");
    // A quiz file (offset 0) or a ```quiz block further down a page.
    let html = widgets.quiz_html(
        text,
        Path::new("content/a.quiz.yaml"),
        *offset,
        "a",
        &mut out,
    );
    let _ = markdown::plain_text(&html);
    show(&out.diags);
}

/// An mdbook-quiz TOML file: questions of each type whose prompts, answers and contexts are
/// Markdown from the page grammar (indented and fenced code, lists, quotes, `` `[marks]` ``).
fn mdbook_quiz_inputs() -> S {
    let text = prop_oneof![
        3 => markdown_grammar(),
        2 => (code_body(), lit(&["", "`[", "]`", "`[x]`", "\t", "    ", "```", "- "]))
            .prop_map(|(b, extra)| format!("Say:\n\n{}\n{extra}", b.lines().map(|l| format!("    {l}\n")).collect::<String>())),
        1 => lit(&["", "`[`", "    `[a]`\n", "\t```\n", "- x\n\n      y\n", "> q\n>\n>     c\n"]),
    ]
    .boxed();
    // A TOML basic string: its control characters (DEL too, which JSON leaves) escaped.
    let quoted = text.prop_map(|t| {
        let mut out = String::from("\"");
        for c in t.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    });
    // Each type with the keys it needs, now and then one missing or of another type.
    let question = (
        0..4usize,
        quoted.clone(),
        quoted.clone(),
        quoted.clone(),
        quoted,
        lit(&["", "", "", "answer.answer = 3\n", "context = 1\n", "id = \"x\"\n"]),
    )
        .prop_map(|(kind, a, b, c, d, odd)| {
            let body = match kind {
                0 => format!("type = \"MultipleChoice\"\nprompt.prompt = {a}\nprompt.distractors = [{b}, {c}]\nanswer.answer = {d}\n"),
                1 => format!("type = \"MultipleChoice\"\nprompt.prompt = {a}\nprompt.distractors = [{b}]\nanswer.answer = [{c}, {d}]\n"),
                2 => format!("type = \"ShortAnswer\"\nprompt.prompt = {a}\nanswer.answer = {b}\ncontext = {c}\n"),
                _ => format!("type = \"Tracing\"\nprompt.program = {a}\nanswer.doesCompile = true\nanswer.stdout = {b}\ncontext = {d}\n"),
            };
            format!("[[questions]]\n{body}{odd}\n")
        });
    let grammar = vec(question, 0..6).prop_map(|qs| qs.concat());
    inputs(
        grammar.boxed(),
        mutated(
            |s| &s.mdbook_quiz,
            &[
                "`[",
                "]`",
                "    ",
                "\t",
                "```",
                "\n",
                "\"\"\"",
                "[[questions]]\n",
            ],
        ),
        lit(&[
            "[[questions]]\ntype = \"ShortAnswer\"\nprompt.prompt = \"\"\"\n    a\n\"\"\"\nanswer.answer = \"a\"\n",
        ]),
    )
}

/// An mdbook-quiz file made a coursebook quiz block, which is then read and drawn as a quiz.
fn run_mdbook_quiz(text: &str) {
    let Ok((block, _)) = crate::content::mdbook_quiz::to_quiz_block(text, "q") else {
        return;
    };
    // The block is a fenced quiz: its inside is the quiz.
    let inside: String = block
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut out = Output::default();
    let html = page_widgets("en").quiz_html(&inside, Path::new("src/a.md"), 3, "a", &mut out);
    let _ = markdown::plain_text(&html);
    show(&out.diags);
}

/// The mention matcher for a glossary, as the build makes it.
fn matcher(g: &glossary::Glossary, all: bool) -> Matcher {
    crate::site::pages::matcher(g, all)
}

fn run_glossary(input: &(String, String)) {
    let (yaml, prose) = input;
    let (g, diags) = glossary::parse(yaml, Path::new("content/glossary.yaml"));
    show(&diags);
    for e in &g.entries {
        let _ = glossary::sort_key(&e.term);
        for s in &e.see {
            let _ = g.find(s);
        }
    }
    for word in prose.split_whitespace().take(200) {
        let _ = g.find(word);
    }
    // One matcher, as a build makes: `link-terms = "all"` for odd-length prose, else "first".
    let m = matcher(&g, prose.len() % 2 == 1);
    let out = render_page(prose, "en", Some(&m));
    let _ = markdown::plain_text(&out.html);
}

fn run_widget(input: &(String, String, usize, String)) {
    let (info, body, body_line, lang) = input;
    let mut out = Output::default();
    page_widgets(lang).render(info, body, *body_line, &mut out);
    let _ = markdown::plain_text(&out.html);
    show(&out.diags);
}

fn link_table() -> &'static LinkTable {
    static LINKS: OnceLock<LinkTable> = OnceLock::new();
    LINKS.get_or_init(|| {
        let mut links = LinkTable::default();
        for (src, url) in [
            ("index.md", "index.html"),
            ("a.md", "a.html"),
            ("01-foundations/index.md", "foundations/index.html"),
            (
                "01-foundations/01-what-is-a-model.md",
                "foundations/what-is-a-model.html",
            ),
            ("01-foundations/02-lesson.md", "foundations/lesson.html"),
        ] {
            links.pages.insert(src.into(), url.into());
        }
        links.assets.insert("img/a.png".into(), "img/a.png".into());
        links
    })
}

/// The course's own glossary and `coursebook init`'s, as one matcher.
fn seed_matcher() -> &'static Matcher {
    static MATCHER: OnceLock<Matcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        let text = seeds().glossary.join("\n");
        let (g, _) = glossary::parse(&text, Path::new("glossary.yaml"));
        matcher(&g, false)
    })
}

/// A page's Markdown through the whole pass, as `site::pages::render_page` does.
fn render_page(body: &str, lang: &str, mentions: Option<&Matcher>) -> Output {
    let widgets = page_widgets(lang);
    let ctx = PageContext {
        hidelines: &std::collections::BTreeMap::new(),
        origins: None,
        source: Path::new("content/01-foundations/02-lesson.md"),
        src_rel: Path::new("01-foundations/02-lesson.md"),
        url: "foundations/lesson.html",
        line_offset: 0,
        links: link_table(),
        widgets: &widgets,
        strings: renderer().strings(),
        mentions,
        // As for a page whose title is its first heading: the title pass runs too.
        title: Some("Title"),
        own_heading: false,
        math: markdown::MathRules::COURSE,
        later: None,
    };
    markdown::render(body, &ctx)
}

fn run_markdown(input: &(String, String)) {
    let (text, lang) = input;
    // As a file is read: front matter split off and parsed, then the body rendered.
    let split = frontmatter::split(text);
    if let Some(yaml) = split.front {
        let _ = frontmatter::parse(yaml, Path::new("content/a.md"), split.front_line);
    }
    let widgets = page_widgets(lang);
    let ctx = PageContext {
        hidelines: &std::collections::BTreeMap::new(),
        origins: None,
        source: Path::new("content/01-foundations/02-lesson.md"),
        src_rel: Path::new("01-foundations/02-lesson.md"),
        url: "foundations/lesson.html",
        line_offset: split.body_line,
        links: link_table(),
        widgets: &widgets,
        strings: renderer().strings(),
        mentions: Some(seed_matcher()),
        title: None,
        own_heading: true,
        // MathJax's delimiters too, so their pass is fuzzed with the rest.
        math: markdown::MathRules {
            mathjax: true,
            ..markdown::MathRules::COURSE
        },
        later: None,
    };
    let out = markdown::render(split.body, &ctx);
    let _ = markdown::plain_text(&out.html);
    show(&out.diags);
}

/// A code block for the highlighter: a few mixed lines, or one line many times (the worst
/// line's cost times the most lines a 64 KiB page holds), in any grammar.
fn highlight_inputs() -> BoxedStrategy<(String, String)> {
    let code = prop_oneof![
        3 => lines(code_line(80), 24),
        2 => (code_line(60), 1..2000usize).prop_map(|(l, n)| cap(format!("{l}\n").repeat(n))),
        1 => (code_line(400), 1..200usize).prop_map(|(l, n)| cap(format!("{l}\n").repeat(n))),
        1 => mutated(|s| &s.markdown, CODE_CHARS),
        1 => any_text(2000),
    ];
    (
        code,
        prop_oneof![4 => lit(SYNTAX_TOKENS), 1 => lit(CODE_INFO)],
    )
        .boxed()
}

fn run_highlight(input: &(String, String)) {
    let (code, lang) = input;
    let _ = markdown::highlight::highlight(code, lang);
}

// ---------------------------------------------------------------------------------------------
// quiz-wasm: the grader and the widget maths
// ---------------------------------------------------------------------------------------------

fn index() -> BoxedStrategy<usize> {
    prop_oneof![6 => 0..12usize, 1 => Just(usize::MAX), 1 => 0..20_000usize, 1 => any::<usize>()]
        .boxed()
}

fn float() -> BoxedStrategy<f64> {
    prop_oneof![
        3 => -1e6..1e6f64,
        2 => any::<f64>(),
        1 => select(&[0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324, 1e-9, 0.1, 0.3][..]),
    ]
    .boxed()
}

fn key() -> BoxedStrategy<quiz_wasm::Key> {
    use quiz_wasm::{Key, Tolerance};
    let tolerance = prop_oneof![
        float().prop_map(Tolerance::Absolute),
        float().prop_map(Tolerance::Percent),
    ];
    let text = prop_oneof![4 => inline(), 1 => nasty(), 1 => any_text(12), 1 => lit(&["%", "|", "%7C", "%25", "%2", "a|b", " ", ""])];
    prop_oneof![
        index().prop_map(|correct| Key::Single { correct }),
        (vec(index(), 0..8), index())
            .prop_map(|(correct, choices)| Key::Multiple { correct, choices }),
        (vec(index(), 0..8), index())
            .prop_map(|(correct, choices)| Key::AllOf { correct, choices }),
        any::<bool>().prop_map(|answer| Key::TrueFalse { answer }),
        (float(), tolerance).prop_map(|(answer, tolerance)| Key::Numeric { answer, tolerance }),
        vec(text, 0..4).prop_map(|answers| Key::Text { answers }),
        index().prop_map(|items| Key::Order { items }),
        proptest::option::of(prop_oneof![inline(), any_text(40)])
            .prop_map(|output| Key::Tracing { output }),
    ]
    .boxed()
}

fn response() -> BoxedStrategy<quiz_wasm::Response> {
    use quiz_wasm::Response;
    prop_oneof![
        index().prop_map(Response::Choice),
        vec(index(), 0..12).prop_map(Response::Choices),
        any::<bool>().prop_map(Response::Bool),
        float().prop_map(Response::Number),
        prop_oneof![inline(), any_text(40)].prop_map(Response::Text),
        prop_oneof![
            3 => vec(index(), 0..12),
            1 => (0..10_000usize).prop_map(|n| (0..n).rev().collect()),
        ]
        .prop_map(Response::Order),
        proptest::option::of(prop_oneof![inline(), any_text(40)]).prop_map(Response::Tracing),
    ]
    .boxed()
}

#[rustfmt::skip]
const GRADE_TOKENS: &[&str] = &[
    "single:", "multiple:", "all-of:", "true-false:", "numeric:", "text:", "order:", "tracing:",
    "yes:", "no",
    "0", "1", "9", ",", ":",
    "%", "|", "%7C", "%25", "%", "%2", "-", "+", ".", "e", "E", "inf", "NaN", "true", "false", " ",
    "18446744073709551616", "10000", "10001", "1e308", "1e309", "0x1", "١",
];

#[derive(Clone, Debug)]
enum GraderCase {
    Encoded(String, String),
    Structured(quiz_wasm::Key, quiz_wasm::Response),
    Conceal(String, String, String),
}

fn grader_inputs() -> BoxedStrategy<GraderCase> {
    let encoded = || {
        prop_oneof![4 => soup(lit(GRADE_TOKENS), 24), 1 => any_text(40), 1 => repeated(lit(GRADE_TOKENS), 20_000)].boxed()
    };
    prop_oneof![
        3 => (encoded(), encoded()).prop_map(|(k, r)| GraderCase::Encoded(k, r)),
        3 => (key(), response()).prop_map(|(k, r)| GraderCase::Structured(k, r)),
        1 => (prop_oneof![inline(), any_text(200)], any_text(20), prop_oneof![any_text(200), "[A-Za-z0-9+/=]{0,200}"])
            .prop_map(|(p, s, b)| GraderCase::Conceal(p, s, b)),
    ]
    .boxed()
}

fn check_grade(g: quiz_wasm::Grade) {
    assert!((0.0..=1.0).contains(&g.score), "score out of range: {g:?}");
    assert_eq!(g.correct, g.score == 1.0, "{g:?}");
}

fn run_grader(case: &GraderCase) {
    use quiz_wasm::{Key, Response, answer_key_response, grade};
    match case {
        GraderCase::Encoded(key, response) => {
            if let Ok(g) = quiz_wasm::grade_encoded(key, response) {
                check_grade(g);
            }
            // The page's one call: whatever the key and response, JSON the script can read.
            let checked = quiz_wasm::js::check(key, response, response, "fr");
            assert!(
                serde_json::from_str::<serde_json::Value>(&checked).is_ok(),
                "{checked}"
            );
            if let Ok(k) = Key::decode(key) {
                let _ = answer_key_response(&k);
            }
        }
        GraderCase::Structured(key, response) => {
            check_grade(grade(key, response));
            let _ = key.validate();
            let _ = response.encode();
            if key.validate().is_ok() {
                // The build's check: a valid key grades its own answer as correct, and survives
                // its trip into the page.
                let own = answer_key_response(key);
                assert!(grade(key, &own).correct, "{key:?} does not accept {own:?}");
                let decoded = Key::decode(&key.encode());
                assert_eq!(decoded.as_ref(), Ok(key), "encoded as {:?}", key.encode());
                if let Ok(r) = Response::decode(key, &response.encode()) {
                    check_grade(grade(key, &r));
                }
            }
        }
        GraderCase::Conceal(plain, salt, blob) => {
            let _ = quiz_wasm::reveal(blob, salt);
            let _ = quiz_wasm::js::check(blob, salt, plain, "en");
            let hidden = quiz_wasm::conceal(plain, salt);
            assert_eq!(
                quiz_wasm::reveal(&hidden, salt).as_deref(),
                Some(plain.as_str())
            );
        }
    }
}

#[derive(Clone, Debug)]
struct MathsCase {
    text: String,
    lang: String,
    x: f64,
    w: f64,
    b: f64,
    xs: Vec<f64>,
    ys: Vec<f64>,
    steps: u32,
    rate: f64,
}

fn maths_inputs() -> BoxedStrategy<MathsCase> {
    (
        prop_oneof![
            soup(lit(NUMBERS), 4),
            soup(lit(GRADE_TOKENS), 8),
            any_text(30),
            repeated(lit(&["9", "0", ",", "."]), 20_000)
        ],
        lit(LANGS),
        (float(), float(), float()),
        vec(float(), 0..40),
        vec(float(), 0..40),
        prop_oneof![0..30u32, 0..1001u32],
        float(),
    )
        .prop_map(|(text, lang, (x, w, b), xs, ys, steps, rate)| MathsCase {
            text,
            lang,
            x,
            w,
            b,
            xs,
            ys,
            steps,
            rate,
        })
        .boxed()
}

fn run_maths(c: &MathsCase) {
    let _ = quiz_wasm::check_input(&c.text, false);
    let _ = quiz_wasm::check_input(&c.text, true);
    let _ = quiz_wasm::js::check_input_js(&c.text, true);
    for v in [c.x, c.w, c.b] {
        let _ = quiz_wasm::format_number(v, &c.lang);
    }
    let _ = quiz_wasm::predict(c.w, c.x, c.b);
    let _ = quiz_wasm::mse(c.w, c.b, &c.xs, &c.ys);
    let _ = quiz_wasm::gradients(c.w, c.b, &c.xs, &c.ys);
    let _ = quiz_wasm::least_squares(&c.xs, &c.ys);
    let mut fit = quiz_wasm::Fit::new(&c.xs, &c.ys, c.w, c.b);
    fit.step(c.rate);
    fit.steps(c.steps, c.rate);
    let _ = (
        fit.loss(),
        fit.w(),
        fit.b(),
        fit.iterations(),
        fit.diverged(),
    );
    fit.reset();
}

// ---------------------------------------------------------------------------------------------
// A whole build of a small course
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Course {
    book: String,
    summary: Option<String>,
    pages: Vec<String>,
    quiz: String,
    glossary: String,
}

fn course_inputs() -> BoxedStrategy<Course> {
    let book = prop_oneof![
        3 => Just("[book]\ntitle = \"Fuzz\"\n".to_string()),
        1 => lit(&["[book]\ntitle = \"Fuzz\"\n[course]\nlink-terms = \"all\"\n", "[book]\ntitle = \"F\"\nlanguage = \"de\"\n[output.html]\nsite-url = \"https://x.org/a/\"\n"]),
        1 => mutated(|s| &s.toml, TOML_TOKENS),
    ];
    let page = prop_oneof![
        2 => markdown_grammar().prop_map(cap),
        2 => mutated(|s| &s.markdown, LATEX),
    ];
    (
        book,
        opt(summary_grammar()
            .prop_map(|s| format!("# Summary\n\n[Home](index.md)\n- [A](a.md)\n{s}"))
            .boxed())
        .prop_map(|s| (!s.is_empty()).then_some(s)),
        vec(page, 1..4),
        prop_oneof![quiz_yaml(), mutated(|s| &s.quiz, QUIZ_TOKENS)],
        prop_oneof![glossary_yaml(), mutated(|s| &s.glossary, GLOSSARY_TOKENS)],
    )
        .prop_map(|(book, summary, pages, quiz, glossary)| Course {
            book,
            summary,
            pages,
            quiz,
            glossary,
        })
        .boxed()
}

fn run_build(c: &Course) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("a folder");
        std::fs::write(p, text).expect("a file");
    };
    // `raw-html` and mdbook-katex's `macros` are switches of the whole process
    // (markdown/raw_html.rs, markdown/math.rs: a process builds one course at a time), and this
    // build runs beside the other unit tests: a case from a seed saying `raw-html = false`
    // turned raw HTML into text in the Markdown tests running at the same moment. The keys are
    // renamed here (unknown keys, warnings); config::parse's fuzz test still reads them, and
    // tests/hostile.rs builds with them.
    let book = c.book.replace("raw-html", "raw-html-in-fuzz");
    write("book.toml", &book.replace("macros", "macros-in-fuzz"));
    write("content/glossary.yaml", &c.glossary);
    if let Some(s) = &c.summary {
        write("content/SUMMARY.md", s);
    }
    let names = ["index.md", "a.md", "01-foundations/02-lesson.md"];
    for (name, text) in names.iter().zip(&c.pages) {
        write(&format!("content/{name}"), text);
    }
    write("content/a.quiz.yaml", &c.quiz);
    let mut diags = Diagnostics::default();
    let _ = crate::site::build(root, None, crate::site::Mode::Check, &mut diags);
    show(&diags.sorted());
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(cases()))]

    #[test]
    fn fuzz_book_toml(text in book_toml()) {
        check(&text, |t: &String| run_book_toml(t))?;
    }

    #[test]
    fn fuzz_directives(text in directive_inputs()) {
        check(&text, |t: &String| run_directives(t))?;
    }

    #[test]
    fn fuzz_summary(text in summary_grammar()) {
        check(&text, |t: &String| run_summary(t))?;
    }

    #[test]
    fn fuzz_front_matter(text in front_matter()) {
        check(&text, |t: &String| run_front_matter(t))?;
    }

    #[test]
    fn fuzz_quiz(input in (quiz_inputs(), prop_oneof![Just(0usize), 0..10_000usize])) {
        check(&input, run_quiz)?;
    }

    #[test]
    fn fuzz_mdbook_quiz(text in mdbook_quiz_inputs()) {
        check(&text, |t: &String| run_mdbook_quiz(t))?;
    }

    #[test]
    fn fuzz_glossary(input in glossary_inputs()) {
        check(&input, run_glossary)?;
    }

    #[test]
    fn fuzz_widgets(input in widget_inputs()) {
        check(&input, run_widget)?;
    }

    #[test]
    fn fuzz_markdown(input in (inputs(markdown_grammar(), mutated(|s| &s.markdown, LATEX), markdown_deep()), lit(LANGS))) {
        check(&input, run_markdown)?;
    }

    #[test]
    fn fuzz_highlight(input in highlight_inputs()) {
        check(&input, run_highlight)?;
    }

    #[test]
    fn fuzz_grader(case in grader_inputs()) {
        check(&case, run_grader)?;
    }

    #[test]
    fn fuzz_widget_maths(case in maths_inputs()) {
        check(&case, run_maths)?;
    }
}

proptest! {
    // Each case is a whole build (templates, every page, the anchor check): fewer of them.
    #![proptest_config(config((cases() / 8).max(8)))]

    #[test]
    fn fuzz_build(course in course_inputs()) {
        // The build renders pages on rayon's pool: give it the build's stacks, as main does.
        let _ = rayon::ThreadPoolBuilder::new().stack_size(crate::STACK).build_global();
        check(&course, run_build)?;
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_case_that_takes_too_much_memory_fails() {
    fn greedy(_: &()) {
        // Touched, so resident: 600 MB, over the 500 MB bound.
        let v = vec![1u8; 600 << 20];
        std::hint::black_box(&v);
    }
    fn frugal(_: &()) {
        let v = vec![1u8; 10 << 20];
        std::hint::black_box(&v);
    }
    if !reset_peak() {
        // A sandbox that hides /proc/self/clear_refs: the bound cannot be checked there.
        eprintln!("skipped: /proc/self/clear_refs cannot be written here");
        return;
    }
    let err = check_with(&(), greedy, true).expect_err("600 MB passed");
    assert!(err.to_string().contains("MB of memory"), "{err}");
    assert!(check_with(&(), frugal, true).is_ok());
}

#[test]
fn seeds_are_found() {
    let s = seeds();
    for (name, list) in [
        ("toml", &s.toml),
        ("summary", &s.summary),
        ("markdown", &s.markdown),
        ("quiz", &s.quiz),
        ("glossary", &s.glossary),
        ("widget", &s.widget),
    ] {
        assert!(list.len() > 1, "no {name} seeds found");
    }
    assert!(s.widget.iter().any(|w| w.contains("learning-rate")));
}

/// Inputs the long runs found slow, kept whole: each must pass the fuzz targets' own limits.
#[test]
#[allow(clippy::panic, reason = "a test reports failure by panicking")]
fn found_inputs_stay_fast() {
    // A Bash block whose 2.5 KB line backtracked in the grammar's regexes for 4.5 s, before
    // highlight.rs limited Oniguruma's search.
    let slow = include_str!("../tests/fixtures/fuzz-slow-markdown.md");
    if let Err(e) = check(&(slow.to_string(), "de".to_string()), run_markdown) {
        panic!("tests/fixtures/fuzz-slow-markdown.md: {e}");
    }
}
