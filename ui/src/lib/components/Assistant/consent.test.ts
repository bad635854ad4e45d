import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../../App.svelte";
import type { Alternative, Plan, Reason } from "../../bindings";
import { MockBackend, sampleOverview } from "../../testing/mockBackend";

const opus = { provider: "anthropic", model: "claude-opus-4-7" };
const gpt = { provider: "openai", model: "gpt-5" };

const elevated: Reason = {
  kind: "elevated_errors",
  side: "provider",
  source: "own_requests",
  headline: "Elevated errors on Claude Opus 4.7",
  message: "Anthropic's servers are failing this app's requests to Claude Opus 4.7. The model itself has not changed.",
};

function alternative(model: typeof gpt, name: string, provider: string): Alternative {
  return {
    model,
    display_name: name,
    provider_name: provider,
    state: "available",
    comparison: { context_window: 400000, price_in: 1.25, price_out: 10, images: true, tools: true, same_provider: false },
    differences: [`${provider}, not Anthropic`, "context window 400K (Claude Opus 4.7: 200K)"],
  };
}

function asking(reason: Reason = elevated, alternatives = [alternative(gpt, "GPT-5", "OpenAI")]): Plan {
  return {
    kind: "ask",
    reason,
    ranking: {
      preferred: opus,
      needs: { tokens: 4200, images: false, tools: false },
      provider_wide: false,
      alternatives,
      excluded: [
        {
          model: { provider: "openai", model: "gpt-5-mini" },
          display_name: "GPT-5 mini",
          why: { kind: "no_key" },
          words: "no OpenAI API key",
        },
      ],
    },
  };
}

function preferringOpus(): MockBackend {
  return new MockBackend({ ...sampleOverview(), preferred: opus });
}

const box = () => screen.findByRole("textbox", { name: "Message" }) as Promise<HTMLTextAreaElement>;

