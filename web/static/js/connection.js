// The websocket to /ws/<slug>: hello, then frames to the page; when the
// connection drops, a new one after a jittered exponential backoff, which
// resumes from the last seq the page saw (the page's hello says it).

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 10000; // after a restart a whole crowd is back within about that
// Errors after which the server closes and would refuse the same identity
// again: coming back would only loop (see docs/protocol.md, "closes").
const FINAL_CODES = new Set(["banned"]);
// Refusals of a hello that say nothing about the hello itself: the same hello may well succeed later.
const PASSING_CODES = new Set(["hello_timeout", "internal"]);

export class Connection {
  /**
   * handlers: hello() → the hello frame to send now; welcome(frame); event(frame);
   * ack(frame); error(frame) for an answer after the welcome; refused(frame) when
   * the server turned the hello down (no retry: the page decides what next);
   * status("connecting" | "open" | "down" | "closed"); "closed" is for good: no retry follows.
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.welcomed = false;
    this.attempts = 0;
    this.timer = null;
    this.refusal = false;
  }

  start() {
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.reconnectNow();
    });
    this._open();
  }

  get isOpen() {
    return this.welcomed && this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Send now if connected; false when not (the caller keeps the frame or tells the person). */
  send(frame) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Try at once instead of waiting out the backoff (the network came back, the tab came back). */
  reconnectNow() {
    if (this.ws !== null || this.refusal) return;
    clearTimeout(this.timer);
    this.attempts = 0;
    this._open();
  }

  /** Drop this connection and say hello again at once, as someone else (after joining, say). */
  restart() {
    clearTimeout(this.timer);
    this.refusal = false;
    const old = this.ws;
    this.ws = null;
    this.welcomed = false;
    if (old) old.close();
    this._open();
  }

  _open() {
    this.timer = null;
    this.welcomed = false;
    this.handlers.status("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}${this.url}`);
    this.ws = ws;
    ws.addEventListener("open", () => ws.send(JSON.stringify(this.handlers.hello())));
    ws.addEventListener("message", (message) => {
      if (ws === this.ws) this._receive(message.data);
    });
    ws.addEventListener("close", () => {
      if (ws !== this.ws) return; // replaced on purpose
      this.ws = null;
      this.welcomed = false;
      if (this.refusal) {
        this.handlers.status("closed");
        return;
      }
      this.handlers.status("down");
      this._schedule();
    });
  }

  _schedule() {
    // Full jitter: a crowd dropped at once by a restart does not come back at once.
    const delay = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempts);
    this.attempts += 1;
    this.timer = setTimeout(() => this._open(), delay);
  }

  _receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    this._dispatch(frame);
  }

  _dispatch(frame) {
    switch (frame.type) {
      case "welcome":
        this.welcomed = true;
        this.attempts = 0;
        this.handlers.status("open");
        this.handlers.welcome(frame);
        break;
      case "event":
        this.handlers.event(frame);
        break;
      case "batch":
        // A busy moment's events, coalesced by the server into one frame, in seq order.
        for (const inner of frame.frames) this._dispatch(inner);
        break;
      case "ack":
        this.handlers.ack(frame);
        break;
      case "error":
        if (this.welcomed) {
          if (FINAL_CODES.has(frame.code)) this.refusal = true; // the close that follows is for good
          this.handlers.error(frame);
        } else if (!PASSING_CODES.has(frame.code)) {
          // Before the welcome an error closes the connection: retrying the same hello is pointless.
          this.refusal = true;
          this.handlers.refused(frame);
        }
        break;
      default:
        break;
    }
  }
}
