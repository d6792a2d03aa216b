// Notices: what the server said about you (muted, slowed down, held for
// review, refused), in its own words, one per subject, each dismissible. A
// notice about a wait counts it down on the server's clock.

import { el } from "./elements.js";
import { duration, serverNow } from "./times.js";

const TICK_MS = 1000;

export class Notices {
  constructor(root) {
    this.root = root;
    this.shown = new Map();
  }

  /**
   * tone: "info" (a status) or "warn"/"error" (an alert). The same key replaces the notice before.
   * wait: {until (server time in ms), text(left) for "4:05" left, done (once it is over)} adds a countdown line.
   */
  show(key, text, tone = "info", wait = null) {
    this.clear(key);
    const words = el("div", { class: "notice-text" }, el("p", { text }));
    const node = el(
      "div",
      { class: `notice notice-${tone}`, role: tone === "info" ? "status" : "alert", "data-key": key },
      words,
    );
    let timer = null;
    if (wait) {
      // Not a live region: a screen reader hears the alert once, not every second of the wait.
      const line = el("p", { class: "notice-wait", "aria-live": "off" });
      const tick = () => {
        const left = wait.until - serverNow();
        line.textContent = left > 0 ? wait.text(duration(left)) : wait.done;
        if (left <= 0) clearInterval(timer);
      };
      timer = setInterval(tick, TICK_MS);
      tick();
      words.append(line);
    }
    node.append(el("button", { type: "button", class: "link", text: "Dismiss", onclick: () => this.clear(key) }));
    this.shown.set(key, { node, timer });
    this.root.append(node);
  }

  clear(key) {
    const shown = this.shown.get(key);
    if (!shown) return;
    clearInterval(shown.timer);
    shown.node.remove();
    this.shown.delete(key);
  }
}
