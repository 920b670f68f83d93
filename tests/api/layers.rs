//! The layering ARCHITECTURE.md describes, checked on the source: the domain's modules never
//! import each other in a circle, and the REST handlers and server functions reach the store
//! only through the domain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The source of a file without its test module (tests may use anything).
fn source(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The sibling modules a domain module names: `super::x`, `crate::domain::x`, and the first
/// segment of each path inside `use super::{…}`.
fn siblings_named(text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for prefix in ["super::", "crate::domain::"] {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let mut depth = 0;
                let mut segment_start = true;
                let mut word = String::new();
                for ch in group.chars() {
                    match ch {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => segment_start = true,
                        c if c.is_alphanumeric() || c == '_' => {
                            if segment_start {
                                word.push(c);
                            }
                            continue;
                        }
                        _ => {}
                    }
                    if !word.is_empty() {
                        named.insert(std::mem::take(&mut word));
                        segment_start = false;
                    }
                }
            } else {
                let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                named.insert(word);
            }
        }
    }
    named.retain(|name| modules.contains(name));
    named
}

#[test]
fn no_domain_module_imports_one_that_imports_it_back() {
    let dir = root().join("app/src/domain");
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("the domain folder") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if name != "mod" && path.extension().is_some_and(|e| e == "rs") {
            modules.insert(name, path);
        }
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let imports: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|(name, path)| {
            let mut named = siblings_named(&source(path), &names);
            named.remove(name);
            (name.clone(), named)
        })
        .collect();
    assert!(imports["events"].contains("deliveries"), "the check sees imports: {imports:?}");
    // Any cycle, however long: a depth-first walk that meets a module on its own path.
    fn walk<'a>(
        at: &'a str,
        imports: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) {
        if let Some(start) = path.iter().position(|name| *name == at) {
            panic!("the domain modules import each other in a circle: {} -> {at}", path[start..].join(" -> "));
        }
        if !done.insert(at) {
            return;
        }
        path.push(at);
        for next in &imports[at] {
            walk(next, imports, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for name in imports.keys() {
        walk(name, &imports, &mut Vec::new(), &mut done);
    }
}

#[test]
fn rest_handlers_and_server_functions_reach_the_store_only_through_the_domain() {
    let mut offenders = Vec::new();
    for dir in ["src/api", "app/src/rpc"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("a source folder") {
            let path = entry.expect("an entry").path();
            let text = source(&path);
            // Passing the store to a domain function is the way; calling one of its methods is not.
            for (line, content) in text.lines().enumerate() {
                let calls_it = content.match_indices("store.").any(|(at, _)| {
                    content[at + "store.".len()..].chars().next().is_some_and(|c| c.is_ascii_lowercase())
                        && !content[at..].starts_with("store.clone()")
                });
                if calls_it {
                    offenders.push(format!("{}:{}: {}", path.display(), line + 1, content.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "calls to the store outside the domain:\n{}", offenders.join("\n"));
}
