//! The names a learner's saved progress is kept under, in the browser's storage.
//!
//! A course's entries share one namespace, `coursebook:<site-url>:<course title's slug>`, so two
//! courses on one domain never mix. Without `site-url` (`/`) the browser keeps them under the
//! path the site is served from instead (themes/default/js/runtime.js `kept`), which the
//! build cannot know. Within it a lesson is named by its front matter `id` when
//! it has one, else by its URL: an author who renames or moves a lesson keeps its learners'
//! answers and progress by giving it an `id`. The scripts (themes/default/js/progress.js) rely
//! on the shape: answers under `<namespace>:<lesson>:<quiz>:<question>`, so a lesson name never
//! holds a `:` and an `id` is a plain name.

use super::{Course, Page};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::yaml::pos_of;
use std::collections::HashMap;

/// The course's namespace in the learner's storage.
pub fn namespace(config: &Config) -> String {
    format!(
        "coursebook:{}:{}",
        config.site_url,
        crate::markdown::slugify(&config.title)
    )
}

/// The lesson's name in the learner's storage: its `id`, else its URL (which ends in `.html`,
/// so it never equals an `id`, which has no dot).
pub fn lesson_key(page: &Page) -> String {
    match &page.front.id {
        Some(id) => id.value.clone(),
        None => page.url.replace(':', "%3A"),
    }
}

/// Whether `id` can name a lesson: letters, digits, `-` and `_`.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Every lesson `id` is a plain name and names one lesson only.
pub fn check_ids(course: &Course, diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    for page in &course.pages {
        let (Some(id), Some(source)) = (&page.front.id, &page.source) else {
            continue;
        };
        // The front matter starts on the file's second line.
        let pos = pos_of(id, 1);
        if !valid_id(&id.value) {
            diags.push(
                Diagnostic::error(
                    source,
                    pos,
                    format!("the lesson id \"{}\" is not a plain name", id.value),
                )
                .with_help("use letters, digits, `-` and `_`, such as `what-is-a-model`"),
            );
            continue;
        }
        if let Some(first) = seen.get(id.value.as_str()) {
            let other = first
                .source
                .as_deref()
                .map_or_else(String::new, |p| p.display().to_string());
            diags.push(
                Diagnostic::error(
                    source,
                    pos,
                    format!(
                        "the lesson id \"{}\" is already the id of {other}",
                        id.value
                    ),
                )
                .with_help(
                    "each lesson's id must be its own: learners' progress is saved under it",
                ),
            );
            continue;
        }
        seen.insert(&id.value, page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_names() {
        assert!(valid_id("what-is-a-model"));
        assert!(valid_id("lesson_2"));
        assert!(valid_id("modèle"));
        assert!(!valid_id(""));
        assert!(!valid_id("a:b"));
        assert!(!valid_id("a.html"));
        assert!(!valid_id("a b"));
        assert!(!valid_id(&"x".repeat(101)));
    }
}
