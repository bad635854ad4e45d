//! How lists are said in every message, notice, board line and statement, and the word a
//! value has on the wire.

/// The word a unit enum variant is written as in JSON and the store (`elevated_errors`);
/// empty for anything that is not one word.
pub fn wire_word<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// How long, as a person says it: "40 s", "6 min", "2 h 5 min".
pub fn human_wait(wait: std::time::Duration) -> String {
    let secs = wait.as_secs_f64().ceil() as u64;
    match secs {
        0..=89 => format!("{secs} s"),
        90..=3599 => format!("{} min", (secs + 30) / 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
    }
}

/// "A", "A and B", "A, B and C".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_read_as_a_person_says_them() {
        let s = |v: &[&str]| super::and_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["A"]), "A");
        assert_eq!(s(&["A", "B"]), "A and B");
        assert_eq!(s(&["A", "B", "C"]), "A, B and C");
    }
}
