//! bench-highlighters DIR...
//!
//! Issue #17's measured choice of highlighter. Collects every fenced code block of the Markdown
//! files under the folders given, then for each block whose language both highlighters know:
//!
//! - time: syntect exactly as coursebook's src/markdown/highlight.rs runs it (ClassedHTMLGenerator,
//!   "hl-" spaced prefix, blocks cut at 8 KiB) against syntaxmate's tokenizer plus the same kind
//!   of class spans, one thread, grammars loaded, each block once per pass, best of five passes;
//! - bytes: the HTML each writes;
//! - tokens: for every non-blank character, the colour coursebook's light theme (InspiredGitHub)
//!   and dark theme (base16-ocean.dark) give it under each highlighter's scopes: how often the two
//!   agree, and how many characters each colours at all;
//! - languages: which block languages each knows.
//!
//! Figures by language and in total, as a table on stdout.

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use syntect::highlighting::{Color, Highlighter as Themer, Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const MAX_HIGHLIGHTED: usize = 8 * 1024;

/// coursebook's `alias` (src/markdown/highlight.rs), for syntect.
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

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn blocks_of(text: &str, out: &mut Vec<(String, String)>) {
    let mut current: Option<(String, String)> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info
                    .split([',', ' ', '\t', '{'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                current = Some((lang, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, code)) = current.as_mut() {
                    code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = current.take()
                    && !block.0.is_empty()
                {
                    out.push(block);
                }
            }
            _ => {}
        }
    }
}

fn syntect_html(set: &SyntaxSet, syntax: &SyntaxReference, code: &str) -> String {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
    let mut done = 0;
    for line in LinesWithEndings::from(code) {
        if done + line.len() > MAX_HIGHLIGHTED {
            let mut html = generator.finalize();
            scope_spans::escape_into(&code[done..], &mut html);
            return html;
        }
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            let mut html = String::new();
            scope_spans::escape_into(code, &mut html);
            return html;
        }
        done += line.len();
    }
    generator.finalize()
}

/// coursebook's renderer (src/markdown/scope_spans.rs) and its table of token kinds
/// (src/markdown/token_kinds.rs), shared so that this compares what coursebook writes.
#[path = "../../../../src/markdown/scope_spans.rs"]
mod scope_spans;

#[path = "../../../../src/markdown/token_kinds.rs"]
mod token_kinds;

/// syntaxmate's tokens as coursebook writes them: nested spans with syntect's class style.
fn syntaxmate_html(hl: &syntaxmate::Highlighter, lang: &str, code: &str) -> Option<String> {
    let code = cut(code);
    let doc = hl.tokenize(lang, code).ok()?;
    let mut out = String::with_capacity(code.len() * 3);
    scope_spans::render(code, &doc, scope_spans::themes(), &mut out);
    Some(out)
}

/// The first [`MAX_HIGHLIGHTED`] bytes, at a line end, as coursebook highlights.
fn cut(code: &str) -> &str {
    if code.len() <= MAX_HIGHLIGHTED {
        return code;
    }
    let mut end = 0;
    for line in code.split_inclusive('\n') {
        if end + line.len() > MAX_HIGHLIGHTED {
            break;
        }
        end += line.len();
    }
    &code[..end]
}

/// The foreground colour of every non-blank character under syntect's own scopes.
fn syntect_colours(
    set: &SyntaxSet,
    syntax: &SyntaxReference,
    themer: &Themer,
    code: &str,
) -> Vec<Color> {
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out = Vec::new();
    for line in LinesWithEndings::from(cut(code)) {
        let Ok(ops) = state.parse_line(line, set) else {
            return out;
        };
        let mut ops = ops.into_iter().peekable();
        for (i, c) in line.char_indices() {
            while let Some((at, _)) = ops.peek()
                && *at <= i
            {
                if let Some((_, op)) = ops.next() {
                    let _ = stack.apply(&op);
                }
            }
            if !c.is_whitespace() {
                out.push(themer.style_for_stack(stack.as_slice()).foreground);
            }
        }
        for (_, op) in ops {
            let _ = stack.apply(&op);
        }
    }
    out
}

