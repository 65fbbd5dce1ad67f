//! A bound on how much Markdown structure one page may hold, checked on the text before it is
//! parsed.
//!
//! pulldown-cmark builds a tree of the whole page before the first event comes out, about 56
//! bytes a node, and a node can stand for as little as one byte of text: a 5 MB lesson of
//! `` `a` `` took 563 MB (pulldown-cmark alone 290 MB), of `*a* ` 610 MB, of `a` paragraphs
//! 350 MB, where 5 MB of prose takes 50 MB. Real pages have a few thousand lines and markup
//! characters (the densest page of Rust by Example and mdBook's guide: 600). Past
//! [`MAX_NODES`] the page is refused, so memory stays within a bound whatever the text.

/// The most lines plus markup characters one page may hold (after its includes).
pub const MAX_NODES: usize = 500_000;

/// Bytes that can each start a node of their own: line ends, and the characters inline markup
/// is made of (emphasis, code, links and images, HTML, escapes, math, strikethrough, table
/// cells, and the quotes smart punctuation turns into nodes). Not `&`, `-` or `!`: a node only
/// as an entity, a run of dashes or before `[`, so a few bytes a node at most.
const MARKUP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    let bytes = b"\n*_~`[]<\\$|'\"";
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

/// The byte offset where `body`'s count of lines and markup characters passes [`MAX_NODES`],
/// if it does. A page shorter than that many bytes cannot, and is not read.
pub fn too_dense(body: &str) -> Option<usize> {
    if body.len() <= MAX_NODES {
        return None;
    }
    let mut count = 0;
    for (at, &b) in body.as_bytes().iter().enumerate() {
        count += usize::from(MARKUP[b as usize]);
        if count > MAX_NODES {
            return Some(at);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_pages_are_found_where_they_pass_the_bound() {
        // Prose: far fewer markup characters than bytes.
        let prose = "The model learns a weight from the data. ".repeat(30_000);
        assert!(prose.len() > MAX_NODES);
        assert_eq!(too_dense(&prose), None);
        // Code spans: two markup bytes in four.
        let spans = "`a` ".repeat(300_000);
        assert_eq!(too_dense(&spans), Some(2 * MAX_NODES));
        // Short pages are not counted at all, however dense.
        assert_eq!(too_dense(&"*".repeat(MAX_NODES)), None);
        assert_eq!(too_dense(&"\n".repeat(MAX_NODES + 1)), Some(MAX_NODES));
        // Ampersands and hyphens are text unless they make an entity or a dash.
        assert_eq!(too_dense(&"&-".repeat(MAX_NODES)), None);
    }
}
