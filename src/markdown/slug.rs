//! Heading ids: `{#custom}` when given, else a slug of the heading text, unique in the page.

use super::stream::{Events, pass};
use super::{Ev, options};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};
use std::collections::{HashMap, HashSet};

/// `What is a model?` → `what-is-a-model`. Letters of any script are kept.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else if c == '-' || c == '_' || c.is_whitespace() {
            dash = true;
        }
    }
    slug
}

/// A heading's id as mdBook 0.5 makes it (`id_from_content` in mdbook-html), so deep links into
/// a migrated book keep working: lowercased, letters, digits, `_` and `-` kept, each space a
/// `-`, everything else dropped (`` `--passes`: more `` → `--passes-more`); `section` when
/// nothing is left.
pub fn heading_id(text: &str) -> String {
    let id: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect();
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

/// The ids written as `{#id}` on the page's headings. Automatic ids must not take them, even
/// when the heading that names one comes later; the pass sees events one by one, so these are
/// found first, by a second parse only on pages where `{` is followed by `#` at all.
pub fn explicit_ids(body: &str) -> HashSet<String> {
    let bytes = body.as_bytes();
    let maybe = memchr::memchr_iter(b'{', bytes).any(|i| {
        bytes[i + 1..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'#')
    });
    if !maybe {
        return HashSet::new();
    }
    Parser::new_ext(body, options())
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

/// The events of a heading after its start, up to and including its end, and its text (what a
/// reader sees of it: text, code and math).
pub fn rest_of_heading<'a>(upstream: &mut impl Iterator<Item = Ev<'a>>) -> (Vec<Ev<'a>>, String) {
    let mut text = String::new();
    let mut events = Vec::new();
    for (event, range) in upstream.by_ref() {
        let end = matches!(event, Event::End(TagEnd::Heading(_)));
        if let Event::Text(t) | Event::Code(t) | Event::InlineMath(t) = &event {
            text.push_str(t);
        }
        events.push((event, range));
        if end {
            break;
        }
    }
    (events, text)
}

/// Give every heading without an id one made from its text, unique on the page (`-1`, `-2`, …
/// for repeats; `next` remembers each base's counter so 10,000 equal headings stay linear).
/// `section` hears of every `##` heading (its id and text), for the page's "On this page".
///
/// A `{#id}` given twice would make two elements with one `id` (links land on the first, and
/// the page is invalid HTML): the repeat gets a suffix as automatic ids do (`same-1`), so
/// `#same` still reaches the first, and `repeated` hears of it (the id, the first heading's
/// offset and this one's) to warn.
pub fn heading_ids<'a: 'p, 'p>(
    events: impl Events<'a> + 'p,
    mut used: HashSet<String>,
    mut section: impl FnMut(&str, String) + 'p,
    mut repeated: impl FnMut(&str, usize, usize) + 'p,
) -> impl Events<'a> + 'p {
    let mut next: HashMap<String, usize> = HashMap::new();
    // Each given id's first heading (its offset).
    let mut given_at: HashMap<String, usize> = HashMap::new();
    pass(events, move |(event, range), upstream, queue| {
        let Event::Start(Tag::Heading {
            level,
            mut id,
            classes,
            attrs,
        }) = event
        else {
            queue.push_back((event, range));
            return;
        };
        if let Some(given) = &id {
            match given_at.get(&**given) {
                Some(&first) => {
                    repeated(given, first, range.start);
                    let base = given.to_string();
                    let n = next.entry(base.clone()).or_insert(1);
                    let mut unique = format!("{base}-{n}");
                    *n += 1;
                    while !used.insert(unique.clone()) {
                        unique = format!("{base}-{n}");
                        *n += 1;
                    }
                    id = Some(CowStr::from(unique));
                }
                None => {
                    given_at.insert(given.to_string(), range.start);
                }
            }
        }
        if let Some(given) = &id
            && level != HeadingLevel::H2
        {
            let start = Tag::Heading {
                level,
                id: Some(given.clone()),
                classes,
                attrs,
            };
            queue.push_back((Event::Start(start), range));
            return;
        }
        let (inner, text) = rest_of_heading(upstream);
        let id = match id {
            Some(given) => given.to_string(),
            None => {
                let base = heading_id(&text);
                let mut id = base.clone();
                let n = next.entry(base.clone()).or_insert(1);
                while !used.insert(id.clone()) {
                    id = format!("{base}-{n}");
                    *n += 1;
                }
                id
            }
        };
        if level == HeadingLevel::H2 {
            section(&id, text);
        }
        let start = Tag::Heading {
            level,
            id: Some(CowStr::from(id)),
            classes,
            attrs,
        };
        queue.push_back((Event::Start(start), range));
        queue.extend(inner);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_are_mdbooks() {
        // mdBook 0.5.4's own cases (mdbook-html's utils.rs `it_normalizes_ids`).
        assert_eq!(
            heading_id("`--passes`: add more rustdoc passes"),
            "--passes-add-more-rustdoc-passes"
        );
        assert_eq!(
            heading_id("Method-call 🐙 expressions \u{1f47c}"),
            "method-call--expressions-"
        );
        assert_eq!(heading_id("_-_12345"), "_-_12345");
        assert_eq!(heading_id("12345"), "12345");
        assert_eq!(heading_id("中文"), "中文");
        assert_eq!(heading_id("にほんご"), "にほんご");
        assert_eq!(heading_id("한국어"), "한국어");
        assert_eq!(heading_id(""), "section");
        assert_eq!(heading_id("::"), "section");
        assert_eq!(heading_id("!.():"), "section");
        assert_eq!(heading_id("   "), "section");
        assert_eq!(heading_id("中文標題 CJK title"), "中文標題-cjk-title");
        assert_eq!(heading_id("Über"), "über");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("What is a model?"), "what-is-a-model");
        assert_eq!(slugify("  Café — au lait "), "café-au-lait");
        assert_eq!(slugify("f(x) = x + 2"), "fx-x-2");
    }
}
