//! The build, as one readable list of steps (see [`build`]). This module and its children are
//! the only ones that decide what goes into the site; `output` is the only writer.

pub mod output;
pub(crate) mod pages;
mod per_thread;
mod search;
mod store;
mod toc;

use crate::config::{self, Config};
use crate::content::{self, Course};
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::markdown::LinkTable;
use crate::markdown::block_cache::BlockCache;
use crate::render::Renderer;
use crate::theme::Theme;
use output::SiteFiles;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const CONTENTS_URL: &str = "toc.html";
pub const GLOSSARY_URL: &str = "glossary.html";
pub const PROGRESS_URL: &str = "progress.html";
pub const PRINT_URL: &str = "print.html";

/// What a finished build reports.
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub dest: PathBuf,
    pub millis: u128,
    /// The course was as an earlier build left it: its files came from the site store.
    pub from_store: bool,
}

/// Whether the site is written or only checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// What `coursebook serve` keeps between rebuilds so that one edit costs one page.
#[derive(Default)]
pub struct Cache {
    /// Markdown files as read and split, by path.
    pub sources: content::SourceCache,
    glossary: GlossaryCache,
    /// Rendered Markdown by the hash of everything it depends on.
    pages: HashMap<u64, std::sync::Arc<crate::markdown::Output>>,
    /// Pages through their templates, by the hash of their Markdown and the course's structure.
    html: HashMap<u64, pages::Assembled>,
    /// What the output folder holds: URL → hash of the bytes written there, and which folder.
    written: output::Written,
    /// Each page's words for the search index, by the key of its rendered Markdown: an edit
    /// counts one page again, not the course (site/search.rs).
    search: search::Cache,
    /// `print.html`, made again only when a page or the course's structure changed.
    print: Option<(u64, pages::Assembled)>,
    /// The cache of highlighted code blocks, opened by the first build (`None` inside: off).
    blocks: Option<Option<Arc<BlockCache>>>,
    /// The files of the whole-course step (print.html, the search index) last written: a
    /// rebuild writes them after the rest (see [`Stage`]).
    later: std::collections::HashSet<String>,
}

/// How far a `serve` rebuild has got, for its live reload: the pages are written (open pages
/// may reload now, but `print.html`), then the whole-course files are (print.html may).
pub enum Stage {
    Pages,
    WholeCourse { print_changed: bool },
}

/// Build the course at `root`. Every problem goes to `diags`; nothing is written unless the
/// whole build succeeded.
pub fn build(
    root: &Path,
    dest: Option<&Path>,
    mode: Mode,
    diags: &mut Diagnostics,
) -> Option<Summary> {
    build_cached(root, dest, mode, diags, None, &mut |_| {})
}

