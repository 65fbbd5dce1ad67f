// coursebook default theme: the house-price calculator and the fit-the-line playground. An ES
// module (always strict), no dependencies, loaded only on pages with a widget. The pages work
// without it: the build already wrote the calculator's worked example, the playground's data
// table and its least-squares line.
//
// Markup (built by src/widgets/calculator.rs and playground.rs):
//   [data-widget="calculator"][data-lang][data-currency]
//     input[name=size|w|b] (type=number, aria-describedby -> [data-message=<name>])
//     input[data-range=<name>] (a slider for each), output[name=price], [data-equation]
//   [data-widget="playground"][data-lang][data-sizes][data-prices][data-w][data-b]
//     svg[data-chart][data-x0][data-x1][data-y0][data-y1][data-frame] with line[data-line]
//     output[name=w|b|loss|steps], input[name=learning-rate], button[data-action=step|run|reset]
//     [data-diverged] (role=alert), [data-announce] (role=status), svg[data-loss-chart]
//
// Every number is computed and formatted by quiz-wasm (quiz_wasm.js, next to this file), the same
// Rust code that wrote the no-JavaScript numbers at build time, so both always agree. Controls are
// disabled in the markup and enabled once the WebAssembly is ready.

// runtime.js with this module's own ?v=, so quiz.js and widgets.js share one instance of it
// (and the page one quiz-wasm).
const { loadWasm, stringsReady, t } = await import(`./runtime.js${new URL(import.meta.url).search}`);
await stringsReady;

// ---------------------------------------------------------------------------------------------
// The maths, loaded once for every widget on the page.
// ---------------------------------------------------------------------------------------------

/** The page's language for number formatting: the widget's data-lang, else <html lang>. */
function languageOf(root) {
  return root.dataset.lang || document.documentElement.lang || "en";
}

/**
 * A number input's text for check_input. A type=number input reports "" both when it is empty
 * and when it holds something that is not a number ("1e", "--"); tell those apart, so the
 * learner reads "must be a number" rather than "is empty".
 */
function inputText(input) {
  return input.validity && input.validity.badInput ? "?" : input.value;
}

/**
 * quiz-wasm's verdict on a number field (`empty`, `separators`, `invalid`, `too_large`, or "" for
 * a usable number) worded for the field (`size`, `w`, `b`, `rate`) in the page's language.
 */
function inputProblem(code, field) {
  if (!code) return "";
  return t(`input_${code}`, { field: t(`field_${field}`), expected: t(`expected_${field}`) });
}

/** Show or clear an input's inline message (its aria-describedby target). */
function setProblem(input, message, problem) {
  if (problem) {
    input.setAttribute("aria-invalid", "true");
    if (message && message.textContent !== problem) message.textContent = problem;
  } else {
    input.removeAttribute("aria-invalid");
    if (message && message.textContent !== "") message.textContent = "";
  }
}

