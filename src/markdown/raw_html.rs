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

/// File names a browser opens as a document that runs scripts, on the site's own origin (GitHub
/// Pages serves them by their extension, with no Content-Security-Policy): an asset with one
/// of these is refused with `raw-html = false`, an SVG only if it holds [`svg_activity`].
const DOCUMENTS: [&str; 11] = [
    "html", "htm", "xhtml", "xht", "shtml", "mht", "mhtml", "xml", "xsl", "xslt", "svgz",
];

/// Why a published file named `name` (its `bytes` for an SVG) would run a script when a learner
/// opens it, if it would: with `raw-html = false` the site runs only coursebook's pages, but
/// `evil.html` or an SVG with a `<script>` among a lesson's images ran its own on the site's
/// origin (where every course of a GitHub user keeps its learners' progress).
pub fn active_file(name: &str, bytes: impl FnOnce() -> Option<Vec<u8>>) -> Option<String> {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    if DOCUMENTS.contains(&ext.as_str()) {
        return Some(format!(
            "a `.{ext}` file is a document a browser runs scripts in"
        ));
    }
    if ext != "svg" && !XML_TYPES.contains(&ext.as_str()) {
        return None;
    }
    let file = match ext.as_str() {
        "svg" => "this SVG".to_string(),
        _ => format!("this `.{ext}` file"),
    };
    let Some(bytes) = bytes() else {
        return Some(format!(
            "{file} could not be read to check it holds no script"
        ));
    };
    // UTF-16 (a `<script>` between NUL bytes was read past as lossy UTF-8), decoded to be read.
    let text = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ if bytes.contains(&0) => {
            return Some(format!(
                "{file} holds NUL bytes (another encoding than UTF-8?), so it cannot be checked for scripts"
            ));
        }
        _ => String::from_utf8_lossy(&bytes).into_owned(),
    };
    svg_activity(&text)
        .map(|what| format!("{file} holds {what}, which runs when the file is opened"))
}

/// UTF-16 code units (after the byte-order mark) as text, unpaired surrogates replaced.
fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Other extensions GitHub Pages serves as XML (its types come from mime-db: `application/xml`
/// or a `+xml` type), which a browser opens as a document that may hold XHTML's `<script>`
/// (an `.xsd` and an `.rng` with one ran it): published only when they hold nothing active,
/// as an SVG.
const XML_TYPES: [&str; 24] = [
    "xsd", "rng", "rss", "atom", "rdf", "owl", "mathml", "mml", "xul", "xbl", "kml", "gpx", "wsdl",
    "dtd", "opml", "xspf", "ttml", "smil", "smi", "xlf", "xliff", "plist", "dae", "musicxml",
];

/// What in an SVG can run a script when it is opened as a document: script and foreign
/// elements, event attributes (`onload=`), script addresses (`javascript:`, also spelled with
/// character references or white space inside), entity declarations and stylesheet
/// instructions (which could hide either). Judged on the text, not a parse: what a browser's
/// parser would read as one of these is read as one here too, and more (an `onx=` in text)
/// only errs on the side of refusing.
fn svg_activity(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    for (mark, what) in [
        ("<!entity", "an entity declaration"),
        ("<?xml-stylesheet", "a stylesheet instruction"),
    ] {
        if lower.contains(mark) {
            return Some(what);
        }
    }
    // Elements by their local name, with or without a namespace prefix (`<s:script>` with
    // `xmlns:s` bound to SVG's or XHTML's namespace ran).
    let b = lower.as_bytes();
    for (i, _) in lower.match_indices('<') {
        let name_end = b[i + 1..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric() && !matches!(c, b'-' | b'_' | b':' | b'.'))
            .map_or(b.len(), |n| i + 1 + n);
        let name = &lower[i + 1..name_end];
        let local = name.rsplit(':').next().unwrap_or(name);
        // By the name's start, erring on the side of refusing (`<scriptx>` too).
        if let Some(&(_, what)) = [
            ("script", "a `<script>`"),
            ("foreignobject", "a `<foreignObject>` (HTML inside)"),
            ("iframe", "an `<iframe>`"),
            ("embed", "an `<embed>`"),
            ("object", "an `<object>`"),
            ("handler", "a `<handler>`"),
            ("listener", "a `<listener>`"),
        ]
        .iter()
        .find(|(element, _)| local.starts_with(element))
        {
            return Some(what);
        }
    }
    let b = lower.as_bytes();
    // `onload=`, `onclick =`: an attribute beginning `on`, after a space, quote or slash.
    for (i, _) in lower.match_indices("on") {
        let before = i.checked_sub(1).map(|j| b[j]);
        if !matches!(
            before,
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'"' | b'\'' | b'/')
        ) {
            continue;
        }
        let name_end = b[i + 2..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric() && *c != b'-' && *c != b'_' && *c != b':')
            .map_or(b.len(), |n| i + 2 + n);
        if name_end > i + 2
            && b[name_end..]
                .iter()
                .find(|c| !c.is_ascii_whitespace())
                .is_some_and(|c| *c == b'=')
        {
            return Some("an event attribute (`on…=`)");
        }
    }
    // Addresses: character references decoded, white space and controls dropped, as a
    // browser reads a URL.
    let squeezed: String = decode_references(&lower)
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "javascript:",
        "vbscript:",
        "data:text/html",
        "data:image/svg",
    ]
    .iter()
    .any(|s| squeezed.contains(s))
    .then_some("a script address (`javascript:`)")
}

