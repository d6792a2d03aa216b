// The wrap-up question, “How was today's chat?”: asked once of each
// participant when the session wraps up, optional, answered 1 to 5 with an
// optional comment. The answer is a `satisfaction` frame (docs/protocol.md);
// only the organisers see it.

import { byId } from "./elements.js";

export class SatisfactionQuestion {
  /** `onAnswer(score, comment)` sends the answer; `saved` remembers on this device that it was given or skipped. */
  constructor(saved, onAnswer) {
    this.saved = saved;
    this.onAnswer = onAnswer;
    this.form = byId("satisfaction");
    this.thanks = byId("satisfaction-thanks");
    this.form.addEventListener("submit", (submitted) => this.submit(submitted));
    byId("satisfaction-skip").addEventListener("click", () => this.done("skipped"));
  }

  /** Ask now if `asked` and the question has not been answered or skipped yet. */
  show(asked) {
    const answer = this.saved.get("satisfaction");
    this.form.hidden = !asked || answer !== null;
    this.thanks.hidden = answer !== "answered";
  }

  submit(submitted) {
    submitted.preventDefault();
    const score = Number(this.form.elements.score.value);
    if (!score) {
      byId("satisfaction-error").textContent = "Pick a number from 1 to 5, or choose “No, thanks”.";
      return;
    }
    byId("satisfaction-error").textContent = "";
    if (this.onAnswer(score, byId("satisfaction-comment").value.trim())) this.done("answered");
  }

  /** The server has this person's answer (theirs came back on replay, or a second one was refused). */
  answered() {
    this.done("answered");
  }

  done(answer) {
    this.saved.set({ satisfaction: answer });
    this.form.hidden = true;
    this.thanks.hidden = answer !== "answered";
  }
}
