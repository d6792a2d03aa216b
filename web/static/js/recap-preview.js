// The live preview: the server renders the Markdown (raw HTML off, only web
// links kept) and the page shows the result in a sandboxed iframe.
//
// This is the one place the pages put HTML from a string on screen. The
// iframe's sandbox has no allow-scripts and no allow-same-origin: even if
// something slipped past the server's renderer, nothing in it could run, or
// reach this page, its storage or the writer token. The iframe gets its
// document through setAttribute("srcdoc"); no element of this page ever
// parses markup.

const DELAY_MS = 250;

export class Preview {
  constructor(frame, api, onError) {
    this.frame = frame;
    this.api = api;
    this.onError = onError;
    this.timer = null;
    this.asked = 0;
    this.shown = 0;
  }

  /** Render `text` soon; a burst of keystrokes asks once. */
  update(text) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.render(text), DELAY_MS);
  }

  async render(text) {
    clearTimeout(this.timer);
    const ask = ++this.asked;
    let answer;
    try {
      answer = await this.api.post("/preview", { body_md: text });
    } catch (error) {
      this.onError(error);
      return;
    }
    if (ask < this.shown) return; // a later answer is already on screen
    this.shown = ask;
    this.frame.setAttribute("srcdoc", document_(answer.html));
  }
}

function document_(html) {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<link rel="stylesheet" href="/static/recap.css"><base target="_blank">' +
    `</head><body class="recap-preview"><article class="recap">${html}</article></body></html>`
  );
}
