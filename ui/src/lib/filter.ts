// Filtering and grouping the picker's models: pure functions, so they are tested without a DOM
// and stay fast with a thousand models.
import type { Model, Provider } from "./bindings";

export interface ProviderGroup {
  provider: Provider;
  models: Model[];
}

/** Lower-case text a query is matched against: names, ids, aliases and the provider. */
function haystack(model: Model, provider: Provider | undefined): string {
  return [model.display_name, model.id, ...model.aliases, provider?.name ?? "", provider?.family ?? ""]
    .join("\u0000")
    .toLowerCase();
}

/**
 * Models grouped by provider in catalog order, keeping only those matching every word of
 * `query` (case-insensitive). Providers with no match are left out.
 */
export function groupModels(providers: Provider[], models: Model[], query: string): ProviderGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const byId = new Map(providers.map((p) => [p.id, p]));
  const groups = new Map<string, ProviderGroup>(providers.map((p) => [p.id, { provider: p, models: [] }]));
  for (const model of models) {
    const provider = byId.get(model.provider);
    const group = groups.get(model.provider);
    if (!provider || !group) continue;
    const text = haystack(model, provider);
    if (words.every((w) => text.includes(w))) group.models.push(model);
  }
  return [...groups.values()].filter((g) => g.models.length > 0);
}

/** "200K", "1M", "1.05M", "40K" */
export function formatTokens(tokens: number): string {
  if (tokens >= 1_000_000) {
    const m = tokens / 1_000_000;
    return `${Number.isInteger(m) ? m : m.toFixed(2).replace(/0+$/, "")}M`;
  }
  return `${Math.round(tokens / 1000)}K`;
}

/** "$5 / $25 per M tokens", or "Free (runs locally)" for local models. */
export function formatPrice(model: Model): string {
  if (model.price_in === 0 && model.price_out === 0) return "Free to run";
  const dollars = (n: number) => `$${Number.isInteger(n) ? n : n.toFixed(2).replace(/0+$/, "")}`;
  return `${dollars(model.price_in)} / ${dollars(model.price_out)} per M tokens`;
}
