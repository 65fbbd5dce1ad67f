//! mdBook's built-in `links` preprocessor, so a book's `{{#…}}` lines build unchanged:
//! `{{#include file}}` (whole, `:10:20`, `:10:`, `::20`, `:10` or `:anchor`),
//! `{{#rustdoc_include file:range}}` (the rest of the file kept as hidden `# ` lines),
//! `{{#playground file attrs}}` (the file as a Rust code block), `{{#title …}}` and the `\{{#…}}`
//! escape. Semantics follow mdBook 0.5.4 (`mdbook-driver`'s `links.rs` and `take_lines.rs`),
//! except that what mdBook only logs is an error here, at the including line: a missing file,
//! a loop, a file outside the course (a missing anchor is a warning, and includes nothing, as
//! in mdBook). Any other `{{#name …}}` or `{{%name …}}` outside code is a warning: no
//! preprocessor of coursebook expands it, so it is shown as written.

use crate::confine::Jail;
use crate::diag::{Diagnostic, Origins, Pos};
use crate::markdown::fences::Fences;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Includes nest at most this deep (mdBook's limit).
const MAX_DEPTH: usize = 10;
/// An expanded page may not grow past this: includes can double a text at each of ten levels.
const MAX_BYTES: usize = 32 << 20;
/// Nor hold more includes than this: ten files each including the next ten times are a million
/// includes in 5 MB (42 s at six levels, hours at eight), long before [`MAX_BYTES`].
const MAX_INCLUDES: usize = 10_000;
/// What the course's pages may take in by includes in all, in one build: one file included by
/// every page is read once but written into each, so 1,000 one-line lessons including one
/// 16 MB file were 16 GB of pages in memory (and twice that on disk, with print.html). Real
/// books take in a few MB.
const MAX_COURSE_INCLUDED: usize = 128 << 20;

/// The largest mdbook-quiz file `{{#quiz}}` reads. Real ones are a few KB; parsing TOML takes
/// about 150 times a file's size in memory (one 16 MB quiz peaked at 2.45 GB).
const MAX_QUIZ: u64 = 1 << 20;

/// A page's Markdown with its directives expanded.
pub struct Expanded {
    pub text: String,
    /// `{{#title …}}`: the page's title.
    pub title: Option<String>,
    pub diags: Vec<Diagnostic>,
    /// The files read into it (canonical paths): a cache keyed on the page's own file cannot
    /// reuse it, and a Markdown file only included is not "unlisted".
    pub files: Vec<PathBuf>,
    /// The mdbook-quiz files among them: sources of the page's quizzes, not published (their
    /// answer keys are concealed in the page).
    pub quizzes: Vec<PathBuf>,
    /// Which file and line each line of `text` came from, for the Markdown step's messages.
    pub origins: Origins,
    /// The places in `diags` of includes whose file does not exist or is hidden, with the help
    /// to give: errors, but warnings in a book ordered by SUMMARY.md, where mdBook only logs a
    /// missing file ([`super::Source::lenient`]); a hidden file is not included either way.
    pub missing: Vec<(usize, &'static str)>,
}

const MISSING_HELP: &str = "the directive is shown as written, as mdBook does; create the file (is it made by another step of the book's build?) or fix the path";
const HIDDEN_HELP: &str = "the directive is shown as written: hidden files (`.git/config` holds the CI job's token) are never published; copy what the page should show into a file that is not hidden";

/// Where a text being expanded lands in the page.
struct Place {
    /// Lines of its file before the text.
    line_offset: usize,
    depth: usize,
    /// The page line (counted as the Markdown step counts them) of the text's first line.
    page_line: usize,
    /// Characters put before each of its lines in the page (the including lines' indentation).
    shift: usize,
    /// "included from …", for messages about its lines.
    note: Option<String>,
}

/// Expand `text`, the body of `file` (course-relative `shown` for messages), whose first line is
/// line `line_offset + 1` of the file; `course_included` counts what includes brought into the
/// course's pages so far (all pages share it: [`MAX_COURSE_INCLUDED`]). `None` when it holds no
/// directive at all.
pub fn expand(
    jail: &Jail,
    file: &Path,
    shown: &Path,
    text: &str,
    line_offset: usize,
    course_included: &std::sync::atomic::AtomicUsize,
) -> Option<Expanded> {
    if !text.contains("{{") {
        return None;
    }
    let mut e = Expander {
        jail,
        course_included,
        out: Expanded {
            text: String::with_capacity(text.len()),
            title: None,
            diags: Vec::new(),
            files: Vec::new(),
            quizzes: Vec::new(),
            origins: Origins::default(),
            missing: Vec::new(),
        },
        stack: vec![file.to_path_buf()],
        budget_exceeded: false,
        includes: 0,
        sources: HashMap::new(),
        cached: 0,
        title_at: None,
    };
    let base = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut text_out = String::with_capacity(text.len());
    let place = Place {
        line_offset,
        depth: 0,
        page_line: line_offset + 1,
        shift: 0,
        note: None,
    };
    e.expand_into(&mut text_out, text, &base, shown, place);
    if text_out == text && e.out.diags.is_empty() && e.out.title.is_none() {
        return None;
    }
    e.out.text = text_out;
    Some(e.out)
}

struct Expander<'j> {
    jail: &'j Jail,
    /// Bytes includes brought into the course's pages, this page's included.
    course_included: &'j std::sync::atomic::AtomicUsize,
    out: Expanded,
    /// The files being expanded, outermost first, to name a loop.
    stack: Vec<PathBuf>,
    budget_exceeded: bool,
    /// Includes expanded so far, at any depth.
    includes: usize,
    /// The files included so far, by canonical path, each read, decoded and indexed once: a
    /// 1.5 MB file included 10,000 times by `:1:1` was read and scanned whole each time (19 s).
    sources: HashMap<PathBuf, Rc<Source>>,
    /// Bytes held in `sources`: past [`MAX_CACHED`], a file is read again for each include.
    cached: usize,
    /// Where the last `{{#title}}` was (file as shown, place), to name it when another comes.
    title_at: Option<(PathBuf, Pos)>,
}

/// Bytes of included files kept for the rest of a page's expansion, at most.
const MAX_CACHED: usize = 64 << 20;

/// An included file's text, with where its lines start and its anchors, so a range or an anchor
/// costs what it takes, not the file.
struct Source {
    text: String,
    /// Where each line starts in `text` (a last line without a newline included).
    starts: Vec<usize>,
    /// Each `ANCHOR: name`'s first line.
    anchors: HashMap<String, usize>,
}

impl Source {
    fn new(text: String) -> Source {
        let mut starts = vec![0];
        starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes())
                .map(|i| i + 1)
                .filter(|&i| i < text.len()),
        );
        if text.is_empty() {
            starts.clear();
        }
        let mut anchors = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            if let Some(name) = anchor_mark(line, "ANCHOR:") {
                anchors.entry(name.to_string()).or_insert(n);
            }
        }
        Source {
            text,
            starts,
            anchors,
        }
    }

    /// Lines `start..end` (0-based, `None`: to the end), joined by newlines: as
    /// `lines().skip(start).take(end - start)`.
    fn lines(&self, start: usize, end: Option<usize>) -> &str {
        let count = self.starts.len();
        let end = end.map_or(count, |e| e.min(count));
        if start >= end {
            return "";
        }
        let from = self.starts[start];
        let to = self.starts.get(end).map_or(self.text.len(), |&s| s);
        self.text[from..to]
            .strip_suffix('\n')
            .unwrap_or(&self.text[from..to])
    }

    /// [`take_anchor`], read from the anchor's line on.
    fn anchor(&self, anchor: &str) -> Option<(usize, String)> {
        let first = *self.anchors.get(anchor)?;
        let rest = self.lines(first, None);
        take_anchor(rest, anchor).map(|taken| (first + 1, taken))
    }
}

