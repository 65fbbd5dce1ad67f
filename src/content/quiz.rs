//! Quizzes: the YAML model (`*.quiz.yaml` files and ```quiz blocks), every check an author's
//! mistake deserves, and the answer-key check through quiz-wasm's grader (the same code that
//! grades in the browser), so a broken key never reaches a learner.

use super::frontmatter::{FROM_YAML_ESCAPE, clean_in_place, replaced_warning};
use super::{Course, Page};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::markdown::slugify;
use crate::yaml::{self, Spanned, pos_of};
use quiz_wasm::{Key, Tolerance, answer_key_response, grade};
use rayon::prelude::*;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    id: Option<String>,
    title: Option<String>,
    pass: Option<Spanned<Scalar>>,
    questions: Spanned<Vec<Spanned<RawQuestion>>>,
}

/// Where a quiz's questions are, whatever is in them (to report each broken one).
#[derive(Debug, Deserialize)]
struct ListedQuestions {
    questions: Vec<Spanned<serde::de::IgnoredAny>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Option<Spanned<String>>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    prompt: String,
    choices: Option<Vec<Spanned<RawChoice>>>,
    answer: Option<Spanned<Scalar>>,
    answers: Option<Spanned<Vec<String>>>,
    tolerance: Option<Spanned<Scalar>>,
    items: Option<Spanned<Vec<String>>>,
    explanation: Option<String>,
    hint: Option<String>,
    /// `single` and `multiple`: each learner sees the choices in an order of their own.
    shuffle: Option<Spanned<bool>>,
    /// `multiple`: `false` scores only the whole correct set (mdbook-quiz's rule), no part of it.
    partial: Option<Spanned<bool>>,
    /// `tracing`: whether the prompt's program compiles, and if so what it prints.
    compiles: Option<Spanned<bool>>,
    output: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    text: String,
    #[serde(default)]
    correct: bool,
    feedback: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// A question's type: what it asks for and how it is graded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    Single,
    Multiple,
    TrueFalse,
    Numeric,
    Text,
    Order,
    Tracing,
}

impl QuestionKind {
    const ALL: [QuestionKind; 7] = [
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::TrueFalse,
        QuestionKind::Numeric,
        QuestionKind::Text,
        QuestionKind::Order,
        QuestionKind::Tracing,
    ];

    /// The name authors write (`type: true-false`), also the markup's `data-type`.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::TrueFalse => "true-false",
            QuestionKind::Numeric => "numeric",
            QuestionKind::Text => "text",
            QuestionKind::Order => "order",
            QuestionKind::Tracing => "tracing",
        }
    }

    fn from_name(name: &str) -> Option<QuestionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for QuestionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A checked quiz, ready to render.
#[derive(Clone, Debug)]
pub struct Quiz {
    pub id: String,
    pub title: Option<String>,
    /// Pass mark in 0..=1.
    pub pass: Option<f64>,
    pub questions: Vec<Question>,
}

#[derive(Clone, Debug)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub prompt: String,
    pub choices: Vec<Choice>,
    /// Order questions: the items in their correct order.
    pub items: Vec<String>,
    pub key: Key,
    /// The correct answer in words (Markdown), shown after answering.
    pub answer_text: String,
    pub explanation: Option<String>,
    pub hint: Option<String>,
    /// Choices in a per-learner order (quiz.js); their values stay their written positions.
    pub shuffle: bool,
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub text: String,
    pub correct: bool,
    pub feedback: Option<String>,
}

const TYPES: &str = "single, multiple, true-false, numeric, text, order, tracing";
const QUIZ_KEYS: &str = "id, title, pass, questions";
const QUESTION_KEYS: &str = "id, type, prompt, choices, answer, answers, tolerance, items, compiles, output, partial, shuffle, explanation, hint";

