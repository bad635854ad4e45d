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

  it("reads the board and the history again when a model's state changes in the window", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    await openBoard(backend);
    expect((await screen.findByTestId("nothing-wrong")).textContent).toContain("Nothing is known to be wrong");
    const base = await backend.board();
    backend.boardValue = {
      ...base,
      wrong_now: [
        {
          provider: "anthropic",
          provider_name: "Anthropic",
          reason_kind: "elevated_errors",
          side: "provider",
          state: "unavailable",
          models: [opus],
          summary: "Anthropic: Server errors at Anthropic — Claude Opus 4.7 — 1 model; all other Anthropic models working",
          incident_link: null,
          beyond_evidence: null,
        },
      ],
    };
    const now = (await backend.overview()).availability.find((a) => a.model.model === opus.model)!;
    backend.emitAvailability({ ...now, state: "unavailable", reason: { ...now.reason, kind: "elevated_errors" } });
    expect((await screen.findByTestId("wrong-now")).textContent).toContain("Server errors at Anthropic");
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

describe("an episode's timeline and a model's statistics", () => {
  const episode = {
    id: "anthropic/claude-opus-4-7@1780675920",
    model: opus,
    started: "2026-06-05T15:02:00Z",
    ended: "2026-06-05T15:52:00Z",
    worst: "unavailable" as const,
    reason_kind: "elevated_errors" as const,
    side: "provider" as const,
    headline: "Server errors at Anthropic",
    reasons: ["elevated_errors" as const],
    sources: ["own_requests" as const],
    incident_link: null,
    incident_title: "Elevated errors on Claude Opus 4.7 and Opus 4.8",
  };
  const hostile = `<img src=x onerror="window.__ranPost = true"><script>window.__ranPost = true</script>We are investigating.`;
  const mark = (at: string, kind: "first_failure" | "state" | "post" | "policy_off", title: string, text = "") => ({ at, kind, title, text, link: null });
  const timeline = {
    episode,
    model_name: "Claude Opus 4.7",
    provider_name: "Anthropic",
    from: "2026-06-05T15:01:00Z",
    to: "2026-06-05T15:55:00Z",
    observed: [mark("2026-06-05T15:01:00Z", "first_failure", "First failed request", "HTTP 500 (elevated errors), on Anthropic's side"), mark("2026-06-05T15:02:00Z", "state", "Unavailable", "Server errors at Anthropic")],
    posted: [mark("2026-06-05T15:07:00Z", "post", "Investigating: Elevated errors on Claude Opus 4.7 and Opus 4.8", hostile)],
    workspace: [mark("2026-06-05T15:11:00Z", "policy_off", "Turned off by your workspace", "Anthropic is having an outage")],
    lead: "Switchboard saw the first server errors 6 min before Anthropic posted.",
    return_lead: "Switchboard saw answers again 10 min before Anthropic posted “resolved”.",
    requests: "3 requests while it lasted, 2 failed on Anthropic's side.",
    identity: { verdict: "same" as const, before: null, after: null, said: "Claude Opus 4.7 answered as the same snapshot before and after the incident (claude-opus-4-7-20260415)." },
  };

  it("opens from the history with the lanes in time order, the lead time, and the post as text", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.episodes = [episode];
    backend.timelines[episode.id] = timeline;
    const user = await openBoard(backend);
    await user.click(await screen.findByRole("button", { name: /^Timeline of Claude Opus 4.7/ }));
    const shown = await screen.findByTestId("timeline");
    expect(within(shown).getByTestId("lead").textContent).toBe(timeline.lead);
    expect(within(shown).getByTestId("return-lead").textContent).toBe(timeline.return_lead);
    const rows = within(within(shown).getByTestId("lanes")).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.getAttribute("data-lane"))).toEqual(["observed", "observed", "posted", "workspace"]);
    // The first failure is in this app's lane, the post in Anthropic's, a row apart.
    const cells = (row: HTMLElement) => within(row).getAllByRole("cell");
    expect(cells(rows[0])[1].textContent).toContain("First failed request");
    expect(cells(rows[2])[2].textContent).toContain("Investigating");
    expect(cells(rows[2])[0].textContent).toContain("5 min later");
    expect(within(shown).getByRole("columnheader", { name: "Anthropic posted" })).toBeTruthy();
    // The provider's words are text: nothing in them runs.
    expect(cells(rows[2])[2].textContent).toContain("<img src=x onerror=");
    expect(shown.querySelector("img, script")).toBeNull();
    expect((window as unknown as { __ranPost?: boolean }).__ranPost).toBeUndefined();
    expect(within(shown).getByTestId("identity").textContent).toContain("the same snapshot before and after");
    await user.click(within(shown).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByTestId("timeline")).toBeNull());
  });

  it("says an unknown episode plainly", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.episodes = [episode];
    const user = await openBoard(backend);
    await user.click(await screen.findByRole("button", { name: /^Timeline of Claude Opus 4.7/ }));
    const alert = await within(await screen.findByTestId("timeline")).findByRole("alert");
    expect(alert.getAttribute("data-kind")).toBe("not_found");
  });

  it("shows the preferred model's statistics by side, and a day of the strip opens its episode", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.episodes = [episode];
    backend.timelines[episode.id] = timeline;
    const base = await backend.modelStats(opus);
    const failed = { provider: 9, yours: 1, network: 0, other: 0 };
    base.day = { ...base.day, requests: 40, failed, first_text_ms: 640 };
    base.days[29] = { ...base.days[29], requests: 40, failed, worst: "unavailable", episodes: [episode.id] };
    backend.stats["anthropic/claude-opus-4-7"] = base;
    const user = await openBoard(backend);
    const stats = await screen.findByTestId("model-stats");
    await waitFor(() =>
      expect(within(stats).getByTestId("stats-totals").textContent?.replace(/\s+/g, " ").trim()).toBe(
        "40 requests · failed on the provider's side 23 % · on your side 3 % · in the network 0 % · first text after 640 ms on average",
      ),
    );
    expect(backend.statsAsked[0]).toEqual(opus);
    const days = within(within(stats).getByTestId("day-strip")).getAllByRole("button");
    expect(days).toHaveLength(30);
    expect(days[29].getAttribute("aria-label")).toBe("30 Nov: 40 requests, 10 failed, 1 episode");
    expect(days[29].className).toContain("unavailable");
    await user.click(days[29]);
    await user.click(within(await screen.findByTestId("day-detail")).getByRole("button"));
    expect((await screen.findByTestId("lead")).textContent).toBe(timeline.lead);
    // Another period: the hour has no requests.
    await user.click(within(stats).getByRole("radio", { name: "Last hour" }));
    await waitFor(() => expect(within(stats).getByTestId("stats-totals").textContent).toContain("No requests to"));
  });
});
