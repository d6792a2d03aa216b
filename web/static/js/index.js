// The list of sessions on /: live, starting soon (the lobby is open),
// upcoming and past, each at its time in the visitor's own time zone, with
// its calendar file and, once published, its recap. The server drew the
// same list for the first paint; this draws it again in local time.

import { byId, el, fill } from "./elements.js";
import { localDateTime } from "./times.js";

const GROUPS = { scheduled: "upcoming", lobby: "soon", live: "live", wrapup: "live", ended: "past" };
const STATE_TEXT = { lobby: "Starting soon", live: "Live now", wrapup: "Live now: wrapping up", ended: "Ended" };

async function main() {
  const status = byId("list-status");
  let sessions;
  try {
    const response = await fetch("/api/sessions");
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    sessions = (await response.json()).sessions;
  } catch (error) {
    status.textContent = `Could not load the sessions: ${error.message}. Reload to try again.`;
    status.hidden = false;
    return;
  }
  for (const group of new Set(Object.values(GROUPS))) {
    fill(byId(group).querySelector("ul"));
    byId(group).hidden = true;
  }
  status.textContent = sessions.length === 0 ? "No sessions are scheduled yet." : "";
  status.hidden = sessions.length !== 0;
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
  const slug = encodeURIComponent(session.slug);
  return el(
    "li",
    { class: "session-item", "data-slug": session.slug },
    el("p", { class: "session-title" }, el("a", { href: `/s/${slug}`, text: session.title })),
    el(
      "p",
      { class: "session-meta" },
      el("span", { class: "hashtag", text: session.hashtag }),
      " · ",
      el("time", { datetime: session.starts_at, text: localDateTime(session.starts_at) }),
      state ? " · " : null,
      state ? el("span", { class: `state state-${session.state}`, text: state }) : null,
    ),
    el(
      "p",
      { class: "session-links" },
      el("a", { href: `/s/${slug}.ics`, text: "Add to calendar" }),
      session.recap_url ? " · " : null,
      session.recap_url ? el("a", { href: session.recap_url, text: "Read the recap" }) : null,
    ),
  );
}

main();
