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
//! - A section's name (its heading, else its title: a glossary term, a page without headings)
//!   is a term too, its words as written (a one-word name: its stem), each and a space, then
//!   U+001F ([`Words::name`]): a
//!   result named exactly as the query comes first, though a common word ranks it below the
//!   first ten.
//! - Two words in a row, as written, are a term too ([`PAIRS`]), and so are two pairs of
//!   characters of an unspaced script in a row: words side by side rank first and a phrase in
//!   quotes needs them.
//! - A page whose text opens with a heading has no first section of its own: its title counts
//!   in the section of that heading.
//! - Each written form notes its stems for search.js (one, or every one when spellings that
//!   fold alike stem apart).
//! - `search/meta.json` (counts, each terms file's first term), `search/t/<n>.json` (terms in
//!   order → postings, about [`TERMS_FILE`] bytes a file, so a query fetches one small file a
//!   word, found by binary search) and `search/d/<n>.json` (documents, [`CHUNK`] a file:
//!   address, page title, heading, excerpt).

use super::per_thread::PerThread;
use crate::content::glossary::Glossary;
use crate::content::{Course, PageKind};
use crate::markdown::mentions::Matcher;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Documents per file of `search/d/`: the ten results a query shows fetch a few small files.
/// Each result fetches its document's file, so fewer a file would cost fewer bytes, but each
/// file costs the build: with 4 a file (1,354 more files at 1,000 lessons) the step writing
/// the index took 360 → 1,300 ms on this machine's disk, where ext4 looks past every
/// recently deleted inode for each new file (tests/bench/HISTORY.md, 2026-12-05).
pub const CHUNK: usize = 16;
/// About how many bytes of postings a file of `search/t/` holds (a third of that gzipped). A
/// further word fetches its own file and its pair's, often two: at 60,000 two files and the
/// results' documents came to 64 KB gzip on the 1,000-lesson bench course, over the 50 KB
/// budget; at 40,000 two files come to about 28 KB.
const TERMS_FILE: usize = 40_000;
/// The postings kept for a word: its best-weighted documents. A query ranks and shows the
/// best ten; a word in tens of thousands of sections would otherwise weigh hundreds of KB.
const MAX_POSTINGS: usize = 1000;
/// Pairs of words in a row are indexed for a page's first this many words: a lesson is a few
/// thousand; a 6 MB page of random words would otherwise make 800,000 pairs and 450 MB.
const PAIR_WORDS: usize = 50_000;
/// A page's words indexed, at most (about 400 printed pages; a lesson is a few thousand): a
/// 14 MB lesson of distinct random words made 2.1 million terms, 224 MB more memory (16× the
/// lesson) and 3.8 s; past this the rest of the page is not indexed, with a warning.
pub const PAGE_WORDS: usize = 200_000;
// Said in thousands (site/mod.rs).
const _: () = assert!(PAGE_WORDS.is_multiple_of(1000));
/// A page's sections (documents) in the index, at most: each repeats the page's title and
/// address, so a 1,000-character title over 100,000 headings made a 419 MB index. The rest of
/// the page is counted in its last section, with a warning. A long lesson has a few dozen.
pub const PAGE_SECTIONS: usize = 1000;
/// A name longer than this many words is not indexed as a name: nobody types it whole.
const MAX_NAME_WORDS: usize = 8;
/// The excerpt kept for each document, in characters: search.js shows 220 of them, around
/// the first of the query's words it finds. The first result showed one of the query's words
/// in its excerpt for 37.5 % of the bench course's 200 queries with 220 characters kept and
/// 51.5 % with 320, each further word then fetching 32.1 and 37.1 KB (the budget is 50 KB at
/// 10,000 lessons, where this is 43 KB).
const EXCERPT: usize = 320;
/// What a word of inline code outside a code block counts for, against 1 in prose and in code
/// blocks: as much as a heading's. The section that teaches an API names it in its sentences
/// (`String::from`) and is long, and BM25's length norm put short sections that only call it
/// in their code above it (an audit of 87 API queries on two Rust books: the teaching section
/// first for 34, now 41; `println!` on *Rust by Example* found "Formatted print" fifth).
const INLINE_CODE_WEIGHT: f32 = 2.0;
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
struct Section<'a> {
    href: String,
    title: String,
    heading: String,
    /// Its text: pieces of the page's HTML, or a glossary definition (plain text).
    parts: Vec<&'a str>,
    html: bool,
    /// The page title's words count for this document (a page's first section).
    with_title: bool,
    /// Other names it is found by, counted as a heading is and each a name of its own (a
    /// glossary entry's aliases: `weights` finds *Parameter*).
    aliases: Vec<String>,
}

/// One term in one document: its words' numbers in the [`Dict`] (`b` is [`NO_WORD`] for a
/// single word), the document (numbered in its page, then in the course) and the weighted count.
#[derive(Clone, Copy)]
struct Posting {
    a: u32,
    b: u32,
    doc: u32,
    count: f32,
}

/// The second word of a single word's [`Posting`].
const NO_WORD: u32 = u32::MAX;

/// A page's documents counted: for each (term, document of the page) its weighted count.
#[derive(Default)]
pub struct Counted {
    /// Whether the page had more than [`PAGE_WORDS`] words (the rest were not counted).
    cut: bool,
    /// Whether the page had more than [`PAGE_SECTIONS`] sections (the rest counted in its last).
    sections_cut: bool,
    docs: Vec<Doc>,
    lens: Vec<f32>,
    postings: Vec<Posting>,
    /// Where each shard that has postings starts in `postings`, which are grouped by shard.
    shards: Vec<(u8, u32)>,
    /// Each word of the page as written (folded) whose term is another (its stem): (written,
    /// term), once each. search.js has no stemmer: the index tells it each word's stem.
    stems: Vec<(u32, u32)>,
}

impl Counted {
    /// The page's shards that have postings, in order, each with its postings.
    fn shards(&self) -> impl Iterator<Item = (u8, &[Posting])> {
        (0..self.shards.len()).map(|k| (self.shards[k].0, self.postings_of(k)))
    }

    /// The page's postings of shard `s`.
    fn shard(&self, s: u8) -> &[Posting] {
        match self.shards.binary_search_by_key(&s, |&(shard, _)| shard) {
            Ok(k) => self.postings_of(k),
            Err(_) => &[],
        }
    }

    /// The postings of the page's `k`th shard that has any.
    fn postings_of(&self, k: usize) -> &[Posting] {
        let start = self.shards[k].1 as usize;
        let end = self
            .shards
            .get(k + 1)
            .map_or(self.postings.len(), |&(_, e)| e as usize);
        &self.postings[start..end]
    }
}

/// Every term's text by number, shared by the threads that count: postings move numbers, not
/// strings, and each term's text is stored once for the course. Numbers are handed out in no
/// fixed order (threads race), so nothing written depends on them: the index is ordered by text.
#[derive(Default)]
pub struct Dict {
    shards: [std::sync::Mutex<DictShard>; DICT_SHARDS],
}

const DICT_SHARDS: usize = 16;

