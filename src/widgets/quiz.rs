//! A checked quiz as HTML: the markup of FORMATS.md (a form, a fieldset and legend per question,
//! real labelled inputs), with answer keys and feedback concealed until the learner checks, so
//! they are neither readable at a glance in the page source nor indexed.

use crate::content::quiz::{Question, Quiz};
use crate::markdown::highlight::escape;
use crate::markdown::{render_block, render_inline};
use std::fmt::Write as _;

/// Where a quiz lives, for its saved answers' keys.
pub struct QuizPlace<'a> {
    /// `coursebook:<site-url>:<course>:<page url>`: answers are namespaced per course and page.
    pub store_prefix: &'a str,
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

pub fn render(quiz: &Quiz, place: &QuizPlace<'_>, description: Option<&str>) -> String {
    let id = escape(&quiz.id);
    let salt = format!("{:x}", fnv(&format!("{}:{}", place.store_prefix, quiz.id)));
    let mut h = String::new();
    let title_id = format!("quiz-{id}-title");
    let _ = writeln!(
        h,
        "<form class=\"quiz\" data-quiz=\"{id}\" data-salt=\"{salt}\" data-store=\"{}:{id}\"{} novalidate aria-labelledby=\"{title_id}\">",
        escape(place.store_prefix),
        quiz.pass
            .map_or(String::new(), |p| format!(" data-pass=\"{p}\"")),
    );
    let title = quiz.title.as_deref().unwrap_or("Quiz");
    let _ = writeln!(
        h,
        "<h2 class=\"quiz-title\" id=\"{title_id}\">{}</h2>",
        render_inline(title)
    );
    if let Some(d) = description {
        let _ = writeln!(h, "<p class=\"quiz-description\">{}</p>", render_inline(d));
    }
    h.push_str("<p class=\"notice no-js\">Checking answers needs JavaScript. You can still read the questions.</p>\n");
    h.push_str(
        "<p class=\"notice saved-notice\">Your answers are saved in this browser only.</p>\n",
    );
    for (n, q) in quiz.questions.iter().enumerate() {
        question(&mut h, quiz, q, n, &salt);
    }
    h.push_str("<div class=\"actions\">\n<button type=\"submit\">Check answers</button>\n<button type=\"button\" class=\"secondary\" data-retry hidden>Try the wrong ones again</button>\n<button type=\"button\" class=\"secondary\" data-reset>Reset saved answers</button>\n<p class=\"score\" data-score role=\"status\" aria-live=\"polite\"></p>\n</div>\n</form>\n");
    h
}

fn question(h: &mut String, quiz: &Quiz, q: &Question, n: usize, salt: &str) {
    let qid = escape(&q.id);
    let name = format!("{}-{}", escape(&quiz.id), qid);
    let feedback: Vec<String> = q
        .choices
        .iter()
        .map(|c| c.feedback.as_deref().map(render_inline).unwrap_or_default())
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
        json_string(&render_inline(&q.answer_text)),
    );
    let _ = writeln!(
        h,
        "<fieldset class=\"question\" id=\"q-{name}\" data-question=\"{qid}\" data-type=\"{}\" data-key=\"{}\" data-reveal=\"{}\" data-fingerprint=\"{}\">",
        q.kind,
        quiz_wasm::conceal(&q.key.encode(), salt),
        quiz_wasm::conceal(&reveal, salt),
        fingerprint(q),
    );
    let _ = writeln!(
        h,
        "<legend><span class=\"q-number\">{}.</span> {}</legend>",
        n + 1,
        render_inline(&q.prompt)
    );
    match q.kind {
        "single" | "multiple" => {
            let input = if q.kind == "single" {
                "radio"
            } else {
                "checkbox"
            };
            for (i, c) in q.choices.iter().enumerate() {
                let _ = writeln!(
                    h,
                    "<div class=\"choice\"><input type=\"{input}\" name=\"{name}\" id=\"{name}-{i}\" value=\"{i}\"><label for=\"{name}-{i}\">{}</label></div>",
                    render_inline(&c.text)
                );
            }
        }
        "true-false" => {
            for (value, label) in [("true", "True"), ("false", "False")] {
                let _ = writeln!(
                    h,
                    "<div class=\"choice\"><input type=\"radio\" name=\"{name}\" id=\"{name}-{value}\" value=\"{value}\"><label for=\"{name}-{value}\">{label}</label></div>"
                );
            }
        }
        "numeric" | "text" => {
            let mode = if q.kind == "numeric" {
                " inputmode=\"decimal\""
            } else {
                ""
            };
            let _ = writeln!(
                h,
                "<div class=\"answer\"><label for=\"{name}-input\">Your answer</label> <input type=\"text\" id=\"{name}-input\" name=\"{name}\"{mode} autocomplete=\"off\" spellcheck=\"false\"></div>"
            );
        }
        _ => {
            h.push_str("<ol class=\"order-list\" aria-label=\"Items to put in order\">\n");
            for i in shuffled(q.items.len(), &format!("{}:{}", quiz.id, q.id)) {
                let item = render_inline(&q.items[i]);
                let text = escape(&crate::markdown::plain_text(&item));
                let _ = writeln!(
                    h,
                    "<li data-item=\"{i}\"><span>{item}</span> <button type=\"button\" data-move=\"up\" aria-label=\"Move up: {text}\">↑</button> <button type=\"button\" data-move=\"down\" aria-label=\"Move down: {text}\">↓</button></li>"
                );
            }
            h.push_str("</ol>\n");
        }
    }
    if let Some(hint) = &q.hint {
        let _ = writeln!(
            h,
            "<details class=\"hint\"><summary>Hint</summary><div>{}</div></details>",
            render_block(hint)
        );
    }
    h.push_str("<div class=\"result\" data-result data-state=\"unanswered\"></div>\n</fieldset>\n");
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

    #[test]
    fn markup_snapshot() {
        let yaml = "title: Check yourself\npass: 50%\nquestions:\n  - id: knobs\n    type: single\n    prompt: Which are *parameters*?\n    choices:\n      - text: \"`w` and `b`\"\n        correct: true\n        feedback: Right.\n      - text: \"`price`\"\n    explanation: Knobs.\n    hint: Training changes them.\n  - id: order\n    type: order\n    prompt: Order\n    items: [a, b, c]\n";
        let quiz = crate::content::quiz::parse(yaml, std::path::Path::new("q"), 0, "quiz")
            .unwrap_or_else(|d| unreachable!("{d:?}"));
        let html = render(
            &quiz,
            &QuizPlace {
                store_prefix: "coursebook:/:c:l.html",
            },
            None,
        );
        assert!(!html.contains("Right."), "feedback must be concealed");
        assert!(!html.contains("Knobs."), "explanations must be concealed");
        insta::assert_snapshot!(html);
    }
}
