//! Heading ids: `{#custom}` when given, else a slug of the heading text, unique in the page.

use super::Ev;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
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

pub fn heading_ids<'a>(mut events: Vec<Ev<'a>>) -> Vec<Ev<'a>> {
    let mut used: HashSet<String> = HashSet::new();
    // The next suffix to try for each base: 10,000 equal headings stay linear instead of each
    // one counting up from 1 again.
    let mut next: HashMap<String, usize> = HashMap::new();
    // Custom ids are claimed first so an automatic id never takes one.
    for (event, _) in &events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            used.insert(id.to_string());
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i].0 {
            let mut text = String::new();
            for (event, _) in &events[i + 1..] {
                match event {
                    Event::End(TagEnd::Heading(_)) => break,
                    Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => text.push_str(t),
                    _ => {}
                }
            }
            let base = match slugify(&text) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let n = next.entry(base.clone()).or_insert(1);
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                *n += 1;
            }
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i].0 {
                *slot = Some(CowStr::from(id));
            }
        }
        i += 1;
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slugify("What is a model?"), "what-is-a-model");
        assert_eq!(slugify("  Café — au lait "), "café-au-lait");
        assert_eq!(slugify("f(x) = x + 2"), "fx-x-2");
    }
}
