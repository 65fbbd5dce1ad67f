//! Build-time code highlighting: the only syntaxmate user. syntaxmate tokenizes with TextMate
//! grammars (the ones VS Code uses, in pure Rust); scope_spans.rs writes the tokens as spans
//! with CSS classes (`hl-…`) so the theme styles light and dark. The grammars are prepared once
//! per process, each when a block first needs it, and each language's blocks go to one
//! tokenizer whenever they can (`Engine`), which keeps the lines it has seen.
//!
//! Chosen over syntect by measurement (issue #17; README "Highlighting"; tests/bench/highlighters):
//! 2.7× faster on real books' code and 8–10× on the benchmark course, one thread.

use super::scope_spans;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use syntaxmate::{Catalog, Highlighter, HighlighterOptions, TokenizerOptions};

/// syntaxmate's catalog of grammars, and the process's highlighters over it.
///
/// A tokenizer keeps the lines it tokenized (`line_cache_entries`), and a course repeats its
/// lines: a line another tokenizer saw is tokenized again. Each language's blocks therefore go
/// to one tokenizer, `first`'s, whenever no other thread is using it, and to `others` only
/// then. syntaxmate's own pool hands out its idle tokenizers in no set order, so with two
/// threads each language's lines were spread over two caches: the Markdown step took 10 % more
/// CPU on two threads than on one with the line cache, 3 % more without it (code-heavy bench
/// course). Routed this way, the real-code bench course's Markdown step took 4–7 % less CPU,
/// the generated course's about the same (series of paired builds, tests/bench/HISTORY.md,
/// eleventh session); the HTML is the same byte for byte.
struct Engine {
    catalog: Catalog,
    /// One idle tokenizer a language: the one a language's blocks go to.
    first: Highlighter,
    /// For a block whose language's `first` tokenizer another thread is using.
    others: Highlighter,
    /// By canonical language name: whether a thread is highlighting with `first` now.
    busy: HashMap<String, AtomicBool>,
}

impl Engine {
    /// `code` in `grammar` (a canonical name), by `first` if no other thread is using its
    /// tokenizer for the language, else by `others`.
    fn highlight(&self, grammar: &str, code: &str) -> (String, bool) {
        /// Frees a language's `first` tokenizer, however the highlighting ends.
        struct Release<'a>(&'a AtomicBool);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        match self.busy.get(grammar) {
            Some(flag)
                if flag
                    .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok() =>
            {
                let _release = Release(flag);
                highlight_with(&self.first, grammar, code)
            }
            _ => highlight_with(&self.others, grammar, code),
        }
    }
}

/// `None` only if syntaxmate's bundled catalog were empty (a broken build of it): then every
/// block is plain text.
fn engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let catalog = Catalog::bundled();
            if catalog.languages().is_empty() {
                return None;
            }
            let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
            let options = |idle: usize| HighlighterOptions {
                // A course may use many languages: keep every one prepared (the default keeps
                // 16 and would prepare the 17th's grammar again and again).
                prepared_languages: 256,
                idle_tokenizers_per_language: idle,
                tokenizer: TokenizerOptions {
                    // Lines tokenized before, in the same state, are not tokenized again. Books
                    // repeat their code (a listing grows from chapter to chapter): the
                    // code-heavy bench course has 14,208 distinct lines of 58,251 in seven
                    // languages. With 1,024 lines a tokenizer the Markdown step took 861 ms of
                    // CPU, with 8,192 about 800 (16,384: no better), for 3 MB more memory at
                    // most.
                    line_cache_entries: 8192,
                    ..TokenizerOptions::default()
                },
            };
            let busy = catalog
                .languages()
                .into_iter()
                .map(|name| (name.to_string(), AtomicBool::new(false)))
                .collect();
            Some(Engine {
                // One thread at a time uses a language's tokenizer here (`Engine::highlight`).
                first: Highlighter::with_catalog_options(&catalog, options(1)),
                // One for each other thread that may highlight the language at once.
                others: Highlighter::with_catalog_options(&catalog, options(threads.clamp(2, 64))),
                catalog,
                busy,
            })
        })
        .as_ref()
}

