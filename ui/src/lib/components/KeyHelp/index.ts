export { default as KeyHelp } from "./KeyHelp.svelte";
