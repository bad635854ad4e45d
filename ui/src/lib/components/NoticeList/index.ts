export { default as NoticeList } from "./NoticeList.svelte";
