// coursebook default theme: a query's words, made as quiz-wasm/search makes a lesson's for the
// index (site/search.rs): words of letters and digits, lowercased, cut at 40 bytes and folded
// (marks removed, by the same table: `modèle` and `modele` meet); text in scripts written
// without spaces (Chinese, Japanese, Korean) as overlapping pairs of characters. There is no
// stemmer here: the index says which stem each of its words has (`"vectors\u001e":"vector"`,
// right after the word's own entry), so a query needs no WebAssembly, which a page served
// with `Content-Security-Policy: script-src 'self'` may not compile. tests/search.rs holds this
// file to the Rust side, the fold table and every piece.

/** The longest word indexed, in UTF-8 bytes: longer runs are cut, never dropped. */
const MAX_WORD = 40;

/** Pairs of characters: a lowercase letter with marks, then its base letter (fold_table.rs). */
const FOLD = "àaáaâaãaäaåaçcèeéeêeëeìiíiîiïiñnòoóoôoõoöoùuúuûuüuýyÿyāaăaąaćcĉcċcčcďdēeĕeėeęeěeĝgğgġgģgĥhĩiīiĭiįiĵjķkĺlļlľlńnņnňnōoŏoőoŕrŗrřrśsŝsşsšsţtťtũuūuŭuůuűuųuŵwŷyźzżzžzơoưuǎaǐiǒoǔuǖuǘuǚuǜuǟaǡaǣæǧgǩkǫoǭoǯʒǰjǵgǹnǻaǽæǿøȁaȃaȅeȇeȉiȋiȍoȏoȑrȓrȕuȗușsțtȟhȧaȩeȫoȭoȯoȱoȳyʹʹ;;΅¨··ΐιάαέεήηίιΰυϊιϋυόούυώωϓϒϔϒйиѐеёеѓгїіќкѝиўуѷѵӂжӑаӓаӗеӛәӝжӟзӣиӥиӧоӫөӭэӯуӱуӳуӵчӹыḁaḃbḅbḇbḉcḋdḍdḏdḑdḓdḕeḗeḙeḛeḝeḟfḡgḣhḥhḧhḩhḫhḭiḯiḱkḳkḵkḷlḹlḻlḽlḿmṁmṃmṅnṇnṉnṋnṍoṏoṑoṓoṕpṗpṙrṛrṝrṟrṡsṣsṥsṧsṩsṫtṭtṯtṱtṳuṵuṷuṹuṻuṽvṿvẁwẃwẅwẇwẉwẋxẍxẏyẑzẓzẕzẖhẗtẘwẙyẛſạaảaấaầaẩaẫaậaắaằaẳaẵaặaẹeẻeẽeếeềeểeễeệeỉiịiọoỏoốoồoổoỗoộoớoờoởoỡoợoụuủuứuừuửuữuựuỳyỵyỷyỹy";

const folded = new Map();
{
  const chars = [...FOLD];
  for (let i = 0; i + 1 < chars.length; i += 2) folded.set(chars[i], chars[i + 1]);
}

/** Ligatures written out as people type them (Unicode gives them no decomposition). */
const SPELLED = new Map([["œ", "oe"], ["æ", "ae"], ["ß", "ss"]]);

/** A lowercase word without its marks, its ligatures written out (`cœur` finds *coeur*). */
export function fold(word) {
  if (/^[\x00-\x7f]*$/.test(word)) return word;
  let out = "";
  for (const c of word) {
    const f = folded.get(c) ?? c;
    out += SPELLED.get(f) ?? f;
  }
  return out;
}

/** Scripts written without spaces between words: a run of them is indexed as pairs. */
export function unspaced(c) {
  const n = c.codePointAt(0);
  return (n >= 0x3005 && n <= 0x3007) // 々 〆 〇: the iteration mark, closing mark and ideographic zero
    || n === 0x303b // 〻, the vertical iteration mark
    || (n >= 0x3040 && n <= 0x30ff) // Hiragana, Katakana
    || (n >= 0x3400 && n <= 0x4dbf) // CJK Extension A
    || (n >= 0x4e00 && n <= 0x9fff) // CJK Unified Ideographs
    || (n >= 0xac00 && n <= 0xd7af) // Hangul syllables
    || (n >= 0xf900 && n <= 0xfaff) // CJK Compatibility Ideographs
    || (n >= 0x20000 && n <= 0x2fa1f); // CJK Extensions B–F, Compatibility Supplement
}

