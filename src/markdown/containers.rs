//! A bound on how deeply blockquotes and lists nest, checked on the text before it is parsed.
//!
//! CommonMark allows any depth, but pulldown-cmark matches every open container on every line,
//! so a lesson of `>` × 400,000 took 5 s and `> - ` × 400,000 took 20 s (quadratic). No course
//! needs more than a few levels; past [`MAX_CONTAINERS`] the lesson is refused instead, and
//! under it a line costs at most that many container checks, so parsing stays linear.

use super::fences::Fences;

/// The most blockquote and list levels one line may open.
pub const MAX_CONTAINERS: usize = 100;

/// The byte offset of the first line (outside fenced code) that opens more than
/// [`MAX_CONTAINERS`] levels, and how many it opens. One pass over the text.
pub fn too_deep(body: &str) -> Option<(usize, usize)> {
    let mut fences = Fences::default();
    let mut start = 0;
    // Lines found with memchr's vector search (`split_inclusive` looks a byte at a time).
    let ends = memchr::memchr_iter(b'\n', body.as_bytes()).map(|i| i + 1);
    for end in ends.chain((!body.ends_with('\n') && !body.is_empty()).then_some(body.len())) {
        let at = start;
        let line = &body[at..end];
        start = end;
        if fences.line(line) || fences.inside() {
            continue;
        }
        let depth = depth(line);
        if depth > MAX_CONTAINERS {
            return Some((at, depth));
        }
    }
    None
}

/// The length of the container mark at `b[i]`: `>`, or a list marker (`-`, `*`, `+`, `1.`,
/// `1)`, at most nine digits) followed by whitespace or the line's end; `None` for anything else.
pub fn mark_len(b: &[u8], i: usize) -> Option<usize> {
    let space_or_end = |j: usize| b.get(j).is_none_or(|c| c.is_ascii_whitespace());
    match b.get(i)? {
        b'>' => Some(1),
        b'-' | b'*' | b'+' if space_or_end(i + 1) => Some(1),
        b'0'..=b'9' => {
            let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let after = i + digits;
            (digits <= 9 && matches!(b.get(after), Some(b'.' | b')')) && space_or_end(after + 1))
                .then_some(digits + 1)
        }
        _ => None,
    }
}

/// The containers a line opens: each `>` and each list marker (`-`, `*`, `+`, `1.`, `1)`
/// followed by a space), plus its leading indentation counted as a level per two columns when it
/// opens any (a list nested by indentation, one level per line, reaches the same depth).
fn depth(line: &str) -> usize {
    let b = line.as_bytes();
    let mut i = 0;
    let mut columns = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b' ' => columns += 1,
            b'\t' => columns += 4,
            _ => break,
        }
        i += 1;
    }
    let mut markers = 0;
    while let Some(n) = mark_len(b, i) {
        i += n;
        markers += 1;
        while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
            i += 1;
        }
    }
    if markers == 0 {
        0
    } else {
        markers + columns / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_quotes_and_list_markers_on_a_line() {
        assert_eq!(depth("> > - 1. x\n"), 4);
        assert_eq!(depth(">>>x\n"), 3);
        assert_eq!(depth("*emphasis*\n"), 0);
        assert_eq!(depth("    - x\n"), 3);
        assert_eq!(depth("2024. was a year\n"), 1);
        assert_eq!(depth("plain\n"), 0);
        assert_eq!(too_deep("# A\n\n> > x\n"), None);
        let deep = format!("# A\n\nok\n{} x\n", ">".repeat(101));
        assert_eq!(too_deep(&deep), Some((8, 101)));
        let fenced = format!("```\n{}\n```\n", ">".repeat(500));
        assert_eq!(too_deep(&fenced), None);
    }
}