/// Parse and check a quiz. `line_offset` is the number of lines before the YAML in its file;
/// `default_id` names the quiz when it has no `id` or `title`. Warnings (a quiz that builds)
/// go to `warnings`.
pub fn parse(
    text: &str,
    path: &Path,
    line_offset: usize,
    default_id: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Quiz, Vec<Diagnostic>> {
    let explain = |mut d: Diagnostic| {
        if d.message.contains("unknown field") {
            let keys = if d.message.contains("`questions`")
                || d.message.contains("`title`") && d.message.contains("`pass`")
            {
                QUIZ_KEYS
            } else {
                QUESTION_KEYS
            };
            d = d.with_help(format!("valid keys: {keys}"));
        } else if d.message.contains("missing field `questions`") {
            d = d.with_help("a quiz is `questions:` followed by a list of questions");
        }
        d
    };
    let mut raw: RawQuiz = yaml::parse(text, path, line_offset).map_err(|d| {
        // serde stops at the first mistake: read the questions one by one for the others.
        let first = explain(d);
        let positions: Vec<Pos> = yaml::parse::<ListedQuestions>(text, path, 0)
            .map(|l| l.questions.iter().map(|q| pos_of(q, 0)).collect())
            .unwrap_or_default();
        let items =
            yaml::items_one_by_one::<RawQuestion>(text, path, line_offset, &positions, &explain);
        // The questions that do read get their own checks too (an unknown type, a bad key).
        let mut all = Vec::new();
        for (n, (item, &at)) in items.into_iter().zip(&positions).enumerate() {
            match item {
                Ok(q) => {
                    // Its spans count lines from the item's own first line.
                    let item_offset = line_offset + at.line - 1;
                    if let Err(mut d) = question(&q, n, path, item_offset, at.shifted(line_offset))
                    {
                        all.append(&mut d);
                    }
                }
                Err(d) => all.push(d),
            }
        }
        if !all
            .iter()
            .any(|d| (d.line, &d.message) == (first.line, &first.message))
        {
            all.push(first);
        }
        all
    })?;
    let mut diags = Vec::new();
    let err = |pos: Pos, msg: String| Diagnostic::error(path, pos, msg);
    // A YAML escape ("\0", "\u202E") can put NULs, controls or bidi overrides in text shown
    // on the page: replaced, with a warning at the question (or at the top for the quiz's own).
    let unsafe_text = |pos: Pos, what: &str| replaced_warning(path, pos, what, FROM_YAML_ESCAPE);
    let mut top = false;
    for text in [&mut raw.id, &mut raw.title].into_iter().flatten() {
        top |= clean_in_place(text);
    }
    if top {
        warnings.push(unsafe_text(
            Pos::new(1, 1).shifted(line_offset),
            "the quiz's title or id",
        ));
    }
    for q in &mut raw.questions.value {
        if clean_question(&mut q.value) {
            warnings.push(unsafe_text(pos_of(q, line_offset), "this question"));
        }
        // A formula in quiz text that does not render is shown as its LaTeX (the snippet is
        // rendered far from the page): said here, at the question, not lost without a word.
        if let Some((latex, why)) = question_texts(&q.value).find_map(crate::markdown::math_problem)
        {
            warnings.push(math_warning(
                path,
                pos_of(q, line_offset),
                "this question",
                &latex,
                &why,
            ));
        }
        let mut langs: Vec<String> = question_texts(&q.value)
            .flat_map(crate::markdown::unhighlighted_languages)
            .collect();
        langs.sort();
        langs.dedup();
        if !langs.is_empty() {
            let named: Vec<String> = langs.iter().map(|l| format!("```{l}")).collect();
            let it = if langs.len() == 1 { "it" } else { "them" };
            warnings.push(
                Diagnostic::warning(
                    path,
                    pos_of(q, line_offset),
                    format!(
                        "this question has code blocks shown as their code ({}): coursebook has no highlighting for {it} and nothing draws {it}",
                        named.join(", "),
                    ),
                )
                .with_help("name a language coursebook highlights, or `text` for plain text on purpose"),
            );
        }
    }
    let id = raw
        .id
        .clone()
        .or_else(|| raw.title.as_deref().map(slugify))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| default_id.to_string());
    let pass = raw.pass.as_ref().and_then(|p| match pass_mark(&p.value) {
        Some(v) => Some(v),
        None => {
            diags.push(
                err(
                    pos_of(p, line_offset),
                    "the pass mark must be a percentage such as `75%`".into(),
                )
                .with_help("write `pass: 75%`"),
            );
            None
        }
    });
    if raw.questions.value.is_empty() {
        diags.push(err(
            pos_of(&raw.questions, line_offset),
            "the quiz has no questions".into(),
        ));
    }
    let mut ids = HashSet::new();
    let mut questions = Vec::new();
    for (n, q) in raw.questions.value.iter().enumerate() {
        let pos = pos_of(q, line_offset);
        match question(&q.value, n, path, line_offset, pos) {
            Ok(question) => {
                if !ids.insert(question.id.clone()) {
                    let at = q.value.id.as_ref().map_or(pos, |s| pos_of(s, line_offset));
                    diags.push(
                        err(at, format!("two questions have the id \"{}\"", question.id))
                            .with_help("give each question its own `id:`"),
                    );
                }
                // The same grader as the browser's must accept the key's own answer.
                let g = grade(&question.key, &answer_key_response(&question.key));
                if !g.correct {
                    diags.push(err(
                        pos,
                        format!(
                            "question \"{}\": its own answer key does not grade as correct",
                            question.id
                        ),
                    ));
                }
                questions.push(question);
            }
            Err(mut d) => diags.append(&mut d),
        }
    }
    if diags.is_empty() {
        Ok(Quiz {
            id,
            title: raw.title,
            pass,
            questions,
        })
    } else {
        Err(diags)
    }
}

/// Every Markdown text of a question (prompt, choices and their feedback, items, hint,
/// explanation).
fn question_texts(q: &RawQuestion) -> impl Iterator<Item = &str> {
    let choices =
        q.choices.iter().flatten().flat_map(|c| {
            std::iter::once(c.value.text.as_str()).chain(c.value.feedback.as_deref())
        });
    let lists = [&q.answers, &q.items]
        .into_iter()
        .flatten()
        .flat_map(|l| l.value.iter().map(String::as_str));
    std::iter::once(q.prompt.as_str())
        .chain(choices)
        .chain(lists)
        .chain(q.explanation.as_deref())
        .chain(q.hint.as_deref())
}

/// A formula in a quiz or glossary text that does not render, at the question or entry.
pub(crate) fn math_warning(
    path: &Path,
    pos: Pos,
    what: &str,
    latex: &str,
    why: &str,
) -> Diagnostic {
    Diagnostic::warning(
        path,
        pos,
        format!(
            "cannot render math `{}` in {what}, so it is shown as its LaTeX: {why}",
            crate::diag::clip(latex, 80)
        ),
    )
    .with_help(
        "math is LaTeX between `$…$` (inline) or `$$…$$` (display); write `\\$` for a dollar sign",
    )
}

/// [`clean_in_place`] on every text of a question; whether any changed.
fn clean_question(q: &mut RawQuestion) -> bool {
    let mut any = false;
    let mut fix = |text: &mut String| any |= clean_in_place(text);
    fix(&mut q.prompt);
    if let Some(id) = &mut q.id {
        fix(&mut id.value);
    }
    for choice in q.choices.iter_mut().flatten() {
        fix(&mut choice.value.text);
        if let Some(feedback) = &mut choice.value.feedback {
            fix(feedback);
        }
    }
    for list in [&mut q.answers, &mut q.items].into_iter().flatten() {
        list.value.iter_mut().for_each(&mut fix);
    }
    if let Some(Spanned {
        value: Scalar::Text(answer),
        ..
    }) = &mut q.answer
    {
        fix(answer);
    }
    for text in [&mut q.explanation, &mut q.hint].into_iter().flatten() {
        fix(text);
    }
    any
}

fn pass_mark(s: &Scalar) -> Option<f64> {
    let v = match s {
        Scalar::Number(n) if *n <= 1.0 => *n,
        Scalar::Number(n) => n / 100.0,
        Scalar::Text(t) => t.trim().strip_suffix('%')?.trim().parse::<f64>().ok()? / 100.0,
        Scalar::Bool(_) => return None,
    };
    (0.0..=1.0).contains(&v).then_some(v)
}

