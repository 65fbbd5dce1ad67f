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
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::fmt::Write;
use std::sync::Arc;

/// Documents per file of `search/d/`: the ten results a query shows fetch a few small files.
pub const CHUNK: usize = 32;
/// About how many bytes of postings a file of `search/t/` holds (a third of that gzipped).
const TERMS_FILE: usize = 60_000;
/// The postings kept for a word: its best-weighted documents. A query ranks and shows the
/// best ten; a word in tens of thousands of sections would otherwise weigh hundreds of KB.
const MAX_POSTINGS: usize = 1000;
/// The excerpt kept for each document, in characters.
const EXCERPT: usize = 220;
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One section or glossary entry, as results show it.
#[derive(Clone)]
struct Doc {
    href: String,
    title: String,
    heading: String,
    excerpt: String,
}

/// A section's text before it is counted.
struct Section {
    href: String,
    title: String,
    heading: String,
    text: String,
    /// The page title's words count for this document (a page's first section).
    with_title: bool,
}

/// A page's documents counted: each word's documents (numbered within the page) with its
/// weighted count. Merging these by word costs one step per word of a page, not one per word
/// of every section.
#[derive(Default)]
pub struct Counted {
    docs: Vec<Doc>,
    lens: Vec<f32>,
    postings: FxHashMap<Box<str>, Counts>,
}

/// What `coursebook serve` keeps between builds: each page's counted words, by the key of its
/// rendered Markdown (which changes with its text, title and URL).
pub type Cache = std::collections::HashMap<u64, std::sync::Arc<Counted>>;

/// A word's documents with its weighted count in each.
type Counts = Vec<(u32, f32)>;

/// Whether two words in a row are indexed as a term too ("least squar"), for phrases in quotes
/// and for ranking words side by side first. Off for now: on the 1,000-lesson benchmark course
/// it took the index from 0.2 to 1.2 s and 13 MB, and 10,000 lessons to 1.7 GB of memory (the
/// issue's budget is 10 % of the build); search.js reads the flag from meta.json.
const PAIRS: bool = false;

