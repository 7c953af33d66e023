// From a browser selection over the reader's text to a span in code points.
//
// The text is rendered as segments: elements carrying `data-s`/`data-e`, the code point offsets
// of their first and past-the-last character in the article's canonical text. Paragraph breaks
// are not in the page, only in the gaps between segments, so offsets never depend on how the
// browser lays out or serializes the text.

import { codePointLength, codePointToUtf16, sliceCodePoints, splitsPair } from "./offsets.js";

const SEGMENT = "[data-s]";

function segmentsOf(container) {
  return Array.from(container.querySelectorAll(SEGMENT));
}

/** The code point offset of the selection boundary (node, offset), UTF-16 `offset` in a text node. */
export function boundaryOffset(container, node, offset, edge) {
  if (node.nodeType === Node.TEXT_NODE) {
    const segment = node.parentElement && node.parentElement.closest(SEGMENT);
    if (segment && container.contains(segment)) {
      let units = offset;
      if (splitsPair(node.data, units)) units += edge === "end" ? 1 : -1;
      let before = "";
      const walker = document.createTreeWalker(segment, NodeFilter.SHOW_TEXT);
      for (let text = walker.nextNode(); text && text !== node; text = walker.nextNode()) before += text.data;
      return Number(segment.dataset.s) + codePointLength(before + node.data.slice(0, units));
    }
  }
  // A boundary between elements (or outside the text): the nearest segment edge on the inner side.
  const point = document.createRange();
  point.setStart(node, offset);
  const segments = segmentsOf(container);
  if (edge === "start") {
    const next = segments.find((segment) => point.comparePoint(segment, 0) >= 0);
    return next ? Number(next.dataset.s) : Number(container.dataset.length);
  }
  const previous = segments.filter((segment) => point.comparePoint(segment, segment.childNodes.length) <= 0).pop();
  return previous ? Number(previous.dataset.e) : 0;
}

/** The text from code point `start` to `end`, read from the segments (paragraph gaps are newlines). */
export function textBetween(container, start, end) {
  let text = "";
  let reached = null;
  for (const segment of segmentsOf(container)) {
    const s = Number(segment.dataset.s);
    const e = Number(segment.dataset.e);
    if (e <= start || s >= end) continue;
    if (reached !== null && s > reached) text += "\n".repeat(s - reached);
    text += sliceCodePoints(segment.textContent, Math.max(start, s) - s, Math.min(end, e) - s);
    reached = e;
  }
  return text;
}

const SPACE = /^\s$/u;

/**
 * The span a Range selects in `container`, as `{start, end, quote}` in code points with leading
 * and trailing white space left out; `null` when it selects nothing of the text.
 */
export function spanOfRange(container, range) {
  if (!range || range.collapsed || !range.intersectsNode(container)) return null;
  let start = boundaryOffset(container, range.startContainer, range.startOffset, "start");
  let end = boundaryOffset(container, range.endContainer, range.endOffset, "end");
  if (end <= start) return null;
  const characters = Array.from(textBetween(container, start, end));
  while (characters.length && SPACE.test(characters[0])) {
    characters.shift();
    start += 1;
  }
  while (characters.length && SPACE.test(characters[characters.length - 1])) {
    characters.pop();
    end -= 1;
  }
  if (!characters.length) return null;
  return { start, end, quote: characters.join("") };
}

/** The article's whole text as an array of code points (one entry per Python `str` index). */
export function codePointsOf(container) {
  return Array.from(textBetween(container, 0, Number(container.dataset.length)));
}

/**
 * `span` (`{start, end}` in code points of `chars`) with one edge moved by one word, a word being
 * a run of characters between white space: `edge` "start" or "end", `direction` -1 (earlier) or
 * 1 (later). `null` when the edge cannot move that way (the text's edge, or the span would hold
 * no word).
 */
export function stepSpan(chars, span, edge, direction) {
  const space = (index) => SPACE.test(chars[index]);
  let { start, end } = span;
  if (edge === "start" && direction < 0) {
    while (start > 0 && space(start - 1)) start -= 1;
    while (start > 0 && !space(start - 1)) start -= 1;
  } else if (edge === "start") {
    while (start < end && !space(start)) start += 1;
    while (start < end && space(start)) start += 1;
  } else if (direction > 0) {
    while (end < chars.length && space(end)) end += 1;
    while (end < chars.length && !space(end)) end += 1;
  } else {
    while (end > start && !space(end - 1)) end -= 1;
    while (end > start && space(end - 1)) end -= 1;
  }
  if (start >= end || (start === span.start && end === span.end)) return null;
  return { start, end, quote: chars.slice(start, end).join("") };
}

/** The DOM point of code point `offset`, inside the segment that holds it (`edge` "end": the
 * segment it closes, so that a span's end never lands in the next paragraph). */
function pointOf(container, offset, edge) {
  const segment = segmentsOf(container).find((candidate) => {
    const s = Number(candidate.dataset.s);
    const e = Number(candidate.dataset.e);
    return edge === "end" ? offset > s && offset <= e : offset >= s && offset < e;
  });
  if (!segment) return null;
  let left = offset - Number(segment.dataset.s);
  const walker = document.createTreeWalker(segment, NodeFilter.SHOW_TEXT);
  let last = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = codePointLength(node.data);
    if (left < length || (edge === "end" && left === length)) {
      return { node, offset: codePointToUtf16(node.data, left) };
    }
    left -= length;
    last = node;
  }
  return last ? { node: last, offset: last.data.length } : null;
}

/** A Range over code points `start`..`end` of the reader's text, or `null` when they are not in it. */
export function rangeOfSpan(container, start, end) {
  const first = pointOf(container, start, "start");
  const last = pointOf(container, end, "end");
  if (!first || !last) return null;
  const range = document.createRange();
  range.setStart(first.node, first.offset);
  range.setEnd(last.node, last.offset);
  return range;
}
