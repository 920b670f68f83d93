//! Opaque, prefixed, time-ordered ids (`acc_01j…`). ULIDs sort by creation time, which makes
//! them usable as keyset-pagination cursors.

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new().to_string().to_lowercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_carry_their_prefix_and_sort_by_time() {
        let first = super::new_id("usr");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = super::new_id("usr");
        assert!(first.starts_with("usr_") && first.len() == 4 + 26);
        assert!(first < second);
    }
}