fn question(
    q: &RawQuestion,
    n: usize,
    path: &Path,
    off: usize,
    pos: Pos,
) -> Result<Question, Vec<Diagnostic>> {
    let id = match &q.id {
        Some(s) => s.value.trim().to_string(),
        None => {
            let mut slug: String = slugify(&q.prompt).chars().take(40).collect();
            slug = slug.trim_end_matches('-').to_string();
            if slug.is_empty() {
                format!("q{}", n + 1)
            } else {
                slug
            }
        }
    };
    let mut diags = Vec::new();
    let err = |pos: Pos, msg: String| Diagnostic::error(path, pos, msg);
    let name = format!("question \"{id}\"");
    if q.prompt.trim().is_empty() {
        diags.push(err(pos, format!("{name} has an empty prompt")));
    }
    let kind_pos = pos_of(&q.kind, off);
    let Some(kind) = QuestionKind::from_name(q.kind.value.trim()) else {
        return Err(vec![
            err(
                kind_pos,
                format!("{name}: unknown type \"{}\"", q.kind.value.trim()),
            )
            .with_help(format!("types: {TYPES}")),
        ]);
    };
    // Keys that belong to another type are mistakes, not silently ignored.
    let allowed: &[&str] = match kind {
        QuestionKind::Single | QuestionKind::Multiple => &["choices"],
        QuestionKind::TrueFalse => &["answer"],
        QuestionKind::Numeric => &["answer", "tolerance"],
        QuestionKind::Text => &["answers", "answer"],
        QuestionKind::Order => &["items"],
        QuestionKind::Tracing => &["compiles", "output"],
    };
    for (key, present) in [
        ("choices", q.choices.is_some()),
        ("answer", q.answer.is_some()),
        ("answers", q.answers.is_some()),
        ("tolerance", q.tolerance.is_some()),
        ("items", q.items.is_some()),
        ("compiles", q.compiles.is_some()),
        ("output", q.output.is_some()),
    ] {
        if present && !allowed.contains(&key) {
            diags.push(
                err(pos, format!("{name}: a {kind} question has no `{key}`"))
                    .with_help(format!("a {kind} question uses: {}", allowed.join(", "))),
            );
        }
    }
    let mut choices = Vec::new();
    let mut items = Vec::new();
    let mut answer_text = String::new();
    let key = match kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let raw = q.choices.as_deref().unwrap_or(&[]);
            if raw.len() < 2 {
                diags.push(
                    err(pos, format!("{name} needs at least two choices"))
                        .with_help("add `choices:` with a `text:` for each"),
                );
            }
            let mut seen = HashSet::new();
            for c in raw {
                if !seen.insert(c.value.text.trim().to_lowercase()) {
                    diags.push(err(
                        pos_of(c, off),
                        format!("{name} has the choice \"{}\" twice", c.value.text.trim()),
                    ));
                }
                if c.value.text.trim().is_empty() {
                    diags.push(err(pos_of(c, off), format!("{name} has an empty choice")));
                }
                choices.push(Choice {
                    text: c.value.text.clone(),
                    correct: c.value.correct,
                    feedback: c.value.feedback.clone(),
                });
            }
            let correct: Vec<usize> = choices
                .iter()
                .enumerate()
                .filter(|(_, c)| c.correct)
                .map(|(i, _)| i)
                .collect();
            answer_text = correct
                .iter()
                .map(|&i| choices[i].text.clone())
                .collect::<Vec<_>>()
                .join("; ");
            match (kind, correct.len()) {
                (_, 0) => {
                    diags.push(
                        err(pos, format!("{name} has no correct choice"))
                            .with_help("mark one choice with `correct: true`"),
                    );
                    Key::Single { correct: 0 }
                }
                (QuestionKind::Single, 1) => Key::Single {
                    correct: correct[0],
                },
                (QuestionKind::Single, k) => {
                    diags.push(
                        err(
                            pos,
                            format!("{name} is `single` but has {k} correct choices"),
                        )
                        .with_help("use `type: multiple`, or keep one `correct: true`"),
                    );
                    Key::Single {
                        correct: correct[0],
                    }
                }
                _ if q.partial.as_ref().is_some_and(|p| !p.value) => Key::AllOf {
                    correct,
                    choices: choices.len(),
                },
                _ => Key::Multiple {
                    correct,
                    choices: choices.len(),
                },
            }
        }
        QuestionKind::TrueFalse => match q.answer.as_ref().map(|a| &a.value) {
            Some(Scalar::Bool(b)) => {
                answer_text = if *b { "True".into() } else { "False".into() };
                Key::TrueFalse { answer: *b }
            }
            _ => {
                diags.push(err(
                    pos,
                    format!("{name} needs `answer: true` or `answer: false`"),
                ));
                Key::TrueFalse { answer: true }
            }
        },
        QuestionKind::Numeric => {
            let answer = match q.answer.as_ref().map(|a| &a.value) {
                Some(Scalar::Number(n)) if n.is_finite() => *n,
                // Read as the browser reads a learner's answer (quiz-wasm's reader), so a key
                // never means what no learner can type: "1,5" was read as 15.
                Some(Scalar::Text(t)) => match quiz_wasm::parse_number(t.trim()) {
                    Some(n) if n.is_finite() => n,
                    _ => {
                        diags.push(
                            err(
                                q.answer.as_ref().map_or(pos, |a| pos_of(a, off)),
                                format!("{name}: the answer \"{t}\" is not a number"),
                            )
                            .with_help("write digits with a decimal point and no separators, as learners type them: `answer: 1.5`, `answer: 350000`"),
                        );
                        0.0
                    }
                },
                _ => {
                    diags.push(err(
                        q.answer.as_ref().map_or(pos, |a| pos_of(a, off)),
                        format!("{name} needs a number as its `answer`"),
                    ));
                    0.0
                }
            };
            let tolerance = match q.tolerance.as_ref() {
                None => Tolerance::Absolute(0.0),
                Some(t) => {
                    let tpos = pos_of(t, off);
                    let parsed = match &t.value {
                        Scalar::Number(n) => Some(Tolerance::Absolute(*n)),
                        Scalar::Text(s) => s
                            .trim()
                            .strip_suffix('%')
                            .and_then(|p| p.trim().parse::<f64>().ok())
                            .map(Tolerance::Percent),
                        Scalar::Bool(_) => None,
                    };
                    match parsed {
                        Some(Tolerance::Absolute(v) | Tolerance::Percent(v))
                            if v < 0.0 || !v.is_finite() =>
                        {
                            let what = if v.is_finite() {
                                "a negative tolerance"
                            } else {
                                "a tolerance that is not a finite number"
                            };
                            diags.push(err(tpos, format!("{name} has {what}")).with_help(
                                "a tolerance is 0 or more: `tolerance: 5` or `tolerance: 1%`",
                            ));
                            Tolerance::Absolute(0.0)
                        }
                        Some(tol) => tol,
                        None => {
                            diags.push(err(tpos, format!("{name}: the tolerance must be a number or a percentage such as `1%`")));
                            Tolerance::Absolute(0.0)
                        }
                    }
                }
            };
            answer_text = quiz_wasm::format_number(answer, "en");
            Key::Numeric { answer, tolerance }
        }
        QuestionKind::Text => {
            let answers: Vec<String> = match (&q.answers, &q.answer) {
                (Some(list), _) => list.value.clone(),
                (None, Some(a)) => match &a.value {
                    Scalar::Text(t) => vec![t.clone()],
                    Scalar::Number(n) => vec![n.to_string()],
                    Scalar::Bool(b) => vec![b.to_string()],
                },
                (None, None) => Vec::new(),
            };
            if answers.iter().all(|a| a.trim().is_empty()) {
                let at = q.answers.as_ref().map_or(pos, |a| pos_of(a, off));
                diags.push(
                    err(at, format!("{name} has no accepted answers"))
                        .with_help("list them: `answers: [inference, prediction]`"),
                );
            } else if answers.iter().any(|a| a.trim().is_empty()) {
                let at = q.answers.as_ref().map_or(pos, |a| pos_of(a, off));
                diags.push(err(at, format!("{name} has an empty accepted answer")));
            }
            answer_text = answers.first().cloned().unwrap_or_default();
            Key::Text { answers }
        }
        QuestionKind::Order => {
            items = q
                .items
                .as_ref()
                .map(|i| i.value.clone())
                .unwrap_or_default();
            let at = q.items.as_ref().map_or(pos, |i| pos_of(i, off));
            if items.len() < 2 {
                diags.push(
                    err(
                        at,
                        format!("{name}: an order question needs at least two items"),
                    )
                    .with_help("list them in the correct order: `items: [first, second, third]`"),
                );
            }
            let mut seen = HashSet::new();
            for item in &items {
                if !seen.insert(item.trim().to_lowercase()) {
                    diags.push(err(
                        at,
                        format!("{name} has the item \"{}\" twice", item.trim()),
                    ));
                }
            }
            answer_text = items
                .iter()
                .enumerate()
                .map(|(i, t)| format!("{}. {t}", i + 1))
                .collect::<Vec<_>>()
                .join(" ");
            Key::Order { items: items.len() }
        }
        QuestionKind::Tracing => {
            let output = q.output.as_ref().map(|o| o.value.clone());
            match (q.compiles.as_ref().map(|c| c.value), output) {
                (Some(false), Some(_)) => {
                    let at = q.output.as_ref().map_or(pos, |o| pos_of(o, off));
                    diags.push(err(
                        at,
                        format!("{name}: a program that does not compile prints no `output`"),
                    ));
                }
                (None, _) => diags.push(
                    err(
                        pos,
                        format!("{name} needs `compiles: true` or `compiles: false`"),
                    )
                    .with_help("and, when it compiles, what it prints: `output: \"Hello\"`"),
                ),
                _ => {}
            }
            let output = match q.compiles.as_ref().map(|c| c.value) {
                Some(false) => None,
                _ => Some(
                    q.output
                        .as_ref()
                        .map(|o| o.value.clone())
                        .unwrap_or_default(),
                ),
            };
            answer_text = output.clone().unwrap_or_default();
            Key::Tracing { output }
        }
    };
    if let Err(message) = key.validate()
        && diags.is_empty()
    {
        diags.push(err(pos, format!("{name}: {message}")));
    }
    if let Some(p) = &q.partial
        && kind != QuestionKind::Multiple
    {
        diags.push(err(
            pos_of(p, off),
            format!("{name}: `partial` is for multiple questions"),
        ));
    }
    let shuffle = match &q.shuffle {
        Some(s) if s.value && !matches!(kind, QuestionKind::Single | QuestionKind::Multiple) => {
            diags.push(err(
                pos_of(s, off),
                format!("{name}: `shuffle` is for single and multiple questions"),
            ));
            false
        }
        Some(s) => s.value,
        None => false,
    };
    if diags.is_empty() {
        Ok(Question {
            id,
            kind,
            prompt: q.prompt.clone(),
            choices,
            items,
            key,
            answer_text,
            explanation: q.explanation.clone(),
            hint: q.hint.clone(),
            shuffle,
        })
    } else {
        Err(diags)
    }
}

