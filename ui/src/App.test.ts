import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { MockBackend, sampleOverview } from "./lib/testing/mockBackend";

function options(): string[] {
  return screen.getAllByRole("option").map((o) => o.getAttribute("data-model") ?? "");
}

describe("the picker window", () => {
  it("lists models grouped by provider with each one's reason", async () => {
    render(App, { backend: new MockBackend() });
    await screen.findByRole("listbox");
    expect(options()).toEqual([
      "anthropic/claude-opus-4-8",
      "anthropic/claude-opus-4-7",
      "anthropic/claude-sonnet-4-6",
      "openai/gpt-5",
      "openai/gpt-5-mini",
    ]);
    expect(screen.getAllByRole("group").map((g) => g.getAttribute("data-provider"))).toEqual(["anthropic", "openai"]);
    expect(screen.getAllByText("Add an Anthropic API key to use Claude")).toHaveLength(3);
    expect(within(screen.getByRole("listbox")).getAllByText("Needs key")).toHaveLength(5);
  });

  it("filters as you type and chooses with the keyboard", async () => {
    const backend = new MockBackend();
    const user = userEvent.setup();
    render(App, { backend });
    const filter = await screen.findByRole("combobox", { name: "Filter models" });
    await user.type(filter, "opus");
    expect(options()).toEqual(["anthropic/claude-opus-4-8", "anthropic/claude-opus-4-7"]);
    await user.keyboard("{ArrowDown}{Enter}");
    await waitFor(() => expect(backend.chosen).toEqual([{ provider: "anthropic", model: "claude-opus-4-7" }]));
    expect(await screen.findByTestId("preferred-name")).toHaveProperty("textContent", "Claude Opus 4.7");
    expect(screen.getByRole("option", { selected: true }).getAttribute("data-model")).toBe("anthropic/claude-opus-4-7");
    await user.keyboard("{Escape}");
    expect(options()).toHaveLength(5);
  });

  it("keeps the previous choice and says why when saving fails", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: { provider: "openai", model: "gpt-5" } });
    backend.failNextChoice = { kind: "storage", message: "Switchboard could not save or read its data: disk full" };
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(await screen.findByRole("tab", { name: "Models" }));
    await user.click(await screen.findByText("Claude Sonnet 4.6"));
    expect((await screen.findByRole("alert")).textContent).toContain("disk full");
    expect(screen.getByTestId("preferred-name").textContent).toBe("GPT-5");
  });

  it("shows start-up notices and lets the person dismiss them", async () => {
    const backend = new MockBackend({
      ...sampleOverview(),
      notices: [{ kind: "config_invalid", title: "Your config file has a problem", message: "In /c/config.toml, line 3: extra `=`." }],
    });
    const user = userEvent.setup();
    render(App, { backend });
    expect(await screen.findByText(/line 3/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: /Dismiss/ }));
    expect(screen.queryByText(/line 3/)).toBeNull();
  });

  it("updates a model's badge when its availability changes", async () => {
    const backend = new MockBackend();
    render(App, { backend });
    await screen.findByRole("listbox");
    const before = sampleOverview().availability[3];
    backend.emitAvailability({
      ...before,
      state: "available",
      reason: { ...before.reason, kind: "healthy", side: "nobody", source: "own_requests", headline: "Answering normally" },
    });
    expect(await screen.findByText("Answering normally")).toBeTruthy();
    expect(within(screen.getByRole("listbox")).getAllByText("Available")).toHaveLength(1);
  });
});

describe("a demo", () => {
  it("says plainly that the providers are simulated", async () => {
    render(App, { backend: new MockBackend({ ...sampleOverview(), demo: "june-2026" }) });
    const banner = await screen.findByTestId("demo-banner");
    expect(banner.textContent).toContain("simulated");
    expect(banner.textContent).toContain("june-2026");
  });

  it("shows no demo banner in real use", async () => {
    render(App, { backend: new MockBackend() });
    await screen.findByRole("listbox");
    expect(screen.queryByTestId("demo-banner")).toBeNull();
  });
});
