// Answers are Markdown from a model: rendered, never trusted. Raw HTML in the text is shown
// as text, and the result is sanitised, so no script, handler or remote load can run.
import DOMPurify from "dompurify";
import { Marked } from "marked";

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML blocks and inline tags become visible text.
    html({ text }) {
      return escape(text);
    },
    // Images would load from anywhere: show their alt text and address instead.
    image({ href, text }) {
      return `${escape(text || "image")} (${escape(href)})`;
    },
  },
});

const ALLOWED_TAGS = [
  "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
  "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
];

// Links open nowhere inside the app window: `rel` and `target` are set on the element by a
// hook while sanitising, never pasted into the sanitised string (which a crafted title could
// turn into new attributes).
const purify = DOMPurify();
purify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("rel", "noreferrer noopener");
    node.setAttribute("target", "_blank");
  }
});

export function renderMarkdown(text: string): string {
  const html = marked.parse(text, { async: false }) as string;
  // Sanitising is the last step: nothing touches the HTML after it.
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href", "title", "rel", "target"],
  });
}