/// Where a lesson's quiz file is, relative to `src`: `quiz:` in its front matter (relative to
/// the lesson's folder), else `<stem>.quiz.yaml` beside it. The one place that says so: the
/// build reads it there, and serve hashes it there to know when a page must render again.
pub fn lesson_quiz_path(src_rel: &Path, named: Option<&Spanned<String>>) -> PathBuf {
    let dir = src_rel.parent().unwrap_or(Path::new(""));
    match named {
        Some(named) => dir.join(&named.value),
        None => {
            let stem = src_rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            dir.join(format!("{stem}.quiz.yaml"))
        }
    }
}

/// Whether a file's name makes it a lesson's quiz file (`*.quiz.yaml`, `*.quiz.yml`): read by
/// the lessons that name it, not published.
pub fn is_quiz_file(name: &str) -> bool {
    name.ends_with(".quiz.yaml") || name.ends_with(".quiz.yml")
}

/// A quiz file no lesson reads is said so at the file: its questions reach no page, and the
/// author meant them to (a lesson renamed and its quiz not, `A.quiz.yaml` beside `a.md` on a
/// case-sensitive disk, a `.quiz.yml` beside its lesson, found only when named). Drafts count as
/// readers: their quiz is published with them.
pub fn warn_unread_quizzes(
    config: &Config,
    data_files: &[PathBuf],
    lessons: &[super::Source],
    diags: &mut Diagnostics,
) {
    let quiz_files = data_files
        .iter()
        .filter(|f| is_quiz_file(&f.to_string_lossy()));
    let mut quiz_files = quiz_files.peekable();
    if quiz_files.peek().is_none() {
        return;
    }
    // By name first; then, for a file no lesson names, by where the files really are (a
    // lesson's `a.quiz.yaml` may be a link to a shared quiz, or named through a linked folder),
    // with the files lessons include (a ```quiz block holding `{{#include shared.quiz.yaml}}`).
    // Real paths only then: a system call a lesson cost 1 % of a 1,000-lesson build.
    let named: Vec<PathBuf> = lessons
        .iter()
        .filter_map(|s| {
            let quiz = s.front.as_ref().ok().and_then(|f| f.quiz.as_ref());
            normalized(&lesson_quiz_path(&s.src_rel, quiz))
        })
        .collect();
    let by_name: HashSet<&PathBuf> = named.iter().collect();
    let real = |file: &Path| std::fs::canonicalize(config.src.join(file)).ok();
    let mut read: Option<HashSet<PathBuf>> = None;
    let mut unread = |file: &PathBuf| {
        if by_name.contains(file) {
            return false;
        }
        let read = read.get_or_insert_with(|| {
            let includes = lessons.iter().flat_map(|s| s.includes.iter().cloned());
            named
                .iter()
                .filter_map(|f| real(f))
                .chain(includes)
                .collect()
        });
        real(file).is_none_or(|r| !read.contains(&r))
    };
    for file in quiz_files.filter(|f| unread(f)) {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let stem = name
            .strip_suffix(".quiz.yaml")
            .or_else(|| name.strip_suffix(".quiz.yml"))
            .unwrap_or(&name);
        let dir = file.parent().unwrap_or(Path::new(""));
        // The lesson it was most likely meant for: the same name but for case, or the same.
        let lesson = lessons.iter().find(|s| {
            s.src_rel.parent() == Some(dir)
                && s.src_rel
                    .file_stem()
                    .is_some_and(|l| l.to_string_lossy().eq_ignore_ascii_case(stem))
        });
        let help = match lesson {
            // Its own lesson names another quiz in its front matter.
            Some(l)
                if name.ends_with(".quiz.yaml")
                    && l.src_rel
                        .file_stem()
                        .is_some_and(|l| l.to_string_lossy() == stem) =>
            {
                let named = l.front.as_ref().ok().and_then(|f| f.quiz.as_ref());
                format!(
                    "{} names `{}` in its front matter instead: remove this file, or name it there",
                    l.root_rel.display(),
                    named.map_or("another quiz", |n| n.value.as_str())
                )
            }
            Some(l) => {
                let lesson_stem = l.src_rel.file_stem().unwrap_or_default().to_string_lossy();
                format!(
                    "a lesson's quiz is found as `<lesson>.quiz.yaml` beside it, named exactly as the lesson: rename it `{lesson_stem}.quiz.yaml`, or add `quiz: {name}` to the front matter of {}",
                    l.root_rel.display()
                )
            }
            None => format!(
                "name it after its lesson (`<lesson>.quiz.yaml` beside it), or add `quiz: {name}` to the lesson's front matter"
            ),
        };
        diags.push(
            Diagnostic::warning(
                crate::diag::rel(&config.root, &config.src.join(file)),
                Pos::FILE,
                "no lesson reads this quiz: its questions are on no page",
            )
            .with_help(help),
        );
    }
}