/// [`build`], reusing and refreshing `cache`: unchanged pages are not rendered again and only
/// changed files are written (the swap-in-whole guarantee is kept for plain builds). After the
/// first build with a cache, the pages are written and `stage` told before the whole-course
/// files are made: at 1,000 lessons those (print.html, the search index) take longer than the
/// rest of a rebuild, and an edited lesson need not wait for them.
pub fn build_cached(
    root: &Path,
    dest: Option<&Path>,
    mode: Mode,
    diags: &mut Diagnostics,
    mut cache: Option<&mut Cache>,
    stage: &mut dyn FnMut(Stage),
) -> Option<Summary> {
    let started = Instant::now();
    // 1. Configuration.
    let mut config = config::load(root, diags)?;
    if let (None, Some(refused)) = (dest, &config.build_dir_refused) {
        diags.push(refused.clone());
        return None;
    }
    // From here on the build's folder is where this build writes: the command line's choice
    // over book.toml's (the walks leave it out without a word, only it).
    if let Some(dest) = dest {
        config.build_dir = dest.to_path_buf();
    }
    crate::markdown::raw_html::set_allowed(config.raw_html);
    crate::markdown::math::set_macros(&config.math_macros);
    // Highlighted code blocks kept between builds (markdown/block_cache.rs); serve opens the
    // cache once. Flushed when this build ends, whichever way it ends.
    let mut blocks = UsingBlocks::open(
        &config,
        cache.as_deref_mut().map(|c| &mut c.blocks),
        mode == Mode::Check,
    );
    let mut timings = Timings::new();
    // 2. The course: pages, order, assets; and beside it, 3. the templates and 4. the glossary,
    // which do not need it. The course's walk of its folder and the building of its tree are
    // one thread's work: with these after them, one core sat idle for 15 ms of a clean build of
    // the code-heavy bench course.
    // Without serve's cache the lessons' quiz files are attached below, once the site store has
    // been asked: a course built again as it was never parses them.
    let (sources_cache, glossary_cache) = match cache.as_deref_mut() {
        Some(c) => (Some(&mut c.sources), Some(&mut c.glossary)),
        None => (None, None),
    };
    let theme = Theme {
        dir: config.theme_dir.clone(),
    };
    let mut beside = Diagnostics::default();
    let (mut course, (strings, renderer, glossary)) = rayon::join(
        || content::load(&config, sources_cache, diags),
        || {
            let diags = &mut beside;
            // 3. Templates, loaded up front so a broken override is reported even if no page
            // uses it.
            if let Some(dir) = &theme.dir
                && !dir.is_dir()
            {
                diags.push(
                    crate::diag::Diagnostic::error(
                        "book.toml",
                        Pos::FILE,
                        format!(
                            "the theme folder {} does not exist",
                            crate::diag::rel(root, dir).display()
                        ),
                    )
                    .with_help(
                        "create it, or remove `theme` from [output.html] to use the default theme",
                    ),
                );
            }
            // The interface's strings in the course's language (`i18n.rs`).
            let strings = crate::i18n::load(&config, &theme, diags);
            let (renderer, template_errors) = Renderer::new(theme.clone(), root, &strings);
            diags.extend(template_errors);
            // 4. The glossary, and the matcher that links its terms in prose.
            let glossary = load_glossary(&config, glossary_cache, diags);
            (strings, renderer, glossary)
        },
    );
    if pages::is_mdbook_book(&config, &course) && !config.says_code_is_not_run {
        diags.extend(first_runnable_rust(&course));
    }
    // What the templates and the glossary said, after the course's own as before.
    diags.extend(beside.into_vec());
    timings.mark("content, templates, glossary");
    // What a course's own templates may write in all (render/mod.rs); the generated pages
    // (contents, glossary, 404, print) count as pages too.
    // Both bounds below grow with the course's Markdown.
    let lessons: u64 = course.pages.iter().map(|p| p.body.len() as u64).sum();
    renderer.bound_site(lessons, course.pages.len() as u64 + 4);
    // A course's own templates are course input that fuel does not bound in bytes: the build
    // stops if they make it grow past a budget (memory_watch.rs). Ours run unwatched.
    let watch = theme.dir.as_ref().and_then(|dir| {
        crate::memory_watch::Watch::start(
            crate::memory_watch::BASE
                .saturating_add(lessons.saturating_mul(crate::memory_watch::PER_INPUT_BYTE)),
            crate::diag::rel(root, dir).display().to_string(),
        )
    });
    let (glossary, matcher) = match glossary {
        Some((g, m)) => (Some(g), Some(m)),
        None => (None, None),
    };
    // 5. Markdown → HTML for every page, in parallel; then links and anchors across pages.
    let links = link_table(&course, &config);
    // Widgets are drawn from templates with the Markdown: a template edit in serve renders the
    // pages again.
    let shared = shared_key(&config, &links, glossary.as_deref(), &strings) ^ renderer.fingerprint;
    // The theme's files and the course's own (images), which every build copies.
    let mut statics = SiteFiles::default();
    pages::static_files(&config, &course, &theme, &strings, &mut statics, diags);
    timings.mark("static files");
    // The site store (site/store.rs): a plain build of a course as an earlier build left it
    // links that build's files instead of making them again.
    let store = (mode == Mode::Write && cache.is_none() && !diags.has_errors())
        .then(store::Store::open)
        .flatten()
        .map(Arc::new);
    // A plain build reads its lessons' quiz files once, for the site key and then the quizzes.
    let quiz_files = cache
        .is_none()
        .then(|| content::quiz::LessonQuizFiles::read(&config, &course));
    let key = store
        .as_deref()
        .zip(quiz_files.as_ref())
        .and_then(|(s, quiz_files)| {
            let parts = store::Parts {
                config: &config,
                course: &course,
                quiz_files,
                glossary: glossary.as_deref(),
                strings: &strings,
                templates: renderer.fingerprint,
                shared,
                links: &links,
                version: &pages::version(&theme, &strings),
            };
            store::site_key(s, &parts)
        });
    timings.mark("site key");
    if let (Some(s), Some(key)) = (store.as_deref(), key) {
        let mut problems = Vec::new();
        let hit = s.find(key, &mut problems);
        diags.extend(problems);
        if let Some(hit) = hit {
            timings.mark("store");
            if let Some(done) = from_store(hit, &config, root, &statics, diags) {
                timings.report();
                return done.map(|files| Summary {
                    pages: course.pages.len(),
                    files,
                    dest: config.build_dir.clone(),
                    millis: started.elapsed().as_millis(),
                    from_store: true,
                });
            }
        }
    }
    // What the build says from here on is about the files it makes (kept with them).
    let said_before = diags.len();
    if cache.is_none() {
        content::quiz::attach_lesson_quizzes(
            &config,
            &mut course,
            None,
            quiz_files.as_ref(),
            diags,
        );
    }
    timings.mark("quizzes");
    let ctx = pages::Ctx {
        config: &config,
        course: &course,
        glossary: glossary.as_deref(),
        matcher: matcher.as_deref(),
        shared_key: shared,
        strings: &strings,
        renderer: &renderer,
    };
    let data = cache.as_deref_mut().map(|c| {
        let data = c.sources.data_hashes(&config.src, &course.data_files);
        // Every entry of this build is kept by now: note where links lead, for the watcher.
        c.sources.learn_real(&config.src);
        data
    });
    let rendered = pages::render_all(
        &ctx,
        &links,
        cache
            .as_deref_mut()
            .map(|c| &mut c.pages)
            .zip(data.as_ref()),
        diags,
    );
    // The block cache's own problems are about this machine, not the course: not kept.
    let block_problems = blocks.problems();
    diags.extend(block_problems.iter().cloned());
    blocks.flush_soon();
    timings.mark("markdown");
    // 6. Pages through templates, plus the site's other files. A plain build streams each page
    // into a staging folder as soon as it is rendered; serve keeps them to write what changed.
    // A build that has already failed only renders, to report every problem: writing 10,000
    // pages to throw them away cost more than finding the error (10,000 pages on one URL).
    let dest = config.build_dir.clone();
    let staging = (mode == Mode::Write && cache.is_none() && !diags.has_errors())
        .then(|| {
            output::Staging::begin(&dest, root)
                .map(|s| s.with_store(store.clone().filter(|_| key.is_some())))
                .and_then(|s| {
                    s.make_dirs(course.pages.iter().map(|p| p.url.as_str()))?;
                    Ok(s)
                })
                .map_err(|d| diags.push(d))
                .ok()
        })
        .flatten();
    if let (Some(_), Some(staging)) = (&watch, &staging) {
        crate::memory_watch::remove_on_stop(staging.dir());
    }
    let mut site = SiteFiles::default();
    pages::assemble(
        &ctx,
        &rendered,
        &renderer,
        cache.as_deref_mut().map(|c| &mut c.html),
        staging.as_ref(),
        &mut site,
        diags,
    );
    timings.mark("pages");
    let whole_course =
        |cache: Option<&mut Cache>, staging: Option<&output::Staging>, diags: &mut Diagnostics| {
            let (print, search) = match cache {
                Some(c) => (Some(&mut c.print), Some(&mut c.search)),
                None => (None, None),
            };
            let index = config.search && mode == Mode::Write && !diags.has_errors();
            // print.html and the search index at once: the print page is mostly one thread
            // writing one large file, the index keeps both cores busy (on the code-heavy
            // benchmark course, print alone took about a third of the two).
            let ((mut files, print_diags), index) = rayon::join(
                || {
                    let mut files = SiteFiles::default();
                    let mut print_diags = Diagnostics::default();
                    pages::whole_course(
                        &ctx,
                        &rendered,
                        &renderer,
                        print,
                        staging,
                        &mut files,
                        &mut print_diags,
                    );
                    (files, print_diags)
                },
                || {
                    // The search index, from the pages' HTML the build holds (site/search.rs).
                    index.then(|| {
                        let html: Vec<(u64, [&str; 2])> = rendered
                            .iter()
                            .map(|r| (r.key, [r.out.html.as_str(), r.out.appendix.as_str()]))
                            .collect();
                        search::build(
                            &course,
                            &html,
                            glossary.as_deref().zip(matcher.as_deref()),
                            &config.language,
                            GLOSSARY_URL,
                            search,
                        )
                    })
                },
            );
            diags.extend(print_diags.into_vec());
            if let Some(index) = &index {
                search_cut(index, &course, &config, diags);
            }
            // A print page that failed leaves no index to write (nothing is written).
            if !diags.has_errors() {
                for (path, bytes) in index.into_iter().flat_map(|i| i.files) {
                    files.add(path, bytes.into_bytes());
                }
            }
            files
        };
    // serve after its first build: the whole-course files once the pages are written.
    let later = mode == Mode::Write && cache.as_ref().is_some_and(|c| !c.written.is_empty());
    if !later {
        let files = whole_course(cache.as_deref_mut(), staging.as_ref(), diags);
        if let Some(c) = cache.as_deref_mut() {
            c.later = files.files.keys().cloned().collect();
        }
        site.append(files);
        timings.mark("print, search");
    }
    if diags.has_errors() {
        // An unfinished staging folder is removed when dropped: the previous site stays.
        return None;
    }
    // 7. Write the rest, swapping the new site in whole.
    let own_files = site.files.len();
    let files_count = own_files + statics.files.len();
    if mode == Mode::Write {
        let written = match (staging, cache.as_deref_mut()) {
            (_, Some(c)) => {
                site.append(statics);
                let part = match later {
                    true => output::Part::AllBut(&c.later),
                    false => output::Part::All,
                };
                output::write_changed(&site, &dest, root, &mut c.written, part).map(drop)
            }
            (Some(staging), None) => staging
                .put_all(&site, true)
                .and_then(|()| staging.put_all(&statics, false))
                .and_then(|()| staging.finish()),
            // A plain build without a staging folder failed to make one: already an error.
            (None, None) => Ok(()),
        };
        if let Err(d) = written {
            diags.push(d);
            return None;
        }
        // The site is in place: its files and what the build said about them are kept.
        if let (Some(store), Some(key), None) = (&store, key, &cache) {
            let said = diags
                .since(said_before)
                .iter()
                .filter(|d| !block_problems.contains(d))
                .cloned()
                .collect();
            store.write_manifest(key, own_files, said);
        }
    }
    timings.mark("write");
    if let (true, Some(c)) = (later, cache) {
        stage(Stage::Pages);
        let files = whole_course(Some(&mut *c), None, diags);
        if diags.has_errors() {
            return None;
        }
        let before = std::mem::replace(&mut c.later, files.files.keys().cloned().collect());
        match output::write_changed(
            &files,
            &dest,
            root,
            &mut c.written,
            output::Part::Only(&before),
        ) {
            Ok(changed) => stage(Stage::WholeCourse {
                print_changed: changed.iter().any(|u| u == PRINT_URL),
            }),
            Err(d) => {
                diags.push(d);
                return None;
            }
        }
        timings.mark("print, search, write");
    }
    timings.report();
    let summary = Summary {
        pages: rendered.len(),
        files: files_count,
        dest,
        millis: started.elapsed().as_millis(),
        from_store: false,
    };
    drop_later((rendered, site, course));
    Some(summary)
}

