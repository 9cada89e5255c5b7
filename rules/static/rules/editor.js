// Rule editor: builds the form from the catalogue, sends the rule JSON to the API (which alone
// validates it) and shows each error next to the field its path names ("conditions[1].field").
import { readConfig } from "/static/js/live.js";
import { apiCall } from "./api.js";

const config = readConfig("editor-config");
const catalogue = config.catalogue;
const $ = (id) => document.getElementById(id);
const form = $("rule-form");
const conditionsBox = $("conditions");
const OP_LABELS = { eq: "is", in: "in", not_in: "not in", lte: "≤", gte: "≥", contains: "contains" };
let ruleId = config.ruleId;

function option(value, label, selected) {
  const element = document.createElement("option");
  element.value = value;
  element.textContent = label;
  element.selected = selected;
  return element;
}

function triggerInfo() {
  return catalogue.triggers.find((t) => t.value === $("rule-trigger").value) || catalogue.triggers[0];
}

function fieldType(name) {
  return triggerInfo().fields.find((f) => f.name === name)?.type || "str";
}

function fillOps(select, field, current) {
  const type = fieldType(field);
  select.replaceChildren(
    ...catalogue.operators.filter((op) => op.types.includes(type)).map((op) => option(op.value, OP_LABELS[op.value] || op.value, op.value === current)),
  );
}

function errorSlot(path) {
  const slot = document.createElement("p");
  slot.className = "field-error";
  slot.dataset.errorFor = path;
  slot.hidden = true;
  return slot;
}

function renumber() {
  [...conditionsBox.children].forEach((row, index) => {
    for (const part of ["field", "op", "value"]) row.querySelector(`[data-part=${part}-error]`).dataset.errorFor = `conditions[${index}].${part}`;
    row.querySelector(".remove").setAttribute("aria-label", `Remove condition ${index + 1}`);
  });
}

function addCondition(condition = { field: triggerInfo().fields[0].name, op: "eq", value: "" }) {
  const row = document.createElement("div");
  row.className = "condition-row";
  const field = document.createElement("select");
  field.className = "cond-field";
  field.setAttribute("aria-label", "Field");
  const known = triggerInfo().fields.some((f) => f.name === condition.field);
  field.replaceChildren(...triggerInfo().fields.map((f) => option(f.name, f.name, f.name === condition.field)));
  if (!known && condition.field) field.append(option(condition.field, condition.field, true));
  const op = document.createElement("select");
  op.className = "cond-op";
  op.setAttribute("aria-label", "Operator");
  fillOps(op, field.value, condition.op);
  const value = document.createElement("input");
  value.className = "cond-value";
  value.setAttribute("aria-label", "Value");
  value.value = Array.isArray(condition.value) ? condition.value.join(", ") : String(condition.value ?? "");
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "remove secondary";
  remove.textContent = "×";
  remove.addEventListener("click", () => { row.remove(); renumber(); });
  field.addEventListener("change", () => fillOps(op, field.value, op.value));
  const errors = document.createElement("div");
  errors.className = "row-errors";
  for (const part of ["field", "op", "value"]) {
    const slot = errorSlot("");
    slot.dataset.part = `${part}-error`;
    errors.append(slot);
  }
  row.append(field, op, value, remove, errors);
  conditionsBox.append(row);
  renumber();
}

