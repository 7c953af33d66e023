// The article reader: highlight the selected words (`a`), open a claim's panel by clicking its
// words or with `j`/`k`, judge it (`v`, `1`-`8`), re-cut its words (`[` `]` `{` `}`, or a new
// selection), all without leaving the page; `n` goes to the next claim awaiting my verdict,
// in whichever article it is.

import { chooseRating, enhancePanel, openVerdictForm } from "./panel.js";
import { codePointsOf, rangeOfSpan, spanOfRange, stepSpan } from "./selection.js";
import { announce, singleKeyShortcut } from "./workbench.js";

const reader = document.querySelector("[data-reader]");
const text = document.getElementById("article-text");
const panel = document.getElementById("claim-panel");
const annotateForm = document.querySelector("[data-annotate-form]");
const preview = document.getElementById("selection-preview");
const STATUS_PRIORITY = ["disputed", "needs_review", "agreed", "resolved"];

let selected = null;
// The selection the server asked about (long, or across paragraphs) until it is confirmed.
let pendingLong = null;
let articleChars = null;
// The open claim: from `?claim=`, or from the panel when the page answers a refused correction
// (its address is then the form's; it is put back to the reader's, so a reload posts nothing).
let current =
  Number(new URLSearchParams(window.location.search).get("claim")) ||
  Number(panel.querySelector(".panel-body")?.dataset.claim) ||
  null;
if (current && !new URLSearchParams(window.location.search).has("claim")) {
  const readerUrl = new URL("../", document.querySelector("[data-annotate-form]").action);
  readerUrl.searchParams.set("claim", String(current));
  window.history.replaceState(null, "", readerUrl);
}

function claimItems() {
  return Array.from(document.querySelectorAll("[data-claim-item]"));
}

function claimIds() {
  return claimItems().map((item) => Number(item.dataset.claimItem));
}

function marksOf(id) {
  return Array.from(text.querySelectorAll("mark[data-claims]")).filter((mark) =>
    mark.dataset.claims.split(" ").includes(String(id)),
  );
}

// Annotating -----------------------------------------------------------------------------------

function describeSelection() {
  if (!preview) return;
  if (!selected) {
    preview.textContent = "Select the words of a claim in the text, then press a or the button.";
    return;
  }
  const shown = selected.quote.length > 120 ? `${selected.quote.slice(0, 117)}…` : selected.quote;
  preview.textContent = `Selected: “${shown}” (characters ${selected.start}–${selected.end}).`;
}

document.addEventListener("selectionchange", () => {
  const selection = document.getSelection();
  if (!selection || selection.rangeCount === 0) return;
  const range = selection.getRangeAt(0);
  if (selection.isCollapsed) {
    if (text.contains(range.startContainer)) {
      selected = null;
      describeSelection();
    }
    return;
  }
  const span = spanOfRange(text, range);
  if (span) {
    selected = span;
    describeSelection();
    if (pendingLong && (span.start !== pendingLong.start || span.end !== pendingLong.end)) clearLongWarning();
  }
});

function showAnnotateErrors(messages, { shown = true } = {}) {
  let box = annotateForm.querySelector(".form-errors");
  if (!box) {
    box = document.createElement("div");
    box.className = "form-errors";
    box.setAttribute("role", "alert");
    annotateForm.prepend(box);
  }
  box.replaceChildren(
    ...messages.map((message) => {
      const line = document.createElement("p");
      line.textContent = message;
      return line;
    }),
  );
  announce(messages.join(" "), "error", { shown });
  return box;
}

function clearLongWarning() {
  pendingLong = null;
  annotateForm.querySelector(".form-errors")?.remove();
}