/// Drop `value` on a thread of its own. Freeing what a build made (its pages' HTML, the
/// course, the files it wrote, the block cache's table) was the build's last act, on one
/// thread, and nobody waits for it: about 7 ms after a clean build of the 1,000-lesson
/// code-heavy course. A process that exits first leaves the freeing to the system.
fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be made, the closure, and `value` with it, is dropped here.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

/// Write the site from the store's files (`hit`) and the theme's and course's own (`statics`),
/// saying what the build that made them said. `None` when that failed (a file gone meanwhile):
/// the build goes on to make them; `Some(None)` when what it says fails the build
/// (`--deny-warnings`) or the site could not be put in place; else the number of files.
fn from_store(
    hit: store::Hit,
    config: &Config,
    root: &Path,
    statics: &SiteFiles,
    diags: &mut Diagnostics,
) -> Option<Option<usize>> {
    use rayon::prelude::*;
    if diags.would_fail(&hit.diags) {
        diags.extend(hit.diags);
        return Some(None);
    }
    let staging = match output::Staging::begin(&config.build_dir, root) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return Some(None);
        }
    };
    staging
        .make_dirs(hit.files.iter().map(|(url, ..)| url.as_str()))
        .ok()?;
    // Dropped here on failure, the staging folder is removed: nothing was written.
    hit.files
        .par_iter()
        .try_for_each(|(url, kept, id)| staging.put_kept(url, kept, *id))
        .ok()?;
    diags.extend(hit.diags);
    if let Err(d) = staging
        .put_all(statics, false)
        .and_then(|()| staging.finish())
    {
        diags.push(d);
        return Some(None);
    }
    Some(Some(hit.counted + statics.files.len()))
}

