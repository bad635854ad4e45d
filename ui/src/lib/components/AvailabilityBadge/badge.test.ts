import { describe, expect, it } from "vitest";
import type { AvailabilityState, ReasonKind } from "../../bindings";
import { badgeLook } from "./badge";

describe("badgeLook", () => {
  it("gives every state words and an icon, never colour alone", () => {
    const states: AvailabilityState[] = ["available", "degraded", "unavailable", "disabled", "unknown"];
    const looks = states.map((s) => badgeLook(s, "unknown"));
    for (const look of looks) {
      expect(look.label.length).toBeGreaterThan(0);
      expect(look.icon).toBeTruthy();
    }
    expect(new Set(looks.map((l) => l.label)).size).toBe(states.length);
  });

  it("names why a model is off", () => {
    const kind = (k: ReasonKind) => badgeLook("disabled", k).label;
    expect(kind("not_configured")).toBe("Needs key");
    expect(kind("admin_disabled")).toBe("Turned off");
  });

  it("calls a model its provider stopped listing retired, not down", () => {
    expect(badgeLook("unavailable", "model_retired").label).toBe("Retired");
    expect(badgeLook("unavailable", "wrong_endpoint")).toEqual({ tone: "off", label: "Check address", icon: "key" });
    expect(badgeLook("unavailable", "overloaded").label).toBe("Unavailable");
  });
});
