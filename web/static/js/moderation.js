// What the moderators decided, as the page shows it: hidden and restored
// posts, bans, mutes, refiled, featured and held posts, announcements and
// the session's settings. The server decides; this only draws its events.

import { byId } from "./elements.js";
import { sameHandle } from "./feed.js";
import { localTime, until } from "./times.js";

/**
 * Show one moderation event; false when `frame.kind` is not one.
 * view: {feed, pinned, notices, me (your handle), live (false while replaying the past)}
 */
export function showModeration(frame, { feed, pinned, notices, me, live }) {
  const mine = (handle) => sameHandle(handle, me);
  switch (frame.kind) {
    case "hide":
      feed.hide(frame.target);
      pinned.draw();
      return true;
    case "unhide":
      feed.unhide(frame.target, frame.message);
      pinned.draw();
      return true;
    case "ban":
      feed.ban(frame.handle);
      pinned.draw();
      if (mine(frame.handle)) notices.show("ban", withReason("A moderator removed you from this session.", frame), "error");
      return true;
    case "unban":
      feed.unban(frame.handle);
      pinned.draw();
      if (mine(frame.handle)) notices.clear("ban");
      return true;
    case "mute":
      // Replayed mutes count too, while they last.
      if (mine(frame.handle) && (!frame.until || until(frame.until) > 0)) {
        const when = frame.until ? ` until ${localTime(frame.until)}` : "";
        notices.show("mute", withReason(`A moderator muted you${when}.`, frame), "warn");
      }
      return true;
    case "unmute":
      if (mine(frame.handle)) notices.clear("mute");
      return true;
    case "refile":
      feed.refile(frame.target, frame.question);
      return true;
    case "feature":
      pinned.feature(frame.target);
      return true;
    case "announcement":
      pinned.announce(frame.body, frame.at);
      return true;
    case "held":
      // Only the author (and moderators) receive it: your post, waiting for review.
      feed.message({ ...frame.message, seq: frame.message.seq ?? frame.seq }, { held: true });
      if (live && mine(frame.message.author)) {
        notices.show("held", withReason("Your post is held for a moderator's review.", frame), "info");
      }
      return true;
    case "approve":
      feed.approve(frame.target, frame.message);
      if (live && mine(frame.message.author)) notices.clear("held");
      return true;
    case "reject": {
      const record = feed.get(frame.target);
      if (live && record && mine(record.message.author)) {
        notices.show("held", "A moderator did not approve your post.", "warn");
      }
      feed.reject(frame.target);
      return true;
    }
    case "settings":
      drawSettings(frame);
      return true;
    default:
      return false;
  }
}

function drawSettings(frame) {
  const line = byId("settings-line");
  const parts = [];
  if (frame.slow_mode) {
    parts.push(typeof frame.slow_mode === "number" ? `Slow mode: one post every ${frame.slow_mode} s.` : "Slow mode is on.");
  }
  if (frame.premoderation) parts.push("Posts are reviewed by a moderator before they appear.");
  line.textContent = parts.join(" ");
  line.hidden = parts.length === 0;
}

function withReason(text, frame) {
  return frame.reason ? `${text} Reason: ${frame.reason}` : text;
}