/// The block cache in use for one build: installed for the highlighter, flushed and taken
/// away when the build ends.
struct UsingBlocks(Option<Arc<BlockCache>>, Option<std::thread::JoinHandle<()>>);

impl UsingBlocks {
    /// `check`: `coursebook check` writes nothing, so it highlights without the cache (which
    /// makes its folder and writes segments).
    fn open(
        config: &Config,
        kept: Option<&mut Option<Option<Arc<BlockCache>>>>,
        check: bool,
    ) -> UsingBlocks {
        let open = || {
            if check
                || crate::markdown::block_cache::DISABLED.load(std::sync::atomic::Ordering::Relaxed)
            {
                return None;
            }
            let dir = crate::markdown::block_cache::folder(config.cache_dir.as_deref())?;
            BlockCache::open(&dir).map(Arc::new)
        };
        let cache = match kept {
            Some(kept) => kept.get_or_insert_with(open).clone(),
            None => open(),
        };
        crate::markdown::block_cache::install(cache.clone());
        UsingBlocks(cache, None)
    }

    /// Write the blocks highlighted so far while the build goes on: the Markdown step is the
    /// only one that highlights, and a clean build's new blocks (24 MB on the 1,000-lesson
    /// code-heavy benchmark) took 50 ms to write after everything else. What is highlighted
    /// later, if anything, is written when the build ends.
    fn flush_soon(&mut self) {
        if let (Some(cache), None) = (&self.0, &self.1) {
            let cache = Arc::clone(cache);
            self.1 = std::thread::Builder::new()
                .name("block cache".into())
                .spawn(move || cache.flush())
                .ok();
        }
    }

