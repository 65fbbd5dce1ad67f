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
// Continue link and the course's percentage; the progress page its table, the review of missed
// questions (fetched from their lessons), export, import and forget. Space for all of it is
// reserved by the stylesheet, so painting moves nothing (no layout shift).

const version = new URL(import.meta.url).search;
const { store, readJson, stringsReady, t, number, percent, language } = await import(`./runtime.js${version}`);
await stringsReady;

const FORMAT = "coursebook-progress";
const FORMAT_VERSION = 1;
const body = document.body;
const COURSE = body.dataset.course || `coursebook:${location.host}`;
const RECORD = `${COURSE}#progress`;
const STATES = new Set(["correct", "incorrect", "unanswered"]);

// ---------------------------------------------------------------------------------------------
// The record of lessons.
// ---------------------------------------------------------------------------------------------

const isTime = (x) => Number.isFinite(x) && x >= 0;
const isFraction = (x) => Number.isFinite(x) && x >= 0 && x <= 1;

/** One lesson's record, cleaned: only the fields and types this script writes. */
function cleanLesson(raw) {
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

function readRecord() {
  const raw = readJson(RECORD);
  const record = { v: 1, last: null, lessons: {} };
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

function writeRecord(record) {
  store.set(RECORD, JSON.stringify(record));
}

/** "done", "visited" or "not-started". */
function stateOf(lesson) {
  if (lesson?.done) return "done";
  if (lesson?.visit || lesson?.attempts) return "visited";
  return "not-started";
}

const STATE_TEXT = { done: "progress_done", visited: "progress_visited", "not-started": "progress_not_started" };

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
function listed(selector) {
  return [...document.querySelectorAll(selector)].map((item) => ({
    item,
    link: item.querySelector("a[data-lesson]"),
    depth: Number.parseInt(item.dataset.depth ?? "1", 10) || 1,
  }));
}

/** For a flat list with depths: each item's descendants (the items after it that are deeper). */
function descendants(items, index) {
  const out = [];
  for (let i = index + 1; i < items.length && items[i].depth > items[index].depth; i++) out.push(items[i]);
  return out;
}

function chapterText(record, links) {
  const done = links.filter((a) => stateOf(record.lessons[a.dataset.lesson]) === "done").length;
  return t("progress_chapter", { done: number(done), count: number(links.length) }, links.length);
}

/** Set an element's text only when it changes (no needless mutations, no re-announcements). */
function setText(el, text) {
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
    go.href = new URL("progress.html", rootUrl()).href;
    setText(go, t("progress_continue", { title: t("progress_done") }));
    return;
  }
  go.href = target.href;
  setText(go, t("progress_continue", { title: linkTitle(target) }));
}

/** A lesson link's own text, without the state painted into it. */
function linkTitle(a) {
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

function formatDate(ms) {
  try {
    return new Intl.DateTimeFormat(language(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms));
  } catch (err) {
    return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  }
}

/** The progress page's table: a row per lesson, chapters with their counts. */
function paintTable(record) {
  const items = listed(".progress-table tbody tr");
  const none = t("progress_none");
  items.forEach(({ item, link }, i) => {
    if (!link) return;
    const lesson = record.lessons[link.dataset.lesson];
    const below = descendants(items, i).map((d) => d.link).filter(Boolean);
    const extra = below.length ? chapterText(record, below) : "";
    link.dataset.progress = stateOf(lesson);
    item.dataset.progress = stateOf(lesson);
    const cell = (name) => item.querySelector(`[data-cell="${name}"]`);
    setText(cell("state"), [t(STATE_TEXT[stateOf(lesson)]), extra].filter(Boolean).join(" · "));
    setText(cell("best"), Number.isFinite(lesson?.best) ? percent(lesson.best) : none);
    setText(cell("last"), Number.isFinite(lesson?.last) ? percent(lesson.last) : none);
    setText(cell("attempts"), number(lesson?.attempts ?? 0, 0));
    setText(cell("visit"), lesson?.visit ? formatDate(lesson.visit) : none);
  });
}

/** "Mark as done" on a lesson without a quiz: pressed when done. */
function paintMarkDone(record) {
  const button = document.querySelector("[data-mark-done]");
  const key = body.dataset.lesson;
  if (!button || !key) return;
  button.setAttribute("aria-pressed", stateOf(record.lessons[key]) === "done" ? "true" : "false");
}

export function paint() {
  const record = readRecord();
  paintTrees(record);
  paintCards(record);
  paintTable(record);
  paintPercent(record);
  paintMarkDone(record);
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

// ---------------------------------------------------------------------------------------------
// The progress page: the review of missed questions.
// ---------------------------------------------------------------------------------------------

/** Every saved answer of the course: { key, lesson, quiz, question, entry }. */
function allAnswers() {
  const prefix = `${COURSE}:`;
  const out = [];
  for (const key of store.keys(prefix)) {
    const rest = key.slice(prefix.length);
    const parts = rest.split(":");
    if (parts.length < 3) continue;
    const question = parts.pop();
    const quiz = parts.pop();
    const entry = readJson(key);
    if (entry) out.push({ key, rest, lesson: parts.join(":"), quiz, question, entry });
  }
  return out;
}

let reviewCount = 0;

/** A fetched quiz, cut to the missed questions and made to fit this page (ids, links). */
function reviewForm(form, missed, lessonUrl) {
  const copy = document.importNode(form, true);
  copy.dataset.partial = "";
  for (const q of copy.querySelectorAll("[data-question]")) {
    const entry = missed.get(q.dataset.question);
    if (!entry || entry.fp !== (q.dataset.fingerprint ?? "")) q.remove();
  }
  if (!copy.querySelector("[data-question]")) return null;
  copy.querySelector("[data-reset]")?.remove();
  const prefix = `review${++reviewCount}-`;
  const ids = new Set([...copy.querySelectorAll("[id]")].map((el) => el.id));
  for (const el of copy.querySelectorAll("[id]")) el.id = prefix + el.id;
  for (const attr of ["for", "aria-describedby", "aria-labelledby", "aria-controls"]) {
    for (const el of [copy, ...copy.querySelectorAll(`[${attr}]`)]) {
      if (!el.hasAttribute(attr)) continue;
      el.setAttribute(attr, el.getAttribute(attr).split(/\s+/).map((id) => (ids.has(id) ? prefix + id : id)).join(" "));
    }
  }
  // Links and images point where they did on the lesson.
  for (const el of copy.querySelectorAll("[href], [src]")) {
    const attr = el.hasAttribute("href") ? "href" : "src";
    const value = el.getAttribute(attr);
    if (value.startsWith("#")) {
      const id = value.slice(1);
      el.setAttribute(attr, ids.has(id) ? `#${prefix}${id}` : new URL(value, lessonUrl).href);
    } else {
      el.setAttribute(attr, new URL(value, lessonUrl).href);
    }
  }
  // Under the review's lesson heading (h3), the quiz's title is a level below.
  const title = copy.querySelector(".quiz-title");
  if (title) {
    const h4 = document.createElement("h4");
    h4.className = title.className;
    h4.id = title.id;
    h4.innerHTML = title.innerHTML;
    title.replaceWith(h4);
  }
  return copy;
}

async function buildReview() {
  const region = document.querySelector("[data-review]");
  const status = document.querySelector("[data-review-status]");
  if (!region) return;
  region.replaceChildren();
  const rows = new Map(
    [...document.querySelectorAll(".progress-table a[data-lesson]")].map((a) => [a.dataset.lesson, a]),
  );
  const missed = allAnswers().filter((a) => a.entry.state === "incorrect" && rows.has(a.lesson));
  if (!missed.length) {
    setText(status, t("progress_review_empty"));
    return;
  }
  setText(status, t("progress_review_loading"));
  // By lesson, in the course's order.
  const byLesson = new Map();
  for (const key of rows.keys()) byLesson.set(key, []);
  for (const a of missed) byLesson.get(a.lesson).push(a);
  const quiz = await import(`./quiz.js${version}`);
  let shown = 0;
  for (const [key, answers] of byLesson) {
    if (!answers.length) continue;
    const link = rows.get(key);
    const title = linkTitle(link) || key;
    const section = document.createElement("section");
    section.className = "review-lesson";
    const heading = document.createElement("h3");
    const back = document.createElement("a");
    back.href = link.href;
    back.textContent = t("progress_review_from", { lesson: title });
    heading.append(back);
    section.append(heading);
    let doc;
    try {
      const response = await fetch(link.href);
      if (!response.ok) throw new Error(String(response.status));
      doc = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (err) {
      const p = document.createElement("p");
      p.textContent = t("progress_review_failed", { lesson: title });
      section.append(p);
      region.append(section);
      continue;
    }
    const forms = [...doc.querySelectorAll("form[data-quiz]")];
    const quizzes = forms.map((f) => quiz.describeQuiz(f));
    const mounted = [];
    for (const form of forms) {
      const store = form.dataset.store ?? "";
      const mine = new Map(answers.filter((a) => `${COURSE}:${a.rest}`.startsWith(`${store}:`)).map((a) => [a.question, a.entry]));
      if (!mine.size) continue;
      const copy = reviewForm(form, mine, link.href);
      if (!copy) continue;
      shown += copy.querySelectorAll("[data-question]").length;
      section.append(copy);
      mounted.push(copy);
    }
    if (!mounted.length) continue;
    region.append(section);
    for (const form of mounted) quiz.mountQuiz(form, () => quizChecked(key, quizzes));
  }
  setText(status, shown ? t("progress_review_count", { count: number(shown) }, shown) : t("progress_review_empty"));
}

// ---------------------------------------------------------------------------------------------
// The progress page: export, import, forget.
// ---------------------------------------------------------------------------------------------

function courseTitle() {
  return document.querySelector(".site-title")?.textContent.trim() ?? "";
}

/** The whole journey as one JSON document (the schema is in docs/formats.md). */
function exportData() {
  const answers = {};
  for (const a of allAnswers()) answers[a.rest] = a.entry;
  const record = readRecord();
  return {
    format: FORMAT,
    version: FORMAT_VERSION,
    course: { title: courseTitle(), id: COURSE },
    exported: new Date().toISOString(),
    last: record.last,
    lessons: record.lessons,
    answers,
  };
}

function download() {
  const text = JSON.stringify(exportData(), null, 2);
  const blob = new Blob([text], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  const slug = (courseTitle().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-|-$/g, "") || "course").slice(0, 60);
  a.download = `${slug}-progress.json`;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

class ImportError extends Error {}

/** A saved answer as quiz.js writes it, or null. */
function cleanAnswer(raw) {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  if (typeof raw.fp !== "string" || typeof raw.response !== "string" || !STATES.has(raw.state)) return null;
  if (!isFraction(raw.score) || !isTime(raw.t)) return null;
  return { fp: raw.fp, response: raw.response, state: raw.state, score: raw.score, t: raw.t };
}

/**
 * Merge an exported file into this browser: per answer the newer one wins, per lesson the union
 * (first visit earliest, last visit latest, best highest, done if done anywhere). Returns what
 * it took; throws ImportError (nothing changed) for a file that is not this course's progress.
 */
function importData(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ImportError(t("progress_import_unreadable", { reason: "JSON" }));
  }
  if (!data || typeof data !== "object" || data.format !== FORMAT) {
    throw new ImportError(t("progress_import_unreadable", { reason: "format" }));
  }
  if (!Number.isInteger(data.version) || data.version < 1) {
    throw new ImportError(t("progress_import_unreadable", { reason: "version" }));
  }
  if (data.version > FORMAT_VERSION) throw new ImportError(t("progress_import_newer"));
  if (!data.course || typeof data.course !== "object" || data.course.id !== COURSE) {
    const title = typeof data.course?.title === "string" ? data.course.title.slice(0, 200) : "?";
    throw new ImportError(t("progress_import_foreign", { course: title }));
  }
  const answers = data.answers && typeof data.answers === "object" && !Array.isArray(data.answers) ? data.answers : {};
  const lessons = data.lessons && typeof data.lessons === "object" && !Array.isArray(data.lessons) ? data.lessons : {};
  let taken = 0;
  let kept = 0;
  let skipped = 0;
  for (const [rest, raw] of Object.entries(answers)) {
    const entry = cleanAnswer(raw);
    if (!entry || rest.split(":").length < 3 || rest.length > 1000) {
      skipped += 1;
      continue;
    }
    const key = `${COURSE}:${rest}`;
    const here = readJson(key);
    if (here && isTime(here.t) && here.t >= entry.t) {
      if (here.t > entry.t || JSON.stringify(cleanAnswer(here)) !== JSON.stringify(entry)) kept += 1;
      continue;
    }
    store.set(key, JSON.stringify(entry));
    taken += 1;
  }
  const record = readRecord();
  let lessonsTaken = 0;
  for (const [key, raw] of Object.entries(lessons)) {
    const theirs = cleanLesson(raw);
    if (!theirs || key.length > 1000) {
      skipped += 1;
      continue;
    }
    const ours = record.lessons[key] ?? {};
    const merged = { ...ours };
    const min = (a, b) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
    const max = (a, b) => (a === undefined ? b : b === undefined ? a : Math.max(a, b));
    merged.first = min(ours.first, theirs.first);
    merged.visit = max(ours.visit, theirs.visit);
    merged.attempts = max(ours.attempts, theirs.attempts);
    merged.best = max(ours.best, theirs.best);
    merged.done = min(ours.done, theirs.done);
    if ((theirs.lastAt ?? 0) > (ours.lastAt ?? 0)) {
      merged.last = theirs.last;
      merged.lastAt = theirs.lastAt;
    }
    merged.marked = ours.marked === true || theirs.marked === true;
    for (const field of Object.keys(merged)) if (merged[field] === undefined) delete merged[field];
    record.lessons[key] = merged;
    lessonsTaken += 1;
  }
  if (typeof data.last === "string" && data.last.length <= 1000) {
    const theirVisit = cleanLesson(lessons[data.last])?.visit ?? 0;
    const ourVisit = record.last ? record.lessons[record.last]?.visit ?? 0 : 0;
    if (!record.last || theirVisit > ourVisit) record.last = data.last;
  }
  writeRecord(record);
  return { taken, kept, skipped, lessons: lessonsTaken };
}

function forgetAll() {
  for (const key of store.keys(`${COURSE}:`)) store.remove(key);
  store.remove(RECORD);
}

function wireProgressPage() {
  const exportButton = document.querySelector("[data-export]");
  const importInput = document.querySelector("input[data-import]");
  const status = document.querySelector("[data-import-status]");
  exportButton?.addEventListener("click", download);
  importInput?.addEventListener("change", async () => {
    const file = importInput.files?.[0];
    if (!file) return;
    let message;
    try {
      if (file.size > 20 * 1024 * 1024) throw new ImportError(t("progress_import_unreadable", { reason: "size" }));
      const result = importData(await file.text());
      message = t("progress_imported", { answers: number(result.taken), lessons: number(result.lessons) });
      if (result.kept) message += ` ${t("progress_kept", { count: number(result.kept) }, result.kept)}`;
      if (result.skipped) message += ` ${t("progress_skipped", { count: number(result.skipped) }, result.skipped)}`;
    } catch (err) {
      message = err instanceof ImportError ? err.message : t("progress_import_unreadable", { reason: String(err?.name ?? "error") });
    }
    importInput.value = "";
    setText(status, message);
    paint();
    buildReview();
  });
  const forget = document.querySelector("[data-forget]");
  const confirmBox = document.querySelector("[data-forget-confirm]");
  if (forget && confirmBox) {
    const close = (focus) => {
      confirmBox.hidden = true;
      forget.setAttribute("aria-expanded", "false");
      if (focus) forget.focus();
    };
    forget.addEventListener("click", () => {
      confirmBox.hidden = false;
      forget.setAttribute("aria-expanded", "true");
      confirmBox.querySelector("[data-forget-no]")?.focus();
    });
    confirmBox.querySelector("[data-forget-no]")?.addEventListener("click", () => close(true));
    confirmBox.addEventListener("keydown", (e) => {
      if (e.key === "Escape") close(true);
    });
    confirmBox.querySelector("[data-forget-yes]")?.addEventListener("click", () => {
      forgetAll();
      close(true);
      setText(status, t("progress_forgotten"));
      paint();
      buildReview();
    });
  }
}

// ---------------------------------------------------------------------------------------------

function main() {
  if (!store.saving) noticeOnce();
  document.addEventListener("coursebook:storage-failed", noticeOnce);
  const key = body.dataset.lesson;
  if (key) visit(key);
  paint();
  wireMarkDone();
  if (document.querySelector(".progress-table")) {
    wireProgressPage();
    buildReview();
  }
  // Another tab answered or imported: show it here too.
  window.addEventListener("storage", (e) => {
    if (e.key === null || e.key === RECORD) paint();
  });
  body.dataset.progressReady = "";
}

main();
