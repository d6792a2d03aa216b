// The recap editor for /s/<slug>/recap/edit: Markdown beside a live preview,
// autosaved as the writer types, with history, quotes, regenerate and publish.
//
// Every save names the version its text was edited from; if someone saved
// first, the server answers with both texts and the page asks which goes
// on. Until the server has a text, it stays in localStorage (unsaved.js).

import { byId } from "./elements.js";
import { HistoryPanel } from "./recap-history.js";
import { Preview } from "./recap-preview.js";
import { QuotesPanel } from "./recap-quotes.js";
import { localTime } from "./times.js";
import { Unsaved, keepWriterName, writerName } from "./unsaved.js";
import { WriterApi } from "./writer-api.js";

const AUTOSAVE_MS = 1000;
const RETRY_MS = 5000;

const slug = decodeURIComponent(location.pathname.split("/")[2] || "");
const api = new WriterApi(slug, denied);
const unsaved = new Unsaved(slug);
const textarea = byId("markdown");
const nameInput = byId("writer-name");
const status = byId("save-status");

const editor = {
  base: null, // the version the editor's text was edited from (null: the recap has none yet)
  baseAutosave: false, // whether that version is an autosave (the next autosave folds into it)
  dirty: false, // the editor holds text the server has not stored
  saving: null, // the save in flight
  timer: null,
  conflict: null, // {theirs, yours} while the writer chooses
};

const preview = new Preview(byId("preview"), api, (error) => {
  if (error.status !== 401) say(`The preview could not be drawn: ${error.message}`, "warn");
});
const historyPanel = new HistoryPanel(
  {
    list: byId("history-list"),
    from: byId("diff-from"),
    to: byId("diff-to"),
    compare: byId("compare"),
    summary: byId("diff-summary"),
    diff: byId("diff"),
  },
  api,
  restore,
);
const quotes = new QuotesPanel(
  { select: byId("quotes-question"), list: byId("quotes-list"), note: byId("quotes-note") },
  api,
  insertQuote,
);

async function main() {
  if (!api.hasToken) {
    denied();
    return;
  }
  let listing;
  let headText = "";
  try {
    listing = await api.get("/versions");
    if (listing.head !== null) headText = (await api.get(`/versions/${listing.head}`)).body_md;
  } catch (error) {
    if (error.status !== 401) byId("loading").textContent = `The recap could not be opened: ${error.message} Reload to try again.`;
    return;
  }
  showSession(listing);
  showVersions(listing);
  nameInput.value = writerName();
  editor.base = listing.head;
  textarea.value = headText;
  const kept = unsaved.read();
  if (kept && kept.text !== headText) {
    textarea.value = kept.text;
    editor.dirty = true;
    if (kept.base === listing.head) {
      say("Your text from last time was not saved yet: saving it now.");
      scheduleSave(0);
    } else {
      // Edited from a version that is no longer the newest: the writer decides.
      const theirs = listing.head === null ? null : { ...listing.versions[0], body_md: headText };
      showConflict(theirs, kept.text);
    }
  } else {
    unsaved.drop();
    say(listing.head === null ? "No draft yet: regenerate one from the transcript, or start writing." : `Version ${listing.head}.`);
  }
  byId("loading").hidden = true;
  byId("editor").hidden = false;
  preview.render(textarea.value);
  quotes.load();
}

// saving

function edited() {
  editor.dirty = true;
  unsaved.keep(textarea.value, editor.base);
  preview.update(textarea.value);
  if (editor.conflict) return; // nothing is sent until the writer has chosen
  say("Not saved yet: kept in this browser.");
  scheduleSave(AUTOSAVE_MS);
}

function scheduleSave(delay) {
  clearTimeout(editor.timer);
  editor.timer = setTimeout(() => save(true), delay);
}

/**
 * Store the editor's text as a version. An autosave (`autosave` true) is only
 * sent when something changed; a kept version ("Save as a version") also
 * turns an autosave into one the history keeps. True once the server has it.
 */
async function save(autosave) {
  clearTimeout(editor.timer);
  while (editor.saving) await editor.saving;
  if (editor.conflict) return false;
  if (!editor.dirty && (autosave || !editor.baseAutosave)) return true;
  const author = nameInput.value.trim();
  if (!author) {
    say("Type your name above to save: your text is kept in this browser meanwhile.", "warn");
    return false;
  }
  editor.saving = send(author, autosave);
  try {
    return await editor.saving;
  } finally {
    editor.saving = null;
  }
}

async function send(author, autosave) {
  const text = textarea.value;
  say("Saving…");
  let answer;
  try {
    answer = await api.post("/versions", { base: editor.base, body_md: text, author, autosave });
  } catch (error) {
    if (error.code === "stale_base") showConflict(error.body.theirs, textarea.value);
    else if (error.status !== 401) {
      say(`Not saved (${error.message}). Your text is kept in this browser; trying again.`, "warn");
      scheduleSave(RETRY_MS);
    }
    return false;
  }
  editor.base = answer.version.id;
  editor.baseAutosave = autosave;
  if (textarea.value === text) {
    editor.dirty = false;
    unsaved.clear(text);
    say(`Saved at ${localTime(answer.version.created_at)} as version ${answer.version.id}.`);
  } else {
    unsaved.keep(textarea.value, editor.base); // typed while the save was on its way
    scheduleSave(AUTOSAVE_MS);
  }
  refreshVersions();
  return !editor.dirty;
}

