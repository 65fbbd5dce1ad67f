//! The house-price calculator: `price = w × size + b`, number formatting for
//! the page's language, and friendly input checking.
//!
//! The build renders the no-JavaScript worked example with these functions and
//! the browser recomputes with the same code in wasm, so the two always agree
//! to the last digit and the last separator.
//!
//! Formatting is a small table of separators, not CLDR: grouping in threes,
//! at most two decimals with trailing zeros dropped, and an ASCII `-` sign.
//! The language is the primary subtag of a BCP 47 tag (`de-CH` → `de`); region
//! variants (Swiss `’`, Indian lakh grouping) are not modelled, and unknown
//! languages fall back to English.

use crate::number;

/// The model's prediction: `w × size + b`.
pub fn predict(w: f64, size: f64, b: f64) -> f64 {
    w * size + b
}

/// Separators for one language: thousands group, decimal mark, and the
/// smallest integer-part length that gets grouped. English, Spanish and Polish
/// leave four-digit numbers ungrouped ("1000" but "10,000"): a house of 1000
/// sq ft reads as in the course's worked example, `200 × 1000 + 50,000 = 250,000`.
struct Separators {
    group: &'static str,
    decimal: char,
    min_grouped_len: usize,
}

const EN: Separators = Separators {
    group: ",",
    decimal: '.',
    min_grouped_len: 5,
};

fn separators(lang: &str) -> Separators {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (group, decimal, min_grouped_len) = match primary.as_str() {
        // Dot groups, comma decimals.
        "de" | "it" | "nl" | "pt" | "da" | "id" | "tr" | "el" | "ro" | "hr" | "sl" | "sr"
        | "is" | "vi" => (".", ',', 4),
        "es" => (".", ',', 5),
        // French uses a narrow no-break space (U+202F).
        "fr" => ("\u{202f}", ',', 4),
        // No-break space (U+00A0) groups, comma decimals.
        "sv" | "nb" | "no" | "nn" | "fi" | "cs" | "sk" | "ru" | "uk" | "bg" | "hu" | "lt"
        | "lv" | "et" => ("\u{a0}", ',', 4),
        "pl" => ("\u{a0}", ',', 5),
        _ => return EN,
    };
    Separators {
        group,
        decimal,
        min_grouped_len,
    }
}

/// Format `x` for `lang` (a BCP 47 tag such as `en`, `de-DE`, `fr`): grouped
/// thousands, at most 2 decimals (rounded), trailing zeros dropped.
/// `format_number(250000.0, "en") == "250,000"`, `"de"` gives `"250.000"`,
/// `"fr"` gives `"250\u{202f}000"`, `format_number(1234.5, "de") == "1.234,5"`.
pub fn format_number(x: f64, lang: &str) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.into();
    }
    let sep = separators(lang);
    let (int, frac) = split_fixed2(x.abs());
    let (int, frac) = (int.as_str(), frac.as_str());
    let mut out = String::with_capacity(int.len() * 2 + frac.len() + 2);
    // A value that rounds to zero prints "0", never "-0".
    if x < 0.0 && (int != "0" || !frac.is_empty()) {
        out.push('-');
    }
    if int.len() >= sep.min_grouped_len {
        for (i, digit) in int.chars().enumerate() {
            if i > 0 && (int.len() - i).is_multiple_of(3) {
                out.push_str(sep.group);
            }
            out.push(digit);
        }
    } else {
        out.push_str(int);
    }
    if !frac.is_empty() {
        out.push(sep.decimal);
        out.push_str(frac);
    }
    out
}

/// A quantity that may be huge (a playground's loss), readable at a glance: as
/// [`format_number`] below a million, else at most three significant digits times a power of
/// ten. `format_magnitude(139_883_285_714.29, "en") == "1.4 × 10¹¹"`; `"de"` gives `"1,4 × 10¹¹"`.
pub fn format_magnitude(x: f64, lang: &str) -> String {
    if !x.is_finite() || x.abs() < 1e6 {
        return format_number(x, lang);
    }
    let mut exp = x.abs().log10().floor() as i32;
    let mut mantissa = x / 10f64.powi(exp);
    // 9.996 would print as 10: carry into the exponent instead.
    if (mantissa.abs() * 100.0).round() >= 1000.0 {
        mantissa /= 10.0;
        exp += 1;
    }
    format!("{} × 10{}", format_number(mantissa, lang), superscript(exp))
}

/// `-12` → `⁻¹²`.
fn superscript(n: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => DIGITS[d as usize],
            None => '⁻',
        })
        .collect()
}

