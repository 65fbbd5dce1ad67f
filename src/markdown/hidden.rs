//! Hidden code lines, as mdBook shows them: in a Rust block a line `# …` is hidden (the setup
//! an example needs but the reader does not), `##` stands for a shown `#`; other languages get a
//! prefix from `[output.html.code.hidelines]` or the block's `hidelines=<prefix>`. Hidden lines
//! are in the page inside `<span class="boring">`, which the stylesheet hides until the reader
//! presses the block's "Show hidden lines" button (book.js); the copy button copies them all,
//! as the code is meant to be run whole.

use super::highlight;
use std::collections::BTreeMap;

/// The prefix that hides a line in this block, if its lines can be hidden.
pub fn prefix(info: &str, lang: &str, configured: &BTreeMap<String, String>) -> Option<String> {
    // `hidelines=<prefix>` in the info string wins (mdBook's attribute).
    if let Some(given) = info
        .split([' ', ','])
        .find_map(|attr| attr.strip_prefix("hidelines="))
        .filter(|p| !p.is_empty())
    {
        return Some(given.to_string());
    }
    if let Some(p) = configured.get(lang).filter(|p| !p.is_empty()) {
        return Some(p.clone());
    }
    (lang == "rust").then(|| "#".to_string())
}

/// Whether `line` (without its end) is hidden with `prefix`, and the line as shown.
fn classify<'l>(line: &'l str, prefix: &str) -> (bool, std::borrow::Cow<'l, str>) {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if prefix == "#" {
        // Rust (rustdoc's rules): `##` is an escaped `#`; `#` alone or `# …` hides; `#[` and
        // `#!` are attributes, shown.
        if let Some(rest) = trimmed.strip_prefix("##") {
            return (false, format!("{indent}#{rest}").into());
        }
        if trimmed == "#" {
            return (true, std::borrow::Cow::Borrowed(""));
        }
        if let Some(rest) = trimmed.strip_prefix("# ") {
            return (true, format!("{indent}{rest}").into());
        }
        return (false, line.into());
    }
    match trimmed.strip_prefix(prefix) {
        Some(rest) => (
            true,
            format!("{indent}{}", rest.strip_prefix(' ').unwrap_or(rest)).into(),
        ),
        None => (false, line.into()),
    }
}

/// The text of `code` as the block shows it, hidden lines included (without their prefix): what
/// the characters of [`highlight`]'s HTML are.
pub fn shown(code: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(&classify(body, prefix).1);
        out.push_str(end);
    }
    out
}

/// The inner HTML of the block's `<code>`: runs of shown and hidden lines highlighted each on
/// their own (so every span closes within its run), hidden runs inside `<span class="boring">`.
pub fn highlight(code: &str, lang: &str, prefix: &str) -> String {
    highlight_by(code, lang, prefix, &|run, lang| {
        highlight::highlight(run, lang).0
    })
}

/// [`highlight`], each run's inner HTML made by `highlighter` (a page's, which may put it off
/// to the end of the Markdown step: later.rs).
pub fn highlight_by(
    code: &str,
    lang: &str,
    prefix: &str,
    highlighter: &dyn Fn(&str, &str) -> String,
) -> String {
    let mut runs: Vec<(bool, String)> = Vec::new();
    for line in code.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let (hidden, shown) = classify(body, prefix);
        match runs.last_mut() {
            Some((h, text)) if *h == hidden => {
                text.push_str(&shown);
                text.push_str(end);
            }
            _ => runs.push((hidden, format!("{shown}{end}"))),
        }
    }
    let mut html = String::with_capacity(code.len() * 2);
    for (hidden, text) in runs {
        let inner = highlighter(&text, lang);
        if hidden {
            html.push_str("<span class=\"boring\">");
            html.push_str(&inner);
            html.push_str("</span>");
        } else {
            html.push_str(&inner);
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_hides_hash_space_lines_and_unescapes_double_hashes() {
        let html = highlight(
            "# fn main() {\nlet x = 1;\n## not hidden\n#[derive(Debug)]\n# }\n",
            "rust",
            "#",
        );
        assert!(html.starts_with("<span class=\"boring\">"), "{html}");
        assert_eq!(html.matches("class=\"boring\"").count(), 2, "{html}");
        let text = crate::markdown::plain_text(&html);
        assert_eq!(
            text,
            "fn main() {\nlet x = 1;\n# not hidden\n#[derive(Debug)]\n}\n"
        );
    }

    #[test]
    fn prefixes_come_from_the_block_then_book_toml_then_rust() {
        let mut conf = BTreeMap::new();
        conf.insert("python".to_string(), "~".to_string());
        assert_eq!(prefix("python", "python", &conf).as_deref(), Some("~"));
        assert_eq!(
            prefix("python hidelines=!!!", "python", &conf).as_deref(),
            Some("!!!")
        );
        assert_eq!(prefix("rust,editable", "rust", &conf).as_deref(), Some("#"));
        assert_eq!(prefix("js", "js", &conf), None);
        let html = highlight("~import os\nprint(1)\n", "python", "~");
        assert_eq!(crate::markdown::plain_text(&html), "import os\nprint(1)\n");
        assert!(html.starts_with("<span class=\"boring\">"));
    }
}
