//! The default theme's widget templates (`quiz.html` with its `question-*.html`, `term.html`,
//! `callout.html`) written in Rust, for a theme that keeps them: minijinja turning each view into
//! values and running the templates took 3.6 % of a clean build's CPU time on the code-heavy
//! benchmark course (a quiz a lesson, a few glossary mentions a paragraph). A theme with its own
//! version of any of them gets its templates ([`super::Renderer::widget`]).
//!
//! Each function writes byte for byte what its template writes (the tests render both), so
//! the templates in `themes/default/templates` stay the reference a theme copies: a change to
//! one of them is a change here, or the tests fail.

use super::quiz::{QuestionView, QuizView};
use super::widgets::{CalloutView, MentionView};
use super::{escape_html, fill_markup};
use crate::i18n::Strings;
use std::fmt::Write as _;

/// `quiz.html`, and the question template each question names. Each `write!` is a line of
/// the template (`write!` to a `String` cannot fail).
pub fn quiz(quiz: &QuizView, t: &Strings) -> String {
    let mut out = String::with_capacity(2048 + quiz.questions.len() * 1024);
    let id = escape_html(&quiz.id);
    let text = |key: &str| escape_html(t.get("quiz", key));
    let pass = match quiz.pass.as_deref().filter(|p| !p.is_empty()) {
        Some(pass) => format!(" data-pass=\"{}\"", escape_html(pass)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "<form class=\"quiz\" data-quiz=\"{id}\" data-salt=\"{}\" data-store=\"{}\"{pass} method=\"dialog\" novalidate aria-labelledby=\"quiz-{id}-title\">",
        escape_html(&quiz.salt),
        escape_html(&quiz.store),
    );
    let _ = writeln!(
        out,
        "<h2 class=\"quiz-title\" id=\"quiz-{id}-title\">{}</h2>",
        quiz.title_html
    );
    if let Some(description) = shown(&quiz.description_html) {
        let _ = writeln!(out, "<p class=\"quiz-description\">{description}</p>");
    }
    let _ = writeln!(out, "<p class=\"notice no-js\">{}</p>", text("needs_js"));
    let _ = writeln!(
        out,
        "<p class=\"notice saved-notice\">{}</p>",
        text("saved_here")
    );
    for q in &quiz.questions {
        question(&mut out, q, t);
    }
    let _ = write!(
        out,
        "<div class=\"actions\">\n\
         <button type=\"submit\">{}</button>\n\
         <button type=\"button\" class=\"secondary\" data-retry hidden>{}</button>\n\
         <button type=\"button\" class=\"secondary\" data-reset aria-expanded=\"false\" aria-controls=\"quiz-{id}-reset-confirm\">{}</button>\n\
         <p class=\"score\" data-score role=\"status\" aria-live=\"polite\"></p>\n\
         </div>\n\
         <div class=\"forget-confirm\" id=\"quiz-{id}-reset-confirm\" data-reset-confirm hidden>\n\
         <p>{}</p>\n\
         <p><button type=\"button\" class=\"danger\" data-reset-yes>{}</button> <button type=\"button\" class=\"secondary\" data-reset-no>{}</button></p>\n\
         </div>\n\
         </form>",
        text("check"),
        text("retry"),
        text("reset"),
        text("reset_confirm"),
        text("reset_yes"),
        escape_html(t.get("progress", "cancel")),
    );
    out
}

/// One question's fieldset (the loop's body in `quiz.html`).
fn question(out: &mut String, q: &QuestionView, t: &Strings) {
    let name = escape_html(&q.name);
    let text = |key: &str| escape_html(t.get("quiz", key));
    let _ = writeln!(
        out,
        "<fieldset class=\"question\" id=\"q-{name}\" data-question=\"{}\" data-type=\"{}\" data-answer=\"{}\" data-fingerprint=\"{}\"{}>",
        escape_html(&q.id),
        escape_html(q.kind),
        q.answer,
        escape_html(&q.fingerprint),
        if q.shuffle { " data-shuffle" } else { "" },
    );
    let _ = writeln!(
        out,
        "<legend><span class=\"q-number\">{}.</span> {}</legend>",
        q.number, q.prompt_html
    );
    if let Some(more) = shown(&q.prompt_more_html) {
        let _ = writeln!(out, "<div class=\"q-prompt\">{more}</div>");
    }
    match q.template {
        // question-choice.html
        "choice" => choices(out, q, &escape_html(q.input), &name),
        // question-input.html (no line break after it: the template's last is dropped)
        "input" => {
            let decimal = match q.kind {
                "numeric" => " inputmode=\"decimal\"",
                _ => "",
            };
            let _ = write!(
                out,
                "<div class=\"answer\"><label for=\"{name}-input\">{}</label> <input type=\"text\" id=\"{name}-input\" name=\"{name}\"{decimal} autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"{name}-result\"></div>",
                text("your_answer")
            );
        }
        // question-order.html
        "order" => {
            let _ = writeln!(
                out,
                "<ol class=\"order-list\" aria-label=\"{}\" aria-describedby=\"{name}-result\">",
                text("order_items")
            );
            for item in &q.items {
                let label = |key: &str| {
                    fill_markup(t.get("quiz", key), |placeholder| {
                        (placeholder == "item").then(|| escape_html(&item.text))
                    })
                };
                let _ = writeln!(
                    out,
                    "<li data-item=\"{}\"><span>{}</span> <button type=\"button\" data-move=\"up\" aria-label=\"{}\">↑</button> <button type=\"button\" data-move=\"down\" aria-label=\"{}\">↓</button></li>",
                    item.index,
                    item.html,
                    label("move_up"),
                    label("move_down"),
                );
            }
            out.push_str("</ol>");
        }
        // question-tracing.html
        "tracing" => {
            choices(out, q, "radio", &name);
            let _ = write!(
                out,
                "<div class=\"answer tracing-output\"><label for=\"{name}-output\">{}</label> <textarea id=\"{name}-output\" name=\"{name}-output\" rows=\"3\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" aria-describedby=\"{name}-result\"></textarea></div>",
                text("tracing_output")
            );
        }
        // The view names one of the four templates; nothing else reaches here.
        _ => {}
    }
    if let Some(hint) = shown(&q.hint_html) {
        let _ = writeln!(
            out,
            "<details class=\"hint\"><summary>{}</summary><div>{hint}</div></details>",
            text("hint")
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"result\" id=\"{name}-result\" data-result data-state=\"unanswered\"></div>\n</fieldset>"
    );
}

/// `question-choice.html`'s loop (and the first part of `question-tracing.html`'s): a radio
/// button or a checkbox (`input`, escaped) a choice.
fn choices(out: &mut String, q: &QuestionView, input: &str, name: &str) {
    for c in &q.choices {
        let value = escape_html(&c.value);
        let _ = writeln!(
            out,
            "<div class=\"choice\"><input type=\"{input}\" name=\"{name}\" id=\"{name}-{value}\" value=\"{value}\" aria-describedby=\"{name}-result\"><label for=\"{name}-{value}\">{}</label></div>",
            c.label_html
        );
    }
}

/// `term.html`: a glossary term mentioned in prose, with its definition as a tooltip.
pub fn mention(m: &MentionView<'_>) -> String {
    let tip = escape_html(m.tip);
    let (described, tooltip) = match m.definition_html {
        "" => (String::new(), String::new()),
        definition => (
            format!(" aria-describedby=\"{tip}\""),
            format!("<span class=\"term-tip\" role=\"tooltip\" id=\"{tip}\">{definition}</span>"),
        ),
    };
    format!(
        "<span class=\"term\"><a href=\"{}\" data-term=\"{}\"{described}>{}</a>{tooltip}</span>",
        escape_html(m.href),
        escape_html(m.id),
        escape_html(m.text),
    )
}

/// `callout.html`: a callout's start (with its title) or its end.
pub fn callout(c: &CalloutView<'_>) -> String {
    if !c.open {
        return "</aside>\n".to_string();
    }
    let title = escape_html(c.title);
    format!(
        "<aside class=\"callout callout-{}\" aria-label=\"{title}\">\n<p class=\"callout-title\">{title}</p>\n",
        escape_html(c.kind)
    )
}

/// An optional markup field as the templates test it: shown when given and not empty.
fn shown(field: &Option<String>) -> Option<&str> {
    field.as_deref().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Renderer;
    use crate::render::quiz::{ChoiceView, ItemView};
    use crate::theme::Theme;
    use std::path::Path;

    /// English, and English with every string a quiz shows holding what HTML escapes, a
    /// placeholder filled and one left as written.
    fn strings() -> [Strings; 2] {
        let english = Strings::english();
        let mut odd = Strings::english();
        for (section, keys) in odd.sections.iter_mut() {
            if section == "quiz" || section == "progress" {
                for (key, text) in keys.iter_mut() {
                    *text = format!("<{key}> & \"it's\" {{other}} {text}");
                }
            }
        }
        [english, odd]
    }

    fn question(kind: &'static str, template: &'static str, n: usize) -> QuestionView {
        QuestionView {
            id: format!("q{n}"),
            name: format!("check-yourself-q{n}"),
            number: n,
            kind,
            template,
            input: if kind == "multiple" {
                "checkbox"
            } else {
                "radio"
            },
            answer: "c2VjcmV0+/=".into(),
            fingerprint: format!("{n:08x}"),
            prompt_html: format!("Which is <em>right</em> &amp; why, {n}?"),
            prompt_more_html: None,
            choices: Vec::new(),
            shuffle: false,
            items: Vec::new(),
            hint_html: None,
        }
    }

    /// Every kind of question, every optional part given, empty or left out.
    fn quizzes() -> Vec<QuizView> {
        let choices = vec![
            ChoiceView {
                value: "0".into(),
                label_html: "<code>w</code> &amp; <code>b</code>".into(),
            },
            ChoiceView {
                value: "a\"b".into(),
                label_html: "price".into(),
            },
        ];
        let mut single = question("single", "choice", 1);
        single.choices = choices.clone();
        single.shuffle = true;
        single.hint_html = Some("<p>Training <em>changes</em> them.</p>".into());
        single.prompt_more_html = Some("<pre><code>let x = 1;</code></pre>".into());
        let mut multiple = question("multiple", "choice", 2);
        multiple.choices = choices.clone();
        multiple.prompt_more_html = Some(String::new());
        multiple.hint_html = Some(String::new());
        let mut true_false = question("true-false", "choice", 3);
        true_false.choices = vec![
            ChoiceView {
                value: "true".into(),
                label_html: "True".into(),
            },
            ChoiceView {
                value: "false".into(),
                label_html: "False".into(),
            },
        ];
        let mut numeric = question("numeric", "input", 4);
        numeric.hint_html = Some("<p>Think.</p>".into());
        let text = question("text", "input", 5);
        let mut order = question("order", "order", 6);
        order.items = vec![
            ItemView {
                index: 2,
                html: "<code>Vec&lt;i32&gt;</code>".into(),
                text: "Vec<i32> & \"it's\"".into(),
            },
            ItemView {
                index: 0,
                html: "first".into(),
                text: "first".into(),
            },
        ];
        let mut tracing = question("tracing", "tracing", 7);
        tracing.choices = choices;
        tracing.hint_html = Some("<p>Run it.</p>".into());
        let whole = QuizView {
            id: "check-yourself".into(),
            salt: "s&lt".into(),
            store: "coursebook:/a&b/:c:l.html:check-yourself".into(),
            pass: Some("0.75".into()),
            title_html: "Check <em>yourself</em>".into(),
            description_html: Some("Five <strong>questions</strong>.".into()),
            questions: vec![single, multiple, true_false, numeric, text, order, tracing],
        };
        let bare = QuizView {
            id: "q\"2".into(),
            salt: "x".into(),
            store: "s".into(),
            pass: Some(String::new()),
            title_html: "Quiz 2".into(),
            description_html: Some(String::new()),
            questions: vec![question("text", "input", 1)],
        };
        let empty = QuizView {
            id: "q3".into(),
            salt: "x".into(),
            store: "s".into(),
            pass: None,
            title_html: "Quiz 3".into(),
            description_html: None,
            questions: Vec::new(),
        };
        vec![whole, bare, empty]
    }

    #[test]
    fn the_quiz_markup_is_what_the_default_templates_write() {
        for t in strings() {
            let renderer = Renderer::new(Theme::default(), Path::new("."), &t).0;
            for view in quizzes() {
                let templates = renderer
                    .render_widget("quiz.html", "quiz", &view)
                    .unwrap_or_else(|d| unreachable!("{d}"));
                assert_eq!(quiz(&view, &t), templates, "quiz {}", view.id);
            }
        }
    }

    #[test]
    fn the_mention_and_callout_markup_is_what_the_default_templates_write() {
        let renderer = Renderer::english_default();
        for definition_html in ["A <em>function</em> &amp; more.", ""] {
            let view = MentionView {
                id: "model\"s",
                text: "<Model> & 'co'",
                href: "../glossary.html?a=1&b=2#term-model",
                tip: "tip-model-1",
                definition_html,
            };
            let templates = renderer
                .render_widget("term.html", "m", &view)
                .unwrap_or_else(|d| unreachable!("{d}"));
            assert_eq!(mention(&view), templates);
        }
        for open in [true, false] {
            let view = CalloutView {
                open,
                kind: "tip",
                title: "Key <idea> & \"more\"",
            };
            let templates = renderer
                .render_widget("callout.html", "c", &view)
                .unwrap_or_else(|d| unreachable!("{d}"));
            assert_eq!(callout(&view), templates);
        }
    }

    /// A theme's own question template draws its questions; a theme that keeps the quiz's
    /// templates (its own `base.html` only) gets the markup above.
    #[test]
    fn a_theme_s_own_widget_template_is_used() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let templates = dir.path().join("templates");
        std::fs::create_dir_all(&templates).unwrap_or_else(|e| unreachable!("{e}"));
        let base = crate::theme::Theme::default()
            .file("templates/base.html")
            .map(|(bytes, _)| bytes.into_owned())
            .unwrap_or_default();
        std::fs::write(templates.join("base.html"), base).unwrap_or_else(|e| unreachable!("{e}"));
        let theme = Theme {
            dir: Some(dir.path().to_path_buf()),
        };
        let t = Strings::english();
        let draw = |theme: &Theme| {
            let (renderer, diags) = Renderer::new(theme.clone(), dir.path(), &t);
            assert!(diags.is_empty(), "{diags:?}");
            let view = &quizzes()[0];
            renderer
                .widget(&crate::widgets::quiz::TEMPLATES, "quiz", view, quiz)
                .unwrap_or_else(|d| unreachable!("{d}"))
        };
        assert_eq!(draw(&theme), quiz(&quizzes()[0], &t));
        std::fs::write(
            templates.join("question-input.html"),
            "<input class=\"mine\" name=\"{{ q.name }}\">",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let html = draw(&theme);
        assert_eq!(html.matches("<input class=\"mine\"").count(), 2, "{html}");
        assert!(html.contains("<div class=\"choice\">"), "{html}");
    }
}
