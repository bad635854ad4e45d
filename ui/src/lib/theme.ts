// The theme in force: the person's choice, or the desktop's light or dark when it follows the
// system (and follows it when the desktop changes). app.css reads `data-theme` on <html>.
import type { Theme } from "./bindings";

let following: { query: MediaQueryList; listener: () => void } | null = null;

/** "light" or "dark", as `theme` resolves now. */
export function resolvedTheme(theme: Theme = "system"): "light" | "dark" {
  if (theme !== "system") return theme;
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** `undefined` (a preference saved before themes existed) follows the system. */
export function applyTheme(theme: Theme | undefined, root: HTMLElement = document.documentElement): void {
  if (following) {
    following.query.removeEventListener("change", following.listener);
    following = null;
  }
  root.dataset.theme = resolvedTheme(theme);
  if (theme === "system" && typeof matchMedia === "function") {
    const query = matchMedia("(prefers-color-scheme: dark)");
    const listener = () => (root.dataset.theme = query.matches ? "dark" : "light");
    query.addEventListener("change", listener);
    following = { query, listener };
  }
}
