// Notices: what the server said about you (muted, slowed down, held for
// review, refused), in its own words, one per subject, each dismissible.

import { el } from "./elements.js";

export class Notices {
  constructor(root) {
    this.root = root;
    this.shown = new Map();
  }

  /** tone: "info" (a status) or "warn"/"error" (an alert). The same key replaces the notice before. */
  show(key, text, tone = "info") {
    this.clear(key);
    const node = el(
      "div",
      { class: `notice notice-${tone}`, role: tone === "info" ? "status" : "alert" },
      el("p", { text }),
      el("button", { type: "button", class: "link", text: "Dismiss", onclick: () => this.clear(key) }),
    );
    this.shown.set(key, node);
    this.root.append(node);
  }

  clear(key) {
    const node = this.shown.get(key);
    if (node) node.remove();
    this.shown.delete(key);
  }
}
