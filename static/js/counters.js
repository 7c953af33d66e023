// Counters under the fields that have a length limit (data-maxlength, set by the page forms in
// place of maxlength, so that a long paste is kept whole and the server's message says what is
// too long instead of the browser cutting it off unseen).
//
// The counter is read with its field (aria-describedby) and is not itself live: a screen reader
// hears, through one polite live region per field, only when the text comes near the limit,
// goes over it, or comes back within it, a second after typing stops.

const NEAR = 0.9;
const QUIET_MS = 1000;
const numbers = new Intl.NumberFormat("en");

// The length the server counts: code points, with each line break sent as CR LF.
function lengthOf(value) {
  let length = 0;
  for (const character of value) length += character === "\n" ? 2 : 1;
  return length;
}

function stateOf(length, limit) {
  if (length > limit) return "over";
  return length >= limit * NEAR ? "near" : "within";
}

function describe(length, limit) {
  if (length > limit) {
    return `${numbers.format(length)} / ${numbers.format(limit)} characters: ${numbers.format(length - limit)} over the limit`;
  }
  return `${numbers.format(length)} / ${numbers.format(limit)} characters`;
}

function announcement(state, length, limit) {
  if (state === "over") return `${numbers.format(length - limit)} characters over the limit of ${numbers.format(limit)}.`;
  if (state === "near") return `${numbers.format(limit - length)} characters left.`;
  return `Within the limit of ${numbers.format(limit)} characters.`;
}

function isFiltering(field) {
  return Boolean(field.closest("form[role=search], .filters"));
}

function attach(field) {
  if (field.dataset.counted || field.type === "hidden" || isFiltering(field)) return;
  const limit = Number(field.dataset.maxlength);
  if (!limit || !field.id) return;
  field.dataset.counted = "true";

  const counter = document.createElement("span");
  counter.className = "counter";
  counter.id = `${field.id}_counter`;
  const live = document.createElement("span");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  field.after(counter, live);
  const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  field.setAttribute("aria-describedby", [...described, counter.id].join(" "));

  let announced = stateOf(lengthOf(field.value), limit);
  let timer = null;
  const update = () => {
    const length = lengthOf(field.value);
    const state = stateOf(length, limit);
    counter.textContent = describe(length, limit);
    counter.classList.toggle("over", state === "over");
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (state === announced) return;
      announced = state;
      live.textContent = announcement(state, length, limit);
    }, QUIET_MS);
  };
  field.addEventListener("input", update);
  update();
}

function attachWithin(root) {
  if (root.matches?.("[data-maxlength]")) attach(root);
  for (const field of root.querySelectorAll?.("[data-maxlength]") ?? []) attach(field);
}

attachWithin(document);
// Panels and evidence rows arrive after the page has loaded.
new MutationObserver((changes) => {
  for (const change of changes) for (const node of change.addedNodes) if (node.nodeType === 1) attachWithin(node);
}).observe(document.body, { childList: true, subtree: true });
