// Launch Debian's Chromium through playwright-core, and open pages while recording everything
// that went wrong on them: console errors, uncaught exceptions, failed requests, responses with an
// error status, and every request that leaves the test server's origin.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Nothing may leave the machine: no host but 127.0.0.1 resolves.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Phone and desktop viewports used by the tests. */
export const PHONE = { width: 375, height: 667 };
export const DESKTOP = { width: 1280, height: 800 };

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing; run: apt-get install -y chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

function isSameSite(url, origin) {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * Start recording problems on `page`. `origin` is the test server's origin: any request
 * elsewhere is recorded in `external`. `allowStatus(url, status)` may excuse an error status
 * (e.g. the 404 page itself when a test opens a missing URL on purpose).
 */
export function recordProblems(page, origin, { allowStatus = () => false } = {}) {
  const problems = {
    consoleErrors: [],
    pageErrors: [],
    failedRequests: [],
    badResponses: [],
    external: [],
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      // Chromium's console line for an error status: excused like the response itself.
      const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
      if (status && loc?.url && allowStatus(loc.url, Number(status[1]))) return;
      problems.consoleErrors.push(`${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.pageErrors.push(String(err?.stack ?? err)));
  page.on('request', (req) => {
    if (!isSameSite(req.url(), origin)) problems.external.push(`${req.method()} ${req.url()}`);
  });
  page.on('requestfailed', (req) => {
    // Requests blocked because they leave the site are already in `external`.
    if (!isSameSite(req.url(), origin)) return;
    problems.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (res) => {
    const status = res.status();
    if (status >= 400 && !allowStatus(res.url(), status)) {
      problems.badResponses.push(`${status} ${res.url()}`);
    }
  });
  return problems;
}

/** Everything recorded, as one readable string ('' when nothing went wrong). */
export function formatProblems(problems) {
  const out = [];
  for (const [key, list] of Object.entries(problems)) {
    if (list.length) out.push(`${key}:\n${list.map((l) => `  - ${l}`).join('\n')}`);
  }
  return out.join('\n');
}

/**
 * Open `url` in a new page of `context`, recording problems from the first request on.
 * Requests that leave the site are recorded; they fail at once because the browser resolves no
 * host names (see CHROMIUM_ARGS), so a test never reaches out to the network nor hangs on it.
 * Returns { page, problems, response }.
 */
export async function openPage(context, url, { origin = new URL(url).origin, allowStatus, waitUntil = 'load', timeout = 30_000, settle = 150 } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const problems = recordProblems(page, origin, { allowStatus });
  let inflight = 0;
  let lastChange = Date.now();
  const change = (d) => {
    inflight += d;
    lastChange = Date.now();
  };
  // serve's live-reload stream stays open as long as the page: it is never "in flight".
  const counted = (r) => !r.url().includes('/__coursebook/events');
  page.on('request', (r) => counted(r) && change(1));
  page.on('requestfinished', (r) => counted(r) && change(-1));
  page.on('requestfailed', (r) => counted(r) && change(-1));
  const response = await page.goto(url, { waitUntil, timeout });
  // Let late work (module imports, wasm fetched by a script) run and report its errors: wait
  // until no request has been in flight for `settle` ms (Playwright's networkidle waits 500 ms).
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (inflight > 0 || Date.now() - lastChange < settle)) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return { page, problems, response };
}

/** The sum of layout-shift values the page has seen, without recent input (CLS without its
 * session windows): 0 when nothing moved after the first paint. */
export function layoutShift(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(total), 300);
      }),
  );
}
