// Every page: the shortcut list (`?`, unless the person turned single-key shortcuts off) and a
// polite live region for messages.

/** Whether a key press belongs to a text field (or carries a modifier) rather than to a shortcut. */
export function isTyping(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target;
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  if (target.closest("textarea, select")) return true;
  const input = target.closest("input");
  return Boolean(input) && !["radio", "checkbox", "button", "submit", "reset"].includes(input.type);
}

/**
 * Whether the person turned single-key shortcuts off in their preferences (WCAG 2.1.4): every
 * single-key handler checks it; keys with a modifier, Escape and the buttons work either way.
 */
export function shortcutsOff() {
  return document.body.dataset.shortcuts === "off";
}

/**
 * Whether a key press is for a page shortcut: not typing, not already handled, no dialog open,
 * and, for a single character, shortcuts not turned off. Every page's key handler asks this.
 */
export function singleKeyShortcut(event) {
  if (shortcutsOff() && event.key.length === 1) return false;
  return !isTyping(event) && !event.defaultPrevented && !document.querySelector("dialog[open]");
}

/**
 * Say `text` in the page's live region, which screen readers announce; `shown: false` when the
 * page already shows it where the person is looking.
 */
export function announce(text, kind = "info", { shown = true } = {}) {
  const live = document.getElementById("live");
  if (!live) return;
  live.replaceChildren();
  const message = document.createElement("p");
  message.className = `message ${kind}${shown ? "" : " visually-hidden"}`;
  message.textContent = text;
  live.append(message);
}

function showShortcuts() {
  const dialog = document.getElementById("shortcuts");
  if (dialog && !dialog.open) dialog.showModal();
}

document.addEventListener("keydown", (event) => {
  if (event.key === "?" && singleKeyShortcut(event)) {
    event.preventDefault();
    showShortcuts();
  }
});

for (const button of document.querySelectorAll("[data-show-shortcuts]")) {
  button.addEventListener("click", showShortcuts);
}
