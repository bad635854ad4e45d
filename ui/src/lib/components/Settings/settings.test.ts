import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import App from "../../../App.svelte";
import { MockBackend, sampleOverview } from "../../testing/mockBackend";

const opus = { provider: "anthropic", model: "claude-opus-4-7" };
const gpt = { provider: "openai", model: "gpt-5" };
const mini = { provider: "openai", model: "gpt-5-mini" };

async function openSettings() {
  const user = userEvent.setup();
  await user.click(await screen.findByRole("tab", { name: "Settings" }));
  return user;
}

describe("Settings", () => {
  it("keeps the fallback order, reordered and changed by buttons", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.order = [gpt];
    render(App, { backend });
    const user = await openSettings();
    const order = await screen.findByTestId("fallback-order");
    expect(order.textContent).toContain("GPT-5");
    await user.selectOptions(screen.getByRole("combobox", { name: "Add a model" }), "openai/gpt-5-mini");
    await user.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(backend.order).toEqual([gpt, mini]));
    await user.click(screen.getByRole("button", { name: "Move GPT-5 mini up" }));
    await waitFor(() => expect(backend.order).toEqual([mini, gpt]));
    expect(screen.getByRole("button", { name: "Move GPT-5 mini up" }).hasAttribute("disabled")).toBe(true);
    await user.click(screen.getByRole("button", { name: "Remove GPT-5" }));
    await waitFor(() => expect(backend.order).toEqual([mini]));
  });

  it("lists the consents given, each with Withdraw", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.consents = [
      { preferred: opus, alternative: gpt, scope: "always", given_at: "2026-11-24T09:00:00Z", returned_at: null, relapsed: false },
    ];
    render(App, { backend });
    const user = await openSettings();
    const consents = await screen.findByTestId("consents");
    expect(consents.textContent).toContain("Always use GPT-5 when Claude Opus 4.7 is out");
    await user.click(within(consents).getByRole("button", { name: "Withdraw" }));
    await waitFor(() => expect(screen.queryByTestId("consents")).toBeNull());
    expect(backend.consents).toEqual([]);
    expect(screen.getByText(/Every stand-in is asked for, each time/)).toBeTruthy();
  });

  it("says when the fallback setup names a model that cannot stand in", async () => {
    const overview = {
      ...sampleOverview(),
      preferred: opus,
      notices: [
        {
          kind: "fallback_broken" as const,
          title: "GPT-5 cannot stand in",
          message: "Your fallback order names GPT-5, but there is no key for its provider.",
        },
      ],
    };
    render(App, { backend: new MockBackend(overview) });
    await openSettings();
    expect((await screen.findByTestId("fallback-broken")).textContent).toContain("there is no key");
  });
});
