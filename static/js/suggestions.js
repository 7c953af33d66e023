// Suggested claims in the reader: the sentences the server found likely to hold a checkable
// claim are underlined with dots in the text (CSS Custom Highlight API: the text's segments,
// whose offsets every selection is read from, stay as they are). `s` / `S` go to the next /
// previous suggestion, `y` highlights the current one as a claim by sending its form, the same
// request as a selection of its words; the list beside the text says each suggestion in words and
// has its buttons, for screen readers, the mouse and touch, and with single-key shortcuts off.

import { rangeOfSpan } from "./selection.js";
import { announce, shortcutsOff, singleKeyShortcut } from "./workbench.js";

const text = document.getElementById("article-text");
const section = document.querySelector("[data-suggestions]");
const items = section ? Array.from(section.querySelectorAll("[data-suggestion]")) : [];
const canHighlight = Boolean(window.CSS?.highlights) && typeof Highlight !== "undefined";

let current = -1;

function rangeOf(item) {
  return rangeOfSpan(text, Number(item.dataset.start), Number(item.dataset.end));
}

function paint() {
  if (!canHighlight) return;
  const ranges = items.map(rangeOf).filter(Boolean);
  CSS.highlights.set("suggested", new Highlight(...ranges));
  const range = current >= 0 ? rangeOf(items[current]) : null;
  if (range) CSS.highlights.set("suggested-current", new Highlight(range));
  else CSS.highlights.delete("suggested-current");
}

function quoteOf(item) {
  return item.querySelector("[data-suggestion-form]").elements.quote.value;
}

function bringIntoView(item) {
  const range = rangeOf(item);
  const segment = range?.startContainer.parentElement?.closest("[data-s]");
  if (!segment) return;
  const box = range.getBoundingClientRect();
  // Below 1000 px an open claim panel is a sheet over the lower part of the window, as in reader.js.
  const sheet = document.body.classList.contains("panel-open") && window.innerWidth < 1000;
  const bottom = sheet ? window.innerHeight * 0.4 : window.innerHeight;
  if (box.top < 0 || box.bottom > bottom) segment.scrollIntoView({ block: "center" });
}

/** Make suggestion `index` the current one: outlined in the text, marked in the list, said. */
function choose(index) {
  current = index;
  for (const [place, item] of items.entries()) {
    item.classList.toggle("current", place === index);
    if (place === index) item.setAttribute("aria-current", "true");
    else item.removeAttribute("aria-current");
  }
  paint();
  const item = items[index];
  bringIntoView(item);
  const keys = shortcutsOff() ? "" : " Press y to highlight it as a claim.";
  announce(`Suggested claim ${index + 1} of ${items.length}: ${quoteOf(item)}${keys}`, "info", { shown: false });
}

function step(direction) {
  if (!items.length) {
    announce("No sentence of this article is suggested as a claim.");
    return;
  }
  const next = current === -1 ? (direction > 0 ? 0 : items.length - 1) : (current + direction + items.length) % items.length;
  choose(next);
}

function accept() {
  if (current === -1) {
    announce(items.length ? "Go to a suggested claim first (s)." : "No sentence of this article is suggested as a claim.");
    return;
  }
  const form = items[current].querySelector("[data-suggestion-form]");
  announce(`Highlighting “${quoteOf(items[current])}” as a claim.`, "info", { shown: false });
  form.requestSubmit();
}

if (text && section) {
  paint();
  if (!shortcutsOff()) section.querySelector("[data-suggestion-keys]").hidden = false;
  for (const [index, item] of items.entries()) {
    const show = item.querySelector("[data-suggestion-show]");
    show.hidden = !canHighlight;
    show.addEventListener("click", () => choose(index));
  }
  document.addEventListener("keydown", (event) => {
    if (!singleKeyShortcut(event)) return;
    if (event.key === "s" || event.key === "S") {
      event.preventDefault();
      step(event.key === "s" ? 1 : -1);
    } else if (event.key === "y") {
      event.preventDefault();
      accept();
    }
  });
}