    /// What the cache found wrong so far (a damaged or foreign segment), as warnings.
    fn problems(&self) -> Vec<Diagnostic> {
        match &self.0 {
            Some(cache) => cache.take_problems(),
            None => Vec::new(),
        }
    }
}

impl Drop for UsingBlocks {
    fn drop(&mut self) {
        crate::markdown::block_cache::install(None);
        if let Some(flushing) = self.1.take() {
            let _ = flushing.join();
        }
        if let Some(cache) = self.0.take() {
            cache.flush();
            // Its table of blocks, freed when this was the last use of the cache (not serve's).
            drop_later(cache);
        }
    }
}

/// A step's name, wall time, CPU time, and the memory pages the kernel handed over in it
/// (minor faults) with the process's resident memory after it, in MB.
type Step = (&'static str, Duration, Option<Duration>, Option<(u64, u64)>);

/// Per-step durations, printed to stderr when `COURSEBOOK_TIMINGS` is set (for profiling):
/// wall time, and on Linux the CPU time of every thread, so a step that leaves a core idle
/// shows (its CPU time near its wall time, on a machine of two cores or more).
struct Timings {
    last: Instant,
    last_cpu: Option<Duration>,
    last_faults: Option<u64>,
    steps: Vec<Step>,
    on: bool,
}

impl Timings {
    fn new() -> Self {
        // Asked of the system only when timings are wanted: every build makes one.
        let on = std::env::var_os("COURSEBOOK_TIMINGS").is_some();
        Timings {
            last: Instant::now(),
            last_cpu: on.then(cpu_time).flatten(),
            last_faults: on.then(memory).flatten().map(|m| m.0),
            steps: Vec::new(),
            on,
        }
    }

    fn mark(&mut self, step: &'static str) {
        if self.on {
            let cpu = cpu_time();
            let spent = cpu
                .zip(self.last_cpu)
                .map(|(now, then)| now.saturating_sub(then));
            let memory = memory();
            let faults = memory
                .zip(self.last_faults)
                .map(|((now, rss), then)| (now.saturating_sub(then), rss));
            self.steps.push((step, self.last.elapsed(), spent, faults));
            self.last = Instant::now();
            self.last_cpu = cpu;
            self.last_faults = memory.map(|m| m.0);
        }
    }

    fn report(&self) {
        if self.on {
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            let parts: Vec<String> = self
                .steps
                .iter()
                .map(|(s, wall, cpu, memory)| {
                    let mut part = match cpu {
                        Some(cpu) => format!("{s} {:.1} ms (CPU {:.1})", ms(*wall), ms(*cpu)),
                        None => format!("{s} {:.1} ms", ms(*wall)),
                    };
                    if let Some((faults, rss)) = memory {
                        part.push_str(&format!(" [{faults} faults {rss} MB]"));
                    }
                    part
                })
                .collect();
            errln!("timings: {}", parts.join(", "));
        }
    }
}

/// The process's minor page faults so far and its resident memory in MB, on Linux
/// (`/proc/self/stat`): memory the kernel hands over costs a build much of its system time.
fn memory() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command's name, which is in brackets and may hold spaces.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    // minflt is field 10 of the line, rss (in pages) field 24; fields[0] is field 3.
    let faults = fields.get(7)?.parse().ok()?;
    let pages: u64 = fields.get(21)?.parse().ok()?;
    Some((faults, (pages * 4096) >> 20))
}