/// `text` with numeric character references (`&#106;`, `&#x6A;`) and `&colon;`/`&tab;`/
/// `&newline;` decoded; anything else left as it is.
pub(super) fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.find(|c: char| !c.is_ascii_alphanumeric() && c != '#');
        let name = &after[..end.unwrap_or(after.len())];
        let decoded = if let Some(num) = name.strip_prefix("#x") {
            u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
        } else if let Some(num) = name.strip_prefix('#') {
            num.parse::<u32>().ok().and_then(char::from_u32)
        } else {
            match name {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                // The `;` is optional in HTML's references.
                let taken = name.len() + usize::from(after[name.len()..].starts_with(';'));
                rest = &after[taken..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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

    proptest::proptest! {
        /// Any text (of the pieces that matter: references, event attributes, scripts, bytes
        /// that are not ASCII) is judged without a panic, and a `<script` is always found.
        #[test]
        fn any_svg_text_is_judged(
            pieces in proptest::collection::vec(
                "<|>|&|#|x|;|=| |\t|\"|'|/|on|ON|load|script|SCRIPT|javascript:|colon|&#1[0-9]{0,3};?|&#x[0-9a-fA-F]{0,5};?|é|\u{1f600}|[a-z]{0,3}",
                0..80,
            )
        ) {
            let text: String = pieces.concat();
            let judged = active_file("a.svg", || Some(text.clone().into_bytes()));
            if text.to_ascii_lowercase().contains("<script") {
                proptest::prop_assert!(judged.is_some(), "{text}");
            }
        }
    }

    #[test]
    fn documents_and_svgs_with_scripts_are_active_files() {
        let svg = |text: &str| active_file("a.svg", || Some(text.as_bytes().to_vec()));
        for name in ["x.html", "X.HTM", "a.xhtml", "feed.xml", "t.xsl", "i.svgz"] {
            assert!(active_file(name, || None).is_some(), "{name}");
        }
        for name in ["a.png", "a.css", "a.js", "a.txt", "noext"] {
            assert!(active_file(name, || None).is_none(), "{name}");
        }
        assert!(active_file("a.svg", || None).is_some());
        for bad in [
            "<svg><script>alert(1)</script></svg>",
            "<svg><SCRIPT href=x /></svg>",
            "<svg onload=alert(1)>",
            "<svg><rect\nONCLICK = \"x()\"/></svg>",
            "<svg><a href=\"javascript:alert(1)\"><text>x</text></a></svg>",
            "<svg><a href=\"&#106;ava&#x73;cript&colon;alert(1)\">x</a></svg>",
            "<svg><a href=\"java\tscript:x\">x</a></svg>",
            "<svg><animate attributeName=\"href\" to=\"javascript:x\"/></svg>",
            "<svg><foreignObject><div>x</div></foreignObject></svg>",
            "<!DOCTYPE svg [<!ENTITY x \"y\">]><svg/>",
            "<?xml-stylesheet href=\"a.xsl\"?><svg/>",
        ] {
            assert!(svg(bad).is_some(), "{bad}");
        }
        for good in [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\"/></svg>",
            "<svg><text>Once upon a time: a monotonic function</text></svg>",
            "<svg><a href=\"#part\"><text>on</text></a><g font-family=\"sans\"/></svg>",
            "<svg><text>AT&amp;T &#169; 2026</text></svg>",
        ] {
            assert!(svg(good).is_none(), "{good}");
        }
    }

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