/// Names authors write (often syntect's or highlight.js's) that syntaxmate knows by another.
/// Its catalog has many aliases of its own (`js`, `py`, `rs`, `sh`, `yml`, `c++`…); these are
/// file extensions and names that coursebook highlighted with syntect and syntaxmate lacks.
fn alias(lang: &str) -> &str {
    match lang {
        "zsh" => "shellscript",
        "python3" | "py3" | "pyi" | "pyw" => "python",
        "mjs" | "cjs" => "javascript",
        "h" => "c",
        "cxx" | "hpp" | "hh" | "hxx" | "h++" | "cp" | "inl" | "ipp" => "cpp",
        "pl" | "pm" => "perl",
        "m" => "objective-c",
        "mm" => "objective-cpp",
        "htm" | "xhtml" | "shtml" => "html",
        "svg" | "xsd" | "rss" => "xml",
        "patch" => "diff",
        "mk" | "mak" | "gnumakefile" => "make",
        "sty" => "tex",
        "ltx" => "latex",
        "rest" => "rst",
        "sbt" => "scala",
        "gvy" => "groovy",
        "phtml" => "php",
        "csx" => "csharp",
        "pas" => "pascal",
        "rhtml" => "erb",
        other => other,
    }
}

/// Names a block is given to be shown as plain text on purpose (no grammar is wanted), before
/// any grammar is looked for: `ignore` is also gitignore's grammar, but in a book it is the
/// Rust doc-test attribute, and `log` output reads better plain.
const PLAIN: &[&str] = &[
    "text",
    "txt",
    "plain",
    "plaintext",
    "output",
    "none",
    "nohighlight",
    "ignore",
    "log",
    "raw",
    "verbatim",
];

/// Real languages syntaxmate has no grammar for: their blocks are code all the same, shown
/// plain without a warning.
const NO_GRAMMAR: &[&str] = &["x86asm", "nasm", "wat", "gitignore", "protobuf"];

/// Blocks that an mdBook preprocessor turns into a drawing or a widget (mdbook-mermaid,
/// mdbook-plantuml, mdbook-graphviz, aquascope, mdbook-svgbob…). coursebook has none of those
/// preprocessors, so such a block is shown as its code (highlighted if a grammar knows it), and
/// said so: the author expected a picture.
const DRAWN_BY_PREPROCESSORS: &[&str] = &[
    "mermaid",
    "plantuml",
    "puml",
    "graphviz",
    "dot",
    "aquascope",
    "svgbob",
    "bob",
    "wavedrom",
    "d2",
    "tikz",
    "kroki",
];

/// Whether a block in `lang` is meant for a preprocessor that draws it (see
/// [`DRAWN_BY_PREPROCESSORS`]).
pub fn drawn_by_preprocessor(lang: &str) -> bool {
    DRAWN_BY_PREPROCESSORS.contains(&lang.trim().to_ascii_lowercase().as_str())
}

/// Whether a block in `lang` is highlighted or meant as plain text: otherwise it was meant for
/// something that is not here (a preprocessor's block, a language without a grammar).
pub fn knows(lang: &str) -> bool {
    let lang = lang.trim().to_ascii_lowercase();
    lang.is_empty()
        || SESSION.contains(&lang.as_str())
        || PLAIN.contains(&lang.as_str())
        || NO_GRAMMAR.contains(&lang.as_str())
        || grammar_of(&lang).is_some()
}

/// A terminal session's names: syntaxmate's grammar for them (shell-unix-generic) colours
/// nothing, so a ```` ```console ```` block, the usual way to show commands and their output,
/// came out plain without a word.
const SESSION: &[&str] = &[
    "console",
    "shellsession",
    "shell-session",
    "sh-session",
    "terminal",
];

/// A session line's prompt and command: `$ `, `% `, `# ` (root), `❯ `, or `> ` (a command's
/// next line), after any indentation. Other lines are the commands' output.
fn prompt(line: &str) -> Option<(&str, &str)> {
    let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
    let rest = &line[indent..];
    let mark = ["$", "%", "#", "❯", ">"]
        .into_iter()
        .find(|m| rest.starts_with(m))?;
    let after = &rest[mark.len()..];
    let at = if after.starts_with(' ') {
        indent + mark.len() + 1
    } else if after.trim_end().is_empty() {
        line.trim_end_matches(['\n', '\r']).len()
    } else {
        return None;
    };
    Some(line.split_at(at))
}