/// A directive found in the text.
struct Found<'t> {
    start: usize,
    end: usize,
    /// `None` for the `\{{#…}}` escape.
    name: Option<&'t str>,
    args: &'t str,
}

impl Expander<'_> {
    fn expand_into(
        &mut self,
        out: &mut String,
        text: &str,
        base: &Path,
        shown: &Path,
        place: Place,
    ) {
        let mut done = 0;
        let mut code = CodeTracker::default();
        let mut line = place.line_offset + 1;
        let mut on_line = OnLine::default();
        self.out.origins.push(
            place.page_line,
            shown,
            line,
            place.shift,
            place.note.clone(),
        );
        // Newlines in `out` before `measured`: where the page's lines are at.
        let mut out_lines = 0;
        let mut measured = 0;
        let mut counted = 0;
        let mut search = 0;
        while let Some(found) = next_directive(text, search) {
            if self.budget_exceeded {
                return;
            }
            // Keep the line count and the code state up to the directive.
            line += text[counted..found.start].matches('\n').count();
            code.advance(&text[counted..found.start]);
            on_line.advance(&text[counted..found.start]);
            counted = found.start;
            search = found.end;
            let at = Pos::new(line, on_line.chars + 1);
            out.push_str(&text[done..found.start]);
            done = found.end;
            out_lines += out[measured..].matches('\n').count();
            measured = out.len();
            // The page line of the directive, and of the line after what replaces it, which is
            // this file's line after the directive's.
            let page_line = place.page_line + out_lines;
            let resume = |this: &mut Self, replaced_by: &str| {
                let whole = &text[found.start..found.end];
                this.out.origins.push(
                    page_line + replaced_by.matches('\n').count() + 1,
                    shown,
                    line + whole.matches('\n').count() + 1,
                    place.shift,
                    place.note.clone(),
                );
            };
            let Some(name) = found.name else {
                // The escape: the directive as written, without its backslash.
                out.push_str(&text[found.start + 1..found.end]);
                continue;
            };
            let whole = &text[found.start..found.end];
            match name {
                "title" if !found.args.trim().is_empty() => {
                    // The last one is the title, as in mdBook; the first is not lost unsaid.
                    if let Some((file, pos)) = &self.title_at {
                        let message = if file == shown && *pos == at {
                            "a second `{{#title}}`: the file holding it is included twice; the page's title is the last one's".to_string()
                        } else {
                            format!(
                                "a second `{{{{#title}}}}`: the page's title is this one, not the one at {}:{}",
                                file.display().to_string().replace('\\', "/"),
                                pos.line
                            )
                        };
                        self.out.diags.push(
                            Diagnostic::warning(shown, at, message)
                                .with_help("keep one `{{#title}}` on the page"),
                        );
                    }
                    self.title_at = Some((shown.to_path_buf(), at));
                    self.out.title = Some(found.args.trim().to_string());
                    // A directive written over several lines leaves one.
                    resume(self, "");
                }
                "quiz" if !found.args.trim().is_empty() => {
                    // A quiz is an include too: 510 of one 15 KB quiz made a 175 MB page.
                    if !self.count_include(shown, at) {
                        return;
                    }
                    // Inside a blockquote or a list item, every line of the block carries the
                    // container's marks (`> `, the item's indentation), or the fence ends the
                    // container and the quiz is cut in two (mdbook-quiz's placeholder is one
                    // line of HTML, so a book may well quote its quiz).
                    let container = container_prefix(line_before(out));
                    match self.quiz(found.args, base, shown, at, page_line) {
                        Some(block) => {
                            if !fits_prefixed(out, &block, &container) {
                                self.too_large(shown, at);
                                return;
                            }
                            resume(self, &block);
                            push_prefixed(out, &block, &container);
                        }
                        None => out.push_str(whole),
                    }
                }
                "include" | "rustdoc_include" | "playground" | "playpen"
                    if !found.args.trim().is_empty() =>
                {
                    // Included lines carry the indentation of the directive's own line (an
                    // include inside a list item stays in it).
                    let prefix = line_before(out).to_string();
                    if !self.count_include(shown, at) {
                        return;
                    }
                    let inner = Place {
                        line_offset: 0,
                        depth: place.depth + 1,
                        page_line,
                        shift: place.shift + prefix.chars().count(),
                        note: Some(format!(
                            "included from {}:{line}",
                            shown.display().to_string().replace('\\', "/")
                        )),
                    };
                    match self.include(name, found.args, base, shown, at, inner) {
                        Some(included) => {
                            if !fits_prefixed(out, &included, &prefix) {
                                self.too_large(shown, at);
                                return;
                            }
                            let before = self
                                .course_included
                                .fetch_add(included.len(), std::sync::atomic::Ordering::Relaxed);
                            if before.saturating_add(included.len()) > MAX_COURSE_INCLUDED {
                                self.too_much_in_all(shown, at);
                                return;
                            }
                            resume(self, &included);
                            push_prefixed(out, &included, &prefix);
                        }
                        None => out.push_str(whole),
                    }
                }
                // A directive coursebook knows, without what it needs (`{{#include}}`).
                "title" | "quiz" | "include" | "rustdoc_include" | "playground" | "playpen" => {
                    out.push_str(whole);
                    if !code.inside(&on_line) {
                        let what = match name {
                            "title" => "the page's title",
                            _ => "the path of a file",
                        };
                        self.out.diags.push(
                            Diagnostic::warning(
                                shown,
                                at,
                                format!("`{{{{#{name}}}}}` needs {what}; shown as written"),
                            )
                            .with_help(format!(
                                "write it as `{{{{#{name} {}}}}}`",
                                match name {
                                    "title" => "My title",
                                    "quiz" => "quiz.toml",
                                    _ => "file.rs",
                                }
                            )),
                        );
                    }
                }
                other => {
                    out.push_str(whole);
                    if !code.inside(&on_line) {
                        let (shown_as, help) = match other.strip_prefix('%') {
                            Some(_) => (
                                format!("`{{{{{other} …}}}}`"),
                                "another mdBook preprocessor's directive (Comprehensive Rust's mdbook-course writes `{{%segment …}}`); put in by hand what it would add",
                            ),
                            None => (
                                format!("`{{{{#{other} …}}}}`"),
                                "write `\\{{#…}}` to show a directive as text on purpose",
                            ),
                        };
                        self.out.diags.push(
                            Diagnostic::warning(
                                shown,
                                at,
                                format!("{shown_as} is not expanded: no preprocessor of coursebook provides it; shown as written"),
                            )
                            .with_help(help),
                        );
                    }
                }
            }
            if out.len() > MAX_BYTES {
                self.too_large(shown, at);
                return;
            }
        }
        out.push_str(&text[done..]);
    }

    /// The page passed [`MAX_BYTES`] at `at`: said once, and its expansion stops.
    fn too_large(&mut self, shown: &Path, at: Pos) {
        if !self.budget_exceeded {
            self.budget_exceeded = true;
            self.out.diags.push(Diagnostic::error(
                shown,
                at,
                format!(
                    "the page grows past {} MB with its includes",
                    MAX_BYTES >> 20
                ),
            ));
        }
    }

    /// The course's pages passed [`MAX_COURSE_INCLUDED`] at `at`: said once for the page, and
    /// its expansion stops.
    fn too_much_in_all(&mut self, shown: &Path, at: Pos) {
        if !self.budget_exceeded {
            self.budget_exceeded = true;
            self.out.diags.push(
                Diagnostic::error(
                    shown,
                    at,
                    format!(
                        "the course's pages take in more than {} MB by includes in all, passed here",
                        MAX_COURSE_INCLUDED >> 20
                    ),
                )
                .with_help("include the part a page needs (`{{#include file.rs:10:20}}`, or an anchor), not a large file on every page"),
            );
        }
    }

    /// Count one more include (or quiz) of the page; past [`MAX_INCLUDES`], report it at `at`
    /// and return false: the page's expansion stops.
    fn count_include(&mut self, shown: &Path, at: Pos) -> bool {
        self.includes += 1;
        if self.includes <= MAX_INCLUDES {
            return true;
        }
        self.budget_exceeded = true;
        self.out.diags.push(
            Diagnostic::error(
                shown,
                at,
                format!("the page has more than {MAX_INCLUDES} includes, counting `{{{{#quiz}}}}` and the includes of included files"),
            )
            .with_help("include fewer, larger files"),
        );
        false
    }

    /// mdbook-quiz's `{{#quiz file.toml}}`: the quiz as a coursebook quiz block
    /// (content::mdbook_quiz), or `None` after reporting why not.
    fn quiz(
        &mut self,
        args: &str,
        base: &Path,
        shown: &Path,
        at: Pos,
        page_line: usize,
    ) -> Option<String> {
        let path_part = args.split_whitespace().next().unwrap_or("");
        let target = base.join(path_part);
        // A quiz is the course's own: `--include-from` widens `{{#include}}` only.
        let jail = self.jail.course_only();
        // Its size is judged before it is read or parsed.
        if let Some(size) = jail
            .resolve_public(&target)
            .ok()
            .and_then(|real| std::fs::metadata(real).ok())
            .map(|meta| meta.len())
            .filter(|&size| size > MAX_QUIZ)
        {
            self.out.diags.push(
                Diagnostic::error(
                    shown,
                    at,
                    format!(
                        "the quiz `{path_part}` is {} KB; coursebook reads mdbook-quiz files of up to {} KB",
                        size.div_ceil(1 << 10),
                        MAX_QUIZ >> 10
                    ),
                )
                .with_help("split it into several quizzes"),
            );
            return None;
        }
        let bytes = match jail.read_published(&target) {
            Ok(b) => b,
            Err(denied) => {
                self.out.diags.push(Diagnostic::error(
                    shown,
                    at,
                    format!("cannot read the quiz `{path_part}`: {denied}"),
                ));
                return None;
            }
        };
        let canonical = std::fs::canonicalize(&target).unwrap_or(target.clone());
        self.out.files.push(canonical.clone());
        self.out.quizzes.push(canonical);
        let text = String::from_utf8_lossy(&bytes);
        let id = crate::markdown::slugify(
            &target
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        let id = if id.is_empty() {
            "quiz".to_string()
        } else {
            id
        };
        match super::mdbook_quiz::to_quiz_block(&text, &id) {
            Ok((block, lines)) => {
                // The block's lines are not the TOML's: a problem in a question is reported at
                // the line of its `[[questions]]` in the TOML file, the rest at the directive.
                let toml_shown = crate::confine::lexical(
                    &shown.parent().unwrap_or(Path::new("")).join(path_part),
                );
                for (pos, key) in super::mdbook_quiz::ignored_keys(&text) {
                    self.out.diags.push(
                        Diagnostic::warning(
                            &toml_shown,
                            pos,
                            format!("`{key}` is not a key of mdbook-quiz's quizzes; ignored"),
                        )
                        .with_help("a quiz file holds `[[questions]]` (and `multipart`); mdbook-quiz ignores other keys too"),
                    );
                }
                let note = format!(
                    "in the quiz converted from `{{{{#quiz}}}}` at {}:{}",
                    shown.display().to_string().replace('\\', "/"),
                    at.line
                );
                let origins = &mut self.out.origins;
                origins.push_fixed(page_line, shown, at, Some(note.clone()));
                for (k, toml_line) in lines.into_iter().enumerate() {
                    origins.push_fixed(
                        page_line + super::mdbook_quiz::FIRST_QUESTION_LINE + k,
                        &toml_shown,
                        Pos::new(toml_line, 1),
                        Some(note.clone()),
                    );
                }
                let after = page_line + block.matches('\n').count().saturating_sub(2);
                origins.push_fixed(after, shown, at, Some(note));
                Some(block)
            }
            // Where the TOML parser points, in the TOML file; else at the directive.
            Err((pos, why)) => {
                let help = "mdbook-quiz's format: [[questions]] with type = \"MultipleChoice\", \"ShortAnswer\" or \"Tracing\"";
                let d = match pos {
                    Some(pos) => Diagnostic::error(
                        crate::confine::lexical(
                            &shown.parent().unwrap_or(Path::new("")).join(path_part),
                        ),
                        pos,
                        format!("the quiz cannot be read: {why}"),
                    )
                    .with_help(format!(
                        "{help}; it is brought in by `{{{{#quiz}}}}` at {}:{}",
                        shown.display().to_string().replace('\\', "/"),
                        at.line
                    )),
                    None => Diagnostic::error(
                        shown,
                        at,
                        format!("the quiz `{path_part}` cannot be read: {why}"),
                    )
                    .with_help(help),
                };
                self.out.diags.push(d);
                None
            }
        }
    }

    /// The text an include-like directive stands for, expanded in turn; `None` after reporting
    /// why it cannot be (the directive then stays as written).
    fn include(
        &mut self,
        name: &str,
        args: &str,
        base: &Path,
        shown: &Path,
        at: Pos,
        inner: Place,
    ) -> Option<String> {
        let mut words = args.split_whitespace();
        let spec = words.next().unwrap_or("");
        let attrs: Vec<&str> = words.collect();
        let (path_part, range) = if name == "playground" || name == "playpen" {
            (spec, None)
        } else {
            match spec.split_once(':') {
                Some((p, r)) => (p, Some(r)),
                None => (spec, None),
            }
        };
        let error = |this: &mut Self, msg: String| {
            this.out.diags.push(Diagnostic::error(shown, at, msg));
            None
        };
        if path_part.is_empty() {
            return error(self, format!("`{{{{#{name}}}}}` names no file"));
        }
        let target = base.join(path_part);
        if inner.depth >= MAX_DEPTH {
            return error(
                self,
                format!("`{path_part}`: includes nest more than {MAX_DEPTH} deep"),
            );
        }
        // Through the jail, which looks at nothing outside the course (a path out is refused
        // when it is read, below).
        let canonical = self
            .jail
            .resolve(&target)
            .unwrap_or_else(|_| target.clone());
        if self
            .stack
            .iter()
            .any(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()) == canonical)
        {
            let chain: Vec<String> = self
                .stack
                .iter()
                .chain(std::iter::once(&target))
                .map(|p| {
                    p.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                })
                .collect();
            return error(
                self,
                format!("`{path_part}` includes itself: {}", chain.join(" → ")),
            );
        }
        let source = match self.sources.get(&canonical) {
            // The same file as a previous include: the jail's checks depend only on where it
            // is, and it passed them.
            Some(source) => Rc::clone(source),
            None => {
                let mut bytes = match self.jail.read_published(&target) {
                    Ok(b) => b,
                    Err(denied) => {
                        match &denied {
                            crate::confine::Denied::Io(e)
                                if e.kind() == std::io::ErrorKind::NotFound =>
                            {
                                self.out.missing.push((self.out.diags.len(), MISSING_HELP));
                            }
                            // Comprehensive Rust includes its exercises' `.cargo/config.toml`.
                            crate::confine::Denied::Hidden => {
                                self.out.missing.push((self.out.diags.len(), HIDDEN_HELP));
                            }
                            _ => {}
                        }
                        if matches!(denied, crate::confine::Denied::Outside(_)) {
                            self.out.diags.push(
                                Diagnostic::error(shown, at, format!("cannot include `{path_part}`: {denied}"))
                                    .with_help("to include files of a folder around the course (the repository's README, its sources), build with `coursebook --include-from <that folder> build`; hidden files stay refused"),
                            );
                            return None;
                        }
                        return error(self, format!("cannot include `{path_part}`: {denied}"));
                    }
                };
                // An included file with CR-only line endings counts its lines as a lesson
                // does, and its byte-order mark is dropped as a lesson's is: kept, it made the
                // file's first line text (`\u{feff}## Heading` is a paragraph, not a heading)
                // without a word.
                if bytes.starts_with(b"\xef\xbb\xbf") {
                    bytes.drain(..3);
                }
                super::lone_cr_to_lf(&mut bytes);
                let mut text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
                // Saved terminal output is what an include most often brings: its bell and
                // escape sequences are replaced as a lesson's are, said at the included file.
                let included = crate::confine::lexical(
                    &shown.parent().unwrap_or(Path::new("")).join(path_part),
                );
                self.out
                    .diags
                    .extend(super::sources::replace_controls(&mut text, &included));
                let source = Rc::new(Source::new(text));
                if self.cached + source.text.len() <= MAX_CACHED {
                    self.cached += source.text.len();
                    self.sources.insert(canonical.clone(), Rc::clone(&source));
                }
                source
            }
        };
        self.out.files.push(canonical.clone());
        let content = &source.text;
        let inner_shown =
            crate::confine::lexical(&shown.parent().unwrap_or(Path::new("")).join(path_part));
        // Lines of the file before the first line taken (rustdoc_include's hidden lines and
        // anchors' marks inside the range are not told apart: close enough for a message).
        let mut skipped = 0;
        let taken = match name {
            "playground" | "playpen" => {
                // The fence's line and the code's first line are both the file's first.
                let origins = &mut self.out.origins;
                for from in [inner.page_line, inner.page_line + 1] {
                    origins.push(from, &inner_shown, 1, inner.shift, inner.note.clone());
                }
                let mut body = content.clone();
                if !body.ends_with('\n') {
                    body.push('\n');
                }
                let lang = if attrs.is_empty() {
                    "rust".to_string()
                } else {
                    format!("rust,{}", attrs.join(","))
                };
                // A code block is not expanded again (mdBook's neither).
                return Some(format!("```{lang}\n{body}```\n"));
            }
            _ => match parse_range(range) {
                Range::Lines(start, end) => {
                    // mdBook includes nothing for a range that takes no line, and says nothing:
                    // `:5:2` (reversed), or a start past the file's end (the file got shorter).
                    let count = source.starts.len();
                    if range.is_some_and(|r| !r.is_empty())
                        && start >= end.map_or(count, |e| e.min(count))
                        && name != "rustdoc_include"
                    {
                        let why = match end {
                            Some(e) if e <= start => format!(
                                "the range `:{}` ends before it starts",
                                range.unwrap_or_default()
                            ),
                            _ => format!(
                                "`{path_part}` has {count} line{}, and the range starts at line {}",
                                if count == 1 { "" } else { "s" },
                                start + 1
                            ),
                        };
                        self.out.diags.push(
                            Diagnostic::warning(shown, at, format!("{why}; nothing is included"))
                                .with_help("name lines the file has: `:10:20` is lines 10 to 20, `:10:` from 10 on, `::20` up to 20, `:10` line 10 alone"),
                        );
                        return Some(String::new());
                    }
                    if name == "rustdoc_include" {
                        rustdoc_lines(content, start, end)
                    } else {
                        skipped = start;
                        source.lines(start, end).to_string()
                    }
                }
                Range::Anchor(anchor) => {
                    let got = if name == "rustdoc_include" {
                        rustdoc_anchor(content, anchor)
                    } else {
                        source.anchor(anchor).map(|(first, taken)| {
                            skipped = first;
                            taken
                        })
                    };
                    match got {
                        Some(t) => t,
                        // mdBook includes nothing there and builds: a book with a stale
                        // anchor builds unchanged, said at the line (Comprehensive Rust has two).
                        None => {
                            self.out.diags.push(
                                Diagnostic::warning(
                                    shown,
                                    at,
                                    format!("`{path_part}` has no `ANCHOR: {anchor}`; nothing is included"),
                                )
                                .with_help("mark the lines with `// ANCHOR: name` and `// ANCHOR_END: name`, or name an anchor the file has"),
                            );
                            return Some(String::new());
                        }
                    }
                }
            },
        };
        // What was included is expanded from its own folder; its messages name its file.
        let inner_base = target.parent().unwrap_or(Path::new("")).to_path_buf();
        self.stack.push(target);
        let mut expanded = String::with_capacity(taken.len());
        let inner = Place {
            line_offset: skipped,
            ..inner
        };
        self.expand_into(&mut expanded, &taken, &inner_base, &inner_shown, inner);
        self.stack.pop();
        Some(expanded)
    }
}

