// The session's card: title, hashtag, guest, format, ground rules, and when it starts.

import { byId, el, fill } from "./elements.js";
import { duration, localDateTime, until } from "./times.js";

export function drawAbout(session) {
  document.title = `${session.hashtag} · ${session.title}`;
  byId("title").textContent = session.title;
  byId("hashtag").textContent = session.hashtag;
  const guest = session.guest;
  fill(
    byId("guest-card"),
    el(
      "p",
      { class: "guest-name" },
      el("span", { text: guest.name }),
      " ",
      el("span", { class: "badge badge-guest", text: "Guest" }),
    ),
    el("p", { class: "guest-handle", text: `@${guest.handle}` }),
    guest.bio ? el("p", { class: "guest-bio", text: guest.bio }) : null,
  );
  byId("format").textContent = session.format;
  fill(byId("rules"), ...session.rules.map((rule) => el("li", { text: rule })));
  drawStarts(session);
}

/** "Starts …, in 4:59" before the start (called every second), "Started …" after. */
export function drawStarts(session) {
  const left = until(session.starts_at);
  byId("starts").textContent =
    left > 0
      ? `Starts ${localDateTime(session.starts_at)}, in ${duration(left)}.`
      : `Started ${localDateTime(session.starts_at)}.`;
}