/// A terminal session: each prompt dimmed as a comment is, its command highlighted as Bash, the
/// output left plain; past [`MAX_HIGHLIGHTED`] bytes, plain text, as any block's rest is.
fn session(code: &str) -> String {
    let mut out = String::with_capacity(code.len() * 2);
    let cut = cut_at_line(code, MAX_HIGHLIGHTED);
    for line in code[..cut].split_inclusive('\n') {
        match prompt(line) {
            Some((mark, command)) => {
                out.push_str("<span class=\"hl-comment\">");
                scope_spans::escape_into(mark, &mut out);
                out.push_str("</span>");
                out.push_str(&highlight(command, "bash").0);
            }
            None => scope_spans::escape_into(line, &mut out),
        }
    }
    scope_spans::escape_into(&code[cut..], &mut out);
    out
}

/// Highlight `code` as `lang`. Returns the inner HTML of `<code>`, and whether a grammar was found.
pub fn highlight(code: &str, lang: &str) -> (String, bool) {
    match ready(code, lang) {
        Ok(done) => done,
        Err(grammar) => tokenized(grammar, code),
    }
}

/// A block's HTML (and whether a grammar was found) when it needs no tokenizer: a terminal
/// session, a language without a grammar, a block the persistent cache holds. Otherwise the
/// canonical name of its grammar, for [`highlight`] now or [`highlight_all`] at the end of the
/// Markdown step (later.rs).
pub fn ready(code: &str, lang: &str) -> Result<(String, bool), &'static str> {
    if SESSION.contains(&lang.trim().to_ascii_lowercase().as_str()) {
        return Ok((session(code), true));
    }
    let (Some(grammar), Some(_)) = (grammar_of(lang), engine()) else {
        return Ok((escape(code), false));
    };
    // The persistent cache of highlighted blocks (block_cache.rs): a block highlighted by an
    // earlier build is not highlighted again.
    match super::block_cache::current().and_then(|c| c.get(grammar, code)) {
        Some(hit) => Ok(hit),
        None => Err(grammar),
    }
}

/// `code` in `grammar` (a canonical name) by the tokenizer, kept in the persistent cache.
fn tokenized(grammar: &str, code: &str) -> (String, bool) {
    let Some(engine) = engine() else {
        return (escape(code), false);
    };
    let out = engine.highlight(grammar, code);
    if let Some(cache) = super::block_cache::current() {
        cache.put(grammar, code, &out.0, out.1);
    }
    out
}

/// How many blocks a thread takes at a time in [`highlight_all`]: enough that its tokenizer
/// and grammar stay warm, few enough that the threads end together.
const BLOCKS_A_TAKE: usize = 32;

