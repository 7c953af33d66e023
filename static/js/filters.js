// Filter forms marked `data-apply-on-change` apply as soon as a choice changes: a select or a
// checkbox at once, a text field when it is left or Enter is pressed. Their submit button stays for
// pages without the script. After the page reloads, focus returns to the field that was changed,
// so that a keyboard user keeps their place.

const FOCUS_KEY = "filters:refocus";

function refocus() {
  const wanted = sessionStorage.getItem(FOCUS_KEY);
  if (!wanted) return;
  sessionStorage.removeItem(FOCUS_KEY);
  const field = document.getElementById(wanted);
  if (field && field.closest("form[data-apply-on-change]")) field.focus();
}

for (const form of document.querySelectorAll("form[data-apply-on-change]")) {
  form.addEventListener("change", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLElement) || !field.name) return;
    if (field.id) sessionStorage.setItem(FOCUS_KEY, field.id);
    // A new filter starts again from the first page.
    const page = form.querySelector("input[name=page]");
    if (page) page.remove();
    form.requestSubmit();
  });
}

refocus();
