//! A tokenized code block as HTML: one `<span>` per TextMate scope, nested as the scopes are,
//! each atom of a scope a class of its own with the `hl-` prefix (`keyword.control.rust` →
//! `class="hl-keyword hl-control hl-rust"`). This is the class style coursebook wrote with
//! syntect, so the stylesheets made from syntect's themes (code-themes/) apply unchanged:
//! their selector `.hl-keyword.hl-control` is TextMate's prefix match.
//!
//! Self-contained on purpose (syntaxmate and std only): the benchmark's floor and the
//! highlighter comparison in tests/bench include this file, so they measure the same output.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock, RwLock};
use syntaxmate::{ScopeStackId, Token, TokenizedDocument};

/// Which scopes get a span: those the stylesheets can colour. A span nobody styles only costs
/// bytes (the VS Code grammars nest `meta.*` scopes deeply: 8 % of a code-heavy page's bytes).
/// A scope gets a span if its atoms hold every atom of some compound selector (`.hl-a.hl-b`)
/// of the stylesheets that is the element a rule styles, or that has two atoms or more; a lone
/// ancestor compound (`.hl-meta` twenty deep in InspiredGitHub's JSON rules) keeps nothing.
pub struct Styled {
    compounds: Vec<Vec<String>>,
    /// Scopes seen so far → the opening tag of their span, if they get one.
    known: RwLock<HashMap<String, Option<Arc<str>>, BuildHasherDefault<FastHasher>>>,
}

impl Styled {
    /// From class stylesheets (`hl-` prefix, as code-themes/ holds them).
    pub fn from_css(sheets: &[&str]) -> Styled {
        let mut compounds: Vec<Vec<String>> = Vec::new();
        for sheet in sheets {
            for block in sheet.split('}') {
                let Some((selectors, _)) = block.split_once('{') else {
                    continue;
                };
                // Comments hold no `.hl-` words that matter: only words with the prefix count.
                for selector in selectors.rsplit("*/").next().unwrap_or("").split(',') {
                    let parts: Vec<&str> = selector.split_whitespace().collect();
                    for (i, part) in parts.iter().enumerate() {
                        let atoms: Vec<String> = part
                            .split('.')
                            .filter_map(|a| a.strip_prefix("hl-"))
                            .map(str::to_string)
                            .collect();
                        if !atoms.is_empty() && (i + 1 == parts.len() || atoms.len() >= 2) {
                            compounds.push(atoms);
                        }
                    }
                }
            }
        }
        compounds.sort();
        compounds.dedup();
        Styled {
            compounds,
            known: RwLock::new(HashMap::default()),
        }
    }

    /// Whether `scope` gets a span.
    #[cfg(test)]
    pub fn keeps(&self, scope: &str) -> bool {
        self.tag(scope).is_some()
    }

    /// The opening tag of `scope`'s span (`<span class="hl-keyword hl-control hl-rust">`), if
    /// it gets one: made once per scope name, not once per span.
    pub fn tag(&self, scope: &str) -> Option<Arc<str>> {
        if let Ok(known) = self.known.read()
            && let Some(tag) = known.get(scope)
        {
            return tag.clone();
        }
        let atoms: Vec<&str> = scope.split('.').collect();
        let keep = self
            .compounds
            .iter()
            .any(|c| c.iter().all(|a| atoms.contains(&a.as_str())));
        let tag: Option<Arc<str>> = keep.then(|| {
            let mut tag = String::from("<span class=\"");
            for (i, atom) in atoms.iter().enumerate() {
                if i > 0 {
                    tag.push(' ');
                }
                tag.push_str("hl-");
                escape_into(atom, &mut tag);
            }
            tag.push_str("\">");
            tag.into()
        });
        if let Ok(mut known) = self.known.write() {
            known.insert(scope.to_string(), tag.clone());
        }
        tag
    }
}

/// Append `text` to `out` with `& < > "` escaped.
pub fn escape_into(text: &str, out: &mut String) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

