//! Build-time code highlighting: the only syntect user. Output carries CSS classes (`hl-…`) so
//! the theme styles light and dark; the syntax set loads once per process.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        limit_backtracking();
        SyntaxSet::load_defaults_newlines()
    })
}

/// How many backtracking steps one regex search of a grammar may take. Oniguruma's default is
/// unlimited per search (10 million per start position), so a grammar's pattern meeting
/// hostile text backtracks for seconds: a 2.5 KB Bash line after an unclosed string took 4.5 s
/// (`tests/fixtures/fuzz-slow-markdown.md`, found by `fuzz_markdown`). A search over the
/// limit fails and syntect treats it as no match: that token keeps its context's colour, and
/// the block's text is untouched. Real code needs a tiny fraction of this: the example course,
/// Rust by Example and the Rust Book highlight byte for byte as without the limit.
const RETRY_LIMIT: std::ffi::c_ulong = 100_000;

/// Sets [`RETRY_LIMIT`] for every search made after it (the setting is process-wide and read
/// when each search starts, so it is set before the first grammar is loaded).
#[allow(
    unsafe_code,
    reason = "the only way to set Oniguruma's search limit (a C global)"
)]
fn limit_backtracking() {
    // SAFETY: both functions only store an integer in a global that Oniguruma reads when a
    // search begins; this runs once, inside the OnceLock, before any search of ours.
    unsafe {
        onig_sys::onig_set_retry_limit_in_search(RETRY_LIMIT);
        onig_sys::onig_set_retry_limit_in_match(RETRY_LIMIT);
    }
}

/// Common names authors write that the default syntax set knows by another token.
fn alias(lang: &str) -> &str {
    match lang {
        "sh" | "shell" | "zsh" | "console" => "bash",
        "py" | "python3" => "python",
        "js" | "javascript" | "mjs" => "js",
        "yml" => "yaml",
        "rs" => "rust",
        "c++" | "cxx" => "cpp",
        other => other,
    }
}

/// Grammars of syntect's default set that stall on some short lines; their blocks are shown as
/// plain text (found by the fuzz tests, `fuzz_markdown` and `fuzz_highlight` in src/fuzz.rs):
/// Scala never returns on a line as short as `a:b@-` (an endless loop between contexts that
/// consume nothing, which syntect 5.3's loop guard does not catch). Makefile, Markdown and C#
/// were here too, for regexes that backtracked for seconds on lines of punctuation, until
/// [`RETRY_LIMIT`] bounded every search.
///
/// Names as syntect's default syntax set spells them.
const UNSAFE_GRAMMARS: &[&str] = &["Scala"];

/// How much of one block is highlighted; the rest is plain text. syntect's context stack grows
/// with unclosed constructs and its work per token with that stack, so a block's cost can grow
/// with its size squared: 56 KB of `?` lines in a ```` ```js ```` block took 6.3 s (found by
/// `fuzz_highlight` in src/fuzz.rs), its first 8 KiB 0.2 s. Listings longer than this are rare.
const MAX_HIGHLIGHTED: usize = 8 * 1024;

/// Names a block is given to be shown as plain text on purpose (no grammar is wanted), and
/// real languages syntect has no grammar for: their blocks are code all the same, shown plain.
const PLAIN: &[&str] = &[
    "text",
    "txt",
    "plain",
    "plaintext",
    "console",
    "output",
    "none",
    "nohighlight",
    "ignore",
    "shell-session",
    "log",
    "raw",
    "verbatim",
    "toml",
    "handlebars",
    "hbs",
    "powershell",
    "ps1",
    "x86asm",
    "asm",
    "nasm",
    "wasm",
    "wat",
    "dockerfile",
    "nix",
    "zig",
    "kotlin",
    "swift",
    "elixir",
    "dart",
    "graphql",
    "protobuf",
    "proto",
    "vue",
    "svelte",
    "ini",
    "cmake",
    "gitignore",
    "diff",
    "patch",
    "csv",
    "tsv",
    "hcl",
    "terraform",
    "solidity",
    "wgsl",
    "glsl",
    "hlsl",
];

/// Whether a block in `lang` is highlighted or meant as plain text: otherwise it was meant for
/// something that is not here (a preprocessor's block, a language syntect lacks).
pub fn knows(lang: &str) -> bool {
    let lang = alias(lang.trim().to_ascii_lowercase().as_str()).to_string();
    lang.is_empty()
        || PLAIN.contains(&lang.as_str())
        || syntaxes().find_syntax_by_token(&lang).is_some()
}

