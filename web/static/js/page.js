// The participant page for /s/<slug>: a websocket client of /ws/<slug> like
// any other. It keeps who you are and what you still have to send in the
// browser, shows what the server says, and leaves every rule to the server.

import { drawAbout, drawStarts } from "./about.js";
import { Banner } from "./banner.js";
import { Composer, drawOutbox } from "./compose.js";
import { Connection } from "./connection.js";
import { byId, el, fill } from "./elements.js";
import { Feed } from "./feed.js";
import { LinkedPost } from "./linked.js";
import { drawSettings, refusalText, showModeration, showRefusal } from "./moderation.js";
import { Notices } from "./notices.js";
import { Outbox } from "./outbox.js";
import { Pinned } from "./pinned.js";
import { PreparePanel } from "./prepare.js";
import { SatisfactionQuestion } from "./satisfaction.js";
import { Saved } from "./saved.js";
import { setServerNow } from "./times.js";

const RECAP_CHECK_MS = 60000;
const SEQ_SAVE_MS = 500;
const OPEN_STATES = new Set(["lobby", "live", "wrapup"]);

const slug = decodeURIComponent(location.pathname.split("/")[2] || "");
const saved = new Saved(slug);
takeGuestLink();

const page = {
  me: { handle: null, role: "viewer" },
  session: null,
  questions: new Map(),
  lastSeq: 0,
  welcomeSeq: 0,
  joining: saved.get("joining"), // a join whose welcome has not arrived yet: retried as it was, join id and all
  reports: new Set(),
  checkingRecap: false,
  aboutClosed: false,
  prepareOpened: false,
  removed: false, // banned: the server closed this connection for good
};

const notices = new Notices(byId("notices"));
const feed = new Feed(byId("feed"), {
  onLike: (target) => sendNow({ type: "react", target, emoji: "like", cid: Outbox.newCid() }),
  onReply: (message) => composer.replyTo(message),
  onReport,
});
feed.unseenAfter = saved.get("lastSeq", Infinity);
const pinned = new Pinned(byId("pinned"), feed);
const banner = new Banner(byId("question-banner"), byId("countdown"));
const outbox = new Outbox(saved, drawOutboxList);
const composer = new Composer(saved, submitPost);
const prepare = new PreparePanel(
  byId("prepare"),
  { list: byId("prepare-list"), form: byId("prepare-form"), select: byId("prepare-question"), body: byId("prepare-body"), count: byId("prepare-count") },
  {
    onPrepare: (question, body) =>
      queue({ type: "prepare", cid: Outbox.newCid(), question, body }, `Prepared for Q${question}: ${body}`),
    onWithdraw: (target) => queue({ type: "unprepare", cid: Outbox.newCid(), target }, "Withdraw a prepared answer"),
  },
);
const linked = new LinkedPost(feed, (text) => notices.show("linked", text, "warn"));
const satisfaction = new SatisfactionQuestion(saved, (score, comment) =>
  sendNow({ type: "satisfaction", score, comment, cid: Outbox.newCid() }),
);
const connection = new Connection(`/ws/${encodeURIComponent(slug)}`, {
  hello,
  welcome: onWelcome,
  event: onEvent,
  ack: onAck,
  error: onError,
  refused: onRefused,
  status: onStatus,
});

byId("join").addEventListener("submit", onJoin);
byId("view-question").addEventListener("click", () => setView("question"));
byId("view-time").addEventListener("click", () => setView("time"));
setInterval(() => page.session && drawStarts(page.session), 1000);
drawOutboxList(outbox.items);
loadLimits();
connection.start();

// identity

/** A guest link carries its token in the fragment: keep it here, then take it out of the address bar. */
function takeGuestLink() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("guest");
  if (!token) return;
  saved.set({ guestToken: token });
  history.replaceState(null, "", location.pathname + location.search);
}

function hello() {
  const since = page.lastSeq;
  if (page.joining) return { type: "hello", role: "participant", ...page.joining, since };
  const guestToken = saved.get("guestToken");
  if (guestToken) return { type: "hello", role: "guest", token: guestToken, since };
  const token = saved.get("token");
  if (token) return { type: "hello", role: "participant", token, since };
  return { type: "hello", role: "viewer", since };
}

function onJoin(submitted) {
  submitted.preventDefault();
  const form = byId("join");
  const handle = form.elements.handle.value.trim();
  if (!handle) return;
  byId("join-error").textContent = "";
  page.joining = { handle, quote: form.elements.quote.value, join: newJoinId() };
  saved.set({ joining: page.joining });
  connection.restart();
}

/**
 * A secret of this join alone: should its welcome (and the token in it) be lost,
 * the retry sends it again and the server knows it is still us (docs/protocol.md).
 */
