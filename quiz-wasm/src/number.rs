//! Reading decimal text as an `f64`: the one number parser behind numeric
//! answer keys, numeric responses and the calculator's fields, natively and
//! in wasm.
//!
//! # Why not `str::parse::<f64>`
//!
//! The standard library's parser (Eisel–Lemire with a big-decimal fallback)
//! carries a 10 KB table of powers of five that gzip cannot shrink: about a
//! fifth of the gzipped wasm every learner downloads. Numbers here are
//! typed by people (`350000`, `2.5e5`, `0.30000000000000004`), so speed does
//! not matter, and this module does the same job with plain big-integer
//! arithmetic in a few hundred bytes.
//!
//! # Precision
//!
//! **Exact**: the result is the `f64` nearest to the decimal value written,
//! ties to even, with subnormals, overflow to infinity and underflow to zero
//! handled as IEEE 754 requires. That is the same correctly rounded result
//! as `str::parse::<f64>`, for every input (the tests compare the two on
//! shortest round-trip forms, exact halfway points and their neighbours, and
//! extreme exponents). Only the first [`MAX_DIGITS`] significant digits are
//! kept, with one extra non-zero digit standing in for any non-zero digits
//! dropped after them; no midpoint between two doubles has more than 767
//! significant digits, so this never changes the rounding.
//!
//! # Grammar
//!
//! Exactly the strings `str::parse::<f64>` accepts, no more and no fewer: an
//! optional sign, then `inf`, `infinity` or `nan` (any case), or digits with
//! at most one `.` (at least one digit on either side of it), then an
//! optional exponent `e`/`E`, optional sign, digits. No whitespace, no `_`,
//! no hex. Callers that want fewer spellings (the calculator rejects `inf`
//! and `NaN`) filter first.

/// Significant digits kept before the rest collapse into one sticky digit;
/// anything from 768 on is exact (see the module docs).
const MAX_DIGITS: usize = 800;