/// The same under syntaxmate's scopes, read by syntect's theme matcher.
fn syntaxmate_colours(
    hl: &syntaxmate::Highlighter,
    lang: &str,
    themer: &Themer,
    code: &str,
) -> Vec<Color> {
    let code = cut(code);
    let Ok(doc) = hl.tokenize(lang, code) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut lines = code.split_inclusive('\n');
    for line in doc.lines() {
        let text = lines.next().unwrap_or("");
        let body = text.trim_end_matches('\n').trim_end_matches('\r');
        let default = themer.style_for_stack(&[]).foreground;
        let mut colour_at = vec![default; body.len()];
        for token in line.tokens() {
            let scopes: Vec<Scope> = token.scopes().filter_map(|s| Scope::new(s).ok()).collect();
            let colour = themer.style_for_stack(&scopes).foreground;
            for at in token.range() {
                if let Some(slot) = colour_at.get_mut(at) {
                    *slot = colour;
                }
            }
        }
        for (i, c) in body.char_indices() {
            if !c.is_whitespace() {
                out.push(colour_at[i]);
            }
        }
    }
    out
}

#[derive(Default)]
struct Figures {
    blocks: usize,
    bytes_in: usize,
    syntect_ns: u128,
    mate_ns: u128,
    syntect_out: usize,
    mate_out: usize,
    chars: [usize; 2],
    agree: [usize; 2],
    syntect_coloured: [usize; 2],
    mate_coloured: [usize; 2],
}

