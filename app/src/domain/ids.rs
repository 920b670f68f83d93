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

#[cfg(test)]
mod tests {
    #[test]
    fn ids_carry_their_prefix_and_sort_in_creation_order() {
        let ids: Vec<String> = (0..1000).map(|_| super::new_id("usr")).collect();
        assert!(ids[0].starts_with("usr_") && ids[0].len() == 4 + 26);
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