/// Whether `text`, each line after its first given `prefix` again, keeps `out` within
/// [`MAX_BYTES`]. Checked before the lines are pushed: a 200 KB line before an include of
/// 20,000 empty lines was 4 GB in `out` before a check after them.
fn fits_prefixed(out: &str, text: &str, prefix: &str) -> bool {
    let grows = prefix
        .len()
        .saturating_mul(text.matches('\n').count())
        .saturating_add(text.len());
    out.len().saturating_add(grows) <= MAX_BYTES
}

/// Longer than this, the text before a directive on its line is not the indentation or the
/// container marks an included block must repeat on each line: it is not repeated.
const MAX_PREFIX: usize = 256;

/// The text before a directive on its line in `out` (what the page holds so far), or "" when
/// that is longer than [`MAX_PREFIX`]: looked for only that far back. Each include copied the
/// whole line before it, and read back to its start: 8 MB lines of includes took 24 s.
fn line_before(out: &str) -> &str {
    let from = out.len().saturating_sub(MAX_PREFIX + 1);
    match memchr::memrchr(b'\n', &out.as_bytes()[from..]) {
        // Just after a newline: a character boundary.
        Some(i) => &out[from + i + 1..],
        None if from == 0 => out,
        None => "",
    }
}

/// `text` pushed onto `out`, each line after its first with `prefix` (the directive's line up
/// to it: the lines stay in its list item or blockquote).
fn push_prefixed(out: &mut String, text: &str, prefix: &str) {
    for (k, piece) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
            out.push_str(prefix);
        }
        out.push_str(piece);
    }
}

