// When the providers' own model lists were last read, in words for the picker's header.
// Pure: the caller passes `now`, so tests need no clock.
import type { ModelListSummary } from "./bindings";

/** The latest time any provider's list was read, or null when none has been. */
export function lastListed(lists: ModelListSummary[]): Date | null {
  let latest: Date | null = null;
  for (const list of lists) {
    if (!list.listed_at) continue;
    const at = new Date(list.listed_at);
    if (Number.isNaN(at.getTime())) continue;
    if (!latest || at > latest) latest = at;
  }
  return latest;
}

/** "14:05" in the person's own time zone; "3 Mar, 14:05" when it was not today. */
export function localTime(at: Date, now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay =
    at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return sameDay ? clock : `${at.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${clock}`;
}

/** How long, as the core says it too: "40 s", "6 min", "2 h 5 min". */
export function howLong(from: Date, to: Date): string {
  const seconds = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "Model lists read 14:05", or "Model lists not read yet". */
export function modelListsStatus(lists: ModelListSummary[], now: Date): string {
  const at = lastListed(lists);
  return at ? `Model lists read ${localTime(at, now)}` : "Model lists not read yet";
}
