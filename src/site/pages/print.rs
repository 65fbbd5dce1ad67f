//! `print.html`: the whole course on one page, in reading order, as mdBook's print page is
//! (`[output.html.print]`). Each page's rendered HTML is carried over with its ids made unique
//! (`<chapter>--<id>`), links between pages turned into links inside the print page, and other
//! relative addresses (images, the glossary, files) rebased to the site's root, where the print
//! page is. The build's own HTML escapes `"` in text, so an ` href="` is always an attribute.

use super::markdown::Rendered;
use super::rebase::{is_absolute, is_url_attr, resolve, rewrite_attributes};
use super::views::Shared;
use crate::content::{Course, PageKind};
use crate::markdown;
use crate::markdown::links::percent_decode;
use crate::render::PrintChapterView;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// Attributes holding one id, or a list of them, that the page's own ids answer.
const ID_ATTRS: &[&str] = &[
    "id",
    "for",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "aria-details",
    "aria-errormessage",
    "headers",
    "list",
    "form",
];

/// Stands for a chapter's content in the template's output, which [`write`] fills in: the
/// content is written straight to the file, chapter by chapter, so the whole course is never
/// held in memory twice (the print page of the 1,000-lesson benchmark course is 32 MB). NUL never
/// reaches the build's HTML.
const MARK: &str = "\u{0}coursebook-print-chapter\u{0}";

/// The pages the print page holds, in reading order, and each one's id in it.
pub(super) struct Plan {
    order: Vec<usize>,
    ids: Vec<String>,
}

impl Plan {
    pub(super) fn new(course: &Course) -> Plan {
        let order = course.reading_order();
        let ids = chapter_ids(order.iter().map(|&i| course.pages[i].url.as_str()));
        Plan { order, ids }
    }

    fn by_url<'a>(&'a self, course: &'a Course) -> HashMap<&'a str, &'a str> {
        self.order
            .iter()
            .zip(&self.ids)
            .map(|(&i, id)| (course.pages[i].url.as_str(), id.as_str()))
            .collect()
    }
}

/// The print page's chapters for its template, each one's content standing as [`MARK`].
pub(super) fn chapters(
    plan: &Plan,
    shared: &Shared<'_>,
    rendered: &[Rendered],
) -> Vec<PrintChapterView> {
    let course = shared.course;
    let by_url = plan.by_url(course);
    plan.order
        .iter()
        .zip(&plan.ids)
        .map(|(&i, id)| {
            let page = &course.pages[i];
            let out = &rendered[i].out;
            PrintChapterView {
                id: id.clone(),
                heading_id: out
                    .title_id
                    .as_ref()
                    .map_or_else(|| format!("{id}--title"), |t| format!("{id}--{t}")),
                title: page.title.clone(),
                // Rebased as the chapter's content is: the heading may hold a link.
                title_html: out
                    .title_html
                    .as_ref()
                    .map(|h| rebase(h, &page.url, id, &by_url)),
                number: page.number.clone(),
                kind: super::views::kind_name(page.kind),
                lesson: matches!(page.kind, PageKind::Lesson | PageKind::Chapter)
                    .then(|| crate::content::progress::lesson_key(page)),
                description: page.front.description.clone(),
                objectives: page
                    .front
                    .objectives
                    .iter()
                    .map(|o| rebase(&markdown::render_inline(o), &page.url, id, &by_url))
                    .collect(),
                content: MARK.to_string(),
            }
        })
        .collect()
}

