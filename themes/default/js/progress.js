// coursebook default theme: the learner's progress, kept in this browser only. An ES module,
// loaded on every page; the page is complete without it (it only paints).
//
// What it keeps (runtime.js's store, under the course's namespace from <body data-course>):
//   <course>#progress                    { v: 1, last: <lesson>, lessons: { <lesson>: record } }
//       record: { first, visit, attempts, best, last, lastAt, done, marked }  (times in ms)
//   <course>:<lesson>:<quiz>:<question>  one answer, written by quiz.js
// A lesson is named by its front matter `id`, else its URL (content/progress.rs).
//
// What it paints (docs/theming.md): every a[data-lesson] gets data-progress="not-started",
// "visited" or "done" and its state in words; chapters their "3 of 5 done"; the home page its
// Continue link and the course's percentage; a lesson its "Mark as done". The progress page's
// table, review, export, import and forget are progress-page.js's, loaded there only. Space for
// all of it is reserved by the stylesheet, so painting moves nothing (no layout shift).

const version = new URL(import.meta.url).search;
const { store, readJson, stringsReady, t, number, percent } = await import(`./runtime.js${version}`);
await stringsReady;

const body = document.body;
export const COURSE = body.dataset.course || `coursebook:${location.host}`;
export const RECORD = `${COURSE}#progress`;

// ---------------------------------------------------------------------------------------------
// The record of lessons.
// ---------------------------------------------------------------------------------------------

export const isTime = (x) => Number.isFinite(x) && x >= 0;
export const isFraction = (x) => Number.isFinite(x) && x >= 0 && x <= 1;

/** One lesson's record, cleaned: only the fields and types this script writes. */
export function cleanLesson(raw) {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  const r = {};
  for (const field of ["first", "visit", "lastAt", "done"]) {
    if (raw[field] !== undefined && raw[field] !== null) {
      if (!isTime(raw[field])) return null;
      r[field] = raw[field];
    }
  }
  for (const field of ["best", "last"]) {
    if (raw[field] !== undefined && raw[field] !== null) {
      if (!isFraction(raw[field])) return null;
      r[field] = raw[field];
    }
  }
  if (raw.attempts !== undefined) {
    if (!(Number.isInteger(raw.attempts) && raw.attempts >= 0)) return null;
    r.attempts = raw.attempts;
  }
  if (raw.marked !== undefined) r.marked = raw.marked === true;
  return r;
}

export function readRecord() {
  const raw = readJson(RECORD);
  // Lessons by key in an object with no prototype: a lesson `id: __proto__` (or `toString`)
  // read and wrote Object.prototype instead of its own record.
  const record = { v: 1, last: null, lessons: Object.create(null) };
  if (!raw) return record;
  if (typeof raw.last === "string") record.last = raw.last;
  if (raw.lessons && typeof raw.lessons === "object") {
    for (const [key, value] of Object.entries(raw.lessons)) {
      const lesson = cleanLesson(value);
      if (lesson) record.lessons[key] = lesson;
    }
  }
  return record;
}

export function writeRecord(record) {
  store.set(RECORD, JSON.stringify(record));
}

/** "done", "visited" or "not-started". */
export function stateOf(lesson) {
  if (lesson?.done) return "done";
  if (lesson?.visit || lesson?.attempts) return "visited";
  return "not-started";
}

export const STATE_TEXT = { done: "progress_done", visited: "progress_visited", "not-started": "progress_not_started" };

/** The lesson's state in words, with its best score when it has one. */
function stateText(lesson) {
  const state = t(STATE_TEXT[stateOf(lesson)]);
  return Number.isFinite(lesson?.best) ? t("progress_state_best", { state, percent: percent(lesson.best) }) : state;
}

/** This page is a lesson: count the visit. */
function visit(key) {
  const record = readRecord();
  const lesson = (record.lessons[key] ??= {});
  const now = Date.now();
  lesson.first ??= now;
  lesson.visit = now;
  record.last = key;
  writeRecord(record);
}

/** The answers saved for `quiz` (its store), by question id. */
function answersOf(quiz) {
  const found = new Map();
  for (const id of quiz.questions) {
    const entry = readJson(`${quiz.store}:${id}`);
    if (entry) found.set(id, entry);
  }
  return found;
}

/**
 * A quiz of lesson `key` was checked (`quizzes`: every quiz of the lesson, as quiz.js's
 * describeQuiz gives them): count the attempt, keep the last and best scores, and mark the lesson
 * done once every quiz reaches its pass mark.
 */