/// The CPU time of the whole process so far (every thread's), where the system tells it.
fn cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        use nix::time::{ClockId, clock_gettime};
        clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID)
            .ok()
            .map(Duration::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// A hash of what every page's Markdown depends on beyond its own file.
fn shared_key(
    config: &Config,
    links: &LinkTable,
    glossary: Option<&crate::content::glossary::Glossary>,
    strings: &crate::i18n::Strings,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut pages: Vec<_> = links.pages.iter().collect();
    pages.sort();
    pages.hash(&mut h);
    let mut assets: Vec<_> = links.assets.iter().collect();
    assets.sort();
    assets.hash(&mut h);
    format!("{:?}", glossary.map(|g| &g.entries)).hash(&mut h);
    format!("{config:?}").hash(&mut h);
    // A book's math and links follow mdBook's rules, a course's its own.
    links.lenient.hash(&mut h);
    format!("{:?}", strings.sections).hash(&mut h);
    h.finish()
}

/// The size learners download for quizzes and widgets, as the README promises it.
pub fn wasm_size_note() -> String {
    use std::io::Write as _;
    let gz = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = encoder.write_all(bytes);
        encoder.finish().map_or(0, |v| v.len())
    };
    let (wasm, js) = (crate::theme::QUIZ_WASM, crate::theme::QUIZ_WASM_JS);
    format!(
        "quiz-wasm: {} bytes of wasm + {} bytes of JS glue = {:.1} KB gzipped",
        wasm.len(),
        js.len(),
        (gz(wasm) + gz(js)) as f64 / 1000.0
    )
}

