// Whole-site checks (see lib/site-checks.mjs) on two sites:
// - the example course at the repository root, served at "/";
// - a small fixture course whose book.toml sets site-url = "/academy/", served under "/academy/"
//   as GitHub Pages serves a project site, so every link must stay inside that prefix.

import { existsSync } from 'node:fs';
import path from 'node:path';

import { REPO, makeCourse, removeDir } from './lib/coursebook.mjs';
import { ACADEMY } from './lib/fixtures.mjs';
import { siteSuite } from './lib/site-checks.mjs';

siteSuite('the example course (served at /)', {
  prefix: '/',
  prepare: async () => {
    if (!existsSync(path.join(REPO, 'book.toml'))) throw new Error(`the example course is missing: no book.toml in ${REPO}`);
    return { courseDir: REPO };
  },
});

siteSuite('a course with site-url = "/academy/" (served under /academy/)', {
  prefix: '/academy/',
  prepare: async () => {
    const courseDir = await makeCourse(ACADEMY);
    return { courseDir, cleanup: () => removeDir(courseDir) };
  },
});
