import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../../App.svelte";
import { MockBackend, sampleOverview } from "../../testing/mockBackend";

const opus = { provider: "anthropic", model: "claude-opus-4-7" };

async function openBoard(backend: MockBackend) {
  render(App, { backend });
  const user = userEvent.setup();
  await user.click(await screen.findByRole("tab", { name: "Board" }));
  return user;
}

describe("the board", () => {
  it("says what is wrong now first, grouped, and every provider after", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    const base = await backend.board();
    backend.boardValue = {
      ...base,
      wrong_now: [
        {
          provider: "anthropic",
          provider_name: "Anthropic",
          reason_kind: "provider_incident",
          side: "provider",
          state: "unavailable",
          models: [opus, { provider: "anthropic", model: "claude-opus-4-8" }],
          summary: "Anthropic: Elevated errors on Claude Opus 4.7 and Opus 4.8 — 2 models; all other Anthropic models working",
          incident_link: "https://stspg.io/q4lnmtw3kc8y",
        },
      ],
    };
    const user = await openBoard(backend);
    const now = await screen.findByTestId("wrong-now");
    expect(now.textContent).toContain("— 2 models; all other Anthropic models working");
    expect(now.textContent).toContain("On the provider's side.");
    const anthropic = screen.getByTestId("board-anthropic");
    await user.click(within(anthropic).getByRole("button", { name: "Check now" }));
    await waitFor(() => expect(backend.checked).toEqual(["anthropic"]));
  });

  it("shows a provider's words as text: markup in an incident title never runs", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    const base = await backend.board();
    const hostile = `<img src=x onerror="window.__ran = true"><script>window.__ran = true</script>Errors`;
    backend.boardValue = {
      ...base,
      wrong_now: [
        {
          provider: "anthropic",
          provider_name: "Anthropic",
          reason_kind: "provider_incident",
          side: "provider",
          state: "unavailable",
          models: [opus],
          summary: `Anthropic: ${hostile} — 1 model; all other Anthropic models working`,
          incident_link: null,
        },
      ],
    };
    await openBoard(backend);
    const now = await screen.findByTestId("wrong-now");
    expect(now.textContent).toContain("<img src=x onerror=");
    expect(now.querySelector("img")).toBeNull();
    expect(now.querySelector("script")).toBeNull();
    expect((window as unknown as { __ran?: boolean }).__ran).toBeUndefined();
  });

  it("says so when nothing is wrong", async () => {
    await openBoard(new MockBackend({ ...sampleOverview(), preferred: opus }));
    expect((await screen.findByTestId("nothing-wrong")).textContent).toContain("Nothing is known to be wrong");
  });
});
