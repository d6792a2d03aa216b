// The feed: every visible message, by question (the guest's answers first,
// then everyone's, each in the order they were posted, so a thread reads
// "1) … 2) … 3)" from the top) or in time order, newest first; replies
// threaded under their parent (oldest first); likes, reply and report buttons; moderation outcomes (hidden, held,
// approved, refiled).

import { el, fill } from "./elements.js";
import { localTime } from "./times.js";

const LOBBY = 0;
const BADGES = { guest: "Guest", moderator: "Host" };

/** Close to the server's handle key (NFKC, then case folding); for display decisions only. */
function handleKey(handle) {
  return handle.normalize("NFKC").toLowerCase();
}

export function sameHandle(a, b) {
  return a != null && b != null && handleKey(a) === handleKey(b);
}

export class Feed {
  /** actions: onLike(seq), onReply(message), onReport(seq, reason) */
  constructor(root, actions) {
    this.root = root;
    this.actions = actions;
    this.posts = new Map();
    this.groups = new Map();
    this.timeList = el("div", { class: "thread-list" });
    this.view = "question";
    this.me = null;
    this.canAct = false;
    this.unseenAfter = Infinity;
    this._layout();
  }

  /** Who is reading: their own posts are marked, and only people who joined get the buttons. */
  setMe(handle, canAct) {
    this.me = handle;
    this.canAct = canAct;
    for (const record of this.posts.values()) this._draw(record);
  }

  setView(view) {
    this.view = view;
    this._layout();
  }

  get(seq) {
    return this.posts.get(seq) || null;
  }

  isVisible(seq) {
    const record = this.posts.get(seq);
    return Boolean(record) && !record.hidden && !record.held;
  }

  question(number, text) {
    const group = this._group(number);
    fill(group.heading, el("span", { class: "q-label", text: `Q${number}` }), " ", text || "");
  }

  /** held: only its author (and moderators) see it, waiting for review; reason: the server's why. */
  message(message, { held = false, reason = null } = {}) {
    const existing = this.posts.get(message.seq);
    if (existing) {
      existing.message = message;
      existing.held = held;
      existing.heldReason = reason;
      this._draw(existing);
      return existing;
    }
    const record = {
      message,
      node: el("article", { class: "post", id: `m${message.seq}`, "data-seq": message.seq, "data-role": message.role }),
      replies: el("div", { class: "replies" }),
      likes: 0,
      liked: false,
      hidden: false,
      hiddenReason: null,
      held,
      heldReason: reason,
      likeButton: null,
    };
    this.posts.set(message.seq, record);
    this._draw(record);
    this._place(record);
    return record;
  }

  reaction({ target, by, on, count }) {
    const record = this.posts.get(target);
    if (!record) return;
    record.likes = count;
    if (sameHandle(by, this.me)) record.liked = on;
    this._drawLikes(record);
  }

  /**
   * A moderator (or the word filter) hid a post. `reason` is null for everyone
   * but its author: they alone still see it, marked, with the server's reason.
   */
  hide(target, reason = null) {
    this._update(target, (record) => {
      record.hidden = true;
      record.hiddenReason = reason;
    });
  }

  unhide(target, message) {
    if (!this.posts.has(target) && message) this.message(message);
    this._update(target, (record) => {
      record.hidden = false;
      record.hiddenReason = null;
      if (message) record.message = message;
    });
  }

  refile(target, question) {
    const record = this.posts.get(target);
    if (!record) return;
    record.message = { ...record.message, question };
    this._draw(record);
    if (this.view === "question" && !this._parent(record)) this._place(record);
  }

  approve(target, message) {
    this.message({ ...message, seq: target });
  }

  reject(target) {
    const record = this.posts.get(target);
    if (!record) return;
    record.node.remove();
    this.posts.delete(target);
  }

  // drawing

  _update(seq, change) {
    const record = this.posts.get(seq);
    if (!record) return;
    change(record);
    this._draw(record);
  }

  _draw(record) {
    const message = record.message;
    const mine = sameHandle(message.author, this.me);
    const classes = ["post"];
    if (message.role === "guest") classes.push("guest");
    if (message.role === "moderator") classes.push("host");
    if (mine) classes.push("mine");
    if (record.held) classes.push("held");
    else if (record.hidden) classes.push("hidden-for-others");
    else if (message.seq > this.unseenAfter) classes.push("unseen"); // new since your last visit
    record.likeButton = null;
    if (record.hidden && record.hiddenReason === null) {
      record.node.className = "post removed";
      fill(record.node, el("p", { class: "removed-note", text: "Removed by a moderator" }), record.replies);
      return;
    }
    record.node.className = classes.join(" ");
    const badge = BADGES[message.role];
    const head = el(
      "p",
      { class: "post-head" },
      el("span", { class: "author", text: message.author }),
      badge ? el("span", { class: `badge badge-${message.role}`, text: badge }) : null,
      message.question ? el("span", { class: "tag", text: `A${message.question}` }) : null,
      message.at ? el("time", { datetime: message.at, text: localTime(message.at) }) : null,
    );
    const parts = [head, el("p", { class: "body", text: message.body })];
    if (record.held) {
      const why = record.heldReason ? ` Reason: ${record.heldReason}.` : "";
      parts.push(el("p", { class: "held-note", text: `Held for review: only you can see it until a moderator approves it.${why}` }));
    } else if (record.hidden) {
      const why = record.hiddenReason ? ` Reason: ${record.hiddenReason}.` : "";
      parts.push(el("p", { class: "held-note", text: `Hidden from everyone but you.${why}` }));
    } else {
      parts.push(this._actions(record, mine));
    }
    fill(record.node, ...parts, record.replies);
  }

