import { describe as suite, expect, it } from "vitest";
import { describe } from "./backend";

suite("an error as the window keeps it", () => {
  it("keeps the core's kind, message and reason as they came", () => {
    const reason = {
      kind: "admin_disabled",
      side: "your_workspace",
      source: "workspace_admin",
      headline: "Your workspace has turned off Anthropic models",
      message: "Off while we review it.",
    } as const;
    expect(describe({ kind: "admin_disabled", message: "Turned off", reason })).toEqual({
      kind: "admin_disabled",
      message: "Turned off",
      reason,
    });
    expect(describe({ kind: "storage", message: "The database is damaged" })).toEqual({
      kind: "storage",
      message: "The database is damaged",
      reason: null,
    });
  });

  it("says anything else thrown as unexpected, in its own words", () => {
    expect(describe(new Error("the bridge is gone"))).toEqual({
      kind: "unexpected",
      message: "the bridge is gone",
      reason: null,
    });
    expect(describe("plain text")).toEqual({ kind: "unexpected", message: "plain text", reason: null });
  });
});
