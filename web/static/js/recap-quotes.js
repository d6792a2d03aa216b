// The quotes panel: the transcript by question; one click puts a post into
// the recap as Markdown (its author linked to the post, its words quoted).
// The server writes the Markdown, escaping the words so they stay words.
// Chat-talk (greetings, applause, talk about the chat, thanks) is marked as
// such, as the recap judged it: the draft never quotes it, a writer still may.

import { el, fill } from "./elements.js";

export class QuotesPanel {
  /** onInsert(markdown) puts the quote into the editor. */
  constructor({ select, list, note }, api, onInsert) {
    this.select = select;
    this.list = list;
    this.note = note;
    this.api = api;
    this.onInsert = onInsert;
    this.questions = [];
    select.addEventListener("change", () => this.draw());
  }

  async load() {
    let answer;
    try {
      answer = await this.api.get("/quotes");
    } catch (error) {
      this.note.textContent = `The quotes could not be loaded: ${error.message}`;
      return;
    }
    this.questions = answer.questions;
    fill(
      this.select,
      ...this.questions.map((q) => el("option", { value: String(q.number), text: `Q${q.number}: ${q.text}` })),
    );
    this.leftOut = answer.left_out;
    this.draw();
  }

  draw() {
    const question = this.questions.find((q) => String(q.number) === this.select.value);
    if (!question) {
      this.note.textContent = "No question has dropped in this session.";
      fill(this.list);
      return;
    }
    const count = question.posts.length;
    this.note.textContent =
      `${count} post${count === 1 ? "" : "s"} to quote` +
      (this.leftOut ? `; ${this.leftOut} in the chat by people who asked not to be quoted are not listed.` : ".");
    fill(this.list, ...question.posts.map((post) => this.item(post)));
  }

  item(post) {
    const likes = post.likes ? ` · ♥ ${post.likes}` : "";
    const kinds = `${post.role === "guest" ? " guest" : ""}${post.chat_talk ? " chat-talk" : ""}`;
    const talk = post.chat_talk
      ? [" · ", el("span", { class: "talk-mark", text: `chat-talk: ${post.chat_talk}` })]
      : [];
    return el(
      "li",
      { class: `quote-item${kinds}`, "data-seq": String(post.seq) },
      el(
        "p",
        { class: "quote-meta" },
        el("strong", { text: post.credit }),
        `${post.reply ? " · reply" : ""}${likes}`,
        ...talk,
      ),
      el("p", { class: "quote-body", text: post.body }),
      el("button", {
        type: "button",
        class: "insert",
        text: "Insert",
        "aria-label": `Insert the quote from ${post.credit}`,
        onclick: () => this.onInsert(post.markdown),
      }),
    );
  }
}
