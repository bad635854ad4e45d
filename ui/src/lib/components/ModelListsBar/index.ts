export { default as ModelListsBar } from "./ModelListsBar.svelte";