function parseScalar(text, type) {
  const trimmed = text.trim();
  if (type === "int" && /^-?\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  if (type === "number" && trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return trimmed; // the server says what is wrong with it
}

function collect() {
  const conditions = [...conditionsBox.children].map((row) => {
    const field = row.querySelector(".cond-field").value;
    const op = row.querySelector(".cond-op").value;
    const text = row.querySelector(".cond-value").value;
    const type = fieldType(field);
    const takesList = catalogue.operators.find((o) => o.value === op)?.takes_list;
    const value = takesList ? text.split(",").map((part) => parseScalar(part, type)).filter((v) => v !== "") : parseScalar(text, type);
    return { field, op, value };
  });
  const group = $("audience-group").checked;
  const users = $("audience-users").value.split(",").map((u) => u.trim()).filter(Boolean);
  const roles = [...document.querySelectorAll("#audience-roles input:checked")].map((input) => input.value);
  const cameras = $("attach-cameras").value.trim();
  return {
    name: $("rule-name").value,
    enabled: $("rule-enabled").checked,
    trigger: $("rule-trigger").value,
    conditions,
    match_all: $("rule-match-all").checked,
    actions: {
      raise_alert: { priority: Number($("alert-priority").value), title: $("alert-title").value },
      audience: group ? { roles, users } : "ops",
      attach_cameras: cameras === "" ? 0 : /^\d+$/.test(cameras) ? Number(cameras) : cameras,
      open_correlation: $("open-correlation").checked,
    },
  };
}

function clearErrors() {
  for (const slot of form.querySelectorAll(".field-error")) { slot.hidden = true; slot.textContent = ""; }
  for (const box of form.querySelectorAll(".has-error")) box.classList.remove("has-error");
  $("form-error").hidden = true;
  $("form-ok").hidden = true;
}

function slotFor(path) {
  // The most specific slot whose path the error's path starts with: "conditions[0].value[2]" -> "conditions[0].value".
  let candidate = path;
  while (candidate) {
    const slot = form.querySelector(`.field-error[data-error-for="${CSS.escape(candidate)}"]`);
    if (slot) return slot;
    candidate = candidate.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    if (candidate === path) break;
  }
  return null;
}

function showErrors(body) {
  const details = body.details && typeof body.details === "object" && !Array.isArray(body.details) ? body.details : {};
  if (!Object.keys(details).length && body.error) {
    const match = /^([\w.[\]]+): (.*)$/.exec(body.error);
    if (match) details[match[1]] = match[2];
  }
  const unplaced = [];
  for (const [path, message] of Object.entries(details)) {
    const slot = slotFor(path);
    if (!slot) { unplaced.push(`${path}: ${message}`); continue; }
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    slot.hidden = false;
    (slot.closest(".field") || slot.closest(".condition-row"))?.classList.add("has-error");
  }
  $("form-error").textContent = body.error || "The rule has problems; see the fields marked.";
  if (unplaced.length) $("form-error").textContent += ` (${unplaced.join("; ")})`;
  $("form-error").hidden = false;
  (form.querySelector(".field-error:not([hidden])") || $("form-error")).scrollIntoView({ block: "center" });
}

function renderDryRun(result) {
  const list = $("dry-run-matches");
  $("dry-run-status").textContent =
    `${result.match_count} match${result.match_count === 1 ? "" : "es"} among ${result.sources_evaluated} ` +
    `${triggerInfo().value.replace("_", " ")} source${result.sources_evaluated === 1 ? "" : "s"} of the last ${result.hours} h` +
    (result.truncated ? " (first 500 shown)." : ".");
  list.replaceChildren(
    ...result.matches.map((match) => {
      const item = document.createElement("li");
      const time = document.createElement("time");
      time.dateTime = match.at;
      time.textContent = new Date(match.at).toLocaleString();
      const title = document.createElement("strong");
      title.textContent = match.title;
      const detail = document.createElement("span");
      detail.className = "muted";
      detail.textContent = `${match.summary} · ${match.event_type} #${match.seq}`;
      item.append(time, title, detail);
      return item;
    }),
  );
}

async function dryRun() {
  clearErrors();
  $("dry-run-status").textContent = "Running…";
  $("dry-run-matches").replaceChildren();
  try {
    renderDryRun(await apiCall("POST", `${config.dryRunUrl}?hours=24`, collect()));
  } catch (failure) {
    $("dry-run-status").textContent = "The rule must be valid before it can be dry-run.";
    showErrors(failure.body || {});
  }
}

async function save(event) {
  event.preventDefault();
  clearErrors();
  const url = ruleId ? config.detailUrlTemplate.replace("{id}", ruleId) : config.listUrl;
  try {
    const rule = await apiCall(ruleId ? "PUT" : "POST", url, collect());
    ruleId = rule.id;
    history.replaceState(null, "", config.editUrlTemplate.replace("{id}", rule.id));
    $("form-ok").textContent = `Saved “${rule.name}”${rule.enabled ? "" : " (disabled)"}.`;
    $("form-ok").hidden = false;
  } catch (failure) {
    showErrors(failure.body || {});
  }
}

function showAudience() {
  $("audience-group-box").hidden = !$("audience-group").checked;
}

function titleHelp() {
  $("title-help").textContent = `Placeholders: ${["rule", ...triggerInfo().fields.map((f) => f.name)].map((n) => `{${n}}`).join(" ")}`;
}

function load(rule) {
  $("rule-trigger").replaceChildren(...catalogue.triggers.map((t) => option(t.value, t.label, t.value === rule.trigger)));
  $("alert-priority").replaceChildren(...catalogue.priorities.map((p) => option(p, `P${p}`, p === rule.actions.raise_alert.priority)));
  $("rule-name").value = rule.name;
  $("rule-enabled").checked = rule.enabled;
  $("rule-match-all").checked = rule.match_all;
  $("alert-title").value = rule.actions.raise_alert.title || "";
  $("attach-cameras").value = rule.actions.attach_cameras ?? 0;
  $("open-correlation").checked = Boolean(rule.actions.open_correlation);
  const audience = rule.actions.audience;
  const group = audience && audience !== "ops";
  $(group ? "audience-group" : "audience-ops").checked = true;
  $("audience-roles").replaceChildren(
    ...catalogue.roles.map((role) => {
      const label = document.createElement("label");
      label.className = "check";
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = role;
      input.checked = Boolean(group && audience.roles?.includes(role));
      label.append(input, ` ${role}`);
      return label;
    }),
  );
  $("audience-users").value = group ? (audience.users || []).join(", ") : "";
  conditionsBox.replaceChildren();
  for (const condition of rule.conditions) addCondition(condition);
  showAudience();
  titleHelp();
}

$("rule-trigger").addEventListener("change", () => {
  conditionsBox.replaceChildren();
  addCondition();
  titleHelp();
});
$("add-condition").addEventListener("click", () => addCondition());
$("dry-run").addEventListener("click", dryRun);
for (const radio of document.querySelectorAll("input[name=audience]")) radio.addEventListener("change", showAudience);
form.addEventListener("submit", save);
load(config.rule);
