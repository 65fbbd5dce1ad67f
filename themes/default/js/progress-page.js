// coursebook default theme: the progress page (progress.html), on top of progress.js: the table
// of every lesson, the review of missed questions (each fetched from its lesson, so the page
// stays small however large the course), and export, import and forget. An ES module, loaded on
// the progress page only. The export's schema is in docs/formats.md.

const version = new URL(import.meta.url).search;
const { store, readJson, stringsReady, t, number, percent, language } = await import(`./runtime.js${version}`);
const progress = await import(`./progress.js${version}`);
await stringsReady;
const { COURSE, RECORD, STATE_TEXT, cleanLesson, isFraction, isTime, readRecord, writeRecord, stateOf } = progress;
const { chapterText, descendants, linkTitle, listed, setText, paint, quizChecked } = progress;

const FORMAT = "coursebook-progress";
const FORMAT_VERSION = 1;
const STATES = new Set(["correct", "incorrect", "unanswered"]);

// ---------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------

let dateFormat;

function formatDate(ms) {
  try {
    dateFormat ??= new Intl.DateTimeFormat(language(), { dateStyle: "short", timeStyle: "short" });
    return dateFormat.format(new Date(ms));
  } catch (err) {
    return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  }
}

/** The progress page's table: a row per lesson, chapters with their counts. */
function paintTable(record) {
  const table = document.querySelector(".progress-table");
  if (!table) return;
  // Columns by the head's data-cell names; each cell gets its column's name as its label (shown
  // before it on narrow screens, where the table is a list).
  const columns = [...table.querySelectorAll("thead th")].slice(1).map((th) => [th.dataset.cell, th.textContent.trim()]);
  const items = listed(".progress-table tbody tr");
  const none = t("progress_none");
  items.forEach(({ item, link }, i) => {
    if (!link) return;
    const lesson = record.lessons[link.dataset.lesson];
    const below = descendants(items, i).map((d) => d.link).filter(Boolean);
    const extra = below.length ? chapterText(record, below) : "";
    link.dataset.progress = stateOf(lesson);
    item.dataset.progress = stateOf(lesson);
    const text = {
      state: [t(STATE_TEXT[stateOf(lesson)]), extra].filter(Boolean).join(" · "),
      best: Number.isFinite(lesson?.best) ? percent(lesson.best) : none,
      last: Number.isFinite(lesson?.last) ? percent(lesson.last) : none,
      attempts: number(lesson?.attempts ?? 0, 0),
      visit: lesson?.visit ? formatDate(lesson.visit) : none,
    };
    const cells = item.querySelectorAll(":scope > td");
    columns.forEach(([name, label], c) => {
      const cell = cells[c];
      if (!cell) return;
      if (cell.dataset.cell !== name) {
        cell.dataset.cell = name;
        cell.dataset.label = label;
      }
      setText(cell, text[name] ?? "");
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The review of missed questions.
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
  copy.querySelector("[data-reset-confirm]")?.remove();
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
    for (const form of mounted) {
      quiz.mountQuiz(form, () => {
        recountReview(region, status);
        return quizChecked(key, quizzes);
      });
    }
  }
  setText(status, shown ? t("progress_review_count", { count: number(shown) }, shown) : t("progress_review_empty"));
}

/**
 * A question answered right in the review is done: marked so (data-reviewed) and no longer
 * counted in the status line, at once, as the learner would expect from the count.
 */
function recountReview(region, status) {
  let left = 0;
  for (const q of region.querySelectorAll("[data-question]")) {
    const right = q.querySelector("[data-result]")?.dataset.state === "correct";
    q.toggleAttribute("data-reviewed", right);
    if (!right) left += 1;
  }
  setText(status, left ? t("progress_review_count", { count: number(left) }, left) : t("progress_review_empty"));
}

// ---------------------------------------------------------------------------------------------
// Export, import, forget.
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
  const lessons = data.lessons && typeof data.lessons === "object" && !Array.isArray(data.lessons) ? data.lessons : Object.create(null);
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

progress.addPainter(paintTable);
paint();
wireProgressPage();
progress.markReady();
buildReview();