/// Parse `s` as `str::parse::<f64>` would (see the module docs): `None`
/// where it gives an error, otherwise the same value.
pub fn parse_f64(s: &str) -> Option<f64> {
    let (negative, rest) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let magnitude = if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if rest.eq_ignore_ascii_case(b"nan") {
        f64::NAN
    } else {
        parse_decimal(rest)?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// An unsigned decimal: `digits [. digits] [e [sign] digits]`.
fn parse_decimal(s: &[u8]) -> Option<f64> {
    // The value is `digits × 10^exp10`, `digits` holding no leading zeros.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp10: i64 = 0;
    let mut sticky = false;
    let mut any_digit = false;
    let mut point = false;
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        if c.is_ascii_digit() {
            any_digit = true;
            if point {
                exp10 -= 1;
            }
            if digits.len() < MAX_DIGITS {
                if c != b'0' || !digits.is_empty() {
                    digits.push(c - b'0');
                }
            } else {
                // Dropped, but its place value still counts.
                exp10 += 1;
                sticky |= c != b'0';
            }
        } else if c == b'.' && !point {
            point = true;
        } else {
            break;
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    if let Some(&(b'e' | b'E')) = s.get(i) {
        i += 1;
        let negative = match s.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(&c) = s.get(i).filter(|c| c.is_ascii_digit()) {
            // Saturate far beyond any digit count a string can have, so a
            // huge exponent still meets a huge run of zeros correctly.
            e = (e * 10 + i64::from(c - b'0')).min(1 << 50);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp10 += if negative { -e } else { e };
    }
    if i != s.len() {
        return None;
    }
    if sticky {
        digits.push(1);
        exp10 -= 1;
    }
    Some(to_f64(&digits, exp10))
}

/// The `f64` nearest to `digits × 10^exp10` (digits without leading zeros),
/// ties to even.
fn to_f64(digits: &[u8], exp10: i64) -> f64 {
    if digits.is_empty() {
        return 0.0;
    }
    // The value lies in [10^(magnitude − 1), 10^magnitude).
    let magnitude = digits.len() as i64 + exp10;
    if magnitude > 310 {
        return f64::INFINITY;
    }
    if magnitude < -324 {
        // Below 10^-325, under half the smallest subnormal.
        return 0.0;
    }
    // value = num / den exactly, as big integers.
    let mut num = vec![0u32];
    for &d in digits {
        mul_add(&mut num, 10, u32::from(d));
    }
    let mut den = vec![1u32];
    let scaled = if exp10 >= 0 { &mut num } else { &mut den };
    for _ in 0..exp10.unsigned_abs() {
        mul_add(scaled, 10, 0);
    }
    // Scale by 2^shift so that q = num·2^shift / den lies in (2^62, 2^64).
    let shift = 63 - (bit_len(&num) - bit_len(&den));
    if shift >= 0 {
        shl(&mut num, shift as u64);
    } else {
        shl(&mut den, shift.unsigned_abs());
    }
    // Long division, one quotient bit at a time, with den·2^64 compared
    // against the doubling remainder.
    shl(&mut den, 64);
    let mut q = 0u64;
    for _ in 0..64 {
        shl(&mut num, 1);
        q <<= 1;
        if !less(&num, &den) {
            sub(&mut num, &den);
            q |= 1;
        }
    }
    let sticky = num.iter().any(|&limb| limb != 0);

    // value ≈ q · 2^-shift; keep 53 bits (fewer for a subnormal).
    let top = 63 - i64::from(q.leading_zeros());
    let mut cut = top - 52;
    let mut exp2 = cut - shift;
    if exp2 < -1074 {
        cut += -1074 - exp2;
        exp2 = -1074;
    }
    // Past 64 everything is below half a unit; the cap keeps shifts legal.
    let cut = cut.min(100) as u32;
    let q = u128::from(q);
    let mut m = q >> cut;
    let rest = q & ((1u128 << cut) - 1);
    let half = 1u128 << (cut - 1);
    if rest > half || (rest == half && (sticky || m & 1 == 1)) {
        m += 1;
    }
    // m · 2^exp2 with m < 2^53 (2^53 itself after rounding up). Adding the
    // exponent field to m (hidden bit included) gives the IEEE bits, and a
    // carry out of the mantissa bumps the exponent, up to infinity.
    let bits = m as u64 + (((exp2 + 1074) as u64) << 52);
    if bits >= f64::INFINITY.to_bits() {
        f64::INFINITY
    } else {
        f64::from_bits(bits)
    }
}

// Little-endian base-2^32 big integers, just the operations above.

/// `n = n·k + add`.
fn mul_add(n: &mut Vec<u32>, k: u32, add: u32) {
    let mut carry = u64::from(add);
    for limb in n.iter_mut() {
        let v = u64::from(*limb) * u64::from(k) + carry;
        *limb = v as u32;
        carry = v >> 32;
    }
    if carry > 0 {
        n.push(carry as u32);
    }
}

/// `n = n·2^by`.
fn shl(n: &mut Vec<u32>, by: u64) {
    let (limbs, bits) = ((by / 32) as usize, (by % 32) as u32);
    if bits > 0 {
        let mut carry = 0u32;
        for limb in n.iter_mut() {
            let v = (*limb << bits) | carry;
            carry = *limb >> (32 - bits);
            *limb = v;
        }
        if carry > 0 {
            n.push(carry);
        }
    }
    n.splice(0..0, std::iter::repeat_n(0, limbs));
}

fn bit_len(n: &[u32]) -> i64 {
    match n.iter().rposition(|&limb| limb != 0) {
        Some(i) => 32 * i as i64 + 32 - i64::from(n[i].leading_zeros()),
        None => 0,
    }
}

/// Limb `i` of `n`, zero past its end.
fn limb(n: &[u32], i: usize) -> u32 {
    n.get(i).copied().unwrap_or(0)
}

/// `a < b`, ignoring high zero limbs.
fn less(a: &[u32], b: &[u32]) -> bool {
    let len = a.len().max(b.len());
    for i in (0..len).rev() {
        let (x, y) = (limb(a, i), limb(b, i));
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a = a − b`, given `a ≥ b`.
fn sub(a: &mut [u32], b: &[u32]) {
    let mut borrow = false;
    for (i, a_limb) in a.iter_mut().enumerate() {
        let (v, b1) = a_limb.overflowing_sub(limb(b, i));
        let (v, b2) = v.overflowing_sub(u32::from(borrow));
        *a_limb = v;
        borrow = b1 || b2;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// Same result as the standard library, bit for bit (any NaN for NaN).
    fn check(s: &str) {
        let ours = parse_f64(s);
        let std = s.parse::<f64>().ok();
        let same = match (ours, std) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (None, None) => true,
            _ => false,
        };
        assert!(same, "{s:?}: ours {ours:?}, std {std:?}");
    }

    /// xorshift64*: reproducible without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        /// A random finite, non-negative double, uniform over bit patterns.
        fn double(&mut self) -> f64 {
            loop {
                let x = f64::from_bits(self.next() >> 1);
                if x.is_finite() {
                    return x;
                }
            }
        }
    }

    #[test]
    fn grammar_matches_std() {
        for s in [
            "",
            "+",
            "-",
            ".",
            "+.",
            "-.",
            "e",
            "E5",
            ".e1",
            "1e",
            "1e+",
            "1e-",
            "1.e5",
            ".5e5",
            "1.5E-3",
            "0",
            "-0",
            "+0",
            "00",
            "0.",
            ".0",
            "0.0e0",
            "1..2",
            "1.2.3",
            "--1",
            "+-1",
            "1e5.5",
            "1e--5",
            "1 ",
            " 1",
            "1_000",
            "0x10",
            "1f",
            "1e5x",
            "inf",
            "-inf",
            "+inf",
            "INF",
            "Infinity",
            "-infinity",
            "infinit",
            "infinityy",
            "nan",
            "NaN",
            "-nan",
            "+NAN",
            "nan1",
            "in",
            "½",
            "١",
            "1e0000000000000000000000000000001",
            "1e-99999999999999999999999",
            "0e99999999999999999999999",
            "0.0000000000000000000000000000000000000000000000001e49",
        ] {
            check(s);
        }
    }

    #[test]
    fn values_match_std() {
        for s in [
            "350000",
            "3.5e5",
            "0.1",
            "0.3",
            "0.30000000000000004",
            "-1.5e3",
            "1e300",
            "1e-300",
            "1e308",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "2e308",
            "1e309",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "4.9406564584124654e-324",
            "5e-324",
            "2.4703282292062328e-324",
            "2.4703282292062327e-324",
            "2.470328229206232720882e-324",
            "1e-324",
            "1e-400",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000000000000000000000000000000000000001",
            "123456789012345678901234567890",
            "0.000000000000000000000000000000000000000000001",
            "1797693134862315708145274237317043567980705675258449965989174768031572607800285387605895586327668781715404589535143824642343213268894641827684675467035375169860499105765512820762454900903893289440758685084551339423045832369032229481658085593321233482747978262041447231687381771809192998812504040261841248583680",
        ] {
            check(s);
            check(&format!("-{s}"));
        }
        // A long run of zeros against a large exponent, and past MAX_DIGITS.
        let zeros = "0".repeat(5000);
        check(&format!("0.{zeros}1e5001"));
        check(&format!("1{zeros}e-5000"));
        check(&format!("1.{}1", "0".repeat(MAX_DIGITS + 10)));
        check(&format!("9.{}e-320", "9".repeat(2000)));
    }

    #[test]
    fn shortest_forms_round_trip() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let x = rng.double();
            for s in [format!("{x:?}"), format!("{x:e}"), format!("{:e}", -x)] {
                check(&s);
            }
        }
        for x in [f64::MAX, f64::MIN_POSITIVE, 5e-324, 0.1 + 0.2] {
            check(&format!("{x:?}"));
        }
    }

    /// Random digit strings, decimal points and exponents, including far out
    /// of range and long mantissas.
    #[test]
    fn random_decimals_match_std() {
        let mut rng = Rng(0xdead_beef_cafe_f00d);
        for _ in 0..20_000 {
            let len = 1 + (rng.next() % 40) as usize;
            let mut s: String = (0..len)
                .map(|_| char::from(b'0' + (rng.next() % 10) as u8))
                .collect();
            if rng.next().is_multiple_of(2) {
                let at = (rng.next() % (len as u64 + 1)) as usize;
                s.insert(at, '.');
            }
            if !rng.next().is_multiple_of(4) {
                let e = (rng.next() % 800) as i64 - 400;
                s.push_str(&format!("e{e}"));
            }
            check(&s);
        }
    }

    /// The exact decimal halfway point between a double and the next one up,
    /// then that point nudged by one unit in its last digit either way: the
    /// hardest inputs for rounding.
    #[test]
    fn halfway_points_match_std() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut doubles: Vec<f64> = (0..300).map(|_| rng.double()).collect();
        doubles.extend([0.0, 5e-324, 1.0, 9007199254740992.0, f64::MIN_POSITIVE]);
        doubles.extend((0..100).map(|_| f64::from_bits(rng.next() % (1 << 53))));
        for x in doubles {
            let next = f64::from_bits(x.to_bits() + 1);
            if !next.is_finite() {
                continue;
            }
            let mid = exact_midpoint(x, next);
            check(&mid);
            let (int, frac) = mid.split_once('.').unwrap();
            let frac = frac.trim_end_matches('0');
            let digits = format!("{int}{frac}");
            let scale = frac.len();
            for nudged in [add_one(&digits), sub_one(&digits)] {
                let s = format!("{nudged}e-{scale}");
                check(&s);
            }
        }
    }

    /// `(a + b) / 2` written out exactly in fixed notation.
    fn exact_midpoint(a: f64, b: f64) -> String {
        // 1100 decimals hold any double exactly.
        let (a, b) = (format!("{a:.1100}"), format!("{b:.1100}"));
        let width = a.len().max(b.len());
        let pad = |s: &str| format!("{s:0>width$}").replace('.', "");
        let (a, b) = (pad(&a), pad(&b));
        // Sum, digit by digit from the right, then halve from the left.
        let mut sum = vec![0u8; a.len() + 1];
        let mut carry = 0;
        for (i, (x, y)) in a.bytes().zip(b.bytes()).enumerate().rev() {
            let v = (x - b'0') + (y - b'0') + carry;
            sum[i + 1] = v % 10;
            carry = v / 10;
        }
        sum[0] = carry;
        let mut half = String::new();
        let mut rem = 0;
        for d in sum {
            let v = rem * 10 + d;
            half.push(char::from(b'0' + v / 2));
            rem = v % 2;
        }
        half.push(char::from(b'0' + rem * 5));
        // The sum had 1100 + 1 (carry) fraction-free digits; the halving
        // appended one more decimal.
        let int_len = width - 1101 + 1;
        format!("{}.{}", &half[..int_len], &half[int_len..])
    }

    fn add_one(digits: &str) -> String {
        let mut d: Vec<u8> = digits.bytes().collect();
        let mut i = d.len();
        loop {
            if i == 0 {
                d.insert(0, b'1');
                break;
            }
            i -= 1;
            if d[i] == b'9' {
                d[i] = b'0';
            } else {
                d[i] += 1;
                break;
            }
        }
        String::from_utf8(d).unwrap()
    }

    fn sub_one(digits: &str) -> String {
        let mut d: Vec<u8> = digits.bytes().collect();
        let mut i = d.len();
        while i > 0 {
            i -= 1;
            if d[i] == b'0' {
                d[i] = b'9';
            } else {
                d[i] -= 1;
                break;
            }
        }
        String::from_utf8(d).unwrap()
    }
}
