// The article reader: highlight the selected words (`a`), open a claim's panel by clicking its
// words or with `j`/`k`, and judge it (`v`, `1`-`8`), all without leaving the page.

import { chooseRating, enhancePanel, openVerdictForm } from "./panel.js";
import { spanOfRange } from "./selection.js";
import { announce, isTyping } from "./workbench.js";

const reader = document.querySelector("[data-reader]");
const text = document.getElementById("article-text");
const panel = document.getElementById("claim-panel");
const annotateForm = document.querySelector("[data-annotate-form]");
const preview = document.getElementById("selection-preview");
const STATUS_PRIORITY = ["disputed", "needs_review", "agreed", "resolved"];

let selected = null;
let current = Number(new URLSearchParams(window.location.search).get("claim")) || null;

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
  }
});

function showAnnotateErrors(messages) {
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
  announce(messages.join(" "), "error");
}

async function annotate() {
  const selection = document.getSelection();
  const span = (selection && selection.rangeCount && spanOfRange(text, selection.getRangeAt(0))) || selected;
  if (!span) {
    showAnnotateErrors(["Select the words of a claim in the article's text first."]);
    return;
  }
  annotateForm.elements.start.value = String(span.start);
  annotateForm.elements.end.value = String(span.end);
  annotateForm.elements.quote.value = span.quote;
  const button = annotateForm.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const response = await fetch(annotateForm.action, {
      method: "POST",
      body: new FormData(annotateForm),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const answer = response.headers.get("Content-Type")?.includes("json") ? await response.json() : {};
    if (response.ok) {
      window.location.assign(answer.url);
      return;
    }
    showAnnotateErrors(answer.errors || [`The server answered ${response.status}; nothing was highlighted.`]);
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
  if (box.top < 0 || box.bottom > bottom) first.scrollIntoView({ block: "center" });
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
}

function wireCloseButton() {
  const close = panel.querySelector("[data-close-panel]");
  if (!close) return;
  close.hidden = false;
  close.addEventListener("click", closePanel);
}

function closePanel() {
  document.body.classList.remove("panel-open");
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

document.addEventListener("keydown", (event) => {
  if (isTyping(event) || event.defaultPrevented) return;
  if (document.querySelector("dialog[open]")) return;
  const { key } = event;
  if (key === "j" || key === "k") {
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
  bringIntoView(current);
}
