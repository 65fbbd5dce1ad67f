//! Glossary mentions: the first (or every) mention of a term or alias in a lesson's prose links
//! to its glossary entry, with the definition shown on hover and focus by CSS alone.
//!
//! One Aho-Corasick automaton over every term and alias (leftmost-longest, so "language model"
//! wins over "model") scans each text run once: the cost grows with the text, not with
//! terms × words. Only prose is touched: headings, links, images, code, math and callout
//! titles arrive as other events or inside skipped tags.

use super::MentionView;
use super::links::relative_url as relative;
use super::stream::{Env, Events, pass};
use crate::diag::Diagnostic;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// The most bytes of term names (and aliases) matched with a DFA: its table is about a state a
/// byte, each a row of the byte classes the names use (a few hundred KB at this bound).
const DFA_PATTERN_BYTES: usize = 16 * 1024;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::collections::HashSet;

pub struct Term {
    pub id: String,
    pub names: Vec<String>,
    /// Inline HTML of the definition.
    pub definition: String,
}

pub struct Matcher {
    automaton: Option<AhoCorasick>,
    /// Pattern index → term index.
    pattern_term: Vec<usize>,
    terms: Vec<Term>,
    /// Link every mention, not only the first.
    pub all: bool,
    pub glossary_url: String,
}

impl Matcher {
    pub fn new(terms: Vec<Term>, all: bool, glossary_url: &str) -> Matcher {
        let mut patterns = Vec::new();
        let mut pattern_term = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            for name in &term.names {
                let lower = name.trim().to_lowercase();
                if !lower.is_empty() {
                    patterns.push(lower);
                    pattern_term.push(i);
                }
            }
        }
        // A DFA (every transition a table lookup) for a glossary of usual size: the search runs
        // over every word of every lesson, and the contiguous NFA the crate picks past 100
        // patterns was 3 % of a build. Past DFA_PATTERN_BYTES of names its table would grow
        // to tens of MB, and the crate's own choice stands.
        let bytes: usize = patterns.iter().map(String::len).sum();
        let kind = (bytes <= DFA_PATTERN_BYTES).then_some(AhoCorasickKind::DFA);
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(kind)
            .build(&patterns)
            .ok();
        Matcher {
            automaton,
            pattern_term,
            terms,
            all,
            glossary_url: glossary_url.to_string(),
        }
    }

    /// The inline HTML of term `index`'s definition (terms are in the glossary's order),
    /// rendered once for the build: lessons' Key terms lists and the glossary page reuse it.
    pub fn definition(&self, index: usize) -> &str {
        self.terms.get(index).map_or("", |t| t.definition.as_str())
    }

    /// Whole-word, case-insensitive matches in `text`: (start, end, term index), in order.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        // ASCII text, most prose: lowercased byte for byte (or not at all), so a match's place
        // is its place in `text`. The general path below was 9 % of a whole build's
        // instructions on the benchmark course (a char-by-char lowercase and a map of 8 bytes a
        // byte).
        if text.is_ascii() {
            let lower = if text.bytes().any(|b| b.is_ascii_uppercase()) {
                std::borrow::Cow::Owned(text.to_ascii_lowercase())
            } else {
                std::borrow::Cow::Borrowed(text)
            };
            return self.whole_words(
                text,
                ac.find_iter(lower.as_ref())
                    .map(|m| (m.start(), m.end(), m.pattern())),
            );
        }
        // Lowercasing can change byte lengths (İ → i̇), so keep a map back to the original.
        let mut lower = String::with_capacity(text.len());
        let mut back: Vec<usize> = Vec::with_capacity(text.len() + 1);
        for (i, c) in text.char_indices() {
            for l in c.to_lowercase() {
                let before = lower.len();
                lower.push(l);
                back.extend(std::iter::repeat_n(i, lower.len() - before));
            }
        }
        back.push(text.len());
        self.whole_words(
            text,
            ac.find_iter(&lower)
                .map(|m| (back[m.start()], back[m.end()], m.pattern())),
        )
    }

    /// The matches (start, end in `text`, pattern) that are whole words, with their terms.
    fn whole_words(
        &self,
        text: &str,
        matches: impl Iterator<Item = (usize, usize, aho_corasick::PatternID)>,
    ) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        for (start, end, pattern) in matches {
            let before_ok = text[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !is_word(c));
            let after_ok = text[end..].chars().next().is_none_or(|c| !is_word(c));
            if before_ok && after_ok && start < end {
                found.push((start, end, self.pattern_term[pattern.as_usize()]));
            }
        }
        found
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The definitions a page carries as tooltips, in bytes: this much, plus four times the
/// page's Markdown. Each mention carries its term's definition, so without a bound a 60 KB
/// lesson saying one word 10,000 times (`link-terms = "all"`) and a 60 KB definition made a
/// 1.2 GB page and took 3.6 GB of memory. Past it, mentions still link to the glossary, without
/// a tooltip, and the page gets a warning where that starts.
const TIP_BYTES: usize = 16 * 1024;