/// A warning for each page (and the glossary) whose words past [`search::PAGE_WORDS`] search
/// does not find, and each page whose sections past [`search::PAGE_SECTIONS`] it finds only as
/// part of the last: nothing is left out silently.
fn search_cut(index: &search::Index, course: &Course, config: &Config, diags: &mut Diagnostics) {
    let said = format!(
        "search indexes a page's first {},000 words; the rest of this one is not found by search",
        search::PAGE_WORDS / 1000
    );
    let help = "split it into several pages";
    let sections = format!(
        "search finds a page's first {} sections by their headings; the rest of this one is found as part of its last",
        search::PAGE_SECTIONS
    );
    for (pages, message) in [(&index.cut, &said), (&index.sections_cut, &sections)] {
        for &i in pages {
            let page = &course.pages[i];
            let file = page
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from(&page.url));
            diags.push(Diagnostic::warning(file, Pos::FILE, message.clone()).with_help(help));
        }
    }
    if index.glossary_cut {
        let file = crate::diag::rel(&config.root, &config.src.join(&config.glossary));
        diags.push(
            Diagnostic::warning(
                file,
                Pos::FILE,
                format!(
                    "search indexes the glossary's first {},000 words; the rest is not found by search",
                    search::PAGE_WORDS / 1000
                ),
            )
            .with_help("shorten its definitions"),
        );
    }
}

type Glossary = crate::content::glossary::Glossary;
type Matcher = crate::markdown::mentions::Matcher;

/// What `coursebook serve` keeps of the glossary: parsing it and building its matcher is done
/// again only when its text (or `link-terms`) changes.
#[derive(Default)]
pub struct GlossaryCache {
    key: u64,
    kept: Option<(Arc<Glossary>, Arc<Matcher>, Vec<crate::diag::Diagnostic>)>,
}

