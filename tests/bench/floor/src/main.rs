//! bench-floor MODE SRC_DIR OUT_DIR
//!
//! Renders every `.md` file under SRC_DIR (front matter stripped) to `OUT_DIR/<same path>.html`,
//! one file after another on one thread, with coursebook's pulldown-cmark options.
//! MODE `md`: pulldown-cmark alone. MODE `md+hl`: fenced code is highlighted by syntect exactly
//! as coursebook's src/markdown/highlight.rs does (ClassedHTMLGenerator, "hl-" spaced prefix,
//! the default newline syntax set loaded once).

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

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
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            return &rest[end + 5..];
        }
    }
    text
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    pulldown_cmark_escape(text, &mut out);
    out
}

fn pulldown_cmark_escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn highlight(set: &SyntaxSet, code: &str, lang: &str) -> String {
    let Some(syntax) = (!lang.is_empty()).then(|| set.find_syntax_by_token(lang)).flatten() else {
        return escape(code);
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, STYLE);
    for line in LinesWithEndings::from(code) {
        if generator.parse_html_for_line_which_includes_newline(line).is_err() {
            return escape(code);
        }
    }
    generator.finalize()
}

fn render(body: &str, set: Option<&SyntaxSet>) -> String {
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
                    CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            (Some((_, text)), Event::Text(t)) => text.push_str(&t),
            (Some((lang, text)), Event::End(TagEnd::CodeBlock)) => {
                let inner = highlight(set, text, lang);
                let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(lang)) };
                events.push(Event::Html(CowStr::from(format!("<pre class=\"code\"><code{class}>{inner}</code></pre>\n"))));
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
        "md+hl" => Some(SyntaxSet::load_defaults_newlines()),
        _ => return Err(std::io::Error::other(format!("unknown mode {mode}: use md or md+hl"))),
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
    if args.len() != 4 {
        eprintln!("usage: bench-floor md|md+hl SRC_DIR OUT_DIR");
        return ExitCode::from(2);
    }
    match run(&args[1], Path::new(&args[2]), Path::new(&args[3])) {
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
