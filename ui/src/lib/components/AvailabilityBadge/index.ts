export { default as AvailabilityBadge } from "./AvailabilityBadge.svelte";
export { badgeLook } from "./badge";