export function quizChecked(key, quizzes) {
  let total = 0;
  let count = 0;
  let passed = quizzes.length > 0;
  for (const quiz of quizzes) {
    const answers = answersOf(quiz);
    let score = 0;
    for (const entry of answers.values()) {
      if ((entry.state === "correct" || entry.state === "incorrect") && isFraction(entry.score)) score += entry.score;
    }
    const n = quiz.questions.length;
    if (n && score / n + 1e-9 < quiz.pass) passed = false;
    total += score;
    count += n;
  }
  const record = readRecord();
  const lesson = (record.lessons[key] ??= {});
  const now = Date.now();
  const score = count ? total / count : 0;
  lesson.attempts = (lesson.attempts ?? 0) + 1;
  lesson.last = score;
  lesson.lastAt = now;
  lesson.best = Math.max(lesson.best ?? 0, score);
  lesson.first ??= now;
  if (passed) lesson.done ??= now;
  writeRecord(record);
  paint();
}

// ---------------------------------------------------------------------------------------------
// Painting.
// ---------------------------------------------------------------------------------------------

/** The lesson links of a list, in reading order, with their depth (cards, progress rows). */
export function listed(selector) {
  return [...document.querySelectorAll(selector)].map((item) => ({
    item,
    link: item.querySelector("a[data-lesson]"),
    depth: Number.parseInt(item.dataset.depth ?? "1", 10) || 1,
  }));
}

/** For a flat list with depths: each item's descendants (the items after it that are deeper). */
export function descendants(items, index) {
  const out = [];
  for (let i = index + 1; i < items.length && items[i].depth > items[index].depth; i++) out.push(items[i]);
  return out;
}

export function chapterText(record, links) {
  const done = links.filter((a) => stateOf(record.lessons[a.dataset.lesson]) === "done").length;
  return t("progress_chapter", { done: number(done), count: number(links.length) }, links.length);
}

/** Set an element's text only when it changes (no needless mutations, no re-announcements). */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/** A link's state: data-progress, and the state in words for screen readers inside the link. */
function paintLink(record, a, extra) {
  const lesson = record.lessons[a.dataset.lesson];
  a.dataset.progress = stateOf(lesson);
  let hidden = a.querySelector(":scope > .progress-text");
  if (!hidden) {
    hidden = document.createElement("span");
    hidden.className = "progress-text visually-hidden";
    a.append(hidden);
  }
  setText(hidden, ` (${[stateText(lesson), extra].filter(Boolean).join("; ")})`);
}

/** The sidebar and the contents page: nested lists, each chapter's lessons in its own <ol>. */
function paintTrees(record) {
  for (const a of document.querySelectorAll(".toc a[data-lesson], .contents-list a[data-lesson]")) {
    const li = a.closest("li");
    const nested = li?.querySelector(":scope > ol");
    // A sidebar shows some chapters closed or cut short: count only a complete list.
    const complete = nested && !nested.querySelector(".toc-more");
    const extra = complete ? chapterText(record, [...nested.querySelectorAll("a[data-lesson]")]) : "";
    paintLink(record, a, extra);
    const note = li?.querySelector(":scope > [data-note]");
    if (note) setText(note, [stateText(record.lessons[a.dataset.lesson]), extra].filter(Boolean).join(" · "));
  }
}

/** The home page's lesson cards, their notes, the course's percentage and Continue. */
function paintCards(record) {
  const items = listed(".cards > li");
  items.forEach(({ item, link }, i) => {
    if (!link) return;
    const below = descendants(items, i).map((d) => d.link).filter(Boolean);
    const extra = below.length ? chapterText(record, below) : "";
    paintLink(record, link, extra);
    setText(item.querySelector("[data-note]"), [stateText(record.lessons[link.dataset.lesson]), extra].filter(Boolean).join(" · "));
  });
  const links = items.map((i) => i.link).filter(Boolean);
  const go = document.querySelector("a[data-continue]");
  if (!go || !links.length) return;
  const keys = links.map((a) => a.dataset.lesson);
  const visited = record.last !== null && Object.values(record.lessons).some((l) => l.visit);
  if (!visited) return;
  const at = keys.indexOf(record.last);
  let target = at >= 0 ? links[at + 1] : undefined;
  // After the last lesson (or a lesson no longer in the course): the first one not done yet.
  target ??= links.find((a) => stateOf(record.lessons[a.dataset.lesson]) !== "done");
  if (!target) {
    // Every lesson done: the way on is the progress page (its review).
    go.href = new URL("progress.html", rootUrl()).href;
    setText(go, t("progress_see"));
    return;
  }
  go.href = target.href;
  setText(go, t("progress_continue", { title: linkTitle(target) }));
}

