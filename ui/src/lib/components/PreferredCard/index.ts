export { default as PreferredCard } from "./PreferredCard.svelte";
