// What the moderators decided, as the page shows it: hidden and restored
// posts, posts held for review and the decision on them, mutes, refiled,
// featured posts, announcements and the session's settings; and the
// server's refusals of a post. The server decides; this only draws what it
// sends (docs/protocol.md). `ban`, `unban`, `report` and `dismiss` events go
// to moderators only: a banned participant learns of it from the `banned`
// error that ends its connection.

import { byId } from "./elements.js";
import { sameHandle } from "./feed.js";
import { localTime, serverNow, until } from "./times.js";

const WAIT_CODES = new Set(["slow_mode", "rate_limited"]);
const WARN_CODES = new Set(["muted", "slow_mode", "rate_limited", "duplicate", "filtered"]);

/**
 * Show one moderation event; false when `frame.kind` is not one.
 * view: {feed, pinned, notices, me (your handle), live (false while replaying what the welcome already sums up)}
 */
export function showModeration(frame, { feed, pinned, notices, me, live }) {
  const mine = (handle) => sameHandle(handle, me);
  switch (frame.kind) {
    case "hide": {
      // Only the author (and moderators) get `author` and `reason`: for them the post stays, marked.
      const yours = frame.author != null && mine(frame.author);
      feed.hide(frame.target, yours ? frame.reason || "" : null);
      pinned.draw();
      if (live && yours) {
        const who = frame.by === "filter" ? "The word filter" : "A moderator";
        notices.show(`hide-${frame.target}`, withReason(`${who} hid your post from everyone else.`, frame), "warn");
      }
      return true;
    }
    case "unhide":
      feed.unhide(frame.target, frame.message);
      pinned.draw();
      notices.clear(`hide-${frame.target}`);
      return true;
    case "mute":
      // Sent to moderators and the muted participant only; a replayed mute counts while it lasts.
      if (mine(frame.handle) && until(frame.until) > 0) {
        notices.show("mute", withReason(`A moderator muted you until ${localTime(frame.until)}.`, frame), "warn");
      }
      return true;
    case "unmute":
      if (mine(frame.handle)) notices.clear("mute");
      return true;
    case "refile":
      feed.refile(frame.target, frame.question);
      return true;
    case "feature":
      // Up to the welcome's seq, the welcome's `moderation.featured` already says what is pinned.
      if (live) pinned.feature(frame.target);
      return true;
    case "announcement":
      pinned.announce(frame.body, frame.at);
      return true;
    case "held":
      // Only the author (and moderators) receive it: your post, waiting for review.
      feed.message(frame.message, { held: true, reason: frame.reason });
      if (live && mine(frame.message.author)) {
        notices.show("held", withReason("Your post is held for review by a moderator.", frame), "info");
      }
      return true;
    case "approve":
      feed.approve(frame.target, frame.message);
      pinned.changed(frame.target);
      if (live && mine(frame.message.author)) {
        notices.show("held", "A moderator approved your post: everyone can see it now.", "info");
      }
      return true;
    case "reject": {
      // Moderators and the author only; the post leaves the author's feed with the decision said once.
      const record = feed.get(frame.target);
      if (live && mine(frame.author)) {
        const what = record ? ` “${short(record.message.body)}”` : "";
        notices.show("held", withReason(`A moderator did not approve your post${what}.`, frame), "warn");
      }
      feed.reject(frame.target);
      return true;
    }
    case "settings":
      if (live) drawSettings(frame);
      return true;
    default:
      return false;
  }
}

/** The settings line under the banner: `settings` comes from an event or the welcome's `moderation`. */
export function drawSettings(settings) {
  const line = byId("settings-line");
  const parts = [];
  if (settings.slow_mode > 0) parts.push(`Slow mode: one post every ${seconds(settings.slow_mode)}.`);
  if (settings.drop_slow_window > 0 && settings.drop_slow_seconds > 0) {
    parts.push(
      `For ${seconds(settings.drop_slow_window)} after each question drops, one post every ${seconds(settings.drop_slow_seconds)}.`,
    );
  }
  if (settings.premoderation) parts.push("Posts are reviewed by a moderator before they appear.");
  line.textContent = parts.join(" ");
  line.hidden = parts.length === 0;
}

/** The words to show for a refused frame: the server's, with a mute's `until` in the visitor's own time. */
export function refusalText(frame) {
  if (frame.code === "muted" && frame.until) return `A moderator has muted you until ${localTime(frame.until)}.`;
  return frame.message;
}

/** Tell the person about a refusal; slow mode and the rate limit count their wait (`retry_after`) down. */
export function showRefusal(frame, notices) {
  const text = refusalText(frame);
  if (frame.code === "banned") {
    notices.show("ban", text, "error");
  } else if (WAIT_CODES.has(frame.code) && frame.retry_after > 0) {
    const wait = {
      until: serverNow() + frame.retry_after * 1000,
      text: (left) => `You can post again in ${left}.`,
      done: "You can post again now.",
    };
    notices.show("wait", text, "warn", wait);
  } else {
    notices.show(frame.code === "muted" ? "mute" : "error", text, WARN_CODES.has(frame.code) ? "warn" : "error");
  }
}

function withReason(text, frame) {
  return frame.reason ? `${text} Reason: ${frame.reason}` : text;
}

function seconds(value) {
  return value === 1 ? "1 second" : `${value} seconds`;
}

function short(text) {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
