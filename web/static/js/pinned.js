// Pinned on top: the featured post and the hosts' announcements (newest first).

import { el, fill } from "./elements.js";

export class Pinned {
  constructor(root, feed) {
    this.root = root;
    this.feed = feed;
    this.announcements = [];
    this.featured = null;
  }

  announce(body, at) {
    this.announcements.unshift({ body, at });
    this.draw();
  }

  feature(target) {
    this.featured = target;
    this.draw();
  }

  /** A message arrived or changed: redraw if it is the featured one (it may come after the welcome named it). */
  changed(seq) {
    if (seq === this.featured) this.draw();
  }

  draw() {
    const parts = [];
    const record = this.featured != null && this.feed.isVisible(this.featured) ? this.feed.get(this.featured) : null;
    if (record) {
      const message = record.message;
      parts.push(
        el(
          "article",
          { class: "featured" },
          el("p", { class: "pin-label", text: "Featured" }),
          el("p", { class: "post-head" }, el("span", { class: "author", text: message.author })),
          el("p", { class: "body", text: message.body }),
          el("a", { href: `#m${message.seq}`, text: "Go to the post" }),
        ),
      );
    }
    for (const announcement of this.announcements) {
      parts.push(
        el(
          "article",
          { class: "announcement" },
          el("p", { class: "pin-label", text: "Announcement" }),
          el("p", { class: "body", text: announcement.body }),
        ),
      );
    }
    fill(this.root, ...parts);
    this.root.hidden = parts.length === 0;
  }
}
