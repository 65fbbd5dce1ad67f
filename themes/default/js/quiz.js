// coursebook default theme: quizzes. An ES module (modules are always strict), no dependencies,
// loaded only on pages that have a quiz. The page works without it: questions stay readable.
//
// Markup (the theme's templates/quiz.html and question-*.html; docs/theming.md):
//   form[data-quiz][data-salt][data-store][data-pass]
//     fieldset[data-question][data-type][data-answer][data-fingerprint]
//       inputs (radio / checkbox / text) or ol.order-list > li[data-item] with button[data-move]
//       [data-result][data-state]
//     [data-retry], [data-reset], [data-score] (a polite live region)
//
// Grading runs in WebAssembly (quiz-wasm, loaded once per page by runtime.js), the same code that
// checks every quiz at build time. Answers are saved per question through runtime.js's store, so
// blocked, full or corrupted storage only means nothing outlives the page. A check is reported to
// progress.js (the lesson's score and state); the progress page's review mounts the questions a
// learner missed with `mountQuiz`.

// runtime.js with this module's own ?v=, so quiz.js and widgets.js share one instance of it.
const version = new URL(import.meta.url).search;
const { language, loadWasm, stringsReady, t, number, percent, store, readJson } = await import(`./runtime.js${version}`);
await stringsReady;

const STATES = { correct: "correct", incorrect: "incorrect", unanswered: "unanswered" };
const CHOICE_TYPES = new Set(["single", "multiple", "true-false"]);

/** Per order question: its items in the order the page was built with (what "clear" goes back to). */
const initialOrder = new WeakMap();
/**
 * Per checked question: its score from the last check. Kept out of the DOM: a data-score attribute
 * on a result would match the quiz's [data-score] selector.
 */
const checkedScore = new WeakMap();
/** Questions the learner changed (or retry/reset cleared) since the page loaded. */
const touched = new WeakSet();
/** Per quiz: a counter, so a delayed score update never overwrites a newer one. */
const scoreToken = new WeakMap();

// ---------------------------------------------------------------------------------------------
// The grader: loaded once for every quiz on the page.
// ---------------------------------------------------------------------------------------------

/** quiz-wasm (its `check`), or null when it cannot be loaded. */
async function loadGrader() {
  return loadWasm();
}

/**
 * Check one question's response in one call to quiz-wasm: the concealed key is revealed, graded
 * and forgotten inside the module, so it never reaches this script. Returns
 * `{ score, error, details: { feedback: [], explanation: "", answer: "" } }`; score -1 when the
 * response cannot be read (error says why).
 */
