// Copy buttons: `<button data-copy="ID" hidden>` copies the text of the element with that id (a
// read-only textarea, such as a claim's ClaimReview snippet). The buttons stay hidden without
// this script, where the text can still be selected and copied by hand; panels loaded into the
// page later get theirs shown too.

import { announce } from "./workbench.js";

const BUTTONS = "button[data-copy]";

function showButtons() {
  for (const button of document.querySelectorAll(`${BUTTONS}[hidden]`)) button.hidden = false;
}

async function copy(button) {
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const text = "value" in source ? source.value : source.textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard API (a page not served over https) or no permission: select the text for the
    // person to copy, trying the older command on the way.
    source.focus();
    if (typeof source.select === "function") source.select();
    if (!document.execCommand("copy")) {
      announce("The browser did not allow copying: the text is selected, copy it with the keyboard.", "error");
      return;
    }
  }
  announce("Copied to the clipboard.", "success");
}

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest(BUTTONS) : null;
  if (button) copy(button);
});
showButtons();
new MutationObserver(showButtons).observe(document.body, { childList: true, subtree: true });