/// What a block's further lines need so they stay in the containers of the line that holds
/// a directive: `> ` kept, a list item's marker (`- `, `1. `) as spaces; empty when text comes
/// before the directive on its line (there is no container to stay in).
fn container_prefix(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if matches!(c, b' ' | b'\t' | b'>') {
            out.push(char::from(c));
            i += 1;
            continue;
        }
        match crate::markdown::containers::mark_len(b, i) {
            // A list marker, as spaces of its width; one at the line's end is no marker (the
            // directive follows it without a space).
            Some(n) if i + n < b.len() => {
                out.extend(std::iter::repeat_n(' ', n));
                i += n;
            }
            _ => return String::new(),
        }
    }
    out
}

/// The next `{{#name args}}` or `\{{#…}}` at or after `from`.
fn next_directive(text: &str, from: usize) -> Option<Found<'_>> {
    let mut at = from;
    // Found once for all the candidates they serve, as the candidates only move forward: the
    // end of a line with no `}}` after an escape's start, and the next `}`. `\{{#` or `{{#x `
    // repeated with no close looked to the line's or the text's end for each.
    let mut unclosed_line_end = 0;
    let mut next_brace: Option<usize> = None;
    while let Some(i) = text[at..].find("{{").map(|i| at + i) {
        at = i + 2;
        // The escape: from the backslash to the last `}}` on the line (mdBook's `\\\{\{\#.*\}\}`).
        if i > 0 && text.as_bytes()[i - 1] == b'\\' && text[i + 2..].starts_with('#') {
            if i < unclosed_line_end {
                continue;
            }
            let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
            if let Some(close) = text[i..line_end].rfind("}}") {
                return Some(Found {
                    start: i - 1,
                    end: i + close + 2,
                    name: None,
                    args: "",
                });
            }
            unclosed_line_end = line_end;
            continue;
        }
        // `{{\s*#name\s+args}}`, args holding no `}`.
        let rest = &text[i + 2..];
        let trimmed = rest.trim_start();
        // `#` is mdBook's; `%` other preprocessors' (Comprehensive Rust's `{{%segment outline}}`),
        // found only to be reported, its `%` kept in the name.
        let Some(after_hash) = trimmed
            .strip_prefix('#')
            .or_else(|| trimmed.strip_prefix('%'))
        else {
            continue;
        };
        let name_len = after_hash
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after_hash.len());
        if name_len == 0 {
            continue;
        }
        let after_name = &after_hash[name_len..];
        let sigil = usize::from(trimmed.starts_with('%'));
        let (name_start, name_len) = (text.len() - after_hash.len() - sigil, name_len + sigil);
        // `{{#toc}}`: no arguments (mdBook's pattern needs some, so it is never expanded, but
        // a third-party preprocessor's directive it is, to be reported).
        if after_name.starts_with("}}") {
            let end = text.len() - after_name.len() + 2;
            return Some(Found {
                start: i,
                end,
                name: Some(&text[name_start..name_start + name_len]),
                args: "",
            });
        }
        if !after_name.starts_with(char::is_whitespace) {
            continue;
        }
        let args_start = text.len() - after_name.len();
        let brace = match next_brace {
            Some(b) if b >= args_start => b,
            _ => {
                let b = text[args_start..]
                    .find('}')
                    .map_or(text.len(), |n| args_start + n);
                next_brace = Some(b);
                b
            }
        };
        if brace == text.len() {
            continue;
        }
        let close = brace - args_start;
        if !after_name[close..].starts_with("}}") {
            continue;
        }
        return Some(Found {
            start: i,
            end: args_start + close + 2,
            name: Some(&text[name_start..name_start + name_len]),
            args: &text[args_start..args_start + close],
        });
    }
    None
}

