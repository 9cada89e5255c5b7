// Idle timeout support: real input on a page (keys, clicks, touch, wheel) tells the server the person
// is still there, at most once a minute. Background polling of /api/v1/ never counts as activity,
// so an unattended screen is signed out after RTCC_IDLE_TIMEOUT_SECONDS (docs/authentication.md).

const PING_URL = "/accounts/activity/";
const MIN_INTERVAL_MS = 60 * 1000;
let lastPing = Date.now(); // loading this page was itself activity

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function ping() {
  if (Date.now() - lastPing < MIN_INTERVAL_MS) return;
  lastPing = Date.now();
  try {
    const response = await fetch(PING_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
    if (response.status === 401) {
      window.location.assign(`/accounts/login/?next=${encodeURIComponent(window.location.pathname)}`);
    }
  } catch (error) {
    console.warn("activity ping failed", error);
  }
}

for (const type of ["keydown", "pointerdown", "wheel", "touchstart"]) {
  window.addEventListener(type, ping, { passive: true, capture: true });
}