/** Put a text the server has just stored (restored or regenerated) in the editor. */
function loadVersion(version) {
  clearTimeout(editor.timer);
  textarea.value = version.body_md;
  editor.base = version.id;
  editor.baseAutosave = false;
  editor.dirty = false;
  unsaved.drop();
  preview.render(textarea.value);
  refreshVersions();
}

// the conflict

function showConflict(theirs, yours) {
  clearTimeout(editor.timer);
  editor.conflict = { theirs, yours };
  byId("conflict-text").textContent = theirs
    ? `Version ${theirs.id} was saved by ${theirs.author} at ${localTime(theirs.created_at)}, after the version ` +
      "your text was edited from. Nothing is lost: both texts are below. Choose which one goes on."
    : "The versions your text was edited from are gone. Choose what goes on.";
  byId("conflict-theirs").textContent = theirs ? theirs.body_md : "";
  byId("conflict-yours").textContent = yours;
  byId("conflict").hidden = false;
  say("Not saved: someone else saved first. Your text is kept in this browser.", "warn");
  refreshVersions();
}

function endConflict() {
  editor.conflict = null;
  byId("conflict").hidden = true;
}

byId("keep-mine").addEventListener("click", async () => {
  const { theirs } = editor.conflict;
  editor.base = theirs ? theirs.id : null;
  editor.baseAutosave = false;
  editor.dirty = true;
  endConflict();
  await save(false);
});

byId("take-theirs").addEventListener("click", () => {
  const { theirs } = editor.conflict;
  endConflict();
  if (theirs) loadVersion(theirs);
  say(theirs ? `Version ${theirs.id} is in the editor.` : "");
});

// restore, regenerate, publish: each saves the text in the editor first, so nothing typed is lost

async function ready() {
  const author = nameInput.value.trim();
  if (!author) {
    say("Type your name above first: the history says who did what.", "warn");
    nameInput.focus();
    return null;
  }
  if (!(await save(true))) {
    if (editor.conflict) say("First choose between the two texts above.", "warn");
    return null;
  }
  return author;
}

async function restore(version) {
  const author = await ready();
  if (!author) return;
  try {
    const answer = await api.post(`/versions/${version.id}/restore`, { author });
    loadVersion(answer.version);
    say(`Version ${version.id} restored: it is now version ${answer.version.id}.`);
  } catch (error) {
    say(`Not restored: ${error.message}`, "warn");
  }
}

byId("regenerate").addEventListener("click", async () => {
  const author = await ready();
  if (!author) return;
  say("Writing a new draft from the transcript…");
  try {
    const answer = await api.post("/regenerate", { author });
    loadVersion(answer.version);
    say(`A new draft from the transcript is version ${answer.version.id}. Earlier versions stay in the history.`);
  } catch (error) {
    say(`No new draft: ${error.message}`, "warn");
  }
});

byId("publish").addEventListener("click", async () => {
  const author = await ready();
  if (!author) return;
  if (editor.base === null) {
    say("There is nothing to publish yet.", "warn");
    return;
  }
  try {
    const answer = await api.post("/publish", { version: editor.base, author });
    showPublished(answer.published);
    say(`Version ${answer.published.version} is published.`);
    refreshVersions();
  } catch (error) {
    say(`Not published: ${error.message}`, "warn");
  }
});

byId("save-now").addEventListener("click", async () => {
  if (await save(false)) say(`Version ${editor.base} is kept in the history.`);
});

// small things

function insertQuote(markdown) {
  const start = textarea.selectionStart;
  const end = textarea.selectionEnd;
  const before = textarea.value.slice(0, start);
  const after = textarea.value.slice(end);
  const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const tail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
  textarea.setRangeText(lead + markdown + tail, start, end, "end");
  textarea.focus();
  edited();
}

let versionsAsked = 0;

async function refreshVersions() {
  const asked = ++versionsAsked;
  try {
    const listing = await api.get("/versions");
    // Answers can cross on the way: an older listing must never replace a newer one.
    if (asked === versionsAsked) showVersions(listing);
  } catch {
    // The next save or reload lists them again.
  }
}

function showVersions(listing) {
  historyPanel.show(listing.versions);
  const head = listing.versions.find((version) => version.id === editor.base);
  if (head) editor.baseAutosave = head.autosave;
  if (listing.published) showPublished(listing.published);
}

function showPublished(published) {
  const line = byId("published");
  const link = document.createElement("a");
  link.href = published.url;
  link.textContent = "the public page";
  line.replaceChildren(
    `Version ${published.version} was published by ${published.by} at ${localTime(published.published_at)}: `,
    link,
  );
  line.hidden = false;
}

function showSession(listing) {
  document.title = `Recap: ${listing.title} · hashtalk`;
  byId("title").textContent = `Recap: ${listing.title}`;
  const link = byId("session-link");
  link.textContent = listing.hashtag;
  link.href = `/s/${encodeURIComponent(listing.slug)}`;
}

function say(text, tone = "info") {
  status.textContent = text;
  status.classList.toggle("warn", tone === "warn");
}

function denied() {
  clearTimeout(editor.timer);
  byId("loading").hidden = true;
  byId("editor").hidden = true;
  byId("denied").hidden = false;
}

textarea.addEventListener("input", edited);
nameInput.addEventListener("change", () => {
  keepWriterName(nameInput.value.trim());
  if (editor.dirty) scheduleSave(0);
});
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "s") {
    event.preventDefault();
    byId("save-now").click();
  }
});

main();
