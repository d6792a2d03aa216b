// A link to a post (/s/<slug>#m<seq>, the one form the recap, its quotes, the
// feed and transcripts all use): once the post is on the page, scroll to it,
// highlight it and move focus there. A fresh page is sent the whole log, so a
// post not drawn yet is still on its way; only once the page has caught up
// with the log is a post that never came said to be gone.

const POST_LINK = /^#m(\d+)$/;

export class LinkedPost {
  /** feed: the Feed; onMissing(text): say that the linked post is not there */
  constructor(feed, onMissing) {
    this.feed = feed;
    this.onMissing = onMissing;
    this.wanted = null;
    this.current = null;
    this.follow(location.hash);
    window.addEventListener("hashchange", () => {
      this.follow(location.hash);
      this.caughtUp(true);
    });
  }

  follow(hash) {
    const match = POST_LINK.exec(hash);
    if (!match) return;
    this.wanted = Number(match[1]);
    this.arrived(this.wanted);
  }

  /** A message was drawn: if it is the one the link names, go there. */
  arrived(seq) {
    if (seq !== this.wanted) return;
    const record = this.feed.get(seq);
    if (!record) return;
    this.wanted = null;
    // After this frame's drawing, so the post sits where it belongs before scrolling there.
    requestAnimationFrame(() => this._show(record.node));
  }

  /** The page has every event up to the server's head: a post still not drawn was removed or never was. */
  caughtUp(done) {
    if (!done || this.wanted === null) return;
    const record = this.feed.get(this.wanted);
    if (record) {
      this.arrived(this.wanted);
      return;
    }
    this.wanted = null;
    this.onMissing("The post this link points to is not on this page: a moderator removed it, or it never was.");
  }

  _show(node) {
    if (this.current) this.current.classList.remove("linked");
    this.current = node;
    node.classList.add("linked");
    node.setAttribute("tabindex", "-1");
    node.scrollIntoView({ block: "center" });
    node.focus({ preventScroll: true });
  }
}