function newJoinId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function onRefused(frame) {
  if (page.joining) {
    // The server's words on the handle; keep reading as before.
    byId("join-error").textContent = frame.message;
    page.joining = null;
    saved.set({ joining: null });
    byId("join-handle").focus();
  } else if (saved.get("guestToken") && frame.code === "bad_token") {
    saved.set({ guestToken: null });
    notices.show("identity", `The guest link did not work: ${frame.message}`, "error");
  } else if (saved.get("token") && frame.code === "bad_token") {
    saved.set({ token: null });
    notices.show("identity", frame.message, "error");
  } else {
    if (frame.code === "banned") page.removed = true;
    notices.show(frame.code === "banned" ? "ban" : "identity", frame.message, "error");
    return; // nothing else to try: the same hello would be refused again
  }
  connection.restart();
}

// frames

function onStatus(status) {
  const banner = byId("connection");
  if (status === "open") {
    banner.hidden = true;
  } else if (status === "closed") {
    banner.textContent = "Disconnected: this page no longer follows the session.";
    banner.hidden = false;
  } else if (status === "down") {
    banner.textContent = outbox.items.length
      ? "Connection lost. Reconnecting… Your posts wait here and go out when it is back."
      : "Connection lost. Reconnecting…";
    banner.hidden = false;
  }
}

function onWelcome(frame) {
  if (frame.now) setServerNow(frame.now); // countdowns on the server's clock, whatever this one says
  page.welcomeSeq = frame.seq;
  const justJoined = page.joining !== null;
  page.joining = null;
  if (frame.token) saved.set({ token: frame.token, joining: null });
  page.me = frame.you;
  const session = frame.session;
  page.session = session;
  for (const question of session.questions) {
    if (question.opened_at) {
      page.questions.set(question.number, question.text);
      feed.question(question.number, question.text);
    }
  }
  if (session.moderation) {
    drawSettings(session.moderation);
    pinned.feature(session.moderation.featured);
  }
  drawSession(session);
  drawIdentity();
  // Whoever just picked a handle came to answer: the compose box is where they go next.
  if (justJoined && !byId("compose").hidden) byId("compose-body").focus();
  for (const queued of outbox.waiting()) connection.send(queued);
  linked.caughtUp(page.lastSeq >= page.welcomeSeq);
}

function onEvent(frame) {
  if (frame.seq <= page.lastSeq) return;
  page.lastSeq = frame.seq;
  saveSeqSoon();
  // Up to the welcome's seq the snapshot already holds the session's state.
  const live = frame.seq > page.welcomeSeq;
  switch (frame.kind) {
    case "state":
      if (live) {
        Object.assign(page.session, pick(frame, ["state", "question", "next_at", "paused"]));
        drawState();
      }
      break;
    case "question":
      page.questions.set(frame.number, frame.text);
      feed.question(frame.number, frame.text);
      if (live) {
        prepare.drop(frame.number);
        drawState();
      }
      break;
    case "message":
      feed.message(frame.message);
      pinned.changed(frame.message.seq);
      linked.arrived(frame.message.seq);
      break;
    case "reaction":
      feed.reaction(frame);
      break;
    case "prepared":
      prepare.prepared(frame.seq, frame.question, frame.body);
      break;
    case "unprepared":
      prepare.unprepared(frame.target);
      break;
    case "satisfaction":
      satisfaction.answered(); // only one's own answer comes back
      break;
    default:
      // What moderators decided (moderation.js); report, dismiss, ban and unban go to moderators only.
      showModeration(frame, { feed, pinned, notices, me: page.me.handle, live });
  }
  linked.caughtUp(frame.seq >= page.welcomeSeq);
}

function onAck(frame) {
  outbox.acked(frame.cid);
  if (page.reports.delete(frame.cid)) {
    notices.show("report", "Thank you: the moderators will look at that post.", "info");
  }
}

function onError(frame) {
  if (frame.cid && page.reports.delete(frame.cid)) {
    // already_reported is an answer, not a failure: the moderators have it.
    notices.show("report", frame.message, frame.code === "already_reported" ? "info" : "error");
    return;
  }
  if (frame.code === "already_answered") {
    satisfaction.answered();
    return;
  }
  if (frame.cid && outbox.has(frame.cid)) outbox.refused(frame.cid, refusalText(frame));
  if (frame.code === "banned") {
    page.removed = true; // the connection closes for good after this (connection.js)
    feed.setMe(page.me.handle, false); // no buttons that could only fail
    drawState();
  }
  showRefusal(frame, notices);
}

// actions

