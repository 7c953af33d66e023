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

function csrfToken(form) {
  return form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

function nothingSaved(status) {
  if (status === 403) return "Your role in this project does not allow this. Nothing was saved.";
  if (status === 404) return "This claim no longer exists, or you are no longer a member of its project.";
  return `The server answered ${status}. Nothing was saved; reload the page and try again.`;
}

/**
 * Send `form` in place instead of loading a page: the server answers the `fragment` of the page
 * again. `onAnswer(response)` takes each answer whose status is `accepted` (the form's errors
 * among them); any other answer, or none, is announced as nothing saved. The submit button is
 * disabled while the form is on its way.
 */
export function submitInPlace(form, { fragment, accepted, onAnswer }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Fragment": fragment, "X-CSRFToken": csrfToken(form) },
        credentials: "same-origin",
      });
      if (!accepted.includes(response.status)) {
        announce(nothingSaved(response.status), "error");
        return;
      }
      await onAnswer(response);
    } catch {
      announce("The server could not be reached. Nothing was saved; try again.", "error");
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  });
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
