// A Backend for Vitest: the shipped catalog's shape, in memory, recording what the UI asked.
import type { Backend } from "../backend/backend";
import type { Model, ModelAvailability, ModelRef, Overview, Provider, UiError } from "../bindings";

export function provider(id: string, name: string, family: string): Provider {
  return { id, name, family, wire: "openai", base_url: "https://example.com", api_key_env: `${id.toUpperCase()}_API_KEY` };
}

export function model(providerId: string, id: string, display_name: string, aliases: string[] = []): Model {
  return {
    provider: providerId,
    id,
    display_name,
    context_window: 200_000,
    input: ["text", "image"],
    tool_use: true,
    price_in: 5,
    price_out: 25,
    tier: "frontier",
    aliases: [display_name, id, ...aliases],
  };
}

export function notConfigured(m: Model, p: Provider): ModelAvailability {
  return {
    model: { provider: m.provider, model: m.id },
    state: "disabled",
    reason: {
      kind: "not_configured",
      side: "your_setup",
      source: "configuration",
      headline: `Add an ${p.name} API key to use ${p.family}`,
      message: `Switchboard has no ${p.name} API key, so it cannot use ${m.display_name} yet.`,
    },
    since: "2026-11-24T09:00:00Z",
    next_check: null,
    stale: false,
  };
}

export function sampleOverview(): Overview {
  const anthropic = provider("anthropic", "Anthropic", "Claude");
  const openai = provider("openai", "OpenAI", "GPT");
  const models = [
    model("anthropic", "claude-opus-4-8", "Claude Opus 4.8", ["Opus 4.8"]),
    model("anthropic", "claude-opus-4-7", "Claude Opus 4.7", ["Opus 4.7"]),
    model("anthropic", "claude-sonnet-4-6", "Claude Sonnet 4.6", ["Sonnet 4.6"]),
    model("openai", "gpt-5", "GPT-5"),
    model("openai", "gpt-5-mini", "GPT-5 mini"),
  ];
  const byId = { anthropic, openai } as Record<string, Provider>;
  return {
    providers: [anthropic, openai],
    models,
    availability: models.map((m) => notConfigured(m, byId[m.provider])),
    preferred: null,
    notices: [],
  };
}

export class MockBackend implements Backend {
  chosen: ModelRef[] = [];
  failNextChoice: UiError | null = null;
  overviewValue: Overview;
  #availabilityHandlers: ((a: ModelAvailability) => void)[] = [];

  constructor(overview: Overview = sampleOverview()) {
    this.overviewValue = overview;
  }

  async overview(): Promise<Overview> {
    return structuredClone(this.overviewValue);
  }

  async setPreferredModel(model: ModelRef): Promise<ModelRef> {
    if (this.failNextChoice) {
      const error = this.failNextChoice;
      this.failNextChoice = null;
      throw error;
    }
    this.chosen.push(model);
    return model;
  }

  async onAvailabilityChanged(handler: (a: ModelAvailability) => void) {
    this.#availabilityHandlers.push(handler);
    return () => {
      this.#availabilityHandlers = this.#availabilityHandlers.filter((h) => h !== handler);
    };
  }

  /** Pushes an availability change as the core's event would. */
  emitAvailability(a: ModelAvailability): void {
    for (const h of this.#availabilityHandlers) h(a);
  }
}