/// A learner's number as the lesson prints it, in plain form for the grader: surrounding
/// spaces and a leading currency sign dropped, the language's group separators (in groups of
/// three; a plain space or no-break space counts for languages that group with spaces) and
/// decimal mark read. `350,000` and `$350,000` are `350000` in English, `350 000` and `1,5` are
/// `350000` and `1.5` in French. Anything else is returned as it was, for the grader to call
/// it "not a number": never a guess (`1,5` in English is not 15).
pub fn plain_number_text(text: &str, lang: &str) -> String {
    let t = text.trim();
    let t = t
        .strip_prefix(|c: char| matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₩' | '₽' | '¢'))
        .map_or(t, str::trim_start);
    let (sign, digits) = match t.strip_prefix('-').or_else(|| t.strip_prefix('\u{2212}')) {
        Some(rest) => ("-", rest),
        None => ("", t),
    };
    let sep = separators(lang);
    let (int, frac) = match digits.rsplit_once(sep.decimal) {
        Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) => {
            (int, Some(frac))
        }
        _ => (digits, None),
    };
    let spaced = sep.group != "," && sep.group != ".";
    let groups: Vec<&str> = int
        .split(|c: char| {
            sep.group.contains(c) || (spaced && matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        })
        .collect();
    let grouped = groups.len() > 1;
    let well_formed = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3);
    if !well_formed || (!grouped && frac.is_none()) {
        return text.to_string();
    }
    let mut plain = String::from(sign);
    plain.extend(groups);
    if let Some(frac) = frac {
        plain.push('.');
        plain.push_str(frac);
    }
    plain
}

/// The integer digits and up to two decimal digits (trailing zeros dropped)
/// of a finite, non-negative `m`, rounded half up on the exact binary value
/// — the same digits as JavaScript's `toFixed(2)`: 1.005 (really 1.00499…)
/// gives "1", 1.115 (really 1.11499…) gives "1.11", 0.125 gives "0.13".
///
/// Done by hand rather than with `format!("{:.2}")` because Rust's exact
/// float formatting (Grisu and Dragon with their tables) would be about a
/// tenth of the wasm every learner downloads, and it rounds ties to even.
fn split_fixed2(m: f64) -> (String, String) {
    const TWO_POW_52: f64 = 4_503_599_627_370_496.0;
    const TWO_POW_62: f64 = 4_611_686_018_427_387_904.0;
    if m >= TWO_POW_52 {
        // Every double this large is an integer.
        return (integer_digits(m), String::new());
    }
    if m < 1.0 / 1024.0 {
        // Below 0.001: rounds to 0 at two decimals.
        return ("0".into(), String::new());
    }
    let whole = m.trunc();
    // m ≥ 2^-10 has a unit in the last place of at least 2^-62, so the
    // fraction is exactly k / 2^62 for an integer k, and integer arithmetic
    // can round k·100 / 2^62 with no error at all.
    let k = ((m - whole) * TWO_POW_62) as u128;
    let mut cents = ((k * 100 + (1u128 << 61)) >> 62) as u64;
    let mut whole = whole as u64;
    if cents == 100 {
        whole += 1;
        cents = 0;
    }
    // Digits pushed by hand: `format!` and `to_string` would bring integer
    // formatting into the wasm for four characters.
    let mut frac = String::new();
    if cents > 0 {
        frac.push(digit(cents / 10));
        if !cents.is_multiple_of(10) {
            frac.push(digit(cents % 10));
        }
    }
    (decimal_digits(whole), frac)
}

/// The decimal digits of `n`, without `core::fmt`.
fn decimal_digits(mut n: u64) -> String {
    let mut reversed = Vec::new();
    loop {
        reversed.push(digit(n % 10));
        n /= 10;
        if n == 0 {
            break;
        }
    }
    reversed.iter().rev().collect()
}

/// The ASCII digit for `d < 10`.
fn digit(d: u64) -> char {
    char::from(b'0' + (d % 10) as u8)
}

