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
//! - Two words in a row, as written, are a term too ([`PAIRS`]): words side by side rank first
//!   and a phrase in quotes needs them.
//! - `search/meta.json` (counts, each terms file's first term), `search/t/<n>.json` (terms in
//!   order → postings, about [`TERMS_FILE`] bytes a file, so a query fetches one small file a
//!   word, found by binary search) and `search/d/<n>.json` (documents, [`CHUNK`] a file:
//!   address, page title, heading, excerpt).

use crate::content::glossary::Glossary;
use crate::content::{Course, PageKind};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::fmt::Write;
use std::sync::Arc;

/// Documents per file of `search/d/`: the ten results a query shows fetch a few small files.
pub const CHUNK: usize = 16;
/// About how many bytes of postings a file of `search/t/` holds (a third of that gzipped).
const TERMS_FILE: usize = 60_000;
/// The postings kept for a word: its best-weighted documents. A query ranks and shows the
/// best ten; a word in tens of thousands of sections would otherwise weigh hundreds of KB.
const MAX_POSTINGS: usize = 1000;
/// Pairs of words in a row are indexed for a page's first this many words: a lesson is a few
/// thousand; a 6 MB page of random words would otherwise make 800,000 pairs and 450 MB.
const PAIR_WORDS: usize = 50_000;
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

/// A term's key: the hash of its text, never 0; a pair of words is its two words' keys, a
/// single word its key and 0. Counting and merging move numbers, not strings: a term's text
/// is only looked up once, to write it.
type Key = (u64, u64);

/// A page's documents counted: for each (term, document of the page) its weighted count, and
/// the text of each word key the page uses.
#[derive(Default)]
pub struct Counted {
    docs: Vec<Doc>,
    lens: Vec<f32>,
    names: Vec<(u64, Arc<str>)>,
    postings: Vec<(Key, u32, f32)>,
    /// Where each shard starts in `names` and in `postings`, which are sorted by shard.
    name_shards: Vec<u32>,
    shards: Vec<u32>,
}

/// What `coursebook serve` keeps between builds: each page's counted words, by the key of its
/// rendered Markdown (which changes with its text, title and URL).
pub type Cache = std::collections::HashMap<u64, std::sync::Arc<Counted>>;

/// Whether two words in a row are indexed as a term too, as written but folded ("least
/// squares", not stemmed: a pair is how a learner finds the very words of a section): a query's
/// words found side by side rank first, and a phrase in quotes needs each of its pairs.
/// search.js reads the flag from meta.json.
const PAIRS: bool = true;

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
                if let Some(hit) = previous.and_then(|c| c.get(&pages_html[i].0)) {
                    return Arc::clone(hit);
                }
                let page = &course.pages[i];
                let mut sections = Vec::new();
                split_sections(&page.url, &page.title, pages_html[i].1, &mut sections);
                Arc::new(words.count_page(sections))
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
        let sections = g
            .entries
            .iter()
            .map(|e| Section {
                href: format!("{glossary_url}#term-{}", e.id),
                title: e.term.clone(),
                heading: String::new(),
                text: e.definition.clone(),
                with_title: true,
            })
            .collect();
        parts.push(Arc::new(Words::new(language).count_page(sections)));
    }
    // Documents numbered across the course, in reading order.
    let mut lens: Vec<f32> = Vec::new();
    let mut docs: Vec<&Doc> = Vec::new();
    let mut firsts: Vec<u32> = Vec::with_capacity(parts.len());
    for part in &parts {
        firsts.push(docs.len() as u32);
        docs.extend(&part.docs);
        lens.extend_from_slice(&part.lens);
    }
    let total = docs.len();
    let avg = (lens.iter().sum::<f32>() / total.max(1) as f32).max(1.0);
    // Each page's postings and names are sorted by shard (site/search.rs `shard`): a shard's
    // terms are gathered from every page and written on their own, all shards in parallel,
    // so no list of every posting of the course is ever made or sorted.
    let names: Vec<FxHashMap<u64, &str>> = (0..SHARDS)
        .into_par_iter()
        .map(|s| {
            let mut map = FxHashMap::default();
            for part in &parts {
                let range = part.name_shards[s] as usize..part.name_shards[s + 1] as usize;
                for (key, name) in &part.names[range] {
                    map.entry(*key).or_insert(&**name);
                }
            }
            map
        })
        .collect();
    let name = |key: u64| names[shard(key)].get(&key).copied();
    let mut entries: Vec<(String, String)> = (0..SHARDS)
        .into_par_iter()
        .flat_map_iter(|s| {
            let mut postings: Vec<(Key, u32, f32)> = Vec::new();
            for (part, &first) in parts.iter().zip(&firsts) {
                let range = part.shards[s] as usize..part.shards[s + 1] as usize;
                postings.extend(
                    part.postings[range]
                        .iter()
                        .map(|&(k, d, f)| (k, first + d, f)),
                );
            }
            // Pages come in order, and each page's postings are in document order for a term.
            postings.sort_by_key(|p| p.0);
            let mut out = Vec::new();
            let mut at = 0;
            while at < postings.len() {
                let key = postings[at].0;
                let end = at + postings[at..].iter().take_while(|p| p.0 == key).count();
                if let Some(entry) = entry(key, &postings[at..end], &name, &lens, avg) {
                    out.push(entry);
                }
                at = end;
            }
            out
        })
        .collect();
    // Two different terms cannot share a key but by a 64-bit hash collision; were they to, the
    // text decides the order all the same.
    entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
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

