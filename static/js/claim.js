// The claim's own page: the panel's forms work in place, and `v`/`1`-`8` reach the verdict form.

import { chooseRating, enhancePanel, openVerdictForm } from "./panel.js";
import { singleKeyShortcut } from "./workbench.js";

const panel = document.querySelector("[data-claim-panel]");

if (panel) {
  enhancePanel(panel);
  document.addEventListener("keydown", (event) => {
    if (!singleKeyShortcut(event)) return;
    if (event.key === "v" && openVerdictForm(panel)) event.preventDefault();
    else if (/^[1-8]$/.test(event.key) && chooseRating(panel, Number(event.key))) event.preventDefault();
  });
}
