//! What kind of token highlighted HTML makes of a piece of code (keyword, string, comment…),
//! read from its `hl-` classes, and the table of real snippets that says what each should be
//! (tests/fixtures/highlight/tokens.md). Used by the highlighter's unit test and, through a
//! `#[path]` include, by tests/bench/highlighters, which runs the same table against syntect:
//! so this file needs std only.

/// One fenced block of the table, and what its tokens must be.
pub struct Case {
    pub lang: String,
    pub code: String,
    /// (token text, which occurrence (1 = first), kind)
    pub expect: Vec<(String, usize, String)>,
}

/// The cases of the table: each fenced block, then its `- token: kind` lines.
pub fn cases(table: &str) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    let mut lines = table.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```")
            && !lang.is_empty()
        {
            let mut code = String::new();
            for line in lines.by_ref() {
                if line == "```" {
                    break;
                }
                code.push_str(line);
                code.push('\n');
            }
            out.push(Case {
                lang: lang.to_string(),
                code,
                expect: Vec::new(),
            });
        } else if let Some(item) = line.strip_prefix("- ")
            && let Some((token, kind)) = item.rsplit_once(": ")
            && let Some(case) = out.last_mut()
        {
            let (token, nth) = match token.rsplit_once('@') {
                Some((t, n)) if !t.is_empty() && n.parse::<usize>().is_ok() => {
                    (t, n.parse().unwrap_or(1))
                }
                _ => (token, 1),
            };
            case.expect.push((token.to_string(), nth, kind.to_string()));
        }
    }
    out
}

/// The classes of every element open at byte `at` of the HTML's text (entities count as the
/// character they stand for), outermost first; `None` past the end.
pub fn classes_at(html: &str, at: usize) -> Option<Vec<Vec<String>>> {
    let mut open: Vec<Vec<String>> = Vec::new();
    let mut text = 0;
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(tag) = rest.strip_prefix('<') {
            let end = tag.find('>')?;
            let inside = &tag[..end];
            if inside.starts_with('/') {
                open.pop();
            } else {
                let class = inside
                    .split_once("class=\"")
                    .and_then(|(_, c)| c.split_once('"'))
                    .map_or("", |(c, _)| c);
                open.push(class.split_whitespace().map(str::to_string).collect());
            }
            rest = &tag[end + 1..];
        } else {
            let len = if rest.starts_with('&') {
                rest.find(';').map_or(1, |e| e + 1)
            } else {
                rest.chars().next().map_or(1, char::len_utf8)
            };
            let width = if rest.starts_with('&') { 1 } else { len };
            if at < text + width {
                return Some(open);
            }
            text += width;
            rest = &rest[len..];
        }
    }
    None
}

/// The sets of classes that make a span of each kind: a token is of a kind when an element
/// around it has every class of one of the sets (syntect's and the VS Code grammars name some
/// kinds differently: `fn` is `storage.type` in one and `keyword.other` in the other).
fn kind_classes(kind: &str) -> &'static [&'static [&'static str]] {
    match kind {
        "keyword" => &[&["hl-keyword"], &["hl-storage"]],
        "string" => &[&["hl-string"]],
        "comment" => &[&["hl-comment"]],
        "number" => &[&["hl-constant", "hl-numeric"]],
        "constant" => &[&["hl-constant"]],
        "function" => &[
            &["hl-entity", "hl-name", "hl-function"],
            &["hl-support", "hl-function"],
            &["hl-variable", "hl-function"],
        ],
        "type" => &[
            &["hl-entity", "hl-name", "hl-type"],
            &["hl-entity", "hl-name", "hl-class"],
            &["hl-storage", "hl-type"],
            &["hl-support", "hl-type"],
            &["hl-support", "hl-class"],
        ],
        "section" => &[
            &["hl-entity", "hl-name", "hl-section"],
            &["hl-entity", "hl-name", "hl-table"],
        ],
        "key" => &[
            &["hl-support", "hl-type", "hl-property-name"],
            &["hl-meta", "hl-mapping", "hl-key"],
            &["hl-variable", "hl-other", "hl-key"],
            &["hl-entity", "hl-name", "hl-tag"],
        ],
        "variable" => &[&["hl-variable"]],
        _ => &[],
    }
}

/// Whether the elements `open` around a token make it of `kind`.
pub fn is_kind(open: &[Vec<String>], kind: &str) -> bool {
    kind_classes(kind).iter().any(|set| {
        open.iter()
            .any(|classes| set.iter().all(|c| classes.iter().any(|have| have == c)))
    })
}

/// Each expectation of `case` against `html` (the block highlighted): the token, its kind,
/// whether the HTML makes it so, and the classes of the innermost element around it.
pub fn check(case: &Case, html: &str) -> Vec<(String, String, bool, String)> {
    case.expect
        .iter()
        .map(|(token, nth, kind)| {
            // A word is found as a whole word: `in` is not the one in `main`.
            let word = |c: char| c.is_alphanumeric() || c == '_';
            let at = case
                .code
                .match_indices(token.as_str())
                .filter(|(i, _)| {
                    let before = case.code[..*i].chars().next_back();
                    let after = case.code[i + token.len()..].chars().next();
                    let joined_before = token.starts_with(word) && before.is_some_and(word);
                    let joined_after = token.ends_with(word) && after.is_some_and(word);
                    !joined_before && !joined_after
                })
                .nth(nth.saturating_sub(1))
                .map(|(i, _)| i);
            let open = at.and_then(|at| classes_at(html, at)).unwrap_or_default();
            let ok = at.is_some() && is_kind(&open, kind);
            let innermost = open.last().map(|c| c.join(" ")).unwrap_or_default();
            (token.clone(), kind.clone(), ok, innermost)
        })
        .collect()
}