function reducedMotion() {
  try {
    return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  } catch (err) {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The calculator.
// ---------------------------------------------------------------------------------------------

function setupCalculator(root, wasm) {
  const lang = languageOf(root);
  const currency = root.dataset.currency ?? "";
  const output = root.querySelector('output[name="price"]');
  const equationLine = root.querySelector("[data-equation]");
  const fields = ["size", "w", "b"].map((name) => {
    const input = root.querySelector(`input[name="${name}"]`);
    return {
      name,
      input,
      range: root.querySelector(`input[data-range="${name}"]`),
      message: root.querySelector(`[data-message="${name}"]`),
      allowNegative: input?.dataset.allowNegative !== "false" && name !== "size",
    };
  });
  if (!output || fields.some((f) => !f.input)) return;

  /** The field's number, or null after showing why it cannot be used. */
  function read(field) {
    const text = inputText(field.input);
    const problem = inputProblem(wasm.check_input(text, field.allowNegative), field.name);
    setProblem(field.input, field.message, problem);
    return problem ? null : Number(text);
  }

  function syncRange(field, value) {
    if (!field.range || value === null) return;
    if (document.activeElement !== field.range) field.range.value = String(value);
    field.range.setAttribute("aria-valuetext", wasm.format_number(value, lang));
  }

  function update() {
    const [size, w, b] = fields.map(read);
    fields.forEach((field, i) => syncRange(field, [size, w, b][i]));
    const price = size === null || w === null || b === null ? null : wasm.predict(w, size, b);
    // Non-finite only for absurd inputs (w × size beyond 1e308): show no number rather than ∞.
    if (price === null || !Number.isFinite(price)) {
      output.textContent = "—";
      output.dataset.value = "";
      root.dataset.state = "invalid";
      equationLine.textContent =
        price === null ? wasm.equation(w ?? NaN, size ?? NaN, b ?? NaN, lang) : t("too_large");
      return;
    }
    output.textContent = wasm.money(price, currency, lang);
    output.dataset.value = String(price);
    root.dataset.state = "ok";
    equationLine.textContent = wasm.equation(w, size, b, lang);
  }

  for (const field of fields) {
    field.input.addEventListener("input", update);
    field.range?.addEventListener("input", () => {
      field.input.value = field.range.value;
      update();
    });
    field.input.disabled = false;
    if (field.range) field.range.disabled = false;
  }
  // The browser may have restored edited values (back/forward): compute from what is shown.
  update();
}

// ---------------------------------------------------------------------------------------------
// The playground.
// ---------------------------------------------------------------------------------------------

function numbers(text) {
  return (text ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** `left right top bottom` of a chart's plotting area, in SVG units. */
function frameOf(svg) {
  const [left, right, top, bottom] = numbers(svg.dataset.frame);
  return { left, right, top, bottom };
}

function round2(x) {
  return String(Math.round(x * 100) / 100);
}

function setupPlayground(root, wasm) {
  const lang = languageOf(root);
  const fmt = (x) => wasm.format_number(x, lang);
  // Losses reach billions: past a million they read as powers of ten ("1.4 × 10¹¹").
  const magnitude = (x) => wasm.format_magnitude(x, lang);
  const xs = numbers(root.dataset.sizes);
  const ys = numbers(root.dataset.prices);
  const chart = root.querySelector("svg[data-chart]");
  const line = chart?.querySelector("[data-line]");
  const chartDesc = chart?.querySelector("[data-chart-desc]");
  const lossChart = root.querySelector("svg[data-loss-chart]");
  const lossLine = lossChart?.querySelector("[data-loss-line]");
  const lossDesc = lossChart?.querySelector("[data-chart-desc]");
  const lossMax = lossChart?.querySelector("[data-loss-max]");
  const lossMin = lossChart?.querySelector("[data-loss-min]");
  const lossAxis = lossChart?.querySelector("[data-loss-axis]");
  const lossAxisText = lossAxis?.textContent ?? "";
  const lossMinAt = lossMin ? ["x", "y", "text-anchor"].map((a) => lossMin.getAttribute(a)) : [];
  const stepsMax = lossChart?.querySelector("[data-steps-max]");
  const out = {};
  for (const name of ["w", "b", "loss", "steps"]) out[name] = root.querySelector(`output[name="${name}"]`);
  const rate = root.querySelector('input[name="learning-rate"]');
  const rateMessage = root.querySelector('[data-message="learning-rate"]');
  const stepButton = root.querySelector('button[data-action="step"]');
  const runButton = root.querySelector('button[data-action="run"]');
  const resetButton = root.querySelector('button[data-action="reset"]');
  const alert = root.querySelector("[data-diverged]");
  const announcer = root.querySelector("[data-announce]");
  if (!chart || !line || !lossChart || !lossLine || !rate || !stepButton || !runButton || !resetButton) return;
  if (Object.values(out).some((o) => !o) || xs.length === 0 || xs.length !== ys.length) return;

  // The chart's frame as quiz-wasm's clip_line takes it: data box, then SVG box.
  const { left, right, top, bottom } = frameOf(chart);
  const frame = Float64Array.from([chart.dataset.x0, chart.dataset.x1, chart.dataset.y0, chart.dataset.y1, left, right, top, bottom].map(Number));
  const lossFrame = frameOf(lossChart);
  const runSteps = Math.max(1, Number(runButton.dataset.steps) || 25);
  const fit = new wasm.Playground(Float64Array.from(xs), Float64Array.from(ys), Number(root.dataset.w) || 0, Number(root.dataset.b) || 0);
  let history = [fit.loss()];
  let pending = 0;
  let timer = null;
  let runRate = 0;

  /** The learning rate, or null after showing why it cannot be used. */
  function readRate() {
    const text = inputText(rate);
    const problem = inputProblem(wasm.check_input(text, false), "rate");
    setProblem(rate, rateMessage, problem);
    return problem ? null : Number(text);
  }

  function show(output, value) {
    output.textContent = fmt(value);
    output.dataset.value = String(value);
  }

  function drawLine() {
    const w = fit.w();
    const b = fit.b();
    // Clipped and rounded in wasm, as the build drew it.
    const ends = wasm.clip_line(w, b, frame);
    if (ends.length === 4) {
      const [x1, y1, x2, y2] = ends;
      line.setAttribute("x1", x1);
      line.setAttribute("y1", y1);
      line.setAttribute("x2", x2);
      line.setAttribute("y2", y2);
      line.removeAttribute("visibility");
    } else {
      line.setAttribute("visibility", "hidden");
    }
    if (chartDesc) {
      const where = ends.length === 4 ? "" : ` ${t("outside_chart")}`;
      chartDesc.textContent = `${chartDesc.dataset.summary ?? ""} ${t("current_line", { line: wasm.line_text(w, b, lang, t("line")) })}${where}`.trim();
    }
  }

  /**
   * The loss after each step. A loss that spans more than two powers of ten (a learning rate
   * that diverges, or a fast first step) is drawn on a log scale, so the later steps are not a
   * flat line at the bottom; the axis says so and its ends carry the smallest and largest loss.
   */
  function drawLoss() {
    const n = history.length - 1;
    const xMax = Math.max(runSteps, Math.ceil(n / runSteps) * runSteps);
    const finite = history.filter((x) => Number.isFinite(x) && x >= 0);
    const yMax = Math.max(...finite, 0) || 1;
    const positive = finite.filter((x) => x > 0);
    const yMin = positive.length ? Math.min(...positive) : yMax;
    const log = yMax / yMin > 100;
    const { left, right, top, bottom } = lossFrame;
    const height = (loss) => {
      if (!Number.isFinite(loss)) return 1;
      if (!log) return Math.min(loss, yMax) / yMax;
      return (Math.log10(Math.max(loss, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
    };
    const points = history.map((loss, i) => {
      const x = left + (i / xMax) * (right - left);
      const y = bottom - height(loss) * (bottom - top);
      return `${round2(x)},${round2(y)}`;
    });
    lossLine.setAttribute("points", points.join(" "));
    if (lossMax) lossMax.textContent = magnitude(yMax);
    if (lossMin) {
      lossMin.textContent = log ? magnitude(yMin) : "0";
      // A log scale's lower end is a number, not 0: inside the chart, where it has room.
      const [x, y, anchor] = log ? [left + 4, bottom - 4, "start"] : lossMinAt;
      lossMin.setAttribute("x", x);
      lossMin.setAttribute("y", y);
      lossMin.setAttribute("text-anchor", anchor);
    }
    if (lossAxis) lossAxis.textContent = log ? t("loss_axis_log") : lossAxisText;
    if (stepsMax) stepsMax.textContent = fmt(xMax);
    if (lossDesc) {
      const last = history[n];
      lossDesc.textContent =
        n === 0
          ? t("no_steps", { loss: magnitude(last) })
          : t(last <= history[0] ? "after_steps_down" : "after_steps_up", { count: fmt(n), loss: magnitude(last), start: magnitude(history[0]) }, n);
    }
  }

  function draw() {
    show(out.w, fit.w());
    show(out.b, fit.b());
    out.loss.textContent = magnitude(fit.loss());
    out.loss.dataset.value = String(fit.loss());
    show(out.steps, fit.iterations());
    drawLine();
    drawLoss();
    const message = fit.diverged() ? t("diverged") : "";
    if (alert && alert.textContent !== message) alert.textContent = message;
    root.dataset.state = fit.diverged() ? "diverged" : "ok";
  }

  function announce(prefix) {
    if (!announcer || fit.diverged()) return; // the alert speaks for itself
    announcer.textContent = t("step_state", { step: prefix, w: fmt(fit.w()), b: fmt(fit.b()), loss: magnitude(fit.loss()) });
  }

  /** One step; false when the fit refused it or has diverged. */
  function stepOnce(lr) {
    const before = fit.iterations();
    fit.step(lr);
    if (fit.iterations() !== before) history.push(fit.loss());
    return !fit.diverged();
  }

  function stopRunning() {
    pending = 0;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function tick() {
    timer = null;
    let going = pending > 0;
    if (going) {
      pending -= 1;
      going = stepOnce(runRate);
    }
    draw();
    if (going && pending > 0) {
      timer = setTimeout(tick, 40);
    } else {
      pending = 0;
      announce(t("announce_steps", { count: fmt(fit.iterations()) }, fit.iterations()));
    }
  }

  stepButton.addEventListener("click", () => {
    const lr = readRate();
    if (lr === null) {
      rate.focus();
      return;
    }
    stopRunning();
    stepOnce(lr);
    draw();
    announce(t("announce_step", { count: fmt(fit.iterations()) }));
  });

  runButton.addEventListener("click", () => {
    const lr = readRate();
    if (lr === null) {
      rate.focus();
      return;
    }
    runRate = lr;
    if (reducedMotion()) {
      stopRunning();
      for (let i = 0; i < runSteps && stepOnce(lr); i += 1);
      draw();
      announce(t("announce_steps", { count: fmt(fit.iterations()) }, fit.iterations()));
      return;
    }
    pending += runSteps;
    if (timer === null) tick();
  });

  resetButton.addEventListener("click", () => {
    stopRunning();
    fit.reset();
    history = [fit.loss()];
    draw();
    announce(t("back_to_start"));
  });

  rate.addEventListener("input", readRate);

  for (const control of [rate, stepButton, runButton, resetButton]) control.disabled = false;
  readRate();
  draw();
}

// ---------------------------------------------------------------------------------------------
// Start every widget on the page.
// ---------------------------------------------------------------------------------------------

const SETUP = { calculator: setupCalculator, playground: setupPlayground };

function couldNotLoad(root) {
  if (root.querySelector(".widget-error")) return;
  const p = document.createElement("p");
  p.className = "notice widget-error";
  p.textContent = t("widget_failed");
  root.append(p);
}

async function start() {
  const roots = [...document.querySelectorAll("[data-widget]")].filter((r) => SETUP[r.dataset.widget]);
  if (roots.length === 0) return;
  const wasm = await loadWasm();
  for (const root of roots) {
    if (root.dataset.ready) continue;
    try {
      if (!wasm) throw new Error("quiz-wasm did not load");
      SETUP[root.dataset.widget](root, wasm);
      root.dataset.ready = "true";
    } catch (err) {
      couldNotLoad(root);
    }
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
