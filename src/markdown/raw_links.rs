//! A page's raw HTML as the rest of the build reads it: every attribute value of its tags in
//! double quotes (`<img src='../a.png'>`, `<td width=50>` → `src="../a.png"`, `width="50"`),
//! so the passes that rebase the page's HTML for another address (`print.html`, `404.html`,
//! which look for ` name="`) see them; and a link to a Markdown file (`<a href="page.md">`)
//! rewritten to its page, as Markdown links are and as mdBook 0.5 does.
//!
//! Only the author's HTML is read (the pass runs before any other writes HTML), a tag at a time:
//! text, comments, `<!…>`, `<?…>` and the content of `script`, `style`, `textarea`, `title` and
//! `xmp` are copied as they are. A tag whose quote is never closed is left as written from there.

use super::stream::{Env, Events, pass};
use super::{Ev, links};
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use std::ops::Range;

/// Elements whose content is text to the browser, never tags.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp"];

pub fn apply<'a: 'p, 'p>(events: impl Events<'a> + 'p, env: &'p Env<'p>) -> impl Events<'a> + 'p {
    pass(events, move |(event, range), upstream, queue| match event {
        // An HTML block comes a line at a time and a tag may span lines: read it whole.
        Event::Start(Tag::HtmlBlock) => {
            queue.push_back((event, range));
            let mut html = String::new();
            // Where each line starts in `html` and in the page's Markdown.
            let mut starts: Vec<(usize, usize)> = Vec::new();
            let mut first: Option<Range<usize>> = None;
            let mut end: Option<Ev<'a>> = None;
            for (inner, r) in upstream.by_ref() {
                match inner {
                    Event::Html(h) => {
                        starts.push((html.len(), r.start));
                        first.get_or_insert(r.clone());
                        html.push_str(&h);
                    }
                    Event::End(TagEnd::HtmlBlock) => {
                        end = Some((inner, r));
                        break;
                    }
                    // Nothing else comes inside an HTML block; kept in its place if it did.
                    other => queue.push_back((other, r)),
                }
            }
            if let Some(first) = first {
                let at = |offset: usize| {
                    let i = starts
                        .partition_point(|&(o, _)| o <= offset)
                        .saturating_sub(1);
                    let (o, source) = starts.get(i).copied().unwrap_or((0, first.start));
                    source + (offset - o)
                };
                let html = rewrite(&html, env, &at).map_or(CowStr::from(html), CowStr::from);
                queue.push_back((Event::Html(html), first));
            }
            queue.extend(end);
        }
        Event::InlineHtml(html) => {
            let start = range.start;
            let html = rewrite(&html, env, &|offset| start + offset).map_or(html, CowStr::from);
            queue.push_back((Event::InlineHtml(html), range));
        }
        other => queue.push_back((other, range)),
    })
}

/// `html` with its tags' attribute values double-quoted and `<a href="….md">` rewritten;
/// `None` when nothing changes. `at` takes an offset in `html` to one in the page's Markdown.
fn rewrite(html: &str, env: &Env<'_>, at: &dyn Fn(usize) -> usize) -> Option<String> {
    // Each value to replace: its place in `html` (quotes included) and what to write there.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for_each_value(html, |tag, name, value| {
        let quoted = value.quote == Some(b'"');
        let link = (tag.eq_ignore_ascii_case("a") || tag.eq_ignore_ascii_case("area"))
            && name.eq_ignore_ascii_case("href")
            && names_markdown(value.text);
        let rewritten = link
            .then(|| {
                let pos = (env.at)(at(value.start));
                links::rewrite_one(value.text, env.ctx, pos, &mut env.out.borrow_mut(), true)
            })
            .flatten();
        let new = match rewritten {
            Some(new) => new,
            None if quoted => return,
            None => value.text.to_string(),
        };
        edits.push((value.start, value.end, new));
    });
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(html.len() + 2 * edits.len());
    let mut copied = 0;
    for (start, end, new) in edits {
        out.push_str(&html[copied..start]);
        out.push('"');
        out.push_str(&new.replace('"', "&quot;"));
        out.push('"');
        copied = end;
    }
    out.push_str(&html[copied..]);
    Some(out)
}

/// An attribute's value: its text, where it starts in the HTML (at its quote, if any) and ends
/// (after it), and its quote.
struct Value<'h> {
    text: &'h str,
    start: usize,
    end: usize,
    quote: Option<u8>,
}

