// The claim panel's "Checked before" section: loads the list of similar claims into the panel
// (the panel is rendered without it, so its own queries stay few) and sends the editors' "same
// claim" buttons, answering the list again. The panel is swapped in and out by the reader, so new
// sections are found by watching the page.
import { announce, submitInPlace } from "./workbench.js";

const FRAGMENT = { "X-Fragment": "similar" };

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
  // Once per section: a second listener would send each form twice.
  if ("similarEnhanced" in section.dataset) return;
  section.dataset.similarEnhanced = "";
  for (const form of section.querySelectorAll("form[data-similar-form]")) {
    submitInPlace(form, {
      fragment: "similar",
      accepted: [200, 400],
      onAnswer: async (response) => {
        replace(section, await response.text());
        const notice = document.querySelector("section.similar-claims .notice");
        if (notice) announce(notice.textContent, response.ok ? "info" : "error", { shown: false });
      },
    });
  }
}

function scan(root) {
  for (const section of root.querySelectorAll("section[data-similar-url]")) {
    if (section.classList.contains("loaded")) enhance(section);
    else if (!("similarLoading" in section.dataset)) {
      load(section);
    }
  }
}

scan(document);
new MutationObserver(() => scan(document)).observe(document.body, { childList: true, subtree: true });