function checkAnswer(grader, question, salt, response) {
  const empty = { feedback: [], explanation: "", answer: "" };
  let parsed;
  try {
    parsed = JSON.parse(grader.check(question.dataset.answer ?? "", salt, response, language()));
  } catch (err) {
    return { score: -1, error: "", details: empty };
  }
  // The details are their own JSON text: a damaged one shows nothing extra but keeps the grade.
  let d = {};
  try {
    const inner = typeof parsed?.details === "string" && parsed.details ? JSON.parse(parsed.details) : {};
    if (inner && typeof inner === "object") d = inner;
  } catch (err) {
    d = {};
  }
  return {
    // In 10⁻¹²: the module writes whole numbers (see quiz-wasm's js.rs `check`).
    score: typeof parsed?.score === "number" ? parsed.score / 1e12 : -1,
    error: typeof parsed?.error === "string" ? parsed.error : "",
    details: {
      feedback: Array.isArray(d.feedback) ? d.feedback.map((f) => (typeof f === "string" ? f : "")) : [],
      explanation: typeof d.explanation === "string" ? d.explanation : "",
      answer: typeof d.answer === "string" ? d.answer : "",
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Storage: one entry per question, `${form.dataset.store}:${question id}` (the store is
// `<course>:<lesson>:<quiz>`, content/progress.rs), holding { fp, response, state, score, t }:
// t is when the answer last changed, so an import keeps the newer of two answers.
// ---------------------------------------------------------------------------------------------

/** The prefix of this quiz's entries (data-store; a page-and-quiz fallback if it is missing). */
function storePrefix(form) {
  return `${form.dataset.store ?? `coursebook:${location.pathname}:${form.dataset.quiz}`}:`;
}

function storageKey(form, question) {
  return storePrefix(form) + question.dataset.question;
}

function readSaved(key) {
  const saved = readJson(key);
  if (saved && typeof saved.fp === "string" && (typeof saved.response === "string" || saved.response === null)) {
    return saved;
  }
  if (saved) store.remove(key);
  return null;
}

function forget(key) {
  store.remove(key);
}

/** Save one question's current answer and result state (nothing when it has no answer). */
function saveQuestion(form, question) {
  const response = responseOf(question);
  const key = storageKey(form, question);
  const result = question.querySelector("[data-result]");
  const state = result?.dataset.state ?? STATES.unanswered;
  if (response === null) {
    forget(key);
    return;
  }
  const entry = {
    fp: question.dataset.fingerprint ?? "",
    response,
    state,
    score: checkedScore.get(question) ?? 0,
  };
  // Unchanged (a reload showing saved results again): keep when it was answered.
  const old = readSaved(key);
  if (old && old.fp === entry.fp && old.response === entry.response && old.state === entry.state && old.score === entry.score) return;
  store.set(key, JSON.stringify({ ...entry, t: Date.now() }));
}

/** Remove this quiz's entries for questions that are no longer on the page. */
function removeStaleEntries(form) {
  // A review (progress page) shows some of a quiz's questions: the others are not stale.
  if (form.dataset.partial !== undefined) return;
  const prefix = storePrefix(form);
  const current = new Set(questionsOf(form).map((q) => storageKey(form, q)));
  for (const k of store.keys(prefix)) {
    if (!current.has(k) && !k.slice(prefix.length).includes(":")) forget(k);
  }
}

// ---------------------------------------------------------------------------------------------
// Responses: the string the grader reads, per question type; null when unanswered.
// ---------------------------------------------------------------------------------------------

function questionsOf(form) {
  return [...form.querySelectorAll("[data-question]")];
}

function choiceInputs(question) {
  return [...question.querySelectorAll(".choice input, input[type=radio], input[type=checkbox]")].filter(
    (el, i, all) => all.indexOf(el) === i,
  );
}

function textInput(question) {
  return question.querySelector('.answer input, .answer textarea, input[type="text"], input:not([type])');
}

function orderItems(question) {
  return [...question.querySelectorAll(".order-list > li[data-item]")];
}

function responseOf(question) {
  const type = question.dataset.type;
  if (CHOICE_TYPES.has(type)) {
    const picked = choiceInputs(question).filter((i) => i.checked).map((i) => i.value);
    if (picked.length === 0) return null;
    return type === "multiple" ? picked.join(",") : picked[0];
  }
  if (type === "numeric" || type === "text") {
    const input = textInput(question);
    const value = input ? input.value : "";
    if (value.trim() === "") return null;
    return type === "numeric" ? value.trim() : value;
  }
  if (type === "order") {
    // An order is always an answer: the learner may agree with the order shown.
    return orderItems(question).map((li) => li.dataset.item).join(",");
  }
  if (type === "tracing") {
    // "no" (it does not compile), or "yes:" and the output as typed, line breaks and all.
    const picked = choiceInputs(question).find((i) => i.checked);
    if (!picked) return null;
    return picked.value === "no" ? "no" : `yes:${textInput(question)?.value ?? ""}`;
  }
  return null;
}

/** Put a saved response back into the question's inputs. Returns whether it fitted. */
function applyResponse(question, response) {
  const type = question.dataset.type;
  if (CHOICE_TYPES.has(type)) {
    const wanted = new Set(type === "multiple" ? response.split(",") : [response]);
    const inputs = choiceInputs(question);
    if (![...wanted].every((v) => inputs.some((i) => i.value === v))) return false;
    inputs.forEach((i) => (i.checked = wanted.has(i.value)));
    return true;
  }
  if (type === "numeric" || type === "text") {
    const input = textInput(question);
    if (!input) return false;
    input.value = response;
    return true;
  }
  if (type === "tracing") {
    const compiles = response.startsWith("yes");
    const inputs = choiceInputs(question);
    if (!compiles && response !== "no") return false;
    inputs.forEach((i) => (i.checked = i.value === (compiles ? "yes" : "no")));
    const output = textInput(question);
    if (output) output.value = compiles ? response.replace(/^yes:?/, "") : "";
    return true;
  }
  if (type === "order") {
    const items = orderItems(question);
    const byId = new Map(items.map((li) => [li.dataset.item, li]));
    const sequence = response.split(",");
    if (sequence.length !== items.length || new Set(sequence).size !== items.length || !sequence.every((id) => byId.has(id))) {
      return false;
    }
    setOrder(question, sequence.map((id) => byId.get(id)));
    return true;
  }
  return false;
}

function clearResponse(question) {
  touched.add(question);
  choiceInputs(question).forEach((i) => (i.checked = false));
  const input = textInput(question);
  if (input) input.value = "";
  if (initialOrder.has(question)) setOrder(question, initialOrder.get(question));
}

// ---------------------------------------------------------------------------------------------
// Order questions: move items with their up/down buttons.
// ---------------------------------------------------------------------------------------------

function itemText(li) {
  const span = li.querySelector("span");
  return (span ?? li).textContent.trim().replace(/\s+/g, " ");
}

function setOrder(question, items) {
  const list = question.querySelector(".order-list");
  if (!list) return;
  items.forEach((li) => list.appendChild(li));
  labelOrderButtons(question);
}

/** Name every move button after its item and position; mark the ends as unavailable. */
function labelOrderButtons(question) {
  const items = orderItems(question);
  items.forEach((li, index) => {
    const text = itemText(li);
    const position = t("position", { position: number(index + 1), count: number(items.length) });
    for (const button of li.querySelectorAll("button[data-move]")) {
      const up = button.dataset.move === "up";
      button.setAttribute("aria-label", t(up ? "move_up_now" : "move_down_now", { item: text, position }));
      const atEnd = up ? index === 0 : index === items.length - 1;
      // aria-disabled, not disabled: a focused button must stay focusable when it reaches an end.
      if (atEnd) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    }
  });
}

function announce(question, text) {
  const status = question.querySelector("[data-order-status]");
  if (!status) return;
  // Clear first so the same message twice is announced twice.
  status.textContent = "";
  window.setTimeout(() => (status.textContent = text), 30);
}

/** Move an item one place up or down, keeping focus on the pressed button. */
function moveItem(form, question, button) {
  const li = button.closest("li");
  if (!li) return;
  const up = button.dataset.move === "up";
  const neighbour = up ? li.previousElementSibling : li.nextElementSibling;
  const items = orderItems(question);
  if (!neighbour) {
    announce(question, t(up ? "already_first" : "already_last", { item: itemText(li) }));
    return;
  }
  // Move the neighbour, not the focused item, so focus is never lost.
  if (up) li.after(neighbour);
  else li.before(neighbour);
  if (document.activeElement !== button) button.focus();
  labelOrderButtons(question);
  const position = orderItems(question).indexOf(li) + 1;
  announce(question, t("moved", { item: itemText(li), position: number(position), count: number(items.length) }));
  answerChanged(form, question);
}

function wireOrderQuestion(form, question) {
  const list = question.querySelector(".order-list");
  if (!list) return;
  initialOrder.set(question, orderItems(question));
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  status.dataset.orderStatus = "";
  list.after(status);
  list.addEventListener("click", (event) => {
    const button = event.target.closest?.("button[data-move]");
    if (button && list.contains(button)) moveItem(form, question, button);
  });
  labelOrderButtons(question);
}

// ---------------------------------------------------------------------------------------------
// Results and the score.
// ---------------------------------------------------------------------------------------------

function resultOf(question) {
  return question.querySelector("[data-result]");
}

function formatNumber(x) {
  return number(x, 1);
}

function element(tag, className, html) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (html !== undefined) el.innerHTML = html;
  return el;
}

/** Empty a question's result (as if never checked). */
function clearResult(question) {
  const result = resultOf(question);
  if (!result) return;
  result.dataset.state = STATES.unanswered;
  checkedScore.delete(question);
  result.replaceChildren();
}

/** "Not answered yet." or why the answer cannot be read. */
function renderUnanswered(question, message) {
  const result = resultOf(question);
  if (!result) return;
  result.dataset.state = STATES.unanswered;
  checkedScore.set(question, 0);
  result.replaceChildren(element("p", "verdict", ""));
  result.firstChild.textContent = message || t("not_answered");
}

/** The feedback written for the picked choices (single, multiple and true-false). */
function pickedFeedback(question, details) {
  if (!CHOICE_TYPES.has(question.dataset.type)) return [];
  // By each choice's value (its written position), not where it stands: a shuffled question's
  // choices are in the learner's own order.
  return choiceInputs(question)
    .map((input, index) => {
      const written = /^\d+$/.test(input.value) ? Number(input.value) : index;
      return input.checked ? details.feedback[written] ?? "" : "";
    })
    .filter((html) => html.trim() !== "");
}

function answerParagraph(details) {
  const p = element("p", "answer");
  const label = element("strong", "", "");
  label.textContent = t("answer");
  p.append(label, element("span", "", details.answer));
  return p;
}

/** Show a graded result: the verdict in words, feedback, explanation, and the answer if due. */
function renderGraded(question, score, details) {
  const result = resultOf(question);
  if (!result) return;
  const correct = score === 1;
  result.dataset.state = correct ? STATES.correct : STATES.incorrect;
  checkedScore.set(question, score);
  const verdict = element("p", "verdict");
  if (correct) verdict.textContent = t("correct");
  else if (score > 0) verdict.textContent = t("partly_right", { percent: percent(score) });
  else verdict.textContent = t("not_quite");
  const parts = [verdict];
  for (const html of pickedFeedback(question, details)) parts.push(element("div", "feedback", html));
  // Feedback that teaches: a wrong answer gets the hint and the chosen choice's feedback, and
  // another try; the explanation and the right answer come with a right answer, or when the
  // learner asks for them ("Show answer" gives that question up).
  const solution = () => {
    const shown = [];
    if (details.answer.trim()) shown.push(answerParagraph(details));
    if (details.explanation.trim()) shown.push(element("div", "explanation", details.explanation));
    return shown;
  };
  const hint = question.querySelector("details.hint");
  if (correct) {
    parts.push(...solution());
  } else {
    if (hint) hint.open = true;
    if (details.answer.trim() || details.explanation.trim()) {
      const show = element("button", "secondary show-answer");
      show.type = "button";
      show.textContent = t("show_answer");
      show.addEventListener("click", () => {
        const [first, ...rest] = solution();
        first.tabIndex = -1;
        show.replaceWith(first, ...rest);
        first.focus();
      });
      parts.push(show);
    }
  }
  result.replaceChildren(...parts);
}

/** Grade one question and show the result; returns its score (0 when not answered). */
function gradeQuestion(grader, form, question) {
  const response = responseOf(question);
  if (response === null) {
    renderUnanswered(question);
    return 0;
  }
  const { score, error, details } = checkAnswer(grader, question, form.dataset.salt ?? "", response);
  if (!(score >= 0 && score <= 1)) {
    renderUnanswered(question, unreadableMessage(question, error, response));
    return 0;
  }
  renderGraded(question, score, details);
  return score;
}

/**
 * Why a response cannot be graded, in the page's language: for a numeric question, that what
 * was typed is not a number (the grader's reason, `error`, is English and meant for authors);
 * anything else means the page's markup was tampered with.
 */
function unreadableMessage(question, error, response) {
  if (question.dataset.type === "numeric" && /not a number/.test(error)) {
    const shown = response.length > 40 ? `${response.slice(0, 40)}…` : response;
    return `${t("not_a_number", { answer: shown })} ${t("write_a_number")}`;
  }
  return t("unreadable");
}

function setScoreText(form, text) {
  const score = form.querySelector("[data-score]");
  if (!score) return;
  const token = (scoreToken.get(form) ?? 0) + 1;
  scoreToken.set(form, token);
  if (score.textContent === text && text) {
    // Re-announce the same text: clear, then set again after a moment.
    score.textContent = "";
    window.setTimeout(() => {
      if (scoreToken.get(form) === token) score.textContent = text;
    }, 50);
  } else {
    score.textContent = text;
  }
}

/** "Score: 3 of 4 (75%). Passed." from the questions' current results. */
function updateScore(form) {
  const questions = questionsOf(form);
  let total = 0;
  let unanswered = 0;
  let incorrect = 0;
  const wrong = [];
  for (const [index, q] of questions.entries()) {
    const result = resultOf(q);
    const state = result?.dataset.state;
    if (state === STATES.correct || state === STATES.incorrect) total += checkedScore.get(q) ?? 0;
    if (state === STATES.incorrect) {
      incorrect += 1;
      wrong.push(number(index + 1));
    }
    if (state !== STATES.correct && state !== STATES.incorrect) unanswered += 1;
  }
  const n = questions.length;
  const fraction = n ? total / n : 0;
  let text = t("score", { score: formatNumber(total), total: number(n), percent: percent(fraction) });
  // Which ones to look at again, by their numbers in the quiz.
  if (wrong.length) text += ` ${t("wrong_questions", { list: wrong.join(", ") }, wrong.length)}`;
  if (unanswered) text += ` ${t("unanswered", { count: number(unanswered) }, unanswered)}`;
  const pass = Number.parseFloat(form.dataset.pass ?? "");
  if (form.dataset.pass !== undefined && Number.isFinite(pass)) {
    text += ` ${fraction + 1e-9 >= pass ? t("passed") : t("not_passed", { percent: percent(pass) })}`;
  }
  setScoreText(form, text);
  const retry = form.querySelector("[data-retry]");
  if (retry) retry.hidden = incorrect === 0;
}

// ---------------------------------------------------------------------------------------------
// The learner's actions.
// ---------------------------------------------------------------------------------------------



/** Grade every question, show the score, save everything, report the attempt. */
async function checkQuiz(form, onChecked) {
  const grader = await loadGrader();
  if (!grader) {
    setScoreText(form, t("grader_unavailable"));
    return;
  }
  for (const q of questionsOf(form)) {
    gradeQuestion(grader, form, q);
    saveQuestion(form, q);
  }
  updateScore(form);
  try {
    await onChecked?.(form);
  } catch (err) {
    // Progress is a convenience: the quiz's own result is shown and saved.
  }
}

/** An answer changed: its old result no longer applies; save the new answer. */
function answerChanged(form, question) {
  touched.add(question);
  if (checkedScore.has(question)) {
    clearResult(question);
    const retry = form.querySelector("[data-retry]");
    const anyWrong = questionsOf(form).some((q) => resultOf(q)?.dataset.state === STATES.incorrect);
    if (retry && !anyWrong) retry.hidden = true;
  }
  saveQuestion(form, question);
}

/** Clear the incorrect questions only, and focus the first of them. */
function retryWrong(form) {
  const wrong = questionsOf(form).filter((q) => resultOf(q)?.dataset.state === STATES.incorrect);
  for (const q of wrong) {
    clearResponse(q);
    clearResult(q);
    saveQuestion(form, q);
  }
  setScoreText(form, "");
  const retry = form.querySelector("[data-retry]");
  if (retry) retry.hidden = true;
  const first = wrong[0]?.querySelector("input, button, select, textarea");
  first?.focus();
}

/** Clear every answer, result and the score, and forget this quiz's saved answers. */
function resetQuiz(form) {
  for (const q of questionsOf(form)) {
    clearResponse(q);
    clearResult(q);
    forget(storageKey(form, q));
  }
  removeStaleEntries(form);
  setScoreText(form, "");
  const retry = form.querySelector("[data-retry]");
  if (retry) retry.hidden = true;
}

/**
 * "Reset saved answers" asks first, as "Forget my progress" does: it cannot be undone. The
 * question (the template's [data-reset-confirm]) takes the focus on its safe answer; Escape or
 * Cancel closes it, and what was done is said in the quiz's live region.
 */
function wireReset(form) {
  const reset = form.querySelector("[data-reset]");
  const confirmBox = form.querySelector("[data-reset-confirm]");
  if (!reset) return;
  if (!confirmBox) {
    reset.addEventListener("click", () => resetQuiz(form));
    return;
  }
  const close = () => {
    confirmBox.hidden = true;
    reset.setAttribute("aria-expanded", "false");
    reset.focus();
  };
  reset.addEventListener("click", () => {
    confirmBox.hidden = false;
    reset.setAttribute("aria-expanded", "true");
    confirmBox.querySelector("[data-reset-no]")?.focus();
  });
  confirmBox.querySelector("[data-reset-no]")?.addEventListener("click", close);
  confirmBox.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
  });
  confirmBox.querySelector("[data-reset-yes]")?.addEventListener("click", () => {
    resetQuiz(form);
    close();
    setScoreText(form, t("quiz_reset_done"));
  });
}

/** Put saved answers back (only where the question is unchanged); returns the checked ones. */
function restoreQuiz(form) {
  const checked = [];
  for (const q of questionsOf(form)) {
    const key = storageKey(form, q);
    const saved = readSaved(key);
    if (!saved) continue;
    if (saved.fp !== (q.dataset.fingerprint ?? "") || saved.response === null || !applyResponse(q, saved.response)) {
      // The author changed this question (or the entry no longer fits): start it afresh.
      forget(key);
      continue;
    }
    if (saved.state === STATES.correct || saved.state === STATES.incorrect) checked.push(q);
  }
  removeStaleEntries(form);
  return checked;
}

/** Show the results of questions that had been checked before the page was loaded. */
async function restoreResults(form, checked) {
  if (!checked.length) return;
  const grader = await loadGrader();
  // While the grader loaded, the learner may have changed or reset answers: leave those alone.
  const untouched = checked.filter((q) => !touched.has(q));
  if (!grader || !untouched.length) return;
  for (const q of untouched) {
    gradeQuestion(grader, form, q);
    saveQuestion(form, q);
  }
  updateScore(form);
}

function describeSaving(form, canSave) {
  const notice = form.querySelector(".saved-notice");
  if (notice && !canSave) notice.textContent = t("not_saved");
}

/** This learner's own number, kept, so their shuffled choices keep one order across visits. */
function learnerSeed() {
  const key = "coursebook:learner";
  let seed = store.get(key);
  if (!seed) {
    seed = Math.random().toString(36).slice(2, 12);
    store.set(key, seed);
  }
  return seed;
}

function fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * `data-shuffle` questions: the choices in an order of this learner's own. The values (the
 * written positions, which the grader reads) do not change, only where each choice stands.
 */