#[derive(Default)]
struct DictShard {
    ids: FxHashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Dict {
    /// The number of `term`, made when new: its shard, and its place there.
    fn id(&self, term: &str) -> u32 {
        use std::hash::BuildHasher;
        let s = (rustc_hash::FxBuildHasher.hash_one(term) >> 60) as usize % DICT_SHARDS;
        let mut shard = self.shards[s]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(&id) = shard.ids.get(term) {
            return id;
        }
        let id = u32::try_from(shard.names.len() * DICT_SHARDS + s).unwrap_or(NO_WORD - 1);
        let name: Arc<str> = term.into();
        shard.names.push(Arc::clone(&name));
        shard.ids.insert(name, id);
        id
    }

    /// Every term's text, by number ("" for numbers not handed out).
    fn names(&mut self) -> Vec<&str> {
        let longest = self
            .shards
            .iter_mut()
            .map(|s| s.get_mut().map_or(0, |s| s.names.len()))
            .max()
            .unwrap_or(0);
        let mut out = vec![""; longest * DICT_SHARDS];
        for (s, shard) in self.shards.iter_mut().enumerate() {
            if let Ok(shard) = shard.get_mut() {
                for (i, name) in shard.names.iter().enumerate() {
                    out[i * DICT_SHARDS + s] = name;
                }
            }
        }
        out
    }
}

/// What `coursebook serve` keeps between builds: each page's counted words, by the key of its
/// rendered Markdown (which changes with its text, title and URL), and the terms they number.
#[derive(Default)]
pub struct Cache {
    pages: std::collections::HashMap<u64, Arc<Counted>>,
    dict: Dict,
}

/// Whether two words in a row are indexed as a term too, as written but folded ("least
/// squares", not stemmed: a pair is how a learner finds the very words of a section): a query's
/// words found side by side rank first, and a phrase in quotes needs each of its pairs.
/// search.js reads the flag from meta.json.
const PAIRS: bool = true;

/// The search index, and what of the course it left out.
pub struct Index {
    /// Path under the site's root → text.
    pub files: Vec<(String, String)>,
    /// The pages (indices in `course.pages`) past [`PAGE_WORDS`], whose rest is not indexed.
    pub cut: Vec<usize>,
    /// Whether the glossary passed [`PAGE_WORDS`].
    pub glossary_cut: bool,
    /// The pages (indices in `course.pages`) past [`PAGE_SECTIONS`], whose further sections
    /// are counted in their last.
    pub sections_cut: Vec<usize>,
}

/// The files of the index: path under the site's root → bytes.
pub fn build(
    course: &Course,
    pages_html: &[(u64, [&str; 2])],
    glossary: Option<(&Glossary, &Matcher)>,
    language: &str,
    glossary_url: &str,
    cache: Option<&mut Cache>,
) -> Index {
    let pages: Vec<usize> = course
        .reading_order()
        .into_iter()
        .filter(|&i| {
            let page = &course.pages[i];
            page.kind != PageKind::NotFound && page.front.search != Some(false)
        })
        .collect();
    // serve keeps its terms' numbers and its pages' counts; a plain build starts afresh.
    let mut fresh = Cache::default();
    let cache = cache.unwrap_or(&mut fresh);
    // Pages counted in parallel, each thread with its own stemmer and cache of stemmed words;
    // with serve's cache, only pages whose Markdown changed.
    let (previous, dict) = (&cache.pages, &cache.dict);
    let counters = PerThread::new();
    let mut parts: Vec<Arc<Counted>> = pages
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            if let Some(hit) = previous.get(&pages_html[i].0) {
                return Arc::clone(hit);
            }
            let page = &course.pages[i];
            let mut sections = Vec::new();
            let sections_cut =
                split_sections(&page.url, &page.title, pages_html[i].1, &mut sections);
            let mut counted = counters.with(
                || Words::new(language, dict),
                |words| words.count_page(sections),
            );
            counted.sections_cut = sections_cut;
            Arc::new(counted)
        })
        .collect();
    drop(counters);
    cache.pages = pages
        .iter()
        .zip(&parts)
        .map(|(&i, part)| (pages_html[i].0, Arc::clone(part)))
        .collect();
    // The pages (indices in `course.pages`) whose count was cut short one way or the other.
    let cut_by = |was_cut: fn(&Counted) -> bool| -> Vec<usize> {
        pages
            .iter()
            .zip(&parts)
            .filter(|(_, part)| was_cut(part))
            .map(|(&i, _)| i)
            .collect()
    };
    let (cut, sections_cut) = (cut_by(|c| c.cut), cut_by(|c| c.sections_cut));
    let mut glossary_cut = false;
    if let Some((g, matcher)) = glossary {
        // A definition indexed and excerpted as the glossary shows it, the matcher's HTML
        // (rendered once for the build): its Markdown source put `**bold**` and a link's
        // address in the results.
        let sections = g
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| Section {
                href: format!("{glossary_url}#term-{}", e.id),
                title: e.term.clone(),
                heading: String::new(),
                parts: vec![matcher.definition(i)],
                html: true,
                with_title: true,
                aliases: e.aliases.clone(),
            })
            .collect();
        let counted = Words::new(language, dict).count_page(sections);
        glossary_cut = counted.cut;
        parts.push(Arc::new(counted));
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
    // Terms in the order of their text: a word's place among the words, and a pair after its
    // first word and before any longer word ("least" < "least squares" < "leastwise": words
    // hold no character below the space).
    let names = cache.dict.names();
    let (order, rank) = {
        let mut order: Vec<u32> = (0..names.len() as u32).collect();
        order.par_sort_unstable_by_key(|&id| names[id as usize]);
        let mut rank = vec![0u32; names.len()];
        for (r, &id) in order.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        (order, rank)
    };
    // A shard is the terms whose first byte is its number, so shards in order hold the terms
    // in order. Each gathers its postings from every page and writes its entries, in order,
    // into one string, all shards in parallel: no list of every posting of the course is ever
    // made or sorted.
    // Each shard's terms are a run of ranks: (first, end) by first byte.
    let mut runs = [(0u32, 0u32); 256];
    for (r, &id) in order.iter().enumerate() {
        let byte = names[id as usize].as_bytes().first().copied().unwrap_or(0);
        let run = &mut runs[usize::from(byte)];
        if run.1 == 0 {
            run.0 = r as u32;
        }
        run.1 = r as u32 + 1;
    }
    // Each written form's stem, for search.js, which has no stemmer (and so needs no
    // WebAssembly, refused by a `script-src 'self'` policy): the pages' lists together, by
    // shard and in the terms' order. Two spellings that fold alike may have two stems
    // (Spanish "después" is its own, "despues" stems to "despu"): every one is kept, in the
    // order of their text, so the index stays the same whatever the order the threads counted
    // in. Keeping only the first lost the 173 sections saying "después" of a real book to the
    // one misspelling it.
    let stems_by_shard: Vec<Vec<(u32, u32)>> = {
        let mut stem_of = vec![NO_WORD; names.len()];
        // The other stems of the few forms that have several.
        let mut others: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for part in &parts {
            for &(written, term) in &part.stems {
                let kept = &mut stem_of[written as usize];
                if *kept == NO_WORD {
                    *kept = term;
                } else if *kept != term {
                    others.entry(written).or_default().push(term);
                }
            }
        }
        let mut by_shard = vec![Vec::new(); 256];
        for (r, &id) in order.iter().enumerate() {
            let stem = stem_of[id as usize];
            if stem == NO_WORD {
                continue;
            }
            let byte = names[id as usize].as_bytes().first().copied().unwrap_or(0);
            let shard = &mut by_shard[usize::from(byte)];
            match others.get_mut(&id) {
                None => shard.push((r as u32, stem)),
                Some(more) => {
                    more.push(stem);
                    more.sort_unstable_by_key(|&s| names[s as usize]);
                    more.dedup();
                    shard.extend(more.iter().map(|&s| (r as u32, s)));
                }
            }
        }
        by_shard
    };
    // BM25's length norm of each document, once (it was worked out for each posting), with
    // the weight of a term counted once there (the write of the terms' entries took 39 ms of
    // CPU on the code-heavy bench course, 33 with it: most postings count once).
    let norms: Vec<(f32, u8)> = lens
        .iter()
        .map(|&len| {
            let norm = K1 * (1.0 - B + B * len / avg);
            (norm, bm25_weight(1.0, norm))
        })
        .collect();
    // Shards largest first: each is one thread's work and the step ends with its last; in the
    // order of their first byte, a large shard begun late kept one core busy while the other
    // waited.
    let mut sizes = [0usize; 256];
    for part in &parts {
        for (s, postings) in part.shards() {
            sizes[usize::from(s)] += postings.len();
        }
    }
    let mut largest_first: Vec<u8> = (0..=u8::MAX).collect();
    largest_first.sort_by_key(|&s| std::cmp::Reverse(sizes[usize::from(s)]));
    let scratches = PerThread::new();
    let mut shards: Vec<(u8, (String, Vec<u32>))> = largest_first
        .into_par_iter()
        .with_max_len(1)
        .map(|s| {
            (
                s,
                scratches.with(Scratch::default, |scratch| {
                    // Gathered straight into the order of their first word (a counting sort: the
                    // shard's first words are the ranks `runs[s]`), pages in order, so each first
                    // word's postings are in document order.
                    let (lo, hi) = runs[usize::from(s)];
                    let starts = &mut scratch.starts;
                    starts.clear();
                    starts.resize((hi.saturating_sub(lo)) as usize + 2, 0);
                    for part in &parts {
                        for p in part.shard(s) {
                            starts[(rank[p.a as usize] - lo) as usize + 1] += 1;
                        }
                    }
                    for i in 1..starts.len() {
                        starts[i] += starts[i - 1];
                    }
                    let total = starts.last().copied().unwrap_or(0) as usize;
                    let by_first = &mut scratch.by_first;
                    by_first.clear();
                    by_first.resize(total, (0, 0, 0.0));
                    let next = &mut scratch.next;
                    next.clone_from(starts);
                    for (part, &first) in parts.iter().zip(&firsts) {
                        for p in part.shard(s) {
                            let a = rank[p.a as usize];
                            let b = if p.b == NO_WORD {
                                0
                            } else {
                                rank[p.b as usize] + 1
                            };
                            let slot = &mut next[(a - lo) as usize];
                            by_first[*slot as usize] =
                                (u64::from(a) << 32 | u64::from(b), first + p.doc, p.count);
                            *slot += 1;
                        }
                    }
                    by_second_word(by_first, starts, &mut scratch.counts, &mut scratch.bucket);
                    let postings = &scratch.by_first;
                    // Bytes, made a string once: the entries are ASCII digits and commas but for the
                    // terms, copied from strings.
                    let mut out: Vec<u8> = Vec::with_capacity(postings.len() * 6);
                    let mut ends = Vec::new();
                    // A written form's stem sits right after its word's own entry, before its pairs:
                    // "vectors" < "vectors\u{1e}" < "vectors are" (U+001E is below the space).
                    // A form's stems are neighbours: one entry for them all.
                    let mut stems = stems_by_shard[usize::from(s)]
                        .chunk_by(|x, y| x.0 == y.0)
                        .peekable();
                    let write_stems =
                        |out: &mut Vec<u8>, ends: &mut Vec<u32>, run: &[(u32, u32)]| {
                            let written = names[order[run[0].0 as usize] as usize];
                            stem_entry(
                                out,
                                written,
                                run.iter().map(|&(_, stem)| names[stem as usize]),
                            );
                            ends.push(out.len() as u32);
                        };
                    for run in postings.chunk_by(|x, y| x.0 == y.0) {
                        let (a, b) = ((run[0].0 >> 32) as usize, run[0].0 as u32 as usize);
                        while let Some(&forms) = stems.peek()
                            && let r = forms[0].0 as usize
                            && (r < a || (r == a && b != 0))
                        {
                            write_stems(&mut out, &mut ends, forms);
                            stems.next();
                        }
                        let term = (order[a], if b == 0 { NO_WORD } else { order[b - 1] });
                        entry(&mut out, &names, term, run, &norms);
                        ends.push(out.len() as u32);
                    }
                    for forms in stems {
                        write_stems(&mut out, &mut ends, forms);
                    }
                    let out = String::from_utf8(out)
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    (out, ends)
                }),
            )
        })
        .collect();
    shards.sort_unstable_by_key(|&(s, _)| s);
    // Terms in order, cut into files of about TERMS_FILE bytes.
    let (mut files, firsts) = term_files(&shards);
    let chunks: Vec<(String, String)> = docs
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            // Written as bytes, each string escaped in place (a JSON string made for each
            // field was 2 % of the index).
            let mut out: Vec<u8> = Vec::with_capacity(chunk.len() * 400);
            out.push(b'[');
            for (i, d) in chunk.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                for (j, field) in [&d.href, &d.title, &d.heading, &d.excerpt]
                    .into_iter()
                    .enumerate()
                {
                    out.extend_from_slice(if j == 0 { b"[\"" } else { b",\"" });
                    escape_into(&mut out, field);
                    out.push(b'"');
                }
                out.push(b']');
            }
            out.push(b']');
            let out = String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            (format!("search/d/{n}.json"), out)
        })
        .collect();
    files.extend(chunks);
    files.push((
        "search/meta.json".to_string(),
        format!(
            "{{\"version\":3,\"language\":{},\"docs\":{},\"chunk\":{CHUNK},\"pairs\":{PAIRS},\"terms\":[{}]}}",
            json_string(language),
            docs.len(),
            firsts.join(",")
        ),
    ));
    Index {
        files,
        cut,
        glossary_cut,
        sections_cut,
    }
}

