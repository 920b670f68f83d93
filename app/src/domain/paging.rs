//! Cursor pagination: `limit` 1 to 250 (default 50), `cursor` the id of the last item seen.

use crate::error::AppError;
use crate::model::Page;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 250;

#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A checked page request: how many rows to fetch and where to start.
#[derive(Clone, Debug)]
pub struct Window {
    pub limit: u32,
    pub before: Option<String>,
}

impl PageRequest {
    /// Checks the request; `id_prefix` is the prefix the cursor's id must carry.
    pub fn window(&self, id_prefix: &str) -> Result<Window, AppError> {
        let limit = match self.limit {
            None => DEFAULT_LIMIT,
            Some(limit) if (1..=i64::from(MAX_LIMIT)).contains(&limit) => limit as u32,
            Some(_) => return Err(AppError::validation("limit", format!("limit must be between 1 and {MAX_LIMIT}."))),
        };
        let before = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) if is_id(cursor, id_prefix) => Some(cursor.to_string()),
            Some(_) => return Err(AppError::validation("cursor", "cursor is not one this API gave out.")),
        };
        Ok(Window { limit, before })
    }
}

impl Window {
    /// How many rows to ask the store for: one more than the page, to know if there is a next.
    pub fn fetch(&self) -> u32 {
        self.limit + 1
    }

    /// Cuts the extra row and names the cursor of the next page.
    pub fn page<R, T>(&self, mut rows: Vec<R>, id: impl Fn(&R) -> String, map: impl Fn(R) -> T) -> Page<T> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        let next_cursor = if more { rows.last().map(&id) } else { None };
        Page { data: rows.into_iter().map(map).collect(), next_cursor }
    }
}

/// A filter's value, if one was given: `?status=` (empty) means no filter, as a form would send it.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|text| !text.is_empty())
}

/// Whether `text` is an id we made with this prefix (`sub_` + 26 ULID characters).
pub fn is_id(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|ulid| ulid.len() == 26 && ulid.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_cursors_are_checked() {
        let ok = PageRequest { limit: Some(10), cursor: Some(format!("sub_{}", "0".repeat(26))) };
        assert_eq!(ok.window("sub").unwrap().limit, 10);
        assert!(PageRequest { limit: Some(0), cursor: None }.window("sub").is_err());
        assert!(PageRequest { limit: Some(251), cursor: None }.window("sub").is_err());
        assert!(PageRequest { limit: None, cursor: Some("evt_x".into()) }.window("sub").is_err());
        assert_eq!(PageRequest::default().window("sub").unwrap().limit, DEFAULT_LIMIT);
    }
}