/** The server asked before saving a long selection: offer to save exactly that one, or not. */
function askAboutLongSelection(messages, span) {
  pendingLong = span;
  const box = showAnnotateErrors(messages, { shown: false });
  const actions = document.createElement("p");
  actions.className = "long-selection-actions";
  const save = document.createElement("button");
  save.type = "button";
  save.dataset.confirmLong = "";
  save.textContent = "Save this long highlight";
  save.addEventListener("click", () => annotate({ confirmed: pendingLong }));
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary";
  cancel.textContent = "Cancel";
  cancel.addEventListener("click", () => {
    clearLongWarning();
    announce("Nothing was highlighted. Select the words of the claim again.");
  });
  actions.append(save, cancel);
  box.append(actions);
  save.focus();
}

/** Highlight the selected words; `confirmed`: the long selection the person chose to save. */
async function annotate({ confirmed = null } = {}) {
  const selection = document.getSelection();
  const span =
    confirmed || (selection && selection.rangeCount && spanOfRange(text, selection.getRangeAt(0))) || selected;
  if (!span) {
    showAnnotateErrors(["Select the words of a claim in the article's text first."]);
    return;
  }
  annotateForm.elements.start.value = String(span.start);
  annotateForm.elements.end.value = String(span.end);
  annotateForm.elements.quote.value = span.quote;
  const button = annotateForm.querySelector("button[type=submit]");
  button.disabled = true;
  const body = new FormData(annotateForm);
  if (confirmed) body.set("confirm_long", "true");
  try {
    const response = await fetch(annotateForm.action, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const answer = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
    if (response.ok) {
      window.location.assign(answer.url);
      return;
    }
    const messages = answer.errors || [`The server answered ${response.status}; nothing was highlighted.`];
    if (answer.confirm) askAboutLongSelection(messages, span);
    else showAnnotateErrors(messages);
  } catch {
    showAnnotateErrors(["The server could not be reached; nothing was highlighted."]);
  } finally {
    button.disabled = false;
  }
}

annotateForm.addEventListener("submit", (event) => {
  event.preventDefault();
  annotate();
});

// Re-cutting the current claim's words ---------------------------------------------------------

function recutForm() {
  return panel.querySelector("[data-recut-form]");
}

function proposedSpan(form) {
  return { start: Number(form.elements.start.value), end: Number(form.elements.end.value) };
}

/** Outline the proposed words in the text (CSS Custom Highlight API, where the browser has it). */
function outlineProposal(span) {
  if (!window.CSS?.highlights || typeof Highlight === "undefined") return;
  const range = span && rangeOfSpan(text, span.start, span.end);
  if (range) CSS.highlights.set("recut", new Highlight(range));
  else CSS.highlights.delete("recut");
}

function showProposal(form, span) {
  form.elements.start.value = String(span.start);
  form.elements.end.value = String(span.end);
  renderProposal(form, span);
}

function renderProposal(form, span) {
  outlineProposal(span);
  articleChars ??= codePointsOf(text);
  const quote = articleChars.slice(span.start, span.end).join("");
  const shown = quote.length > 160 ? `${quote.slice(0, 157)}…` : quote;
  const preview = form.querySelector("[data-recut-preview]");
  preview.replaceChildren("New words, not saved yet: ", Object.assign(document.createElement("q"), { textContent: shown }));
}

/** `[` `]` `{` `}` and the panel's buttons: move the current claim's start or end by one word. */
function recutStep(edge, direction) {
  const form = recutForm();
  if (!form) {
    announce(current ? "You cannot re-cut this claim." : "Open a claim first (j, or click its words).");
    return;
  }
  articleChars ??= codePointsOf(text);
  const moved = stepSpan(articleChars, proposedSpan(form), edge, direction);
  if (!moved) {
    announce(`The ${edge} cannot move one word ${direction < 0 ? "earlier" : "later"}: a highlight keeps at least one word.`);
    return;
  }
  const details = form.closest("details");
  if (details) details.open = true;
  showProposal(form, moved);
  announce(`New words: ${moved.quote}. Save the new span to keep them.`, "info", { shown: false });
}

function wireRecut() {
  const form = recutForm();
  if (!form) return;
  form.querySelector("[data-recut-steps]").hidden = false;
  for (const field of [form.elements.start, form.elements.end]) {
    field.addEventListener("input", () => {
      const span = proposedSpan(form);
      if (Number.isInteger(span.start) && Number.isInteger(span.end) && span.start < span.end) renderProposal(form, span);
    });
  }
  for (const button of form.querySelectorAll("[data-recut-step]")) {
    button.addEventListener("click", () => recutStep(button.dataset.recutStep, Number(button.dataset.direction)));
  }
  form.querySelector("[data-recut-selection]").addEventListener("click", () => {
    if (!selected) {
      announce("Select the claim's new words in the text first, then choose “Re-cut to the selected words”.", "error");
      return;
    }
    showProposal(form, selected);
    form.requestSubmit();
  });
}

// Claims and their panel -----------------------------------------------------------------------

function markCurrent(id) {
  for (const mark of text.querySelectorAll("mark.current")) mark.classList.remove("current");
  for (const mark of marksOf(id)) mark.classList.add("current");
  for (const item of claimItems()) {
    const here = Number(item.dataset.claimItem) === id;
    item.classList.toggle("current", here);
    const link = item.querySelector("[data-claim-link]");
    if (here) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
}

function bringIntoView(id) {
  const [first] = marksOf(id);
  if (!first) return;
  const box = first.getBoundingClientRect();
  const bottom = document.body.classList.contains("panel-open") && window.innerWidth < 1000 ? window.innerHeight * 0.4 : window.innerHeight;
  // Centred in the part of the screen above the sheet. The window scrolls, not the mark into
  // view: Chromium moves the Tab starting point to an element scrolled into view, which put the
  // skip links after the claim sheet.
  if (box.top < 0 || box.bottom > bottom) window.scrollBy({ top: box.top + box.height / 2 - bottom / 2 });
}

function segmentClass(mark, statusOf) {
  const statuses = mark.dataset.claims.split(" ").map((id) => statusOf.get(Number(id)));
  const status = STATUS_PRIORITY.find((candidate) => statuses.includes(candidate));
  for (const name of Array.from(mark.classList)) if (name.startsWith("u-")) mark.classList.remove(name);
  if (status) mark.classList.add(`u-${status}`);
}

/** After a save: the claim's new status shows in its highlight and in the list. */
function refreshStatus(body) {
  const id = Number(body.dataset.claim);
  const item = claimItems().find((element) => Number(element.dataset.claimItem) === id);
  if (item) {
    const badge = item.querySelector("[data-status-badge]");
    const panelBadge = body.querySelector(".panel-header .status");
    if (badge && panelBadge) {
      badge.className = panelBadge.className;
      badge.textContent = panelBadge.textContent;
    }
    item.dataset.status = body.dataset.status;
    if (body.querySelector(".my-verdict .verdict")) item.querySelector("[data-awaits]")?.remove();
  }
  const statusOf = new Map(claimItems().map((element) => [Number(element.dataset.claimItem), element.dataset.status]));
  for (const mark of marksOf(id)) segmentClass(mark, statusOf);
}

function onSwap(container) {
  const body = container.querySelector(".panel-body");
  if (body) refreshStatus(body);
  wireCloseButton();
  outlineProposal(null);
  wireRecut();
}

function wireCloseButton() {
  const close = panel.querySelector("[data-close-panel]");
  if (!close) return;
  close.hidden = false;
  close.addEventListener("click", closePanel);
}

function closePanel() {
  document.body.classList.remove("panel-open");
  outlineProposal(null);
  const id = current;
  current = null;
  markCurrent(null);
  const url = new URL(window.location.href);
  url.searchParams.delete("claim");
  window.history.replaceState(null, "", url);
  const link = document.querySelector(`[data-claim-link="${id}"]`);
  if (link) link.focus();
}

async function openClaim(id, { focus = true } = {}) {
  const template = reader.dataset.claimUrl;
  try {
    const response = await fetch(template.replace(/0\/$/, `${id}/`), {
      headers: { "X-Fragment": "panel" },
      credentials: "same-origin",
    });
    if (!response.ok) {
      announce(response.status === 404 ? "This claim no longer exists." : `The server answered ${response.status}.`, "error");
      return;
    }
    panel.innerHTML = await response.text();
  } catch {
    announce("The server could not be reached.", "error");
    return;
  }
  current = id;
  document.body.classList.add("panel-open");
  enhancePanel(panel, onSwap);
  onSwap(panel);
  markCurrent(id);
  bringIntoView(id);
  const url = new URL(window.location.href);
  url.searchParams.set("claim", String(id));
  window.history.replaceState(null, "", url);
  if (focus) panel.querySelector("#panel-title")?.focus({ preventScroll: true });
}

function step(direction) {
  const ids = claimIds();
  if (!ids.length) {
    announce("This article has no claims yet.");
    return;
  }
  const index = ids.indexOf(current);
  const next = index === -1 ? (direction > 0 ? 0 : ids.length - 1) : index + direction;
  if (next < 0 || next >= ids.length) {
    announce(direction > 0 ? "This is the last claim." : "This is the first claim.");
    return;
  }
  openClaim(ids[next]);
}

text.addEventListener("click", (event) => {
  const mark = event.target.closest("mark[data-claims]");
  if (!mark) return;
  const selection = document.getSelection();
  if (selection && !selection.isCollapsed) return;
  // Nested claims: a click opens the innermost one; clicking again moves outwards.
  const ids = mark.dataset.claims.split(" ").map(Number);
  const index = ids.indexOf(current);
  openClaim(index === -1 ? ids[0] : ids[(index + 1) % ids.length], { focus: false });
});

for (const link of document.querySelectorAll("[data-claim-link]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    openClaim(Number(link.dataset.claimLink));
  });
}

/** `n`: the next claim awaiting my verdict, here or in another article of the project. */
async function nextAwaiting() {
  const url = new URL(reader.dataset.nextUrl, window.location.href);
  if (current) url.searchParams.set("after", String(current));
  else url.searchParams.set("article", reader.dataset.article);
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) {
      announce(`The server answered ${response.status}.`, "error");
      return;
    }
    const answer = await response.json();
    if (!answer.url) announce(answer.message);
    else if (String(answer.article) === reader.dataset.article && claimIds().includes(answer.id)) openClaim(answer.id);
    else window.location.assign(answer.url);
  } catch {
    announce("The server could not be reached.", "error");
  }
}