/// What `coursebook serve` keeps of the lessons' quiz files: by (quiz file, lesson), both
/// relative to the sources, the quiz and its problems, with the hash of the configuration they
/// were read under. An entry goes when the watcher reports either file changed
/// ([`super::sources::SourceCache::invalidate`]): 1,000 quiz files are not read and parsed again
/// on every save (90 ms at the benchmark's 1,000 lessons).
pub type QuizCache = HashMap<QuizKey, (u64, Option<Arc<Quiz>>, Vec<Diagnostic>)>;

/// A quiz file and the lesson it belongs to, relative to the sources.
type QuizKey = (PathBuf, PathBuf);

/// Read, parse and check every lesson's quiz file (in parallel), into `Page::quiz`; problems
/// go to `diags` at the quiz file's line (or the front matter's `quiz:` line).
pub fn attach_lesson_quizzes(
    config: &Config,
    course: &mut Course,
    mut cache: Option<&mut QuizCache>,
    read: Option<&LessonQuizFiles>,
    diags: &mut Diagnostics,
) {
    let setting = cache.as_ref().map_or(0, |_| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        format!("{config:?}").hash(&mut h);
        h.finish()
    });
    let previous = cache.as_deref();
    // A quiz file named by many lessons (a shared review) is parsed once, its quiz shared:
    // parsed for each lesson, 300 one-line lessons naming one 1 MB file took 10 s and 1.5 GB
    // before the bound on shared quizzes below could refuse the 298th.
    type Parsed = Arc<OnceLock<(Option<Arc<Quiz>>, Vec<Diagnostic>)>>;
    let parsed: Mutex<HashMap<PathBuf, Parsed>> = Mutex::default();
    // Each page's problems, and what it read afresh (to keep).
    type Read = (Option<(QuizKey, Option<Arc<Quiz>>)>, Vec<Diagnostic>);
    let found: Vec<Read> = course
        .pages
        .par_iter_mut()
        .with_max_len(1)
        .enumerate()
        .map(|(i, page)| {
            // Only a quiz file named inside the sources, without `..` once normalised, is kept:
            // the watcher names changed files that way.
            let key = previous.and(page.src_rel.as_ref()).and_then(|src_rel| {
                let file = normalized(&lesson_quiz_path(src_rel, page.front.quiz.as_ref()))?;
                Some((file, src_rel.clone()))
            });
            if let Some((_, quiz, found)) = key
                .as_ref()
                .and_then(|k| previous?.get(k))
                .filter(|e| e.0 == setting)
            {
                page.quiz = quiz.clone();
                return (None, found.clone());
            }
            let mut diags = Vec::new();
            let bytes = read.and_then(|r| r.get(i));
            page.quiz = quiz_text(config, page, bytes, &mut diags).and_then(|text| {
                let cell = {
                    let mut parsed = parsed.lock().unwrap_or_else(PoisonError::into_inner);
                    let file = normalized(&text.file).unwrap_or_else(|| text.shown.clone());
                    Arc::clone(parsed.entry(file).or_default())
                };
                let (quiz, said) = cell.get_or_init(|| parse_lesson_quiz(&text));
                diags.extend(said.iter().cloned());
                quiz.clone()
            });
            (key.map(|k| (k, page.quiz.clone())), diags)
        })
        .collect();
    for (read, found) in found {
        if let (Some(cache), Some((key, quiz))) = (cache.as_deref_mut(), read) {
            cache.insert(key, (setting, quiz, found.clone()));
        }
        diags.extend(found);
    }
    bound_shared_quizzes(config, course, diags);
}