/// Calls `f(tag, attribute, value)` for each attribute with a value of each tag in `html`, in
/// order, as a browser reads them; up to a quote that is never closed.
fn for_each_value(html: &str, mut f: impl FnMut(&str, &str, Value<'_>)) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &b[i..]) {
        i += lt + 1;
        let rest = &html[i..];
        if rest.starts_with("!--") {
            i = rest.find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        if rest.starts_with(['!', '?', '/']) {
            i = memchr::memchr(b'>', rest.as_bytes()).map_or(html.len(), |e| i + e + 1);
            continue;
        }
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(rest.len());
        let tag = &rest[..name_len];
        i += name_len;
        // Attributes, up to the tag's `>`.
        loop {
            i += skip(&b[i..], |c| c.is_ascii_whitespace() || c == b'/');
            let Some(&c) = b.get(i) else {
                return;
            };
            if c == b'>' {
                i += 1;
                if let Some(raw) = RAW_TEXT.iter().find(|r| r.eq_ignore_ascii_case(tag)) {
                    i = closing(html, i, raw);
                }
                break;
            }
            // A name: up to whitespace, `/`, `>` or `=` (a leading `=` is part of it).
            let name_start = i;
            i += 1 + skip(&b[i + 1..], |c| {
                !(c.is_ascii_whitespace() || b"/>=".contains(&c))
            });
            let name = &html[name_start..i];
            let mut j = i + skip(&b[i..], |c| c.is_ascii_whitespace());
            if b.get(j) != Some(&b'=') {
                continue;
            }
            j += 1;
            j += skip(&b[j..], |c| c.is_ascii_whitespace());
            let Some(value) = value_at(html, j) else {
                return;
            };
            i = value.end;
            f(tag, name, value);
        }
    }
}

/// How many bytes at the start of `b` are `in_run`.
fn skip(b: &[u8], in_run: impl Fn(u8) -> bool) -> usize {
    b.iter().position(|&c| !in_run(c)).unwrap_or(b.len())
}

/// The value that starts at `j`; `None` if its quote is never closed.
fn value_at(html: &str, j: usize) -> Option<Value<'_>> {
    let b = html.as_bytes();
    match b.get(j) {
        Some(&quote @ (b'"' | b'\'')) => {
            let close = j + 1 + memchr::memchr(quote, &b[j + 1..])?;
            Some(Value {
                text: &html[j + 1..close],
                start: j,
                end: close + 1,
                quote: Some(quote),
            })
        }
        _ => {
            let end = j + skip(&b[j..], |c| !(c.is_ascii_whitespace() || c == b'>'));
            Some(Value {
                text: &html[j..end],
                start: j,
                end,
                quote: None,
            })
        }
    }
}

/// Where the content of a raw-text element that starts at `from` ends: at its `</name`, or the
/// end of `html`.
fn closing(html: &str, from: usize, name: &str) -> usize {
    let rest = &html.as_bytes()[from..];
    let mut k = 0;
    while let Some(lt) = memchr::memchr(b'<', &rest[k..]) {
        k += lt;
        let after = &rest[k + 1..];
        if after.first() == Some(&b'/')
            && after.len() > name.len()
            && after[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return from + k;
        }
        k += 1;
    }
    html.len()
}

/// An address of a Markdown file (`page.md`, `../a/b.md#c`), which mdBook rewrites (one with
/// a scheme is left alone by `links::rewrite_one`); one holding an entity (`&amp;`) is left as
/// written rather than read wrong.
fn names_markdown(value: &str) -> bool {
    let path = value.split(['#', '?']).next().unwrap_or(value);
    path.ends_with(".md") && !value.contains('&')
}

#[cfg(test)]
mod tests {
    use crate::markdown::{LinkTable, PageContext, render};
    use crate::render::Renderer;
    use crate::widgets::PageWidgets;
    use std::path::Path;

    /// `md` rendered as `a.html` of a book whose other page is `b.md` → `b.html`.
    fn html(md: &str) -> String {
        let renderer = Renderer::english_default();
        let widgets = PageWidgets {
            source: "src/a.md".into(),
            lang: "en".into(),
            store_prefix: "coursebook:/:c:a.html".into(),
            renderer: &renderer,
            hidelines: &std::collections::BTreeMap::new(),
        };
        let mut links = LinkTable {
            lenient: true,
            ..LinkTable::default()
        };
        links.pages.insert("b.md".into(), "b.html".into());
        let ctx = PageContext {
            hidelines: &std::collections::BTreeMap::new(),
            origins: None,
            source: Path::new("src/a.md"),
            src_rel: Path::new("a.md"),
            url: "a.html",
            line_offset: 0,
            links: &links,
            widgets: &widgets,
            strings: renderer.strings(),
            mentions: None,
            title: None,
            own_heading: false,
            math: crate::markdown::MathRules::COURSE,
            later: None,
        };
        render(md, &ctx).html
    }

    #[test]
    fn values_are_double_quoted_and_markdown_links_rewritten() {
        assert_eq!(
            html(
                "<p><img src='x.png' alt=a&amp;b data-j='{\"k\":1}' hidden><a href=b.md#c>b</a></p>\n"
            ),
            "<p><img src=\"x.png\" alt=\"a&amp;b\" data-j=\"{&quot;k&quot;:1}\" hidden><a href=\"b.html#c\">b</a></p>\n"
        );
        // Inline HTML, one tag an event.
        assert_eq!(
            html("A <a href='b.md'>b</a>.\n"),
            "<p>A <a href=\"b.html\">b</a>.</p>\n"
        );
    }

    #[test]
    fn what_is_not_a_tag_is_left_as_written() {
        for md in [
            "<!-- <img src='x'> -->\n",
            "<script>if (a<b) { s = '<img src=\\'x\\'>'; }</script>\n",
            "<style>p::after { content: '<i x=\\'y\\'>'; }</style>\n",
            "<div title='never closed>\n",
            "<div>a < b, c<3, é='x' <é x='y'></div>\n",
        ] {
            assert_eq!(html(md), md);
        }
        // Names as a browser reads them: `=x` and `'a'` are names, `é` too.
        assert_eq!(
            html("<p =x 'a'='b' é='c'></p>\n"),
            "<p =x 'a'=\"b\" é=\"c\"></p>\n"
        );
        // The content of a script is not read as tags; what follows it is.
        assert_eq!(
            html("<script>x='<a href=b.md>'</script><i class='c'>i</i>\n"),
            "<script>x='<a href=b.md>'</script><i class=\"c\">i</i>\n"
        );
    }
}
