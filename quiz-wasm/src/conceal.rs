//! Concealing answer keys and feedback in page source.
//!
//! This is **obfuscation, not security**: anyone who runs the page's script
//! can read the answers (the browser has to grade them). The goal is only that
//! answers are not readable at a glance in "view source", not picked up by
//! search engines or Ctrl-F, and not spoiled by a screen reader reading hidden
//! markup.
//!
//! Format: `base64(plain XOR keystream(salt) ‖ check XOR keystream)`, where
//! the keystream comes from SplitMix64 seeded with the 64-bit FNV-1a hash of
//! the salt, and `check` is the 32-bit FNV-1a hash of the plain text (4 bytes,
//! little-endian). The check lets [`reveal`] return `None` for garbage or a
//! wrong salt instead of returning mojibake. Base64 is the standard alphabet
//! with `=` padding, written here to keep the wasm free of dependencies.

/// Conceal `plain` so that [`reveal`] with the same `salt` gives it back.
/// Deterministic: the same input always gives the same blob, so rebuilt pages
/// do not churn.
pub fn conceal(plain: &str, salt: &str) -> String {
    let mut bytes = plain.as_bytes().to_vec();
    bytes.extend_from_slice(&fnv1a32(plain.as_bytes()).to_le_bytes());
    xor_keystream(&mut bytes, salt);
    base64_encode(&bytes)
}

/// Undo [`conceal`]. `None` for anything that is not a blob concealed with
/// this salt: bad base64, too short, a failed check, or invalid UTF-8.
pub fn reveal(blob: &str, salt: &str) -> Option<String> {
    let mut bytes = base64_decode(blob.trim())?;
    if bytes.len() < 4 {
        return None;
    }
    xor_keystream(&mut bytes, salt);
    let split = bytes.len() - 4;
    let (plain, check) = bytes.split_at(split);
    let check = u32::from_le_bytes([check[0], check[1], check[2], check[3]]);
    if fnv1a32(plain) != check {
        return None;
    }
    String::from_utf8(plain.to_vec()).ok()
}

fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn fnv1a32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in data {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// XOR `data` in place with the salt's keystream (its own inverse).
/// SplitMix64 rather than xorshift because it has no all-zero bad state, so
/// any salt (including "") gives a usable stream.
fn xor_keystream(data: &mut [u8], salt: &str) {
    let mut state = fnv1a64(salt.as_bytes());
    for chunk in data.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        for (b, k) in chunk.iter_mut().zip(z.to_le_bytes()) {
            *b ^= k;
        }
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding.
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |shift: u32| char::from(ALPHABET[((n >> shift) & 63) as usize]);
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

/// Strict standard base64: length a multiple of 4, padding only at the end,
/// unused bits zero (so each byte string has exactly one encoding). `None` on
/// anything else.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let quads = s.len() / 4;
    for (qi, quad) in s.chunks(4).enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && qi + 1 != quads) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &quad[..4 - pad] {
            n = (n << 6) | u32::from(sextet_value(c)?);
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = 3 - pad;
        // Non-zero bits under the padding mean a non-canonical encoding.
        if bytes[keep..].iter().any(|&b| b != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    Some(out)
}

fn sextet_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_vectors() {
        // RFC 4648 section 10.
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, enc) in vectors {
            assert_eq!(base64_encode(plain.as_bytes()), enc);
            assert_eq!(base64_decode(enc).unwrap(), plain.as_bytes());
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base64_decode(&base64_encode(&all)).unwrap(), all);
    }

    #[test]
    fn base64_rejects_garbage() {
        for bad in [
            "Zg=", "Zg", "Z===", "Zh==", "Zm9=", "Zg==Zg==", "Zm9v!", "Zm 9v", "=Zm9", "Zm-_",
        ] {
            assert!(base64_decode(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn round_trip() {
        for plain in [
            "",
            "single:0",
            "text:inference|prediction",
            "Right — training chooses them. 🦀\n<b>html</b>",
            "multiple:4:0,2",
        ] {
            for salt in ["", "quiz-1/knobs", "🧂"] {
                let blob = conceal(plain, salt);
                assert_eq!(
                    reveal(&blob, salt).as_deref(),
                    Some(plain),
                    "{plain:?} {salt:?}"
                );
            }
        }
    }

    #[test]
    fn hides_the_text() {
        let blob = conceal("text:inference|prediction", "q1");
        assert!(!blob.contains("inference"));
        assert!(
            blob.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        );
        // Different salts give different blobs, the same salt the same blob.
        assert_ne!(blob, conceal("text:inference|prediction", "q2"));
        assert_eq!(blob, conceal("text:inference|prediction", "q1"));
    }

    #[test]
    fn wrong_salt_or_garbage_is_none() {
        let blob = conceal("numeric:350000:0", "salt-a");
        assert_eq!(reveal(&blob, "salt-b"), None);
        for garbage in [
            "",
            "====",
            "AAAA",
            "not base64!",
            "🦀🦀🦀🦀",
            "Zm9vYmFy",
            &blob[..blob.len() - 4],
        ] {
            assert_eq!(reveal(garbage, "salt-a"), None, "{garbage:?}");
        }
        // Flipping any one character breaks the check.
        let bytes = blob.as_bytes();
        for i in 0..bytes.len() {
            let mut b = bytes.to_vec();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            let s = String::from_utf8(b).unwrap();
            if s != blob {
                assert_eq!(reveal(&s, "salt-a"), None, "position {i}");
            }
        }
    }
}