/// A shard's postings, gathered in document order, put in order of term with each term's
/// documents still in order: two stable counting sorts, by first word (dense: a shard's words
/// are neighbours in the order) and then, within each first word, by second word, with
/// `scratch` as the counts by second word (a thread's, all zero between calls). Sorting every
/// posting was 5 % of a build's instructions, a hash map of the distinct terms a sixth of the
/// index's.
#[cfg(test)]
fn in_term_order(postings: &[(u64, u32, f32)], scratch: &mut Vec<u32>) -> Vec<(u64, u32, f32)> {
    let (Some(lo), Some(hi)) = (
        postings.iter().map(|p| p.0 >> 32).min(),
        postings.iter().map(|p| p.0 >> 32).max(),
    ) else {
        return Vec::new();
    };
    let mut starts = vec![0u32; (hi - lo) as usize + 2];
    for p in postings {
        starts[((p.0 >> 32) - lo) as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut by_first = vec![(0, 0, 0.0); postings.len()];
    let mut next = starts.clone();
    for p in postings {
        let slot = &mut next[((p.0 >> 32) - lo) as usize];
        by_first[*slot as usize] = *p;
        *slot += 1;
    }
    by_second_word(&mut by_first, &starts, scratch, &mut Vec::new());
    by_first
}

/// What a thread keeps between shards, so that each shard does not take fresh memory (the
/// kernel's new pages were a third of the index's time).
#[derive(Default)]
struct Scratch {
    starts: Vec<u32>,
    next: Vec<u32>,
    by_first: Vec<(u64, u32, f32)>,
    /// Counts by second word, all zero between calls.
    counts: Vec<u32>,
    bucket: Vec<(u64, u32, f32)>,
}

/// Postings in order of first word (bucket `i` is `postings[starts[i]..starts[i + 1]]`), each
/// bucket in document order, put in order of second word too, stably, in place. `counts`:
/// counts by second word, all zero between calls; `bucket`: room to copy a bucket to (only
/// buckets of several second words move, so no copy of the whole shard is made).
fn by_second_word(
    postings: &mut [(u64, u32, f32)],
    starts: &[u32],
    counts: &mut Vec<u32>,
    bucket: &mut Vec<(u64, u32, f32)>,
) {
    let mut seconds: Vec<u32> = Vec::new();
    let second = |p: &(u64, u32, f32)| p.0 as u32 as usize;
    for range in starts.windows(2) {
        let (from, to) = (range[0] as usize, range[1] as usize);
        let run = &postings[from..to];
        if run.iter().all(|p| second(p) == second(&run[0])) {
            continue;
        }
        bucket.clear();
        bucket.extend_from_slice(run);
        for p in bucket.iter() {
            let b = second(p);
            if b >= counts.len() {
                counts.resize(b + 1, 0);
            }
            if counts[b] == 0 {
                seconds.push(b as u32);
            }
            counts[b] += 1;
        }
        seconds.sort_unstable();
        let mut at = from as u32;
        for &b in &seconds {
            let count = std::mem::replace(&mut counts[b as usize], at);
            at += count;
        }
        for p in bucket.iter() {
            let slot = &mut counts[second(p)];
            postings[*slot as usize] = *p;
            *slot += 1;
        }
        for b in seconds.drain(..) {
            counts[b as usize] = 0;
        }
    }
}

/// The shards' entries (in order) cut into the files of `search/t/`, each of about
/// [`TERMS_FILE`] bytes, and each file's first term (the quoted string that starts its first
/// entry), which meta.json names so that a query finds a term's file by binary search.
fn term_files(shards: &[(u8, (String, Vec<u32>))]) -> (Vec<(String, String)>, Vec<String>) {
    // Where each file starts and ends, (shard, entry), found from the entries' lengths alone;
    // then the files written in parallel (one after the other they were one core's work at the
    // end of the index, the other core idle).
    let mut cuts: Vec<((usize, usize), (usize, usize))> = Vec::new();
    let (mut len, mut begun) = (0usize, None);
    for (s, (_, (_, ends))) in shards.iter().enumerate() {
        let mut start = 0;
        for (e, &end) in ends.iter().enumerate() {
            let first = *begun.get_or_insert((s, e));
            // `{` or `,`, then the entry.
            len += 1 + (end as usize).saturating_sub(start);
            start = end as usize;
            if len >= TERMS_FILE {
                cuts.push((first, (s, e + 1)));
                (len, begun) = (0, None);
            }
        }
    }
    if let Some(first) = begun {
        cuts.push((first, (shards.len(), 0)));
    }
    let written: Vec<(String, String)> = cuts
        .par_iter()
        .with_max_len(1)
        .map(|&(from, to)| {
            let mut out = String::with_capacity(TERMS_FILE + TERMS_FILE / 4);
            let mut first = None;
            for entry in entries_between(shards, from, to) {
                out.push(if first.is_none() { '{' } else { ',' });
                first.get_or_insert_with(|| quoted_prefix(entry).to_string());
                out.push_str(entry);
            }
            out.push('}');
            (first.unwrap_or_default(), out)
        })
        .collect();
    let mut files: Vec<(String, String)> = Vec::with_capacity(written.len());
    let mut firsts: Vec<String> = Vec::with_capacity(written.len());
    for (n, (first, text)) in written.into_iter().enumerate() {
        firsts.push(first);
        files.push((format!("search/t/{n}.json"), text));
    }
    (files, firsts)
}

/// The entries of `shards` (each a text and where its entries end) from `from` up to `to`, not
/// included, each a (shard, entry) place.
fn entries_between(
    shards: &[(u8, (String, Vec<u32>))],
    from: (usize, usize),
    to: (usize, usize),
) -> impl Iterator<Item = &str> {
    (from.0..shards.len().min(to.0.saturating_add(1))).flat_map(move |s| {
        let (text, ends) = &shards[s].1;
        let lo = if s == from.0 { from.1 } else { 0 };
        let hi = if s == to.0 { to.1 } else { ends.len() };
        (lo..hi).map(move |e| {
            let start = if e == 0 { 0 } else { ends[e - 1] as usize };
            text.get(start..ends[e] as usize).unwrap_or("")
        })
    })
}

/// The JSON string that starts `entry` (its term), quotes included.
fn quoted_prefix(entry: &str) -> &str {
    let mut escaped = false;
    for (i, c) in entry.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return &entry[..=i],
            _ => escaped = false,
        }
    }
    entry
}

/// A written form's entry of `search/t/`: `"vectors\u001e":"vector"`, its stem, or a list of
/// its stems when spellings that fold alike have several (`"despues\u001e":["despu","despues"]`).
fn stem_entry<'n>(out: &mut Vec<u8>, written: &str, stems: impl ExactSizeIterator<Item = &'n str>) {
    out.push(b'"');
    escape_into(out, written);
    out.extend_from_slice(b"\\u001e\":");
    let several = stems.len() > 1;
    if several {
        out.push(b'[');
    }
    for (i, stem) in stems.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'"');
        escape_into(out, stem);
        out.push(b'"');
    }
    if several {
        out.push(b']');
    }
}

/// One term's entry of `search/t/`, appended to `out`: how many documents have it, then its
/// best postings in document order, each document as the difference from the one before
/// (small numbers compress well), with its BM25 weight.
fn entry(
    out: &mut Vec<u8>,
    names: &[&str],
    (a, b): (u32, u32),
    run: &[(u64, u32, f32)],
    norms: &[(f32, u8)],
) {
    out.push(b'"');
    escape_into(out, names[a as usize]);
    if b != NO_WORD {
        out.push(b' ');
        escape_into(out, names[b as usize]);
    }
    out.push(b'"');
    let df = run.len();
    // BM25's term weight for each document, 0..=2.2, kept as hundredths.
    let weight = |doc: u32, count: f32| {
        let norm = &norms[doc as usize];
        // Most postings count once (a pair of words, a word said once in a section): that
        // weight is worked out once per document, not once per posting.
        if count == 1.0 {
            return norm.1;
        }
        bm25_weight(count, norm.0)
    };
    out.extend_from_slice(b":[");
    push_number(out, df as u64);
    out.reserve(run.len().min(MAX_POSTINGS) * 8);
    let mut last = 0;
    let mut posting = |out: &mut Vec<u8>, doc: u32, weight: u8| {
        // Made on the stack and copied once: four pushes each checked the capacity.
        let mut bytes = [b','; 16];
        let mut at = 1 + put_number(&mut bytes[1..], u64::from(doc - last));
        at += 1;
        at += put_number(&mut bytes[at..], u64::from(weight));
        // All 16 bytes copied, then cut: a copy of a fixed size is two moves, not a call.
        let len = out.len();
        out.extend_from_slice(&bytes);
        out.truncate(len + at);
        last = doc;
    };
    if df > MAX_POSTINGS {
        let mut list: Vec<(u32, u8)> = run
            .iter()
            .map(|&(_, doc, count)| (doc, weight(doc, count)))
            .collect();
        // The best MAX_POSTINGS (by weight, then document: a strict order, documents being
        // unique in a term), picked in linear time: sorting every posting of the commonest
        // terms was 3 % of a 1,000-lesson build.
        list.select_nth_unstable_by(MAX_POSTINGS - 1, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(MAX_POSTINGS);
        list.sort_unstable_by_key(|p| p.0);
        for (doc, w) in list {
            posting(out, doc, w);
        }
    } else {
        // Most terms: written straight from the run, no list made.
        for &(_, doc, count) in run {
            posting(out, doc, weight(doc, count));
        }
    }
    out.push(b']');
}

/// BM25's weight of a term counted `count` times in a document of length norm `norm`, as
/// hundredths (1..=255: 0..=2.2).
fn bm25_weight(count: f32, norm: f32) -> u8 {
    round_weight(count * (K1 + 1.0) / (count + norm) * 100.0).clamp(1, 255) as u8
}

/// A weight (positive, below 256) rounded half away from zero as `f32::round`, which is a call
/// to libm's `roundf` on x86-64 without SSE 4.1 (2 % of the index's instructions): below 2^23
/// a float's fraction is exact.
fn round_weight(weight: f32) -> u32 {
    let whole = weight as u32;
    whole + u32::from(weight - whole as f32 >= 0.5)
}

/// Append `n` in decimal. The index writes two numbers a posting, hundreds of thousands of
/// them, most below 100: through `write!` they were 8 % of a whole build's instructions, and
/// checking the digits as UTF-8 half of what was left (callgrind).
fn push_number(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let len = put_number(&mut digits, n);
    out.extend_from_slice(&digits[..len]);
}

/// `n` in decimal at the start of `out` (room for its digits), and how many digits that is.
fn put_number(out: &mut [u8], n: u64) -> usize {
    // Two digits at a time from a table: dividing digit by digit was 4 % of the index.
    let pair = |n: u64| {
        let at = 2 * n as usize;
        [DIGIT_PAIRS[at], DIGIT_PAIRS[at + 1]]
    };
    match n {
        0..=9 => {
            out[0] = b'0' + n as u8;
            1
        }
        10..=99 => {
            out[..2].copy_from_slice(&pair(n));
            2
        }
        100..=999 => {
            out[0] = b'0' + (n / 100) as u8;
            out[1..3].copy_from_slice(&pair(n % 100));
            3
        }
        _ => {
            let len = n.ilog10() as usize + 1;
            let mut n = n;
            for digit in out[..len].iter_mut().rev() {
                *digit = b'0' + (n % 10) as u8;
                n /= 10;
            }
            len
        }
    }
}

/// 00 to 99: most numbers written are below 100 (gaps between documents, weights).
const DIGIT_PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";

/// `text` escaped for the inside of a JSON string, appended to `out`.
fn escape_into(out: &mut Vec<u8>, text: &str) {
    // What JSON escapes: quotes, backslashes, control characters below the space.
    if !text.bytes().any(|b| b == b'"' || b == b'\\' || b < b' ') {
        out.extend_from_slice(text.as_bytes());
    } else {
        let quoted = json_string(text);
        out.extend_from_slice(&quoted.as_bytes()[1..quoted.len() - 1]);
    }
}

/// One thread's stemmer, and the numbers of the words it has seen (so counting a section
/// allocates nothing per word).
struct Words<'d> {
    stemmer: Option<search_wasm::Stemmer>,
    dict: &'d Dict,
    /// A word as written (lowercase) → the numbers of its term and of its written form.
    seen: FxHashMap<String, (u32, u32)>,
    /// The same for words of at most 16 bytes (most words), keyed by their bytes as a number:
    /// no string hashed or compared (the lookup was a tenth of the index's work).
    seen_short: FxHashMap<u128, (u32, u32)>,
    /// Each term's weighted count in the current section, by number.
    counts: Vec<f32>,
    /// The current section's pairs of words in a row (their numbers), with their counts.
    pairs: FxHashMap<(u32, u32), f32>,
    /// The current section's terms, by number.
    touched: Vec<u32>,
    /// Words counted so far in the page.
    page_words: usize,
    /// The page passed [`PAGE_WORDS`].
    cut: bool,
    /// Where a page's postings are counted.
    buffer: Vec<Posting>,
    /// The first byte of each term's text, by number: its shard.
    first: Vec<u8>,
    /// The page each written form's stem was last noted for, by number ([`Counted::stems`]).
    stamp: Vec<u32>,
    /// The page being counted, numbered from 1 for `stamp`.
    page_no: u32,
    /// The page's written forms and their stems ([`Counted::stems`]).
    stems: Vec<(u32, u32)>,
    /// A section's text between two tags that break it, gathered to be counted.
    text: String,
}

