//! mdbook-quiz's quizzes (`{{#quiz file.toml}}`), as coursebook quizzes: the TOML of
//! `mdbook-quiz-schema` becomes a ```` ```quiz ```` block, so the build checks its answer key,
//! quiz-wasm grades it in the browser and learners' answers are saved like any other quiz.
//!
//! - `MultipleChoice`: one answer → `single`, several → `multiple` scored all or nothing
//!   (`partial: false`), as mdbook-quiz scores it; the answer goes at
//!   `answerIndex`, or all choices are sorted with `sortAnswers`, else the choices are shuffled
//!   per learner (`shuffle: true`), as mdbook-quiz does.
//! - `ShortAnswer` → `text` with the answer and its `alternatives` (`long` and `code` responses
//!   get the same one-line field).
//! - `Tracing` → a `tracing` question, graded as mdbook-quiz grades it: "it does not compile",
//!   or "it compiles" and its output exactly (but for white space at either end); the line of
//!   the error is not asked, as mdbook-quiz does not ask it. Asked in the course's language,
//!   the program after the question, highlighted and numbered.
//! - `context` → the explanation; a `multipart` group's context opens its first question.

use crate::diag::Pos;
use crate::widgets::quiz::fnv;
use serde::Deserialize;
use std::collections::HashMap;

/// Other top-level keys are ignored, as mdbook-quiz's own `Quiz` does (pmcp-course's quizzes
/// carry `id`, `title`, `pass_threshold`), each a warning ([`ignored_keys`]).
#[derive(Deserialize)]
struct Quiz {
    questions: Vec<Question>,
    #[serde(default)]
    multipart: HashMap<String, String>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Question {
    MultipleChoice(Fields<ChoicePrompt, ChoiceAnswer>),
    ShortAnswer(Fields<TextPrompt, TextAnswer>),
    Tracing(Fields<TracingPrompt, TracingAnswer>),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields<P, A> {
    id: Option<String>,
    multipart: Option<String>,
    prompt: P,
    answer: A,
    context: Option<String>,
    #[allow(
        dead_code,
        reason = "mdbook-quiz's telemetry prompt; coursebook asks for none"
    )]
    prompt_explanation: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChoicePrompt {
    prompt: String,
    #[serde(default)]
    distractors: Vec<String>,
    answer_index: Option<usize>,
    sort_answers: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct ChoiceAnswer {
    answer: OneOrMany,
}

#[derive(Deserialize)]
struct TextPrompt {
    prompt: String,
    #[allow(dead_code, reason = "short, long or code: all get one text field")]
    response: Option<String>,
}

#[derive(Deserialize)]
struct TextAnswer {
    answer: String,
    #[serde(default)]
    alternatives: Vec<String>,
}

#[derive(Deserialize)]
struct TracingPrompt {
    program: String,
}

/// Its `lineNumber` is read by nothing, as in mdbook-quiz (tracing.tsx leaves it out of the
/// question and of the grading).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TracingAnswer {
    does_compile: bool,
    stdout: Option<String>,
}

/// Marks a quiz block as made from `{{#quiz}}`, in its fence's info string: the Markdown step
/// checks each such block was read as a quiz (markdown::unrendered_quizzes).
pub const MARK: &str = "mdbook-quiz";
/// The opening fence of such a block.
pub const FENCE: &str = "```quiz mdbook-quiz";

/// Where a Tracing question's own words go in its prompt: the quiz widget puts the string
/// `quiz.tracing_compiles` of the course's language there (widgets/quiz.rs `asked`), so the
/// question is in the learner's language, not always English. Private-use characters: no text
/// means them.
pub const ASK_COMPILES: &str = "\u{E000}tracing_compiles\u{E000}";

/// The line of a quiz block (0 the fence) that holds its first question: each question is on a
/// line of its own, so a problem in one is found at its line and told at its TOML's.
pub const FIRST_QUESTION_LINE: usize = 2;

/// The top-level keys of the mdbook-quiz TOML `text` that mean nothing to mdbook-quiz, and
/// where each is: ignored by both, said rather than dropped silently.
pub fn ignored_keys(text: &str) -> Vec<(Pos, String)> {
    let Ok(table) = toml::de::DeTable::parse(text) else {
        return Vec::new();
    };
    table
        .get_ref()
        .iter()
        .filter(|(key, _)| !matches!(key.get_ref().as_ref(), "questions" | "multipart"))
        .map(|(key, _)| {
            (
                Pos::of_offset(text, key.span().start.min(text.len())),
                key.get_ref().to_string(),
            )
        })
        .collect()
}

/// The line of each of `count` questions' `[[questions]]` in `text` (all 1 when the questions
/// are written some other way, as an inline array).
fn question_lines(text: &str, count: usize) -> Vec<usize> {
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[questions]]"))
        .map(|(i, _)| i + 1)
        .collect();
    if headers.len() == count {
        headers
    } else {
        vec![1; count]
    }
}

