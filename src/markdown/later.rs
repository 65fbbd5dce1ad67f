//! Highlighting put off to the end of the Markdown step. While the pages are rendered, a
//! lesson's code block that needs the tokenizer is written as a marker and kept; when every
//! page is rendered, the course's blocks are highlighted together, the same code in the same
//! language once and each language's blocks in a row (highlight.rs `highlight_all`), and each
//! page's markers are replaced by its blocks' HTML (site/pages/markdown.rs). The pages come out
//! byte for byte as if each block had been highlighted in its place.
//!
//! Why: a thread that tokenizes one language after another, as the pages mix them, keeps no
//! grammar warm in the processor's caches. Highlighting the code-heavy bench course's blocks
//! language by language took 30–40 % less CPU than in the pages' order (tests/bench/HISTORY.md,
//! twelfth session).
//!
//! Only a lesson's own fenced code is put off: a quiz's code is highlighted where it is, as its
//! HTML is worked on further (marks, labels), and so is a block the persistent cache holds.

use super::highlight;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A page's blocks put off, each its grammar and its code, in the order of their markers.
pub type Blocks = Vec<(&'static str, String)>;

/// One page's blocks put off.
#[derive(Default)]
pub struct Later {
    blocks: RefCell<Blocks>,
    /// The page's HTML reached its bound (`MAX_PAGE_HTML`) with markers in it: where it stopped
    /// depends on the blocks' HTML, so the page is rendered again with its code in place.
    capped: Cell<bool>,
}

impl Later {
    /// The inner HTML of a block's `<code>`, as [`highlight::highlight`] makes it, or a marker
    /// for it when it needs the tokenizer.
    pub fn highlight(&self, code: &str, lang: &str) -> String {
        match highlight::ready(code, lang) {
            Ok((html, _)) => html,
            Err(grammar) => {
                let mut blocks = self.blocks.borrow_mut();
                let marker = marker(blocks.len());
                blocks.push((grammar, code.to_string()));
                marker
            }
        }
    }

    /// Said by the renderer when the page's HTML reached its bound.
    pub fn set_capped(&self) {
        self.capped.set(true);
    }

    /// Whether the page reached its bound, and its blocks put off.
    pub fn into_parts(self) -> (bool, Blocks) {
        (self.capped.get(), self.blocks.into_inner())
    }
}

/// What every marker of this process starts with: a control character, which no page's HTML
/// holds otherwise (content/sources.rs replaces those written in a file, and the Markdown step
/// those a character reference makes), then a number drawn for the process, which no course
/// can know. A marker is that, the block's number on its page, and the control character again.
fn marker_start() -> &'static str {
    static START: OnceLock<String> = OnceLock::new();
    START.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let drawn = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        format!("\u{1}{drawn:016x}")
    })
}

fn marker(n: usize) -> String {
    format!("{}{n}\u{1}", marker_start())
}

/// Every page's blocks highlighted (`pages`: each page's [`Later::into_parts`] blocks), the
/// same code in the same language once: the HTML of each distinct block, and for each page the
/// number of each of its blocks in that list.
pub fn highlight_pages(pages: &[Blocks]) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut distinct: Vec<(&'static str, &str)> = Vec::new();
    let mut number: HashMap<(&str, &str), usize> = HashMap::new();
    let numbers = pages
        .iter()
        .map(|blocks| {
            blocks
                .iter()
                .map(|(grammar, code)| {
                    *number.entry((grammar, code)).or_insert_with(|| {
                        distinct.push((grammar, code));
                        distinct.len() - 1
                    })
                })
                .collect()
        })
        .collect();
    (highlight::highlight_all(&distinct), numbers)
}

/// `html` with each marker replaced by its block's HTML (`block`: by the marker's number). Text
/// that only looks like a marker (not this process's, or a number the page has no block for)
/// is left as it is.
pub fn fill<'h>(html: &str, block: impl Fn(usize) -> Option<&'h str>) -> String {
    let start = marker_start();
    let finder = memchr::memmem::Finder::new(start.as_bytes());
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(found) = finder.find(&html.as_bytes()[at..]).map(|f| at + f) {
        out.push_str(&html[at..found]);
        let after = found + start.len();
        let digits = html[after..].bytes().take_while(u8::is_ascii_digit).count();
        let end = after + digits;
        let filled = (digits > 0 && html[end..].starts_with('\u{1}'))
            .then(|| html[after..end].parse::<usize>().ok())
            .flatten()
            .and_then(&block);
        match filled {
            Some(block_html) => {
                out.push_str(block_html);
                at = end + 1;
            }
            None => {
                out.push_str(start);
                at = after;
            }
        }
    }
    out.push_str(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_put_off_come_back_where_they_were_the_same_code_highlighted_once() {
        let (first, second) = (Later::default(), Later::default());
        let code = "fn main() {}\n";
        let page_one = format!(
            "<p>a</p>{}<p>b</p>{}",
            first.highlight(code, "rust"),
            first.highlight("x = 1\n", "python")
        );
        let page_two = format!("<pre>{}</pre>", second.highlight(code, "rs"));
        // A language without a grammar is written at once.
        assert_eq!(first.highlight("<b>", "text"), "&lt;b&gt;");
        let (capped, one) = first.into_parts();
        let (_, two) = second.into_parts();
        assert!(!capped);
        assert_eq!(one.len(), 2);
        let (html, numbers) = highlight_pages(&[one, two]);
        assert_eq!(
            html.len(),
            2,
            "the same Rust block twice is highlighted once"
        );
        assert_eq!(numbers, vec![vec![0, 1], vec![0]]);
        let by = |page: usize| {
            let (html, numbers) = (&html, &numbers);
            move |n: usize| numbers[page].get(n).map(|&i| html[i].as_str())
        };
        let rust = highlight::highlight(code, "rust").0;
        let python = highlight::highlight("x = 1\n", "python").0;
        assert!(rust.contains("hl-"), "{rust}");
        assert_eq!(
            fill(&page_one, by(0)),
            format!("<p>a</p>{rust}<p>b</p>{python}")
        );
        assert_eq!(fill(&page_two, by(1)), format!("<pre>{rust}</pre>"));
    }

    #[test]
    fn only_this_process_s_markers_of_the_page_s_own_blocks_are_replaced() {
        let start = marker_start();
        let none = |_: usize| -> Option<&'static str> { None };
        let one = |n: usize| (n == 0).then_some("<span>code</span>");
        for kept in [
            // Another process's marker, and a control character alone.
            "\u{1}0000000000000000\u{1}0\u{1}".to_string(),
            "a\u{1}b".to_string(),
            // No number, a number with no end, a number the page has no block for.
            format!("{start}\u{1}"),
            format!("{start}0"),
            format!("{start}7\u{1}"),
            format!("{start}99999999999999999999999\u{1}"),
        ] {
            assert_eq!(fill(&kept, one), kept);
        }
        assert_eq!(
            fill(&format!("<i>{start}0\u{1}</i>"), none),
            format!("<i>{start}0\u{1}</i>")
        );
        assert_eq!(
            fill(&format!("{start}0\u{1}{start}0\u{1}x"), one),
            "<span>code</span><span>code</span>x"
        );
    }
}