impl<'d> Words<'d> {
    fn new(language: &str, dict: &'d Dict) -> Words<'d> {
        Words {
            stemmer: search_wasm::stemmer(language),
            dict,
            seen: FxHashMap::default(),
            seen_short: FxHashMap::default(),
            counts: Vec::new(),
            pairs: FxHashMap::default(),
            touched: Vec::new(),
            page_words: 0,
            cut: false,
            buffer: Vec::new(),
            first: Vec::new(),
            stamp: Vec::new(),
            page_no: 0,
            stems: Vec::new(),
            text: String::new(),
        }
    }

    /// The number of `term`, its shard noted.
    fn id(&mut self, term: &str) -> u32 {
        let id = self.dict.id(term);
        let at = id as usize;
        if at >= self.first.len() {
            self.first.resize(at + 1024, 0);
        }
        self.first[at] = term.as_bytes().first().copied().unwrap_or(0);
        id
    }

    /// Count `weight` more of term `id` in the current section.
    fn add(&mut self, id: u32, weight: f32) {
        let at = id as usize;
        if at >= self.counts.len() {
            self.counts.resize(at + 1024, 0.0);
        }
        let entry = &mut self.counts[at];
        if *entry == 0.0 {
            self.touched.push(id);
        }
        *entry += weight;
    }

    /// A page's sections counted.
    fn count_page(&mut self, sections: Vec<Section>) -> Counted {
        self.page_words = 0;
        self.cut = false;
        self.page_no += 1;
        // Postings are counted into the thread's buffer and kept at their exact size: the
        // course's postings are most of the index's memory, and new memory is slow to touch.
        let mut out = Counted {
            postings: std::mem::take(&mut self.buffer),
            ..Counted::default()
        };
        for s in sections {
            self.count(s, &mut out);
        }
        // Grouped by shard (the first byte of the term's text), in one pass: the shards' own
        // sort puts their terms in order, so the page need not sort (that sort cost 3 % of a
        // build), and the postings are copied out at their exact size on the way.
        let first = &self.first;
        let mut sizes = [0u32; 256];
        for p in &out.postings {
            sizes[usize::from(first[p.a as usize])] += 1;
        }
        let mut next = [0u32; 256];
        let mut at = 0;
        for (shard, &size) in sizes.iter().enumerate() {
            next[shard] = at;
            if size > 0 {
                out.shards.push((shard as u8, at));
            }
            at += size;
        }
        let blank = Posting {
            a: 0,
            b: 0,
            doc: 0,
            count: 0.0,
        };
        let mut exact = vec![blank; out.postings.len()];
        for p in &out.postings {
            let slot = &mut next[usize::from(first[p.a as usize])];
            exact[*slot as usize] = *p;
            *slot += 1;
        }
        self.buffer = std::mem::replace(&mut out.postings, exact);
        self.buffer.clear();
        out.cut = self.cut;
        out.stems = std::mem::take(&mut self.stems);
        out
    }

    /// A section counted into `out`: each word's weight by field (title ×3, heading ×2, text
    /// ×1), and the section's length in words.
    fn count(&mut self, s: Section<'_>, out: &mut Counted) {
        let doc = out.docs.len() as u32;
        let mut len = 0.0;
        if self.seen.len() + self.seen_short.len() > 300_000 {
            // A bound on memory for large courses: this is a cache of the dictionary.
            self.seen.clear();
            self.seen_short.clear();
        }
        if s.with_title {
            self.operators(&s.title, 3.0, true);
            self.words(&s.title, 3.0, &mut None, &mut len);
        }
        self.operators(&s.heading, 2.0, true);
        self.words(&s.heading, 2.0, &mut None, &mut len);
        for alias in &s.aliases {
            self.words(alias, 2.0, &mut None, &mut len);
        }
        // The text of the HTML as a reader sees it: runs between inline tags joined (the
        // highlighter's spans cut `5u8` into `5` and `u8`, and bold text inside a Chinese
        // sentence cut its pairs), entities decoded, and counted at each tag that breaks the
        // text as white space would (a block, a line break, a footnote's number).
        let mut previous = None;
        let mut text = std::mem::take(&mut self.text);
        // Inline code weighs more than prose ([`INLINE_CODE_WEIGHT`]).
        let mut weight = 1.0;
        let (mut in_pre, mut in_code) = (false, false);
        for part in &s.parts {
            if s.html {
                // A run alone between two breaks (most prose) is counted where it stands:
                // only runs that join are copied.
                let mut alone: &str = "";
                each_bit(part, |bit| {
                    match bit {
                        Bit::Text(run) if text.is_empty() && alone.is_empty() => alone = run,
                        Bit::Text(run) => {
                            text.push_str(std::mem::take(&mut alone));
                            text.push_str(run);
                        }
                        Bit::Entity(c) => {
                            text.push_str(std::mem::take(&mut alone));
                            text.push(c);
                        }
                        Bit::Tag(tag) => {
                            // Inline code is a `code` outside a `pre` (a code block's
                            // `code` is not).
                            let (was_pre, was_code) = (in_pre, in_code);
                            match tag_of(tag, "pre") {
                                Some(open) => in_pre = open,
                                None if !in_pre => {
                                    if let Some(open) = tag_of(tag, "code") {
                                        in_code = open;
                                    }
                                }
                                None => {}
                            }
                            let changed = (was_pre, was_code) != (in_pre, in_code);
                            if (!text.is_empty() || !alone.is_empty())
                                && (changed || breaks_word(tag))
                            {
                                if text.is_empty() {
                                    self.text_run(alone, weight, &mut previous, &mut len);
                                    alone = "";
                                } else {
                                    self.text_run(&text, weight, &mut previous, &mut len);
                                    text.clear();
                                }
                            }
                            weight = match in_code && !in_pre {
                                true => INLINE_CODE_WEIGHT,
                                false => 1.0,
                            };
                        }
                    }
                    false
                });
                if text.is_empty() {
                    self.text_run(alone, weight, &mut previous, &mut len);
                } else {
                    self.text_run(&text, weight, &mut previous, &mut len);
                }
                text.clear();
            } else {
                self.words(part, 1.0, &mut previous, &mut len);
            }
        }
        self.text = text;
        let name = if s.heading.is_empty() {
            &s.title
        } else {
            &s.heading
        };
        self.name(name);
        // A first section that took its page's title is named by it too.
        if s.with_title && !s.heading.is_empty() && s.title != s.heading {
            self.name(&s.title);
        }
        for alias in &s.aliases {
            self.name(alias);
        }
        for &id in &self.touched {
            let count = std::mem::take(&mut self.counts[id as usize]);
            out.postings.push(Posting {
                a: id,
                b: NO_WORD,
                doc,
                count,
            });
        }
        self.touched.clear();
        for ((a, b), count) in self.pairs.drain() {
            out.postings.push(Posting { a, b, doc, count });
        }
        out.lens.push(len);
        out.docs.push(Doc {
            excerpt: excerpt_of(&s.parts, s.html),
            href: s.href,
            title: s.title,
            heading: s.heading,
        });
    }

    /// The section's name as a term, as search.js makes one from the whole query: its words as
    /// written (folded), each followed by a space, then U+001F ("hidden layer \u{1f}"); a
    /// one-word name by its stem ("vector \u{1f}" for "Vectors"), so any form of the word finds
    /// it ("vector" put a short "See also" section above *Vectors* on Rust by Example).
    ///
    /// It is counted as a pair: its first word, then the rest as a term of its own
    /// ("layer \u{1f}"), so it is ordered with the pairs of its first word (pairs sit right after
    /// their first word, in the order of their second), just where its text sorts: right after
    /// the word for a one-word name ("\u{1f}" is below every letter), right after the pair of its
    /// first two words otherwise. It is then in the terms file the query fetches for that word
    /// or pair anyway, and a binary search over the files' first terms finds it. A name made a
    /// term of its own sorted after all its first word's pairs, not where its text sorts: at
    /// 10,000 lessons a file boundary fell among those pairs for most glossary terms, whose
    /// names search.js then looked for in the wrong file (right first 87 %, top five 95 %).
    /// With a leading `=` every name sat in the first files, and a query's names doubled what
    /// each further word downloads (39 → 79 KB gzip on the 1,000-lesson bench course).
    fn name(&mut self, name: &str) {
        // A name that is an operator alone (*Rust by Example*'s page "?"): "? \u{1f}", right
        // after the operator's term, for a query of symbols alone.
        let trimmed = name.trim();
        if search_wasm::OPERATORS.contains(&trimmed) {
            self.pair_term(trimmed, "\u{1f}", 1.0);
            return;
        }
        // Its pieces, no further than one past the longest name indexed; only a one-word
        // name is stemmed (stemming every heading's words was 5 % of the index's work).
        let mut first: Option<(String, bool)> = None;
        let mut rest = String::new();
        let mut count = 0;
        search_wasm::each_piece(name, |piece| {
            count += 1;
            if count > MAX_NAME_WORDS + 1 {
                return;
            }
            let (text, word) = match piece {
                search_wasm::Piece::Word(lower) => (lower, true),
                search_wasm::Piece::Unspaced(pair) => (pair, false),
            };
            if first.is_none() {
                first = Some((text.to_string(), word));
            } else {
                match word {
                    true => rest.push_str(&search_wasm::fold(text)),
                    false => rest.push_str(text),
                }
                rest.push(' ');
            }
        });
        let Some((first, word)) = first else {
            return;
        };
        if count > MAX_NAME_WORDS {
            return;
        }
        rest.push('\u{1f}');
        let first = match (word, count) {
            (false, _) => first,
            (true, 1) => search_wasm::term(&first, self.stemmer.as_ref()),
            (true, _) => search_wasm::fold(&first),
        };
        self.pair_term(&first, &rest, 1.0);
    }

    /// A term counted as a pair is, `weight` more: `first` (a word's written form, or an
    /// operator), then `rest` as a term of its own. It is ordered with `first`'s pairs, where
    /// its text (`first`, a space, `rest`) sorts: a section's name, an identifier whole.
    fn pair_term(&mut self, first: &str, rest: &str, weight: f32) {
        let (a, b) = (self.id(first), self.id(rest));
        *self.pairs.entry((a, b)).or_insert(0.0) += weight;
    }

    /// A word's numbers (lowercase, as [`search_wasm::each_piece`] gives it): its term's
    /// (stemmed, for finding it in any form) and its written form's (folded, for pairs: words
    /// side by side as written), the stem noted for search.js when they differ.
    fn word(&mut self, lower: &str) -> (u32, u32) {
        let short = short_key(lower);
        let known = match short {
            Some(key) => self.seen_short.get(&key),
            None => self.seen.get(lower),
        };
        let (id, written) = match known {
            Some(&ids) => ids,
            None => {
                let term = search_wasm::term(lower, self.stemmer.as_ref());
                let id = self.id(&term);
                let written = if PAIRS {
                    self.id(&search_wasm::fold(lower))
                } else {
                    id
                };
                match short {
                    Some(key) => self.seen_short.insert(key, (id, written)),
                    None => self.seen.insert(lower.to_string(), (id, written)),
                };
                (id, written)
            }
        };
        if written != id {
            // Noted once a page: the page's list stands alone in serve's cache.
            let at = written as usize;
            if at >= self.stamp.len() {
                self.stamp.resize(at + 1024, 0);
            }
            if self.stamp[at] != self.page_no {
                self.stamp[at] = self.page_no;
                self.stems.push((written, id));
            }
        }
        (id, written)
    }

    /// The words of `text` counted with `weight`; `previous` is the written form of the word
    /// before (for pairs), `len` the section's length in words.
    fn words(&mut self, text: &str, weight: f32, previous: &mut Option<u32>, len: &mut f32) {
        // An identifier whose words `_` joins is a term too, whole (`unwrap_or` is not
        // `unwrap_or_else`, `is_empty` not the prose "is empty").
        // Counted as a pair is ([`Words::pair_term`]; [`Words::name`] says why): `is`, then
        // `empty\u{1}`, right after the pair of its first two words (as a term of its own,
        // `is empty\u{1}` sorted after all of `is`'s pairs, where its text does not sort, and
        // search.js looked for it, and for the words beside it, in the wrong file).
        search_wasm::identifiers(text, |name| {
            if self.page_words < PAGE_WORDS {
                let key = search_wasm::identifier_key(name);
                let (first, rest) = key.split_once(' ').unwrap_or((&key, ""));
                self.pair_term(first, rest, weight);
                self.page_words += 1;
            }
        });
        search_wasm::each_piece_cased(text, |piece, camel| {
            if self.page_words >= PAGE_WORDS {
                self.cut = true;
                return;
            }
            let (id, written) = match piece {
                search_wasm::Piece::Word(lower) => self.word(lower),
                search_wasm::Piece::Unspaced(pair) => {
                    let id = self.id(pair);
                    (id, id)
                }
            };
            self.add(id, weight);
            self.page_words += 1;
            if let (true, Some(before)) = (PAIRS && self.page_words <= PAIR_WORDS, *previous) {
                *self.pairs.entry((before, written)).or_insert(0.0) += weight;
            }
            // After a pair of characters too: `所有 有权` is how `"所有权"` is found as a phrase
            // (quoted, it found nothing) and ranks where its characters stand together.
            *previous = Some(written);
            *len += 1.0;
            if let Some(camel) = camel {
                self.camel_parts(camel, weight);
            }
        });
    }

    /// A run of a section's text counted: its words, and in inline code its operators.
    fn text_run(&mut self, text: &str, weight: f32, previous: &mut Option<u32>, len: &mut f32) {
        // Only inline code weighs this in a section's text.
        if weight == INLINE_CODE_WEIGHT {
            self.operators(text, weight, false);
        }
        self.words(text, weight, previous, len);
    }

    /// The operators `text` names ([`search_wasm::operators`]), each a term of its own: a query
    /// of symbols alone (`?`, `=>`) looks them up. Only in text that names things (titles,
    /// headings, inline code), not in code blocks, where `::` and `=>` are in every other line;
    /// in titles and headings only `alone`, between spaces ("The ? Operator", not "Why?").
    fn operators(&mut self, text: &str, weight: f32, alone: bool) {
        search_wasm::operators(text, alone, |op| {
            if self.page_words >= PAGE_WORDS {
                self.cut = true;
                return;
            }
            let id = self.id(op);
            self.add(id, weight);
            self.page_words += 1;
        });
    }

    /// A CamelCase word's parts counted too, beside the whole word, and each two in a row as a
    /// pair: `us state` finds `UsState`, `pending review post` a section whose code alone
    /// names `PendingReviewPost`. They are not the section's words for its length, nor pairs
    /// with the words around.
    fn camel_parts(&mut self, word: &str, weight: f32) {
        let mut lower = String::new();
        let mut before: Option<u32> = None;
        for part in search_wasm::camel_parts(word) {
            if self.page_words >= PAGE_WORDS {
                self.cut = true;
                return;
            }
            lower.clear();
            lower.push_str(part);
            lower.make_ascii_lowercase();
            let (id, written) = self.word(&lower);
            self.add(id, weight);
            self.page_words += 1;
            if let (true, Some(b)) = (PAIRS && self.page_words <= PAIR_WORDS, before) {
                *self.pairs.entry((b, written)).or_insert(0.0) += weight;
            }
            before = Some(written);
        }
    }
}

/// A word of at most 16 bytes as a number: its bytes, then zeros (a word holds no zero byte:
/// it is letters and digits), so two words are equal exactly when their numbers are.
fn short_key(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > 16 {
        return None;
    }
    let mut key = [0u8; 16];
    for (k, &b) in key.iter_mut().zip(bytes) {
        *k = b;
    }
    Some(u128::from_le_bytes(key))
}

/// A page's sections: its text (the page's HTML, then its quiz's) cut at each heading that has
/// an id (`<h2 id="…">` … `<h6>`), at most [`PAGE_SECTIONS`] of them, the rest of the text in
/// the last. Whether the page had more.
fn split_sections<'a>(
    url: &str,
    title: &str,
    parts: [&'a str; 2],
    docs: &mut Vec<Section<'a>>,
) -> bool {
    let first = docs.len();
    let mut cut = false;
    // Whether `doc` is still the page's start, before its first heading.
    let mut at_head = true;
    // Encoded as the pages' own links are (search.js resolves it against the site's root: a
    // page named `javascript:….md` would otherwise be a script address).
    let url = &crate::markdown::links::encode_path(url);
    let mut doc = Section {
        href: url.to_string(),
        title: title.to_string(),
        heading: String::new(),
        parts: Vec::new(),
        html: true,
        with_title: true,
        aliases: Vec::new(),
    };
    for html in parts {
        if cut {
            doc.parts.push(html);
            continue;
        }
        let mut rest = html;
        // Where the next `</h` is in `html`, found once for every heading before it: raw
        // `<h2>`s never closed looked to the page's end each (1.6 MB of them: 12 s).
        let mut next_close = 0;
        while let Some(at) = find_heading(rest) {
            doc.parts.push(&rest[..at]);
            let after = &rest[at..];
            let tag_end = after.find('>').map_or(after.len(), |i| i + 1);
            // Looked for in the tag alone: a heading without an id read the rest of the page.
            let id_start = after[..tag_end].find(" id=\"").map(|i| i + 5);
            let Some(id_start) = id_start.filter(|&i| i < tag_end) else {
                rest = &after[tag_end..];
                continue;
            };
            if docs.len() - first + 1 >= PAGE_SECTIONS {
                doc.parts.push(after);
                rest = "";
                cut = true;
                break;
            }
            let offset = html.len() - after.len();
            if next_close < offset + tag_end {
                next_close = CLOSE_HEADING
                    .find(&html.as_bytes()[offset + tag_end..])
                    .map_or(html.len(), |i| offset + tag_end + i);
            }
            // An unclosed heading ends where the next begins: its text was the rest of the
            // page, once for each heading.
            let close = find_heading(&after[tag_end..])
                .map_or(after.len(), |i| tag_end + i)
                .min(next_close - offset);
            let id_end = after[id_start..]
                .find('"')
                .map_or(id_start, |e| id_start + e);
            // The id as the page means it: `#a"b`, not `#a&quot;b`, which led nowhere.
            let id = text_of(&after[id_start..id_end]);
            let heading = text_of(&after[tag_end.min(close)..close]);
            let next = Section {
                href: format!("{url}#{id}"),
                title: title.to_string(),
                heading: heading.trim().to_string(),
                parts: Vec::new(),
                html: true,
                with_title: false,
                aliases: Vec::new(),
            };
            // A page opening with a heading (a translation's `## Title` under the title its
            // SUMMARY.md gives) has no text of its own before it: its title goes with the first
            // section, which is where the page starts. Indexed alone, the title outranked that
            // section, an empty excerpt first (36 to 94 such on each of five real books).
            // No text: nothing of it shows, as far as one character.
            let empty_head =
                std::mem::take(&mut at_head) && squeezed_text(&doc.parts, 0).is_empty();
            let before = std::mem::replace(&mut doc, next);
            if empty_head {
                doc.with_title = true;
            } else {
                docs.push(before);
            }
            rest = &after[close..];
        }
        doc.parts.push(rest);
    }
    docs.push(doc);
    cut
}

/// The text of a section's parts (HTML or plain), as [`text_of`] makes it, pieces joined by a
/// space.
fn joined_text(parts: &[&str], html: bool) -> String {
    if html {
        return squeezed_text(parts, usize::MAX);
    }
    let parts: Vec<&str> = parts.iter().copied().filter(|p| !p.is_empty()).collect();
    parts.join(" ")
}

/// A section's excerpt: the start of its text as [`joined_text`] makes it, cut by
/// [`excerpt`]. HTML is read only as far as the excerpt needs, in one pass (making the whole
/// text, or a prefix too long, was a fifth of the index's time).
fn excerpt_of(parts: &[&str], html: bool) -> String {
    if !html {
        return excerpt(&joined_text(parts, false));
    }
    excerpt(&squeezed_text(parts, EXCERPT))
}

/// The text of HTML `parts` (a tag a space where [`breaks_text`], tooltips and SVG left out, the entities the build
/// writes decoded, runs of white space one space, none at either end), parts joined by a space,
/// up to `limit` characters and one more (to know whether there was more).
fn squeezed_text(parts: &[&str], limit: usize) -> String {
    let mut text = Squeezed {
        limit,
        ..Squeezed::default()
    };
    for part in parts {
        let mut full = false;
        each_bit(part, |bit| {
            let mut one = [0u8; 4];
            full = match bit {
                Bit::Text(run) => text.push(run),
                Bit::Entity(c) => text.push(c.encode_utf8(&mut one)),
                // Only where the reader sees a break: `knobs</a>,` is "knobs,", not "knobs ,".
                Bit::Tag(tag) if breaks_text(tag) => text.push(" "),
                Bit::Tag(_) => false,
            };
            full
        });
        if full || text.push(" ") {
            break;
        }
    }
    text.out
}

/// Text with runs of white space made one space (none at the start or the end), kept up to
/// one character past `limit`.
#[derive(Default)]
struct Squeezed {
    out: String,
    chars: usize,
    space: bool,
    limit: usize,
}

impl Squeezed {
    /// Append `text`; true when there is enough.
    fn push(&mut self, text: &str) -> bool {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if self.chars > self.limit {
                return true;
            }
            // char::is_whitespace's ASCII: tab to carriage return, and the space.
            let white = match bytes[at] {
                b @ 0..=127 => matches!(b, 9..=13 | b' ').then_some(1),
                _ => text[at..]
                    .chars()
                    .next()
                    .filter(|c| c.is_whitespace())
                    .map(char::len_utf8),
            };
            if let Some(len) = white {
                self.space = !self.out.is_empty();
                at += len;
                continue;
            }
            if self.space {
                self.out.push(' ');
                self.chars += 1;
                self.space = false;
                if self.chars > self.limit {
                    return true;
                }
            }
            // A run of printable ASCII, with single spaces between its characters, copied
            // whole: most prose between two tags is one (a character at a time, this was a
            // tenth of the index's work). Up to one past the limit.
            let room = (self.limit - self.chars).saturating_add(1);
            let rest = &bytes[at..];
            let printable = |b: u8| b > b' ' && b < 127;
            let mut run = 0;
            while run < rest.len() && run < room {
                if printable(rest[run]) {
                    run += 1;
                } else if rest[run] == b' '
                    && run + 1 < room
                    && rest.get(run + 1).is_some_and(|&b| printable(b))
                {
                    run += 2;
                } else {
                    break;
                }
            }
            if run > 0 {
                self.out.push_str(&text[at..at + run]);
                self.chars += run;
                at += run;
                continue;
            }
            match text[at..].chars().next() {
                Some(c) => {
                    self.out.push(c);
                    self.chars += 1;
                    at += c.len_utf8();
                }
                None => break,
            }
        }
        self.chars > self.limit
    }
}

