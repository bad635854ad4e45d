// Every view, checked by axe-core as it renders: names, roles, labels, landmarks, ARIA use.
// jsdom has no layout, so contrast is checked from the colours themselves below, for both
// themes, to WCAG AA (4.5:1 for text).
import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import css from "./app.css?raw";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import type { Plan } from "./lib/bindings";
import { MockBackend, sampleOverview } from "./lib/testing/mockBackend";

const opus = { provider: "anthropic", model: "claude-opus-4-7" };

async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    rules: { "color-contrast": { enabled: false } },
  });
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

const asking: Plan = {
  kind: "ask",
  reason: {
    kind: "elevated_errors",
    side: "provider",
    source: "own_requests",
    headline: "Elevated errors on Claude Opus 4.7",
    message: "Anthropic's servers are failing. The model itself has not changed.",
  },
  ranking: {
    preferred: opus,
    needs: { tokens: 100, images: false, tools: false },
    provider_wide: false,
    alternatives: [
      {
        model: { provider: "openai", model: "gpt-5" },
        display_name: "GPT-5",
        provider_name: "OpenAI",
        state: "available",
        comparison: { context_window: 400000, price_in: 1.25, price_out: 10, images: true, tools: true, same_provider: false },
        differences: ["OpenAI, not Anthropic"],
      },
    ],
    excluded: [],
  },
};

describe("accessibility", () => {
  it.each(["Models", "Assistant", "Board", "Settings"])("the %s view has no axe violations", async (tab) => {
    render(App, { backend: new MockBackend({ ...sampleOverview(), preferred: opus }) });
    await userEvent.setup().click(await screen.findByRole("tab", { name: tab }));
    await screen.findByRole("tabpanel");
    expect(await violations()).toEqual([]);
  });

  it("the consent dialog has no axe violations", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.plan = asking;
    render(App, { backend });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("tab", { name: "Assistant" }));
    await user.type(await screen.findByRole("textbox", { name: "Message" }), "Hello{Enter}");
    await screen.findByRole("dialog");
    expect(await violations()).toEqual([]);
  });

  it("announces a change of the preferred model's state in a live region", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    render(App, { backend });
    await userEvent.setup().click(await screen.findByRole("tab", { name: "Models" }));
    const live = await screen.findByTestId("preferred-live");
    expect(live.getAttribute("aria-live")).toBe("polite");
    const current = backend.overviewValue.availability.find((a) => a.model.model === opus.model)!;
    backend.emitAvailability({
      ...current,
      state: "unavailable",
      reason: { ...current.reason, kind: "elevated_errors", side: "provider", headline: "Server errors from Anthropic" },
    });
    await screen.findByText(/Claude Opus 4\.7 is now unavailable: Server errors from Anthropic/);
    expect(live.textContent).toContain("unavailable");
  });
});

/** The colour variables of one theme block in app.css. */
function colours(css: string, selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf("}", start));
  return new Map([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

describe("contrast (WCAG AA)", () => {
  const light = colours(css, ":root");
  const dark = new Map([...light, ...colours(css, ':root[data-theme="dark"]')]);
  // Text on the backgrounds it is drawn on.
  const pairs: [string, string][] = [
    ["fg", "bg"],
    ["fg", "surface"],
    ["fg", "hover"],
    ["fg-soft", "surface"],
    ["muted", "surface"],
    ["muted", "bg"],
    ["muted", "hover"],
    ["accent", "surface"],
    ["ok-fg", "ok-bg"],
    ["warn-fg", "warn-bg"],
    ["bad-fg", "bad-bg"],
    ["off-fg", "off-bg"],
    ["fg", "warn-bg"],
  ];
  it.each([
    ["light", light],
    ["dark", dark],
  ])("every text colour in the %s theme reads at 4.5:1 or more", (_, theme) => {
    const low = pairs
      .map(([fg, bg]) => [fg, bg, contrast(theme.get(fg)!, theme.get(bg)!)] as const)
      .filter(([, , ratio]) => ratio < 4.5)
      .map(([fg, bg, ratio]) => `${fg} on ${bg}: ${ratio.toFixed(2)}`);
    expect(low).toEqual([]);
  });
});
