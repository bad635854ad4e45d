import { describe, expect, it } from "vitest";
import { howLong, lastListed, localTime, modelListsStatus } from "./model-lists";
import { modelList } from "./testing/mockBackend";

// vite.config.ts runs the tests in America/St_Johns (UTC−3:30 in November).
const now = new Date("2026-11-24T18:00:00Z");

describe("the model lists' status", () => {
  it("says when no list has been read", () => {
    expect(modelListsStatus([], now)).toBe("Model lists not read yet");
    expect(modelListsStatus([modelList("anthropic", null, "no key"), modelList("openai", null)], now)).toBe(
      "Model lists not read yet",
    );
  });

  it("gives the latest read, in the person's local time", () => {
    const lists = [modelList("anthropic", "2026-11-24T12:05:00Z"), modelList("openai", "2026-11-24T17:35:00Z"), modelList("gemini", null)];
    expect(lastListed(lists)?.toISOString()).toBe("2026-11-24T17:35:00.000Z");
    expect(modelListsStatus(lists, now)).toBe("Model lists read 14:05");
  });

  it("adds the date when the last read was not today", () => {
    const at = new Date("2026-11-20T12:05:00Z");
    expect(localTime(at, now)).toMatch(/^.*20.*, 08:35$/);
    expect(localTime(at, now)).toContain("Nov");
  });

  it("ignores a time it cannot read", () => {
    expect(modelListsStatus([modelList("anthropic", "yesterday")], now)).toBe("Model lists not read yet");
  });
});

describe("how long", () => {
  it("says seconds, minutes and hours as the core does", () => {
    const t0 = new Date("2026-06-05T15:00:00Z");
    const after = (s: number) => new Date(t0.getTime() + s * 1000);
    expect(howLong(t0, after(40))).toBe("40 s");
    expect(howLong(t0, after(360))).toBe("6 min");
    expect(howLong(t0, after(7500))).toBe("2 h 5 min");
    expect(howLong(after(10), t0)).toBe("0 s");
  });
});
