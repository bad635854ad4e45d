//! One module per wire format: its routes, its JSON answers and its stream events.

pub(crate) mod anthropic;
pub(crate) mod gemini;
pub(crate) mod openai;

use axum::http::HeaderMap;

/// A header's value as text, if present and non-empty.
pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}
