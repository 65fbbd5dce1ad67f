//! Rendering pages, one job a module:
//!
//! - `markdown` — every page's Markdown to HTML (with its quiz and key terms), cached by key;
//! - `views` — the typed views the page templates see;
//! - `assemble` — pages through their templates into the staging folder, generated pages;
//! - `anchors` — the anchor check across pages (each page's anchors as a browser finds them);
//! - `print` — the whole course on one page (`print.html`), ids and links made to fit
//!   (`rebase`: rewriting the attributes of a page's HTML, also for 404.html);
//! - `files` — the site's other files (theme, wasm, assets, sitemap).

mod anchors;
mod assemble;
mod files;
mod markdown;
mod print;
mod rebase;
mod views;

pub use assemble::{Assembled, assemble, whole_course};
pub(crate) use files::redirect_key;
pub use files::static_files;
pub use markdown::{matcher, render_all};
pub(crate) use views::{first_chapter_as_root, is_mdbook_book, version};

use crate::config::Config;
use crate::content::Course;
use crate::content::glossary::Glossary;
use crate::i18n::Strings;
use crate::markdown::Output;
use crate::markdown::mentions::Matcher;
use crate::render::Renderer;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What page rendering needs from the rest of the build.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub course: &'a Course,
    pub glossary: Option<&'a Glossary>,
    pub matcher: Option<&'a Matcher>,
    /// A hash of what every page depends on beyond its own files (configuration, glossary,
    /// link table): part of serve's cache keys.
    pub shared_key: u64,
    /// The interface's strings (widgets and quizzes are rendered with the page's Markdown).
    pub strings: &'a Strings,
    /// The theme's templates, for the widgets drawn with the page's Markdown.
    pub renderer: &'a Renderer,
}

/// What `coursebook serve` passes to [`render_all`]: the rendered Markdown it keeps, by key,
/// and the hashes of the course's other files (quizzes).
pub(super) type RenderCache<'a> = (&'a mut HashMap<u64, Arc<Output>>, &'a HashMap<PathBuf, u64>);