/// The exact decimal digits of an integral double of at least 2^52: its
/// mantissa doubled `exponent` times in a little-endian digit vector (at most
/// ~970 doublings of ~300 digits; only absurd calculator inputs get here).
fn integer_digits(m: f64) -> String {
    let bits = m.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let mut digits: Vec<u8> = decimal_digits(mantissa)
        .bytes()
        .rev()
        .map(|b| b - b'0')
        .collect();
    for _ in 0..exponent.max(0) {
        let mut carry = 0u8;
        for d in digits.iter_mut() {
            let v = *d * 2 + carry;
            *d = v % 10;
            carry = v / 10;
        }
        if carry > 0 {
            digits.push(carry);
        }
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

/// Read a number field (the calculator's, the playground's learning rate). `Ok(value)` for a
/// plain decimal number (spaces around it are fine, exponents like `2.5e5` too); otherwise
/// what is wrong, as a code the page words in its language (`input_<code>` in the theme's
/// strings): `empty`, `separators` (the likeliest slip: "250,000", "1 500", whose meaning
/// differs by language), `invalid` (not a number, or below zero when `allow_negative` is false)
/// or `too_large`.
pub fn check_input(text: &str, allow_negative: bool) -> Result<f64, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty");
    }
    // The parser also takes "inf" and "NaN", which no learner means.
    let plain = t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    let value = if plain { number::parse_f64(t) } else { None };
    let Some(value) = value else {
        let has_separator = t
            .chars()
            .any(|c| c == ',' || c.is_whitespace() || c == '\'' || c == '’');
        return Err(if has_separator {
            "separators"
        } else {
            "invalid"
        });
    };
    if !value.is_finite() {
        return Err("too_large");
    }
    if !allow_negative && value < 0.0 {
        return Err("invalid");
    }
    // "-0" is a fine zero, but print it as 0 later.
    Ok(if value == 0.0 { 0.0 } else { value })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn predicts() {
        assert_eq!(predict(200.0, 1000.0, 50_000.0), 250_000.0);
        assert_eq!(predict(200.0, 1500.0, 50_000.0), 350_000.0);
        assert_eq!(predict(0.0, 1500.0, -1.0), -1.0);
    }

    #[test]
    fn huge_quantities_read_as_powers_of_ten() {
        assert_eq!(format_magnitude(139_883_285_714.29, "en"), "1.4 × 10¹¹");
        assert_eq!(format_magnitude(139_883_285_714.29, "de"), "1,4 × 10¹¹");
        assert_eq!(format_magnitude(-2.5e7, "en"), "-2.5 × 10⁷");
        assert_eq!(format_magnitude(9.996e8, "en"), "1 × 10⁹");
        assert_eq!(format_magnitude(999_999.0, "en"), "999,999");
        assert_eq!(format_magnitude(1.0e6, "en"), "1 × 10⁶");
        assert_eq!(format_magnitude(f64::INFINITY, "en"), "∞");
        assert_eq!(format_magnitude(12.345, "en"), "12.35");
        assert_eq!(superscript(-12), "⁻¹²");
    }

    #[test]
    fn formats_per_language() {
        assert_eq!(format_number(250_000.0, "en"), "250,000");
        assert_eq!(format_number(250_000.0, "en-GB"), "250,000");
        assert_eq!(format_number(250_000.0, "de"), "250.000");
        assert_eq!(format_number(250_000.0, "de-CH"), "250.000");
        assert_eq!(format_number(250_000.0, "es"), "250.000");
        assert_eq!(format_number(250_000.0, "it"), "250.000");
        assert_eq!(format_number(250_000.0, "pt_BR"), "250.000");
        assert_eq!(format_number(250_000.0, "nl"), "250.000");
        assert_eq!(format_number(250_000.0, "fr"), "250\u{202f}000");
        assert_eq!(format_number(250_000.0, "FR-ca"), "250\u{202f}000");
        assert_eq!(format_number(250_000.0, "sv"), "250\u{a0}000");
        assert_eq!(format_number(250_000.0, "xx"), "250,000");
        assert_eq!(format_number(250_000.0, ""), "250,000");
    }

    #[test]
    fn decimals() {
        assert_eq!(format_number(1234.5, "en"), "1234.5");
        assert_eq!(format_number(1234.5, "de"), "1.234,5");
        assert_eq!(format_number(1234.5, "fr"), "1\u{202f}234,5");
        assert_eq!(format_number(0.125, "en"), "0.13");
        assert_eq!(format_number(-2.375, "en"), "-2.38");
        assert_eq!(format_number(0.625, "de"), "0,63");
        assert_eq!(format_number(0.135, "en"), "0.14");
        assert_eq!(format_number(2.999, "en"), "3");
        assert_eq!(format_number(2.10, "en"), "2.1");
        assert_eq!(format_number(1.005, "en"), "1");
        assert_eq!(format_number(1.115, "en"), "1.11");
        assert_eq!(format_number(0.995, "en"), "0.99");
        assert_eq!(format_number(0.9951, "en"), "1");
        assert_eq!(format_number(0.05, "en"), "0.05");
        assert_eq!(format_number(12.5, "en"), "12.5");
        assert_eq!(format_number(0.005, "en"), "0.01"); // really 0.005000000000000000104
        assert_eq!(format_number(0.015, "en"), "0.01"); // really 0.01499999999999999944
        assert_eq!(format_number(0.0009765625, "en"), "0");
        assert_eq!(format_number(0.004999, "en"), "0");
        assert_eq!(format_number(1e-300, "en"), "0");
        assert_eq!(format_number(-1e-300, "en"), "0");
        assert_eq!(format_number(999_999.999, "en"), "1,000,000");
    }

    #[test]
    fn grouping_edges() {
        assert_eq!(format_number(0.0, "en"), "0");
        assert_eq!(format_number(999.0, "en"), "999");
        assert_eq!(format_number(1000.0, "en"), "1000");
        assert_eq!(format_number(10_000.0, "en"), "10,000");
        assert_eq!(format_number(1000.0, "es"), "1000");
        assert_eq!(format_number(10_000.0, "es"), "10.000");
        assert_eq!(format_number(1000.0, "pl"), "1000");
        assert_eq!(format_number(1_234_567_890.0, "en"), "1,234,567,890");
        assert_eq!(format_number(1e21, "en"), "1,000,000,000,000,000,000,000");
        assert_eq!(
            format_number(4_503_599_627_370_495.5, "en"),
            "4,503,599,627,370,495.5"
        );
        assert_eq!(
            format_number(9_007_199_254_740_993.0, "en"),
            "9,007,199,254,740,992"
        );
        assert_eq!(format_number(f64::MAX, "en"), {
            let exact = "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368";
            let mut grouped = String::new();
            for (i, c) in exact.chars().enumerate() {
                if i > 0 && (exact.len() - i).is_multiple_of(3) {
                    grouped.push(',');
                }
                grouped.push(c);
            }
            grouped
        });
    }

    #[test]
    fn signs_and_non_finite() {
        assert_eq!(format_number(-1234.5, "en"), "-1234.5");
        assert_eq!(format_number(-0.0, "en"), "0");
        assert_eq!(format_number(-0.001, "en"), "0");
        assert_eq!(format_number(-0.01, "de"), "-0,01");
        assert_eq!(format_number(f64::NAN, "en"), "NaN");
        assert_eq!(format_number(f64::INFINITY, "en"), "∞");
        assert_eq!(format_number(f64::NEG_INFINITY, "de"), "-∞");
    }

    #[test]
    fn learners_numbers_are_read_as_the_lesson_prints_them() {
        for (text, lang, plain) in [
            ("350,000", "en", "350000"),
            (" $350,000 ", "en", "350000"),
            ("1,234,567.5", "en-GB", "1234567.5"),
            ("350 000", "fr", "350000"),
            ("350\u{202f}000", "fr", "350000"),
            ("1,5", "fr", "1.5"),
            ("€ 1.234,5", "de", "1234.5"),
            ("-1,500", "en", "-1500"),
        ] {
            assert_eq!(plain_number_text(text, lang), plain, "{text:?} in {lang}");
        }
        // Never a guess: what is not the language's way is left for the grader to refuse.
        for (text, lang) in [
            ("1,5", "en"),
            ("35,00", "en"),
            ("350 000", "en"),
            ("1.5", "de"),
            ("abc", "en"),
            ("1,,000", "en"),
        ] {
            assert_eq!(plain_number_text(text, lang), text, "{text:?} in {lang}");
        }
        // Plain numbers pass through untouched.
        assert_eq!(plain_number_text("350000", "en"), "350000");
        assert_eq!(plain_number_text("2.5e5", "en"), "2.5e5");
    }

    #[test]
    fn check_input_accepts_numbers() {
        assert_eq!(check_input("1500", false), Ok(1500.0));
        assert_eq!(check_input("  1500.5 ", false), Ok(1500.5));
        assert_eq!(check_input("2.5e5", true), Ok(250_000.0));
        assert_eq!(check_input("-20", true), Ok(-20.0));
        assert_eq!(check_input("0", false), Ok(0.0));
        let zero = check_input("-0", false).unwrap();
        assert!(zero == 0.0 && zero.is_sign_positive());
    }

    #[test]
    fn check_input_says_what_is_wrong() {
        assert_eq!(check_input("", false), Err("empty"));
        assert_eq!(check_input("   ", true), Err("empty"));
        assert_eq!(check_input("-5", false), Err("invalid"));
        assert_eq!(check_input("big", false), Err("invalid"));
        assert_eq!(check_input("250,000", true), Err("separators"));
        assert_eq!(check_input("1 500", false), Err("separators"));
        for nonsense in ["inf", "NaN", "infinity", "1..2", "--1", "e5", "0x10", "½"] {
            assert!(check_input(nonsense, true).is_err(), "{nonsense:?}");
        }
        assert_eq!(check_input("1e999", false), Err("too_large"));
    }
}