function submitPost({ body, question, replyTo }) {
  const frame = { type: "post", cid: Outbox.newCid(), body };
  if (replyTo !== null) frame.reply_to = replyTo;
  else if (question) frame.question = question;
  queue(frame, body);
}

/** A frame the server must get once: kept in the outbox until acked, sent now if connected. */
function queue(frame, label) {
  outbox.add(frame, label);
  if (!connection.send(frame) && !byId("connection").hidden) onStatus("down"); // mention the waiting posts
}

/** A frame worth sending only now (a like, a report): offline, say so instead. */
function sendNow(frame) {
  if (connection.send(frame)) return true;
  notices.show("offline", "You are offline for the moment: try again once the connection is back.", "warn");
  return false;
}

function onReport(target, reason) {
  const cid = Outbox.newCid();
  if (sendNow({ type: "report", target, reason, cid })) page.reports.add(cid);
}

function setView(view) {
  feed.setView(view);
  byId("view-question").setAttribute("aria-pressed", String(view === "question"));
  byId("view-time").setAttribute("aria-pressed", String(view === "time"));
}

// drawing

function drawSession(session) {
  drawAbout(session);
  if (page.me.role === "guest") {
    prepare.setQuestions(session.questions.map((q) => [q.number, q.text, q.opened_at !== null]));
  }
  drawState();
}

function drawState() {
  const session = page.session;
  banner.update(session, page.questions);
  const opened = [...page.questions.entries()].sort((a, b) => a[0] - b[0]);
  composer.setQuestions(opened, session.question);
  const open = OPEN_STATES.has(session.state);
  const joined = page.me.role === "participant" || page.me.role === "guest";
  composer.show(joined && open && !page.removed);
  // Once it has ended, nothing on the page may offer what the server would refuse: no like, no reply.
  const canAct = joined && !page.removed && session.state !== "ended";
  if (canAct !== feed.canAct) feed.setMe(page.me.handle, canAct);
  byId("join").hidden = joined || page.removed || session.state === "ended";
  prepare.show(page.me.role === "guest" && session.state !== "ended");
  if (page.me.role === "guest" && !page.prepareOpened) {
    page.prepareOpened = true; // open before the start, one line once live; the guest's choice after that
    byId("prepare").open = session.state === "scheduled" || session.state === "lobby";
  }
  satisfaction.show(page.me.role === "participant" && !page.removed && ["wrapup", "ended"].includes(session.state));
  if (session.state === "live" && !page.aboutClosed) {
    page.aboutClosed = true; // once, so a reader who opens it again keeps it open
    byId("about").open = false;
  }
  drawStarts(session);
  if (session.state === "ended" && !page.checkingRecap) {
    page.checkingRecap = true;
    checkRecap();
  }
}

function drawIdentity() {
  const you = byId("you");
  const { handle, role } = page.me;
  you.hidden = false;
  if (role === "guest") fill(you, "You are the guest, ", el("strong", { text: handle }));
  else if (role === "participant") fill(you, "You are ", el("strong", { text: handle }));
  else you.textContent = "You are reading along as a viewer.";
  feed.setMe(handle, (role === "participant" || role === "guest") && page.session.state !== "ended");
  drawState();
}

function drawOutboxList(items) {
  drawOutbox(byId("outbox"), items, {
    onEdit: (item) => {
      outbox.remove(item.cid);
      composer.restore(item.frame.body);
    },
    onDiscard: (item) => outbox.remove(item.cid),
  });
}

// the server's HTTP side

async function loadLimits() {
  const details = await fetchSession();
  if (details) composer.setLimit(details.max_post_chars);
}

/** Once the session has ended: say a recap is coming, look for it now, then every minute until it is published. */
async function checkRecap() {
  const line = byId("recap");
  const details = await fetchSession();
  if (details && details.recap_url) {
    fill(line, el("a", { id: "recap-link", href: details.recap_url, text: "Read the recap" }));
  } else {
    if (!line.querySelector("a")) line.textContent = "A recap is coming: its link appears here once it is published.";
    setTimeout(checkRecap, RECAP_CHECK_MS);
  }
}

async function fetchSession() {
  try {
    const response = await fetch(`/api/sessions/${encodeURIComponent(slug)}`);
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// small things

// Saved at most twice a second while a replay pours in, and when the page goes away.
let seqTimer = null;
function saveSeqSoon() {
  if (seqTimer === null) seqTimer = setTimeout(saveSeq, SEQ_SAVE_MS);
}
function saveSeq() {
  clearTimeout(seqTimer);
  seqTimer = null;
  saved.set({ lastSeq: page.lastSeq });
}
window.addEventListener("pagehide", saveSeq);

function pick(source, names) {
  return Object.fromEntries(names.filter((name) => name in source).map((name) => [name, source[name]]));
}
