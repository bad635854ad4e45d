import { describe, expect, it } from "vitest";
import { attemptChart, type ChartColors } from "./charts";
import type { Period } from "./bindings";

const colors: ChartColors = { answered: "green", provider: "red", yours: "amber", network: "blue", other: "grey", line: "black", text: "ink", grid: "line" };

describe("the per-model chart", () => {
  it("stacks what answered and what failed on each side, with the time to first text on its own axis", () => {
    const period: Period = {
      requests: 12,
      failed: { provider: 5, yours: 1, network: 1, other: 0 },
      first_text_ms: 700,
      points: [
        { start: "2026-12-01T14:00:00Z", label: "14:00", requests: 10, failed: { provider: 5, yours: 1, network: 0, other: 0 }, first_text_ms: 700 },
        { start: "2026-12-01T15:00:00Z", label: "15:00", requests: 2, failed: { provider: 0, yours: 0, network: 1, other: 0 }, first_text_ms: null },
      ],
    };
    const config = attemptChart(period, colors);
    expect(config.data.labels).toEqual(["14:00", "15:00"]);
    const sets = config.data.datasets;
    expect(sets.map((s) => s.label)).toEqual(["Answered", "Failed: provider's side", "Failed: your side", "Failed: network", "Failed: other", "Time to first text (ms)"]);
    expect(sets[0].data).toEqual([4, 1]);
    expect(sets[1].data).toEqual([5, 0]);
    expect(sets[3].data).toEqual([0, 1]);
    expect(sets.slice(0, 5).every((s) => "stack" in s && s.stack === "requests")).toBe(true);
    expect(sets[5]).toMatchObject({ type: "line", yAxisID: "ms", data: [700, null] });
    expect(sets[1].backgroundColor).toBe("red");
    expect(config.options?.animation).toBe(false);
  });
});