/// Highlight `code` as `lang`. Returns the inner HTML of `<code>`, and whether a grammar was found.
pub fn highlight(code: &str, lang: &str) -> (String, bool) {
    let Some(syntax) = syntax_of(lang) else {
        return (escape(code), false);
    };
    // The persistent cache of highlighted blocks (block_cache.rs): a block highlighted by an
    // earlier build is not highlighted again. A block that ran out of time is not kept, so
    // that the next build tries, and warns, again.
    let cache = super::block_cache::current();
    if let Some(hit) = cache.as_ref().and_then(|c| c.get(&syntax.name, code)) {
        return hit;
    }
    let out = highlight_with(code, syntax);
    if let Some(cache) = cache
        && !RAN_OUT.with(std::cell::Cell::get)
    {
        cache.put(&syntax.name, code, &out.0, out.1);
    }
    out
}

/// [`highlight`] without the cache.
fn highlight_with(code: &str, syntax: &'static SyntaxReference) -> (String, bool) {
    if !GUARDED_GRAMMARS.contains(&syntax.name.as_str()) {
        return highlight_now(code, syntax);
    }
    let pool = pool();
    if pool.stuck.load(Ordering::Relaxed) >= MAX_STUCK {
        RAN_OUT.with(|r| r.set(true));
        return (escape(code), false);
    }
    let (reply, answer) = mpsc::sync_channel(1);
    if pool.jobs.send((code.to_string(), syntax, reply)).is_err() {
        return highlight_now(code, syntax);
    }
    match answer.recv_timeout(DEADLINE) {
        Ok(done) => done,
        Err(e) => {
            // The worker is stuck in syntect (or died): leave it, put another in its place.
            if matches!(e, mpsc::RecvTimeoutError::Timeout) {
                pool.stuck.fetch_add(1, Ordering::Relaxed);
            }
            spawn_worker(Arc::clone(&pool.queue));
            RAN_OUT.with(|r| r.set(true));
            (escape(code), false)
        }
    }
}

/// The grammar a block's language names, unless coursebook leaves it plain.
fn syntax_of(lang: &str) -> Option<&'static SyntaxReference> {
    let lang = alias(lang.trim().to_ascii_lowercase().as_str()).to_string();
    (!lang.is_empty())
        .then(|| syntaxes().find_syntax_by_token(&lang))
        .flatten()
        .filter(|syntax| !UNSAFE_GRAMMARS.contains(&syntax.name.as_str()))
}

/// Grammars whose blocks are highlighted on a worker thread under [`DEADLINE`]: syntect's
/// parser has looped forever on JavaScript (see [`DEADLINE`]). Only these, because handing
/// every block to a worker cost the 1,000-lesson benchmark 23 % of its Markdown step.
const GUARDED_GRAMMARS: &[&str] = &["JavaScript"];

/// How long highlighting one block may take. A block is at most [`MAX_HIGHLIGHTED`] bytes
/// highlighted, a few milliseconds; syntect can loop forever on some text (a JavaScript block
/// found by `fuzz_highlight` never came back: its parser, not a regex, spins), and a thread
/// cannot be stopped, so blocks are highlighted on worker threads and waited for this long.
const DEADLINE: std::time::Duration = std::time::Duration::from_millis(1500);
/// After this many stuck blocks (each leaves a worker spinning until the process ends),
/// nothing more is highlighted by this process.
const MAX_STUCK: usize = 3;

thread_local! {
    /// Whether a block on this thread ran out of time since [`take_ran_out`] was last called.
    static RAN_OUT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether highlighting a block on this thread ran out of time (or failed) since last asked:
/// the caller says so at the block's line.
pub fn take_ran_out() -> bool {
    RAN_OUT.with(|r| r.replace(false))
}

type Job = (
    String,
    &'static SyntaxReference,
    mpsc::SyncSender<(String, bool)>,
);

struct Pool {
    jobs: mpsc::Sender<Job>,
    queue: Arc<Mutex<mpsc::Receiver<Job>>>,
    stuck: AtomicUsize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 16));
        for _ in 0..workers {
            spawn_worker(Arc::clone(&queue));
        }
        Pool {
            jobs,
            queue,
            stuck: AtomicUsize::new(0),
        }
    })
}

