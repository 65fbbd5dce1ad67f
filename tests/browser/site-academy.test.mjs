// Whole-site checks (see lib/site-checks.mjs) on a small fixture course whose book.toml sets
// site-url = "/academy/", served under "/academy/" as GitHub Pages serves a project site, so
// every link must stay inside that prefix.

import { makeCourse, removeDir } from './lib/coursebook.mjs';
import { ACADEMY } from './lib/fixtures.mjs';
import { siteSuite } from './lib/site-checks.mjs';

siteSuite('a course with site-url = "/academy/" (served under /academy/)', {
  prefix: '/academy/',
  prepare: async () => {
    const courseDir = await makeCourse(ACADEMY);
    return { courseDir, cleanup: () => removeDir(courseDir) };
  },
});
