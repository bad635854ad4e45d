export { default as AssistantPane } from "./AssistantPane.svelte";
