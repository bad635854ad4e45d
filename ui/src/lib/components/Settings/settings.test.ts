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

describe("Settings → Providers", () => {
  const secret = "sk-ant-api03-never-shown-again";

  it("checks a key at once, says what the provider said, and never shows the key again", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    render(App, { backend });
    const user = await openSettings();
    const row = await screen.findByTestId("provider-key-anthropic");
    expect(within(row).getByTestId("key-place").textContent).toContain("No key yet");
    const field = within(row).getByLabelText("Anthropic API key") as HTMLInputElement;
    expect(field.type).toBe("password");
    await user.type(field, secret);
    await user.click(within(row).getByRole("button", { name: "Save and check" }));
    const check = await within(row).findByTestId("key-check");
    expect(check.textContent).toContain("Key accepted by Anthropic at 09:00");
    expect(check.getAttribute("data-side")).toBe("nobody");
    expect(backend.keys.get("anthropic")).toBe(secret);
    await waitFor(() => expect(field.value).toBe(""));
    expect(within(row).getByTestId("key-place").textContent).toContain("system keyring");
    expect(document.body.innerHTML).not.toContain(secret);
    // Removing it says so.
    await user.click(within(row).getByRole("button", { name: "Remove key" }));
    await waitFor(() => expect(within(row).getByTestId("key-place").textContent).toContain("No key yet"));
    expect(backend.keys.has("anthropic")).toBe(false);
  });

  it("keeps a rejected key in the field and says it is on your side", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.rejectedKeys.add("sk-ant-wrong");
    render(App, { backend });
    const user = await openSettings();
    const row = await screen.findByTestId("provider-key-anthropic");
    const field = within(row).getByLabelText("Anthropic API key") as HTMLInputElement;
    await user.type(field, "sk-ant-wrong{Enter}");
    const check = await within(row).findByTestId("key-check");
    expect(check.textContent).toContain("Anthropic rejected this key");
    expect(check.textContent).toContain("service is working");
    expect(check.getAttribute("data-side")).toBe("your_key");
    expect(field.value).toBe("sk-ant-wrong");
    expect(backend.keys.has("anthropic")).toBe(false);
  });

  it("opens from the missing-key help", async () => {
    const overview = sampleOverview();
    const backend = new MockBackend({ ...overview, preferred: opus });
    backend.overviewValue.availability = backend.overviewValue.availability.map((a) =>
      a.model.provider === "anthropic"
        ? {
            ...a,
            state: "disabled",
            reason: { ...a.reason, kind: "not_configured", side: "your_setup", headline: "Add an Anthropic API key", message: "No key." },
          }
        : a,
    );
    render(App, { backend });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("tab", { name: "Models" }));
    await user.click(await screen.findByRole("button", { name: "Open Settings" }));
    expect(await screen.findByTestId("provider-keys")).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Settings" }).getAttribute("aria-selected")).toBe("true");
  });
});

describe("Settings → Behaviour", () => {
  it("saves each choice at once and applies the theme without a restart", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    render(App, { backend });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("light"));
    const user = await openSettings();
    const behaviour = await screen.findByTestId("behaviour");
    await user.click(within(behaviour).getByRole("radio", { name: "Dark" }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    await waitFor(() => expect(backend.preferences.theme).toBe("dark"));
    await user.click(within(behaviour).getByRole("checkbox", { name: /keeps Switchboard in the tray/ }));
    await waitFor(() => expect(backend.preferences.close_to_tray).toBe(true));
    await user.click(within(behaviour).getByRole("checkbox", { name: /Notify me/ }));
    await waitFor(() => expect(backend.preferences.notifications).toBe(false));
    // Changed from the tray: the window follows.
    backend.emitPreferences({ ...backend.preferences, theme: "light" });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("light"));
  });

  it("says when config.toml fixes a choice instead of offering a switch that does nothing", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.fixedByConfig = [{ preference: "probes", words: "Probes are off in config.toml ([health] probes = false), which wins over this switch." }];
    render(App, { backend });
    await openSettings();
    const probes = await screen.findByRole("checkbox", { name: /tiny request/ });
    expect(probes.hasAttribute("disabled")).toBe(true);
    expect(screen.getByTestId("fixed-probes").textContent).toContain("wins over this switch");
  });
});

