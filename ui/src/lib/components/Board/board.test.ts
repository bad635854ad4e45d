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
          beyond_evidence: null,
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
          beyond_evidence: null,
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

describe("the statement and the history", () => {
  const episode = {
    id: "anthropic/claude-opus-4-7@1780675920",
    model: opus,
    started: "2026-06-05T16:12:00Z",
    ended: "2026-06-05T17:04:00Z",
    worst: "unavailable" as const,
    reason_kind: "provider_incident" as const,
    side: "provider" as const,
    headline: "Anthropic reports: Elevated errors on Claude Opus 4.7 and Opus 4.8",
    reasons: ["provider_incident" as const],
    sources: ["status_page" as const],
    incident_link: "https://stspg.io/q4lnmtw3kc8y",
    incident_title: "Elevated errors on Claude Opus 4.7 and Opus 4.8",
  };

  it("drafts the first statement, says the blanket warning above it, and copies what was edited", async () => {
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
          models: [opus],
          summary: "Anthropic: Elevated errors — 1 model; all other Anthropic models working",
          incident_link: null,
          beyond_evidence: null,
        },
      ],
    };
    backend.draftValue = {
      title: "Service outage at Anthropic: Claude Opus 4.7 and Claude Opus 4.8",
      text: "Service outage at Anthropic: Claude Opus 4.7 and Claude Opus 4.8\n\nThe models themselves have not changed.\n",
      warnings: ["The workspace policy turns off models that the evidence does not name: Claude Sonnet 4.6."],
    };
    const user = await openBoard(backend);
    await user.click(await screen.findByRole("button", { name: "Draft a statement" }));
    const text = (await screen.findByTestId("statement-text")) as HTMLTextAreaElement;
    expect(text.value).toContain("The models themselves have not changed.");
    expect(screen.getByTestId("statement-warning").textContent).toContain("does not name: Claude Sonnet 4.6");
    await user.type(text, " Posted by the admin.");
    await user.click(screen.getByRole("button", { name: "Copy" }));
    await waitFor(() => expect(backend.clipboard.at(-1)).toContain("Posted by the admin."));
  });

  it("lists the episodes and copies them as CSV", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.episodes = [episode];
    const user = await openBoard(backend);
    const table = await screen.findByTestId("episodes");
    expect(table.textContent).toContain("52 min");
    expect(table.textContent).toContain("https://stspg.io/q4lnmtw3kc8y");
    await user.click(screen.getByRole("button", { name: "Copy as CSV" }));
    await waitFor(() => expect(backend.clipboard.at(-1)).toContain("anthropic,claude-opus-4-7,2026-06-05T16:12:00Z"));
    await user.click(screen.getByRole("button", { name: /resolved/ }));
    await waitFor(() => expect(backend.drafted.at(-1)?.episode).toBe(episode.id));
  });
});