/// What the course's lessons may repeat of quiz files named by more than one lesson (a shared
/// review quiz), in bytes of quiz text: this much, plus four times the lessons' Markdown. Each
/// lesson draws its quiz file in full, code highlighted (about 27 times its size), and
/// print.html draws it again: 20 one-line lessons naming one 1 MB quiz made 1.14 GB of output
/// and took 1.3 GB. A real shared quiz is a few KB, named by tens or hundreds of lessons of
/// Markdown each. The first lesson to name a file (in the course's order of files) is free.
pub const SHARED_QUIZ_BYTES: usize = 1 << 20;

/// Past [`SHARED_QUIZ_BYTES`], a lesson naming a quiz file that an earlier lesson named gets no
/// quiz, and an error at its `quiz:` line.
fn bound_shared_quizzes(config: &Config, course: &mut Course, diags: &mut Diagnostics) {
    let lessons: usize = course.pages.iter().map(|p| p.body.len()).sum();
    let mut left = SHARED_QUIZ_BYTES.saturating_add(lessons.saturating_mul(4));
    let mut named = HashSet::new();
    for page in &mut course.pages {
        let (Some(quiz), Some(src_rel), Some(source)) = (&page.quiz, &page.src_rel, &page.source)
        else {
            continue;
        };
        let file = lesson_quiz_path(src_rel, page.front.quiz.as_ref());
        let file = normalized(&file).unwrap_or(file);
        // The file as it really is, links followed: 60 lessons' own `a.quiz.yaml`, each a link
        // to one 1 MB quiz, made a 1.2 GB print.html and took 4 GB. Told by its identity, not
        // its resolved path (a thousand lessons' quizzes were 6,000 system calls).
        let real = crate::confine::identity(&config.src.join(&file)).ok_or_else(|| file.clone());
        if named.insert(real) {
            continue;
        }
        match left.checked_sub(quiz.text_len()) {
            Some(rest) => left = rest,
            None => {
                let pos = page.front.quiz.as_ref().map_or(Pos::FILE, |n| pos_of(n, 1));
                diags.push(
                    Diagnostic::error(
                        source,
                        pos,
                        format!(
                            "the quiz {} is named by more lessons than its size allows: lessons may repeat shared quiz files up to {} MB and four times their Markdown in all; this lesson's quiz is not drawn",
                            crate::diag::rel(&config.root, &config.src.join(&file)).display(),
                            SHARED_QUIZ_BYTES >> 20
                        ),
                    )
                    .with_help("give this lesson a quiz of its own, or make the shared quiz shorter"),
                );
                page.quiz = None;
            }
        }
    }
}

impl Quiz {
    /// The bytes of text the quiz draws (prompts, choices, feedback, items, answers, hints,
    /// explanations): what its markup grows with.
    pub fn text_len(&self) -> usize {
        let mut len = self.id.len() + self.title.as_ref().map_or(0, String::len);
        for q in &self.questions {
            len += q.id.len() + q.prompt.len() + q.answer_text.len();
            len += q.explanation.as_ref().map_or(0, String::len);
            len += q.hint.as_ref().map_or(0, String::len);
            len += q.items.iter().map(String::len).sum::<usize>();
            for c in &q.choices {
                len += c.text.len() + c.feedback.as_ref().map_or(0, String::len);
            }
        }
        len
    }
}

/// `path` with `.` and `a/..` taken out; `None` if it climbs out of where it starts.
pub(crate) fn normalized(path: &Path) -> Option<PathBuf> {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(name) => out.push(name),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// The largest lesson quiz file (`<lesson>.quiz.yaml`, front matter `quiz:`) coursebook reads,
/// as for mdbook-quiz files (`content/directives.rs` `MAX_QUIZ`). Real ones are a few KB. Its
/// markup is drawn after the page, outside the bound on a page's HTML, and its code blocks are
/// highlighted (about 27 times their size): an 11 MB quiz made a 316 MB lesson, a 316 MB
/// print.html and took 2.27 GB. Refused before it is read, so before YAML parses it.
pub const MAX_QUIZ_FILE: u64 = 1 << 20;

/// Each page's lesson quiz file as [`quiz_text`] reads it (through the course's jail, as a
/// published file, refused past [`MAX_QUIZ_FILE`] before it is read), by page: read once in a
/// plain build, hashed into the site key (site/store.rs) and then parsed. It was read there
/// and here, three walks of its path through the jail between them: a sixth of the quizzes'
/// step on the code-heavy bench course. Kept up to [`QUIZ_FILES_KEPT`] bytes in all: a quiz
/// file named by every lesson (a shared review) is read for each, and 10,000 lessons naming
/// one 1 MB file would have held 10 GB; past the budget, each is read again where needed, one
/// at a time, as before.
pub struct LessonQuizFiles(Vec<QuizFile>);

/// What [`LessonQuizFiles`] holds of a page's quiz file.
enum QuizFile {
    /// Its bytes.
    Read(Vec<u8>),
    /// None: the page has none, or it could not be read ([`quiz_text`] looks again, to say
    /// why).
    Unread,
    /// Read, and not kept: past [`QUIZ_FILES_KEPT`].
    NotKept,
}

/// The most bytes of quiz files [`LessonQuizFiles`] keeps: 30,000 lessons' quizzes of 2 KB.
pub const QUIZ_FILES_KEPT: usize = 64 << 20;

impl LessonQuizFiles {
    pub fn read(config: &Config, course: &Course) -> LessonQuizFiles {
        use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
        let left = AtomicUsize::new(QUIZ_FILES_KEPT);
        LessonQuizFiles(
            course
                .pages
                .par_iter()
                .with_max_len(1)
                .map(|page| match read_ahead(config, page) {
                    None => QuizFile::Unread,
                    Some(bytes) => {
                        match left.fetch_update(Relaxed, Relaxed, |l| l.checked_sub(bytes.len())) {
                            Ok(_) => QuizFile::Read(bytes),
                            Err(_) => QuizFile::NotKept,
                        }
                    }
                })
                .collect(),
        )
    }

    /// Page `i`'s quiz file's bytes, if they are kept.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        match self.0.get(i)? {
            QuizFile::Read(bytes) => Some(bytes),
            QuizFile::Unread | QuizFile::NotKept => None,
        }
    }

    /// Page `i` (`page`)'s quiz file's bytes: those kept, or read again if they were not;
    /// `None` if it has none or it cannot be read.
    pub fn bytes(&self, i: usize, config: &Config, page: &Page) -> Option<Cow<'_, [u8]>> {
        match self.0.get(i)? {
            QuizFile::Read(bytes) => Some(Cow::Borrowed(bytes)),
            QuizFile::Unread => None,
            QuizFile::NotKept => read_ahead(config, page).map(Cow::Owned),
        }
    }
}

