// coursebook default theme: search (site/search.rs writes the index). Loaded by book.js when the
// learner opens the search box; splits and folds the query as the index did (search-words.js),
// fetches per query word the file of words that holds it (which also says its stem), and the
// files of the documents shown. No WebAssembly: search works under `script-src 'self'`.
// The box is an ARIA combobox (1.1's: a wrapper has the role, as the HTML validator refuses it
// on input type=search; the field points at the selected result): arrows move through the results, Enter opens one, Escape closes them; the number of results
// is announced.

const version = new URL(import.meta.url).search;
const runtime = import(`./runtime.js${version}`);
// Asked for with this file's version, as every module of the theme (a static import could not
// carry it, and a cached copy from an older build could be used).
const wordsModule = import(`./search-words.js${version}`);
let fold = null;
let pieces = null;
let unspaced = null;
let operators = null;
let identifiers = null;
let identifierKey = null;
let identifierOf = null;
const base = new URL("../../search/", import.meta.url);
const MAX_RESULTS = 10;
const MAX_EXPANSIONS = 30;

let meta = null;
const files = new Map();

function fetchJson(path) {
  if (!files.has(path)) {
    files.set(path, fetch(new URL(path + version, base)).then((r) => (r.ok ? r.json() : null)).catch(() => null));
  }
  return files.get(path);
}

let loading = null;

/** The words module and meta.json, fetched side by side the first time search is used. */
function ready() {
  loading ??= Promise.all([
    wordsModule.then((w) => ({ fold, pieces, unspaced, operators, identifiers, identifierKey, identifierOf } = w)),
    fetchJson("meta.json").then((m) => { meta = m; }),
  ]).then(() => meta);
  return loading;
}

