export { default as ModelPicker } from "./ModelPicker.svelte";