/** Rust's `char::is_alphanumeric`: Alphabetic, or a number (Nd, Nl, No). */
const WORD_CHAR = /^[\p{Alphabetic}\p{N}]$/u;

function utf8Length(c) {
  const n = c.codePointAt(0);
  return n < 0x80 ? 1 : n < 0x800 ? 2 : n < 0x10000 ? 3 : 4;
}

/**
 * The pieces of `text`, in order: `{ word }` (lowercased, not yet folded) for a word of a
 * spaced script, `{ unspaced }` for a character or a pair of one written without spaces.
 */
export function pieces(text) {
  // Each run of Halfwidth and Fullwidth Forms in its compatibility form, as the index's side
  // does: `ｒｕｓｔ` is `rust`, `ﾍﾞｸﾀ` is `ベクタ` (an IME in the wrong mode types them).
  text = text.replace(/[\uff01-\uffee]+/g, (run) => run.normalize("NFKC"));
  const out = [];
  let word = "";
  let run = [];
  const flushWord = () => {
    if (!word) return;
    let cut = "";
    let bytes = 0;
    for (const c of word.toLowerCase()) {
      bytes += utf8Length(c);
      if (bytes > MAX_WORD) break;
      cut += c;
    }
    out.push({ word: cut });
    word = "";
  };
  const flushRun = () => {
    if (run.length === 1) out.push({ unspaced: run[0] });
    for (let i = 0; i + 1 < run.length; i++) out.push({ unspaced: run[i] + run[i + 1] });
    run = [];
  };
  for (const c of text) {
    if (unspaced(c)) {
      flushWord();
      run.push(c);
    } else if (WORD_CHAR.test(c)) {
      flushRun();
      word += c;
    } else {
      flushWord();
      flushRun();
    }
  }
  flushWord();
  flushRun();
  return out;
}

/** The operators a query of symbols alone looks up (quiz-wasm/search's `OPERATORS`). */
export const OPERATORS = ["?", "=>", "->", "..", "..=", "::", "&&", "||", "!=", "==", "<=", ">=", "+=", "-=", "<<", ">>", "#[", "#![", "::<>"];

/**
 * The runs of operator characters in `text` that are `OPERATORS` (ASCII punctuation but what
 * delimits: quotes, backticks, commas, semicolons, brackets but `[`), as the index reads them.
 */
export function operators(text) {
  return (text.match(/[!#$%&*+\-./:<=>?@[\\^_|~]+/g) || []).filter((run) => OPERATORS.includes(run));
}

/** The longest identifier `identifiers` gives, in bytes (quiz-wasm/search's `MAX_IDENTIFIER`). */
const MAX_IDENTIFIER = 64;

/**
 * Each identifier of `text` whose words `_` joins (`is_empty`), lowercased, as the index finds
 * them (quiz-wasm/search's `identifiers`).
 */
export function identifiers(text) {
  const out = [];
  for (const found of text.matchAll(/[A-Za-z0-9_]*_[A-Za-z0-9_]*/g)) {
    const run = found[0];
    const before = text.codePointAt(found.index - 1);
    const after = text.codePointAt(found.index + run.length);
    // Part of a longer word of another script (`é_x`): not an identifier of ours.
    if ((found.index > 0 && before > 0x7f) || (after !== undefined && after > 0x7f)) continue;
    // The run holds a `_`: two words at least, unless one is empty.
    if (run.length > MAX_IDENTIFIER || run.split("_").some((p) => p === "")) continue;
    out.push(run.toLowerCase());
  }
  return out;
}

/** An identifier's term in the index (quiz-wasm/search's `identifier_key`): `is empty\u0001`. */
export function identifierKey(identifier) {
  const [first, second, ...rest] = identifier.split("_");
  return `${first} ${second}\u0001${rest.join("_")}`;
}

/** The identifier an index key stands for: `is empty\u0001` is `is_empty`. */
export function identifierOf(key) {
  const [pair, rest] = key.split("\u0001");
  return pair.replace(" ", "_") + (rest ? `_${rest}` : "");
}