fn spawn_worker(queue: Arc<Mutex<mpsc::Receiver<Job>>>) {
    let _ = std::thread::Builder::new()
        .name("highlight".into())
        .stack_size(crate::STACK)
        .spawn(move || {
            loop {
                // The lock is held only while waiting for a job, never while highlighting.
                let job = match queue.lock() {
                    Ok(q) => q.recv(),
                    Err(_) => return,
                };
                let Ok((code, syntax, reply)) = job else {
                    return;
                };
                let _ = reply.send(highlight_now(&code, syntax));
            }
        });
}

/// Highlight with `syntax` on this thread (see [`highlight`]).
fn highlight_now(code: &str, syntax: &SyntaxReference) -> (String, bool) {
    let set = syntaxes();
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
    let mut done = 0;
    for line in LinesWithEndings::from(code) {
        if done + line.len() > MAX_HIGHLIGHTED {
            // The rest of a long block is plain text (see MAX_HIGHLIGHTED).
            let mut html = generator.finalize();
            html.push_str(&escape(&code[done..]));
            return (html, true);
        }
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return (escape(code), false);
        }
        done += line.len();
    }
    (generator.finalize(), true)
}

pub fn escape(text: &str) -> String {
    pulldown_cmark_escape_html(text)
}

fn pulldown_cmark_escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The stylesheet for highlighted code: a light theme, and a dark one that applies when the
/// system asks for dark (unless the reader chose light) or the reader chose dark.
pub fn stylesheet() -> String {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(make_stylesheet).clone()
}

fn make_stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let light = themes
        .themes
        .get("InspiredGitHub")
        .and_then(|t| css_for_theme_with_class_style(t, STYLE).ok())
        .unwrap_or_default();
    let dark = themes
        .themes
        .get("base16-ocean.dark")
        .and_then(|t| css_for_theme_with_class_style(t, STYLE).ok())
        .unwrap_or_default();
    let mut out = String::from(
        "/* Generated by coursebook from syntect's InspiredGitHub and base16-ocean.dark. */\n",
    );
    out.push_str(&readable(&strip_backgrounds(&light), LIGHT_BG, false));
    out.push_str("\n@media (prefers-color-scheme: dark) {\n");
    let dark = readable(&dark, DARK_BG, true);
    out.push_str(&scoped(&dark, ":root:not([data-theme=light])"));
    out.push_str("}\n");
    out.push_str(&scoped(&dark, ":root[data-theme=dark]"));
    out
}

/// The code block backgrounds of book.css (`--code-bg`), light and dark.
const LIGHT_BG: (f64, f64, f64) = (245.0, 247.0, 250.0);
const DARK_BG: (f64, f64, f64) = (28.0, 34.0, 44.0);

fn luminance((r, g, b): (f64, f64, f64)) -> f64 {
    let channel = |c: f64| {
        let c = c / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

fn contrast(a: (f64, f64, f64), b: (f64, f64, f64)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Theme colours that fall short of WCAG AA (4.5:1) on our code background are mixed towards
/// white (dark mode) or black (light mode) until they pass, so every token stays readable.
fn readable(css: &str, bg: (f64, f64, f64), lighten: bool) -> String {
    let mut out = String::with_capacity(css.len());
    for line in css.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let hex = trimmed
            .strip_prefix("color: #")
            .and_then(|r| r.get(..6))
            .filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
        let Some(hex) = hex else {
            out.push_str(line);
            continue;
        };
        let parse = |i: usize| f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0));
        let mut rgb = (parse(0), parse(2), parse(4));
        let target = if lighten { 255.0 } else { 0.0 };
        let mut steps = 0;
        while contrast(rgb, bg) < 4.6 && steps < 40 {
            rgb = (
                rgb.0 + (target - rgb.0) * 0.1,
                rgb.1 + (target - rgb.1) * 0.1,
                rgb.2 + (target - rgb.2) * 0.1,
            );
            steps += 1;
        }
        out.push_str(&format!(
            " color: #{:02x}{:02x}{:02x};\n",
            rgb.0.round() as u8,
            rgb.1.round() as u8,
            rgb.2.round() as u8
        ));
    }
    out
}