/// What [`each_bit`] finds in HTML.
enum Bit<'h> {
    /// Text between tags and entities.
    Text(&'h str),
    /// An entity the build writes, decoded.
    Entity(char),
    /// A tag (not one that starts or ends left-out text): a space in [`text_of`] if
    /// [`breaks_text`].
    Tag(&'h str),
}

/// The text of an HTML fragment bit by bit (what [`text_of`] keeps: tags, comments, and what
/// [`left_out`] names left out; entities the build writes decoded), until `f` returns true: for counting words,
/// which never span a tag or an entity, and for excerpts, without building the text.
fn each_bit<'h>(html: &'h str, mut f: impl FnMut(Bit<'h>) -> bool) {
    let bytes = html.as_bytes();
    let mut skip: Option<(&str, usize)> = None;
    let mut at = 0;
    while at < bytes.len() {
        let next = if skip.is_none() {
            memchr::memchr2(b'<', b'&', &bytes[at..])
        } else {
            memchr::memchr(b'<', &bytes[at..])
        };
        let Some(next) = next.map(|n| at + n) else {
            if skip.is_none() {
                f(Bit::Text(&html[at..]));
            }
            return;
        };
        if skip.is_none() && next > at && f(Bit::Text(&html[at..next])) {
            return;
        }
        if bytes[next] == b'&' {
            let after = &html[next..];
            match ENTITIES.iter().find(|(e, _)| after.starts_with(e)) {
                Some((e, c)) => {
                    at = next + e.len();
                    if f(Bit::Entity(*c)) {
                        return;
                    }
                }
                None => {
                    at = next + 1;
                    if f(Bit::Text("&")) {
                        return;
                    }
                }
            }
            continue;
        }
        // A comment is no text, and may hold `>` (`<!-- Rc<T>, the … -->`, the Rust Book's
        // old headings): read as a tag to its first `>`, the rest of it was indexed.
        if bytes[next..].starts_with(b"<!--") {
            at = crate::markdown::comment_end(bytes, next + 4);
            continue;
        }
        let Some(gt) = memchr::memchr(b'>', &bytes[next..]) else {
            return;
        };
        let tag = &html[next..=next + gt];
        at = next + gt + 1;
        // Closing tags outside left-out text are most tags: no need to look further.
        let plain = skip.is_none() && (bytes.get(next + 1) == Some(&b'/') || !left_out(tag));
        if !plain {
            skip = skipping(skip, tag);
        } else if f(Bit::Tag(tag)) {
            return;
        }
    }
}

/// Whether the text after `tag` is left out: inside an SVG or a glossary tooltip
/// (`role="tooltip"`: the term's definition, indexed with the glossary), with its element's
/// name and how deep in it we are.
fn skipping<'t>(skip: Option<(&'t str, usize)>, tag: &'t str) -> Option<(&'t str, usize)> {
    let name = tag_name(tag);
    let closing = tag.starts_with("</");
    match skip {
        Some((skipped, depth)) if name == skipped => {
            if closing {
                (depth > 1).then_some((skipped, depth - 1))
            } else if !tag.ends_with("/>") {
                Some((skipped, depth + 1))
            } else {
                skip
            }
        }
        Some(_) => skip,
        None if left_out(tag) => (!tag.ends_with("/>")).then_some((name, 1)),
        None => None,
    }
}

