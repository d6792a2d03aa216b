// Frames that must reach the server exactly once: posts and the guest's
// prepared answers. Each carries a cid and waits here (and in localStorage)
// until its ack; after a reconnect everything still waiting is sent again, and
// the server answers a cid it already has with the original ack, so nothing
// is ever doubled.

export class Outbox {
  /** `saved`: the session's Saved; `onChange(items)`: redraw whatever shows the outbox. */
  constructor(saved, onChange) {
    this.saved = saved;
    this.onChange = onChange;
    this.items = saved.get("outbox", []);
  }

  /** 128 random bits as hex; getRandomValues works on plain http too, unlike randomUUID. */
  static newCid() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  /** Keep a frame until it is acknowledged; returns its item. */
  add(frame, label) {
    const item = { cid: frame.cid, frame, label, error: null };
    this.items.push(item);
    this._changed();
    return item;
  }

  /** The frames to (re)send, oldest first; those the server refused wait for the author's decision. */
  waiting() {
    return this.items.filter((item) => !item.error).map((item) => item.frame);
  }

  has(cid) {
    return this.items.some((item) => item.cid === cid);
  }

  acked(cid) {
    const before = this.items.length;
    this.items = this.items.filter((item) => item.cid !== cid);
    if (this.items.length !== before) this._changed();
  }

  /** The server said no: keep the text, with the server's own words, until the author edits or drops it. */
  refused(cid, message) {
    const item = this.items.find((entry) => entry.cid === cid);
    if (!item) return null;
    item.error = message;
    this._changed();
    return item;
  }

  remove(cid) {
    this.acked(cid);
  }

  _changed() {
    this.saved.set({ outbox: this.items });
    this.onChange(this.items);
  }
}
