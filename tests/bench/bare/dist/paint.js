// After the first frame is on screen (two animation frames), say so, as Switchboard's window does.
requestAnimationFrame(() =>
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("painted", { pageMs: performance.now() })),
);
