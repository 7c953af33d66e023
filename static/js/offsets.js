// Offsets: the API counts Unicode code points (Python str indices); JavaScript strings count
// UTF-16 code units, where a character outside the Basic Multilingual Plane (most emoji) takes
// two units, a surrogate pair. Everything the page sends to the server is converted here.

const isHigh = (unit) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit) => unit >= 0xdc00 && unit <= 0xdfff;

/** Whether UTF-16 index `index` of `text` falls between the two halves of a surrogate pair. */
export function splitsPair(text, index) {
  return index > 0 && index < text.length && isHigh(text.charCodeAt(index - 1)) && isLow(text.charCodeAt(index));
}

/** The number of code points in `text` (a lone surrogate counts as one, as in Python). */
export function codePointLength(text) {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) i += 1;
    count += 1;
  }
  return count;
}

/**
 * The code point offset of UTF-16 index `index` in `text`. An index inside a surrogate pair is
 * moved off it: back for the start of a span (`"start"`), forward for its end (`"end"`).
 */
export function utf16ToCodePoint(text, index, edge = "start") {
  let units = Math.max(0, Math.min(index, text.length));
  if (splitsPair(text, units)) units += edge === "end" ? 1 : -1;
  return codePointLength(text.slice(0, units));
}

/** The UTF-16 index of code point offset `offset` in `text`. */
export function codePointToUtf16(text, offset) {
  let units = 0;
  for (let n = 0; n < offset && units < text.length; n += 1) {
    units += isHigh(text.charCodeAt(units)) && isLow(text.charCodeAt(units + 1)) ? 2 : 1;
  }
  return units;
}

/** `text` from code point `start` to code point `end` (exclusive), like Python's text[start:end]. */
export function sliceCodePoints(text, start, end) {
  return text.slice(codePointToUtf16(text, start), codePointToUtf16(text, end));
}