/// The inner HTML of each block, `(grammar, code)` as [`ready`] named its grammar, highlighted
/// as [`highlight`] does, each language's blocks together.
///
/// A thread that tokenizes one language block after block keeps its grammar's tables and its
/// tokenizer's lines in the processor's caches: the code-heavy bench course's blocks took 30–40 %
/// less CPU in this order than in the pages' own, on one thread as on two (tests/bench/HISTORY.md,
/// twelfth session). Each thread keeps to a language while it has blocks left, then takes the
/// language with the most code left that no thread holds (else the one with most left).
pub fn highlight_all(blocks: &[(&'static str, &str)]) -> Vec<String> {
    // Each language's blocks in the order given, in takes of BLOCKS_A_TAKE.
    let mut by_language: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut place: HashMap<&str, usize> = HashMap::new();
    for (i, &(grammar, _)) in blocks.iter().enumerate() {
        let at = *place.entry(grammar).or_insert_with(|| {
            by_language.push((grammar, Vec::new()));
            by_language.len() - 1
        });
        by_language[at].1.push(i);
    }
    struct Left {
        /// The next block not taken.
        next: usize,
        /// Bytes of code not taken.
        bytes: usize,
        /// Threads highlighting the language now.
        holders: usize,
    }
    let left: Vec<Left> = by_language
        .iter()
        .map(|(_, ids)| Left {
            next: 0,
            bytes: ids.iter().map(|&i| blocks[i].1.len()).sum(),
            holders: 0,
        })
        .collect();
    let left = std::sync::Mutex::new(left);
    // Takes `held`'s next blocks, or another language's if it has none left.
    let take = |held: Option<usize>| -> Option<(usize, std::ops::Range<usize>)> {
        let mut left = left
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(h) = held {
            left[h].holders -= 1;
        }
        let has_left = |l: usize, left: &[Left]| left[l].next < by_language[l].1.len();
        let language = held.filter(|&h| has_left(h, &left)).or_else(|| {
            (0..left.len())
                .filter(|&l| has_left(l, &left))
                .max_by_key(|&l| (left[l].holders == 0, left[l].bytes, std::cmp::Reverse(l)))
        })?;
        let ids = &by_language[language].1;
        let l = &mut left[language];
        let range = l.next..(l.next + BLOCKS_A_TAKE).min(ids.len());
        l.next = range.end;
        l.bytes -= ids[range.clone()]
            .iter()
            .map(|&i| blocks[i].1.len())
            .sum::<usize>();
        l.holders += 1;
        Some((language, range))
    };
    let done: Vec<OnceLock<String>> = blocks.iter().map(|_| OnceLock::new()).collect();
    let threads = rayon::current_num_threads().min(blocks.len().div_ceil(BLOCKS_A_TAKE));
    rayon::scope(|s| {
        for _ in 0..threads {
            s.spawn(|_| {
                let mut held = None;
                while let Some((language, range)) = take(held) {
                    for &i in &by_language[language].1[range] {
                        let (grammar, code) = blocks[i];
                        let _ = done[i].set(tokenized(grammar, code).0);
                    }
                    held = Some(language);
                }
            });
        }
    });
    done.into_iter()
        .zip(blocks)
        // Every block is in one take, and every take is highlighted before the scope ends.
        .map(|(html, &(_, code))| html.into_inner().unwrap_or_else(|| escape(code)))
        .collect()
}

/// The canonical name of the grammar a block's language names, unless it is plain on purpose.
fn grammar_of(lang: &str) -> Option<&'static str> {
    let lang = lang.trim().to_ascii_lowercase();
    if lang.is_empty() || PLAIN.contains(&lang.as_str()) {
        return None;
    }
    engine()?.catalog.canonical_language(alias(&lang))
}

/// How much of one block is highlighted; the rest is plain text. A TextMate tokenizer's work per
/// line grows with the constructs left open above it, so a block's cost can grow with its size
/// squared (56 KB of `?` lines in a ```` ```js ```` block, found by `fuzz_highlight` in
/// src/fuzz.rs). Listings longer than this are rare.
const MAX_HIGHLIGHTED: usize = 8 * 1024;

/// The room made for a highlighted byte's HTML ([`highlight_with`]).
const HIGHLIGHTED_BYTES: usize = 16;

/// [`highlight`] without the cache. syntaxmate bounds its own work (each line is matched under a
/// step budget; past it the line is left less coloured, its text intact), so no deadline is
/// needed here: the fuzz tests found none of syntect's endless loops in it.
fn highlight_with(highlighter: &Highlighter, grammar: &str, code: &str) -> (String, bool) {
    let cut = cut_at_line(code, MAX_HIGHLIGHTED).min(shallow_part(code));
    let Ok(doc) = highlighter.tokenize(grammar, &code[..cut]) else {
        return (escape(code), false);
    };
    // A highlighted byte of code is 10 (real code) to 17 (the code-heavy bench course) bytes of
    // spans (medians): room for 16 saves a block's two or three copies as its HTML grows.
    let mut html =
        String::with_capacity(cut.saturating_mul(HIGHLIGHTED_BYTES) + (code.len() - cut));
    scope_spans::render(&code[..cut], &doc, scope_spans::themes(), &mut html);
    // The rest of a long block is plain text (see MAX_HIGHLIGHTED).
    scope_spans::escape_into(&code[cut..], &mut html);
    (html, true)
}

/// How deep brackets may nest in the highlighted part of a block. A grammar's scopes nest with
/// what they open (a batch file's `(`, OCaml's `(*`), and the tokenizer's work and memory grow
/// with the depth times the tokens: 8 KB of `(` in a ```` ```batch ```` block took 658 MB
/// (found by `fuzz_highlight`). Real code nests a few dozen levels at most.
const MAX_BRACKET_DEPTH: usize = 256;

/// The end of the last line of `code` before brackets (`(`, `[`, `{`, each against its closer)
/// nest past [`MAX_BRACKET_DEPTH`] (all of it if they never do).
fn shallow_part(code: &str) -> usize {
    let mut depth = [0usize; 3];
    let mut line_start = 0;
    for (i, b) in code.bytes().enumerate() {
        let (k, open) = match b {
            b'(' => (0, true),
            b')' => (0, false),
            b'[' => (1, true),
            b']' => (1, false),
            b'{' => (2, true),
            b'}' => (2, false),
            b'\n' => {
                line_start = i + 1;
                continue;
            }
            _ => continue,
        };
        if open {
            depth[k] += 1;
            if depth[k] > MAX_BRACKET_DEPTH {
                return line_start;
            }
        } else {
            depth[k] = depth[k].saturating_sub(1);
        }
    }
    code.len()
}

/// The end of the last whole line within the first `max` bytes of `code` (all of it if short).
fn cut_at_line(code: &str, max: usize) -> usize {
    if code.len() <= max {
        return code.len();
    }
    let mut end = 0;
    for line in code.split_inclusive('\n') {
        if end + line.len() > max {
            break;
        }
        end += line.len();
    }
    end
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    scope_spans::escape_into(text, &mut out);
    out
}

/// The stylesheet for highlighted code: a light theme, and a dark one that applies when the
/// system asks for dark (unless the reader chose light) or the reader chose dark.
pub fn stylesheet() -> String {
    static CSS: OnceLock<String> = OnceLock::new();
    CSS.get_or_init(make_stylesheet).clone()
}

fn make_stylesheet() -> String {
    let (light, dark) = (scope_spans::LIGHT_THEME, scope_spans::DARK_THEME);
    let mut out = String::from(
        "/* Generated by coursebook from syntect's InspiredGitHub and base16-ocean.dark. */\n",
    );
    // Each theme applies only in its mode: a light rule that the dark theme has no rule for
    // (InspiredGitHub colours `support.type`, base16-ocean.dark does not) would otherwise keep
    // its light colour on the dark background (3.2:1, found by axe in tests/browser).
    let light = readable(&strip_backgrounds(light), LIGHT_BG, false);
    out.push_str("@media not (prefers-color-scheme: dark) {\n");
    out.push_str(&scoped(&light, ":root:not([data-theme=dark])"));
    out.push_str("}\n");
    out.push_str(&scoped(&light, ":root[data-theme=light]"));
    out.push_str("@media (prefers-color-scheme: dark) {\n");
    let dark = readable(dark, DARK_BG, true);
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

    /// Many blocks of several languages, mixed as pages mix them, in takes on several threads:
    /// each block's HTML is the one it gets alone, in the order given, empty blocks and
    /// languages with a single block included.
    #[test]
    fn highlighting_many_blocks_together_gives_each_its_own_html_in_order() {
        let snippets: [(&str, &str); 4] = [
            ("rust", "fn main() { let x = 1; }\n"),
            ("python", "def f(x):\n    return x  # done\n"),
            ("bash", "echo \"$HOME\" | wc -l\n"),
            ("json", "{\"a\": [1, 2]}"),
        ];
        let mut blocks: Vec<(&'static str, String)> = Vec::new();
        for i in 0..150 {
            let (lang, code) = snippets[i % 3];
            let code = match i % 7 {
                0 => String::new(),
                _ => format!("{code}{}\n", "x".repeat(i)),
            };
            blocks.push((grammar_of(lang).unwrap_or("text"), code));
        }
        blocks.push((
            grammar_of(snippets[3].0).unwrap_or("text"),
            snippets[3].1.to_string(),
        ));
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build();
        let given: Vec<(&'static str, &str)> =
            blocks.iter().map(|(g, c)| (*g, c.as_str())).collect();
        let together = match pool {
            Ok(pool) => pool.install(|| highlight_all(&given)),
            Err(_) => highlight_all(&given),
        };
        assert_eq!(together.len(), blocks.len());
        for ((grammar, code), html) in blocks.iter().zip(&together) {
            assert_eq!(html, &tokenized(grammar, code).0, "{grammar}: {code}");
        }
        assert!(together[1].contains("hl-"), "{}", together[1]);
    }

    /// Each language's blocks go to its `first` tokenizer while no other thread holds it, and to
    /// `others` while one does; either way the HTML is the same, and the language is free again
    /// after. (Erlang: no other test highlights it, so no other test holds its tokenizer.)
    #[test]
    #[allow(clippy::panic, reason = "a test reports failure by panicking")]
    fn a_language_s_blocks_go_to_its_own_tokenizer_unless_another_thread_holds_it() {
        let Some(engine) = engine() else {
            panic!("no bundled catalog");
        };
        // Every name a block's language resolves to has its flag: none goes to `others` alone.
        for lang in [
            "rust", "py", "sh", "js", "json", "go", "c", "toml", "erlang",
        ] {
            let Some(grammar) = grammar_of(lang) else {
                panic!("no grammar for {lang}");
            };
            assert!(engine.busy.contains_key(grammar), "{lang}: {grammar}");
        }
        let Some(grammar) = grammar_of("erlang") else {
            panic!("no grammar for Erlang");
        };
        let code = "-module(hello).\nmain() -> io:format(\"<hi>~n\").\n";
        let flag = &engine.busy[grammar];
        let alone = highlight_with(&engine.others, grammar, code);
        assert!(alone.0.contains("<span class=\"hl-"), "{}", alone.0);
        assert_eq!(engine.highlight(grammar, code), alone);
        assert!(!flag.load(Ordering::Acquire), "free again after a block");
        // Another thread highlighting Erlang now: the block goes to `others`, which leave the
        // flag to its holder.
        flag.store(true, Ordering::Release);
        assert_eq!(engine.highlight(grammar, code), alone);
        assert!(flag.load(Ordering::Acquire), "still the other thread's");
        flag.store(false, Ordering::Release);
    }

    /// `fuzz_highlight`: brackets nested thousands deep made the tokenizer's memory grow with
    /// the depth times the tokens. Highlighted up to the line they pass 256 levels, the rest
    /// plain.
    #[test]
    fn code_nested_past_256_brackets_is_plain_from_that_line() {
        assert_eq!(shallow_part("f(a[b]{c})\n"), 11);
        let deep = format!("{}\n", "(".repeat(57)).repeat(10);
        assert_eq!(shallow_part(&deep), 58 * 4, "the fifth line passes 256");
        let balanced = "(((x)))\n".repeat(1_000);
        assert_eq!(shallow_part(&balanced), balanced.len());
        let code = format!("echo \"a\"\n{deep}echo <b>\n");
        let (html, _) = highlight(&code, "batch");
        assert!(
            html.starts_with("<span"),
            "the first lines are highlighted: {html}"
        );
        let rest = escape(&code[9 + 58 * 4..]);
        assert!(html.ends_with(&rest), "the rest is plain: {html}");
        assert!(!html[html.len() - rest.len()..].contains("<span"));
    }

    /// Highlighting audit: ```` ```console ```` blocks were plain, said nowhere.
    #[test]
    fn a_session_s_commands_are_bash_and_its_output_plain() {
        let code = "$ cargo build --release\n   Compiling a <b>\n  $\n% echo \"hi\" | grep h\n";
        let (html, found) = highlight(code, "console");
        assert!(found);
        let lines: Vec<&str> = html.split_inclusive('\n').collect();
        assert!(
            lines[0].starts_with("<span class=\"hl-comment\">$ </span>"),
            "{html}"
        );
        assert!(lines[0].contains("hl-"), "{html}");
        assert_eq!(lines[1], "   Compiling a &lt;b&gt;\n", "output is plain");
        assert_eq!(
            lines[2], "<span class=\"hl-comment\">  $</span>\n",
            "{html}"
        );
        assert!(lines[3].contains("hl-string"), "{html}");
        assert_eq!(
            html.replace(|c: char| c != '\n', "").len(),
            4,
            "one line for each: {html}"
        );
        assert!(knows("shellsession") && knows("Terminal"));
        assert_eq!(
            prompt(">>> print(1)\n"),
            None,
            "Python's prompt is not a shell's"
        );
    }

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
    fn text_that_stalled_syntect_is_highlighted_quickly() {
        // Found by fuzz_markdown and fuzz_highlight when syntect highlighted: its Scala grammar
        // never returned on `x:if@-`, its Makefile grammar took 14 s on the second line,
        // Markdown 65 ms and C# 200 ms on each line like the third and fourth (minutes for a
        // lesson of them). syntaxmate's budgets must keep every one quick, and the text whole.
        let makefile = "\"0x1F'''?~%\"\"\"r#\"/**&*def(*}*/|#end #*/(*?>\\end{y}if/@{::${{-]a b/*.\\\"|.`*<<%{begin\"\"\"^--><!--::?>#\t@{*/=>-%>=>.end*)-->.";
        let markdown = "%@{?\\\\>$$!".repeat(8);
        let csharp = "|(begin<!--${[T](a.md \"title\")?def\\\\{-.(**{<%1e5<!--*)--$(.%>*\\end{y}=$$<?$$\"<<{-$$<_=>)#@{}@{%>if.::=>{-\\\"%><!--\\+*)\\\\|>/-->def\\n\t\\\"\\\\\\end{y}";
        let many = |line: &str| format!("{line}\n").repeat(100);
        let cases = [
            ("x:if@-".to_string(), "scala", true),
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

    /// Real snippets of Rust, Python, Bash, JavaScript, JSON and TOML: every token the table
    /// names has the kind it should (keyword, string, comment, number, function…). The same
    /// table run against syntect (`tests/bench/highlighters --tokens`) is README's comparison.
    #[test]
    fn tokens_are_classed_as_real_code_needs() {
        let table = include_str!("../../tests/fixtures/highlight/tokens.md");
        let cases = super::super::token_kinds::cases(table);
        let langs: Vec<&str> = cases.iter().map(|c| c.lang.as_str()).collect();
        assert_eq!(
            langs,
            ["rust", "python", "bash", "javascript", "json", "toml"]
        );
        let mut wrong = Vec::new();
        let mut checked = 0;
        for case in &cases {
            let (html, found) = highlight(&case.code, &case.lang);
            assert!(found, "{}", case.lang);
            assert_eq!(crate::markdown::plain_text(&html), case.code);
            for (token, kind, ok, classes) in super::super::token_kinds::check(case, &html) {
                checked += 1;
                if !ok {
                    wrong.push(format!(
                        "{}: `{token}` is not {kind} ({classes})",
                        case.lang
                    ));
                }
            }
        }
        assert!(checked > 80, "{checked}");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn every_alias_and_common_name_has_a_grammar() {
        for name in [
            "zsh",
            "python3",
            "py3",
            "pyi",
            "pyw",
            "mjs",
            "cjs",
            "h",
            "cxx",
            "hpp",
            "hh",
            "hxx",
            "h++",
            "cp",
            "inl",
            "ipp",
            "pl",
            "pm",
            "m",
            "mm",
            "htm",
            "xhtml",
            "shtml",
            "svg",
            "xsd",
            "rss",
            "patch",
            "mk",
            "mak",
            "gnumakefile",
            "sty",
            "ltx",
            "rest",
            "sbt",
            "gvy",
            "phtml",
            "csx",
            "pas",
            "rhtml", // the aliases
            "rust",
            "rs",
            "python",
            "py",
            "bash",
            "sh",
            "shell",
            "console",
            "js",
            "javascript",
            "ts",
            "tsx",
            "json",
            "toml",
            "yaml",
            "yml",
            "c",
            "c++",
            "cpp",
            "go",
            "java",
            "kotlin",
            "swift",
            "ruby",
            "rb",
            "php",
            "sql",
            "html",
            "css",
            "xml",
            "diff",
            "dockerfile",
            "makefile",
            "markdown",
            "md",
            "latex",
            "tex",
            "haskell",
            "scala",
            "zig",
            "nix",
            "Rust",
        ] {
            assert!(grammar_of(name).is_some(), "{name} has no grammar");
            assert!(knows(name), "{name}");
        }
        for plain in ["text", "txt", "", "output", "ignore", "x86asm"] {
            assert!(grammar_of(plain).is_none(), "{plain}");
            assert!(knows(plain), "{plain}");
        }
        assert!(!knows("klingon") && !knows("mermaid-ish"));
        assert!(drawn_by_preprocessor("mermaid") && drawn_by_preprocessor("Dot"));
    }

    #[test]
    fn dark_rules_are_scoped() {
        let css = stylesheet();
        assert!(css.contains(":root[data-theme=dark] .hl-"));
        assert!(css.contains(":root[data-theme=light] .hl-"));
        // Every rule belongs to one mode.
        for line in css.lines().filter(|l| l.contains('{')) {
            assert!(
                line.starts_with(":root") || line.starts_with("@media"),
                "{line}"
            );
        }
    }
}
