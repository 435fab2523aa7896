/* The survey section of the alliance page (coordinators and admins): start a survey, hand out the
 * personal links (list, CSV, letters with QR codes), watch the response, extend, choose how the
 * answers are merged, add missing partners, close the survey as the alliance's new wave. */
"use strict";

(() => {
  const { t, el } = Netz;
  const allianceId = Number(location.pathname.split("/").filter(Boolean)[1]);
  const body = () => document.getElementById("survey-admin-body");

  async function send(method, path, json, extra = {}) {
    const response = await fetch(path, {
      method, headers: { Authorization: `Bearer ${Netz.getKey()}`, Accept: "application/json",
        ...(json ? { "Content-Type": "application/json" } : {}), ...extra },
      body: json ? JSON.stringify(json) : undefined,
    });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Netz.ApiError(response.status, detail);
    }
    return response;
  }

  async function etag() {
    return (await send("GET", `/api/v1/alliances/${allianceId}`)).headers.get("ETag");
  }

  function problem(error) {
    body().prepend(el("p", { class: "notice", role: "alert" }, error.message || String(error)));
  }

  async function download(path, open) {
    const blob = await (await send("GET", path)).blob();
    const url = URL.createObjectURL(blob);
    if (open) window.open(url, "_blank", "noopener");
    else el("a", { href: url, download: `survey-links.csv` }).click();
  }

  function field(id, label, input) {
    return el("div", {}, el("label", { for: id }, t(label)), input);
  }

  function startForm() {
    const inAMonth = new Date(Date.now() + 28 * 864e5).toISOString().slice(0, 10);
    const form = el("form", { id: "survey-start" },
      field("survey-wave", "survey_admin_wave", el("input", { id: "survey-wave", required: true, value: String(new Date().getFullYear()) })),
      field("survey-closes", "survey_admin_closes", el("input", { id: "survey-closes", type: "date", required: true, value: inAMonth })),
      field("survey-rule", "survey_admin_rule", el("select", { id: "survey-rule" },
        ["union", "confirmed"].map((rule) => el("option", { value: rule }, t(`survey_admin_rule_${rule}`))))),
      el("label", { class: "inline" }, el("input", { type: "checkbox", id: "survey-reconstruct" }), " ", t("survey_admin_reconstruct")),
      el("button", { type: "submit" }, t("survey_admin_start")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await send("POST", `/api/v1/alliances/${allianceId}/surveys`, {
          wave: document.getElementById("survey-wave").value.trim(),
          closes_at: `${document.getElementById("survey-closes").value}T23:59:59Z`,
          rule: document.getElementById("survey-rule").value,
          reconstruct: document.getElementById("survey-reconstruct").checked,
        }, { "If-Match": await etag() });
        await render();
      } catch (error) { problem(error); }
    });
    return form;
  }

  async function openSurvey(survey) {
    const links = await (await send("GET", `/api/v1/surveys/${survey.id}/links`)).json();
    const rate = t("survey_admin_rate", { answered: survey.answered, asked: survey.roster_size, rate: Netz.percent(survey.response_rate) });
    const reminder = survey.reminder[Netz.lang.startsWith("de") ? "de" : "en"];
    const close = el("button", { type: "button", id: "survey-close" }, t("survey_admin_close"));
    close.addEventListener("click", async () => {
      if (!window.confirm(t("survey_admin_close_confirm"))) return;
      try {
        const result = await (await send("POST", `/api/v1/alliances/${allianceId}/surveys/${survey.id}/close`, null,
          { "If-Match": await etag() })).json();
        const said = [t("survey_admin_closed", { wave: result.wave, ties: result.n_ties })];
        if (result.diff) said.push(t("survey_admin_diff", { previous: result.previous_wave,
          gained: result.diff.ties_gained.length, lost: result.diff.ties_lost.length }));
        body().replaceChildren(el("p", { class: "notice good", role: "status", id: "survey-closed" }, said.join(" ")));
      } catch (error) { problem(error); }
    });
    const extend = el("form", { id: "survey-extend" },
      field("survey-extend-date", "survey_admin_extend", el("input", { id: "survey-extend-date", type: "date", required: true,
        value: survey.closes_at.slice(0, 10) })),
      el("button", { type: "submit" }, t("survey_admin_save")));
    extend.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await send("PATCH", `/api/v1/surveys/${survey.id}`, { closes_at: `${document.getElementById("survey-extend-date").value}T23:59:59Z` });
        await render();
      } catch (error) { problem(error); }
    });
    return [
      el("h3", {}, survey.wave),
      el("p", { id: "survey-rate", role: "status" }, rate),
      survey.caveats.length ? el("p", { class: "notice" }, t(survey.caveats[0].message, { rate: Netz.percent(survey.response_rate) })) : null,
      el("h4", {}, t("survey_admin_by_type")),
      el("ul", { class: "plain" }, survey.by_type.map((row) => el("li", {}, `${Netz.L("type", row.type)}: ${row.answered}/${row.asked}`))),
      el("h4", {}, t("survey_admin_not_answered")),
      el("p", {}, survey.not_answered.map((a) => a.name).join(", ") || "—"),
      el("label", { for: "survey-reminder" }, t("survey_admin_reminder")),
      el("textarea", { id: "survey-reminder", rows: 4, cols: 60, readonly: true }, reminder),
      survey.missing_partners?.length ? [el("h4", {}, t("survey_admin_missing")),
        el("ul", { class: "plain" }, survey.missing_partners.map((m) => el("li", {}, m.text)))] : null,
      el("details", {}, el("summary", {}, t("survey_admin_links")),
        el("ul", { class: "plain links", id: "survey-links" }, links.map((link) => el("li", {},
          el("strong", {}, link.name), " ", el("span", {}, link.link), " ",
          el("button", { type: "button", class: "quiet", onclick: async () => {
            try { await send("POST", `/api/v1/surveys/${survey.id}/links/${encodeURIComponent(link.actor)}`); await render(); }
            catch (error) { problem(error); }
          } }, t("survey_admin_reissue")))))),
      el("div", { class: "survey-actions" },
        el("button", { type: "button", class: "quiet", onclick: () => download(`/api/v1/surveys/${survey.id}/links?format=csv`).catch(problem) }, t("survey_admin_csv")),
        el("button", { type: "button", class: "quiet", onclick: () => download(`/api/v1/surveys/${survey.id}/letters`, true).catch(problem) }, t("survey_admin_letters"))),
      extend,
      close,
    ];
  }

  async function render() {
    const surveys = await (await send("GET", `/api/v1/alliances/${allianceId}/surveys`)).json();
    const open = surveys.find((s) => s.state === "open");
    const full = open ? await (await send("GET", `/api/v1/surveys/${open.id}`)).json() : null;
    const parts = full ? await openSurvey(full) : [el("p", {}, t("survey_admin_none")), startForm()];
    body().replaceChildren(...parts.flat().filter(Boolean));
    Netz.applyI18n(document.getElementById("survey-admin"));
  }

  async function setup() {
    if (!Netz.getKey() || !Number.isInteger(allianceId)) return;
    try {
      const key = await Netz.api("/api/v1/keys/current");
      if (!["admin", "coordinator"].includes(key.role)) return;
      document.getElementById("survey-admin").hidden = false;
      await render();
      Netz.onLang(() => render().catch(problem));
    } catch (error) { /* the alliance page says what went wrong */ }
  }

  document.addEventListener("DOMContentLoaded", setup);
})();
