"""HTML to PDF, for reports to hand out (WeasyPrint, the optional extra ``netz[pdf]``).

WeasyPrint lays out the HTML and CSS itself (with Pango for the text), without a browser. The
documents netz prints carry everything inline (styles, SVG charts), so the URL fetcher fetches
nothing: a name or a text in the data that looks like a link or a stylesheet can never make the
server read a file or ask another machine.
"""

from __future__ import annotations

from typing import NoReturn

from netz.core.errors import NetzError, Phrase, require

__all__ = ["FEATURE", "pdf"]

FEATURE = "error.feature.report_pdf"


def pdf(html: str) -> bytes:
    """The PDF (tagged, in the document's language) of an HTML document whose styles and images
    are all inline.

    Raises :class:`~netz.core.errors.NotInstalledError` without WeasyPrint, and a
    :class:`~netz.core.errors.NetzError` when WeasyPrint is installed but the system's Pango library
    it needs is missing (Debian: ``apt-get install libpango-1.0-0 libpangoft2-1.0-0``).
    """
    require("weasyprint", extra="pdf", feature=FEATURE)
    try:
        import weasyprint
    except OSError as error:  # WeasyPrint finds Pango at import time
        raise NetzError("error.pango_missing", feature=Phrase(FEATURE), error=str(error)) from error
    from weasyprint.urls import URLFetcher

    class FetchNothing(URLFetcher):
        """WeasyPrint's URL fetcher: everything is inline, so any URL is refused (and not read)."""

        def fetch(self, url: str, headers: object = None) -> NoReturn:
            raise ValueError(f"netz prints without external resources (refused: {url[:80]})")

    document = weasyprint.HTML(string=html, url_fetcher=FetchNothing(), base_url=None)
    # Tagged: headings, tables, lists and the figures' texts as structure, for screen readers.
    return bytes(document.write_pdf(pdf_tags=True))