/// Whether `tag` separates the text on either side as white space would: a block's start or
/// end (`</p><p>`, a list item, a table cell, a heading) or a line break. Inline elements (a
/// link, code, emphasis, a glossary term, math's `<mi>`) join it: a space there is read out.
fn breaks_text(tag: &str) -> bool {
    // A code block's excerpt looks at every `<span>`: answered from the first bytes.
    if is_span(tag) {
        return false;
    }
    let name = tag_name(tag);
    // Lowercased once and matched (a search of a list of the names was 1.5 % of a code-heavy
    // build's instructions, a binary search 1 %).
    let mut lower = [0u8; LONGEST_BREAK];
    let Some(lower) = lower.get_mut(..name.len()) else {
        return false;
    };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    is_break(lower) || (name == "math" && tag.contains("display=\"block\""))
}

/// Whether an element of this (lowercase) name separates the text on either side: HTML's
/// blocks, line breaks, table and form parts, replaced elements, and MathML's table parts.
fn is_break(name: &[u8]) -> bool {
    matches!(
        name,
        b"article"
            | b"aside"
            | b"blockquote"
            | b"br"
            | b"button"
            | b"caption"
            | b"dd"
            | b"details"
            | b"div"
            | b"dl"
            | b"dt"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"header"
            | b"hr"
            | b"img"
            | b"input"
            | b"label"
            | b"legend"
            | b"li"
            | b"main"
            | b"mtable"
            | b"mtd"
            | b"mtr"
            | b"nav"
            | b"ol"
            | b"option"
            | b"p"
            | b"pre"
            | b"section"
            | b"select"
            | b"summary"
            | b"table"
            | b"tbody"
            | b"td"
            | b"textarea"
            | b"tfoot"
            | b"th"
            | b"thead"
            | b"tr"
            | b"ul"
    )
}

/// Whether `tag` opens or closes a `<span>` (most tags of a page with code: a highlighter's).
fn is_span(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    let start = if bytes.get(1) == Some(&b'/') { 2 } else { 1 };
    bytes
        .get(start..start + 5)
        .is_some_and(|b| b[..4].eq_ignore_ascii_case(b"span") && matches!(b[4], b' ' | b'>'))
}

/// Whether `tag` opens (`Some(true)`) or closes (`Some(false)`) an element named `name`
/// (lowercase ASCII): `pre` for a code block, `code` for inline code.
fn tag_of(tag: &str, name: &str) -> Option<bool> {
    let bytes = tag.as_bytes();
    let (open, start) = match bytes.get(1) {
        Some(b'/') => (false, 2),
        _ => (true, 1),
    };
    let found = bytes.get(start..start + name.len() + 1)?;
    (found[..name.len()].eq_ignore_ascii_case(name.as_bytes())
        && matches!(found[name.len()], b' ' | b'>' | b'\t' | b'\n'))
    .then_some(open)
}

/// Whether `tag` ends a word for counting: where [`breaks_text`], and at a superscript or
/// subscript (a footnote's number, `x<sup>2</sup>`), which no reader takes as the word's end.
/// Other inline tags join the text on either side: a highlighter's span, a link, emphasis.
fn breaks_word(tag: &str) -> bool {
    // Most tags in counted text are a code block's spans (`<span class="hl-…">`, `</span>`):
    // answered from their first bytes, without taking the name out (every tag is asked).
    if is_span(tag) {
        return false;
    }
    let name = tag_name(tag).as_bytes();
    name.eq_ignore_ascii_case(b"sup") || name.eq_ignore_ascii_case(b"sub") || breaks_text(tag)
}

/// The longest name [`is_break`] takes (`blockquote`, `figcaption`).
const LONGEST_BREAK: usize = 10;

