//! The course's search index, written beside the site's pages under `search/` for
//! `themes/default/js/search.js`. It is made from what the build already holds (every page's
//! rendered HTML in memory, the glossary), never from the written files. Words are made by
//! quiz-wasm/search, which the browser runs on the query, so both sides agree.
//!
//! - A document is a section of a page (from one heading with an id to the next) or a glossary
//!   entry. Answer keys, feedback and explanations are in concealed attributes, not text, so
//!   they are never indexed.
//! - Ranking is BM25 with fields: a word in the page's title (first section only) counts 3
//!   times, in the section's heading twice, in its text once, against the section's length.
//!   Each posting carries that weight (×100); search.js multiplies it by the word's rarity
//!   (idf, from how many documents have it) and ranks documents matching all the query's words
//!   above those matching some.
//! - `search/meta.json` (counts), `search/t/<n>.json` (words → postings, sharded by the hash of
//!   a word's first two characters, so a query fetches one small file a word) and
//!   `search/d/<n>.json` (documents, [`CHUNK`] a file: address, page title, heading, excerpt).

use crate::content::glossary::Glossary;
use crate::content::{Course, PageKind};
use crate::markdown::highlight::escape;
use std::collections::BTreeMap;

/// Documents per file of `search/d/`: a page of results fetches a few small files.
pub const CHUNK: usize = 64;
/// The excerpt kept for each document, in characters.
const EXCERPT: usize = 220;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// One section or glossary entry.
struct Doc {
    href: String,
    title: String,
    heading: String,
    text: String,
    /// The page title's words count for this document (a page's first section).
    with_title: bool,
}

/// The files of the index: path under the site's root → bytes.
pub fn build(
    course: &Course,
    pages_html: &[[&str; 2]],
    glossary: Option<&Glossary>,
    language: &str,
    glossary_url: &str,
) -> Vec<(String, String)> {
    let stemmer = search_wasm::stemmer(language);
    let mut docs: Vec<Doc> = Vec::new();
    let mut seen = vec![false; course.pages.len()];
    for &i in &course.order {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let page = &course.pages[i];
        if page.kind == PageKind::NotFound || page.front.search == Some(false) {
            continue;
        }
        sections(&page.url, &page.title, pages_html[i], &mut docs);
    }
    if let Some(g) = glossary {
        for e in &g.entries {
            docs.push(Doc {
                href: format!("{glossary_url}#term-{}", e.id),
                title: e.term.clone(),
                heading: String::new(),
                text: e.definition.clone(),
                with_title: true,
            });
        }
    }
    // Each document's words by field, and its length.
    let mut postings: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
    let mut counts: Vec<(BTreeMap<String, f64>, f64)> = Vec::with_capacity(docs.len());
    for d in &docs {
        let mut tf: BTreeMap<String, f64> = BTreeMap::new();
        let mut len = 0.0;
        let fields = [
            (if d.with_title { d.title.as_str() } else { "" }, 3.0),
            (d.heading.as_str(), 2.0),
            (d.text.as_str(), 1.0),
        ];
        for (text, weight) in fields {
            for w in search_wasm::words(text, stemmer.as_ref()) {
                *tf.entry(w.term).or_default() += weight;
                len += 1.0;
            }
        }
        counts.push((tf, len));
    }
    let avg = (counts.iter().map(|(_, l)| l).sum::<f64>() / counts.len().max(1) as f64).max(1.0);
    for (doc, (tf, len)) in counts.into_iter().enumerate() {
        let norm = K1 * (1.0 - B + B * len / avg);
        for (term, f) in tf {
            postings
                .entry(term)
                .or_default()
                .push((doc, f * (K1 + 1.0) / (f + norm)));
        }
    }
    let shards = (postings.len() / 256).clamp(1, 1024);
    let mut files: BTreeMap<usize, String> = BTreeMap::new();
    for (term, list) in &postings {
        let file = files
            .entry(shard(term, shards))
            .or_insert_with(|| "{".to_string());
        if file.len() > 1 {
            file.push(',');
        }
        file.push_str(&json_string(term));
        file.push_str(":[");
        for (n, (doc, weight)) in list.iter().enumerate() {
            if n > 0 {
                file.push(',');
            }
            file.push_str(&format!("{doc},{}", (weight * 100.0).round() as u32));
        }
        file.push(']');
    }
    let mut out: Vec<(String, String)> = files
        .into_iter()
        .map(|(n, mut body)| {
            body.push('}');
            (format!("search/t/{n}.json"), body)
        })
        .collect();
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        let rows: Vec<String> = chunk
            .iter()
            .map(|d| {
                format!(
                    "[{},{},{},{}]",
                    json_string(&d.href),
                    json_string(&d.title),
                    json_string(&d.heading),
                    json_string(&excerpt(&d.text))
                )
            })
            .collect();
        out.push((
            format!("search/d/{n}.json"),
            format!("[{}]", rows.join(",")),
        ));
    }
    out.push((
        "search/meta.json".to_string(),
        format!(
            "{{\"version\":1,\"language\":{},\"docs\":{},\"shards\":{shards},\"chunk\":{CHUNK}}}",
            json_string(language),
            docs.len()
        ),
    ));
    out
}