/** Compare two terms by code point, as Rust orders strings (site/search.rs sorts them). */
function compare(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

/** The file of search/t/ whose words include `term`: the last whose first word is not after it. */
function fileOf(term, firsts) {
  let lo = 0;
  let hi = firsts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (compare(firsts[mid], term) <= 0) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * The query's words: [{ prefix, term, unspaced, quoted }], in order. `prefix`: as written,
 * folded (what pairs are made of, and what the word being typed is matched against as the
 * beginning of terms); `term`: its stem, the index's key, known for a character of an unspaced
 * script and found in the index for a word (`stemsOf`; `others`: its other stems, where spellings that fold alike stem apart); `quoted`: inside "…", where each word
 * must follow the one before (a phrase), or a word of an identifier written whole
 * (`read_to_string`, `HashMap::new`, `Vec<i32>`: words with no space between), which must
 * follow the word before it as in the code. The last word is also matched as a prefix.
 */
function queryWords(text) {
  const out = [];
  const segments = text.split('"');
  segments.forEach((segment, i) => {
    // The quote being typed is not closed yet: its last word is not whole, so it is not
    // required beside the one before ("gradient desc" found nothing before "descent").
    const open = i % 2 === 1 && i === segments.length - 1;
    const inQuotes = i % 2 === 1;
    const runs = segment.split(/\s+/).filter((r) => r !== "").map(pieces);
    const count = runs.reduce((n, found) => n + found.length, 0);
    let j = 0;
    runs.forEach((found, r) => {
      // The run being typed: its last word is not whole yet (`to_str` on the way to
      // `to_string`), so it is not required beside the one before.
      const typing = i === segments.length - 1 && r === runs.length - 1 && !/\s$/.test(segment);
      found.forEach((p, k) => {
        const isWord = p.word !== undefined;
        const prefix = isWord ? fold(p.word) : p.unspaced;
        const phrase = inQuotes && j > 0 && !(open && j === count - 1);
        // Words of one identifier, not an unspaced script's pairs (a Japanese query without
        // spaces is not a phrase).
        const afterWord = k > 0 && isWord && found[k - 1].word !== undefined;
        const joined = afterWord && !(typing && k === found.length - 1);
        // Marked in excerpts only where it stands beside the word before, as in the query.
        const together = (inQuotes && j > 0) || afterWord;
        out.push({ prefix, term: isWord ? null : prefix, others: [], unspaced: !isWord, quoted: phrase || joined, together });
        j++;
      });
    });
  });
  return out;
}

/** Where a written word's stem is noted in the index: right after the word's own entry. */
const stemKey = (prefix) => `${prefix}\u001e`;

/**
 * A word's terms: the stems the index notes for it (one, or a list where spellings that fold
 * alike stem apart), and the word itself when it is a term too (Spanish "después" is its own
 * stem, while the misspelt "despues" stems to "despu": both are noted under "despues"); else
 * the word itself (its own stem, or a form no lesson has: then the stems it runs past may still
 * find it, see `stemsWithin`). The first is the word itself when it is one of them.
 */
function stemsOf(prefix, noted, own) {
  const stems = typeof noted === "string" ? [noted] : Array.isArray(noted) ? noted.filter((s) => typeof s === "string") : [];
  if (stems.length === 0) return [prefix];
  if (stems.includes(prefix)) return [prefix, ...stems.filter((s) => s !== prefix)];
  return Array.isArray(own) ? [prefix, ...stems] : stems;
}

/**
 * The terms that begin the word being typed, longest first, from half its length (at least 4
 * letters): the index holds stems, and once the word is typed past its stem ("inferenc" past
 * "infer") no term starts with it any more, though the whole word will find the stem. Not 3:
 * "struct" found every section saying `str`, and "vect" every one saying `vec`.
 */
function stemsWithin(prefix) {
  const letters = [...prefix];
  const out = [];
  for (let n = letters.length - 1; n >= Math.max(4, Math.ceil(letters.length / 2)); n--) {
    out.push(letters.slice(0, n).join(""));
  }
  return out;
}

/**
 * The query's name term, as site/search.rs indexes each section's name: its words as written,
 * each and a space, then U+001F ("hidden layer \u001f"), so it sorts right after the query's
 * first word or pair, in the file the query fetches anyway. A one-word name is indexed by its
 * stem ("vector \u001f" for "Vectors"), right after the word's own term.
 */
function nameOf(qs) {
  if (qs.length === 1) return `${qs[0].term} \u001f`;
  return `${qs.map((q) => `${q.prefix} `).join("")}\u001f`;
}

/** A term's rarity (BM25's idf) among the index's `m.docs` documents, `df` of them holding it. */
function rarity(m, df) {
  return Math.log(1 + (m.docs - df + 0.5) / (df + 0.5));
}

/** The first `limit` ranked documents for `text`: BM25 weights × rarity, all words before some. */
async function search(text, limit) {
  const m = await ready();
  if (!m) return [];
  const qs = queryWords(text);
  // Symbols alone (`?`, `=>`): the operators that titles, headings and inline code name.
  if (qs.length === 0) return symbols(m, text, limit);
  // Every terms file the query needs, asked for at once: one round trip, not one a word (on a
  // phone's network each is tens of milliseconds). First the files of the words as written
  // (each notes the word's stem, and holds its pairs), then those of the stems, most often
  // the same files. The loops below then find them loaded.
  const needed = new Set();
  const fetchAll = () => Promise.all([...needed].map((n) => fetchJson(`t/${n}.json`)));
  qs.forEach((q, i) => {
    needed.add(fileOf(q.unspaced ? q.prefix : stemKey(q.prefix), m.terms));
    // The word's own entry, just before its note (most often in the same file).
    if (!q.unspaced) needed.add(fileOf(q.prefix, m.terms));
    if (i === qs.length - 1 && ([...q.prefix].length >= 2 || q.unspaced)) needed.add(fileOf(q.prefix, m.terms));
    if (m.pairs && i > 0) needed.add(fileOf(`${qs[i - 1].prefix} ${q.prefix}`, m.terms));
  });
  if (qs.length > 1) needed.add(fileOf(nameOf(qs), m.terms));
  const whole = [...new Set(identifiers(text))];
  for (const id of whole) needed.add(fileOf(identifierKey(id), m.terms));
  await fetchAll();
  for (const q of qs) {
    if (q.term === null) {
      const noted = ((await fetchJson(`t/${fileOf(stemKey(q.prefix), m.terms)}.json`)) || {})[stemKey(q.prefix)];
      const own = ((await fetchJson(`t/${fileOf(q.prefix, m.terms)}.json`)) || {})[q.prefix];
      [q.term, ...q.others] = stemsOf(q.prefix, noted, own);
    }
    for (const t of [q.term, ...q.others]) needed.add(fileOf(t, m.terms));
  }
  needed.add(fileOf(nameOf(qs), m.terms));
  await fetchAll();
  const scores = new Map();
  for (let i = 0; i < qs.length; i++) {
    const { term, prefix } = qs[i];
    const last = i === qs.length - 1;
    const n = fileOf(term, m.terms);
    const table = (await fetchJson(`t/${n}.json`)) || {};
    const hits = new Map();
    // A word's entry: how many documents have it, then (document − previous, weight) pairs.
    const add = (entry, factor, idf = rarity(m, entry[0])) => {
      let doc = 0;
      for (let j = 1; j < entry.length; j += 2) {
        doc += entry[j];
        const s = (entry[j + 1] / 100) * idf * factor;
        if (s > (hits.get(doc) || 0)) hits.set(doc, s);
      }
    };
    let known = Array.isArray(table[term]);
    if (known) add(table[term], 1);
    // The word's other stems count as the word (the best of them for each document).
    for (const other of qs[i].others) {
      const entry = ((await fetchJson(`t/${fileOf(other, m.terms)}.json`)) || {})[other];
      if (Array.isArray(entry)) {
        add(entry, 1);
        known = true;
      }
    }
    // The word being typed also matches the longer words it begins (in its own file only);
    // a lone character of an unspaced script, the pairs it begins.
    if (last && ([...prefix].length >= 2 || qs[i].unspaced)) {
      const p = fileOf(prefix, m.terms);
      const ptable = p === n ? table : (await fetchJson(`t/${p}.json`)) || {};
      // Words only: the file also holds the pairs that start with the word ("vec 1", "vec a"…)
      // and names, which took all the expansions: "vec" never reached "vectors".
      // The words it begins count as one word, as rare as all of them together: each by its
      // own rarity, a word said once ("closing") outranked the sections about "closures".
      const longer = Object.entries(ptable)
        .filter(([key, entry]) => key !== term && Array.isArray(entry) && key.startsWith(prefix) && !/[ \u001e\u001f]/.test(key))
        .slice(0, MAX_EXPANSIONS);
      const together = rarity(m, Math.min(m.docs, longer.reduce((sum, [, entry]) => sum + entry[0], 0)));
      for (const [, entry] of longer) add(entry, 0.8, together);
    }
    // Stems the word runs past ("infer" in "inferenc" being typed, "train" in "trains" that
    // no lesson says), looked up only in the files the query fetches anyway: a stem in another
    // file cost a file a keystroke (17 KB gzip on the 1,000-lesson bench course) for a rare find.
    if ((last || !known) && !qs[i].unspaced) {
      for (const s of stemsWithin(prefix)) {
        const f = fileOf(s, m.terms);
        if (s === term || !needed.has(f)) continue;
        const stable = (await fetchJson(`t/${f}.json`)) || {};
        if (Array.isArray(stable[s])) add(stable[s], 0.8);
      }
    }
    for (const [doc, s] of hits) {
      const e = scores.get(doc) || { words: new Set(), matched: 0, score: 0, pairs: 0 };
      e.words.add(i);
      e.matched = e.words.size;
      e.score += s;
      scores.set(doc, e);
    }
  }
  // Words side by side, as written (folded, not stemmed): the pair's term (site/search.rs
  // counts every two words in a row). A document with the pair ranks above one with the
  // words apart; a phrase in quotes needs it.
  const required = [];
  for (let i = 1; m.pairs && i < qs.length; i++) {
    // Also for the word being typed: its pair exists once the word is whole.
    const pair = `${qs[i - 1].prefix} ${qs[i].prefix}`;
    const table = (await fetchJson(`t/${fileOf(pair, m.terms)}.json`)) || {};
    // [entry, whether it is the pair as typed].
    const entries = Array.isArray(table[pair]) ? [[table[pair], true]] : [];
    // The word being typed, after a word: the pairs it begins too, in the same file ("to str"
    // on the way to `to_string` found prose about "to" and "str…" apart), from one letter.
    if (i === qs.length - 1 && !qs[i].unspaced && !qs[i - 1].unspaced) {
      for (const [key, entry] of Object.entries(table)) {
        if (entries.length > MAX_EXPANSIONS) break;
        if (key !== pair && Array.isArray(entry) && key.startsWith(pair) && !/[ \u0001\u001e\u001f]/.test(key.slice(pair.length))) entries.push([entry, false]);
      }
    }
    // Each document once, by its best pair; the pair as typed counts whole, one it begins half:
    // the query is the same typed or whole (its end is trimmed), and at 10,000 lessons the
    // pairs a whole last word begins ("schedulers list" → "schedulers listed") put sections
    // with both pairs only by such a one level with the right one, and above it by their
    // titles' weight (right section first 93.5 % → 89.5 %).
    const best = new Map();
    for (const [entry, exact] of entries) {
      const idf = rarity(m, entry[0]);
      let doc = 0;
      for (let j = 1; j < entry.length; j += 2) {
        doc += entry[j];
        const s = (entry[j + 1] / 100) * idf;
        const [was, wasExact] = best.get(doc) || [0, false];
        if (exact > wasExact || (exact === wasExact && s > was)) best.set(doc, [s, exact]);
      }
    }
    const found = new Set(best.keys());
    for (const [doc, [s, exact]] of best) {
      // The pair holds both words, even where a common word's list was cut to its best
      // documents (site/search.rs MAX_POSTINGS).
      const e = scores.get(doc) || { words: new Set(), matched: 0, score: 0, pairs: 0 };
      e.words.add(i - 1).add(i);
      e.matched = e.words.size;
      e.pairs += exact ? 1 : 0.5;
      e.score += s;
      scores.set(doc, e);
    }
    if (qs[i].quoted) required.push(found);
  }
  // An identifier written whole (`is_empty`): a section holding it, not only its words side
  // by side (the prose "is empty", `unwrap_or` in `unwrap_or_else`), ranks above.
  // The last one (`is_em`, maybe being typed: the query's end is trimmed) also matches the
  // identifiers it begins, in its file.
  const typing = identifiers(text.split(/\s+/).pop()).pop();
  for (const id of whole) {
    // Its term sorts right after the pair of its first two words, in that pair's file.
    const own = identifierKey(id);
    const table = (await fetchJson(`t/${fileOf(own, m.terms)}.json`)) || {};
    const entries = Object.entries(table)
      .filter(([key, entry]) => Array.isArray(entry) && (key === own || (id === typing && key.includes("\u0001") && identifierOf(key).startsWith(id))))
      .slice(0, MAX_EXPANSIONS);
    const best = new Map();
    for (const [, entry] of entries) {
      const idf = rarity(m, entry[0]);
      let doc = 0;
      for (let j = 1; j < entry.length; j += 2) {
        doc += entry[j];
        best.set(doc, Math.max(best.get(doc) || 0, (entry[j + 1] / 100) * idf));
      }
    }
    for (const [doc, s] of best) {
      const e = scores.get(doc);
      if (!e) continue;
      e.pairs += 1;
      e.score += s;
    }
  }
  // Without pairs in the index, a phrase in quotes needs each of the query's words.
  if (!m.pairs && qs.some((q) => q.quoted)) {
    for (const [doc, e] of scores) if (e.matched < qs.length) scores.delete(doc);
  }
  for (const set of required) {
    for (const doc of scores.keys()) if (!set.has(doc)) scores.delete(doc);
  }
  // A result named exactly as the query (a section's heading, or a glossary term or page
  // without one) comes first: "Model" is the glossary's entry before the lessons saying
  // "model" in their titles, whatever their scores. Looked up before the list is cut to ten.
  const named = namedDocs((await fetchJson(`t/${fileOf(nameOf(qs), m.terms)}.json`)) || {}, nameOf(qs));
  for (const doc of named) {
    if (!scores.has(doc)) scores.set(doc, { words: new Set(), matched: qs.length, score: 0, pairs: 0 });
  }
  const first = (doc) => (named.has(doc) ? 1 : 0);
  // How many matched, before the list is cut: "10 results" would read as all there are.
  const total = scores.size;
  const ranked = [...scores.entries()]
    .sort((a, b) => first(b[0]) - first(a[0]) || b[1].matched - a[1].matched || b[1].pairs - a[1].pairs || b[1].score - a[1].score || a[0] - b[0])
    .slice(0, limit);
  return { results: await documents(m, ranked), words: qs.map((q, i) => ({ ...q, last: i === qs.length - 1 })), total };
}

/** The ranked documents as results, their files asked for at once (ten results were ten round trips). */
async function documents(m, ranked) {
  const chunks = await Promise.all(ranked.map(([doc]) => fetchJson(`d/${Math.floor(doc / m.chunk)}.json`)));
  const out = [];
  ranked.forEach(([doc], i) => {
    const row = (chunks[i] || [])[doc % m.chunk];
    if (row) out.push({ href: row[0], title: row[1], heading: row[2], excerpt: row[3] });
  });
  return out;
}

/**
 * A query of symbols alone: each operator it names is a term (site/search.rs counts those that
 * titles, headings and inline code name), ranked as words are, all of them before some.
 */
async function symbols(m, text, limit) {
  const ops = [...new Set(operators(text))];
  const tables = await Promise.all(ops.map((op) => fetchJson(`t/${fileOf(op, m.terms)}.json`)));
  const scores = new Map();
  ops.forEach((op, i) => {
    const entry = (tables[i] || {})[op];
    if (!Array.isArray(entry)) return;
    const idf = rarity(m, entry[0]);
    let doc = 0;
    for (let j = 1; j < entry.length; j += 2) {
      doc += entry[j];
      const e = scores.get(doc) || { matched: 0, score: 0 };
      e.matched += 1;
      e.score += (entry[j + 1] / 100) * idf;
      scores.set(doc, e);
    }
  });
  // A section named by the operator alone (a page titled "?") comes first, as a name does.
  const named = new Set();
  ops.forEach((op, i) => {
    for (const doc of namedDocs(tables[i] || {}, `${op} \u001f`)) named.add(doc);
  });
  for (const doc of named) if (!scores.has(doc)) scores.set(doc, { matched: ops.length, score: 0 });
  const first = (doc) => (named.has(doc) ? 1 : 0);
  const ranked = [...scores.entries()]
    .sort((a, b) => first(b[0]) - first(a[0]) || b[1].matched - a[1].matched || b[1].score - a[1].score || a[0] - b[0])
    .slice(0, limit);
  return { results: await documents(m, ranked), words: [], total: scores.size };
}

/** The documents of a name term's entry (`[count, doc − previous, weight, …]`). */
function namedDocs(table, name) {
  const entry = table[name] || [];
  const out = new Set();
  let doc = 0;
  for (let j = 1; j < entry.length; j += 2) out.add((doc += entry[j]));
  return out;
}

/**
 * Whether a word of an excerpt is one of the query's: the same as written, the same as its
 * stem or the stem with a short ending ("trained" for `train`, from 4 letters: "the" does not
 * mark "their"), or, for the word being typed, any word it begins.
 */
function matches(word, q) {
  const f = fold(word.toLowerCase());
  if (f === q.prefix || f === q.term || q.others.includes(f)) return true;
  if ([...q.term].length >= 4 && f.startsWith(q.term) && [...f].length - [...q.term].length <= 3) return true;
  return q.last && [...q.prefix].length >= 2 && f.startsWith(q.prefix);
}

/** `text` with the query's words marked; in unspaced scripts, each character pair found. */
function marked(text, words) {
  return fragmentOf(markedRuns(text, words));
}

/** Runs of text as `[text, marked]`, in a fragment. */
function fragmentOf(runs) {
  const frag = document.createDocumentFragment();
  for (const [text, isMark] of runs) {
    if (!isMark) {
      frag.appendChild(document.createTextNode(text));
      continue;
    }
    const m = document.createElement("mark");
    m.textContent = text;
    frag.appendChild(m);
  }
  return frag;
}

/** The characters of an excerpt shown: the index keeps more of a section (`EXCERPT` in
 * site/search.rs), and the part shown is the one where the query's first word stands. */
const SHOWN = 220;

/**
 * A result's excerpt, marked: its opening, or, when the first of the query's words marked
 * stands further on, the passage around it, "…" where it is cut. The index keeps the start of
 * each section, longer than is shown, so that the words a learner typed are more often there
 * (the first result showed one in 37.5 % of the benchmark's queries with 220 characters kept,
 * 51.5 % with 320: `EXCERPT` in site/search.rs says why not more).
 */
function excerptShown(text, words) {
  const runs = markedRuns(text, words);
  let first = -1;
  let at = 0;
  for (const [part, isMark] of runs) {
    if (isMark) {
      first = at;
      break;
    }
    at += part.length;
  }
  let start = 0;
  if (first + 40 > SHOWN) {
    // From a word a little before it: a learner reads the mark in its sentence.
    const space = text.lastIndexOf(" ", Math.max(0, first - 60));
    start = space > 0 && first - space < 120 ? space + 1 : Math.max(0, first - 60);
    // Not in the middle of a character written as two UTF-16 units.
    if (/[\uDC00-\uDFFF]/.test(text[start] || "")) start++;
  }
  let end = start + SHOWN;
  if (end >= text.length) end = text.length;
  else {
    const space = text.lastIndexOf(" ", end);
    end = space > start + SHOWN / 2 ? space : end;
    if (/[\uDC00-\uDFFF]/.test(text[end] || "")) end++;
  }
  const shown = [];
  if (start > 0) shown.push(["…", false]);
  at = 0;
  for (const [part, isMark] of runs) {
    const from = Math.max(start, at);
    const to = Math.min(end, at + part.length);
    if (from < to) shown.push([part.slice(from - at, to - at), isMark]);
    at += part.length;
  }
  if (end < text.length) shown.push(["…", false]);
  return fragmentOf(shown);
}

/** [`marked`]'s runs. */
function markedRuns(text, words) {
  const runs = [];
  const mark = (part) => runs.push([part, true]);
  const plain = (part) => runs.push([part, false]);
  const pairs = words.filter((q) => q.unspaced).map((q) => q.prefix);
  const spaced = words.filter((q) => !q.unspaced);
  // The query's words that stand together (an identifier's, a quoted phrase's), as runs of
  // indices into `spaced`: such a word is marked only beside the others, as in the query
  // (`as_slice` marked "as" in "declared as unsafe").
  const chains = [];
  spaced.forEach((q, i) => {
    const last = chains[chains.length - 1];
    if (q.together && last && last[last.length - 1] === i - 1) last.push(i);
    else chains.push([i]);
  });
  const chainOf = spaced.map((_, i) => chains.find((c) => c.includes(i)));
  // Runs of letters, and within them runs of an unspaced script apart from the rest, as
  // `pieces` splits them: `Rust` is a word of `所有権はRustの` (it was never marked there).
  const parts = text.split(/([\p{L}\p{N}]+)/u).flatMap((part) => {
    if (![...part].some(unspaced)) return [part];
    const runs = [];
    let kind = null;
    for (const c of part) {
      if (unspaced(c) === kind) runs[runs.length - 1] += c;
      else runs.push(c);
      kind = unspaced(c);
    }
    return runs;
  });
  // Which of the query's words each run of letters matches, and each run's place among them.
  const isWord = (part) => part && /^[\p{L}\p{N}]/u.test(part) && !(pairs.length && [...part].some(unspaced));
  const wordParts = parts.filter(isWord);
  const hits = wordParts.map((part) => new Set(spaced.flatMap((q, i) => (matches(part, q) ? [i] : []))));
  const standsWithItsChain = (n, i) => {
    const chain = chainOf[i];
    const at = n - chain.indexOf(i);
    return chain.every((w, u) => hits[at + u] && hits[at + u].has(w));
  };
  let n = -1;
  for (const part of parts) {
    if (!part) continue;
    if (isWord(part)) n++;
    if (pairs.length && [...part].some(unspaced)) {
      // Marked where a query's pair (or lone character) occurs in the run, not the whole run.
      const on = new Array(part.length).fill(false);
      for (const p of pairs) {
        for (let at = part.indexOf(p); at >= 0; at = part.indexOf(p, at + 1)) on.fill(true, at, at + p.length);
      }
      let start = 0;
      for (let i = 1; i <= part.length; i++) {
        if (i === part.length || on[i] !== on[start]) {
          (on[start] ? mark : plain)(part.slice(start, i));
          start = i;
        }
      }
    } else if (isWord(part) && [...hits[n]].some((i) => standsWithItsChain(n, i))) {
      mark(part);
    } else {
      plain(part);
    }
  }
  return runs;
}

/** The results' count as said: "3 results", or "10 of 37 results" when the list was cut. */
function counted(t, shown, total) {
  if (total > shown) return t("search_count_of", { count: shown, total }, total);
  return t("search_count", { count: shown }, shown);
}

export function attach(form) {
  if (form.dataset.searchReady) return;
  form.dataset.searchReady = "";
  // Opening search starts loading what the first query needs.
  ready();
  const input = form.querySelector("input[type=search]");
  const list = form.querySelector("[data-search-results]");
  const status = form.querySelector("[data-search-status]");
  const combobox = form.querySelector("[data-search-combobox]") || input;
  const root = new URL(form.getAttribute("data-root"), document.baseURI);
  let active = -1;
  let generation = 0;
  // How many results are shown: ten, and ten more each time the learner asks for more.
  let limit = MAX_RESULTS;
  const options = () => [...list.querySelectorAll("[role=option]")];
  const isOpen = () => !list.hidden || status.classList.contains("search-none");

  /** The results shown or not; `none`: the line saying nothing was found shown instead. */
  function show(open, none = false) {
    list.hidden = !open;
    // The status is always read out; on screen too when it says nothing was found (a count
    // would only repeat the list).
    status.classList.toggle("visually-hidden", !none);
    status.classList.toggle("search-none", none);
    combobox.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }
  }
  function move(to) {
    const all = options();
    if (all.length === 0) return;
    active = (to + all.length) % all.length;
    all.forEach((o, i) => o.setAttribute("aria-selected", i === active ? "true" : "false"));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }
  async function run() {
    const text = input.value.trim();
    const mine = ++generation;
    try { sessionStorage.setItem("coursebook:search", input.value); } catch (err) { /* storage off */ }
    if (!text) {
      list.replaceChildren();
      status.textContent = "";
      show(false);
      return;
    }
    const [{ t, stringsReady }, found] = await Promise.all([runtime, search(text, limit)]);
    await stringsReady;
    if (mine !== generation) return;
    const { results = [], words = [], total = 0 } = found || {};
    list.replaceChildren(
      ...results.map((r, i) => {
        // Each result is a link that is the listbox's option (ARIA allows `a[href]` that role),
        // so it is a real link for the browser and one option for a screen reader.
        const option = document.createElement("a");
        option.setAttribute("role", "option");
        option.id = `search-result-${i}`;
        option.setAttribute("aria-selected", "false");
        option.href = new URL(r.href, root).href;
        option.tabIndex = -1;
        const title = document.createElement("span");
        title.className = "search-title";
        // A heading that repeats its page's title (a book whose pages open with `## Title`) is not
        // said twice.
        // The query's words are marked there too: a result found by its heading shows why.
        const named = r.heading && r.heading !== r.title ? `${r.title} › ${r.heading}` : r.title;
        title.appendChild(marked(named, words));
        const excerpt = document.createElement("span");
        excerpt.className = "search-excerpt";
        excerpt.appendChild(excerptShown(r.excerpt, words));
        option.append(title, excerpt);
        return option;
      }),
    );
    if (total > results.length) {
      // The list's last option asks for ten more; the first of them is then the active one.
      const more = document.createElement("div");
      more.setAttribute("role", "option");
      more.id = "search-more";
      more.className = "search-more";
      more.setAttribute("aria-selected", "false");
      more.textContent = t("search_more");
      more.addEventListener("click", async () => {
        limit += MAX_RESULTS;
        input.focus();
        await run();
        if (options().length > results.length) move(results.length);
      });
      list.appendChild(more);
    }
    status.textContent = results.length ? counted(t, results.length, total) : t("search_none", { query: text });
    active = -1;
    show(results.length > 0, results.length === 0);
    // How many queries have been answered: tests and the benchmark wait on it.
    form.dataset.searchAnswered = String(Number(form.dataset.searchAnswered || 0) + 1);
  }

  input.addEventListener("input", () => {
    limit = MAX_RESULTS;
    run();
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (options().length) { show(true); move(active + 1); }
    } else if (e.key === "ArrowUp") { e.preventDefault(); move(active - 1); }
    else if (e.key === "Enter") {
      const all = options();
      const pick = all[active >= 0 ? active : 0];
      if (pick) { e.preventDefault(); pick.click(); }
    } else if (e.key === "Escape") {
      if (isOpen()) { e.preventDefault(); show(false); }
      else {
        // A second Escape empties the box and gives focus back where it was before search.
        input.value = "";
        run();
        const back = form.returnTo;
        if (back && back.isConnected && back !== document.body) back.focus();
        else input.blur();
      }
    }
  });
  list.addEventListener("mousedown", (e) => e.preventDefault());
  // Focus leaving the search (Tab, a click elsewhere) closes the results, which would cover
  // the page where focus went; the query stays, and the arrows open them again.
  form.addEventListener("focusout", (e) => {
    if (!form.contains(e.relatedTarget)) show(false);
  });
  document.addEventListener("click", (e) => { if (!form.contains(e.target)) show(false); });
  // The learner's query survives going to a result and back.
  let kept = null;
  try { kept = sessionStorage.getItem("coursebook:search"); } catch (err) { /* storage off */ }
  if (kept && !input.value) input.value = kept;
  if (input.value.trim()) run();
}