const RECUT_KEYS = { "[": ["start", -1], "]": ["start", 1], "{": ["end", -1], "}": ["end", 1] };

/**
 * Whether a key press may act as a single-key shortcut: not typed into a field, not taken by
 * another handler, no dialog open. Every single-key shortcut of the reader asks this.
 */
document.addEventListener("keydown", (event) => {
  if (!singleKeyShortcut(event)) return;
  const { key } = event;
  if (key in RECUT_KEYS) {
    event.preventDefault();
    recutStep(...RECUT_KEYS[key]);
  } else if (key === "n") {
    event.preventDefault();
    nextAwaiting();
  } else if (key === "j" || key === "k") {
    event.preventDefault();
    step(key === "j" ? 1 : -1);
  } else if (key === "a") {
    event.preventDefault();
    annotate();
  } else if (key === "v") {
    event.preventDefault();
    if (!openVerdictForm(panel)) {
      announce(current ? "You cannot give a verdict on this claim." : "Open a claim first (j, or click its words).");
    }
  } else if (/^[1-8]$/.test(key)) {
    if (chooseRating(panel, Number(key))) event.preventDefault();
  } else if (key === "Escape" && current) {
    event.preventDefault();
    closePanel();
  }
});

if (current) {
  enhancePanel(panel, onSwap);
  wireCloseButton();
  wireRecut();
  bringIntoView(current);
}
