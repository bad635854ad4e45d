import { describe, expect, it } from "vitest";
import { detailsUnknown, formatContext, formatDetails, formatPrice, formatTokens, fromProviderList, groupModels } from "./filter";
import { listedModel, model, sampleOverview } from "./testing/mockBackend";

describe("groupModels", () => {
  const { providers, models } = sampleOverview();
  const ids = (query: string) => groupModels(providers, models, query).flatMap((g) => g.models.map((m) => m.id));

  it("groups every model under its provider, in catalog order, when there is no query", () => {
    const groups = groupModels(providers, models, "");
    expect(groups.map((g) => g.provider.id)).toEqual(["anthropic", "openai"]);
    expect(groups[0].models.map((m) => m.id)).toEqual(["claude-opus-4-8", "claude-opus-4-7", "claude-sonnet-4-6"]);
  });

  it("needs every word to match, in any field, ignoring case", () => {
    expect(ids("OPUS 4.7")).toEqual(["claude-opus-4-7"]);
    expect(ids("opus")).toEqual(["claude-opus-4-8", "claude-opus-4-7"]);
    expect(ids("  gpt   mini ")).toEqual(["gpt-5-mini"]);
  });

  it("matches the provider's name and family", () => {
    expect(ids("openai")).toEqual(["gpt-5", "gpt-5-mini"]);
    expect(ids("claude")).toHaveLength(3);
  });

  it("leaves out providers with no match", () => {
    expect(groupModels(providers, models, "sonnet").map((g) => g.provider.id)).toEqual(["anthropic"]);
    expect(groupModels(providers, models, "nothing like this")).toEqual([]);
  });

  it("finds one model among a thousand", () => {
    const many = Array.from({ length: 1000 }, (_, i) => model(i % 2 ? "anthropic" : "openai", `m-${i}`, `Model ${i}`));
    const found = groupModels(providers, many, "model 999");
    expect(found.flatMap((g) => g.models.map((m) => m.id))).toEqual(["m-999"]);
    expect(found.map((g) => g.provider.id)).toEqual(["anthropic"]);
  });
});

describe("formatting", () => {
  it("shows context windows the way providers do", () => {
    expect(formatTokens(200_000)).toBe("200K");
    expect(formatTokens(1_000_000)).toBe("1M");
    expect(formatTokens(1_048_576)).toBe("1.05M");
    expect(formatTokens(40_960)).toBe("41K");
  });

  it("shows prices per million tokens, and local models as free", () => {
    expect(formatPrice(model("a", "x", "X"))).toBe("$5 / $25 per M tokens");
    expect(formatPrice({ ...model("a", "x", "X"), price_in: 1.25, price_out: 10 })).toBe("$1.25 / $10 per M tokens");
    expect(formatPrice({ ...model("a", "x", "X"), price_in: 0.1, price_out: 0.5 })).toBe("$0.10 / $0.50 per M tokens");
    expect(formatPrice({ ...model("a", "x", "X"), price_in: 0.075, price_out: 0.3 })).toBe("$0.075 / $0.30 per M tokens");
    expect(formatPrice({ ...model("a", "x", "X"), price_in: 0, price_out: 0 })).toBe("Free to run");
  });
});

describe("details nobody gave", () => {
  const known = model("a", "x", "X");
  const listed = listedModel("anthropic", "claude-opus-5", "Claude Opus 5", "2026-11-24T10:00:00Z");

  it("says \"unknown\" instead of showing null, NaN or a free price", () => {
    expect(formatContext(listed)).toBe("context unknown");
    expect(formatPrice(listed)).toBe("price unknown");
    expect(formatPrice({ ...known, price_out: null })).toBe("price unknown");
    expect(formatPrice({ ...known, price_in: undefined })).toBe("price unknown");
    expect(formatDetails(listed)).toBe("context unknown · price unknown · tool use unknown");
    expect(formatDetails(listed)).not.toMatch(/null|NaN|undefined|\$|Free/);
  });

  it("keeps the full detail line for a model whose details are known", () => {
    expect(formatContext(known)).toBe("200K context");
    expect(formatDetails(known)).toBe("200K context · $5 / $25 per M tokens · images · tools");
    expect(formatDetails({ ...known, tool_use: false, input: ["text"] })).toBe("200K context · $5 / $25 per M tokens");
  });

  it("flags a model when any of context, price or tool use is unknown", () => {
    expect(detailsUnknown(known)).toBe(false);
    expect(detailsUnknown(listed)).toBe(true);
    expect(detailsUnknown({ ...known, context_window: null })).toBe(true);
    expect(detailsUnknown({ ...known, price_in: null })).toBe(true);
    expect(detailsUnknown({ ...known, tool_use: null })).toBe(true);
    expect(detailsUnknown({ ...known, tool_use: false })).toBe(false);
  });

  it("tells a model learned from the provider's list from a shipped one", () => {
    expect(fromProviderList(listed)).toBe(true);
    expect(fromProviderList(known)).toBe(false);
    expect(fromProviderList({ ...known, sources: undefined })).toBe(false);
  });

  it("finds a model that has no aliases", () => {
    const bare = { ...listed, aliases: undefined };
    expect(groupModels(sampleOverview().providers, [bare], "opus 5").flatMap((g) => g.models)).toEqual([bare]);
  });
});