/// Page `page`'s quiz file's bytes, as [`LessonQuizFiles`] reads them.
fn read_ahead(config: &Config, page: &Page) -> Option<Vec<u8>> {
    page.source.as_ref()?;
    let file = lesson_quiz_path(page.src_rel.as_ref()?, page.front.quiz.as_ref());
    let full = config.src.join(file);
    config.jail.read_published_within(&full, MAX_QUIZ_FILE).ok()
}

/// A lesson's quiz file's text, where it is (`file`, from the sources; `shown`, as messages
/// name it).
struct QuizText {
    file: PathBuf,
    shown: PathBuf,
    text: String,
}

/// Page `page`'s quiz file's text: from `read` (its bytes, read ahead) or read now.
fn quiz_text(
    config: &Config,
    page: &Page,
    read: Option<&[u8]>,
    diags: &mut Vec<Diagnostic>,
) -> Option<QuizText> {
    let (Some(source), Some(src_rel)) = (&page.source, &page.src_rel) else {
        return None;
    };
    let named = page.front.quiz.as_ref();
    let file = lesson_quiz_path(src_rel, named);
    let full = config.src.join(&file);
    let text = match read {
        Some(bytes) => {
            let mut decoded = Diagnostics::default();
            let text = super::decode_read(&config.root, &full, bytes.to_vec(), &mut decoded);
            diags.extend(decoded.into_vec());
            text?
        }
        None => read_lesson_quiz(config, source, named, &full, diags)?,
    };
    let shown = crate::diag::rel(&config.root, &full);
    Some(QuizText { file, shown, text })
}

/// A lesson's quiz file parsed and checked, and what that said.
fn parse_lesson_quiz(found: &QuizText) -> (Option<Arc<Quiz>>, Vec<Diagnostic>) {
    let default_id = found
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().trim_end_matches(".quiz").to_string())
        .unwrap_or_default();
    let mut said = Vec::new();
    let parsed = parse(
        &found.text,
        &found.shown,
        0,
        super::strip_number(&default_id),
        &mut said,
    );
    match parsed {
        Ok(quiz) => (Some(Arc::new(quiz)), said),
        Err(errors) => {
            said.extend(errors);
            (None, said)
        }
    }
}

