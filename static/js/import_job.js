// An import job's page: follows the job through the API until it is done or failed, then
// reloads the page, which shows the article or the reason. The texts of each state are the
// page's own (data-queued-text, data-running-text).

const box = document.getElementById("import-job");
const progress = document.getElementById("import-progress");
const FINISHED = ["done", "failed"];
let delay = 1000;

async function poll() {
  try {
    const response = await fetch(box.dataset.pollUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const job = await response.json();
      if (FINISHED.includes(job.status)) {
        window.location.reload();
        return;
      }
      if (job.status !== box.dataset.status) {
        box.dataset.status = job.status;
        const text = box.dataset[`${job.status}Text`];
        if (text && progress) progress.textContent = text;
      }
    }
  } catch {
    // A network hiccup: try again at the next turn.
  }
  delay = Math.min(delay * 1.25, 5000);
  window.setTimeout(poll, delay);
}

if (box && box.dataset.pollUrl) window.setTimeout(poll, delay);
