import type { AvailabilityState, ReasonKind } from "../../bindings";

export type BadgeTone = "ok" | "warn" | "bad" | "off" | "unknown";

export interface BadgeLook {
  tone: BadgeTone;
  label: string;
  icon: "check" | "alert" | "cross" | "key" | "pause" | "dot";
}

/** State in colour, icon *and* words: never colour alone. */
export function badgeLook(state: AvailabilityState, kind: ReasonKind): BadgeLook {
  // Not an outage: the provider stopped offering it.
  if (kind === "model_retired" && state !== "available") return { tone: "off", label: "Retired", icon: "cross" };
  // Not an outage either: the configured address has no provider API behind it.
  if (kind === "wrong_endpoint" && state === "unavailable") return { tone: "off", label: "Check address", icon: "key" };
  switch (state) {
    case "available":
      return { tone: "ok", label: "Available", icon: "check" };
    case "degraded":
      return { tone: "warn", label: "Degraded", icon: "alert" };
    case "unavailable":
      return { tone: "bad", label: "Unavailable", icon: "cross" };
    case "disabled":
      if (kind === "not_configured") return { tone: "off", label: "Needs key", icon: "key" };
      if (kind === "admin_disabled") return { tone: "off", label: "Turned off", icon: "pause" };
      return { tone: "off", label: "Off", icon: "pause" };
    case "unknown":
      return { tone: "unknown", label: "Not checked", icon: "dot" };
  }
}
