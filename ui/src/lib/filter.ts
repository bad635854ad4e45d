// Filtering and grouping the picker's models: pure functions, so they are tested without a DOM
// and stay fast with a thousand models.
import type { Model, Provider } from "./bindings";

export interface ProviderGroup {
  provider: Provider;
  models: Model[];
}

/** Lower-case text a query is matched against: names, ids, aliases and the provider. */
function haystack(model: Model, provider: Provider | undefined): string {
  return [model.display_name, model.id, ...(model.aliases ?? []), provider?.name ?? "", provider?.family ?? ""]
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

/** "200K context", or "context unknown" when nobody said. */
export function formatContext(model: Model): string {
  return model.context_window == null ? "context unknown" : `${formatTokens(model.context_window)} context`;
}

/** "$5 / $25 per M tokens", "Free to run" for local models, "price unknown" when nobody said. */
export function formatPrice(model: Model): string {
  const { price_in, price_out } = model;
  if (price_in == null || price_out == null) return "price unknown";
  if (price_in === 0 && price_out === 0) return "Free to run";
  // Cents as cents ("$0.10", "$1.25"), whole dollars bare ("$10"), finer prices in full ("$0.075").
  const dollars = (n: number) => {
    if (Number.isInteger(n)) return `$${n}`;
    const cents = n * 100;
    return `$${Math.abs(cents - Math.round(cents)) < 1e-9 ? n.toFixed(2) : String(n)}`;
  };
  return `${dollars(price_in)} / ${dollars(price_out)} per M tokens`;
}

/** The picker's detail line: "200K context · $5 / $25 per M tokens · images · tools". */
export function formatDetails(model: Model): string {
  const parts = [formatContext(model), formatPrice(model)];
  if (model.input?.includes("image")) parts.push("images");
  if (model.tool_use === true) parts.push("tools");
  else if (model.tool_use == null) parts.push("tool use unknown");
  return parts.join(" · ");
}

/** True when any detail the picker shows (context, price, tool use) is not known. */
export function detailsUnknown(model: Model): boolean {
  return model.context_window == null || model.price_in == null || model.price_out == null || model.tool_use == null;
}

/** True for a model only the provider's own list told Switchboard about. */
export function fromProviderList(model: Model): boolean {
  return model.sources?.display_name === "provider";
}
