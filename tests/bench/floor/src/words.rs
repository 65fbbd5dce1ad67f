//! `bench-floor words SRC_DIR`: the least work a search index that meets issue #16's quality
//! budget must do, timed on one thread, to set beside what coursebook's index adds to a build
//! (`tests/bench/search_cost.py --floor`).
//!
//! The benchmark's queries are common words that only their order sets apart, so an index must
//! know which words stand side by side (coursebook counts pairs of words; Pagefind keeps every
//! word's positions and finds none of them first). The floor counts, for each section of each
//! lesson, every word once per section and every pair of words in a row once per section, and
//! nothing more: the text is taken from the Markdown before the clock starts (no HTML read),
//! words are runs of ASCII letters and digits lowercased (no Unicode folding, no stemming, no
//! CamelCase parts or identifiers), quizzes and the glossary are left out, and nothing is ranked,
//! sorted into terms, excerpted or written. Each choice makes the floor lower than any real
//! index's, so a floor above the budget means no index of this kind can meet it.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rustc_hash::FxHashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// How many times the count is timed; the fastest is reported.
const ROUNDS: usize = 7;

/// What one count found, and how long it took.
pub struct Counted {
    pub sections: usize,
    pub words: usize,
    pub terms: usize,
    pub postings: usize,
    pub elapsed: Duration,
}

/// Each lesson's sections' text: cut at every heading, blocks joined by a line break.
pub fn sections(files: &[(std::path::PathBuf, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (_, body) in files {
        let mut current = String::new();
        for event in Parser::new_ext(body, super::options()) {
            match event {
                Event::Start(Tag::Heading { .. }) => {
                    if !current.trim().is_empty() {
                        out.push(std::mem::take(&mut current));
                    }
                    current.clear();
                }
                Event::Text(t) | Event::Code(t) => current.push_str(&t),
                Event::SoftBreak | Event::HardBreak => current.push(' '),
                Event::End(
                    TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
                ) => current.push('\n'),
                _ => {}
            }
        }
        if !current.trim().is_empty() {
            out.push(current);
        }
    }
    out
}

/// Count the sections' words and, with `pairs`, their pairs of words in a row.
pub fn count(sections: &[String], pairs: bool) -> Counted {
    let started = Instant::now();
    let mut dict: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut counts: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    // A section's pairs as met, sorted and merged at its end: cheaper here than a hash map of
    // pairs (77 against 105 ms over the 1,000-lesson site's pages' 1.3 million words).
    let mut met: Vec<u64> = Vec::new();
    // (term, second word or u32::MAX, section, count): what an index keeps of each.
    let mut postings: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut word = String::new();
    let mut words = 0;
    for (doc, text) in sections.iter().enumerate() {
        let doc = doc as u32;
        // Pairs never across two blocks (a heading and its first paragraph).
        for line in text.lines() {
            let mut previous: Option<u32> = None;
            for piece in line.split(|c: char| !c.is_ascii_alphanumeric()) {
                if piece.is_empty() {
                    continue;
                }
                words += 1;
                word.clear();
                word.push_str(piece);
                word.make_ascii_lowercase();
                let id = match dict.get(word.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = dict.len() as u32;
                        dict.insert(word.as_str().into(), id);
                        id
                    }
                };
                let at = id as usize;
                if at >= counts.len() {
                    counts.resize(at + 1024, 0);
                }
                if counts[at] == 0 {
                    touched.push(id);
                }
                counts[at] += 1;
                if pairs {
                    if let Some(before) = previous {
                        met.push(u64::from(before) << 32 | u64::from(id));
                    }
                    previous = Some(id);
                }
            }
        }
        for &id in &touched {
            postings.push((id, u32::MAX, doc, std::mem::take(&mut counts[id as usize])));
        }
        touched.clear();
        met.sort_unstable();
        for run in met.chunk_by(|a, b| a == b) {
            postings.push(((run[0] >> 32) as u32, run[0] as u32, doc, run.len() as u32));
        }
        met.clear();
    }
    let elapsed = started.elapsed();
    Counted {
        sections: sections.len(),
        words,
        terms: dict.len(),
        postings: std::hint::black_box(postings).len(),
        elapsed,
    }
}

/// Time the count of SRC_DIR's lessons, words alone and words with pairs, and print both.
pub fn run(src: &Path) -> std::io::Result<usize> {
    let mut paths = Vec::new();
    super::markdown_files(src, &mut paths)?;
    let mut files = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)?;
        let body = super::strip_front_matter(&text).to_string();
        files.push((path, body));
    }
    let sections = sections(&files);
    for (label, pairs) in [("words", false), ("words and pairs", true)] {
        let best = (0..ROUNDS)
            .map(|_| count(&sections, pairs))
            .min_by_key(|c| c.elapsed)
            .ok_or_else(|| std::io::Error::other("no rounds"))?;
        println!(
            "{label}: {:.1} ms on one thread (fastest of {ROUNDS}): {} sections, {} words, {} terms, {} postings",
            best.elapsed.as_secs_f64() * 1000.0,
            best.sections,
            best.words,
            best.terms,
            best.postings,
        );
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_word_and_pair_counts_once_a_section() {
        let files = vec![(
            std::path::PathBuf::from("a.md"),
            "Least squares fit.\n\n## Least squares\n\nLeast squares, least squares.\n".to_string(),
        )];
        let sections = sections(&files);
        assert_eq!(sections.len(), 2, "{sections:?}");
        let words = count(&sections, false);
        // "least", "squares", "fit" in the first; "least", "squares" in the second (heading and
        // text together).
        assert_eq!((words.words, words.terms, words.postings), (9, 3, 5));
        let pairs = count(&sections, true);
        // Pairs: "least squares", "squares fit"; then "least squares", "squares least".
        assert_eq!(pairs.postings, 5 + 4);
    }
}