  _actions(record, mine) {
    const message = record.message;
    const bar = el("p", { class: "actions" });
    if (this.canAct) {
      record.likeButton = el("button", { type: "button", class: "like", onclick: () => this.actions.onLike(message.seq) });
      bar.append(
        record.likeButton,
        el("button", {
          type: "button",
          class: "reply",
          text: "Reply",
          "aria-label": `Reply to ${message.author}`,
          onclick: () => this.actions.onReply(message),
        }),
      );
      if (!mine) {
        bar.append(
          el("button", {
            type: "button",
            class: "report",
            text: "Report",
            "aria-label": `Report this post by ${message.author}`,
            onclick: () => this._openReport(record),
          }),
        );
      }
    } else {
      record.likeButton = el("span", { class: "like-count" });
      bar.append(record.likeButton);
    }
    this._drawLikes(record);
    return bar;
  }

  _drawLikes(record) {
    const button = record.likeButton;
    if (!button) return;
    button.textContent = `♥ ${record.likes}`;
    const likes = record.likes === 1 ? "1 like" : `${record.likes} likes`;
    if (button.tagName === "BUTTON") {
      button.setAttribute("aria-pressed", String(record.liked));
      button.setAttribute("aria-label", `Like (${likes})`);
    } else {
      button.setAttribute("aria-label", likes);
    }
  }

  _openReport(record) {
    if (record.node.querySelector(".report-form")) return;
    const reason = el("input", { name: "reason", required: true, maxlength: 200, autocomplete: "off" });
    const form = el(
      "form",
      { class: "report-form" },
      el("label", { text: "What is wrong with this post?" }, reason),
      el(
        "p",
        { class: "report-buttons" },
        el("button", { type: "submit", text: "Send report" }),
        el("button", { type: "button", text: "Cancel", onclick: () => form.remove() }),
      ),
    );
    form.addEventListener("submit", (submitted) => {
      submitted.preventDefault();
      this.actions.onReport(record.message.seq, reason.value.trim());
      form.remove();
    });
    record.node.insertBefore(form, record.replies);
    reason.focus();
  }

  // placing

  _parent(record) {
    const parentSeq = record.message.reply_to;
    return parentSeq == null ? null : this.posts.get(parentSeq) || null;
  }

  _place(record) {
    const parent = this._parent(record);
    if (parent) {
      parent.replies.append(record.node);
      return;
    }
    if (this.view === "question") insertInOrder(this._group(record.message.question ?? LOBBY).list, record.node, guestFirst);
    else insertInOrder(this.timeList, record.node, newestFirst);
  }

  _group(number) {
    let group = this.groups.get(number);
    if (group) return group;
    const heading = el("h3", { class: "q-heading" });
    if (number === LOBBY) heading.textContent = "Before the first question";
    else heading.append(el("span", { class: "q-label", text: `Q${number}` }));
    const list = el("div", { class: "thread-list" });
    const section = el("section", { class: "q-group", "data-q": number }, heading, list);
    group = { number, heading, list, section };
    this.groups.set(number, group);
    if (this.view === "question") this._insertGroup(group);
    return group;
  }

  _insertGroup(group) {
    // The newest question on top, the lobby's posts at the bottom.
    const after = [...this.root.children].find((node) => Number(node.dataset.q) < group.number);
    this.root.insertBefore(group.section, after || null);
  }

  _layout() {
    const order = this.view === "question" ? guestFirst : newestFirst;
    const tops = [...this.posts.values()]
      .filter((record) => !this._parent(record))
      .sort((a, b) => (order(a.node, b.node) ? -1 : 1));
    if (this.view === "question") {
      for (const group of this.groups.values()) group.list.replaceChildren();
      for (const record of tops) this._group(record.message.question ?? LOBBY).list.append(record.node);
      const sections = [...this.groups.values()].sort((a, b) => b.number - a.number).map((group) => group.section);
      this.root.replaceChildren(...sections);
    } else {
      this.timeList.replaceChildren(...tops.map((record) => record.node));
      this.root.replaceChildren(this.timeList);
    }
  }
}

/** Put `node` before the first child it goes before; posts mostly arrive in order, so try either end first. */
function insertInOrder(list, node, goesBefore) {
  const first = list.firstElementChild;
  if (first === null || (first !== node && goesBefore(node, first))) {
    list.prepend(node);
    return;
  }
  const last = list.lastElementChild;
  if (last !== node && !goesBefore(node, last)) {
    list.append(node);
    return;
  }
  const next = [...list.children].find((child) => child !== node && goesBefore(node, child));
  list.insertBefore(node, next || null);
}

function newestFirst(a, b) {
  return Number(a.dataset.seq) > Number(b.dataset.seq);
}

function guestFirst(a, b) {
  const aGuest = a.dataset.role === "guest";
  const bGuest = b.dataset.role === "guest";
  return aGuest !== bGuest ? aGuest : Number(a.dataset.seq) < Number(b.dataset.seq);
}
