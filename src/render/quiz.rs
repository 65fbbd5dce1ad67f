//! The views a quiz's templates see (`quiz.html` and `question-<template>.html` in the theme;
//! docs/theming.md lists their fields). Built by `widgets::quiz` from the quiz model; every
//! `*_html` field is Markdown already rendered, the rest is plain text the template escapes.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct QuizView {
    pub id: String,
    /// The salt the concealed key and reveal are hidden with (`quiz-wasm::conceal`).
    pub salt: String,
    /// The saved answers' storage key: `coursebook:<site-url>:<course>:<page>:<quiz id>`.
    pub store: String,
    /// The pass mark as a fraction (`0.75`), when the quiz has one.
    pub pass: Option<String>,
    pub title_html: String,
    pub description_html: Option<String>,
    pub questions: Vec<QuestionView>,
}

#[derive(Debug, Serialize)]
pub struct QuestionView {
    pub id: String,
    /// The form controls' name, unique on the page (`<quiz id>-<question id>`).
    pub name: String,
    /// 1-based, in the quiz.
    pub number: usize,
    /// single, multiple, true-false, numeric, text or order.
    pub kind: &'static str,
    /// Which question template draws it: "choice", "input", "order" or "tracing".
    pub template: &'static str,
    /// For choices: "radio" or "checkbox".
    pub input: &'static str,
    /// The answer key and what a check reveals (feedback, explanation, the answer), concealed
    /// together as one payload (base64) that only quiz-wasm's `check` opens.
    pub answer: String,
    /// Changes when the author edits anything a saved answer depends on.
    pub fingerprint: String,
    /// The prompt's first paragraph, in the question's `<legend>`.
    pub prompt_html: String,
    /// The rest of the prompt (code blocks, lists, more paragraphs), after the legend: a legend
    /// may hold phrasing content only.
    pub prompt_more_html: Option<String>,
    /// Choices in the order written (true-false: True, then False).
    pub choices: Vec<ChoiceView>,
    /// quiz.js puts the choices in an order of the learner's own.
    pub shuffle: bool,
    /// Items to order, already shuffled.
    pub items: Vec<ItemView>,
    pub hint_html: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChoiceView {
    pub value: String,
    pub label_html: String,
}

#[derive(Debug, Serialize)]
pub struct ItemView {
    /// The item's place in the correct order (what the grader receives).
    pub index: usize,
    pub html: String,
    /// The item as plain text, for the move buttons' accessible names.
    pub text: String,
}