/// The files of the index: path under the site's root → bytes.
pub fn build(
    course: &Course,
    pages_html: &[(u64, [&str; 2])],
    glossary: Option<&Glossary>,
    language: &str,
    glossary_url: &str,
    cache: Option<&mut Cache>,
) -> Vec<(String, String)> {
    let pages: Vec<usize> = course
        .reading_order()
        .into_iter()
        .filter(|&i| {
            let page = &course.pages[i];
            page.kind != PageKind::NotFound && page.front.search != Some(false)
        })
        .collect();
    // Pages counted in parallel, each thread with its own stemmer and cache of stemmed words;
    // with serve's cache, only pages whose Markdown changed.
    let previous = cache.as_deref();
    let mut parts: Vec<Arc<Counted>> = pages
        .par_iter()
        .map_init(
            || Words::new(language),
            |words, &i| {
                let (key, html) = pages_html[i];
                if let Some(hit) = previous.and_then(|c| c.get(&key)) {
                    return Arc::clone(hit);
                }
                let page = &course.pages[i];
                let mut sections = Vec::new();
                split_sections(&page.url, &page.title, html, &mut sections);
                let mut counted = Counted::default();
                for s in sections {
                    words.count(s, &mut counted);
                }
                Arc::new(counted)
            },
        )
        .collect();
    if let Some(cache) = cache {
        *cache = pages
            .iter()
            .zip(&parts)
            .map(|(&i, part)| (pages_html[i].0, Arc::clone(part)))
            .collect();
    }
    if let Some(g) = glossary {
        let mut words = Words::new(language);
        let mut counted = Counted::default();
        for e in &g.entries {
            let s = Section {
                href: format!("{glossary_url}#term-{}", e.id),
                title: e.term.clone(),
                heading: String::new(),
                text: e.definition.clone(),
                with_title: true,
            };
            words.count(s, &mut counted);
        }
        parts.push(Arc::new(counted));
    }
    // Postings by word, documents in order.
    let total: usize = parts.iter().map(|p| p.docs.len()).sum();
    let mut lens: Vec<f32> = Vec::with_capacity(total);
    let mut docs: Vec<Doc> = Vec::with_capacity(total);
    let mut merged: FxHashMap<Box<str>, Counts> = FxHashMap::default();
    for part in &parts {
        let first = docs.len() as u32;
        for (term, list) in &part.postings {
            let into = match merged.get_mut(term) {
                Some(into) => into,
                None => merged.entry(term.clone()).or_default(),
            };
            into.extend(list.iter().map(|&(doc, f)| (first + doc, f)));
        }
        docs.extend(part.docs.iter().cloned());
        lens.extend_from_slice(&part.lens);
    }
    drop(parts);
    let avg = (lens.iter().sum::<f32>() / total.max(1) as f32).max(1.0);
    let mut postings: Vec<(Box<str>, Counts)> = merged.into_iter().collect();
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Each word's entry: how many documents have it, then its best postings in document order,
    // each document as the difference from the one before (small numbers compress well).
    let entries: Vec<(String, String)> = postings
        .into_par_iter()
        .map(|(term, counts)| {
            let term = String::from(term);
            let df = counts.len();
            // BM25's term weight for each document, 0..=2.2, kept as hundredths.
            let mut list: Vec<(u32, u8)> = counts
                .into_iter()
                .map(|(doc, f)| {
                    let norm = K1 * (1.0 - B + B * lens[doc as usize] / avg);
                    let weight = (f * (K1 + 1.0) / (f + norm) * 100.0).round();
                    (doc, weight.clamp(1.0, 255.0) as u8)
                })
                .collect();
            if list.len() > MAX_POSTINGS {
                list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                list.truncate(MAX_POSTINGS);
                list.sort_unstable_by_key(|p| p.0);
            }
            let mut out = String::with_capacity(list.len() * 7 + term.len() + 8);
            out.push_str(&json_string(&term));
            let _ = write!(out, ":[{df}");
            let mut last = 0;
            for (doc, weight) in list {
                let _ = write!(out, ",{},{weight}", doc - last);
                last = doc;
            }
            out.push(']');
            (term, out)
        })
        .collect();
    // Words in order, cut into files of about TERMS_FILE bytes; meta.json names each file's
    // first word, so a query finds a word's file by binary search.
    let mut files: Vec<(String, String)> = Vec::new();
    let mut firsts: Vec<String> = Vec::new();
    let mut current = String::new();
    for (term, entry) in entries {
        if current.is_empty() {
            firsts.push(term);
            current.push('{');
        } else {
            current.push(',');
        }
        current.push_str(&entry);
        if current.len() >= TERMS_FILE {
            current.push('}');
            files.push((
                format!("search/t/{}.json", files.len()),
                std::mem::take(&mut current),
            ));
        }
    }
    if !current.is_empty() {
        current.push('}');
        files.push((format!("search/t/{}.json", files.len()), current));
    }
    let chunks: Vec<(String, String)> = docs
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            let mut out = String::from("[");
            for (i, d) in chunk.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    "[{},{},{},{}]",
                    json_string(&d.href),
                    json_string(&d.title),
                    json_string(&d.heading),
                    json_string(&d.excerpt)
                );
            }
            out.push(']');
            (format!("search/d/{n}.json"), out)
        })
        .collect();
    files.extend(chunks);
    let firsts: Vec<String> = firsts.iter().map(|t| json_string(t)).collect();
    files.push((
        "search/meta.json".to_string(),
        format!(
            "{{\"version\":2,\"language\":{},\"docs\":{},\"chunk\":{CHUNK},\"pairs\":{PAIRS},\"terms\":[{}]}}",
            json_string(language),
            docs.len(),
            firsts.join(",")
        ),
    ));
    files
}

/// One thread's stemmer, and the terms of the words it has seen (by number, so counting a
/// section allocates nothing per word).
struct Words {
    stemmer: Option<search_wasm::Stemmer>,
    /// A word as written (lowercase) → its term's number.
    seen: FxHashMap<String, u32>,
    /// Term numbers: the term, and its count in the current section.
    terms: Vec<(String, f32)>,
    term_ids: FxHashMap<String, u32>,
    /// Two words in a row (their numbers) → the number of the pair's term, `"first second"`.
    pairs: FxHashMap<(u32, u32), u32>,
    /// The current section's terms, by number.
    touched: Vec<u32>,
}

impl Words {
    fn new(language: &str) -> Words {
        Words {
            stemmer: search_wasm::stemmer(language),
            seen: FxHashMap::default(),
            terms: Vec::new(),
            term_ids: FxHashMap::default(),
            pairs: FxHashMap::default(),
            touched: Vec::new(),
        }
    }

