// Rules list: the enabled toggle PATCHes the rule; on failure the box flips back and says why.
import { readConfig } from "/static/js/live.js";
import { apiCall } from "./api.js";

const config = readConfig("rules-config");
const errorBox = document.getElementById("list-error");

for (const toggle of document.querySelectorAll(".enabled-toggle")) {
  toggle.addEventListener("change", async () => {
    const url = config.detailUrlTemplate.replace("{id}", toggle.dataset.ruleId);
    toggle.disabled = true;
    errorBox.hidden = true;
    try {
      const rule = await apiCall("PATCH", url, { enabled: toggle.checked });
      toggle.checked = rule.enabled;
    } catch (failure) {
      toggle.checked = !toggle.checked;
      errorBox.textContent = failure.body?.error || "Could not change the rule.";
      errorBox.hidden = false;
    } finally {
      toggle.disabled = false;
    }
  });
}
