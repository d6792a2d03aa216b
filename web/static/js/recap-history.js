// The history panel: every version (who, when, generated or edited,
// published), the changes between any two, and restoring an old one as the
// newest version. Nothing is ever overwritten: a restore adds a version.

import { el, fill } from "./elements.js";
import { localDateTime } from "./times.js";

const SIGNS = { same: "  ", added: "+ ", removed: "- " };

export class HistoryPanel {
  /** onRestore(version) asks the page to restore that version. */
  constructor({ list, from, to, compare, summary, diff }, api, onRestore) {
    Object.assign(this, { list, from, to, summary, diff, api, onRestore });
    this.versions = [];
    this.chosen = false; // until the writer picks two versions, compare the newest with the one before
    compare.addEventListener("click", () => this.compare());
    for (const select of [from, to]) select.addEventListener("change", () => (this.chosen = true));
  }

  /** The versions as the server listed them, newest first. */
  show(versions) {
    const keepFrom = this.from.value;
    const keepTo = this.to.value;
    this.versions = versions;
    const head = versions.length ? versions[0].id : null;
    fill(this.list, ...versions.map((version) => this.item(version, version.id === head)));
    const options = () => versions.map((v) => el("option", { value: String(v.id), text: label(v) }));
    fill(this.from, ...options());
    fill(this.to, ...options());
    const ids = new Set(versions.map((v) => String(v.id)));
    const keep = this.chosen && ids.has(keepFrom) && ids.has(keepTo);
    this.from.value = keep ? keepFrom : String((versions[1] || versions[0] || {}).id ?? "");
    this.to.value = keep ? keepTo : String(head ?? "");
  }

  item(version, isHead) {
    return el(
      "li",
      { class: `version${version.published ? " was-published" : ""}`, "data-version": String(version.id) },
      el(
        "p",
        { class: "version-line" },
        el("strong", { text: `Version ${version.id}` }),
        ` · ${version.kind === "generated" ? "generated" : "edited"}`,
        ` by ${version.author} · `,
        el("time", { datetime: version.created_at, text: localDateTime(version.created_at) }),
        version.published ? el("span", { class: "tag", text: "published" }) : null,
        isHead ? el("span", { class: "tag current", text: "in the editor" }) : null,
      ),
      isHead
        ? null
        : el("button", {
            type: "button",
            class: "restore",
            text: "Restore",
            "aria-label": `Restore version ${version.id}`,
            onclick: () => this.onRestore(version),
          }),
    );
  }

  async compare() {
    const from = this.from.value;
    const to = this.to.value;
    if (!from || !to) return;
    let answer;
    try {
      answer = await this.api.get(`/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    } catch (error) {
      this.summary.textContent = `The changes could not be loaded: ${error.message}`;
      return;
    }
    const added = answer.rows.filter((row) => row.op === "added").length;
    const removed = answer.rows.filter((row) => row.op === "removed").length;
    this.summary.textContent = answer.rows.length
      ? `From version ${answer.from} to version ${answer.to}: ${added} line${added === 1 ? "" : "s"} added, ` +
        `${removed} removed.`
      : `Versions ${answer.from} and ${answer.to} have the same text.`;
    fill(this.diff, ...answer.rows.map(row));
    this.diff.hidden = answer.rows.length === 0;
  }
}

function row(entry) {
  if (entry.op === "skipped") {
    const text = `… ${entry.count} unchanged line${entry.count === 1 ? "" : "s"} …`;
    return el("p", { class: "diff-row diff-skipped", text });
  }
  return el("p", { class: `diff-row diff-${entry.op}`, text: SIGNS[entry.op] + entry.text });
}

function label(version) {
  return `Version ${version.id} (${version.kind}, ${version.author})`;
}
