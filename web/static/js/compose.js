// The compose box: the text (kept as a draft across reloads), a character
// counter against the server's limit (read from its API; the server still
// decides), with Post off while the text is over it, the
// question it answers (the current one, or an earlier one picked late), and
// the post it replies to.

import { byId, el, fill } from "./elements.js";

const SHORT_QUESTION = 48;

export class Composer {
  /** onSubmit({body, question, replyTo}); saved keeps the draft. */
  constructor(saved, onSubmit) {
    this.saved = saved;
    this.onSubmit = onSubmit;
    this.form = byId("compose");
    this.body = byId("compose-body");
    this.count = byId("compose-count");
    this.postButton = this.form.querySelector("button[type=submit]");
    this.select = byId("compose-question");
    this.questionRow = byId("compose-question-row");
    this.replyRow = byId("reply-to");
    this.replyText = byId("reply-to-text");
    this.limit = null;
    this.current = null;
    this.followCurrent = true;
    this.replyingTo = null;

    this.body.value = saved.get("draft", "");
    this.body.addEventListener("input", () => {
      this.saved.set({ draft: this.body.value });
      this._count();
    });
    this.body.addEventListener("keydown", (key) => {
      if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) {
        key.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.select.addEventListener("change", () => {
      this.followCurrent = Number(this.select.value) === this.current;
    });
    byId("reply-cancel").addEventListener("click", () => {
      this.clearReply();
      this.body.focus();
    });
    this.form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this._submit();
    });
    this._count();
  }

  show(visible) {
    this.form.hidden = !visible;
  }

  setLimit(limit) {
    this.limit = limit;
    this._count();
  }

  /** The questions open so far ([number, text] pairs, in order) and the current one. */
  setQuestions(opened, current) {
    const keep = this.followCurrent ? current : Number(this.select.value);
    this.current = current;
    const options = opened
      .slice()
      .reverse()
      .map(([number, text]) => {
        const short = text.length > SHORT_QUESTION ? `${text.slice(0, SHORT_QUESTION - 1)}…` : text;
        const label = number === current ? `A${number} (current): ${short}` : `A${number}: ${short}`;
        return el("option", { value: number, text: label });
      });
    fill(this.select, ...options);
    if (keep) this.select.value = String(keep);
    this.questionRow.hidden = this.replyingTo !== null || opened.length === 0;
  }

  replyTo(message) {
    this.replyingTo = message;
    const short = message.body.length > 60 ? `${message.body.slice(0, 59)}…` : message.body;
    this.replyText.textContent = `Replying to ${message.author}: “${short}”`;
    this.replyRow.hidden = false;
    this.questionRow.hidden = true;
    this.body.focus();
  }

  clearReply() {
    this.replyingTo = null;
    this.replyRow.hidden = true;
    this.questionRow.hidden = this.select.options.length === 0;
  }

  /** Put text back to edit (a post the server refused); what is already typed stays. */
  restore(text) {
    this.body.value = this.body.value.trim() ? `${this.body.value}\n${text}` : text;
    this.saved.set({ draft: this.body.value });
    this._count();
    this.body.focus();
  }

  _submit() {
    const body = this.body.value;
    if (!body.trim() || this._over()) return; // nothing to send, or more than the server takes
    const question = this.select.options.length ? Number(this.select.value) : null;
    this.onSubmit({ body, question, replyTo: this.replyingTo ? this.replyingTo.seq : null });
    this.body.value = "";
    this.saved.set({ draft: null });
    this.clearReply();
    this.followCurrent = true;
    if (this.current) this.select.value = String(this.current);
    this._count();
  }

  _left() {
    return this.limit === null ? null : this.limit - [...this.body.value].length; // code points, as the server counts
  }

  _over() {
    const left = this._left();
    return left !== null && left < 0;
  }

  _count() {
    const left = this._left();
    if (left === null) {
      this.count.textContent = "";
      return;
    }
    this.count.textContent = left >= 0 ? `${left} left` : `${-left} too many: shorten it to post`;
    this.count.classList.toggle("over", left < 0);
    this.postButton.disabled = left < 0;
  }
}

/** The outbox as a list under the compose box: waiting, or refused with the server's words. */
export function drawOutbox(list, items, { onEdit, onDiscard }) {
  fill(
    list,
    ...items.map((item) =>
      el(
        "li",
        { class: item.error ? "outbox-item refused" : "outbox-item" },
        el("p", { class: "outbox-state", text: item.error ? `Not posted: ${item.error}` : "Waiting to send" }),
        el("p", { class: "body", text: item.label }),
        item.error
          ? el(
              "p",
              { class: "outbox-buttons" },
              item.frame.type === "post"
                ? el("button", { type: "button", text: "Edit", onclick: () => onEdit(item) })
                : null,
              el("button", { type: "button", text: "Discard", onclick: () => onDiscard(item) }),
            )
          : null,
      ),
    ),
  );
}
