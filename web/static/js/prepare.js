// The guest's prepared answers, in one compact panel: a box to write an
// answer for a question still to come, and the answers kept so far, by
// question (each can be withdrawn). The server posts them as the guest's
// messages the moment their question drops.

import { el, fill } from "./elements.js";

const SHORT_QUESTION = 48;

export class PreparePanel {
  /** section: the <details> panel; actions: onPrepare(question, body), onWithdraw(seq) */
  constructor(section, parts, actions) {
    this.section = section;
    this.list = parts.list;
    this.form = parts.form;
    this.select = parts.select;
    this.body = parts.body;
    this.count = parts.count;
    this.actions = actions;
    this.questions = new Map();
    this.answers = new Map();
    this.dropped = new Set();
    this.form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      const body = this.body.value;
      if (!body.trim() || !this.select.value) return;
      this.actions.onPrepare(Number(this.select.value), body);
      this.body.value = "";
    });
  }

  /** Every question of the session, [number, text, dropped] in order. */
  setQuestions(questions) {
    for (const [number, text, dropped] of questions) {
      if (dropped) this.dropped.add(number);
      this.questions.set(number, text);
    }
    this._draw();
  }

  show(visible) {
    this.section.hidden = !visible;
  }

  prepared(seq, question, body) {
    this.answers.set(seq, { question, body });
    this._draw();
  }

  unprepared(target) {
    if (this.answers.delete(target)) this._draw();
  }

  drop(number) {
    this.dropped.add(number);
    this._draw();
  }

  _draw() {
    const coming = [...this.questions.entries()].filter(([number]) => !this.dropped.has(number));
    const keep = this.select.value;
    fill(
      this.select,
      ...coming.map(([number, text]) => {
        const short = text.length > SHORT_QUESTION ? `${text.slice(0, SHORT_QUESTION - 1)}…` : text;
        return el("option", { value: number, text: `Q${number}: ${short}` });
      }),
    );
    if (coming.some(([number]) => String(number) === keep)) this.select.value = keep;
    this.form.hidden = coming.length === 0;
    const ready = [...this.answers.values()].filter((answer) => !this.dropped.has(answer.question)).length;
    this.count.textContent = ready ? `(${ready} ready)` : "";
    const numbers = [...new Set([...this.answers.values()].map((answer) => answer.question))].sort((a, b) => a - b);
    fill(this.list, ...numbers.map((number) => this._question(number)));
  }

  _question(number) {
    const dropped = this.dropped.has(number);
    const mine = [...this.answers.entries()].filter(([, answer]) => answer.question === number);
    const status = dropped
      ? `Q${number} has dropped: these answers were posted.`
      : `${mine.length} ready to post when Q${number} drops.`;
    return el(
      "li",
      { class: "prepare-question", "data-q": number },
      el("h3", {}, el("span", { class: "q-label", text: `Q${number}` }), " ", this.questions.get(number) || ""),
      el("p", { class: "prepare-status", text: status }),
      el(
        "ul",
        { class: "prepared-answers" },
        ...mine.map(([seq, answer]) =>
          el(
            "li",
            {},
            el("p", { class: "body", text: answer.body }),
            dropped
              ? null
              : el("button", {
                  type: "button",
                  text: "Withdraw",
                  "aria-label": `Withdraw this answer to Q${number}`,
                  onclick: () => this.actions.onWithdraw(seq),
                }),
          ),
        ),
      ),
    );
  }
}
