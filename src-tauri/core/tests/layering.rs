//! The core's layering, as the README states it, held by the source itself: each module names
//! only the modules below it. A `crate::health` in the store, or a `crate::providers` in the
//! catalog, fails here before it can make a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module may use; everything else is above it.
const ALLOWED: &[(&str, &[&str])] = &[
    ("vocabulary", &[]),
    ("clock", &[]),
    ("notice", &[]),
    ("catalog", &["vocabulary"]),
    ("providers", &["catalog", "vocabulary", "clock"]),
    ("store", &["catalog", "vocabulary", "notice"]),
    // Pure decisions: which models could stand in, and whether a consent lets one.
    ("fallback", &["catalog", "vocabulary"]),
    // Pure: the first statement, from the evidence.
    ("statement", &["vocabulary", "clock"]),
    // Pure: the board's "Now", from the states and the checks.
    ("board", &["catalog", "vocabulary"]),
    // Pure: the outage history's episodes, from stored transitions.
    ("history", &["vocabulary", "clock"]),
    ("timeline", &["vocabulary", "clock", "store", "history"]),
    ("stats", &["vocabulary", "clock", "store", "history"]),
    // Pure decisions: what the desktop is told, and when.
    ("notifications", &["catalog", "vocabulary", "clock"]),
    (
        "health",
        &[
            "catalog",
            "vocabulary",
            "store",
            "providers",
            "clock",
            "notice",
        ],
    ),
    (
        "assistant",
        &[
            "fallback",
            "catalog",
            "vocabulary",
            "store",
            "providers",
            "health",
            "clock",
            "notice",
        ],
    ),
    (
        "model_lists",
        &[
            "catalog",
            "vocabulary",
            "store",
            "providers",
            "health",
            "clock",
            "notice",
        ],
    ),
    // Reads the file into each layer's own settings.
    (
        "config",
        &[
            "catalog",
            "vocabulary",
            "providers",
            "health",
            "model_lists",
            "clock",
            "notice",
        ],
    ),
    (
        "overview",
        &[
            "catalog",
            "vocabulary",
            "store",
            "health",
            "assistant",
            "model_lists",
            "notice",
        ],
    ),
    (
        "startup",
        &[
            "catalog",
            "vocabulary",
            "store",
            "providers",
            "health",
            "model_lists",
            "config",
            "notice",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules `code` names through `crate::`, grouped imports included.
fn named_modules(code: &str) -> BTreeSet<String> {
    let code: String = code
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{catalog::Model, store::Store}`: each name at the group's first level.
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        found.insert(ident(group[start..i].trim()));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.insert(ident(group[start..i].trim()));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

#[test]
fn each_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = BTreeSet::new();
    let mut wrong = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let module = first.to_str().unwrap().trim_end_matches(".rs");
        if matches!(module, "lib" | "root") {
            // The crate root and the composition root sit on top of everything.
            continue;
        }
        let Some(may_use) = allowed.get(module) else {
            wrong.push(format!("{module}: a module the layering does not place"));
            continue;
        };
        checked.insert(module.to_string());
        let code = std::fs::read_to_string(&file).unwrap();
        for used in named_modules(&code) {
            if used != module && !may_use.contains(&used.as_str()) {
                wrong.push(format!("{} uses crate::{used}", relative.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "against the layering:\n{}",
        wrong.join("\n")
    );
    assert_eq!(checked.len(), ALLOWED.len(), "every placed module was read");
}

#[test]
fn grouped_and_plain_paths_are_both_seen() {
    let code = "use crate::{catalog::Model, store::{Store, StoreError}};\n\
                // crate::health in a comment is not a use\n\
                let x = crate::providers::Timeouts::default();";
    assert_eq!(
        named_modules(code),
        BTreeSet::from(["catalog".into(), "providers".into(), "store".into()])
    );
}