    /// The number of `term`, made when new.
    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push((term.to_string(), 0.0));
        self.term_ids.insert(term.to_string(), id);
        id
    }

    /// Count `weight` more of term `id` in the current section.
    fn add(&mut self, id: u32, weight: f32) {
        let entry = &mut self.terms[id as usize].1;
        if *entry == 0.0 {
            self.touched.push(id);
        }
        *entry += weight;
    }

    /// A section counted into `out`: each word's weight by field (title ×3, heading ×2, text
    /// ×1), and the section's length in words.
    fn count(&mut self, s: Section, out: &mut Counted) {
        let doc = out.docs.len() as u32;
        let mut len = 0.0;
        let fields = [
            (if s.with_title { s.title.as_str() } else { "" }, 3.0),
            (s.heading.as_str(), 2.0),
            (s.text.as_str(), 1.0),
        ];
        if self.terms.len() > 300_000 {
            // A bound on memory for large courses: numbers only live for one section (the
            // postings are kept by word), so the tables are caches and can start again.
            self.seen.clear();
            self.pairs.clear();
            self.terms.clear();
            self.term_ids.clear();
        }
        for (text, weight) in fields {
            // Two words in a row are a term too ("least squar"): a query's words found side by
            // side rank first, and a phrase in quotes needs each of its pairs.
            let mut previous: Option<u32> = None;
            search_wasm::each_piece(text, |piece| {
                let id = match piece {
                    search_wasm::Piece::Word(lower) => match self.seen.get(lower) {
                        Some(&id) => id,
                        None => {
                            let term = search_wasm::term(lower, self.stemmer.as_ref());
                            let id = self.term_id(&term);
                            self.seen.insert(lower.to_string(), id);
                            id
                        }
                    },
                    search_wasm::Piece::Unspaced(pair) => self.term_id(pair),
                };
                self.add(id, weight);
                if let (true, Some(before)) = (PAIRS, previous) {
                    let pair = match self.pairs.get(&(before, id)) {
                        Some(&pair) => pair,
                        None => {
                            let name = format!(
                                "{} {}",
                                self.terms[before as usize].0, self.terms[id as usize].0
                            );
                            let pair = self.term_id(&name);
                            self.pairs.insert((before, id), pair);
                            pair
                        }
                    };
                    self.add(pair, weight);
                }
                previous = matches!(piece, search_wasm::Piece::Word(_)).then_some(id);
                len += 1.0;
            });
        }
        let (terms, touched) = (&mut self.terms, &mut self.touched);
        for &id in touched.iter() {
            let (term, f) = &mut terms[id as usize];
            match out.postings.get_mut(term.as_str()) {
                Some(list) => list.push((doc, *f)),
                None => {
                    out.postings.insert(term.as_str().into(), vec![(doc, *f)]);
                }
            }
            *f = 0.0;
        }
        touched.clear();
        out.lens.push(len);
        out.docs.push(Doc {
            excerpt: excerpt(&s.text),
            href: s.href,
            title: s.title,
            heading: s.heading,
        });
    }
}

/// A page's sections: its text (the page's HTML, then its quiz's) cut at each heading that has
/// an id (`<h2 id="…">` … `<h6>`).
fn split_sections(url: &str, title: &str, parts: [&str; 2], docs: &mut Vec<Section>) {
    let mut doc = Section {
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
                Section {
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
    decode_and_squeeze(&out)
}

/// The few entities the build writes decoded, and runs of white space made one space.
fn decode_and_squeeze(text: &str) -> String {
    const ENTITIES: [(&str, char); 6] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&#x27;", '\''),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            space = !out.is_empty();
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c == '&'
            && let Some((entity, ch)) = ENTITIES.iter().find(|(e, _)| rest.starts_with(e))
        {
            out.push(*ch);
            rest = &rest[entity.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
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
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_cut_into_sections_at_headings_with_ids() {
        let mut docs = Vec::new();
        split_sections(
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
            text_of(
                "<p>A <span class=\"term\"><a href=\"g.html\">model</a><span class=\"term-tip\" role=\"tooltip\" id=\"t\">A <span>function</span>.</span></span> fits. <svg><text>axis</text></svg>Done &lt;3</p>"
            ),
            "A model fits. Done <3"
        );
    }

    #[test]
    fn excerpts_are_cut_at_a_word() {
        assert!(excerpt(&"word ".repeat(100)).chars().count() <= EXCERPT + 1);
        assert_eq!(excerpt("short"), "short");
    }
}
