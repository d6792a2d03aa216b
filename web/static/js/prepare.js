// The guest's prepared answers: for each question still to come, the answers
// kept so far (each can be withdrawn) and a box to write another. The server
// posts them as the guest's messages the moment their question drops.

import { el, fill } from "./elements.js";

export class PreparePanel {
  /** actions: onPrepare(question, body), onWithdraw(seq) */
  constructor(section, list, actions) {
    this.section = section;
    this.list = list;
    this.actions = actions;
    this.questions = new Map();
    this.answers = new Map();
    this.dropped = new Set();
  }

  /** Every question of the session, [number, text, dropped] in order; builds the boxes once. */
  setQuestions(questions) {
    for (const [number, text, dropped] of questions) {
      if (dropped) this.dropped.add(number);
      if (!this.questions.has(number)) this._build(number, text);
    }
    this._drawAll();
  }

  show(visible) {
    this.section.hidden = !visible;
  }

  prepared(seq, question, body) {
    this.answers.set(seq, { question, body });
    this._draw(question);
  }

  unprepared(target) {
    const answer = this.answers.get(target);
    if (!answer) return;
    this.answers.delete(target);
    this._draw(answer.question);
  }

  drop(number) {
    this.dropped.add(number);
    this._draw(number);
  }

  _build(number, text) {
    const body = el("textarea", { id: `prepare-body-${number}`, rows: 2 });
    const form = el(
      "form",
      { class: "prepare-form" },
      el("label", { for: body.id, text: `Prepare an answer to Q${number}` }),
      body,
      el("button", { type: "submit", text: "Keep this answer" }),
    );
    form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      if (!body.value.trim()) return;
      this.actions.onPrepare(number, body.value);
      body.value = "";
    });
    const answers = el("ul", { class: "prepared-answers" });
    const status = el("p", { class: "prepare-status" });
    const section = el(
      "article",
      { class: "prepare-question", "data-q": number },
      el("h3", {}, el("span", { class: "q-label", text: `Q${number}` }), " ", text),
      status,
      answers,
      form,
    );
    this.questions.set(number, { section, answers, status, form });
    this.list.append(section);
  }

  _drawAll() {
    for (const number of this.questions.keys()) this._draw(number);
  }

  _draw(number) {
    const entry = this.questions.get(number);
    if (!entry) return;
    const dropped = this.dropped.has(number);
    const mine = [...this.answers.entries()].filter(([, answer]) => answer.question === number);
    // A question that dropped with nothing prepared has nothing left to show here.
    entry.section.hidden = dropped && mine.length === 0;
    entry.form.hidden = dropped;
    if (dropped) entry.status.textContent = `Q${number} has dropped: these answers were posted.`;
    else entry.status.textContent = mine.length ? `${mine.length} ready to post when Q${number} drops.` : "";
    fill(
      entry.answers,
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
    );
  }
}
