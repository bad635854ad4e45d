import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown";

describe("renderMarkdown", () => {
  it("renders the Markdown models write", () => {
    const html = renderMarkdown("# Plan\n\n- **Day 1**: Lisbon\n- `code`\n\n```\nlet x = 1;\n```");
    expect(html).toContain("<h1>Plan</h1>");
    expect(html).toContain("<strong>Day 1</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<pre><code>let x = 1;");
  });

  it("shows raw HTML as text and runs nothing", () => {
    const html = renderMarkdown('Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <b onclick="x()">b</b>');
    const div = document.createElement("div");
    div.innerHTML = html;
    expect(div.querySelector("script, img, b, [onerror], [onclick]")).toBeNull();
    expect(div.textContent).toContain("<script>alert(1)</script>");
    expect(div.textContent).toContain("onerror");
  });

  it("drops dangerous links and never loads images", () => {
    const html = renderMarkdown("[click](javascript:alert(1)) ![pic](https://evil.example/x.png)");
    const div = document.createElement("div");
    div.innerHTML = html;
    expect(div.querySelector("a")?.getAttribute("href") ?? "").not.toContain("javascript:");
    expect(div.querySelector("img")).toBeNull();
    expect(div.textContent).toContain("https://evil.example/x.png");
  });

  it("keeps crafted link titles from adding attributes", () => {
    const crafted = [
      '[x](https://a.example "t<a onmouseover=alert(1) b")',
      '[x](https://a.example "<a style=position:fixed;inset:0 ")',
      '[x](https://a.example "<a href=javascript:alert(1) ")',
      "[x](https://a.example 't\"><a onfocus=alert(1) autofocus ')",
      '<a title="<a onclick=alert(1)">y</a>',
    ];
    for (const text of crafted) {
      const div = document.createElement("div");
      div.innerHTML = renderMarkdown(text);
      for (const a of div.querySelectorAll("a")) {
        const names = [...a.attributes].map((attr) => attr.name).sort();
        expect(names.every((n) => ["href", "rel", "target", "title"].includes(n)), `${text}: ${names}`).toBe(true);
        expect(a.getAttribute("href") ?? "", text).not.toContain("javascript:");
        expect(a.getAttribute("rel")).toBe("noreferrer noopener");
        expect(a.getAttribute("target")).toBe("_blank");
      }
      expect(div.querySelector("[onmouseover], [onclick], [onfocus], [style]"), text).toBeNull();
    }
  });

  it("opens every link outside the app", () => {
    const div = document.createElement("div");
    div.innerHTML = renderMarkdown("[docs](https://example.com/docs) and <https://example.org>");
    const links = [...div.querySelectorAll("a")];
    expect(links).toHaveLength(2);
    for (const a of links) expect(a.getAttribute("target")).toBe("_blank");
  });
});
