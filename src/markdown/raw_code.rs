//! Code blocks written as raw HTML (`<pre><code class="language-js">…</code></pre>`, as cargo's
//! book writes one in a list): mdBook's highlight.js colours every such block in the browser, so
//! a book shows it highlighted. coursebook highlights at build time, so it highlights these as
//! it does fenced blocks. A block with tags inside its code, or in a language it does not know,
//! stays as written.

use super::highlight;
use super::stream::{Env, Events, pass};
use pulldown_cmark::Event;

/// Raw HTML's code blocks highlighted; the page notes it has code (its stylesheet is loaded).
pub fn apply<'a: 'p, 'p>(events: impl Events<'a> + 'p, env: &'p Env<'p>) -> impl Events<'a> + 'p {
    let out = env.out;
    pass(events, move |(event, range), upstream, queue| {
        let Event::Html(html) = event else {
            queue.push_back((event, range));
            return;
        };
        if !html.contains("language-") {
            queue.push_back((Event::Html(html), range));
            return;
        }
        // A block's lines are events of their own: gather them to the one closing the code.
        let mut text = html.to_string();
        let mut end = range.end;
        let mut after = None;
        // Each event looked at once for the closing tag, not the text gathered so far again.
        let mut closed = html.contains("</code>");
        while !closed {
            match upstream.next() {
                Some((Event::Html(more), r)) => {
                    closed = more.contains("</code>");
                    text.push_str(&more);
                    end = r.end;
                }
                other => {
                    after = other;
                    break;
                }
            }
        }
        if let Some(done) = highlighted(&text) {
            out.borrow_mut().has_code = true;
            text = done;
        }
        queue.push_back((Event::Html(text.into()), range.start..end));
        queue.extend(after);
    })
}

/// `html` with the code of its first `<pre><code class="language-…">` highlighted, if it holds
/// one whose code is text alone in a language the highlighter knows.
fn highlighted(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let pre = lower.find("<pre")?;
    let pre_end = pre + lower[pre..].find('>')? + 1;
    let code = pre_end + lower[pre_end..].find("<code")?;
    // Only white space between the two tags: the code is the block's.
    if !lower[pre_end..code].trim().is_empty() {
        return None;
    }
    let code_end = code + lower[code..].find('>')? + 1;
    let close = code_end + lower[code_end..].find("</code>")?;
    let lang = language(&html[code..code_end])?;
    let inner = &html[code_end..close];
    if inner.contains('<') || !highlight::knows(lang) || highlight::drawn_by_preprocessor(lang) {
        return None;
    }
    let (highlighted, found) = highlight::highlight(&decode(inner), lang);
    found.then(|| format!("{}{highlighted}{}", &html[..code_end], &html[close..]))
}

/// The `language-…` class of a `<code …>` tag.
fn language(tag: &str) -> Option<&str> {
    let class = tag.find("class=")? + "class=".len();
    let value = tag[class..].trim_start_matches(['"', '\'']);
    let value = &value[..value.find(['"', '\'', '>'])?];
    value
        .split_ascii_whitespace()
        .find_map(|c| c.strip_prefix("language-"))
        .filter(|l| !l.is_empty())
}

/// Raw HTML's text as the browser reads it: the references HTML writes code with decoded.
fn decode(text: &str) -> String {
    let named = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&nbsp;", "\u{a0}");
    // Numeric references, then `&amp;` last, so `&amp;lt;` stays `&lt;`.
    super::raw_html::decode_references(&named).replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_code_block_is_highlighted_and_its_tags_kept() {
        let html = "<li>JSON:\n<pre><code class=\"language-javascript\">{ \"id\": 1 &lt; 2 }\n</code></pre></li>";
        let done = highlighted(html).unwrap_or_default();
        assert!(done.starts_with("<li>JSON:\n<pre><code class=\"language-javascript\">"));
        assert!(done.ends_with("\n</code></pre></li>"));
        assert!(done.contains("class=\"hl-"), "{done}");
        // The text is the same as the browser read it before.
        assert!(done.contains("&lt;") && !done.contains("1 < 2"));
    }

    #[test]
    fn blocks_that_are_not_plain_code_stay_as_written() {
        for html in [
            "<pre><code class=\"language-rust\">fn <b>main</b>() {}</code></pre>",
            "<pre><code class=\"language-nosuchlanguage\">x</code></pre>",
            "<pre><code>fn main() {}</code></pre>",
            "<p>Text</p><code class=\"language-rust\">fn main() {}</code>",
            "<pre><code class=\"language-rust\">fn main() {}",
        ] {
            assert_eq!(highlighted(html), None, "{html}");
        }
    }

    #[test]
    fn references_are_decoded_once() {
        assert_eq!(
            decode("a &lt; b &amp;&amp; c &amp;lt; &#x41;&#66;"),
            "a < b && c &lt; AB"
        );
    }
}
