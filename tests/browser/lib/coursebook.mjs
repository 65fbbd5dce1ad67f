// Run the coursebook binary and make throwaway course folders.

import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/browser/lib/coursebook.mjs). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The binary under test: $COURSEBOOK_BIN, else the release build. */
export const COURSEBOOK_BIN = process.env.COURSEBOOK_BIN ?? path.join(REPO, 'target', 'release', 'coursebook');

/** Run `coursebook ...args`; resolves to { code, stdout, stderr } (never rejects on exit status). */
export function run(args, { cwd = REPO, timeout = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(COURSEBOOK_BIN, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${COURSEBOOK_BIN}: ${err.message} (build it with cargo build --release, or set COURSEBOOK_BIN)`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? `killed by ${signal}` : code, stdout, stderr });
    });
  });
}

/** `coursebook build <courseDir> [--dest-dir <dest>]`. */
export function build(courseDir, { dest, timeout } = {}) {
  const args = ['build', courseDir];
  if (dest) args.push('--dest-dir', dest);
  return run(args, { timeout });
}

/** Build and throw with coursebook's output unless it succeeded. Returns the run's result. */
export async function buildOrThrow(courseDir, opts) {
  const result = await build(courseDir, opts);
  if (result.code !== 0) {
    throw new Error(`coursebook build ${courseDir} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}

/** A new empty temporary directory. */
export function tempDir(label = 'coursebook-test-') {
  return mkdtemp(path.join(tmpdir(), label));
}

/** Remove a directory made by tempDir/makeCourse (no error if it is gone). */
export function removeDir(dir) {
  return rm(dir, { recursive: true, force: true });
}

/**
 * Write a course folder from { 'relative/path': content } into a new temp dir; returns its path.
 * Content may be a string or a Buffer; leading indentation common to all lines of a string is
 * removed, so fixtures can be written as indented template literals.
 */
export async function makeCourse(files) {
  const dir = await tempDir('coursebook-course-');
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? dedent(content) : content);
  }
  return dir;
}

/** Remove the common leading indentation and a leading blank line. */
export function dedent(text) {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)[0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}