/// `glossary.yaml` (or `[course] glossary`), when the course has one, with its matcher.
fn load_glossary(
    config: &Config,
    cache: Option<&mut GlossaryCache>,
    diags: &mut Diagnostics,
) -> Option<(Arc<Glossary>, Arc<Matcher>)> {
    use std::hash::{Hash, Hasher};
    if config.glossary_refused {
        return None;
    }
    let path = config.src.join(&config.glossary);
    // No glossary is fine, unless book.toml names one; something there that is not a file is
    // read, and refused, below.
    if std::fs::symlink_metadata(&path).is_err() {
        if let Some(pos) = config.glossary_pos {
            diags.push(
                Diagnostic::warning(
                    "book.toml",
                    pos,
                    format!(
                        "`glossary` names {}, which is not there: the course has no glossary",
                        crate::diag::rel(&config.root, &path).display()
                    ),
                )
                .with_help("create the file, or remove `glossary` from [course]"),
            );
        }
        return None;
    }
    let limit = (
        crate::content::glossary::MAX_GLOSSARY,
        "a glossary is a sentence or two a term: shorten its definitions",
    );
    let text = content::read_named_text_within(config, &path, None, limit, diags)?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&text, format!("{:?}", config.link_terms)).hash(&mut h);
    let key = h.finish();
    if let Some(c) = &cache
        && c.key == key
        && let Some((g, m, errors)) = &c.kept
    {
        diags.extend(errors.iter().cloned());
        return Some((Arc::clone(g), Arc::clone(m)));
    }
    let (glossary, errors) =
        crate::content::glossary::parse(&text, &crate::diag::rel(&config.root, &path));
    let all = config.link_terms == crate::config::LinkTerms::All;
    let matcher = Arc::new(pages::matcher(&glossary, all));
    let glossary = Arc::new(glossary);
    diags.extend(errors.iter().cloned());
    if let Some(c) = cache {
        c.key = key;
        c.kept = Some((Arc::clone(&glossary), Arc::clone(&matcher), errors));
    }
    Some((glossary, matcher))
}

/// Every page and asset by its source path, for resolving links.
/// In an mdBook book, where its first Rust block is: mdBook gives each one (but `ignore` and
/// `noplayground` ones) a Run button that sends the code to play.rust-lang.org; coursebook's
/// pages make no request outside the site, so the button is not there, said once for the book
/// (the book audit of 2026-12-05: 357 runnable blocks in four books, said nowhere).
fn first_runnable_rust(course: &Course) -> Option<Diagnostic> {
    for &i in &course.order {
        let page = &course.pages[i];
        let Some(source) = &page.source else { continue };
        let mut fences = crate::markdown::fences::Fences::default();
        for (n, line) in page.body.lines().enumerate() {
            let was_inside = fences.inside();
            if !fences.line(line) || was_inside {
                continue;
            }
            let info = line.trim_start().trim_start_matches(['`', '~']);
            let words: Vec<&str> = info
                .split([',', ' ', '\t'])
                .filter(|w| !w.is_empty())
                .collect();
            if crate::markdown::fence_language(info) == "rust"
                && !words
                    .iter()
                    .any(|w| matches!(*w, "ignore" | "noplayground" | "noplaypen"))
            {
                let mut d = Diagnostic::warning(
                    source,
                    Pos::new(page.body_line + n + 1, 1),
                    "Rust code is shown without mdBook's Run button: it would send the code to play.rust-lang.org, and coursebook's pages make no request outside the site",
                )
                .with_help("said once for the book, at its first runnable block (mark a block `ignore` or `noplayground` as mdBook reads them); copying and hidden lines work as in mdBook");
                if let Some(origins) = &page.origins {
                    origins.relocate(source, &mut d);
                }
                return Some(d);
            }
        }
    }
    None
}

fn link_table(course: &Course, config: &Config) -> LinkTable {
    let mut table = LinkTable {
        lenient: course.from_summary,
        ..LinkTable::default()
    };
    // An mdBook book's root, its first chapter again: `index.md` and `index.html` lead there
    // (with its anchors), as in mdBook.
    if pages::first_chapter_as_root(config, course).is_some() {
        table
            .pages
            .insert("index.md".to_string(), "index.html".to_string());
    }
    // Whole pages only (`a.html#old` is a section of a page that stays).
    table.redirected = config
        .redirect
        .keys()
        .filter_map(|old| match pages::redirect_key(old) {
            (page, None) => page,
            (_, Some(_)) => None,
        })
        .collect();
    for page in &course.pages {
        if let Some(src) = &page.src_rel {
            table
                .pages
                .insert(src.to_string_lossy().replace('\\', "/"), page.url.clone());
        }
    }
    for asset in &course.assets {
        table
            .assets
            .insert(asset.src_rel.clone(), asset.url.clone());
    }
    table
}
