// The per-model chart, drawn by Chart.js: a canvas library with no eval and no injected
// <style> (our CSP allows neither), tree-shaken to the parts a stacked bar and a line need.
// What it shows is built here, apart from the canvas, so it is tested without one.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import type { Period } from "./bindings";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

export type ChartColors = { answered: string; provider: string; yours: string; network: string; other: string; line: string; text: string; grid: string };

/** The colours of the current theme, from the stylesheet's own variables. */
export function themeColors(root: Element = document.documentElement): ChartColors {
  const style = getComputedStyle(root);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    answered: v("--ok-fg", "#0f6b3a"),
    provider: v("--bad-fg", "#a4161a"),
    yours: v("--warn-fg", "#8a4b00"),
    network: v("--accent", "#4f46e5"),
    other: v("--muted", "#646b78"),
    line: v("--fg", "#16181d"),
    text: v("--fg-soft", "#3d4350"),
    grid: v("--line", "#dde1e7"),
  };
}

/** A period as stacked bars (answered, then failures by side) and the mean time to first
 * text as a line on its own axis. */
export function attemptChart(period: Period, colors: ChartColors): ChartConfiguration<"bar" | "line"> {
  const p = period.points;
  const bar = (label: string, data: number[], color: string) => ({
    type: "bar" as const,
    label,
    data,
    backgroundColor: color,
    stack: "requests",
    yAxisID: "requests",
  });
  return {
    type: "bar",
    data: {
      labels: p.map((x) => x.label),
      datasets: [
        bar("Answered", p.map((x) => x.requests - x.failed.provider - x.failed.yours - x.failed.network - x.failed.other), colors.answered),
        bar("Failed: provider's side", p.map((x) => x.failed.provider), colors.provider),
        bar("Failed: your side", p.map((x) => x.failed.yours), colors.yours),
        bar("Failed: network", p.map((x) => x.failed.network), colors.network),
        bar("Failed: other", p.map((x) => x.failed.other), colors.other),
        {
          type: "line" as const,
          label: "Time to first text (ms)",
          data: p.map((x) => x.first_text_ms),
          borderColor: colors.line,
          backgroundColor: colors.line,
          pointRadius: 1.5,
          spanGaps: true,
          yAxisID: "ms",
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // A chart that is read, not watched: no animation to wait for or pay for.
      animation: false,
      color: colors.text,
      scales: {
        x: { stacked: true, ticks: { color: colors.text, maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
        requests: { stacked: true, beginAtZero: true, position: "left", ticks: { color: colors.text, precision: 0 }, grid: { color: colors.grid } },
        ms: { beginAtZero: true, position: "right", ticks: { color: colors.text }, grid: { display: false } },
      },
      plugins: { legend: { labels: { color: colors.text, boxWidth: 12 } } },
    },
  };
}

/** Draws `config` on `canvas`; `null` where the canvas cannot be drawn on (tests). */
export function draw(canvas: HTMLCanvasElement, config: ChartConfiguration<"bar" | "line">): Chart<"bar" | "line"> | null {
  const context = canvas.getContext("2d");
  return context ? new Chart(context, config) : null;
}
