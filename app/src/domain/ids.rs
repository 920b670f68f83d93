//! Opaque, prefixed, time-ordered ids (`acc_01j…`). ULIDs sort by creation time, which makes
//! them usable as keyset-pagination cursors.

use std::sync::{LazyLock, Mutex};

use ulid::Generator;

/// One generator for the process: ids made within the same millisecond still sort in the order
/// they were made (the generator increments instead of drawing a new random part).
static GENERATOR: LazyLock<Mutex<Generator>> = LazyLock::new(|| Mutex::new(Generator::new()));

#[allow(clippy::unwrap_or_default)]
pub fn new_id(prefix: &str) -> String {
    let ulid = GENERATOR
        .lock()
        .ok()
        .and_then(|mut generator| generator.generate().ok())
        // Overflow of the random part within one millisecond (2^80 ids) or a poisoned lock:
        // fall back to a fresh ULID, still unique, only possibly out of order. (Not
        // `unwrap_or_default`, which clippy suggests: the default ULID is the nil one.)
        .unwrap_or_else(ulid::Ulid::new);
    format!("{prefix}_{}", ulid.to_string().to_lowercase())
}

/// The smallest id with this prefix made at `ms` (Unix milliseconds): every id made at or after
/// that moment sorts at or above it, which turns a time range into an id range.
pub fn first_id_at(prefix: &str, ms: i64) -> String {
    // A ULID holds 48 bits of milliseconds; times outside that range clamp to its ends.
    let ms = ms.clamp(0, (1 << 48) - 1) as u64;
    format!("{prefix}_{}", ulid::Ulid::from_parts(ms, 0).to_string().to_lowercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_carry_their_prefix_and_sort_in_creation_order() {
        let ids: Vec<String> = (0..1000).map(|_| super::new_id("usr")).collect();
        assert!(ids[0].starts_with("usr_") && ids[0].len() == 4 + 26);
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn first_id_at_a_time_brackets_the_ids_made_then() {
        let before = super::first_id_at("evt", crate::domain::now_ms());
        let id = super::new_id("evt");
        let after = super::first_id_at("evt", crate::domain::now_ms() + 1);
        assert!(before <= id && id < after, "{before} {id} {after}");
        assert_eq!(super::first_id_at("evt", -5), format!("evt_{}", "0".repeat(26)));
    }
}