/// What the scan has passed on the current line: its characters (the directive's column) and
/// its backticks (whether it is in inline code). Kept as the scan moves, never recounted from
/// the line's start: 200,000 directives on one line took 40 s when each rescanned it.
#[derive(Default)]
struct OnLine {
    chars: usize,
    ticks: usize,
}

impl OnLine {
    /// Take in `passed`, the text from the previous directive's start to the next's.
    fn advance(&mut self, passed: &str) {
        let tail = match passed.rfind('\n') {
            Some(i) => {
                *self = Self::default();
                &passed[i + 1..]
            }
            None => passed,
        };
        self.chars += tail.chars().count();
        self.ticks += tail.bytes().filter(|&b| b == b'`').count();
    }
}

/// Whether a position is in code, as far as a line scanner can tell: inside a fenced block, or
/// inside backticks on its own line.
#[derive(Default)]
struct CodeTracker {
    fences: Fences,
}

impl CodeTracker {
    /// Take in whole lines of `passed` (the text between two directives).
    fn advance(&mut self, passed: &str) {
        // The first piece continues the line of the previous directive; only whole lines
        // (those after a newline) can open or close a fence.
        for line in passed.split('\n').skip(1) {
            self.fences.line(line);
        }
    }

    fn inside(&self, on_line: &OnLine) -> bool {
        self.fences.inside() || on_line.ticks % 2 == 1
    }
}

