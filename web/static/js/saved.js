// What the browser keeps for one session, in localStorage: who you are
// (resume token or guest token), a join not yet welcomed, the last seq you
// saw, your draft and the outbox of posts not yet acknowledged. A reload or a
// return later reads it back.

const PREFIX = "hashtalk:session:";

export class Saved {
  constructor(slug) {
    this.key = PREFIX + slug;
    this.data = {};
    try {
      this.data = JSON.parse(localStorage.getItem(this.key) || "{}") || {};
    } catch {
      // Storage off (private mode) or unreadable: the page still works, it only forgets on reload.
      this.data = {};
    }
  }

  get(name, fallback = null) {
    return name in this.data ? this.data[name] : fallback;
  }

  set(changes) {
    Object.assign(this.data, changes);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null || value === undefined) delete this.data[name];
    }
    try {
      localStorage.setItem(this.key, JSON.stringify(this.data));
    } catch {
      // Full or off: keep going with what is in memory.
    }
  }
}