/// Whether `tag` opens an element whose text is left out (SVG, a glossary tooltip, a code
/// block's "Show hidden lines" button: the page's frame, not its text, which put those words
/// at the start of the excerpt of every section opening with such a block).
fn left_out(tag: &str) -> bool {
    let b = tag.as_bytes();
    // A highlighted token's span (most tags of a page with code) is never left out: a prefix
    // test instead of a search of the tag for the role.
    if b.starts_with(b"<span class=\"hl-") {
        return false;
    }
    // A quiz program's line numbers (markdown::line_numbers) are not words of the page.
    if b.starts_with(b"<span class=\"line-numbers\"") {
        return true;
    }
    // The theme's own words around a quiz or widget, not the course's: buttons ("Check", a
    // code block's "Show hidden lines"), notices ("Checking answers needs JavaScript", "saved
    // in this browser only": every quiz section was found by `javascript`, with the notice as
    // its excerpt), a quiz's actions and the "clear your answers?" question.
    if b.starts_with(b"<button")
        || b.starts_with(b"<p class=\"notice")
        || b.starts_with(b"<div class=\"actions\"")
        || b.starts_with(b"<div class=\"forget-confirm\"")
    {
        return matches!(b.get(7), Some(b' ' | b'>')) || !b.starts_with(b"<button");
    }
    // Looked at for every opening tag: bytes, not `tag_name` (a split) or `str::contains`.
    let svg = b.get(1..4) == Some(b"svg")
        && matches!(b.get(4), Some(b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r'));
    b.get(1) != Some(&b'/') && (svg || (b.len() > 15 && TOOLTIP.find(b).is_some()))
}

/// The searchers of the strings looked for in every page, made once: `memmem::find` makes
/// one for each call (a tenth of the work of cutting pages into sections).
static HEADING: Finder = Finder::new(|| memchr::memmem::Finder::new(b"<h"));
static CLOSE_HEADING: Finder = Finder::new(|| memchr::memmem::Finder::new(b"</h"));
static COMMENT: Finder = Finder::new(|| memchr::memmem::Finder::new(b"<!--"));
static TOOLTIP: Finder = Finder::new(|| memchr::memmem::Finder::new(b" role=\"tooltip\""));
type Finder = std::sync::LazyLock<memchr::memmem::Finder<'static>>;

/// The element name of a tag (`<a href>`, `</a>`, `<br/>`).
fn tag_name(tag: &str) -> &str {
    let rest = tag[1..].trim_start_matches('/');
    // Byte by byte while ASCII (every tag the build writes); a character past it may be
    // white space of another script, which ends the name too.
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        if b.is_ascii_whitespace() || b == b'>' || b == b'/' || b == 0x0b {
            return &rest[..i];
        }
        if !b.is_ascii() {
            let end = rest[i..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .map_or(rest.len(), |at| i + at);
            return &rest[..end];
        }
    }
    rest
}

/// Where the next `<h2`…`<h6` starts, outside comments (a translation keeps its original's
/// headings in them).
fn find_heading(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    // Where to look for the next comment: each byte is searched for one once (looking again
    // from each candidate heading was quadratic in the comments before a heading).
    let mut comments_from = 0;
    // memmem's vector search: `str::find` read a section's HTML a byte at a time (7 % of the
    // index's instructions on the code-heavy course, whose sections are long).
    while let Some(i) = HEADING.find(&bytes[from..]) {
        let at = from + i;
        let mut inside = false;
        while let Some(c) = COMMENT.find(&bytes[comments_from..at]) {
            comments_from = crate::markdown::comment_end(bytes, comments_from + c + 4);
            if comments_from > at {
                inside = true;
                break;
            }
        }
        if inside {
            from = comments_from;
            continue;
        }
        comments_from = at;
        if matches!(bytes.get(at + 2), Some(b'2'..=b'6'))
            && matches!(bytes.get(at + 3), Some(b' ' | b'>'))
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The text of an HTML fragment: tags and comments dropped (a space for a block's or a line's
/// break, so words do not run together, none for inline elements), glossary tooltips, SVG
/// (chart labels) and the hidden-lines button left out (see [`skipping`]), the few
/// entities the build writes decoded.
fn text_of(html: &str) -> String {
    squeezed_text(&[html], usize::MAX)
}

/// The entities the build writes, and what they stand for.
const ENTITIES: [(&str, char); 6] = [
    ("&lt;", '<'),
    ("&gt;", '>'),
    ("&quot;", '"'),
    ("&#39;", '\''),
    ("&#x27;", '\''),
    ("&amp;", '&'),
];

/// The start of a section's text, cut at a word.
fn excerpt(text: &str) -> String {
    let Some((end, _)) = text.char_indices().nth(EXCERPT) else {
        return text.to_string();
    };
    let cut = &text[..end];
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

    /// [`Squeezed::push`] as it was, a character at a time: what its runs must equal.
    fn squeezed_char_by_char(pieces: &[&str], limit: usize) -> String {
        let (mut out, mut chars, mut space) = (String::new(), 0, false);
        'all: for piece in pieces {
            for c in piece.chars() {
                if chars > limit {
                    break 'all;
                }
                if c.is_whitespace() {
                    space = !out.is_empty();
                    continue;
                }
                if space {
                    out.push(' ');
                    chars += 1;
                    space = false;
                    if chars > limit {
                        break 'all;
                    }
                }
                out.push(c);
                chars += 1;
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn squeezed_text_is_as_a_character_at_a_time(
            pieces in proptest::collection::vec("[a-z \t\n\x0b\x0c\r\x1f\x7fé中\u{a0}\u{2003},.<>]{0,40}", 0..6),
            limit in 0usize..80,
        ) {
            let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let mut text = Squeezed { limit, ..Squeezed::default() };
            for piece in &pieces {
                if text.push(piece) {
                    break;
                }
            }
            proptest::prop_assert_eq!(text.out, squeezed_char_by_char(&pieces, limit));
        }
    }

    #[test]
    fn weights_are_rounded_as_f32_round() {
        // For every value a weight can take.
        let mut x = 0.0f32;
        while x < 256.0 {
            assert_eq!(round_weight(x), x.round() as u32, "{x}");
            x = f32::from_bits(x.to_bits() + 97);
        }
    }

    #[test]
    fn short_words_have_keys_of_their_own() {
        let words = [
            "a",
            "ab",
            "a1",
            "ba",
            "abcdefghijklmnop",
            "abcdefghijklmno",
            "é",
            "e",
            "模型",
        ];
        let keys: Vec<u128> = words.iter().filter_map(|w| short_key(w)).collect();
        assert_eq!(keys.len(), words.len());
        let distinct: std::collections::HashSet<u128> = keys.iter().copied().collect();
        assert_eq!(distinct.len(), words.len());
        assert_eq!(short_key("abcdefghijklmnopq"), None);
    }

    #[test]
    fn a_tag_s_name_ends_where_a_character_at_a_time_ends_it() {
        let by_chars = |tag: &str| {
            tag[1..]
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .to_string()
        };
        for tag in [
            "<p>",
            "</p>",
            "<br/>",
            "<a href=\"x\">",
            "<td\talign=\"left\">",
            "<li\u{b}x>",
            "<pre\u{a0}class>",
            "<é\u{3000}x>",
            "<x\u{85}>",
            "<>",
            "</>",
            "<div",
        ] {
            assert_eq!(tag_name(tag), by_chars(tag), "{tag:?}");
        }
    }

    #[test]
    fn breaking_tags_are_found_in_any_case() {
        const BREAKS: [&str; 50] = [
            "article",
            "aside",
            "blockquote",
            "br",
            "button",
            "caption",
            "dd",
            "details",
            "div",
            "dl",
            "dt",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "header",
            "hr",
            "img",
            "input",
            "label",
            "legend",
            "li",
            "main",
            "mtable",
            "mtd",
            "mtr",
            "nav",
            "ol",
            "option",
            "p",
            "pre",
            "section",
            "select",
            "summary",
            "table",
            "tbody",
            "td",
            "textarea",
            "tfoot",
            "th",
            "thead",
            "tr",
            "ul",
        ];
        assert!(BREAKS.iter().all(|b| b.len() <= LONGEST_BREAK));
        for name in BREAKS {
            assert!(breaks_text(&format!("<{name}>")), "{name}");
            assert!(
                breaks_text(&format!("</{}>", name.to_uppercase())),
                "{name}"
            );
        }
        for tag in [
            "<a href=\"x\">",
            "<span class=\"hl-k\">",
            "<code>",
            "<figcaptions>",
            "<p-x>",
        ] {
            assert!(!breaks_text(tag), "{tag}");
        }
    }

    #[test]
    fn postings_in_term_order_are_sorted_as_by_term_then_document() {
        // Postings in document order, terms repeating, as a shard gathers them.
        let mut postings = Vec::new();
        let mut seed = 7u64;
        for doc in 0..2_000u32 {
            for _ in 0..(doc % 5) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let term = (((seed >> 40) % 300) << 32) | ((seed >> 20) % (1 + doc as u64 % 60));
                if !postings
                    .iter()
                    .any(|p: &(u64, u32, f32)| p.0 == term && p.1 == doc)
                {
                    postings.push((term, doc, doc as f32));
                }
            }
        }
        let mut expected = postings.clone();
        expected.sort_unstable_by_key(|p| (p.0, p.1));
        let mut scratch = Vec::new();
        let got = in_term_order(&postings, &mut scratch);
        assert!(scratch.iter().all(|&c| c == 0));
        assert!(in_term_order(&[], &mut scratch).is_empty());
        assert_eq!(got.len(), expected.len());
        assert!(
            got.iter()
                .zip(&expected)
                .all(|(a, b)| a.0 == b.0 && a.1 == b.1 && a.2 == b.2)
        );
    }

    /// The term files as they were written before, one entry after the other.
    fn term_files_in_turn(
        shards: &[(u8, (String, Vec<u32>))],
    ) -> (Vec<(String, String)>, Vec<String>) {
        let mut files: Vec<(String, String)> = Vec::new();
        let mut firsts: Vec<String> = Vec::new();
        let mut current = String::new();
        for (_, (text, ends)) in shards {
            let mut start = 0;
            for &end in ends {
                let entry = &text[start..end as usize];
                start = end as usize;
                if current.is_empty() {
                    firsts.push(quoted_prefix(entry).to_string());
                    current.push('{');
                } else {
                    current.push(',');
                }
                current.push_str(entry);
                if current.len() >= TERMS_FILE {
                    current.push('}');
                    files.push((
                        format!("search/t/{}.json", files.len()),
                        std::mem::take(&mut current),
                    ));
                }
            }
        }
        if !current.is_empty() {
            current.push('}');
            files.push((format!("search/t/{}.json", files.len()), current));
        }
        (files, firsts)
    }

    #[test]
    fn term_files_are_cut_where_writing_them_in_turn_cuts_them() {
        // Shards of entries of many lengths (some empty shards), about 30 files' worth, and
        // one entry alone longer than a file.
        let mut shards = Vec::new();
        let mut n = 0u32;
        for s in 0..=u8::MAX {
            let (mut text, mut ends) = (String::new(), Vec::new());
            let count = [0, 1, 7, 40, 300][usize::from(s) % 5];
            for _ in 0..count {
                n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let pad = if n.is_multiple_of(997) {
                    TERMS_FILE + 5
                } else {
                    (n % 120) as usize
                };
                text.push_str(&format!("\"t{n}\\\"x\":[{}]", "1,".repeat(pad / 2)));
                ends.push(text.len() as u32);
            }
            shards.push((s, (text, ends)));
        }
        let (files, firsts) = term_files(&shards);
        assert!(files.len() > 20, "{} files", files.len());
        assert_eq!((files, firsts), term_files_in_turn(&shards));
        // Nothing at all, and one entry.
        assert_eq!(term_files(&[]), term_files_in_turn(&[]));
        let one = [(b'a', ("\"a\":[1]".to_string(), vec![7]))];
        assert_eq!(term_files(&one), term_files_in_turn(&one));
        assert_eq!(term_files(&one).1, ["\"a\""]);
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        let mut out = Vec::new();
        for n in (0..2_000).chain([9_999, 10_000, 65_536, u64::from(u32::MAX), u64::MAX]) {
            out.clear();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }

    #[test]
    fn a_page_is_cut_into_sections_at_headings_with_ids() {
        let mut docs = Vec::new();
        split_sections(
            "a/b.html",
            "Models",
            [
                "<p>Intro &amp; more</p>\n<h2 id=\"fit\">Fitting <em>lines</em></h2>\n<p>Least squares.</p><h3>No id</h3><p>x</p>",
                "<form><h2 id=\"quiz\">Check yourself</h2><p>Pick one</p></form><h2 id=\"a&quot;b&amp;c\">Q</h2>",
            ],
            &mut docs,
        );
        let got: Vec<(&str, &str, String)> = docs
            .iter()
            .map(|d| {
                let text = joined_text(&d.parts, d.html);
                (d.href.as_str(), d.heading.as_str(), text)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a/b.html", "", "Intro & more".to_string()),
                (
                    "a/b.html#fit",
                    "Fitting lines",
                    "Least squares. No id x".to_string()
                ),
                ("a/b.html#quiz", "Check yourself", "Pick one".to_string()),
                // The id as the page means it, not as its HTML escapes it.
                ("a/b.html#a\"b&c", "Q", String::new()),
            ]
        );
        assert!(docs[0].with_title && !docs[1].with_title);
        // A page opening with a heading: its title goes with that first section, and a section
        // with no text after it is still a section (a result by its heading).
        let mut docs = Vec::new();
        split_sections(
            "t.html",
            "Tipos",
            [
                "\n<section class=\"objectives\">\n<h2 id=\"a\">A</h2><h2 id=\"b\">B</h2><p>x</p>",
                "",
            ],
            &mut docs,
        );
        let got: Vec<(&str, bool)> = docs
            .iter()
            .map(|d| (d.href.as_str(), d.with_title))
            .collect();
        assert_eq!(got, [("t.html#a", true), ("t.html#b", false)]);
        assert_eq!(
            text_of(
                "<p>A <span class=\"term\"><a href=\"g.html\">model</a><span class=\"term-tip\" role=\"tooltip\" id=\"t\">A <span>function</span>.</span></span> fits. <svg><text>axis</text></svg>Done &lt;3</p>"
            ),
            "A model fits. Done <3"
        );
    }

    #[test]
    fn inline_code_counts_as_a_heading_does_and_a_code_block_as_prose() {
        // The sentence that names an API in inline code (the section teaching it) weighs its
        // words twice; a code block's call, once, as prose does; the words around both, once.
        let dict = Dict::default();
        let mut words = Words::new("en", &dict);
        let section = |html: &'static str| Section {
            href: String::new(),
            title: String::new(),
            heading: String::new(),
            parts: vec![html],
            html: true,
            with_title: false,
            aliases: Vec::new(),
        };
        let counted = words.count_page(vec![
            section("<p>Append with <code>push_str</code> here</p>"),
            section("<pre class=\"code\"><code class=\"language-rust\">s.<span class=\"hl-f\">push_str</span>(here)</code></pre>"),
            section("<p>Append with push_str here</p>"),
        ]);
        let weight = |doc: u32, term: &str| {
            let id = dict.id(term);
            counted
                .postings
                .iter()
                .find(|p| p.a == id && p.b == NO_WORD && p.doc == doc)
                .map(|p| p.count)
        };
        assert_eq!(weight(0, "push"), Some(2.0));
        assert_eq!(weight(0, "str"), Some(2.0));
        assert_eq!(weight(0, "here"), Some(1.0));
        assert_eq!(weight(0, "append"), Some(1.0));
        assert_eq!(weight(1, "push"), Some(1.0));
        assert_eq!(weight(1, "here"), Some(1.0));
        assert_eq!(weight(2, "push"), Some(1.0));
        assert_eq!(counted.lens, [5.0, 4.0, 5.0]);
    }

    #[test]
    fn a_camel_case_word_counts_its_parts_and_their_pairs_beside_itself() {
        let dict = Dict::default();
        let mut words = Words::new("en", &dict);
        let counted = words.count_page(vec![Section {
            href: String::new(),
            title: String::new(),
            heading: String::new(),
            parts: vec!["<pre><code>enum UsState { Alabama }</code></pre>"],
            html: true,
            with_title: false,
            aliases: Vec::new(),
        }]);
        let has = |a: &str, b: Option<&str>| {
            let (a, b) = (dict.id(a), b.map_or(NO_WORD, |b| dict.id(b)));
            counted.postings.iter().any(|p| p.a == a && p.b == b)
        };
        assert!(has("usstat", None), "the whole word, stemmed");
        assert!(has("us", None) && has("state", None));
        assert!(has("us", Some("state")), "its parts side by side");
        assert!(
            has("enum", Some("usstate")),
            "the whole word beside the one before"
        );
        assert!(!has("enum", Some("us")) && !has("state", Some("alabama")));
        // Its parts are not more words of the section.
        assert_eq!(counted.lens, [3.0]);
    }

    #[test]
    fn words_are_counted_from_the_html_as_from_its_text() {
        let html = "<p>A <span class=\"term\"><a href=\"g.html\">model</a><span role=\"tooltip\">A <span>function</span>.</span></span> fits&amp;learns &lt;3 <svg><g><text>axis</text></g></svg>don&#39;t<br/>stop</p><svg/>中 <em>文</em>";
        fn words(runs: &[&str]) -> Vec<String> {
            let mut out = Vec::new();
            for run in runs {
                search_wasm::each_piece(run, |p| {
                    out.push(match p {
                        search_wasm::Piece::Word(w) | search_wasm::Piece::Unspaced(w) => {
                            w.to_string()
                        }
                    })
                });
            }
            out
        }
        let mut runs = Vec::new();
        each_bit(html, |bit| {
            if let Bit::Text(run) = bit {
                runs.push(run.to_string());
            }
            false
        });
        let runs: Vec<&str> = runs.iter().map(String::as_str).collect();
        let from_runs = words(&runs);
        let from_text = words(&[&text_of(html)]);
        assert_eq!(from_runs, from_text);
        assert_eq!(
            from_text,
            [
                "a", "model", "fits", "learns", "3", "don", "t", "stop", "中", "文"
            ]
        );
    }

    #[test]
    fn an_excerpt_is_made_from_the_start_of_the_html_alone() {
        for cut in 0..40 {
            let long = format!(
                "<p>{}&amp;{}</p><p>{}</p>",
                "w".repeat(EXCERPT * 4 - cut),
                "more words ".repeat(40),
                "end ".repeat(400)
            );
            let parts = ["<p>intro</p>", long.as_str(), "<p>tail</p>"];
            assert_eq!(
                excerpt_of(&parts, true),
                excerpt(&joined_text(&parts, true))
            );
        }
        let short = ["<p>Short &amp; sweet</p>", "<p>done</p>"];
        assert_eq!(excerpt_of(&short, true), "Short & sweet done");
        assert_eq!(excerpt_of(&["a < b"], false), "a < b");
    }

    #[test]
    fn an_excerpt_has_a_space_only_where_the_page_shows_one() {
        // Inline elements (a glossary term's link, code, emphasis, MathML) join their text to
        // what is beside them; blocks, list items, cells and line breaks part it.
        let term = "<span class=\"term\"><a href=\"g.html\">knobs</a><span role=\"tooltip\">A number.</span></span>";
        let html = format!(
            "<p>functions with {term}, <em>training</em>, “<code>AI model</code>” and <math><mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo><mo>=</mo><mn>2</mn></math>.</p><p>Next</p><ul><li>one</li><li>two<br>three</li></ul><table><tr><td>a</td><td>b</td></tr></table><h3>End</h3>"
        );
        assert_eq!(
            excerpt_of(&[&html], true),
            "functions with knobs, training, “AI model” and f(x)=2. Next one two three a b End"
        );
        assert_eq!(text_of("<code>Vec</code>tors"), "Vectors");
    }

    /// book-ja keeps the English original in comments: `<!-- Rc<T>, the Reference Counted
    /// Smart Pointer -->` was read as a tag to its first `>`, and "T>, the Reference Counted
    /// Smart Pointer -->" indexed, in excerpts and in result headings.
    #[test]
    fn comments_are_not_text_nor_headings() {
        let html = "<!-- ## `Rc<T>`, the Reference Counted Smart Pointer -->\n<p>参照<!-- in-line <b> -->カウント</p><!-- <h2 id=\"old\">Old <em>x</em></h2> -->\n<h2 id=\"rc\">Rc<!-- <T> -->&lt;T&gt;</h2>\n<p>本文<!---->です<!-->。</p><!-- never closed <p>lost</p>";
        let mut docs = Vec::new();
        split_sections("rc.html", "Rc", [html, ""], &mut docs);
        let got: Vec<(&str, &str, String, String)> = docs
            .iter()
            .map(|d| {
                (
                    d.href.as_str(),
                    d.heading.as_str(),
                    joined_text(&d.parts, d.html),
                    excerpt_of(&d.parts, d.html),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "rc.html",
                    "",
                    "参照カウント".to_string(),
                    "参照カウント".to_string()
                ),
                (
                    "rc.html#rc",
                    "Rc<T>",
                    "本文です。".to_string(),
                    "本文です。".to_string()
                ),
            ]
        );
        let mut runs = Vec::new();
        each_bit(html, |bit| {
            if let Bit::Text(run) = bit {
                runs.push(run.to_string());
            }
            false
        });
        assert!(
            runs.iter()
                .all(|r| !r.contains("Reference") && !r.contains("lost")),
            "{runs:?}"
        );
        // A comment's end found once however many come before a heading.
        let many = format!("{}<h2 id=\"h\">H</h2>", "<!---->".repeat(200_000));
        let started = std::time::Instant::now();
        assert_eq!(find_heading(&many), Some(200_000 * 7));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn buttons_are_not_text() {
        let html = "<button type=\"button\" class=\"show-hidden-lines\" data-show-hidden aria-pressed=\"false\">Show hidden lines</button>\n<pre class=\"code\" tabindex=\"0\"><code class=\"language-rust\"><span class=\"boring\">fn main() {\n</span><span class=\"hl-k\">let</span> x = 1;</code></pre><button type=\"button\">Check</button>";
        // The theme's buttons (a quiz's "Check" too) are its words, not the course's.
        assert_eq!(excerpt_of(&[html], true), "fn main() { let x = 1;");
    }

    #[test]
    fn excerpts_are_cut_at_a_word() {
        assert!(excerpt(&"word ".repeat(100)).chars().count() <= EXCERPT + 1);
        assert_eq!(excerpt("short"), "short");
    }
}
