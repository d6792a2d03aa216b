// The writer's text not yet acknowledged by the server, kept in localStorage
// with the version it was edited from. It is written on every keystroke and
// cleared only when the server has stored exactly that text, so a closed
// tab, a crash or a lost connection never loses a word.

const PREFIX = "hashtalk:recap-unsaved:";
const NAME_KEY = "hashtalk:writer-name";

export class Unsaved {
  constructor(slug) {
    this.key = PREFIX + slug;
  }

  /** {base, text, at} or null. */
  read() {
    try {
      const found = JSON.parse(localStorage.getItem(this.key) || "null");
      return found && typeof found.text === "string" ? found : null;
    } catch {
      return null;
    }
  }

  keep(text, base) {
    try {
      localStorage.setItem(this.key, JSON.stringify({ base, text, at: Date.now() }));
    } catch {
      // Full or off: the text is still in the page, and the next save sends it.
    }
  }

  /** Forget the kept text, but only if it is `text` (something typed since stays kept). */
  clear(text) {
    const found = this.read();
    if (found && found.text !== text) return;
    this.drop();
  }

  /** Forget the kept text, whatever it is (the writer chose another text). */
  drop() {
    try {
      localStorage.removeItem(this.key);
    } catch {
      // Nothing kept.
    }
  }
}

export function writerName() {
  try {
    return localStorage.getItem(NAME_KEY) || "";
  } catch {
    return "";
  }
}

export function keepWriterName(name) {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // Asked again next time.
  }
}
