//! Fenced blocks that are widgets, not code (```quiz, ```calculator), and the quiz file that
//! goes with a lesson.

pub mod calculator;
pub mod playground;
pub mod quiz;

use crate::content::quiz as quiz_model;
use crate::diag::Diagnostic;
use crate::markdown::{CalloutView, MentionView, Output, Widgets};
use crate::render::Renderer;
use std::path::PathBuf;

/// The widgets of one page: they need the page's file for messages and its place for storage.
pub struct PageWidgets<'r> {
    pub source: PathBuf,
    pub lang: String,
    pub store_prefix: String,
    /// The theme's widget templates and the interface strings.
    pub renderer: &'r Renderer,
    /// The book's `[output.html.code.hidelines]`, for code in quizzes.
    pub hidelines: &'r std::collections::BTreeMap<String, String>,
}

impl PageWidgets<'_> {
    fn place(&self) -> calculator::Place<'_> {
        calculator::Place {
            lang: &self.lang,
            renderer: self.renderer,
        }
    }

    /// A ```` ```quiz ```` block's HTML (empty when it has errors, which go to `out`).
    pub fn quiz_html(
        &self,
        text: &str,
        path: &std::path::Path,
        line_offset: usize,
        default_id: &str,
        out: &mut Output,
    ) -> String {
        let mut warnings = Vec::new();
        let parsed = quiz_model::parse(text, path, line_offset, default_id, &mut warnings);
        out.diags.extend(warnings);
        match parsed {
            Ok(q) => self.quiz_markup(&q, out),
            Err(diags) => {
                out.diags.extend(diags);
                String::new()
            }
        }
    }

    /// A checked quiz's markup from the theme's template; its id made unique on the page, and
    /// so are its questions' element names: quiz `intro-check` with question `basics` and quiz
    /// `intro` with question `check-basics` both named their inputs `intro-check-basics-…`,
    /// so the second quiz's labels checked the first quiz's answers.
    pub fn quiz_markup(&self, q: &quiz_model::Quiz, out: &mut Output) -> String {
        let names = |id: &str| -> Vec<String> {
            std::iter::once(id.to_string())
                .chain(q.questions.iter().map(|x| format!("{id}-{}", x.id)))
                .collect()
        };
        let mut id = q.id.clone();
        let mut n = out.quizzes.len() + 1;
        // A set: a page of ten thousand quizzes looks each name up once.
        while names(&id).iter().any(|x| out.quiz_names.contains(x)) {
            id = format!("{}-{n}", q.id);
            n += 1;
        }
        out.quiz_names.extend(names(&id));
        let q = quiz_model::Quiz {
            id: id.clone(),
            ..q.clone()
        };
        out.quizzes.push(id);
        let place = quiz::QuizPlace {
            store_prefix: &self.store_prefix,
            hidelines: self.hidelines,
            number: out.quizzes.len(),
        };
        let html = quiz::render(&q, &place, None, self.renderer).unwrap_or_else(|d| {
            out.diags.push(d);
            String::new()
        });
        // A prompt's or a hint's program is highlighted (markdown::render_block): the page
        // needs the highlighting stylesheet even when its lesson has no code of its own.
        out.has_code |= crate::markdown::holds_code(&html);
        html
    }
}

impl Widgets for PageWidgets<'_> {
    fn callout(&self, view: &CalloutView<'_>, diags: &mut Vec<Diagnostic>) -> String {
        self.renderer
            .widget(&["callout.html"], "c", view, |c, _| {
                crate::render::markup::callout(c)
            })
            .unwrap_or_else(|d| {
                diags.push(d);
                String::new()
            })
    }

    fn mention(&self, view: &MentionView<'_>, diags: &mut Vec<Diagnostic>) -> String {
        self.renderer
            .widget(&["term.html"], "m", view, |m, _| {
                crate::render::markup::mention(m)
            })
            .unwrap_or_else(|d| {
                diags.push(d);
                String::new()
            })
    }

    fn is_widget(&self, info: &str) -> bool {
        matches!(info, "quiz" | "calculator" | "playground")
    }

    fn render(&self, info: &str, body: &str, body_line: usize, out: &mut Output) {
        match info {
            "quiz" => {
                let default_id = format!("quiz-{}", out.quizzes.len() + 1);
                let source = self.source.clone();
                let html = self.quiz_html(body, &source, body_line, &default_id, out);
                out.html.push_str(&html);
            }
            "calculator" => calculator::render(body, &self.source, body_line, &self.place(), out),
            "playground" => playground::render(body, &self.source, body_line, &self.place(), out),
            other => out.diags.push(Diagnostic::error(
                &self.source,
                crate::diag::Pos::new(body_line, 1),
                format!("unknown widget `{other}`"),
            )),
        }
    }
}
