import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../../App.svelte";
import type { Overview } from "../../bindings";
import { MockBackend, notConfigured, retired, sampleOverview } from "../../testing/mockBackend";

const opus47 = { provider: "anthropic", model: "claude-opus-4-7" };
const opus48 = { provider: "anthropic", model: "claude-opus-4-8" };

/** Opus 4.7 preferred, and retired: the core offers Opus 4.8. */
function retiredPreferred(): Overview {
  const overview = { ...sampleOverview(), preferred: opus47, preferred_replacement: opus48 };
  overview.availability[1] = retired(overview.models[1], overview.providers[0]);
  return overview;
}

async function openModels() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("tab", { name: "Models" }));
  return user;
}

describe("a retired preferred model", () => {
  it("says it is no longer offered and offers the nearest model, without switching", async () => {
    const backend = new MockBackend(retiredPreferred());
    render(App, { backend });
    await openModels();
    const card = await screen.findByTestId("preferred-card");
    const offer = within(card).getByTestId("replacement-offer");
    expect(offer.textContent).toContain("Anthropic no longer offers Claude Opus 4.7");
    expect(within(card).getByTestId("switch-to-replacement").textContent?.trim()).toBe("Switch to Claude Opus 4.8");
    expect(within(card).getByTestId("preferred-name").textContent).toBe("Claude Opus 4.7");
    expect(backend.chosen, "nothing should switch before the click").toEqual([]);
  });

  it("switches only when the person clicks, and then stops offering", async () => {
    const backend = new MockBackend(retiredPreferred());
    render(App, { backend });
    const user = await openModels();
    await user.click(await screen.findByTestId("switch-to-replacement"));
    await waitFor(() => expect(backend.chosen).toEqual([opus48]));
    expect(screen.getByTestId("preferred-name").textContent).toBe("Claude Opus 4.8");
    expect(screen.queryByTestId("switch-to-replacement")).toBeNull();
  });

  it("offers no switch while the preferred model is still offered", async () => {
    render(App, { backend: new MockBackend({ ...sampleOverview(), preferred: opus47 }) });
    await openModels();
    await screen.findByTestId("preferred-card");
    expect(screen.queryByTestId("switch-to-replacement")).toBeNull();
  });

  it("reads the overview again when the preferred model is retired, so the offer is fresh", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus47 });
    render(App, { backend });
    await openModels();
    await screen.findByTestId("preferred-card");
    const reads = backend.overviewReads;

    const next = retiredPreferred();
    backend.overviewValue = next;
    backend.emitAvailability(next.availability[1]);

    const button = await screen.findByTestId("switch-to-replacement");
    expect(backend.overviewReads).toBe(reads + 1);
    expect(button.textContent?.trim()).toBe("Switch to Claude Opus 4.8");
    expect(backend.chosen).toEqual([]);
  });

  it("does not read the overview again for other models' changes", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus47 });
    render(App, { backend });
    await openModels();
    await screen.findByTestId("preferred-card");
    const reads = backend.overviewReads;
    const other = sampleOverview();
    backend.emitAvailability(retired(other.models[3], other.providers[1]));
    expect(await screen.findByText("OpenAI no longer offers GPT-5")).toBeTruthy();
    expect(backend.overviewReads).toBe(reads);
  });
});

describe("a preferred model without a key", () => {
  it("says where the key goes", async () => {
    const overview = { ...sampleOverview(), preferred: opus47 };
    overview.availability[1] = notConfigured(overview.models[1], overview.providers[0]);
    render(App, { backend: new MockBackend(overview) });
    await openModels();
    const card = await screen.findByTestId("preferred-card");
    const help = within(card).getByTestId("key-help");
    expect(help.textContent).toContain(`switchboard key set ${overview.providers[0].id}`);
  });
});