pub fn link<'a: 'p, 'p>(
    events: impl Events<'a> + 'p,
    matcher: &'p Matcher,
    env: &'p Env<'p>,
    source_len: usize,
) -> impl Events<'a> + 'p {
    let out = env.out;
    let href = relative(env.ctx.url, &matcher.glossary_url);
    let mut linked: HashSet<usize> = HashSet::new();
    let mut tips_left = TIP_BYTES.saturating_add(source_len.saturating_mul(4));
    let mut warned = false;
    let mut skip_depth = 0usize;
    pass(events, move |(event, range), _, queue| {
        match &event {
            Event::Start(
                Tag::Heading { .. }
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::TableHead,
            ) => skip_depth += 1,
            Event::End(
                TagEnd::Heading(_)
                | TagEnd::Link
                | TagEnd::Image
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::TableHead,
            ) => skip_depth = skip_depth.saturating_sub(1),
            _ => {}
        }
        let Event::Text(text) = &event else {
            queue.push_back((event, range));
            return;
        };
        if skip_depth > 0 {
            queue.push_back((event, range));
            return;
        }
        let mut last = 0;
        let mut pieces: Vec<Event<'a>> = Vec::new();
        for (start, end, term_index) in matcher.find(text) {
            if !matcher.all && linked.contains(&term_index) {
                continue;
            }
            let term = &matcher.terms[term_index];
            if linked.insert(term_index) {
                out.borrow_mut().mentioned.push(term.id.clone());
            }
            if start > last {
                pieces.push(Event::Text(CowStr::from(text[last..start].to_string())));
            }
            let tip = format!("tip-{}-{}", term.id, start + range.start);
            let mut diags = Vec::new();
            let definition = match tips_left.checked_sub(term.definition.len()) {
                Some(left) => {
                    tips_left = left;
                    term.definition.as_str()
                }
                None => {
                    if !warned {
                        warned = true;
                        diags.push(
                            Diagnostic::warning(
                                env.ctx.source,
                                (env.at)((range.start + start).min(range.end)),
                                "glossary tooltips stop here: this page already carries as many \
                                 definitions as it may (16 KB and four times its Markdown); \
                                 later mentions link to the glossary without one",
                            )
                            .with_help(
                                "set `link-terms = \"first\"` under [course], or mention the \
                                 term less often",
                            ),
                        );
                    }
                    ""
                }
            };
            let html = env.ctx.widgets.mention(
                &MentionView {
                    id: &term.id,
                    text: &text[start..end],
                    href: &format!("{href}#term-{}", term.id),
                    tip: &tip,
                    definition_html: definition,
                },
                &mut diags,
            );
            out.borrow_mut().diags.append(&mut diags);
            pieces.push(Event::Html(CowStr::from(html)));
            last = end;
        }
        if pieces.is_empty() {
            queue.push_back((event, range));
            return;
        }
        if last < text.len() {
            pieces.push(Event::Text(CowStr::from(text[last..].to_string())));
        }
        queue.extend(pieces.into_iter().map(|e| (e, range.clone())));
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(all: bool) -> Matcher {
        let terms = vec![
            Term {
                id: "model".into(),
                names: vec!["model".into(), "models".into()],
                definition: "A function.".into(),
            },
            Term {
                id: "language-model".into(),
                names: vec!["language model".into()],
                definition: "Predicts tokens.".into(),
            },
            Term {
                id: "slm".into(),
                names: vec!["SLM".into(), "small language model".into()],
                definition: "Small.".into(),
            },
            Term {
                id: "inference".into(),
                names: vec!["İnference".into()],
                definition: "Running.".into(),
            },
        ];
        Matcher::new(terms, all, "glossary.html")
    }

    fn names(m: &Matcher, text: &str) -> Vec<String> {
        m.find(text)
            .into_iter()
            .map(|(s, e, _)| text[s..e].to_string())
            .collect()
    }

    #[test]
    fn longest_match_wins_and_words_are_whole() {
        let m = matcher(true);
        assert_eq!(
            names(&m, "A language model is a model; remodel no."),
            ["language model", "model"]
        );
        assert_eq!(
            names(&m, "A small language model (SLM)."),
            ["small language model", "SLM"]
        );
        assert_eq!(names(&m, "Models, MODEL and model_x"), ["Models", "MODEL"]);
    }

    #[test]
    fn unicode_case_and_offsets_survive_lowercasing() {
        let m = matcher(true);
        assert_eq!(names(&m, "İİ then İnference."), ["İnference"]);
    }
}
