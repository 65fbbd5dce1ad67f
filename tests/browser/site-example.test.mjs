// Whole-site checks (see lib/site-checks.mjs) on the example course at the repository root,
// served under "/academy/", where its book.toml's site-url says it is published.
// (site-academy.test.mjs runs them on a fixture with its own theme; two files, so the runner
// can run them side by side.)

import { existsSync } from 'node:fs';
import path from 'node:path';

import { REPO } from './lib/coursebook.mjs';
import { siteSuite } from './lib/site-checks.mjs';

siteSuite('the example course (served under /academy/)', {
  prefix: '/academy/',
  prepare: async () => {
    if (!existsSync(path.join(REPO, 'book.toml'))) throw new Error(`the example course is missing: no book.toml in ${REPO}`);
    return { courseDir: REPO };
  },
});