/// The page's own colours decide the code block background; the themes only colour tokens.
fn strip_backgrounds(css: &str) -> String {
    css.lines()
        .filter(|l| !l.trim_start().starts_with("background-color"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prefix every selector of a flat stylesheet with `scope`.
fn scoped(css: &str, scope: &str) -> String {
    let css = strip_backgrounds(css);
    let mut out = String::new();
    for block in css.split('}') {
        let Some((selectors, body)) = block.split_once('{') else {
            continue;
        };
        let selectors = strip_comments(selectors);
        let scoped: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("{scope} {s}"))
            .collect();
        if scoped.is_empty() {
            continue;
        }
        out.push_str(&scoped.join(", "));
        out.push_str(" {");
        out.push_str(body);
        out.push_str("}\n");
    }
    out
}

fn strip_comments(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_gets_classes_unknown_is_escaped() {
        let (html, found) = highlight("fn main() {}\n", "rust");
        assert!(found);
        assert!(html.contains("hl-"), "{html}");
        let (html, found) = highlight("<b>\n", "no-such-lang");
        assert!(!found);
        assert_eq!(html, "&lt;b&gt;\n");
    }

    #[test]
    #[allow(clippy::panic, reason = "a test reports failure by panicking")]
    fn stalling_grammars_are_plain_text_and_backtracking_is_bounded() {
        // Found by fuzz_markdown and fuzz_highlight: Scala never returned on `x:if@-`, the
        // Makefile grammar took 14 s on the second line, Markdown 65 ms and C# 200 ms on each
        // line like the third and fourth (minutes for a lesson of them). Scala stays plain;
        // the others are highlighted since RETRY_LIMIT bounds each search.
        let makefile = "\"0x1F'''?~%\"\"\"r#\"/**&*def(*}*/|#end #*/(*?>\\end{y}if/@{::${{-]a b/*.\\\"|.`*<<%{begin\"\"\"^--><!--::?>#\t@{*/=>-%>=>.end*)-->.";
        let markdown = "%@{?\\\\>$$!".repeat(8);
        let csharp = "|(begin<!--${[T](a.md \"title\")?def\\\\{-.(**{<%1e5<!--*)--$(.%>*\\end{y}=$$<?$$\"<<{-$$<_=>)#@{}@{%>if.::=>{-\\\"%><!--\\+*)\\\\|>/-->def\\n\t\\\"\\\\\\end{y}";
        let many = |line: &str| format!("{line}\n").repeat(100);
        let cases = [
            ("x:if@-".to_string(), "scala", false),
            (many(makefile), "makefile", true),
            (many(makefile), "Makefile", true),
            (many(makefile), "mk", true),
            (many(&markdown), "md", true),
            (many(&markdown), "markdown", true),
            (many(csharp), "cs", true),
        ];
        let count = cases.len();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for (code, lang, wanted) in cases {
                let (html, found) = highlight(&code, lang);
                let ok = found == wanted && crate::markdown::plain_text(&html) == code;
                let _ = tx.send((lang, ok));
            }
        });
        for _ in 0..count {
            // A regression hangs (Scala) or takes seconds: fail instead of waiting.
            let (lang, ok) = rx
                .recv_timeout(std::time::Duration::from_secs(2))
                .unwrap_or_else(|_| panic!("highlighting did not finish in 2 s"));
            assert!(
                ok,
                "{lang}: highlighted when it should not be, or the reverse, or text lost"
            );
        }
    }

    #[test]
    fn long_blocks_are_highlighted_up_to_a_budget() {
        // Found by fuzz_highlight: every `?` left a JavaScript context open, and 56 KB of
        // `?????????????` lines took 6.3 s, growing with the size squared.
        let code = "?????????????\n".repeat(4000);
        let started = std::time::Instant::now();
        let (html, found) = highlight(&code, "js");
        let took = started.elapsed();
        // Seconds without the budget; generous for a busy machine.
        assert!(took.as_secs() < 5, "{took:?}");
        assert!(found);
        assert!(html.starts_with("<span class=\"hl-"), "{}", &html[..80]);
        // The tail after the budget is escaped text, and nothing is lost.
        assert!(html.ends_with(&"?????????????\n".repeat(100)));
        assert_eq!(crate::markdown::plain_text(&html), code);
        let (short, _) = highlight("let x = 1;\n", "js");
        assert!(short.contains("hl-"));
    }

    #[test]
    fn dark_rules_are_scoped() {
        let css = stylesheet();
        assert!(css.contains(":root[data-theme=dark] .hl-"));
    }
}