fn main() {
    // `--dump LANG FILE`: syntaxmate's scopes for every token of FILE, to read by eye.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--dump") && args.len() == 4 {
        let mate = syntaxmate::Highlighter::bundled().expect("syntaxmate's bundled grammars");
        let code = std::fs::read_to_string(&args[3]).unwrap_or_default();
        if let Ok(doc) = mate.tokenize(&args[2], &code) {
            for (line, text) in doc.lines().iter().zip(code.lines()) {
                for token in line.tokens() {
                    let scopes: Vec<&str> = token.scopes().collect();
                    println!("{:?}\t{}", &text[token.range()], scopes.join(" "));
                }
            }
        }
        return;
    }
    // `--theme-css NAME`: syntect's class stylesheet of one of its default themes, as
    // coursebook's src/markdown/code-themes/ holds them (made once by this command).
    if args.get(1).is_some_and(|a| a == "--theme-css") && args.len() == 3 {
        let themes = ThemeSet::load_defaults();
        if let Some(theme) = themes.themes.get(&args[2])
            && let Ok(css) = syntect::html::css_for_theme_with_class_style(theme, STYLE)
        {
            print!("{css}");
        }
        return;
    }
    // `--tokens TABLE`: tests/fixtures/highlight/tokens.md under both highlighters, side by side.
    if args.get(1).is_some_and(|a| a == "--tokens") && args.len() == 3 {
        let table = std::fs::read_to_string(&args[2]).unwrap_or_default();
        let set = SyntaxSet::load_defaults_newlines();
        let mate = syntaxmate::Highlighter::bundled().expect("syntaxmate's bundled grammars");
        println!("language | token | kind | syntect | syntaxmate");
        let mut score = [0usize; 2];
        let mut total = 0;
        for case in token_kinds::cases(&table) {
            let old = set
                .find_syntax_by_token(alias(&case.lang))
                .map(|syntax| syntect_html(&set, syntax, &case.code))
                .unwrap_or_default();
            let new = syntaxmate_html(&mate, &case.lang, &case.code).unwrap_or_default();
            let old = token_kinds::check(&case, &old);
            let new = token_kinds::check(&case, &new);
            for (a, b) in old.iter().zip(&new) {
                total += 1;
                score[0] += usize::from(a.2);
                score[1] += usize::from(b.2);
                let mark = |ok: bool, classes: &str| {
                    format!(
                        "{} `{}`",
                        if ok { "✓" } else { "✗" },
                        classes.replace("hl-", "")
                    )
                };
                println!(
                    "{} | `{}` | {} | {} | {}",
                    case.lang,
                    a.0.replace('|', "\\|"),
                    a.1,
                    mark(a.2, &a.3),
                    mark(b.2, &b.3)
                );
            }
        }
        println!(
            "**all** | {total} tokens | | {} right | {} right",
            score[0], score[1]
        );
        return;
    }
    // `--languages`: every name syntect finds a grammar by (its syntaxes' names and file
    // extensions) that syntaxmate does not know.
    if args.get(1).is_some_and(|a| a == "--languages") {
        let set = SyntaxSet::load_defaults_newlines();
        let catalog = syntaxmate::Catalog::bundled();
        for syntax in set.syntaxes() {
            let names = std::iter::once(syntax.name.to_ascii_lowercase()).chain(
                syntax
                    .file_extensions
                    .iter()
                    .map(|e| e.to_ascii_lowercase()),
            );
            let missing: Vec<String> = names
                .filter(|n| catalog.canonical_language(n).is_none())
                .collect();
            let known: Vec<&str> = std::iter::once(syntax.name.to_ascii_lowercase())
                .chain(
                    syntax
                        .file_extensions
                        .iter()
                        .map(|e| e.to_ascii_lowercase()),
                )
                .filter_map(|n| catalog.canonical_language(&n).map(|_| ""))
                .collect();
            println!(
                "{} | known by {} names | missing: {}",
                syntax.name,
                known.len(),
                missing.join(" ")
            );
        }
        println!("syntaxmate: {}", catalog.languages().join(" "));
        return;
    }
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let mut files = Vec::new();
    for dir in &dirs {
        markdown_files(dir, &mut files);
    }
    let mut blocks = Vec::new();
    for file in &files {
        if let Ok(text) = std::fs::read_to_string(file) {
            blocks_of(&text, &mut blocks);
        }
    }
    let set = SyntaxSet::load_defaults_newlines();
    let started = Instant::now();
    let mate = syntaxmate::Highlighter::bundled().expect("syntaxmate's bundled grammars");
    let catalog = syntaxmate::Catalog::bundled();
    let themes = ThemeSet::load_defaults();
    let light: &Theme = &themes.themes["InspiredGitHub"];
    let dark: &Theme = &themes.themes["base16-ocean.dark"];
    let themers = [Themer::new(light), Themer::new(dark)];

    // Languages: which each knows, by block count.
    let mut langs: BTreeMap<String, (usize, bool, Option<String>)> = BTreeMap::new();
    for (lang, _) in &blocks {
        let entry = langs.entry(lang.clone()).or_insert_with(|| {
            let syntect = set.find_syntax_by_token(alias(lang)).is_some();
            let mate = catalog.canonical_language(lang).map(str::to_string);
            (0, syntect, mate)
        });
        entry.0 += 1;
    }
    println!("files {}, blocks {}", files.len(), blocks.len());
    println!("\nlanguage | blocks | syntect | syntaxmate");
    for (lang, (n, s, m)) in &langs {
        println!(
            "{lang} | {n} | {} | {}",
            if *s { "yes" } else { "—" },
            m.as_deref().unwrap_or("—")
        );
    }

    // Both know the language: the compared set, grouped by syntect's grammar.
    let pairs: Vec<(&SyntaxReference, String, &str)> = blocks
        .iter()
        .filter_map(|(lang, code)| {
            let syntax = set.find_syntax_by_token(alias(lang))?;
            let mate_lang = catalog.canonical_language(lang)?.to_string();
            Some((syntax, mate_lang, code.as_str()))
        })
        .collect();
    // Warm-up: every grammar loaded and prepared by both. syntaxmate keeps a cache of
    // tokenized lines per language, so each timed pass gets a new highlighter whose grammars
    // are prepared on one blank line: in a build every block is highlighted once, and only
    // lines repeated across blocks may hit that cache (as they would in a build).
    for (syntax, lang, code) in &pairs {
        std::hint::black_box(syntect_html(&set, syntax, code));
        std::hint::black_box(syntaxmate_html(&mate, lang, code));
    }
    eprintln!("syntaxmate ready and warm after {:?}", started.elapsed());
    let mut by: BTreeMap<String, Figures> = BTreeMap::new();
    let mut best: BTreeMap<String, [u128; 2]> = BTreeMap::new();
    for _pass in 0..5 {
        let fresh = syntaxmate::Highlighter::bundled().expect("syntaxmate's bundled grammars");
        for (_, lang, _) in &pairs {
            std::hint::black_box(syntaxmate_html(&fresh, lang, "\n"));
        }
        let mut pass: BTreeMap<String, [u128; 2]> = BTreeMap::new();
        for (syntax, lang, code) in &pairs {
            let t = Instant::now();
            std::hint::black_box(syntect_html(&set, syntax, code));
            let a = t.elapsed().as_nanos();
            let t = Instant::now();
            std::hint::black_box(syntaxmate_html(&fresh, lang, code));
            let b = t.elapsed().as_nanos();
            let slot = pass.entry(syntax.name.clone()).or_default();
            slot[0] += a;
            slot[1] += b;
        }
        for (name, [a, b]) in pass {
            let slot = best.entry(name).or_insert([u128::MAX; 2]);
            slot[0] = slot[0].min(a);
            slot[1] = slot[1].min(b);
        }
    }
    for (syntax, lang, code) in &pairs {
        let f = by.entry(syntax.name.clone()).or_default();
        f.blocks += 1;
        f.bytes_in += code.len();
        f.syntect_out += syntect_html(&set, syntax, code).len();
        f.mate_out += syntaxmate_html(&mate, lang, code).map_or(0, |h| h.len());
        for (t, themer) in themers.iter().enumerate() {
            let default = themer.style_for_stack(&[]).foreground;
            let a = syntect_colours(&set, syntax, themer, code);
            let b = syntaxmate_colours(&mate, lang, themer, code);
            for (x, y) in a.iter().zip(&b) {
                f.chars[t] += 1;
                f.agree[t] += usize::from(x == y);
                f.syntect_coloured[t] += usize::from(*x != default);
                f.mate_coloured[t] += usize::from(*y != default);
            }
        }
    }
    for (name, [a, b]) in &best {
        if let Some(f) = by.get_mut(name) {
            f.syntect_ns = *a;
            f.mate_ns = *b;
        }
    }
    let mut total = Figures::default();
    println!(
        "\ngrammar | blocks | KB | syntect ms | syntaxmate ms | speed-up | HTML syntect KB | syntaxmate KB | bytes ± | colour agreement light/dark | coloured chars syntect | syntaxmate"
    );
    let row = |name: &str, f: &Figures| {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        println!(
            "{name} | {} | {:.0} | {:.1} | {:.1} | {:.2}× | {:.0} | {:.0} | {:+.0} % | {:.0} % / {:.0} % | {:.0} % | {:.0} %",
            f.blocks,
            f.bytes_in as f64 / 1024.0,
            f.syntect_ns as f64 / 1e6,
            f.mate_ns as f64 / 1e6,
            f.syntect_ns as f64 / f.mate_ns.max(1) as f64,
            f.syntect_out as f64 / 1024.0,
            f.mate_out as f64 / 1024.0,
            pct(f.mate_out, f.syntect_out) - 100.0,
            pct(f.agree[0], f.chars[0]),
            pct(f.agree[1], f.chars[1]),
            pct(f.syntect_coloured[0], f.chars[0]),
            pct(f.mate_coloured[0], f.chars[0]),
        );
    };
    for (name, f) in &by {
        row(name, f);
        total.blocks += f.blocks;
        total.bytes_in += f.bytes_in;
        total.syntect_ns += f.syntect_ns;
        total.mate_ns += f.mate_ns;
        total.syntect_out += f.syntect_out;
        total.mate_out += f.mate_out;
        for t in 0..2 {
            total.chars[t] += f.chars[t];
            total.agree[t] += f.agree[t];
            total.syntect_coloured[t] += f.syntect_coloured[t];
            total.mate_coloured[t] += f.mate_coloured[t];
        }
    }
    row("**all**", &total);
}
