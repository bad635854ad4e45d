//! The models each simulated provider serves: its list endpoints answer these, and a request
//! naming any other model gets that provider's real "not found" answer.
//!
//! The ids follow Switchboard's shipped catalog (`src-tauri/src/catalog/catalog.toml`), plus a
//! few older models so the list endpoints have something to page through.

/// One model as the simulator knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimModel {
    pub id: &'static str,
    pub display_name: &'static str,
    /// Release date (Anthropic `created_at`, OpenAI `created`).
    pub created: &'static str,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

const fn m(
    id: &'static str,
    display_name: &'static str,
    created: &'static str,
    input_tokens: u64,
    output_tokens: u64,
) -> SimModel {
    SimModel {
        id,
        display_name,
        created,
        input_tokens,
        output_tokens,
    }
}

/// Newest first, as Anthropic lists them.
pub const ANTHROPIC: &[SimModel] = &[
    m(
        "claude-opus-4-8",
        "Claude Opus 4.8",
        "2026-05-12T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-opus-4-7",
        "Claude Opus 4.7",
        "2026-03-18T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-sonnet-4-6",
        "Claude Sonnet 4.6",
        "2026-02-17T00:00:00Z",
        1_000_000,
        64_000,
    ),
    m(
        "claude-opus-4-6",
        "Claude Opus 4.6",
        "2026-02-05T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-haiku-4-5",
        "Claude Haiku 4.5",
        "2025-10-15T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-sonnet-4-5",
        "Claude Sonnet 4.5",
        "2025-09-29T00:00:00Z",
        200_000,
        64_000,
    ),
    m(
        "claude-opus-4-1",
        "Claude Opus 4.1",
        "2025-08-05T00:00:00Z",
        200_000,
        32_000,
    ),
];

pub const OPENAI: &[SimModel] = &[
    m(
        "gpt-5.1",
        "GPT-5.1",
        "2025-11-13T00:00:00Z",
        400_000,
        128_000,
    ),
    m("gpt-5", "GPT-5", "2025-08-07T00:00:00Z", 400_000, 128_000),
    m(
        "gpt-5-mini",
        "GPT-5 mini",
        "2025-08-07T00:00:00Z",
        400_000,
        128_000,
    ),
    m(
        "gpt-5-nano",
        "GPT-5 nano",
        "2025-08-07T00:00:00Z",
        400_000,
        128_000,
    ),
    m(
        "gpt-4.1",
        "GPT-4.1",
        "2025-04-14T00:00:00Z",
        1_047_576,
        32_768,
    ),
    m("gpt-4o", "GPT-4o", "2024-05-13T00:00:00Z", 128_000, 16_384),
    m(
        "gpt-4o-mini",
        "GPT-4o mini",
        "2024-07-18T00:00:00Z",
        128_000,
        16_384,
    ),
];

pub const GEMINI: &[SimModel] = &[
    m(
        "gemini-3-pro-preview",
        "Gemini 3 Pro Preview",
        "2025-11-18T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.5-pro",
        "Gemini 2.5 Pro",
        "2025-06-17T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.5-flash",
        "Gemini 2.5 Flash",
        "2025-06-17T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.5-flash-lite",
        "Gemini 2.5 Flash-Lite",
        "2025-07-22T00:00:00Z",
        1_048_576,
        65_536,
    ),
    m(
        "gemini-2.0-flash",
        "Gemini 2.0 Flash",
        "2025-02-05T00:00:00Z",
        1_048_576,
        8_192,
    ),
];

/// Ollama names carry a tag; a request without one means `:latest`.
pub const OLLAMA: &[SimModel] = &[
    m(
        "llama3.2:latest",
        "Llama 3.2 3B",
        "2026-05-30T09:12:44Z",
        131_072,
        131_072,
    ),
    m(
        "qwen3:8b",
        "Qwen3 8B",
        "2026-05-28T17:40:02Z",
        40_960,
        40_960,
    ),
];

/// The models `provider` serves (empty for an unknown provider).
pub fn models(provider: &str) -> &'static [SimModel] {
    match provider {
        "anthropic" => ANTHROPIC,
        "openai" => OPENAI,
        "gemini" => GEMINI,
        "ollama" => OLLAMA,
        _ => &[],
    }
}

/// The canonical id for a requested model, if the provider serves it. Ollama adds `:latest`
/// to an untagged name, as Ollama does.
pub fn resolve(provider: &str, requested: &str) -> Option<&'static str> {
    let wanted = if provider == "ollama" && !requested.contains(':') {
        format!("{requested}:latest")
    } else {
        requested.to_string()
    };
    models(provider)
        .iter()
        .find(|model| model.id == wanted)
        .map(|model| model.id)
}