function shuffleChoices(question) {
  const choices = [...question.querySelectorAll(":scope > .choice")];
  if (choices.length < 2) return;
  const seed = learnerSeed();
  const anchor = choices[choices.length - 1].nextSibling;
  const rank = (c) => fnv(`${seed}:${question.dataset.question}:${c.querySelector("input")?.value ?? ""}`);
  choices.sort((a, b) => rank(a) - rank(b));
  for (const c of choices) question.insertBefore(c, anchor);
}

function setUpQuiz(form, onChecked) {
  form.querySelectorAll(".no-js").forEach((el) => (el.hidden = true));
  describeSaving(form, store.saving);
  form.querySelectorAll("[data-question][data-shuffle]").forEach(shuffleChoices);
  for (const q of questionsOf(form)) {
    if (q.dataset.type === "order") wireOrderQuestion(form, q);
  }
  const checked = restoreQuiz(form);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    checkQuiz(form, onChecked);
  });
  form.addEventListener("input", (event) => {
    const q = event.target.closest?.("[data-question]");
    if (!q || !form.contains(q)) return;
    // Typing a program's output says it compiles.
    if (q.dataset.type === "tracing" && event.target.tagName === "TEXTAREA") {
      const yes = choiceInputs(q).find((i) => i.value === "yes");
      if (yes && !choiceInputs(q).some((i) => i.checked)) yes.checked = true;
    }
    answerChanged(form, q);
  });
  form.querySelector("[data-retry]")?.addEventListener("click", () => retryWrong(form));
  wireReset(form);
  return checked;
}

