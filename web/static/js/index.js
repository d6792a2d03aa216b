// The list of sessions on /: live, upcoming and past, each at its time in
// the visitor's own time zone, with its calendar file.

import { byId, el } from "./elements.js";
import { localDateTime } from "./times.js";

const GROUPS = { scheduled: "upcoming", lobby: "upcoming", live: "live", wrapup: "live", ended: "past" };
const STATE_TEXT = { lobby: "Lobby open", live: "Live", wrapup: "Wrapping up", ended: "Ended" };

async function main() {
  const status = byId("list-status");
  let sessions;
  try {
    const response = await fetch("/api/sessions");
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    sessions = (await response.json()).sessions;
  } catch (error) {
    status.textContent = `Could not load the sessions: ${error.message}. Reload to try again.`;
    return;
  }
  if (sessions.length === 0) {
    status.textContent = "No sessions are scheduled yet.";
    return;
  }
  status.textContent = "";
  status.hidden = true;
  // Past sessions newest first; the rest soonest first (the API sorts by start).
  const ordered = [...sessions.filter((s) => s.state !== "ended"), ...sessions.filter((s) => s.state === "ended").reverse()];
  for (const session of ordered) {
    const group = byId(GROUPS[session.state] || "upcoming");
    group.hidden = false;
    group.querySelector("ul").append(item(session));
  }
}

function item(session) {
  const state = STATE_TEXT[session.state];
  return el(
    "li",
    { class: "session-item", "data-slug": session.slug },
    el("p", { class: "session-title" }, el("a", { href: `/s/${encodeURIComponent(session.slug)}`, text: session.title })),
    el(
      "p",
      { class: "session-meta" },
      el("span", { class: "hashtag", text: session.hashtag }),
      " · ",
      el("time", { datetime: session.starts_at, text: localDateTime(session.starts_at) }),
      state ? ` · ${state}` : null,
    ),
    el("p", {}, el("a", { href: `/s/${encodeURIComponent(session.slug)}.ics`, text: "Add to calendar" })),
  );
}

main();
