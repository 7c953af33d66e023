// A disagreement's page: evidence rows of the adjudication form that can be added and removed
// (the claim panel's own code), and the focus on what a refused action says.

import { enhancePanel } from "./panel.js";

const adjudication = document.querySelector("[data-adjudication]");
if (adjudication) enhancePanel(adjudication);

const problem = document.querySelector("[data-conflict], .form-errors, [aria-invalid=true]");
if (problem) {
  if (!problem.matches("input, textarea, select")) problem.tabIndex = -1;
  problem.focus();
}
