// A fixture course built, served under a prefix, with a browser: what most browser test files
// set up in before() and take down in after().

import { launchBrowser } from './browser.mjs';
import { buildOrThrow, makeCourse, removeDir } from './coursebook.mjs';
import { serve } from './server.mjs';

/** Build `files` into a course served at `prefix`; resolves to { dir, server, browser, close }. */
export async function servedCourse(files, prefix) {
  const dir = await makeCourse(files);
  await buildOrThrow(dir);
  const server = await serve(`${dir}/site`, { prefix });
  const browser = await launchBrowser();
  return {
    dir,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await removeDir(dir);
    },
  };
}