describe("The tray's doors into the window", () => {
  it("opens Settings and follows a model chosen in the tray", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    render(App, { backend });
    await screen.findByRole("tab", { name: "Settings" });
    backend.emitShowView("settings");
    expect(await screen.findByTestId("provider-keys")).toBeTruthy();
    backend.emitPreferredModel(gpt);
    await userEvent.setup().click(screen.getByRole("tab", { name: "Models" }));
    await waitFor(() =>
      expect(document.querySelector("[role=option][aria-selected=true]")?.getAttribute("data-model")).toBe("openai/gpt-5"),
    );
  });
});

describe("Settings → Workspace", () => {
  it("sets a policy source, shows what it turns off, and removes it", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    render(App, { backend });
    const user = await openSettings();
    const workspace = await screen.findByTestId("workspace");
    expect(workspace.textContent).toContain("No workspace policy");
    await user.type(within(workspace).getByLabelText(/Policy source/), "https://admin.example.com/policy.json");
    await user.click(within(workspace).getByRole("button", { name: "Use it" }));
    expect((await within(workspace).findByTestId("policy-source")).textContent).toBe("https://admin.example.com/policy.json");
    expect(within(workspace).getByTestId("policy-rules").textContent).toContain("All Anthropic models turned off");
    await user.click(within(workspace).getByRole("button", { name: "Stop using this policy" }));
    await waitFor(() => expect(workspace.textContent).toContain("No workspace policy"));
  });

  it("shows a policy the config file sets, with its problem, and offers no change", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.workspaceValue = {
      ...backend.workspaceValue,
      source: "https://admin.example.com/policy.json",
      set_in_config: true,
      problem: "could not connect to admin.example.com",
    };
    render(App, { backend });
    await openSettings();
    const workspace = await screen.findByTestId("workspace");
    expect(workspace.textContent).toContain("which only that file can change");
    expect(within(workspace).getByTestId("policy-problem").textContent).toContain("stays in force");
    expect(within(workspace).queryByRole("button")).toBeNull();
    expect(within(workspace).queryByRole("textbox")).toBeNull();
  });
});

describe("Settings → Addresses and servers", () => {
  it("adds a server by URL and lists its models at once, then removes it", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    backend.servers.set("http://127.0.0.1:1234", ["Qwen 3 8B", "Llama 3.2"]);
    render(App, { backend });
    const user = await openSettings();
    const add = await screen.findByTestId("add-server");
    await user.type(within(add).getByLabelText("Name"), "LM Studio");
    await user.type(within(add).getByLabelText("Address"), "http://127.0.0.1:1234");
    await user.click(within(add).getByRole("button", { name: "Add and list its models" }));
    expect((await within(add).findByTestId("server-found")).textContent).toContain("Found 2 models: Qwen 3 8B, Llama 3.2");
    const row = await screen.findByTestId("server-added-lm-studio");
    await user.click(within(row).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(screen.queryByTestId("server-added-lm-studio")).toBeNull());
  });

  it("says when a server does not answer, and shows what the config file fixes", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    render(App, { backend });
    const user = await openSettings();
    const anthropic = await screen.findByTestId("server-anthropic");
    const base = within(anthropic).getByLabelText(/Base URL/) as HTMLInputElement;
    expect(base.disabled).toBe(true);
    expect(anthropic.textContent).toContain("Set in your config file, which wins");
    const add = screen.getByTestId("add-server");
    await user.type(within(add).getByLabelText("Name"), "vLLM");
    await user.type(within(add).getByLabelText("Address"), "http://127.0.0.1:8000");
    await user.click(within(add).getByRole("button", { name: "Add and list its models" }));
    expect((await within(add).findByTestId("server-found")).textContent).toContain("could not be listed: no answer from vLLM");
  });
});

describe("Settings → the first statement, written in advance", () => {
  it("refuses a template that drops 'the model has not changed' and keeps one with every part", async () => {
    const backend = new MockBackend({ ...sampleOverview(), preferred: opus });
    render(App, { backend });
    const user = await openSettings();
    const section = await screen.findByTestId("statement-template");
    const box = within(section).getByLabelText("Statement template");
    await user.type(box, "{{models} is down since {{since}.");
    await user.click(within(section).getByRole("button", { name: "Save" }));
    expect((await within(section).findByRole("alert")).textContent).toContain("{not_changed}");
    expect(backend.template).toBeNull();
    await user.clear(box);
    await user.type(
      box,
      "{{models}: {{side}. {{not_changed} {{what_we_did}. {{meanwhile}. {{since}. {{source}. {{next_update}.",
    );
    await user.click(within(section).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(backend.template).toContain("{not_changed}"));
  });
});
