import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../../App.svelte";
import { CONTINUE_PROMPT } from "../../assistant-state.svelte";
import { MockBackend, sampleOverview } from "../../testing/mockBackend";

function withPreferred(): MockBackend {
  return new MockBackend({ ...sampleOverview(), preferred: { provider: "anthropic", model: "claude-opus-4-7" } });
}

const box = () => screen.findByRole("textbox", { name: "Message" }) as Promise<HTMLTextAreaElement>;

describe("the assistant", () => {
  it("opens on the assistant once a model is chosen, and says which model it asks", async () => {
    render(App, { backend: withPreferred() });
    expect((await screen.findByTestId("asking-model")).textContent).toBe("Claude Opus 4.7");
    expect(screen.getByRole("tab", { name: "Assistant" }).getAttribute("aria-selected")).toBe("true");
  });

  it("draws a long conversation's latest messages, and the earlier ones on asking", async () => {
    const backend = withPreferred();
    const at = "2026-06-05T09:00:00Z";
    backend.conversations = [{ id: "long", title: "Rivers", created_at: at, updated_at: at }];
    backend.messages.set(
      "long",
      Array.from({ length: 130 }, (_, i) => ({
        id: `m${i}`,
        conversation_id: "long",
        role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
        text: `message ${i}`,
        status: i % 2 === 0 ? ("sent" as const) : ("complete" as const),
        model: i % 2 === 0 ? null : { provider: "anthropic", model: "claude-opus-4-7" },
        stood_in_for: null,
        failure: null,
        ending: null,
        created_at: at,
        updated_at: at,
      })),
    );
    const user = userEvent.setup();
    render(App, { backend });
    await user.click(await screen.findByRole("button", { name: /Rivers/ }));
    await waitFor(() => expect(document.querySelectorAll("[data-message]")).toHaveLength(60));
    const drawn = () => [...document.querySelectorAll("[data-message]")].map((m) => m.getAttribute("data-message"));
    expect(drawn()[0]).toBe("m70");
    expect(drawn().at(-1)).toBe("m129");
    const earlier = screen.getByTestId("show-earlier");
    expect(earlier.textContent).toMatch(/Show 60 earlier messages\s+\(70 not shown\)/);
    await user.click(earlier);
    expect(drawn()).toHaveLength(120);
    await user.click(screen.getByTestId("show-earlier"));
    expect(drawn()).toHaveLength(130);
    expect(drawn()[0]).toBe("m0");
    expect(screen.queryByTestId("show-earlier")).toBeNull();
  });

  it("streams the answer in, labelled with the model that wrote it, and empties the box", async () => {
    const backend = withPreferred();
    backend.script = { answer: ["**Lisbon**", " in spring"] };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Where to go?{Enter}");
    await waitFor(() => expect(screen.getByText(/Answered by Claude Opus 4.7/)).toBeTruthy());
    expect(document.querySelector(".markdown strong")?.textContent).toBe("Lisbon");
    expect(backend.sent).toEqual([{ text: "Where to go?", model: { provider: "anthropic", model: "claude-opus-4-7" }, conversationId: null, choice: { kind: "preferred" } }]);
    expect((await box()).value).toBe("");
    expect(screen.getByRole("button", { name: /Where to go\?/ })).toBeTruthy();
  });

  it("keeps the person's text and shows the reason when the model cannot answer", async () => {
    const backend = withPreferred();
    backend.script = {
      fail: {
        kind: "overloaded",
        side: "provider",
        source: "own_requests",
        headline: "Anthropic's servers are overloaded",
        message: "This is a temporary service problem on Anthropic's side — the model itself has not changed.",
      },
    };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Summarise the report{Enter}");
    const reason = await screen.findByTestId("send-reason");
    expect(reason.textContent).toContain("the model itself has not changed");
    expect((await box()).value).toBe("Summarise the report");
    expect(screen.getByText(/your text is back in the box/)).toBeTruthy();
  });

  it("keeps a partial answer, marked as cut off, with retry", async () => {
    const backend = withPreferred();
    backend.script = {
      partial: ["Day 1: "],
      fail: { kind: "elevated_errors", side: "provider", source: "own_requests", headline: "The answer from Anthropic was cut off", message: "…" },
    };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Plan a trip{Enter}");
    expect(await screen.findByText(/broke off part-way/)).toBeTruthy();
    expect(screen.getByText("Day 1:")).toBeTruthy();
    backend.script = { answer: ["Day 1: Lisbon"] };
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(backend.sent.map((s) => s.text)).toEqual(["Plan a trip", "Plan a trip"]));
  });

  it("puts the text back when the send is refused before it starts", async () => {
    const backend = withPreferred();
    backend.script = { refuse: { kind: "invalid_input", message: "the message is empty", reason: null } };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Hello{Enter}");
    expect((await screen.findByTestId("send-error")).textContent).toContain("the message is empty");
    expect((await box()).value).toBe("Hello");
  });

  it("shows the reason a refused send carries, as any reason, on its side", async () => {
    const backend = withPreferred();
    backend.script = {
      refuse: {
        kind: "admin_disabled",
        message: "Your workspace has turned off Anthropic models…",
        reason: {
          kind: "admin_disabled",
          side: "your_workspace",
          source: "workspace_admin",
          headline: "Your workspace has turned off Anthropic models",
          message: "Your workspace has turned off Anthropic models: \"Off while we review it.\"",
        },
      },
    };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Hello{Enter}");
    const reason = await screen.findByTestId("send-reason");
    expect(reason.getAttribute("data-reason")).toBe("admin_disabled");
    expect(reason.textContent).toContain("Off while we review it.");
    expect(screen.queryByTestId("send-error")).toBeNull();
    expect((await box()).value).toBe("Hello");
  });

  it("sends a person told a key is missing to where the key goes, keeping the error's kind", async () => {
    const backend = withPreferred();
    backend.script = {
      refuse: {
        kind: "not_configured",
        message: "Add an Anthropic API key to use Claude",
        reason: {
          kind: "not_configured",
          side: "your_setup",
          source: "configuration",
          headline: "Add an Anthropic API key to use Claude",
          message: "Switchboard has no Anthropic API key, so it cannot use Claude Opus 4.7 yet.",
        },
      },
    };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Hello{Enter}");
    const reason = await screen.findByTestId("send-reason");
    expect(reason.getAttribute("data-reason")).toBe("not_configured");
    const help = screen.getByTestId("key-help");
    expect(help.textContent).toContain("switchboard key set anthropic");
    expect(help.textContent).toContain("ANTHROPIC_API_KEY");
    expect((await box()).value).toBe("Hello");
  });

  it("keeps the kind of an error without a reason", async () => {
    const backend = withPreferred();
    backend.script = { refuse: { kind: "not_found", message: "Switchboard does not know that model", reason: null } };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Hello{Enter}");
    const error = await screen.findByTestId("send-error");
    expect(error.getAttribute("data-kind")).toBe("not_found");
    expect(screen.queryByTestId("key-help")).toBeNull();
  });

  it("stops an answer on request", async () => {
    const backend = withPreferred();
    backend.script = { hold: true };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Long essay{Enter}");
    await user.click(await screen.findByRole("button", { name: "Stop" }));
    expect(await screen.findByText(/You stopped this answer/)).toBeTruthy();
    expect(backend.stopped).toHaveLength(1);
  });

  it("saves the draft as it is typed", async () => {
    const backend = withPreferred();
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Dear team");
    await waitFor(() => expect(backend.drafts.get("")).toBe("Dear team"), { timeout: 2000 });
  });

  it("says an answer stopped at the length limit and continues it on request, leaving the box alone", async () => {
    const backend = withPreferred();
    backend.script = { answer: ["Day 1: Alfama"], ending: { kind: "length_limit" } };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Plan a week{Enter}");
    expect((await screen.findByText(/Stopped at the length limit/)).closest("[data-ending]")?.getAttribute("data-ending")).toBe("length_limit");
    await user.type(await box(), "half-typed");
    backend.script = { answer: [" Day 2: Belém"] };
    await user.click(screen.getByRole("button", { name: "Continue" }));
    await waitFor(() => expect(backend.sent).toHaveLength(2));
    expect(backend.sent[1].text).toBe(CONTINUE_PROMPT);
    expect(backend.sent[1].conversationId).toBe("c1");
    expect((await box()).value).toBe("half-typed");
  });

  it("says plainly when the provider's filter stopped an answer, keeping what arrived", async () => {
    const backend = withPreferred();
    backend.script = {
      answer: ["No"],
      ending: { kind: "filtered", category: "SAFETY" },
      reason: {
        kind: "content_filtered",
        side: "content",
        source: "own_requests",
        headline: "Google Gemini's safety filter stopped the answer",
        message: "This is about the content of this message, not an outage or a change in the model.",
      },
    };
    const user = userEvent.setup();
    render(App, { backend });
    await user.type(await box(), "Tell me{Enter}");
    expect(await screen.findByText(/Stopped by the provider's safety filter \(SAFETY\)/)).toBeTruthy();
    const reason = await screen.findByTestId("send-reason");
    expect(reason.getAttribute("data-reason")).toBe("content_filtered");
    expect(reason.textContent).toContain("not an outage");
    expect(screen.queryByRole("button", { name: "Continue" })).toBeNull();
  });
});