/// coursebook's code themes, light and dark: syntect's InspiredGitHub and base16-ocean.dark as
/// class stylesheets (made once by `tests/bench/highlighters --theme-css NAME`; their licences
/// are in code-themes/README.md).
pub const LIGHT_THEME: &str = include_str!("code-themes/InspiredGitHub.css");
pub const DARK_THEME: &str = include_str!("code-themes/base16-ocean.dark.css");

/// The scopes coursebook's own code themes colour.
pub fn themes() -> &'static Styled {
    static STYLED: OnceLock<Styled> = OnceLock::new();
    STYLED.get_or_init(|| Styled::from_css(&[LIGHT_THEME, DARK_THEME]))
}

/// Append the HTML of `doc`, the tokens of `code`, to `out`, a span for each scope `styled`
/// keeps. Spans stay open across lines while their scope does (a block comment is one span),
/// as syntect's were; every byte of `code` is written once, escaped, whatever the tokens cover.
pub fn render(code: &str, doc: &TokenizedDocument, styled: &Styled, out: &mut String) {
    // The scopes of the spans open now, outermost first.
    let mut open: Vec<&str> = Vec::new();
    let mut stacks = Stacks::with_room();
    let mut lines = code.split_inclusive('\n');
    let mut tokenized = doc.lines().iter().peekable();
    while let Some(line) = tokenized.next() {
        let text = lines.next().unwrap_or("");
        let body = text.strip_suffix('\n').unwrap_or(text);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let mut at = 0;
        for token in line.tokens() {
            // Tokens come in byte order without overlap; were one not to, or to end off a
            // character boundary, its text is still written (with the line's rest).
            let range = token.range();
            let start = range.start.max(at);
            let end = range.end.max(start);
            let (Some(gap), Some(piece)) = (body.get(at..start), body.get(start..end)) else {
                continue;
            };
            escape_into(gap, out);
            let kept = stacks.kept(token, styled);
            let scopes = &stacks.lists[kept];
            let depth = shared(&open, scopes);
            close_to(depth, &mut open, out);
            for scope in &scopes[depth..] {
                out.push_str(&stacks.tags[scope.tag]);
                open.push(scope.name);
            }
            escape_into(piece, out);
            at = end;
        }
        // What no token covered, inside the spans still open.
        escape_into(body.get(at..).unwrap_or(""), out);
        // The line's end goes outside the spans the next line does not continue (a keyword's
        // span holds `then`, not `then` and a newline), as syntect wrote it.
        let keep = match tokenized.peek().and_then(|l| l.tokens().first()) {
            Some(t) => {
                let kept = stacks.kept(t, styled);
                shared(&open, &stacks.lists[kept])
            }
            None => 0,
        };
        close_to(keep, &mut open, out);
        escape_into(&text[body.len()..], out);
    }
    // Lines the document did not return (none expected) are text all the same.
    for rest in lines {
        escape_into(rest, out);
    }
    close_to(0, &mut open, out);
}

/// The kept scopes of each scope stack of one document, found once per stack: a block has a
/// few dozen stacks and thousands of tokens, and asking [`Styled`] for every scope of every
/// token cost more than the tokenizer did (perf, code-heavy benchmark course).
struct Stacks<'a> {
    index: HashMap<ScopeStackId, usize, BuildHasherDefault<FastHasher>>,
    lists: Vec<Vec<Kept<'a>>>,
    /// Each scope name's span, asked of [`Styled`] once per document: by where the document
    /// holds the name (it holds each once, and a stack lists it by reference), an index into
    /// `tags`. Its stacks repeat a few dozen names: asking [`Styled`] for each scope of each
    /// stack (a shared lock, a hash of the name, a count taken on the shared tag) was half
    /// of this renderer's time.
    names: HashMap<(usize, usize), Option<usize>, BuildHasherDefault<FastHasher>>,
    tags: Vec<Arc<str>>,
}

/// A scope that gets a span, and its opening tag (in [`Stacks::tags`]).
struct Kept<'a> {
    name: &'a str,
    tag: usize,
}

