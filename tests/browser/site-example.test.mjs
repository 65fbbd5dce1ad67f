// Whole-site checks (see lib/site-checks.mjs) on the example course at the repository root,
// served at "/". (site-academy.test.mjs runs them under a sub-path; two files, so the runner
// can run them side by side.)

import { existsSync } from 'node:fs';
import path from 'node:path';

import { REPO } from './lib/coursebook.mjs';
import { siteSuite } from './lib/site-checks.mjs';

siteSuite('the example course (served at /)', {
  prefix: '/',
  prepare: async () => {
    if (!existsSync(path.join(REPO, 'book.toml'))) throw new Error(`the example course is missing: no book.toml in ${REPO}`);
    return { courseDir: REPO };
  },
});