/** A lesson link's own text, without the state painted into it. */
export function linkTitle(a) {
  return [...a.childNodes]
    .filter((n) => !(n.nodeType === 1 && n.classList.contains("progress-text")))
    .map((n) => n.textContent)
    .join("")
    .replace(/\s+/g, " ")
    .trim();
}

/** The site's root URL (the stylesheet's folder's parent's parent). */
function rootUrl() {
  return new URL("../../", import.meta.url);
}

/** "40 % of the course done: 2 of 5 lessons." from the complete list when the page has one. */
function paintPercent(record) {
  const links = [...document.querySelectorAll(".cards a[data-lesson], .progress-table a[data-lesson]")];
  let done;
  let count;
  if (links.length) {
    count = links.length;
    done = links.filter((a) => stateOf(record.lessons[a.dataset.lesson]) === "done").length;
  } else {
    count = Number.parseInt(body.dataset.lessonCount ?? "0", 10) || 0;
    done = Math.min(count, Object.values(record.lessons).filter((l) => l.done).length);
  }
  const fraction = count ? done / count : 0;
  for (const el of document.querySelectorAll("[data-course-percent]")) {
    setText(el, t("progress_course", { percent: percent(fraction), done: number(done), count: number(count) }));
  }
  const meter = document.querySelector("progress.course-meter");
  if (meter) meter.value = Math.round(fraction * 100);
}

/** "Mark as done" on a lesson without a quiz: pressed when done. */
function paintMarkDone(record) {
  const button = document.querySelector("[data-mark-done]");
  const key = body.dataset.lesson;
  if (!button || !key) return;
  button.setAttribute("aria-pressed", stateOf(record.lessons[key]) === "done" ? "true" : "false");
}

/** What other modules paint too (progress-page.js: the progress page's table). */
const painters = [];

export function addPainter(painter) {
  painters.push(painter);
}

/** Paint every list of lessons on the page from the learner's record. */
export function paint() {
  const record = readRecord();
  paintTrees(record);
  paintCards(record);
  paintPercent(record);
  paintMarkDone(record);
  for (const painter of painters) painter(record);
}

function wireMarkDone() {
  const button = document.querySelector("[data-mark-done]");
  const key = body.dataset.lesson;
  if (!button || !key) return;
  button.addEventListener("click", () => {
    const record = readRecord();
    const lesson = (record.lessons[key] ??= {});
    if (lesson.done) {
      delete lesson.done;
      lesson.marked = false;
    } else {
      lesson.done = Date.now();
      lesson.marked = true;
    }
    writeRecord(record);
    paint();
  });
}

// ---------------------------------------------------------------------------------------------
// Storage that fails: said once, politely; everything else goes on working.
// ---------------------------------------------------------------------------------------------

let noticeShown = false;

function noticeOnce() {
  if (noticeShown) return;
  noticeShown = true;
  try {
    if (window.sessionStorage.getItem("coursebook:not-saved-said")) return;
    window.sessionStorage.setItem("coursebook:not-saved-said", "1");
  } catch (err) {
    // No session storage either: said once on this page.
  }
  const box = document.createElement("div");
  box.className = "storage-notice";
  box.setAttribute("role", "status");
  box.dataset.storageNotice = "";
  const text = document.createElement("p");
  text.textContent = t("progress_not_saved");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "secondary";
  close.textContent = t("progress_dismiss");
  close.addEventListener("click", () => box.remove());
  box.append(text, close);
  body.append(box);
}

/** Painted: what tests wait for, and a mark the page-weight benchmark reads. */
export function markReady() {
  body.dataset.progressReady = "";
  performance.mark?.("coursebook:progress-painted");
}

// ---------------------------------------------------------------------------------------------

function main() {
  if (!store.saving) noticeOnce();
  document.addEventListener("coursebook:storage-failed", noticeOnce);
  const key = body.dataset.lesson;
  if (key) visit(key);
  paint();
  wireMarkDone();
  // Another tab answered or imported: show it here too.
  window.addEventListener("storage", (e) => {
    if (e.key === null || e.key === RECORD) paint();
  });
  // The progress page is ready when progress-page.js has painted its table too.
  if (!document.querySelector(".progress-table")) markReady();
}

main();
