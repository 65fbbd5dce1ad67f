// The W3C Nu HTML Checker (npm vnu-jar) run on built HTML files.
//
// The JVM takes seconds to start, so give it every file (or a whole site directory) in one call.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
export const JAVA = process.env.JAVA ?? 'java';

/**
 * Validate HTML. `targets` are files or directories (directories are searched for .html files).
 * Options: `css` / `svg` also check those files; `errorsOnly` (default true).
 * Resolves to [{ type, file, line, column, message, extract }] with `file` relative to `base`
 * (default: the first target if it is a directory, else the cwd).
 */
export async function validateHtml(targets, { css = false, svg = false, errorsOnly = true, base, timeout = 180_000 } = {}) {
  if (!Array.isArray(targets)) targets = [targets];
  const args = ['-Xss1m', '-jar', VNU_JAR, '--format', 'json', '--exit-zero-always', '--skip-non-html'];
  if (errorsOnly) args.push('--errors-only');
  if (css) args.push('--also-check-css');
  if (svg) args.push('--also-check-svg');
  args.push(...targets);
  base ??= targets[0];

  const { code, stdout, stderr } = await new Promise((resolve, reject) => {
    const child = spawn(JAVA, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${JAVA} (install a JRE: apt-get install -y default-jre-headless): ${e.message}`));
    });
    child.on('close', (c, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? `killed by ${signal} after ${timeout} ms` : c, stdout: out, stderr: err });
    });
  });

  // vnu writes its JSON report to stderr.
  const text = stderr.trim() || stdout.trim();
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    throw new Error(`vnu did not produce a JSON report (exit ${code}):\n${stderr}\n${stdout}`);
  }
  return (report.messages ?? []).map((m) => {
    let file = m.url ?? '';
    if (file.startsWith('file:')) file = decodeURIComponent(new URL(file).pathname);
    if (file && base) file = path.relative(base, file) || file;
    return {
      type: m.subType ? `${m.type}/${m.subType}` : m.type,
      file,
      line: m.lastLine ?? m.firstLine,
      column: m.firstColumn ?? m.lastColumn,
      message: m.message,
      extract: m.extract,
    };
  });
}

/** Pretty-print vnu messages for an assertion message ('' when there are none). */
export function formatVnu(messages, where = '') {
  if (!messages.length) return '';
  const lines = [`${messages.length} HTML validation message(s)${where ? ` in ${where}` : ''}:`];
  for (const m of messages) {
    lines.push(`  ${m.file}:${m.line ?? '?'}:${m.column ?? '?'}: ${m.type}: ${m.message}`);
    if (m.extract) lines.push(`      ${m.extract.replace(/\s+/g, ' ').trim()}`);
  }
  return lines.join('\n');
}
