// The claim panel's "Checked before" section: loads the list of similar claims into the panel
// (the panel is rendered without it, so its own queries stay few) and sends the editors' "same
// claim" buttons, answering the list again. The panel is swapped in and out by the reader, so new
// sections are found by watching the page.
import { announce } from "./workbench.js";

const FRAGMENT = { "X-Fragment": "similar" };

function csrfToken(form) {
  return form.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "";
}

async function load(section) {
  section.dataset.similarLoading = "";
  try {
    const response = await fetch(section.dataset.similarUrl, { headers: FRAGMENT, credentials: "same-origin" });
    if (!response.ok) return;
    replace(section, await response.text());
  } catch {
    // The link in the section still leads to the list.
  }
}

function replace(section, html) {
  const holder = document.createElement("div");
  holder.innerHTML = html;
  const fresh = holder.querySelector("section[data-similar-url]");
  if (!fresh) return;
  section.replaceWith(fresh);
  enhance(fresh);
}

function enhance(section) {
  for (const form of section.querySelectorAll("form[data-similar-form]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: new FormData(form),
          headers: { ...FRAGMENT, "X-CSRFToken": csrfToken(form) },
          credentials: "same-origin",
        });
        if (![200, 400].includes(response.status)) {
          announce(`Not saved: the server answered ${response.status}.`, "error");
          return;
        }
        replace(section, await response.text());
        const notice = document.querySelector("section.similar-claims .notice");
        if (notice) announce(notice.textContent, response.ok ? "info" : "error", { shown: false });
      } catch {
        announce("The server could not be reached. Nothing was saved; try again.", "error");
      } finally {
        if (button && button.isConnected) button.disabled = false;
      }
    });
  }
}

function scan(root) {
  for (const section of root.querySelectorAll("section[data-similar-url]")) {
    if (section.classList.contains("loaded")) {
      if (!("similarEnhanced" in section.dataset)) {
        section.dataset.similarEnhanced = "";
        enhance(section);
      }
    } else if (!("similarLoading" in section.dataset)) {
      load(section);
    }
  }
}

scan(document);
new MutationObserver(() => scan(document)).observe(document.body, { childList: true, subtree: true });
