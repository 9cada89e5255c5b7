// Verify screen: confirm, reject with a reason, or record the outcome through the REST actions;
// the page then reloads so everything on it comes from the server again.
import { readConfig } from "/static/js/live.js";

const config = readConfig("hit-config");
const errorBox = document.getElementById("hit-error");

function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

async function act(url, body, buttons) {
  showError("");
  for (const button of buttons) button.disabled = true;
  try {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `The server answered ${response.status}.`);
    window.location.reload();
  } catch (error) {
    showError(error.message);
    for (const button of buttons) button.disabled = false;
  }
}

const confirmButton = document.getElementById("hit-confirm");
const rejectForm = document.getElementById("hit-reject");
const outcomeForm = document.getElementById("hit-outcome");
const allButtons = [...document.querySelectorAll(".actions button")];

confirmButton?.addEventListener("click", () => act(config.confirmUrl, {}, allButtons));
rejectForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const reason = new FormData(rejectForm).get("reason");
  if (!reason) {
    showError("Choose why the hit is wrong before rejecting it.");
    return;
  }
  act(config.rejectUrl, { reason }, allButtons);
});
outcomeForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const outcome = new FormData(outcomeForm).get("outcome");
  if (!outcome) {
    showError("Choose what happened.");
    return;
  }
  act(config.outcomeUrl, { outcome }, allButtons);
});
