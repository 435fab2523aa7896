/* "Die drei wichtigsten Schritte": the report's top_steps (netz.analysis.gaps.top_steps) as a short
 * numbered list that leads the gaps, each step with its urgency, the kind of gap it answers and
 * a button that shows that gap in the full list below (and on the map).
 *
 * NetzSteps.render(steps, { severityBadge, onShow }) returns the section's element;
 * onShow(findingId) is called when a step's button is pressed.
 */
"use strict";

window.NetzSteps = (() => {
  const { t, L, el, icon } = Netz;

  function render(steps, { severityBadge, onShow }) {
    return el("section", { class: "top-steps", "aria-labelledby": "top-steps-title" },
      el("h3", { id: "top-steps-title" }, t("topSteps")),
      el("p", { class: "intro" }, t("topStepsIntro")),
      el("ol", { class: "top-step-list" }, steps.map((step) => el("li", {
        class: "top-step", dataset: { finding: step.finding, kind: step.kind },
      },
      el("p", { class: "gap-head" }, severityBadge(step.severity), " ",
        el("span", { class: "gap-kind" }, L("kind", step.kind))),
      el("p", { class: "suggestion" }, icon("idea"), el("span", {}, Netz.inLang(step.text))),
      el("button", { type: "button", class: "quiet small", onclick: () => onShow(step.finding) },
        t("showGap"))))));
  }

  return { render };
})();
