// The alert panel's dialogs: resolve (disposition + note), notes (append-only history), mute (type or source).
import { escapeText } from "/static/js/live.js";
import { postJson, runDialog, urlFor } from "./ops_alert_tools.js";

export function openResolveDialog(panel, alert) {
  const dialog = panel.root.querySelector("#alert-resolve-dialog");
  runDialog(dialog, {
    prepare: () => {
      dialog.querySelector("[data-alert-title]").textContent = alert.title;
    },
    submit: async (form) => {
      const result = await panel.act(alert, "resolve", { disposition: form.get("disposition"), note: form.get("note") });
      return result.ok ? null : result.body.error;
    },
  });
}

export async function openNotesDialog(panel, alert) {
  const dialog = panel.root.querySelector("#alert-notes-dialog");
  const list = dialog.querySelector("[data-notes]");
  list.innerHTML = "<li>Loading…</li>";
  const canWork = Boolean(panel.config.canWorkAlerts);
  dialog.querySelector("[data-note-input]").hidden = !canWork;
  runDialog(dialog, {
    prepare: () => {
      dialog.querySelector("[data-alert-title]").textContent = alert.title;
    },
    submit: async (form) => {
      if (!canWork) return null;
      const result = await postJson(urlFor(panel.config.alertActionUrlTemplate, alert.id).replace("{action}", "notes"), {
        text: form.get("text"),
      });
      if (!result.ok) return result.body.error;
      panel.upsert(result.body);
      panel.render();
      return null;
    },
  });
  try {
    const detail = await panel.fetchJson(urlFor(panel.config.alertDetailUrlTemplate, alert.id));
    list.innerHTML = detail.notes.length
      ? detail.notes
          .map((n) => `<li><b>${escapeText(n.author.username)}</b> ${escapeText(new Date(n.created_at).toLocaleTimeString())}: ${escapeText(n.text)}</li>`)
          .join("")
      : "<li class=\"muted\">No notes yet.</li>";
  } catch (error) {
    list.innerHTML = '<li class="muted">Notes unavailable.</li>';
  }
}

export function openMuteDialog(panel, { type = "", source_key: sourceKey = "" }) {
  const dialog = panel.root.querySelector("#alert-mute-dialog");
  runDialog(dialog, {
    prepare: (form) => {
      form.elements.type.value = sourceKey ? "" : type;
      form.elements.source_key.value = sourceKey;
      const hours = Math.min(1, panel.config.alertMuteMaxHours || 12);
      form.elements.hours.value = String(hours);
      form.elements.hours.max = String(panel.config.alertMuteMaxHours || 12);
    },
    submit: async (form) => {
      const hours = Number(form.get("hours"));
      if (!(hours > 0)) return "expires_at: give a duration in hours";
      const expiresAt = new Date(Date.now() + hours * 3600 * 1000).toISOString();
      const result = await postJson(panel.config.alertMuteCreateUrl, {
        type: form.get("type"),
        source_key: form.get("source_key"),
        reason: form.get("reason"),
        expires_at: expiresAt,
      });
      if (!result.ok) return result.body.error;
      panel.upsertMute(result.body);
      panel.renderMutes();
      return null;
    },
  });
}
