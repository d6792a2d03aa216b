// The "now" banner: the current question (announced to screen readers when
// it changes, through its aria-live region) and the countdown to the next
// change (a timer role, read on request, not every second).

import { el, fill } from "./elements.js";
import { duration, localDateTime, until } from "./times.js";

export class Banner {
  constructor(questionNode, countdownNode) {
    this.questionNode = questionNode;
    this.countdownNode = countdownNode;
    this.session = null;
    this.shown = null;
    setInterval(() => this.tick(), 1000);
  }

  /** session: state, question, paused, next_at, starts_at, question_count; questions: Map number → text */
  update(session, questions) {
    this.session = session;
    const { state, question } = session;
    let label = null;
    let text;
    if (state === "scheduled") text = `Starts ${localDateTime(session.starts_at)}`;
    else if (state === "lobby") text = "The lobby is open: say hello while you wait for Q1.";
    else if (state === "live") {
      label = `Q${question}`;
      text = questions.get(question) || "";
    } else if (state === "wrapup") text = "Wrap-up: last words, and thank you for taking part.";
    else text = "This session has ended";
    const key = `${state}|${label}|${text}`;
    // Only a real change touches the live region, so a screen reader hears each drop once.
    if (key !== this.shown) {
      this.shown = key;
      fill(this.questionNode, label ? el("span", { class: "q-label", text: label }) : null, label ? " " : null, text);
    }
    this.tick();
  }

  tick() {
    const session = this.session;
    if (!session) return;
    this.countdownNode.textContent = countdownText(session);
  }
}

function countdownText(session) {
  const { state, question, question_count: count, next_at: nextAt, paused } = session;
  if (state === "ended") return "";
  if (paused) return "Paused by the host";
  if (state === "scheduled") return `Starts in ${duration(until(session.starts_at))}`;
  if (!nextAt) return state === "live" ? "The host drops the next question" : "";
  const left = duration(until(nextAt));
  if (state === "lobby") return `Q1 drops in ${left}`;
  if (state === "live") return question < count ? `Q${question + 1} drops in ${left}` : `Wrap-up in ${left}`;
  return `Ends in ${left}`;
}
