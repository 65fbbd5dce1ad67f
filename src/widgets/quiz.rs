//! A checked quiz's view for the theme's `quiz.html` (docs/theming.md: a form, a fieldset and
//! legend per question, real labelled inputs), with answer keys and feedback concealed until
//! the learner checks, so they are neither readable at a glance in the page source nor indexed.

use crate::content::mdbook_quiz::ASK_COMPILES;
use crate::content::quiz::{Question, QuestionKind, Quiz};
use crate::diag::Diagnostic;
use crate::i18n::Strings;
use crate::markdown::highlight::escape;
use crate::markdown::{render_inline, render_phrasing_with};
use crate::render::Renderer;
use crate::render::quiz::{ChoiceView, ItemView, QuestionView, QuizView};
use std::fmt::Write as _;

/// Where a quiz lives, for its saved answers' keys.
pub struct QuizPlace<'a> {
    /// `coursebook:<site-url>:<course>:<page url>`: answers are namespaced per course and page.
    pub store_prefix: &'a str,
    /// The book's `[output.html.code.hidelines]`, for the quiz's code as for the lesson's.
    pub hidelines: &'a std::collections::BTreeMap<String, String>,
    /// Which quiz of its page it is, from 1: a quiz without a title after the first is named
    /// "Quiz 2", "Quiz 3"…, so that each form (a landmark) has a name of its own.
    pub number: usize,
}