enum Range<'a> {
    /// 0-based start, exclusive end (`None`: to the end).
    Lines(usize, Option<usize>),
    Anchor(&'a str),
}

/// `:10:20`, `:10:`, `::20`, `:10` (that line only), `:name` (an anchor), or nothing: as
/// mdBook's `parse_range_or_anchor`.
fn parse_range(spec: Option<&str>) -> Range<'_> {
    let mut parts = spec.unwrap_or("").splitn(3, ':');
    let first = parts.next();
    let start = match first {
        Some(s) if s.parse::<usize>().is_ok() => {
            s.parse::<usize>().ok().map(|n| n.saturating_sub(1))
        }
        Some("") | None => None,
        Some(anchor) => return Range::Anchor(anchor),
    };
    let end = parts.next().map(str::parse::<usize>);
    match (start, end) {
        (Some(s), Some(Ok(e))) => Range::Lines(s, Some(e)),
        (Some(s), Some(Err(_))) => Range::Lines(s, None),
        (Some(s), None) => Range::Lines(s, Some(s + 1)),
        (None, Some(Ok(e))) => Range::Lines(0, Some(e)),
        (None, _) => Range::Lines(0, None),
    }
}

fn rustdoc_lines(s: &str, start: usize, end: Option<usize>) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.lines().enumerate() {
        if i < start || end.is_some_and(|e| i >= e) {
            out.push_str("# ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out.pop();
    out
}

/// `ANCHOR: name` / `ANCHOR_END: name` (mdBook's `ANCHOR:\s*([\w_-]+)`), as the name it marks.
fn anchor_mark<'l>(line: &'l str, mark: &str) -> Option<&'l str> {
    let i = line.find(mark)?;
    // `ANCHOR:` must not be the tail of `ANCHOR_END:` when looking for starts.
    if mark == "ANCHOR:" && line[..i].ends_with('_') {
        return None;
    }
    let rest = line[i + mark.len()..].trim_start();
    let n = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (n > 0).then(|| &rest[..n])
}

