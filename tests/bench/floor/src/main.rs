//! bench-floor MODE SRC_DIR OUT_DIR
//!
//! Renders every `.md` file under SRC_DIR (front matter stripped) to `OUT_DIR/<same path>.html`,
//! one file after another on one thread, with coursebook's pulldown-cmark options.
//! MODE `md`: pulldown-cmark alone. MODE `md+hl`: fenced code is highlighted by syntaxmate as
//! coursebook's src/markdown/highlight.rs does (its tokens written by coursebook's own
//! src/markdown/scope_spans.rs, included here; the bundled grammars, each prepared once).
//!
//! bench-floor words SRC_DIR
//!
//! Times counting the lessons' words and pairs of words, as a search index must (`words.rs`).

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use syntaxmate::Highlighter;

#[path = "../../../../src/markdown/scope_spans.rs"]
mod scope_spans;
mod words;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_MATH
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            markdown_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    Ok(())
}

fn strip_front_matter(text: &str) -> &str {
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        return &rest[end + 5..];
    }
    text
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    scope_spans::escape_into(text, &mut out);
    out
}

fn highlight(highlighter: &Highlighter, code: &str, lang: &str) -> String {
    let Ok(doc) = highlighter.tokenize(lang, code) else {
        return escape(code);
    };
    let mut html = String::with_capacity(code.len() * 3);
    scope_spans::render(code, &doc, scope_spans::themes(), &mut html);
    html
}

fn render(body: &str, set: Option<&Highlighter>) -> String {
    let mut html = String::with_capacity(body.len() * 2);
    let parser = Parser::new_ext(body, options());
    let Some(set) = set else {
        pulldown_cmark::html::push_html(&mut html, parser);
        return html;
    };
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in parser {
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            (Some((_, text)), Event::Text(t)) => text.push_str(&t),
            (Some((lang, text)), Event::End(TagEnd::CodeBlock)) => {
                let inner = highlight(set, text, lang);
                let class = if lang.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"language-{}\"", escape(lang))
                };
                events.push(Event::Html(CowStr::from(format!(
                    "<pre class=\"code\"><code{class}>{inner}</code></pre>\n"
                ))));
                code = None;
            }
            (Some(_), _) => {}
            (None, event) => events.push(event),
        }
    }
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn run(mode: &str, src: &Path, out: &Path) -> std::io::Result<usize> {
    let set = match mode {
        "md" => None,
        "md+hl" => Some(Highlighter::bundled().map_err(std::io::Error::other)?),
        _ => {
            return Err(std::io::Error::other(format!(
                "unknown mode {mode}: use md or md+hl"
            )));
        }
    };
    let mut files = Vec::new();
    markdown_files(src, &mut files)?;
    for path in &files {
        let text = std::fs::read_to_string(path)?;
        let html = render(strip_front_matter(&text), set.as_ref());
        let rel = path.strip_prefix(src).map_err(std::io::Error::other)?;
        let dest = out.join(rel).with_extension("html");
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(dest, html)?;
    }
    Ok(files.len())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let ran = match (args.get(1).map(String::as_str), args.len()) {
        (Some("words"), 3) => words::run(Path::new(&args[2])),
        (Some(mode), 4) if mode != "words" => run(mode, Path::new(&args[2]), Path::new(&args[3])),
        _ => {
            eprintln!("usage: bench-floor md|md+hl SRC_DIR OUT_DIR, or bench-floor words SRC_DIR");
            return ExitCode::from(2);
        }
    };
    match ran {
        Ok(n) => {
            println!("{n} pages");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench-floor: {e}");
            ExitCode::FAILURE
        }
    }
}