/// A coursebook quiz block for the mdbook-quiz TOML `text` (quiz id `id`), with the TOML line
/// each of its questions comes from (one a line from [`FIRST_QUESTION_LINE`]), or why it cannot
/// be read: the TOML parser's message and where in `text` it points, when it does.
pub fn to_quiz_block(text: &str, id: &str) -> Result<(String, Vec<usize>), (Option<Pos>, String)> {
    let quiz: Quiz = toml::from_str(text).map_err(|e| {
        let pos = e
            .span()
            .map(|s| Pos::of_offset(text, s.start.min(text.len())));
        (pos, e.message().trim().to_string())
    })?;
    // The `[[questions]]` tables in order: the n-th question's line (the first line when the
    // questions are written some other way, as an inline array).
    let headers = question_lines(text, quiz.questions.len());
    let mut lines = Vec::new();
    let mut questions = Vec::new();
    let mut opened: Vec<String> = Vec::new();
    for (n, q) in quiz.questions.into_iter().enumerate() {
        let toml_line = headers.get(n).copied().unwrap_or(1);
        let group_context = |group: &Option<String>, opened: &mut Vec<String>| {
            group
                .as_ref()
                .filter(|g| !opened.contains(g))
                .and_then(|g| {
                    opened.push(g.clone());
                    quiz.multipart.get(g).cloned()
                })
        };
        match q {
            Question::MultipleChoice(f) => {
                let lead = group_context(&f.multipart, &mut opened);
                let (correct, multiple) = match f.answer.answer {
                    OneOrMany::One(a) => (vec![a], false),
                    OneOrMany::Many(list) => (list, true),
                };
                let mut choices: Vec<(String, bool)> = f
                    .prompt
                    .distractors
                    .iter()
                    .map(|d| (d.clone(), false))
                    .collect();
                if f.prompt.sort_answers == Some(true) {
                    choices.extend(correct.iter().map(|c| (c.clone(), true)));
                    choices.sort();
                } else {
                    // One place for the answer(s), the same for every learner.
                    let at = f.prompt.answer_index.unwrap_or_else(|| {
                        (fnv(&f.prompt.prompt) % (choices.len() as u64 + 1)) as usize
                    });
                    let at = at.min(choices.len());
                    // All at once: inserted one by one, each shifted every distractor after it
                    // (100,000 answers before 100,000 distractors took 31 s).
                    choices.splice(at..at, correct.iter().map(|c| (c.clone(), true)));
                }
                questions.push(serde_json::json!({
                    "id": question_id(f.id.as_deref(), n, ""),
                    "type": if multiple { "multiple" } else { "single" },
                    "prompt": with_lead(lead, &f.prompt.prompt),
                    "choices": choices.iter().map(|(text, right)| serde_json::json!({"text": text, "correct": right})).collect::<Vec<_>>(),
                    "explanation": f.context,
                    // mdbook-quiz shuffles unless the author fixed the order.
                    "shuffle": f.prompt.answer_index.is_none() && f.prompt.sort_answers != Some(true),
                }));
                // And scores only the whole set (multiple-choice.tsx: `_.isEqual`).
                if multiple && let Some(q) = questions.last_mut() {
                    q["partial"] = false.into();
                }
            }
            Question::ShortAnswer(f) => {
                let lead = group_context(&f.multipart, &mut opened);
                let mut answers = vec![f.answer.answer];
                answers.extend(f.answer.alternatives);
                questions.push(serde_json::json!({
                    "id": question_id(f.id.as_deref(), n, ""),
                    "type": "text",
                    "prompt": with_lead(lead, &f.prompt.prompt),
                    "answers": answers,
                    "explanation": f.context,
                }));
            }
            Question::Tracing(f) => {
                let lead = group_context(&f.multipart, &mut opened);
                // Numbered, as mdbook-quiz shows it. The fence is longer than any run of backticks in the
                // program, so no line of it
                // (a ``` in a raw string) can close the block and turn the rest into Markdown.
                let longest = f
                    .prompt
                    .program
                    .split(|c| c != '`')
                    .map(str::len)
                    .max()
                    .unwrap_or(0);
                let fence = "`".repeat(longest.max(2) + 1);
                let program = format!(
                    "{fence}rust {}\n{}\n{fence}",
                    crate::markdown::NUMBERED,
                    f.prompt.program.trim_end()
                );
                let mut question = serde_json::json!({
                    "id": question_id(f.id.as_deref(), n, ""),
                    "type": "tracing",
                    "prompt": with_lead(lead, &format!("{ASK_COMPILES}\n\n{program}")),
                    "compiles": f.answer.does_compile,
                    "explanation": f.context,
                });
                if f.answer.does_compile {
                    question["output"] = f.answer.stdout.unwrap_or_default().into();
                }
                questions.push(question);
            }
        }
        lines.resize(questions.len(), toml_line);
    }
    // Drop the explanations that are absent (null is not a string to the quiz schema). Code
    // written without a language is Rust, as mdbook-quiz reads it (snippet.tsx): 126 blocks of
    // the Rust Book's quizzes were shown plain.
    for q in &mut questions {
        if let Some(map) = q.as_object_mut() {
            map.retain(|_, v| !v.is_null());
            for (key, value) in map.iter_mut() {
                match (key.as_str(), value) {
                    ("prompt" | "explanation", serde_json::Value::String(text)) => {
                        *text = code_as_mdbook_quiz_reads_it(text);
                    }
                    ("choices", serde_json::Value::Array(choices)) => {
                        for choice in choices {
                            if let Some(serde_json::Value::String(text)) = choice.get_mut("text") {
                                *text = code_as_mdbook_quiz_reads_it(text);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    // YAML is a superset of JSON: the block is JSON, so every string is quoted safely.
    // One question a line (flow YAML may continue on lines indented past the block's own).
    let mut block = format!(
        "{FENCE}\n{{\"id\": {}, \"questions\": [\n",
        serde_json::Value::from(id)
    );
    for (n, q) in questions.iter().enumerate() {
        let comma = if n + 1 < questions.len() { "," } else { "" };
        block.push_str(&format!(" {q}{comma}\n"));
    }
    block.push_str(" ]}\n```\n");
    Ok((block, lines))
}

fn with_lead(lead: Option<String>, prompt: &str) -> String {
    match lead {
        Some(context) => format!("{}\n\n{prompt}", context.trim_end()),
        None => prompt.to_string(),
    }
}

/// `markdown` with its code read as mdbook-quiz reads it (snippet.tsx): each fenced code block
/// that names no language named `rust`, and its `` `[ `` and `` ]` `` (a change the prompt
/// points at) made [`crate::markdown::MARK_START`] and [`crate::markdown::MARK_END`], drawn
/// `<mark>` when the code is highlighted.
fn code_as_mdbook_quiz_reads_it(markdown: &str) -> String {
    let indented = crate::markdown::top_level_indented_code(markdown);
    let fenced;
    let markdown = if indented.is_empty() {
        markdown
    } else {
        fenced = indented_as_fenced(markdown, &indented);
        &fenced
    };
    if !markdown.contains("```") && !markdown.contains("~~~") {
        return markdown.to_string();
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut fences = crate::markdown::fences::Fences::default();
    for line in markdown.split_inclusive('\n') {
        let was_inside = fences.inside();
        let edge = fences.line(line);
        let text = line.trim_end_matches(['\n', '\r']);
        match (was_inside, edge) {
            // An opening fence that names no language.
            (false, true) => {
                let indent = text.len() - text.trim_start().len();
                let run = text[indent..]
                    .chars()
                    .take_while(|&c| c == '`' || c == '~')
                    .count();
                out.push_str(text);
                if text[indent + run..].trim().is_empty() {
                    out.truncate(out.len() - (text.len() - indent - run));
                    out.push_str("rust");
                }
                out.push_str(&line[text.len()..]);
            }
            (true, false) => out.push_str(
                &line
                    .replace("`[", &crate::markdown::MARK_START.to_string())
                    .replace("]`", &crate::markdown::MARK_END.to_string()),
            ),
            _ => out.push_str(line),
        }
    }
    out
}

/// `markdown` with each of its indented code blocks (`blocks`, their lines' ranges, in order)
/// written as a fenced block naming no language, which [`code_as_mdbook_quiz_reads_it`] then
/// names `rust` and marks: the Rust Book's `worldly` question showed its program plain. The
/// fence is longer than any run of backticks opening a line of the code.
fn indented_as_fenced(markdown: &str, blocks: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(markdown.len() + 16 * blocks.len());
    let mut at = 0;
    for block in blocks {
        let (start, end) = (
            block.start.min(markdown.len()),
            block.end.min(markdown.len()),
        );
        // The range starts at the block's first line (pulldown-cmark's offsets may start past
        // its indentation).
        let start = markdown[..start].rfind('\n').map_or(0, |i| i + 1).max(at);
        out.push_str(&markdown[at..start]);
        let mut lines = Vec::new();
        for line in markdown[start..end].split_inclusive('\n') {
            // Four columns of indentation off, a tab reaching the fourth.
            let mut column = 0;
            let mut cut = 0;
            for b in line.bytes() {
                match b {
                    b' ' if column < 4 => column += 1,
                    b'\t' if column < 4 => column = 4,
                    _ => break,
                }
                cut += 1;
                if column >= 4 {
                    break;
                }
            }
            lines.push(&line[cut..]);
        }
        let longest = lines
            .iter()
            .map(|l| l.bytes().take_while(|&b| b == b'`').count())
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        out.push_str(&fence);
        out.push('\n');
        for line in &lines {
            out.push_str(line);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&fence);
        out.push('\n');
        at = end;
    }
    out.push_str(&markdown[at..]);
    out
}

/// A question's id: mdbook-quiz's own when it has one (a UUID), else its place in the file.
fn question_id(given: Option<&str>, n: usize, suffix: &str) -> String {
    let base = given
        .map(|g| {
            g.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| format!("q{}", n + 1));
    format!("{base}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::panic, reason = "a test reports failure by panicking")]
    fn each_question_type_becomes_a_coursebook_question() {
        let toml = r#"
[[questions]]
id = "b230bed3-d6ba-4048-8b06-aa655d837b04"
type = "MultipleChoice"
prompt.prompt = "What is 1 + 1?"
prompt.distractors = ["1", "3"]
prompt.answerIndex = 1
answer.answer = "2"
context = "Arithmetic."

[[questions]]
type = "MultipleChoice"
prompt.prompt = "Which are even?"
prompt.distractors = ["3"]
prompt.sortAnswers = true
answer.answer = ["4", "2"]

[[questions]]
type = "ShortAnswer"
prompt.prompt = "The keyword?"
prompt.response = "short"
answer.answer = "let"
answer.alternatives = ["let mut"]

[[questions]]
type = "Tracing"
prompt.program = "fn main() { println!(\"hi\"); }"
answer.doesCompile = true
answer.stdout = "hi"
"#;
        let (block, lines) = to_quiz_block(toml, "q").unwrap_or_else(|e| panic!("{e:?}"));
        // The TOML opens with an empty line.
        assert_eq!(lines, [2, 11, 18, 25]);
        let json = block
            .strip_prefix(&format!("{FENCE}\n"))
            .and_then(|b| b.strip_suffix("\n```\n"))
            .unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let qs = v["questions"].as_array().cloned().unwrap_or_default();
        assert_eq!(qs.len(), 4);
        assert_eq!(qs[0]["type"], "single");
        assert_eq!(qs[0]["id"], "b230bed3-d6ba-4048-8b06-aa655d837b04");
        assert_eq!(qs[0]["choices"][1]["text"], "2");
        assert_eq!(qs[0]["choices"][1]["correct"], true);
        assert_eq!(qs[0]["explanation"], "Arithmetic.");
        assert_eq!(qs[1]["type"], "multiple");
        let texts: Vec<&str> = qs[1]["choices"]
            .as_array()
            .map(|c| c.iter().filter_map(|c| c["text"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(texts, ["2", "3", "4"]);
        // Scored as mdbook-quiz scores it: the whole set or nothing.
        assert_eq!(qs[1]["partial"], false);
        assert!(qs[0].get("partial").is_none());
        assert_eq!(qs[2]["type"], "text");
        assert_eq!(qs[2]["answers"][1], "let mut");
        // One question, as mdbook-quiz asks it: whether it compiles, and then its output.
        assert_eq!(qs[3]["type"], "tracing");
        assert_eq!(qs[3]["compiles"], true);
        assert_eq!(qs[3]["output"], "hi");
    }

    #[test]
    fn code_without_a_language_is_rust_as_mdbook_quiz_reads_it() {
        assert_eq!(
            code_as_mdbook_quiz_reads_it(
                "Which?\n\n```\nlet x = 1;\n```\n\n~~~python\nx = 1\n~~~\n"
            ),
            "Which?\n\n```rust\nlet x = 1;\n```\n\n~~~python\nx = 1\n~~~\n"
        );
        // A fence inside a longer one is code, and the closing fence stays as it is.
        assert_eq!(
            code_as_mdbook_quiz_reads_it("````\n```\nx\n```\n````"),
            "````rust\n```\nx\n```\n````"
        );
        assert_eq!(
            code_as_mdbook_quiz_reads_it("`inline` only"),
            "`inline` only"
        );
        // An indented block is code too, but not an indented line inside a list item or a
        // quote, nor a paragraph's continuation.
        assert_eq!(
            code_as_mdbook_quiz_reads_it(
                "Say:\n\n    /// ```\n    fn f() {\n\n        `[g]`();\n    }\n\nWill it?\n"
            ),
            "Say:\n\n```rust\n/// ```\nfn f() {\n\n    \u{E010}g\u{E011}();\n}\n```\n\nWill it?\n"
        );
        assert_eq!(
            code_as_mdbook_quiz_reads_it("\tx = 1\n```\nkept\n```"),
            "```rust\nx = 1\n```\n```rust\nkept\n```"
        );
        for unchanged in [
            "- item\n\n      indented in the item\n",
            "> quoted\n>\n>     code in a quote\n",
            "a paragraph\n    goes on\n",
        ] {
            assert_eq!(code_as_mdbook_quiz_reads_it(unchanged), unchanged);
        }
        // A change mdbook-quiz draws highlighted, in code only.
        assert_eq!(
            code_as_mdbook_quiz_reads_it("Not `[this]`:\n```\nlet n = `[&*name]`;\n```\n"),
            "Not `[this]`:\n```rust\nlet n = \u{E010}&*name\u{E011};\n```\n"
        );
    }

    #[test]
    fn answers_stay_together_in_their_order_at_the_answer_index() {
        let texts = |index: usize| {
            let toml = format!(
                "[[questions]]\ntype = \"MultipleChoice\"\nprompt.prompt = \"P\"\nprompt.distractors = [\"d0\", \"d1\", \"d2\"]\nprompt.answerIndex = {index}\nanswer.answer = [\"a0\", \"a1\"]\n"
            );
            let block = to_quiz_block(&toml, "q")
                .map(|(b, _)| b)
                .unwrap_or_default();
            let json = block
                .strip_prefix(&format!("{FENCE}\n"))
                .and_then(|b| b.strip_suffix("\n```\n"))
                .unwrap_or("");
            let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
            v["questions"][0]["choices"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .filter_map(|c| c["text"].as_str().map(str::to_string))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        assert_eq!(texts(1), ["d0", "a0", "a1", "d1", "d2"]);
        assert_eq!(texts(0), ["a0", "a1", "d0", "d1", "d2"]);
        assert_eq!(texts(99), ["d0", "d1", "d2", "a0", "a1"]);
    }

    #[test]
    fn a_broken_file_says_where() {
        let e = to_quiz_block("[[questions]]\ntype = \"Essay\"\n", "q").err();
        assert!(e.is_some_and(|(pos, _)| pos.is_some_and(|p| p.line == 2)));
    }
}