/// The most scopes of a stack looked at, and the most spans open at once. Real code nests a few
/// (Rust's deepest on the benchmark: 9 scopes); `(*` repeated 4,000 times in a ```` ```ml ````
/// block (comments nest in OCaml) made 4,000 stacks of up to 15,680 scopes, each listed in
/// full: 735 MB and 1.4 s for an 8 KB lesson (found by `fuzz_highlight`). Deeper scopes get no
/// span of their own; their text is written inside the deepest one open.
const MAX_SCOPES: usize = 64;
const MAX_SPANS: usize = 32;

impl<'a> Stacks<'a> {
    /// Room for a block's usual stacks and names: growing the maps and lists from nothing was
    /// a tenth of this renderer's instructions (callgrind, code-heavy course).
    fn with_room() -> Stacks<'a> {
        Stacks {
            index: HashMap::with_capacity_and_hasher(64, BuildHasherDefault::default()),
            lists: Vec::with_capacity(64),
            names: HashMap::with_capacity_and_hasher(32, BuildHasherDefault::default()),
            tags: Vec::with_capacity(16),
        }
    }

    /// The index in `lists` of `token`'s kept scopes.
    fn kept(&mut self, token: &'a Token, styled: &Styled) -> usize {
        if let Some(id) = token.scope_stack()
            && let Some(&i) = self.index.get(&id)
        {
            return i;
        }
        // A stack nests a few scopes (Rust's deepest on the benchmark: 9).
        let mut list = Vec::with_capacity(8);
        for name in token.scopes().take(MAX_SCOPES) {
            // The same place means the same name while the document lives; a name held twice
            // is asked twice, with the same answer.
            let tag = *self
                .names
                .entry((name.as_ptr() as usize, name.len()))
                .or_insert_with(|| {
                    styled.tag(name).map(|tag| {
                        self.tags.push(tag);
                        self.tags.len() - 1
                    })
                });
            if let Some(tag) = tag {
                list.push(Kept { name, tag });
                if list.len() == MAX_SPANS {
                    break;
                }
            }
        }
        self.lists.push(list);
        let i = self.lists.len() - 1;
        if let Some(id) = token.scope_stack() {
            self.index.insert(id, i);
        }
        i
    }
}

/// FNV-1a for scope names, a stack id (a small number already) as it is, a name's place mixed
/// in: SipHash for every token's stack and every stack's scopes was most of this renderer's
/// time.
#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = 0xcbf2_9ce4_8422_2325;
        }
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    /// A name's place and length, mixed into what came before.
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(26) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// How many of the spans open now (outermost first) `scopes` continues.
fn shared(open: &[&str], scopes: &[Kept<'_>]) -> usize {
    open.iter()
        .zip(scopes)
        // A document's stacks share its one copy of each name: mostly the same place.
        .take_while(|(a, b)| std::ptr::eq(**a, b.name) || **a == b.name)
        .count()
}

/// Close the open spans past the first `depth`.
fn close_to(depth: usize, open: &mut Vec<&str>, out: &mut String) {
    for _ in depth..open.len() {
        out.push_str("</span>");
    }
    open.truncate(depth);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_gets_a_span_when_a_rule_can_colour_it() {
        let styled = Styled::from_css(&[
            "/* a theme */\n.hl-comment {\n color: #111;\n}\n",
            ".hl-string.hl-regexp .hl-punctuation, .hl-meta .hl-meta .hl-string.hl-json { color: #222; }",
        ]);
        assert!(styled.keeps("comment.line.double-slash.rust"));
        assert!(styled.keeps("punctuation.definition.string.begin.rust"));
        // An ancestor of two atoms or more: kept, so the rule under it can match.
        assert!(styled.keeps("string.regexp.js"));
        assert!(styled.keeps("string.json"));
        // Nothing colours these: no span (a lone `.hl-meta` ancestor keeps nothing).
        assert!(!styled.keeps("meta.function.definition.rust"));
        assert!(!styled.keeps("source.rust"));
        assert!(!styled.keeps("string.quoted.double.rust"));
        // Asked again: the same answer, from what it knows.
        assert!(styled.keeps("comment.line.double-slash.rust"));
    }
}