/// A lesson's quiz file's text, read here: nothing (and no word) when there is none, unless
/// the lesson names it.
fn read_lesson_quiz(
    config: &Config,
    source: &Path,
    named: Option<&Spanned<String>>,
    full: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    // Something that is there but not a file (a folder named like a quiz): read it, so the
    // refusal is reported rather than the quiz silently missing. Looked for through the
    // course's jail, which refuses a path outside before looking (whether /etc/passwd exists
    // was the difference between two messages).
    let missing = matches!(
        config.jail.resolve(full),
        Err(crate::confine::Denied::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
    );
    if missing {
        if let Some(named) = named {
            diags.push(
                Diagnostic::error(
                    source,
                    pos_of(named, 1),
                    format!("the quiz file {} does not exist", named.value),
                )
                .with_help("the path is relative to this lesson's folder"),
            );
        }
        return None;
    }
    let mut read = Diagnostics::default();
    let named_at = named.map(|n| (source, pos_of(n, 1)));
    let limit = (
        MAX_QUIZ_FILE,
        "a lesson's quiz is a few KB: split it into the quizzes of several lessons",
    );
    let text = super::read_named_text_within(config, full, named_at, limit, &mut read);
    diags.extend(read.into_vec());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quiz alone, as most tests want it (warnings have their own test).
    fn parse(text: &str, path: &Path, off: usize, id: &str) -> Result<Quiz, Vec<Diagnostic>> {
        super::parse(text, path, off, id, &mut Vec::new())
    }

    #[test]
    fn controls_and_bidi_overrides_from_yaml_escapes_are_replaced_with_a_warning() {
        let yaml = "title: \"Quiz\\u202E\"\nquestions:\n  - type: true-false\n    prompt: P\n    answer: true\n  - type: single\n    prompt: \"A\\0B\\x01C\\u202ED\"\n    choices:\n      - text: \"x\\u2066\"\n        correct: true\n        feedback: \"f\\x07\"\n      - text: y\n    explanation: \"e\\x1b[31m\"\n";
        let mut warnings = Vec::new();
        let quiz = super::parse(yaml, Path::new("q.yaml"), 4, "q", &mut warnings)
            .unwrap_or_else(|d| unreachable!("{d:?}"));
        let q = &quiz.questions[1];
        assert_eq!(q.prompt, "A\u{fffd}B\u{fffd}C\u{fffd}D");
        assert_eq!(q.choices[0].text, "x\u{fffd}");
        assert_eq!(q.choices[0].feedback.as_deref(), Some("f\u{fffd}"));
        assert_eq!(q.explanation.as_deref(), Some("e\u{fffd}[31m"));
        assert_eq!(quiz.title.as_deref(), Some("Quiz\u{fffd}"));
        assert!(quiz.questions[0].prompt == "P");
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("warning: q.yaml:5:1: the quiz's title"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("warning: q.yaml:10:5: this question"),
            "{shown:?}"
        );
    }

    #[test]
    fn a_quiz_path_is_normalised_as_the_watcher_names_it() {
        let n = |p: &str| normalized(Path::new(p)).map(|p| p.to_string_lossy().into_owned());
        assert_eq!(
            n("part/../quizzes/./q.quiz.yaml").as_deref(),
            Some("quizzes/q.quiz.yaml")
        );
        assert_eq!(n("a.quiz.yaml").as_deref(), Some("a.quiz.yaml"));
        assert_eq!(n("../outside.quiz.yaml"), None);
        assert_eq!(n("/etc/passwd"), None);
    }

    #[test]
    fn shuffle_is_for_choice_questions() {
        let ok = parse(
            "questions:\n  - type: single\n    prompt: P\n    shuffle: true\n    choices:\n      - text: a\n        correct: true\n      - text: b\n",
            Path::new("q.yaml"),
            0,
            "q",
        );
        assert!(ok.is_ok_and(|q| q.questions[0].shuffle));
        let bad = parse(
            "questions:\n  - type: text\n    prompt: P\n    shuffle: true\n    answers: [a]\n",
            Path::new("q.yaml"),
            0,
            "q",
        );
        let messages: Vec<String> = bad
            .err()
            .unwrap_or_default()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains("q.yaml:4:")
                && m.contains("`shuffle` is for single and multiple questions")),
            "{messages:?}"
        );
    }

    fn errors(yaml: &str) -> String {
        match parse(yaml, Path::new("q.quiz.yaml"), 0, "quiz") {
            Ok(_) => "ok".to_string(),
            Err(d) => d
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn every_type_parses() {
        let yaml = "title: Check\npass: 75%\nquestions:\n  - id: a\n    type: single\n    prompt: P\n    choices:\n      - text: x\n        correct: true\n      - text: y\n  - id: b\n    type: multiple\n    prompt: P\n    choices: [{text: x, correct: true}, {text: y, correct: true}, {text: z}]\n  - id: c\n    type: true-false\n    prompt: P\n    answer: false\n  - id: d\n    type: numeric\n    prompt: P\n    answer: 350000\n    tolerance: 1%\n  - id: e\n    type: text\n    prompt: P\n    answers: [inference, prediction]\n  - id: f\n    type: order\n    prompt: P\n    items: [a, b, c]\n";
        let quiz = parse(yaml, Path::new("q"), 0, "quiz").unwrap_or_else(|d| unreachable!("{d:?}"));
        assert_eq!(quiz.id, "check");
        assert_eq!(quiz.pass, Some(0.75));
        assert_eq!(quiz.questions.len(), 6);
    }

    #[test]
    fn author_mistakes_are_errors_at_their_lines() {
        insta::assert_snapshot!(errors(
            "questions:\n  - id: knobs\n    type: single\n    prompt: P\n    choices:\n      - text: x\n      - text: x\n"
        ));
        insta::assert_snapshot!(
            "unknown_type",
            errors("questions:\n  - type: essay\n    prompt: Write\n")
        );
        insta::assert_snapshot!(
            "negative_tolerance",
            errors(
                "questions:\n  - type: numeric\n    prompt: P\n    answer: 3\n    tolerance: -1\n"
            )
        );
        insta::assert_snapshot!(
            "empty_answers",
            errors("questions:\n  - type: text\n    prompt: P\n    answers: []\n")
        );
        insta::assert_snapshot!(
            "short_order",
            errors("questions:\n  - type: order\n    prompt: P\n    items: [only]\n")
        );
        insta::assert_snapshot!(
            "duplicate_ids",
            errors(
                "questions:\n  - id: a\n    type: true-false\n    prompt: P\n    answer: true\n  - id: a\n    type: true-false\n    prompt: Q\n    answer: false\n"
            )
        );
        insta::assert_snapshot!(
            "unknown_key",
            errors("questions:\n  - type: true-false\n    prompt: P\n    answr: true\n")
        );
        insta::assert_snapshot!(
            "wrong_key_for_type",
            errors(
                "questions:\n  - type: numeric\n    prompt: P\n    answer: 1\n    choices: [{text: a}]\n"
            )
        );
    }

    #[test]
    fn a_numeric_answer_is_read_as_learners_answers_are() {
        let quiz = |answer: &str| {
            parse(
                &format!(
                    "questions:\n  - id: n\n    type: numeric\n    prompt: P\n    answer: {answer}\n"
                ),
                Path::new("q"),
                0,
                "quiz",
            )
        };
        for (written, value) in [
            ("\"1.5\"", 1.5),
            ("\" 350000 \"", 350_000.0),
            ("2.5e5", 250_000.0),
        ] {
            let q = quiz(written).unwrap_or_else(|d| unreachable!("{written}: {d:?}"));
            assert_eq!(
                q.questions[0].key,
                Key::Numeric {
                    answer: value,
                    tolerance: Tolerance::Absolute(0.0)
                }
            );
        }
        // "1,5" was read as 15: an error now, as it is for a learner.
        for written in ["\"1,5\"", "\"350,000\"", "\"1 500\""] {
            let diags = quiz(written).err().unwrap_or_default();
            let text: Vec<String> = diags.iter().map(ToString::to_string).collect();
            assert!(
                text.iter()
                    .any(|d| d.contains("is not a number") && d.contains("q:5:")),
                "{written}: {text:?}"
            );
        }
    }

    #[test]
    fn every_broken_question_is_reported_not_only_the_first() {
        let yaml = "title: T\nquestions:\n  - id: a\n    type: single\n    prompt: [1, 2]\n    choices: [{text: x, correct: true}, {text: y}]\n  - id: b\n    type: true-false\n    prompt: P\n    answer: true\n  - {id: c, type: text, prompt: P, answers: [x], colour: red}\n  - id: d\n    type: numeric\n    prompt: P\n    answer: 1\n    tolerance: [5]\n";
        let diags = parse(yaml, Path::new("q.yaml"), 10, "q")
            .err()
            .unwrap_or_default();
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(diags.len(), 3, "{shown:#?}");
        // Each at its own line (the file starts 10 lines into its page) with its own message.
        let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, [15, 21, 26], "{shown:#?}");
        assert!(
            shown[1].contains("unknown field `colour`")
                && shown[1].contains("valid keys: id, type"),
            "{shown:#?}"
        );
    }

    #[test]
    fn hostile_yaml_is_rejected_quickly() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        bomb.push_str("questions: *l11\n");
        let started = std::time::Instant::now();
        assert!(parse(&bomb, Path::new("q"), 0, "quiz").is_err());
        let deep = format!("questions: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&deep, Path::new("q"), 0, "quiz").is_err());
        assert!(started.elapsed().as_secs() < 5);
    }
}
