//! `[output.html] raw-html = false`, for courses built from strangers' pull requests: raw HTML
//! in Markdown is shown as text (a warning at its first place in the page), and links or images
//! whose address would run a script (`javascript:`, `vbscript:`, `data:` other than images) are
//! errors at their line.

use super::stream::{Env, Events};
use crate::diag::Diagnostic;
use pulldown_cmark::{CowStr, Event, Tag};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether raw HTML passes through. Set from the config before a build renders anything: a
/// process builds one course at a time (build, check, serve), and the inline Markdown of
/// quizzes and the glossary is rendered far from any page context, so one switch serves all.
static ALLOWED: AtomicBool = AtomicBool::new(true);

pub fn set_allowed(allowed: bool) {
    ALLOWED.store(allowed, Ordering::Relaxed);
}

fn allowed() -> bool {
    ALLOWED.load(Ordering::Relaxed)
}

/// An address a browser would run as a script (or a document that can hold one).
pub fn is_script_url(url: &str) -> bool {
    // Browsers ignore ASCII whitespace and controls inside the scheme (`java\tscript:`).
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    scheme.starts_with("javascript:")
        || scheme.starts_with("vbscript:")
        || (scheme.starts_with("data:") && !scheme.starts_with("data:image/")
            || scheme.starts_with("data:image/svg"))
}

/// The page pass: the parser's HTML events become text, script links are refused.
pub fn apply<'a: 'p, 'p>(events: impl Events<'a> + 'p, env: &'p Env<'p>) -> impl Events<'a> + 'p {
    let Env { ctx, at, out } = *env;
    let source = ctx.source;
    let allowed = allowed();
    let mut warned = false;
    events.map(move |(event, range)| {
        if allowed {
            return (event, range);
        }
        match event {
            Event::Html(html) | Event::InlineHtml(html) => {
                if !warned {
                    warned = true;
                    out.borrow_mut().diags.push(
                        Diagnostic::warning(
                            source,
                            at(range.start),
                            "raw HTML is shown as text: book.toml sets `raw-html = false`",
                        )
                        .with_help("write it in Markdown, or ask the course's maintainers to allow raw HTML"),
                    );
                }
                (Event::Text(html), range)
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. })
                if is_script_url(dest_url) =>
            {
                out.borrow_mut().diags.push(
                    Diagnostic::error(
                        source,
                        at(range.start),
                        "a link that runs a script is refused: book.toml sets `raw-html = false`",
                    )
                    .with_help("link to a page or file, or an http(s) address"),
                );
                (event, range)
            }
            // `# Title {onclick=alert(1)}`: heading attributes (ENABLE_HEADING_ATTRIBUTES, on for
            // `{#custom-id}`) are written into the tag as given, so an event handler (with
            // `autofocus onfocus=…`, no click even needed) ran a script with raw HTML refused.
            // The id and classes stay; the other attributes are dropped with a warning.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) if !attrs.is_empty() => {
                let names: Vec<String> = attrs
                    .iter()
                    .take(3)
                    .map(|(name, _)| format!("`{}`", crate::diag::clip(name, 40)))
                    .collect();
                out.borrow_mut().diags.push(
                    Diagnostic::warning(
                        source,
                        at(range.start),
                        format!(
                            "heading attributes ({}{}) are dropped: book.toml sets `raw-html = false`",
                            names.join(", "),
                            if attrs.len() > 3 { ", …" } else { "" }
                        ),
                    )
                    .with_help("a heading keeps its `{#id}` and `{.class}`; other attributes are HTML"),
                );
                let heading = Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: Vec::new(),
                };
                (Event::Start(heading), range)
            }
            other => (other, range),
        }
    })
}

/// The same for inline Markdown (quiz text, glossary definitions), which has no page to report
/// at: HTML becomes text, and a script link loses its address.
pub fn inline(event: Event<'_>) -> Event<'_> {
    if allowed() {
        return event;
    }
    match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if is_script_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from("#"),
            title,
            id,
        }),
        // Heading attributes would be event handlers (see `apply`): only the id and classes stay.
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: _,
        }) => Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs: Vec::new(),
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls() {
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:x",
            "vbscript:x",
            "data:text/html,<script>",
            "data:image/svg+xml,<svg onload=x>",
        ] {
            assert!(is_script_url(bad), "{bad}");
        }
        for good in [
            "https://x.org",
            "a.md",
            "#top",
            "data:image/png;base64,AA",
            "mailto:a@b",
        ] {
            assert!(!is_script_url(good), "{good}");
        }
    }
}