/// One term's entry of `search/t/`: how many documents have it, then its best postings in
/// document order, each document as the difference from the one before (small numbers
/// compress well), with its BM25 weight.
fn entry<'a>(
    (a, b): Key,
    run: &[(Key, u32, f32)],
    name: &dyn Fn(u64) -> Option<&'a str>,
    lens: &[f32],
    avg: f32,
) -> Option<(String, String)> {
    let term = match b {
        0 => name(a)?.to_string(),
        _ => format!("{} {}", name(a)?, name(b)?),
    };
    let df = run.len();
    // BM25's term weight for each document, 0..=2.2, kept as hundredths.
    let mut list: Vec<(u32, u8)> = run
        .iter()
        .map(|&(_, doc, f)| {
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
    Some((term, out))
}

/// Postings and names are gathered in this many groups of keys, each on its own.
const SHARDS: usize = 64;

/// The group of a word key (its top bits: keys are hashes), or of a term's [`Key`].
fn shard(key: u64) -> usize {
    (key >> 58) as usize
}

fn shard_of((a, b): Key) -> usize {
    shard(a ^ b.rotate_left(29))
}

/// Where each shard's items start in `items`, sorted by shard (and one past the end).
fn shard_starts<T>(items: &[T], shard: impl Fn(&T) -> usize) -> Vec<u32> {
    let mut starts = vec![0u32; SHARDS + 1];
    for item in items {
        starts[shard(item) + 1] += 1;
    }
    for s in 0..SHARDS {
        starts[s + 1] += starts[s];
    }
    starts
}

/// A term known to one thread.
struct Term {
    name: Arc<str>,
    key: u64,
    /// Its weighted count in the current section.
    count: f32,
    /// The last page that named it (see [`Words::page`]).
    named_in: u32,
}

impl Term {
    /// Give the page its text, the first time the page uses it; its key.
    fn name_once(&mut self, page: u32, out: &mut Counted) -> u64 {
        if self.named_in != page {
            self.named_in = page;
            out.names.push((self.key, Arc::clone(&self.name)));
        }
        self.key
    }
}

/// One thread's stemmer, and the terms of the words it has seen (by number, so counting a
/// section allocates nothing per word).
struct Words {
    stemmer: Option<search_wasm::Stemmer>,
    /// A word as written (lowercase) → the numbers of its term and of its written form.
    seen: FxHashMap<String, (u32, u32)>,
    terms: Vec<Term>,
    term_ids: FxHashMap<Box<str>, u32>,
    /// The current section's pairs of words in a row (their numbers), with their counts.
    pairs: FxHashMap<(u32, u32), f32>,
    /// The current section's terms, by number.
    touched: Vec<u32>,
    /// A number for the page being counted: each term's text is given once a page.
    page: u32,
    /// Words counted so far in the page.
    page_words: usize,
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
            page: 0,
            page_words: 0,
        }
    }

    /// The number of `term`, made when new.
    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.terms.push(Term {
            name: term.into(),
            key: key_of(term),
            count: 0.0,
            named_in: u32::MAX,
        });
        self.term_ids.insert(term.into(), id);
        id
    }

    /// Count `weight` more of term `id` in the current section.
    fn add(&mut self, id: u32, weight: f32) {
        let entry = &mut self.terms[id as usize].count;
        if *entry == 0.0 {
            self.touched.push(id);
        }
        *entry += weight;
    }

    /// A page's sections counted.
    fn count_page(&mut self, sections: Vec<Section>) -> Counted {
        self.page = self.page.wrapping_add(1);
        self.page_words = 0;
        let mut out = Counted::default();
        for s in sections {
            self.count(s, &mut out);
        }
        out.postings
            .sort_unstable_by_key(|&(key, doc, _)| (shard_of(key), key, doc));
        out.shards = shard_starts(&out.postings, |p| shard_of(p.0));
        out.names.sort_unstable_by_key(|n| (shard(n.0), n.0));
        out.name_shards = shard_starts(&out.names, |n| shard(n.0));
        out
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
            // postings are kept by key), so the tables are caches and can start again.
            self.seen.clear();
            self.terms.clear();
            self.term_ids.clear();
        }
        for (text, weight) in fields {
            let mut previous: Option<u32> = None;
            search_wasm::each_piece(text, |piece| {
                // The word's term (stemmed, for finding it in any form) and its written form
                // (folded, for pairs: words side by side as written).
                let (id, written) = match piece {
                    search_wasm::Piece::Word(lower) => match self.seen.get(lower) {
                        Some(&ids) => ids,
                        None => {
                            let term = search_wasm::term(lower, self.stemmer.as_ref());
                            let id = self.term_id(&term);
                            let written = if PAIRS {
                                self.term_id(&search_wasm::fold(lower))
                            } else {
                                id
                            };
                            self.seen.insert(lower.to_string(), (id, written));
                            (id, written)
                        }
                    },
                    search_wasm::Piece::Unspaced(pair) => {
                        let id = self.term_id(pair);
                        (id, id)
                    }
                };
                self.add(id, weight);
                self.page_words += 1;
                if let (true, Some(before)) = (PAIRS && self.page_words <= PAIR_WORDS, previous) {
                    *self.pairs.entry((before, written)).or_insert(0.0) += weight;
                }
                previous = matches!(piece, search_wasm::Piece::Word(_)).then_some(written);
                len += 1.0;
            });
        }
        let page = self.page;
        for &id in &self.touched {
            let term = &mut self.terms[id as usize];
            out.postings.push(((term.key, 0), doc, term.count));
            term.count = 0.0;
            term.name_once(page, out);
        }
        self.touched.clear();
        for ((a, b), f) in self.pairs.drain() {
            let a = self.terms[a as usize].name_once(page, out);
            let b = self.terms[b as usize].name_once(page, out);
            out.postings.push(((a, b), doc, f));
        }
        out.lens.push(len);
        out.docs.push(Doc {
            excerpt: excerpt(&s.text),
            href: s.href,
            title: s.title,
            heading: s.heading,
        });
    }
}

/// A term's key: a hash of its text that is the same in every build (never 0, which marks a
/// single word in a [`Key`]).
fn key_of(term: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    term.hash(&mut h);
    h.finish().max(1)
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
