// The claim panel: evidence rows that can be added and removed, forms that submit in place
// (the server answers the panel again, with its errors or its notice), and the verdict keys
// (Ctrl+Enter submits the verdict form).

import "./copy.js";
import { announce, submitInPlace } from "./workbench.js";

function renumber(rows) {
  let number = 0;
  for (const row of rows.querySelectorAll("[data-evidence-row]")) {
    if (row.hidden) continue;
    number += 1;
    const legend = row.querySelector("legend");
    if (legend) legend.textContent = `Evidence ${number}`;
  }
}

function enhanceEvidenceRow(row, rows) {
  const checkbox = row.querySelector("[data-delete-evidence]");
  if (!checkbox) return;
  const holder = checkbox.closest(".remove-evidence");
  if (checkbox.checked) row.hidden = true;
  holder.hidden = true;
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "link remove-row";
  remove.textContent = "Remove this evidence";
  remove.addEventListener("click", () => {
    checkbox.checked = true;
    row.hidden = true;
    renumber(rows);
    announce("Evidence removed. Save to keep the change.");
    const add = rows.parentElement.querySelector("[data-add-evidence]");
    if (add) add.focus();
  });
  row.append(remove);
}

function enhanceEvidence(fieldset) {
  const rows = fieldset.querySelector("[data-evidence-rows]");
  const template = fieldset.querySelector("template[data-evidence-template]");
  const total = fieldset.querySelector("input[name$='-TOTAL_FORMS']");
  const add = fieldset.querySelector("[data-add-evidence]");
  if (!rows || !template || !total || !add) return;
  for (const row of rows.querySelectorAll("[data-evidence-row]")) enhanceEvidenceRow(row, rows);
  add.hidden = false;
  add.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index)).replaceAll("__number__", String(index + 1));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const row = holder.querySelector("[data-evidence-row]");
    rows.append(row);
    total.value = String(index + 1);
    enhanceEvidenceRow(row, rows);
    renumber(rows);
    const first = row.querySelector("input, textarea, select");
    if (first) first.focus();
  });
  renumber(rows);
}

/** Ctrl+Enter (Cmd+Enter on a Mac), anywhere in the verdict form, submits it. */
function submitOnControlEnter(form) {
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.altKey) return;
    event.preventDefault();
    form.requestSubmit();
  });
}

/** Make the panel's forms and evidence rows work in place. `onSwap(body)` follows every new panel. */
export function enhancePanel(panel, onSwap = () => {}) {
  for (const fieldset of panel.querySelectorAll("[data-evidence]")) enhanceEvidence(fieldset);
  const verdict = verdictForm(panel);
  if (verdict) submitOnControlEnter(verdict);
  for (const form of panel.querySelectorAll("form[data-panel-form]")) {
    submitInPlace(form, {
      fragment: "panel",
      accepted: [200, 400, 409, 412],
      onAnswer: async (response) => {
        panel.innerHTML = await response.text();
        enhancePanel(panel, onSwap);
        onSwap(panel);
        focusAfterSave(panel, response.ok);
      },
    });
  }
}

function focusAfterSave(panel, ok) {
  if (ok) {
    const notice = panel.querySelector(".notice");
    if (notice) announce(notice.textContent.trim(), "success", { shown: false });
    const heading = panel.querySelector("#panel-title");
    if (heading) heading.focus();
    return;
  }
  const target =
    panel.querySelector(".conflict") ||
    panel.querySelector("[aria-invalid=true]") ||
    panel.querySelector(".has-error input, .form-errors");
  if (target) {
    if (!target.matches("input, textarea, select")) target.tabIndex = -1;
    target.focus();
  }
  announce("Nothing was saved: see the messages in the form.", "error", { shown: false });
}

function verdictForm(panel) {
  return panel.querySelector("#verdict-form");
}

/** `v`: open the verdict form and put the focus on its rating. Returns whether there is one. */
export function openVerdictForm(panel) {
  const form = verdictForm(panel);
  if (!form) return false;
  const details = form.closest("details");
  if (details) details.open = true;
  const radio = form.querySelector("input[name=rating]:checked") || form.querySelector("input[name=rating]");
  if (radio) radio.focus();
  return true;
}

/** `1`-`8`: choose the n-th rating in the verdict form. Returns the chosen label, or null. */
export function chooseRating(panel, number) {
  const form = verdictForm(panel);
  if (!form) return null;
  const radios = form.querySelectorAll("input[name=rating]");
  const radio = radios[number - 1];
  if (!radio) return null;
  const details = form.closest("details");
  if (details) details.open = true;
  radio.checked = true;
  radio.focus();
  const label = radio.closest("label");
  const text = label ? label.textContent.replace(/\d/g, "").trim() : radio.value;
  announce(`Rating: ${text}`);
  return text;
}
