"""How tall an alliance's page is for a signed-in key, at a desktop and a phone width.

A coordinator new to netz scrolls through everything the page shows open; this measures it on a
running service (``netz serve``), once the page has its data (network idle), and keeps a
full-page screenshot per width to look at.

    python benchmarks/bench_page_height.py --url http://127.0.0.1:8221 --alliance 1 \
        --key netz_… --out /tmp/heights
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

WIDTHS = (1280, 390)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the service, e.g. http://127.0.0.1:8221")
    parser.add_argument("--alliance", type=int, required=True)
    parser.add_argument("--key", required=True, help="the key to sign in with (a coordinator's)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the screenshots")
    parser.add_argument("--chromium", default=os.environ.get("NETZ_CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        try:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="de-DE")
                page = context.new_page()
                page.goto(f"{args.url}/alliances/{args.alliance}")
                page.fill("#key", args.key)
                page.click("#signin button[type=submit]")
                page.wait_for_selector("#ws-undo", state="attached")
                # The survey section sets itself up only for a key known when the page loads.
                page.reload()
                page.wait_for_selector("#ws-undo", state="attached")
                page.wait_for_selector("#survey-admin-body > *", state="attached")
                page.wait_for_load_state("networkidle")
                height = page.evaluate("document.documentElement.scrollHeight")
                page.screenshot(path=str(args.out / f"alliance-{width}.png"), full_page=True)
                print(f"{width} px wide: {height} px tall")
                context.close()
        finally:
            browser.close()


if __name__ == "__main__":
    main()
