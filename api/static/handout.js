/* The alliance page's "Netzwerkbericht als PDF" button: the report to hand out (1–3 A4 pages).
 *
 * The key is sent in the Authorization header, never in an address, so the PDF is fetched here
 * (GET /api/v1/alliances/{id}/report.pdf, in the page's language and for the wave shown) and then
 * handed to the browser as a download. Funders do not get the button: the report names actors.
 * alliance.js says when a report is shown (the event "netz:shown", with whether it is a funder's
 * network-level view).
 */
"use strict";

(() => {
  const { t } = Netz;
  const allianceId = Number(location.pathname.split("/").filter(Boolean)[1]);
  const $ = (id) => document.getElementById(id);

  document.addEventListener("netz:shown", (event) => {
    $("handout").hidden = Boolean(event.detail.aggregate);
  });

  function say(text) {
    $("handout-status").textContent = text;
  }

  async function download() {
    const button = $("handout-button");
    const query = new URLSearchParams({ lang: Netz.lang });
    const wave = new URLSearchParams(location.search).get("wave");
    if (wave) query.set("wave", wave);
    button.disabled = true;
    say(t("handoutMaking"));
    try {
      let response;
      try {
        response = await fetch(`/api/v1/alliances/${allianceId}/report.pdf?${query}`, {
          headers: Netz.apiHeaders(Netz.getKey(), "application/pdf"),
        });
      } catch (e) {
        say(t("handoutFailed", { detail: t("unreachable") }));
        return;
      }
      if (!response.ok) {
        say(t("handoutFailed", { detail: (await Netz.refusal(response)).detail }));
        return;
      }
      const disposition = response.headers.get("Content-Disposition") || "";
      const file = (disposition.match(/filename="([^"]+)"/) || [])[1] || `netzwerkbericht-${allianceId}.pdf`;
      const address = URL.createObjectURL(await response.blob());
      const link = Netz.el("a", { href: address, download: file, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(address), 60_000);
      say(t("handoutDone", { file }));
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("handout-button").addEventListener("click", download);
  });
})();