pub fn fnv(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Changes whenever the author edits anything a saved answer depends on.
fn fingerprint(q: &Question) -> String {
    let mut text = format!("{}\n{}\n{}\n", q.kind, q.prompt, q.key.encode());
    for c in &q.choices {
        let _ = writeln!(text, "{}", c.text);
    }
    for i in &q.items {
        let _ = writeln!(text, "{i}");
    }
    format!("{:08x}", fnv(&text) & 0xffff_ffff)
}

/// A fixed shuffle of `0..n` (never the correct order), so pages are the same on every build.
pub fn shuffled(n: usize, seed: &str) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state = fnv(seed) | 1;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    if n > 1 && order.iter().enumerate().all(|(i, &v)| i == v) {
        order.rotate_left(1);
    }
    order
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The templates a quiz is drawn with: `quiz.html`, and the question templates it includes.
pub const TEMPLATES: [&str; 5] = [
    "quiz.html",
    "question-choice.html",
    "question-input.html",
    "question-order.html",
    "question-tracing.html",
];

/// The quiz's markup, from the theme's `quiz.html` (or the default's, written in Rust).
pub fn render(
    quiz: &Quiz,
    place: &QuizPlace<'_>,
    description: Option<&str>,
    renderer: &Renderer,
) -> Result<String, Diagnostic> {
    renderer.widget(
        &TEMPLATES,
        "quiz",
        &view(quiz, place, description, renderer.strings()),
        crate::render::markup::quiz,
    )
}

/// The answer shown after a check, in the page's language: True/False and numbers are the
/// interface's to write, choices and text answers the author's.
fn answer_html(q: &Question, strings: &Strings) -> String {
    match &q.key {
        quiz_wasm::Key::TrueFalse { answer } => {
            escape(strings.get("quiz", if *answer { "true" } else { "false" }))
        }
        quiz_wasm::Key::Numeric { answer, .. } => {
            escape(&quiz_wasm::format_number(*answer, &strings.lang))
        }
        // Typed answers are shown as written, as mdbook-quiz shows them: `Vec<i32>` read
        // "Vec" and a Tracing question's output `*y*` read in italics.
        quiz_wasm::Key::Text { .. } => escape(&q.answer_text),
        // A program's output as it is printed: its line breaks and spaces count.
        quiz_wasm::Key::Tracing { output: None } => escape(strings.get("quiz", "tracing_no")),
        quiz_wasm::Key::Tracing {
            output: Some(output),
        } => format!(
            "{} <code class=\"output\">{}</code>",
            escape(strings.get("quiz", "tracing_prints")),
            escape(output)
        ),
        _ => render_inline(&q.answer_text),
    }
}

/// What `quiz.html` sees: the model with its Markdown rendered and its answers concealed.
pub fn view(
    quiz: &Quiz,
    place: &QuizPlace<'_>,
    description: Option<&str>,
    strings: &Strings,
) -> QuizView {
    let salt = format!("{:x}", fnv(&format!("{}:{}", place.store_prefix, quiz.id)));
    QuizView {
        id: quiz.id.clone(),
        store: format!("{}:{}", place.store_prefix, quiz.id),
        pass: quiz.pass.map(|p| p.to_string()),
        title_html: render_inline(&match (&quiz.title, place.number) {
            (Some(title), _) => title.clone(),
            (None, 0 | 1) => strings.get("quiz", "default_title").to_string(),
            (None, n) => format!("{} {n}", strings.get("quiz", "default_title")),
        }),
        description_html: description.map(render_inline),
        questions: quiz
            .questions
            .iter()
            .enumerate()
            .map(|(n, q)| question(quiz, q, n, &salt, strings, place.hidelines))
            .collect(),
        salt,
    }
}

fn question(
    quiz: &Quiz,
    q: &Question,
    n: usize,
    salt: &str,
    strings: &Strings,
    hidelines: &std::collections::BTreeMap<String, String>,
) -> QuestionView {
    let render_phrasing = |text: &str| render_phrasing_with(text, hidelines);
    let render_block = |text: &str| crate::markdown::render_block(text, hidelines);
    let feedback: Vec<String> = q
        .choices
        .iter()
        .map(|c| {
            c.feedback
                .as_deref()
                .map(render_phrasing)
                .unwrap_or_default()
        })
        .collect();
    let reveal = format!(
        "{{\"feedback\":[{}],\"explanation\":{},\"answer\":{}}}",
        feedback
            .iter()
            .map(|f| json_string(f))
            .collect::<Vec<_>>()
            .join(","),
        json_string(
            &q.explanation
                .as_deref()
                .map(render_block)
                .unwrap_or_default()
        ),
        json_string(&answer_html(q, strings)),
    );
    let (template, input) = match q.kind {
        QuestionKind::Single | QuestionKind::TrueFalse => ("choice", "radio"),
        QuestionKind::Multiple => ("choice", "checkbox"),
        QuestionKind::Numeric | QuestionKind::Text => ("input", ""),
        QuestionKind::Order => ("order", ""),
        QuestionKind::Tracing => ("tracing", "radio"),
    };
    let choices = if q.kind == QuestionKind::TrueFalse {
        ["true", "false"]
            .into_iter()
            .map(|value| ChoiceView {
                value: value.to_string(),
                label_html: escape(strings.get("quiz", value)),
            })
            .collect()
    } else if q.kind == QuestionKind::Tracing {
        // The response's own words: `yes` (then the output typed) or `no` (quiz-wasm grade.rs).
        [("yes", "tracing_yes"), ("no", "tracing_no")]
            .into_iter()
            .map(|(value, key)| ChoiceView {
                value: value.to_string(),
                label_html: escape(strings.get("quiz", key)),
            })
            .collect()
    } else {
        q.choices
            .iter()
            .enumerate()
            .map(|(i, c)| ChoiceView {
                value: i.to_string(),
                label_html: render_phrasing(&c.text),
            })
            .collect()
    };
    let items = if q.kind == QuestionKind::Order {
        shuffled(q.items.len(), &format!("{}:{}", quiz.id, q.id))
            .into_iter()
            .map(|i| {
                let html = render_phrasing(&q.items[i]);
                let text = crate::markdown::plain_text(&html);
                ItemView {
                    index: i,
                    html,
                    text,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let prompt = asked(&q.prompt, strings);
    let (prompt, prompt_more) = crate::markdown::split_prompt(&prompt);
    QuestionView {
        id: q.id.clone(),
        name: format!("{}-{}", quiz.id, q.id),
        number: n + 1,
        kind: q.kind.as_str(),
        template,
        input,
        answer: quiz_wasm::conceal(
            &quiz_wasm::js::answer_payload(&q.key.encode(), &reveal),
            salt,
        ),
        fingerprint: fingerprint(q),
        prompt_html: render_inline(prompt),
        prompt_more_html: (!prompt_more.trim().is_empty()).then(|| render_block(prompt_more)),
        choices,
        shuffle: q.shuffle,
        items,
        hint_html: q.hint.as_deref().map(render_block),
    }
}

/// `prompt` with a Tracing question's own words (mdbook_quiz.rs [`ASK_COMPILES`]) in the
/// course's language, escaped so that the strings file's text is read as text, not Markdown.
fn asked<'p>(prompt: &'p str, strings: &Strings) -> std::borrow::Cow<'p, str> {
    if !prompt.contains('\u{E000}') {
        return std::borrow::Cow::Borrowed(prompt);
    }
    let words: String = strings
        .get("quiz", "tracing_compiles")
        .chars()
        .flat_map(|c| {
            let escape = c.is_ascii_punctuation().then_some('\\');
            escape.into_iter().chain(std::iter::once(c))
        })
        .collect();
    let out = prompt.replace(ASK_COMPILES, &words);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_fixed_and_never_the_answer() {
        for n in 2..8 {
            let a = shuffled(n, "q");
            assert_eq!(a, shuffled(n, "q"));
            assert_ne!(a, (0..n).collect::<Vec<_>>());
            let mut sorted = a.clone();
            sorted.sort();
            assert_eq!(sorted, (0..n).collect::<Vec<_>>());
        }
    }

    /// A quiz file's text, parsed (a test's own, so it has no errors).
    fn parsed(yaml: &str) -> Quiz {
        crate::content::quiz::parse(yaml, std::path::Path::new("q"), 0, "quiz", &mut Vec::new())
            .unwrap_or_else(|d| unreachable!("{d:?}"))
    }

    #[test]
    fn a_typed_answer_is_shown_as_written() {
        let yaml = "questions:\n  - id: t\n    type: text\n    prompt: Type\n    answers: [\"Vec<i32> *y* <b>x</b>\"]\n  - id: c\n    type: single\n    prompt: Pick\n    choices:\n      - text: \"*yes*\"\n        correct: true\n      - text: no\n";
        let quiz = parsed(yaml);
        let strings = Strings::english();
        assert_eq!(
            answer_html(&quiz.questions[0], &strings),
            "Vec&lt;i32&gt; *y* &lt;b&gt;x&lt;/b&gt;"
        );
        // A choice is Markdown where it is shown, and so in the answer.
        assert_eq!(answer_html(&quiz.questions[1], &strings), "<em>yes</em>");
    }

    #[test]
    fn markup_snapshot() {
        let yaml = "title: Check yourself\npass: 50%\nquestions:\n  - id: knobs\n    type: single\n    prompt: Which are *parameters*?\n    choices:\n      - text: \"`w` and `b`\"\n        correct: true\n        feedback: Right.\n      - text: \"`price`\"\n    explanation: Knobs.\n    hint: Training changes them.\n  - id: order\n    type: order\n    prompt: Order\n    items: [a, b, c]\n  - id: tf\n    type: true-false\n    prompt: Yes?\n    answer: true\n";
        let quiz = parsed(yaml);
        let place = QuizPlace {
            store_prefix: "coursebook:/:c:l.html",
            hidelines: &std::collections::BTreeMap::new(),
            number: 1,
        };
        // The view is the reviewable part: what the template gets, concealed fields elided.
        let mut view = view(&quiz, &place, None, &Strings::english());
        for q in &mut view.questions {
            assert!(!q.answer.is_empty());
            q.answer = "(concealed)".into();
        }
        insta::assert_debug_snapshot!(view);
        // And the default theme draws it with nothing given away.
        let renderer = Renderer::english_default();
        let html = render(&quiz, &place, None, &renderer).unwrap_or_else(|d| unreachable!("{d}"));
        assert!(!html.contains("Right."), "feedback must be concealed");
        assert!(!html.contains("Knobs."), "explanations must be concealed");
        assert!(html.contains("data-quiz=\"check-yourself\""), "{html}");
        assert_eq!(html.matches("data-question=").count(), 3);
        assert!(
            html.contains("<label for=\"check-yourself-tf-true\">True</label>"),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Move up: b\""), "{html}");
    }
}
