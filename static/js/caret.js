// Caret mode: select a claim's words with the keyboard alone. `c` (with single-key shortcuts on)
// or the "Select with keyboard" button puts a caret at the start of the open claim, else of the
// text; arrows move it by word (with Ctrl or Alt too), Up and Down by paragraph, Shift with an
// arrow extends the selection; Enter (or `a`) annotates, through the reader's own form, the
// window selection this module sets; Escape leaves.
//
// Positions are code point offsets of the canonical text, read from the segments (data-s/data-e)
// as selection.js reads them, so the words said to screen readers between segments are skipped.

import { codePointToUtf16 } from "./offsets.js";
import { textBetween } from "./selection.js";
import { announce, shortcutsOff, singleKeyShortcut } from "./workbench.js";

const text = document.getElementById("article-text");
const annotateForm = document.querySelector("[data-annotate-form]");
// A word: letters, digits, emoji or a figure with its sign, joined across inner punctuation
// ("10,000", "1.4", "Korea’s", "12%"), so that a selection never ends on a comma or a quote mark.
const WORD =
  /[\p{L}\p{N}\p{M}\p{Extended_Pictographic}\u200d\ufe0f%$€£¥]+(?:[.,'’\-–/:][\p{L}\p{N}\p{M}%]+)*/gu;
const SHOWN_WORDS = 12;
const HOW = "Arrows move by word, Shift with an arrow selects, Enter annotates, Escape leaves";

let active = false;
let anchor = 0;
let focus = 0;
let words = [];
let paragraphs = [];
let chars = [];
let caretMark = null;
let startButton = null;

/** The text's words as `[start, end]` code point offsets, in order. */
function wordsOf(whole) {
  const codePointAt = new Array(whole.length + 1);
  let count = 0;
  for (let unit = 0; unit <= whole.length; unit += 1) {
    codePointAt[unit] = count;
    const high = whole.charCodeAt(unit);
    if (high >= 0xd800 && high <= 0xdbff && unit + 1 < whole.length) {
      codePointAt[unit + 1] = count;
      unit += 1;
    }
    count += 1;
  }
  return Array.from(whole.matchAll(WORD), (match) => [
    codePointAt[match.index],
    codePointAt[match.index + match[0].length],
  ]);
}

function paragraphsOf() {
  return Array.from(text.querySelectorAll("p"))
    .map((paragraph) => {
      const pieces = paragraph.querySelectorAll("[data-s]");
      if (!pieces.length) return null;
      return [Number(pieces[0].dataset.s), Number(pieces[pieces.length - 1].dataset.e)];
    })
    .filter(Boolean);
}

/** The DOM point (text node, UTF-16 offset) of code point `offset`. */
function domPoint(offset) {
  const pieces = Array.from(text.querySelectorAll("[data-s]"));
  const piece =
    pieces.find((p) => Number(p.dataset.s) <= offset && offset < Number(p.dataset.e)) ||
    pieces.find((p) => Number(p.dataset.e) === offset) ||
    pieces[pieces.length - 1];
  let left = offset - Number(piece.dataset.s);
  const walker = document.createTreeWalker(piece, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  for (let next = walker.nextNode(); next; next = walker.nextNode()) {
    const length = Array.from(node.data).length;
    if (left <= length) break;
    left -= length;
    node = next;
  }
  return [node, codePointToUtf16(node.data, left)];
}

function quoteOf(start, end) {
  return chars.slice(start, end).join("");
}

function shorten(quote) {
  const all = quote.split(/\s+/u);
  if (all.length <= SHOWN_WORDS) return quote;
  return `${all.slice(0, SHOWN_WORDS / 2).join(" ")} … ${all.slice(-SHOWN_WORDS / 2).join(" ")}`;
}

function paint() {
  const selection = document.getSelection();
  const [anchorNode, anchorOffset] = domPoint(anchor);
  const [focusNode, focusOffset] = domPoint(focus);
  selection.setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
  const point = document.createRange();
  point.setStart(focusNode, focusOffset);
  const box = point.getClientRects()[0] || focusNode.parentElement.getBoundingClientRect();
  caretMark.style.left = `${box.left + window.scrollX}px`;
  caretMark.style.top = `${box.top + window.scrollY}px`;
  caretMark.style.height = `${box.height || 18}px`;
  caretMark.hidden = false;
  caretMark.scrollIntoView({ block: "nearest" });
}

function describe() {
  const [start, end] = anchor <= focus ? [anchor, focus] : [focus, anchor];
  if (start === end) {
    const word = words.find(([s]) => s >= focus);
    return word ? `At “${quoteOf(...word)}”.` : "At the end of the text.";
  }
  const quote = quoteOf(start, end);
  const count = quote.split(/\s+/u).filter(Boolean).length;
  return `Selected ${count} ${count === 1 ? "word" : "words"}: “${shorten(quote)}”.`;
}

function wordAfter(offset, edge) {
  return words.find(([s, e]) => (edge === "start" ? s > offset : e > offset));
}

function wordBefore(offset) {
  return words.findLast(([s]) => s < offset);
}

function paragraphIndex(offset) {
  const index = paragraphs.findIndex(([, e]) => offset <= e);
  return index === -1 ? paragraphs.length - 1 : index;
}

/** Where the caret's moving end goes for `key`, extending (Shift) or not. */
function target(key, extend) {
  const length = chars.length;
  if (key === "ArrowRight") {
    const word = wordAfter(focus, extend ? "end" : "start");
    return word ? word[extend ? 1 : 0] : length;
  }
  if (key === "ArrowLeft") {
    const word = wordBefore(focus);
    return word ? word[0] : 0;
  }
  const here = paragraphIndex(focus);
  const [start, end] = paragraphs[here];
  if (key === "ArrowDown") {
    if (extend) return focus < end ? end : (paragraphs[here + 1] || paragraphs[here])[1];
    return (paragraphs[here + 1] || [length])[0];
  }
  if (focus > start) return start;
  return (paragraphs[here - 1] || [0])[0];
}

function startOffset() {
  const selection = document.getSelection();
  const current = text.querySelector("mark.current");
  if (current) return Number(current.dataset.s);
  if (selection && selection.rangeCount && text.contains(selection.anchorNode)) {
    const piece = selection.anchorNode.parentElement?.closest("[data-s]");
    if (piece) return Number(piece.dataset.s);
  }
  return words.length ? words[0][0] : 0;
}

function enter() {
  if (active) return;
  chars = Array.from(textBetween(text, 0, Number(text.dataset.length)));
  words = wordsOf(chars.join(""));
  paragraphs = paragraphsOf();
  if (!paragraphs.length) {
    announce("This article has no text to select.");
    return;
  }
  active = true;
  anchor = focus = startOffset();
  if (!caretMark) {
    caretMark = document.createElement("div");
    caretMark.className = "caret-mark";
    caretMark.setAttribute("aria-hidden", "true");
    document.body.append(caretMark);
  }
  text.classList.add("caret-mode");
  text.tabIndex = -1;
  // An application region puts screen readers in focus mode, so that the arrows reach this script.
  text.setAttribute("role", "application");
  text.setAttribute("aria-roledescription", "caret mode");
  text.setAttribute("aria-label", `Article text: ${HOW}`);
  text.focus({ preventScroll: true });
  text.addEventListener("focusout", leaveOnBlur);
  paint();
  announce(`Caret mode. ${describe()} ${HOW}.`);
}

function leave({ restoreFocus = true } = {}) {
  if (!active) return;
  active = false;
  text.removeEventListener("focusout", leaveOnBlur);
  text.classList.remove("caret-mode");
  for (const name of ["role", "aria-roledescription", "aria-label", "tabindex"]) text.removeAttribute(name);
  if (caretMark) caretMark.hidden = true;
  if (restoreFocus && startButton) startButton.focus();
  announce("Caret mode off.");
}

function leaveOnBlur(event) {
  if (!text.contains(event.relatedTarget)) leave({ restoreFocus: false });
}

function onKey(event) {
  const { key } = event;
  if (!active) {
    if (key === "c" && singleKeyShortcut(event)) {
      event.preventDefault();
      enter();
    }
    return;
  }
  if (event.metaKey) return;
  if (key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    leave();
  } else if (key === "Enter") {
    event.preventDefault();
    if (anchor === focus) {
      announce("Nothing is selected yet: hold Shift and press the right arrow to select words.", "error");
      return;
    }
    annotateForm.requestSubmit();
  } else if (["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"].includes(key)) {
    event.preventDefault();
    focus = target(key, event.shiftKey);
    if (!event.shiftKey) anchor = focus;
    paint();
    announce(describe(), "info", { shown: false });
  }
}

if (text && annotateForm) {
  // Captured on the window, so that the caret's keys are handled (and marked handled) before the
  // reader's own shortcuts see them.
  window.addEventListener("keydown", onKey, { capture: true });
  startButton = document.createElement("button");
  startButton.type = "button";
  startButton.className = "secondary";
  startButton.dataset.caretStart = "";
  startButton.textContent = "Select with keyboard";
  if (!shortcutsOff()) {
    const hint = document.createElement("kbd");
    hint.setAttribute("aria-hidden", "true");
    hint.textContent = "c";
    startButton.append(" ", hint);
  }
  startButton.addEventListener("click", enter);
  // On a line of its own: beside the Annotate button it would narrow the selection preview, which
  // then wraps (moving the text under the pointer) while a drag selects.
  const line = document.createElement("p");
  line.className = "caret-start";
  line.append(startButton);
  (annotateForm.querySelector(".annotate-row") || annotateForm.lastElementChild).after(line);
}