/// Which file of `search/t/` holds `term`: FNV-1a of its first two characters' UTF-8 bytes
/// (search.js computes the same, so a word being typed finds its file from two letters).
pub fn shard(term: &str, shards: usize) -> usize {
    let end = term.char_indices().nth(2).map_or(term.len(), |(i, _)| i);
    let mut hash: u32 = 0x811c_9dc5;
    for b in term[..end].bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    hash as usize % shards
}

/// A page's sections: its text (the page's HTML, then its quiz's) cut at each heading that has
/// an id (`<h2 id="…">` … `<h6>`).
fn sections(url: &str, title: &str, parts: [&str; 2], docs: &mut Vec<Doc>) {
    let mut doc = Doc {
        href: url.to_string(),
        title: title.to_string(),
        heading: String::new(),
        text: String::new(),
        with_title: true,
    };
    for html in parts {
        let mut rest = html;
        while let Some(at) = find_heading(rest) {
            add_text(&mut doc.text, &rest[..at]);
            let after = &rest[at..];
            let id_start = after.find(" id=\"").map(|i| i + 5);
            let tag_end = after.find('>').map_or(after.len(), |i| i + 1);
            let close = after.find("</h").unwrap_or(after.len());
            let Some(id_start) = id_start.filter(|&i| i < tag_end) else {
                rest = &after[tag_end..];
                continue;
            };
            let id_end = after[id_start..]
                .find('"')
                .map_or(id_start, |e| id_start + e);
            let id = &after[id_start..id_end];
            let heading = text_of(&after[tag_end.min(close)..close]);
            docs.push(std::mem::replace(
                &mut doc,
                Doc {
                    href: format!("{url}#{id}"),
                    title: title.to_string(),
                    heading: heading.trim().to_string(),
                    text: String::new(),
                    with_title: false,
                },
            ));
            rest = &after[close..];
        }
        add_text(&mut doc.text, rest);
    }
    docs.push(doc);
}

/// Append the text of an HTML fragment, a space between it and what came before.
fn add_text(text: &mut String, html: &str) {
    let more = text_of(html);
    if !more.is_empty() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&more);
    }
}

/// Where the next `<h2`…`<h6` starts.
fn find_heading(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = html[from..].find("<h") {
        let at = from + i;
        if matches!(html.as_bytes().get(at + 2), Some(b'2'..=b'6'))
            && matches!(html.as_bytes().get(at + 3), Some(b' ' | b'>'))
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The text of an HTML fragment: tags dropped (a space for each, so words do not run
/// together), glossary tooltips (`role="tooltip"`: the term's definition, indexed with the
/// glossary) and SVG (chart labels) left out, the few entities the build writes decoded.
fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    // Inside a left-out element: its name and how deep in it we are.
    let mut skip: Option<(&str, usize)> = None;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if skip.is_none() {
            out.push_str(&rest[..lt]);
        }
        let after = &rest[lt..];
        let Some(gt) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..=gt];
        let name: &str = tag[1..]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .next()
            .unwrap_or("");
        let closing = tag.starts_with("</");
        match &mut skip {
            Some((skipped, depth)) if name == *skipped => {
                if closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skip = None;
                    }
                } else if !tag.ends_with("/>") {
                    *depth += 1;
                }
            }
            Some(_) => {}
            None if !closing && (name == "svg" || tag.contains(" role=\"tooltip\"")) => {
                if !tag.ends_with("/>") {
                    skip = Some((name, 1));
                }
            }
            None => out.push(' '),
        }
        rest = &after[gt + 1..];
    }
    if skip.is_none() {
        out.push_str(rest);
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The start of a section's text, cut at a word.
fn excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT {
        return text.to_string();
    }
    let cut: String = text.chars().take(EXCERPT).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", escape(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_cut_into_sections_at_headings_with_ids() {
        let mut docs = Vec::new();
        sections(
            "a/b.html",
            "Models",
            [
                "<p>Intro &amp; more</p>\n<h2 id=\"fit\">Fitting <em>lines</em></h2>\n<p>Least squares.</p><h3>No id</h3><p>x</p>",
                "<form><h2 id=\"quiz\">Check yourself</h2><p>Pick one</p></form>",
            ],
            &mut docs,
        );
        let got: Vec<(&str, &str, &str)> = docs
            .iter()
            .map(|d| (d.href.as_str(), d.heading.as_str(), d.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("a/b.html", "", "Intro & more"),
                ("a/b.html#fit", "Fitting lines", "Least squares. No id x"),
                ("a/b.html#quiz", "Check yourself", "Pick one"),
            ]
        );
        assert!(docs[0].with_title && !docs[1].with_title);
        assert_eq!(
            text_of("<p>A <span class=\"term\"><a href=\"g.html\">model</a><span class=\"term-tip\" role=\"tooltip\" id=\"t\">A <span>function</span>.</span></span> fits. <svg><text>axis</text></svg>Done &lt;3</p>"),
            "A model fits. Done <3"
        );
    }

    #[test]
    fn shards_depend_on_the_first_two_characters() {
        assert_eq!(shard("model", 97), shard("mo", 97));
        assert_eq!(shard("機械", 7), shard("機械学", 7));
        assert!(shard("x", 3) < 3);
        assert!(excerpt(&"word ".repeat(100)).chars().count() <= EXCERPT + 1);
    }
}
