import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "./App.svelte";
import { listedModel, MockBackend, modelList, retired, sampleOverview } from "./lib/testing/mockBackend";

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

  it("says once, after the picker with every model's state is drawn, that the first frame is painted", async () => {
    const backend = new MockBackend();
    render(App, { backend });
    await screen.findByRole("listbox");
    await waitFor(() => expect(backend.paints).toBe(1));
    // Later changes are not a first paint.
    await userEvent.setup().click(screen.getByRole("tab", { name: "Board" }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    expect(backend.paints).toBe(1);
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

  it("keeps the row the keyboard chose when the list scrolls under a still pointer", async () => {
    render(App, { backend: new MockBackend() });
    const filter = await screen.findByRole("combobox", { name: "Filter models" });
    const active = () => document.querySelector("[role=option].active")?.getAttribute("data-model");
    const row = (model: string) => document.querySelector(`[data-model="${model}"]`) as HTMLElement;
    const user = userEvent.setup();
    await user.click(filter);
    await user.keyboard("{End}");
    expect(active()).toBe("openai/gpt-5-mini");
    // The WebView's mousemove for the row now under the pointer, which has not moved.
    const still = { screenX: 300, screenY: 200, bubbles: true };
    row("openai/gpt-5").dispatchEvent(new MouseEvent("mousemove", still));
    row("anthropic/claude-opus-4-7").dispatchEvent(new MouseEvent("mousemove", still));
    await waitFor(() => expect(active()).toBe("openai/gpt-5-mini"));
    // The pointer moves: the row under it is active.
    row("anthropic/claude-opus-4-7").dispatchEvent(new MouseEvent("mousemove", { screenX: 300, screenY: 230, bubbles: true }));
    await waitFor(() => expect(active()).toBe("anthropic/claude-opus-4-7"));
  });

  it("keeps the previous choice and says why when saving fails", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: { provider: "openai", model: "gpt-5" } });
    backend.failNextChoice = { kind: "storage", message: "Switchboard could not save or read its data: disk full", reason: null };
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

  it("applies a burst of changes together, the last word per model winning", async () => {
    const backend = new MockBackend();
    render(App, { backend });
    await screen.findByRole("listbox");
    const all = sampleOverview().availability;
    const off = (a: (typeof all)[number]) => ({
      ...a,
      state: "disabled" as const,
      reason: { ...a.reason, kind: "admin_disabled" as const, side: "your_workspace" as const, headline: "Turned off by your workspace" },
    });
    // Every model turned off, then the first one turned back on, in one burst.
    backend.emitAvailability(...all.map(off), {
      ...all[0],
      state: "available",
      reason: { ...all[0].reason, kind: "healthy", side: "nobody", source: "own_requests", headline: "Answering normally" },
    });
    const list = screen.getByRole("listbox");
    await waitFor(() => expect(list.querySelectorAll("[data-state=disabled]")).toHaveLength(all.length - 1));
    const first = list.querySelector(`[data-model="${all[0].model.provider}/${all[0].model.model}"]`);
    expect(first?.querySelector("[data-state]")?.getAttribute("data-state")).toBe("available");
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

/** Today at `hours:minutes` in the tests' zone (America/St_Johns, set in vite.config.ts), as the core sends it: UTC. */
function todayAt(hours: number, minutes: number): string {
  const at = new Date();
  at.setHours(hours, minutes, 0, 0);
  return at.toISOString();
}

describe("the live catalog", () => {
  const option = (name: string) => screen.getAllByRole("option").find((o) => o.querySelector(".name")?.textContent === name);

  it("marks a model only the provider's list knows as new, with its unknown details in words", async () => {
    const overview = sampleOverview();
    overview.models.push(listedModel("anthropic", "claude-opus-5", "Claude Opus 5", "2026-11-24T10:00:00Z"));
    render(App, { backend: new MockBackend(overview) });
    await screen.findByRole("listbox");
    const row = option("Claude Opus 5");
    expect(row, "the listed model should be in the picker").toBeTruthy();
    expect(within(row!).getByText("New")).toBeTruthy();
    expect(within(row!).getByText("Details unknown")).toBeTruthy();
    expect(row!.textContent).toContain("context unknown · price unknown · tool use unknown");
    expect(row!.textContent).not.toMatch(/null|NaN|Free to run/);
    const shipped = option("Claude Opus 4.8")!;
    expect(within(shipped).queryByText("New")).toBeNull();
    expect(within(shipped).queryByText("Details unknown")).toBeNull();
  });

  it("says when the provider has announced it stops serving a model", async () => {
    const overview = sampleOverview();
    const gpt = overview.models.find((m) => m.provider === "openai")!;
    gpt.retires_on = "2027-02-01";
    render(App, { backend: new MockBackend(overview) });
    await screen.findByRole("listbox");
    const row = option(gpt.display_name)!;
    const tag = row.querySelector('[data-tag="retires"]');
    expect(tag?.textContent).toMatch(/Retires\s+(1 Feb 2027|Feb 1, 2027)/);
    const other = option("Claude Opus 4.8")!;
    expect(other.querySelector('[data-tag="retires"]')).toBeNull();
  });

  it("refreshes the lists on request: busy meanwhile, then the new overview and when it was read", async () => {
    const backend = new MockBackend();
    backend.holdRefresh = true;
    backend.onRefresh = (o) => {
      o.models.push(listedModel("openai", "gpt-6", "GPT-6", todayAt(14, 5)));
      o.model_lists = [modelList("openai", todayAt(14, 5))];
    };
    const user = userEvent.setup();
    render(App, { backend });
    const button = (await screen.findByTestId("refresh-models")) as HTMLButtonElement;
    expect(screen.getByTestId("model-lists-status").textContent).toBe("Model lists not read yet");
    expect(button.textContent?.trim()).toBe("Refresh list");
    const readsBefore = backend.overviewReads;

    await user.click(button);
    await waitFor(() => expect(button.textContent?.trim()).toBe("Refreshing…"));
    expect(button.disabled).toBe(true);
    await user.click(button);
    expect(backend.refreshes, "a second click while refreshing should not ask again").toBe(1);

    backend.finishRefresh();
    await waitFor(() => expect(button.textContent?.trim()).toBe("Refresh list"));
    expect(button.disabled).toBe(false);
    expect(backend.overviewReads).toBeGreaterThan(readsBefore);
    expect(option("GPT-6"), "the model the refresh found should be listed").toBeTruthy();
    expect(screen.getByTestId("model-lists-status").textContent).toBe("Model lists read 14:05");
  });

  it("says plainly when a refresh fails, and keeps the page", async () => {
    const backend = new MockBackend({ ...sampleOverview(), model_lists: [modelList("anthropic", todayAt(9, 35))] });
    backend.failNextRefresh = { kind: "storage", message: "Switchboard could not save or read its data: disk full", reason: null };
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(await screen.findByTestId("refresh-models"));
    const error = await screen.findByTestId("refresh-error");
    expect(error.textContent).toBe("Could not read the model lists: Switchboard could not save or read its data: disk full");
    expect(screen.getAllByRole("option")).toHaveLength(5);
    expect(screen.getByTestId("model-lists-status").textContent).toBe("Model lists read 09:35");
    expect((screen.getByTestId("refresh-models") as HTMLButtonElement).disabled).toBe(false);
  });

  it("reads the overview again when the catalog changes: new models appear, retired ones say why", async () => {
    const backend = new MockBackend();
    render(App, { backend });
    await screen.findByRole("listbox");
    expect(option("Claude Opus 5")).toBeUndefined();

    const next = sampleOverview();
    next.models.push(listedModel("anthropic", "claude-opus-5", "Claude Opus 5", "2026-11-24T10:00:00Z"));
    next.availability[1] = retired(next.models[1], next.providers[0]);
    backend.overviewValue = next;
    backend.emitCatalogChanged();

    await waitFor(() => expect(option("Claude Opus 5"), "the new model should appear").toBeTruthy());
    const gone = option("Claude Opus 4.7")!;
    expect(within(gone).getByText("Anthropic no longer offers Claude Opus 4.7")).toBeTruthy();
    expect(within(gone).getByText("Retired")).toBeTruthy();
  });
});
