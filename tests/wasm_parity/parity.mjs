// The wasm half of the parity check: runs tests/wasm_parity/cases.txt through
// the built WebAssembly grader and fails on any difference from the table.
// quiz-wasm/tests/parity.rs checks the native grader against the same table.
//
// Usage: node tests/wasm_parity/parity.mjs <dir with quiz_wasm.js and quiz_wasm_bg.wasm>
// The directory is the root package's build-script OUT_DIR, e.g.
//   node tests/wasm_parity/parity.mjs "$(ls -d target/release/build/coursebook-*/out | head -n1)"
// Exit status: 0 all passed, 1 a case failed, 2 could not run.
// The last line of output is always "N passed, M failed".

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function die(message) {
  console.error(`error: ${message}`);
  console.log('0 passed, 0 failed');
  process.exit(2);
}

// The table's escapes: \t \n \r \\ \u{HEX}. Mirrors unescape() in parity.rs.
function unescape(field, line) {
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = field[++i];
    if (e === 't') out += '\t';
    else if (e === 'n') out += '\n';
    else if (e === 'r') out += '\r';
    else if (e === '\\') out += '\\';
    else if (e === 'u') {
      const close = field.indexOf('}', i);
      if (field[i + 1] !== '{' || close < 0) die(`line ${line}: \\u needs {HEX}`);
      out += String.fromCodePoint(parseInt(field.slice(i + 2, close), 16));
      i = close;
    } else die(`line ${line}: unknown escape \\${e}`);
  }
  return out;
}

function parseExpected(s, line) {
  if (s === 'error') return null;
  const [n, d] = s.split('/');
  const value = d === undefined ? Number(n) : Number(n) / Number(d);
  if (s === '' || !Number.isFinite(value)) die(`line ${line}: bad expected score ${JSON.stringify(s)}`);
  return value;
}

const dir = process.argv[2];
if (!dir) die('usage: node parity.mjs <dir with quiz_wasm.js and quiz_wasm_bg.wasm>');
const jsPath = path.resolve(dir, 'quiz_wasm.js');
const wasmPath = path.resolve(dir, 'quiz_wasm_bg.wasm');
for (const p of [jsPath, wasmPath]) if (!fs.existsSync(p)) die(`${p} does not exist`);

const glue = await import(pathToFileURL(jsPath).href);
glue.initSync({ module: fs.readFileSync(wasmPath) });

// What the page's scripts may call, and nothing more: the grader is one `check` that keeps the
// answer key inside the module (no `reveal`, no `grade` taking a plain key).
const exported = Object.keys(glue).filter((name) => !['default', 'initSync'].includes(name)).sort();
const expectedExports = ['Playground', 'check', 'check_input', 'clip_line', 'equation', 'format_magnitude', 'format_number', 'line_text', 'money', 'predict'];
if (JSON.stringify(exported) !== JSON.stringify(expectedExports)) {
  die(`the module exports ${exported.join(', ')}; expected ${expectedExports.join(', ')}`);
}

const tablePath = path.join(here, 'cases.txt');
const lines = fs.readFileSync(tablePath, 'utf8').split('\n');
let passed = 0;
let failed = 0;
lines.forEach((raw, i) => {
  const line = i + 1;
  // Tolerate a CRLF checkout; a real \r in a field is written as the escape \r.
  raw = raw.replace(/\r$/, '');
  if (raw.trim() === '' || raw.startsWith('#')) return;
  const fields = raw.split('\t');
  if (fields.length !== 3) die(`line ${line}: expected 3 tab-separated fields, found ${fields.length}`);
  const key = unescape(fields[0], line);
  const response = unescape(fields[1], line);
  const expected = parseExpected(fields[2].trim(), line);
  // One call, as the page makes it: a key written as is (not concealed), no details.
  const checked = JSON.parse(glue.check(key, '', response, ''));
  const got = checked.score / 1e12;
  const ok = expected === null ? got === -1 : Math.abs(got - expected) < 1e-12;
  if (ok) {
    passed++;
  } else {
    failed++;
    const why = got === -1 ? ` (${checked.error})` : '';
    console.log(
      `FAIL line ${line}: key ${JSON.stringify(key)} response ${JSON.stringify(response)}: ` +
        `expected ${expected === null ? 'error (-1)' : expected}, got ${got}${why}`,
    );
  }
});

if (passed + failed === 0) die(`no cases in ${tablePath}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