/**
 * Make `form` a working quiz: wire it, put saved answers back, load the grader and show saved
 * results; `onChecked(form)` hears of every check. Sets `data-ready` on the form when done (what
 * tests and themes can wait for).
 */
export async function mountQuiz(form, onChecked) {
  let checked = [];
  try {
    checked = setUpQuiz(form, onChecked);
  } catch (err) {
    // One broken quiz must not stop the others.
  }
  const grader = await loadGrader();
  if (!grader) setScoreText(form, t("grader_unavailable"));
  else await restoreResults(form, checked);
  form.dataset.ready = "";
}

/** What progress.js needs of a quiz: where its answers are, its questions and its pass mark. */
export function describeQuiz(form) {
  const pass = Number.parseFloat(form.dataset.pass ?? "");
  return {
    store: form.dataset.store ?? "",
    questions: questionsOf(form).map((q) => q.dataset.question),
    pass: Number.isFinite(pass) ? pass : 1,
  };
}

async function main() {
  const forms = [...document.querySelectorAll("form[data-quiz]")];
  if (!forms.length) return;
  // A quiz counts for its lesson: the page's, or on print.html the chapter holding it (checked
  // there, it was saved but never counted, so the lesson said "Passed." and the contents
  // "Visited").
  const lessonOf = (form) => document.body.dataset.lesson ?? form.closest("[data-lesson]")?.dataset.lesson;
  const onChecked = async (form) => {
    const lesson = lessonOf(form);
    if (!lesson) return;
    const progress = await import(`./progress.js${version}`);
    progress.quizChecked(lesson, forms.filter((f) => lessonOf(f) === lesson).map(describeQuiz));
  };
  await Promise.all(forms.map((form) => mountQuiz(form, onChecked)));
}

main();