/// The print page: the template's output `html` with each [`MARK`] replaced by its chapter's
/// HTML, rebased. Chapters are rebased in parallel a batch at a time and written in order.
pub(super) fn write(
    html: &str,
    plan: &Plan,
    course: &Course,
    rendered: &[Rendered],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    const BATCH: usize = 64;
    let by_url = plan.by_url(course);
    let mut pieces = html.split(MARK);
    let mut chapters = plan.order.iter().zip(&plan.ids);
    if let Some(first) = pieces.next() {
        out.write_all(first.as_bytes())?;
    }
    let mut pieces = pieces.peekable();
    while pieces.peek().is_some() {
        // As many chapters as the template has marks left (a theme's own template may drop
        // the content: then there is nothing to fill in).
        let batch: Vec<(&usize, &String)> = chapters.by_ref().take(BATCH).collect();
        let filled: Vec<String> = batch
            .par_iter()
            .with_max_len(1)
            .map(|&(&i, id)| {
                let page = &course.pages[i];
                let page_out = &rendered[i].out;
                let mut content = rebase(&page_out.html, &page.url, id, &by_url);
                content.push_str(&rebase(&page_out.appendix, &page.url, id, &by_url));
                deeper_headings(content)
            })
            .collect();
        for content in &filled {
            let Some(piece) = pieces.next() else {
                break;
            };
            out.write_all(content.as_bytes())?;
            out.write_all(piece.as_bytes())?;
        }
        if batch.is_empty() {
            // More marks than chapters: only a theme's own template can do that.
            for piece in pieces.by_ref() {
                out.write_all(piece.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// A chapter's HTML with its headings one level down (`h2` → `h3`, …, `h6` stays): the chapter's
/// title is an `h2` here, so its sections and its quiz's title, `h2` on their own page, read as
/// the title's equals to a screen reader's list of headings.
fn deeper_headings(html: String) -> String {
    // Where each heading tag's level digit is: `<h`/`</h` (and `<H`, `</H`) found with vector
    // searches; reading every `<` of a chapter, most of them spans, cost 1 % of a build. The
    // digits are changed in place (a copy of each chapter was a copy of the whole print page).
    let mut out = html.into_bytes();
    let mut digits = Vec::new();
    for tag in ["<h", "</h", "<H", "</H"] {
        let bytes = &out;
        for at in memchr::memmem::find_iter(bytes, tag) {
            let digit = at + tag.len();
            let (Some(&level), Some(&after)) = (bytes.get(digit), bytes.get(digit + 1)) else {
                continue;
            };
            if (b'1'..=b'5').contains(&level)
                && matches!(after, b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')
            {
                digits.push(digit);
            }
        }
    }
    for digit in digits {
        out[digit] += 1;
    }
    // Only ASCII digits were changed.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Each chapter's id: its URL without `.html`, `/` and other punctuation as single hyphens
/// (`basics/first-steps.html` → `basics-first-steps`), made unique with a number. Never holds
/// `--`, which separates a chapter's id from the ids inside it.
fn chapter_ids<'a>(urls: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut taken = HashSet::new();
    // The number each slug tried last: an id once taken stays taken, so the next page of that
    // slug starts there, not at 2 (16,000 pages whose names differ in punctuation took 21 s).
    let mut tried: HashMap<String, usize> = HashMap::new();
    urls.map(|url| {
        let base = url.strip_suffix(".html").unwrap_or(url);
        let mut slug = String::with_capacity(base.len());
        for c in base.chars() {
            if c.is_alphanumeric() || c == '_' {
                slug.extend(c.to_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = bounded(slug.trim_end_matches('-'), url);
        let slug = if slug.is_empty() { "page" } else { &slug };
        let mut id = slug.to_string();
        let n = tried.entry(slug.to_string()).or_insert(1);
        if *n > 1 {
            id = format!("{slug}-{n}");
        }
        while !taken.insert(id.clone()) {
            *n += 1;
            id = format!("{slug}-{n}");
        }
        id
    })
    .collect()
}

/// A chapter's id is at most this many bytes and a hash: it prefixes every id of the chapter,
/// so a 3.7 KB path over 50,000 headings made a 188 MB print page.
const MAX_CHAPTER_ID: usize = 64;

/// `slug` cut to [`MAX_CHAPTER_ID`] bytes, a hash of the page's `url` after it so pages whose
/// long addresses share a start stay apart; a shorter one as it is.
fn bounded(slug: &str, url: &str) -> String {
    if slug.len() <= MAX_CHAPTER_ID {
        return slug.to_string();
    }
    let mut end = MAX_CHAPTER_ID;
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    let hash = crate::widgets::quiz::fnv(url) as u32;
    format!("{}-{hash:08x}", slug[..end].trim_end_matches('-'))
}

/// One page's HTML as it reads inside the print page: see the module's comment.
fn rebase(html: &str, page_url: &str, chapter: &str, by_url: &HashMap<&str, &str>) -> String {
    let rebased = |name: &str| ID_ATTRS.contains(&name) || is_url_attr(name);
    rewrite_attributes(html, rebased, |name, value, out| {
        if ID_ATTRS.contains(&name) {
            for (n, id) in value.split_ascii_whitespace().enumerate() {
                if n > 0 {
                    out.push(' ');
                }
                out.push_str(chapter);
                out.push_str("--");
                out.push_str(id);
            }
        } else {
            out.push_str(&address(value, name == "href", page_url, chapter, by_url));
        }
    })
}

/// An address of a page, as seen from the print page (at the site's root).
fn address(
    value: &str,
    link: bool,
    page_url: &str,
    chapter: &str,
    by_url: &HashMap<&str, &str>,
) -> String {
    if let Some(fragment) = value.strip_prefix('#') {
        return if fragment.is_empty() {
            format!("#{chapter}")
        } else {
            format!("#{chapter}--{fragment}")
        };
    }
    if is_absolute(value) {
        return value.to_string();
    }
    let (path, fragment) = value
        .split_once('#')
        .map_or((value, None), |(p, f)| (p, Some(f)));
    let resolved = resolve(page_url, path);
    if link && !path.contains('?') {
        let mut target = percent_decode(&resolved);
        if target.is_empty() || target.ends_with('/') {
            target.push_str("index.html");
        }
        if let Some(id) = by_url.get(target.as_str()) {
            return match fragment {
                Some(f) if !f.is_empty() => format!("#{id}--{f}"),
                _ => format!("#{id}"),
            };
        }
    }
    match fragment {
        Some(f) => format!("{resolved}#{f}"),
        None => resolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chapter_s_headings_go_one_level_down() {
        assert_eq!(
            deeper_headings(
                "<h2 id=\"a\">A</h2><p>x<h1>y</h1></p><H5>z</H5><h6>w</h6><hr><h2\nclass=q>q</h2><header>"
                    .to_string()
            ),
            "<h3 id=\"a\">A</h3><p>x<h2>y</h2></p><H6>z</H6><h6>w</h6><hr><h3\nclass=q>q</h3><header>"
        );
        assert_eq!(deeper_headings("a < b <h".to_string()), "a < b <h");
    }

    #[test]
    fn chapter_ids_are_numbered_in_linear_time() {
        let ids = chapter_ids(["x-2.html", "x!.html", "x!!.html", "x,.html", "X.html"].into_iter());
        assert_eq!(ids, ["x-2", "x", "x-3", "x-4", "x-5"]);
        // 20,000 pages whose names differ only in punctuation: each tried x-2, x-3, … from the
        // start (16,000 took 21 s).
        let urls: Vec<String> = (0..20_000)
            .map(|i| format!("x{}.html", "!".repeat(i % 7 + 1) + &"-".repeat(i / 7)))
            .collect();
        let started = std::time::Instant::now();
        let ids = chapter_ids(urls.iter().map(String::as_str));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(ids.last().map(String::as_str), Some("x-20000"));
    }

    #[test]
    fn long_chapter_ids_are_cut_and_kept_apart() {
        assert_eq!(bounded("basics-first-steps", "x"), "basics-first-steps");
        let long = format!("{}-b", "a".repeat(63));
        let one = bounded(&long, "one.html");
        let two = bounded(&long, "two.html");
        assert_ne!(one, two);
        // The cut's trailing hyphen is dropped: `--` separates a chapter from its ids.
        assert!(one.starts_with(&format!("{}-", "a".repeat(63))), "{one}");
        assert!(!one.contains("--") && one.len() == 63 + 9, "{one}");
        assert!(bounded(&"é".repeat(40), "x").len() <= MAX_CHAPTER_ID + 9);
    }

    #[test]
    fn ids_links_and_addresses_are_rebased() {
        let by_url: HashMap<&str, &str> = [
            ("index.html", "index"),
            ("basics/a b.html", "basics-a-b"),
            ("basics/two.html", "basics-two"),
        ]
        .into_iter()
        .collect();
        let html = concat!(
            "<h2 id=\"setup\"><a class=\"heading-link\" href=\"#setup\">Setup</a></h2>\n",
            "<p>See <a href=\"two.html#deep\">two</a>, <a href=\"a%20b.html\">this</a>, ",
            "<a href=\"../index.html\">home</a>, <a href=\"../glossary.html#term-x\">x</a>, ",
            "<a href=\"https://example.org/a.html\">out</a>, <a href=\"../../up.html\">up</a>.</p>\n",
            "<img src=\"../img/a.png\" alt=\"x=&quot;1&quot;\"><label for=\"q1\">x</label>",
            "<div aria-labelledby=\"a b\" data-id=\"keep\" class=\"c\"></div>",
            "<p>text id=&quot;no&quot; and a=\"b\" in prose</p>"
        );
        let out = rebase(html, "basics/a b.html", "basics-a-b", &by_url);
        assert_eq!(
            out,
            concat!(
                "<h2 id=\"basics-a-b--setup\"><a class=\"heading-link\" href=\"#basics-a-b--setup\">Setup</a></h2>\n",
                "<p>See <a href=\"#basics-two--deep\">two</a>, <a href=\"#basics-a-b\">this</a>, ",
                "<a href=\"#index\">home</a>, <a href=\"glossary.html#term-x\">x</a>, ",
                "<a href=\"https://example.org/a.html\">out</a>, <a href=\"../up.html\">up</a>.</p>\n",
                "<img src=\"img/a.png\" alt=\"x=&quot;1&quot;\"><label for=\"basics-a-b--q1\">x</label>",
                "<div aria-labelledby=\"basics-a-b--a basics-a-b--b\" data-id=\"keep\" class=\"c\"></div>",
                "<p>text id=&quot;no&quot; and a=\"b\" in prose</p>"
            )
        );
    }
}