fn is_mark(line: &str) -> bool {
    anchor_mark(line, "ANCHOR:").is_some() || anchor_mark(line, "ANCHOR_END:").is_some()
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`, without any anchor lines; `None`
/// when the anchor is not in the file.
fn take_anchor(s: &str, anchor: &str) -> Option<String> {
    let mut kept = Vec::new();
    let mut found = false;
    for l in s.lines() {
        if found {
            if anchor_mark(l, "ANCHOR_END:") == Some(anchor) {
                break;
            }
            if !is_mark(l) {
                kept.push(l);
            }
        } else if anchor_mark(l, "ANCHOR:") == Some(anchor) {
            found = true;
        }
    }
    found.then(|| kept.join("\n"))
}

/// The whole file, the anchor's lines as they are and every other line hidden (`# `), anchor
/// lines dropped; `None` when the anchor is not in the file.
fn rustdoc_anchor(s: &str, anchor: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut within = false;
    let mut found = false;
    for l in s.lines() {
        if within {
            if anchor_mark(l, "ANCHOR_END:") == Some(anchor) {
                within = false;
            } else if !is_mark(l) {
                out.push_str(l);
                out.push('\n');
            }
        } else if anchor_mark(l, "ANCHOR:") == Some(anchor) {
            within = true;
            found = true;
        } else if !is_mark(l) {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
    }
    out.pop();
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_stays_in_the_containers_of_its_directive() {
        assert_eq!(container_prefix(""), "");
        assert_eq!(container_prefix("> "), "> ");
        assert_eq!(container_prefix("  "), "  ");
        assert_eq!(container_prefix("- "), "  ");
        assert_eq!(container_prefix("> 12. "), ">     ");
        assert_eq!(container_prefix(">  * "), ">    ");
        // Text before the directive: no container.
        assert_eq!(container_prefix("See "), "");
        assert_eq!(container_prefix("-x "), "");
        assert_eq!(container_prefix("3 "), "");
    }

    #[test]
    fn line_ranges_as_mdbook_takes_them() {
        let s = "Lorem\nipsum\ndolor\nsit\namet";
        let source = Source::new(s.to_string());
        let lines = |spec: &str| match parse_range(Some(spec)) {
            Range::Lines(a, b) => source.lines(a, b).to_string(),
            Range::Anchor(a) => format!("anchor {a}"),
        };
        assert_eq!(lines("2:3"), "ipsum\ndolor");
        assert_eq!(lines("4:"), "sit\namet");
        assert_eq!(lines(":3"), "Lorem\nipsum\ndolor");
        assert_eq!(lines("2"), "ipsum");
        assert_eq!(lines(""), s);
        assert_eq!(lines("5:4"), "");
        assert_eq!(lines(":100"), s);
        assert_eq!(lines("part"), "anchor part");
        // As `lines()` then `join`: a last newline is no further line, an empty line is one.
        for text in ["", "\n", "a\n", "a\n\n", "a\n\nb", "a\nb\n"] {
            let source = Source::new(text.to_string());
            for (a, b) in [
                (0, None),
                (0, Some(1)),
                (1, None),
                (1, Some(2)),
                (2, Some(9)),
            ] {
                let mdbook = text.lines().skip(a);
                let mdbook: Vec<&str> = match b {
                    Some(b) => mdbook.take(b - a).collect(),
                    None => mdbook.collect(),
                };
                assert_eq!(source.lines(a, b), mdbook.join("\n"), "{text:?} {a} {b:?}");
            }
        }
        assert_eq!(
            rustdoc_lines(s, 1, Some(2)),
            "# Lorem\nipsum\n# dolor\n# sit\n# amet"
        );
    }

    #[test]
    fn anchors_as_mdbook_takes_them() {
        let s = "a\n// ANCHOR: all\nb\n// ANCHOR: part\nc\n// ANCHOR_END: part\nd\n// ANCHOR_END: all\ne";
        assert_eq!(take_anchor(s, "part").as_deref(), Some("c"));
        assert_eq!(take_anchor(s, "all").as_deref(), Some("b\nc\nd"));
        assert_eq!(take_anchor(s, "none"), None);
        let source = Source::new(s.to_string());
        assert_eq!(source.anchor("part"), Some((4, "c".to_string())));
        assert_eq!(source.anchor("all"), Some((2, "b\nc\nd".to_string())));
        assert_eq!(source.anchor("none"), None);
        assert_eq!(
            rustdoc_anchor(s, "part").as_deref(),
            Some("# a\n# b\nc\n# d\n# e")
        );
    }

    #[test]
    fn directives_are_found_escaped_or_not() {
        // An escape runs to the last `}}` of its line, as mdBook's pattern does.
        let text = "a {{#include x.rs:2}} b \\{{#include y.rs}}\nc {{ #title T }} {{#toc}}";
        let mut from = 0;
        let mut seen = Vec::new();
        while let Some(f) = next_directive(text, from) {
            seen.push((
                f.name.map(str::to_string),
                f.args.trim().to_string(),
                &text[f.start..f.end],
            ));
            from = f.end;
        }
        assert_eq!(
            seen,
            vec![
                (
                    Some("include".into()),
                    "x.rs:2".into(),
                    "{{#include x.rs:2}}"
                ),
                (None, String::new(), "\\{{#include y.rs}}"),
                (Some("title".into()), "T".into(), "{{ #title T }}"),
                (Some("toc".into()), String::new(), "{{#toc}}"),
            ]
        );
    }
}