describe("the consent dialog", () => {
  it("opens before any request when the preferred model is known to be out", async () => {
    const backend = preferringOpus();
    backend.plan = asking();
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Summarise the Q3 report{Enter}");
    const dialog = await screen.findByRole("dialog");
    expect(dialog.textContent).toContain("The model itself has not changed.");
    expect(dialog.textContent).toContain("Nothing has been sent.");
    expect(backend.sent).toEqual([]);
    // The first choice has the focus, and the text is still in the box behind the dialog.
    expect(document.activeElement?.getAttribute("data-choice")).toBe("this_message");
    expect((await box()).value).toBe("Summarise the Q3 report");
    expect(within(dialog).getByText(/OpenAI, not Anthropic/)).toBeTruthy();
  });

  it("keeps the focus inside while open and gives it back when it closes", async () => {
    const backend = preferringOpus();
    backend.plan = asking();
    const user = userEvent.setup();
    render(App, { backend });
    const compose = await box();
    await user.type(compose, "Draft the memo{Enter}");
    const dialog = await screen.findByRole("dialog");
    expect(document.activeElement?.getAttribute("data-choice")).toBe("this_message");
    // Forwards from the last control wraps to the first; backwards from the first, to the last.
    within(dialog).getByRole("button", { name: /Why not/ }).focus();
    await user.tab();
    expect(document.activeElement?.getAttribute("type")).toBe("radio");
    await user.tab({ shift: true });
    expect(document.activeElement?.textContent).toMatch(/Why not/);
    // Focus put outside is pulled back in.
    compose.focus();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(compose);
  });

  it("sends to the stand-in with the consent chosen, and labels the answer", async () => {
    const backend = preferringOpus();
    backend.plan = asking();
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Summarise the Q3 report{Enter}");
    await user.click(await screen.findByRole("button", { name: "Use GPT-5 until Claude Opus 4.7 is back" }));
    await waitFor(() => expect(backend.sent).toHaveLength(1));
    expect(backend.sent[0].choice).toEqual({ kind: "stand_in", alternative: gpt, scope: "until_back" });
    const label = await screen.findByTestId("answered-by");
    expect(label.textContent).toContain("Answered by GPT-5");
    expect(label.textContent).toContain("standing in for Claude Opus 4.7");
    expect(label.textContent).toContain("(Elevated errors on Claude Opus 4.7)");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("keeps the text in the box on Cancel and on Escape, and sends nothing", async () => {
    const backend = preferringOpus();
    backend.plan = asking();
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Draft the memo{Enter}");
    await user.click(await screen.findByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect((await box()).value).toBe("Draft the memo");
    await user.type(await box(), "{Enter}");
    await screen.findByRole("dialog");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(backend.sent).toEqual([]);
  });

  it("offers a standing consent only for the provider's side, and says when nothing qualifies", async () => {
    const backend = preferringOpus();
    const offline: Reason = { ...elevated, kind: "offline", side: "your_network", headline: "You appear to be offline" };
    backend.plan = asking(offline, []);
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Hello{Enter}");
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByTestId("no-alternative").textContent).toContain("No other model can take");
    expect(within(dialog).queryByRole("button", { name: /^Always use/ })).toBeNull();
    expect(within(dialog).getByRole("button", { name: "Wait — send it when Claude Opus 4.7 is back" })).toBeTruthy();
    expect(within(dialog).getByRole("button", { name: "Keep trying Claude Opus 4.7" })).toBeTruthy();
    await user.click(within(dialog).getByRole("button", { name: /Why not/ }));
    expect(within(dialog).getByTestId("excluded").textContent).toContain("GPT-5 mini: no OpenAI API key");
  });

  it("queues on Wait, shows the message waiting, and takes it away once sent", async () => {
    const backend = preferringOpus();
    backend.plan = asking();
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Send the minutes{Enter}");
    await user.click(await screen.findByRole("button", { name: "Wait — send it when Claude Opus 4.7 is back" }));
    await waitFor(() => expect(backend.queue).toHaveLength(1));
    expect(backend.sent).toEqual([]);
    expect((await screen.findByTestId("waiting-count")).textContent).toBe("1 waiting");
    backend.emitFallback({ kind: "back", model: opus, holding: false });
    expect((await screen.findByTestId("back-notice")).textContent).toContain(
      "Claude Opus 4.7 is back — your next message goes to it.",
    );
    backend.emitFallback({ kind: "queued_sent", queued: backend.queue[0], answer: null });
    await waitFor(() => expect(screen.queryByTestId("waiting-count")).toBeNull());
  });

  it("sends a waiting message to another model on request, through the dialog", async () => {
    const backend = preferringOpus();
    backend.plan = asking();
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Send the minutes{Enter}");
    await user.click(await screen.findByRole("button", { name: "Wait — send it when Claude Opus 4.7 is back" }));
    await user.click(await screen.findByRole("button", { name: "Send to another model now" }));
    await user.click(await screen.findByRole("button", { name: "Use GPT-5 for this message" }));
    await waitFor(() => expect(backend.sent).toHaveLength(1));
    expect(backend.sent[0].text).toBe("Send the minutes");
    expect(backend.sent[0].choice).toEqual({ kind: "stand_in", alternative: gpt, scope: "this_message" });
    expect(backend.queue).toEqual([]);
  });

  it("says when the reason is for the person to fix, offering no other model", async () => {
    const backend = preferringOpus();
    const badKey: Reason = { ...elevated, kind: "auth_failed", side: "your_key", headline: "Anthropic rejected your API key" };
    const plan = asking(badKey, []);
    if (plan.kind === "ask") plan.ranking.for_you_to_fix = true;
    backend.plan = plan;
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Hello{Enter}");
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByTestId("no-alternative").textContent).toContain("This is for you to fix");
    expect(within(dialog).queryByRole("button", { name: /^Use / })).toBeNull();
    // A reflex Enter cancels; it does not keep the message for a rejected key.
    expect(document.activeElement?.getAttribute("data-choice")).toBe("cancel");
  });

  it("asks nothing after a failure only the person can fix: the reason says it", async () => {
    const backend = preferringOpus();
    const badKey: Reason = { ...elevated, kind: "auth_failed", side: "your_key", headline: "Anthropic rejected your API key" };
    backend.script = { fail: badKey };
    const fix = asking(badKey, []);
    if (fix.kind === "ask") fix.ranking.for_you_to_fix = true;
    backend.nextPlans = [{ kind: "preferred" }, fix];
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Hello{Enter}");
    expect((await screen.findByTestId("send-reason")).textContent).toContain("rejected your API key");
    await waitFor(() => expect(backend.plans).toHaveLength(2));
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("puts the text back when it cannot be kept for later", async () => {
    const backend = preferringOpus();
    backend.plan = asking();
    backend.queueMessage = async () => {
      throw { kind: "storage", message: "Switchboard could not save or read its data", reason: null };
    };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Send the minutes{Enter}");
    await user.click(await screen.findByRole("button", { name: "Wait — send it when Claude Opus 4.7 is back" }));
    await waitFor(async () => expect((await box()).value).toBe("Send the minutes"));
    expect((await screen.findByTestId("send-error")).getAttribute("data-kind")).toBe("storage");
  });

  it("lets a standing consent answer after a failure, once, labelled", async () => {
    const backend = preferringOpus();
    backend.script = { fail: elevated };
    backend.nextPlans = [
      { kind: "preferred" },
      { kind: "stand_in", alternative: gpt, scope: "always", reason: elevated, holding: false },
    ];
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Plan the offsite{Enter}");
    await waitFor(() => expect(backend.sent).toHaveLength(2));
    expect(backend.sent[1].choice).toEqual({ kind: "stand_in", alternative: gpt, scope: "this_message" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("opens after a send that failed on the provider's side, with that reason", async () => {
    const backend = preferringOpus();
    backend.script = { fail: elevated };
    const user = userEvent.setup();
    // Not known out when Send is pressed; after the failure, the core asks.
    backend.nextPlans = [{ kind: "preferred" }, asking()];
    render(App, { backend });
    await user.type(await box(), "Plan the offsite{Enter}");
    const dialog = await screen.findByRole("dialog");
    expect(backend.plans.map((p) => p.failed)).toEqual([null, elevated]);
    expect(backend.sent).toHaveLength(1);
    expect(dialog.textContent).toContain("Elevated errors on Claude Opus 4.7");
    await user.click(screen.getByRole("button", { name: "Keep trying Claude Opus 4.7" }));
    await waitFor(() => expect(backend.sent.at(-1)?.choice).toEqual({ kind: "preferred" }));
  });
});
