"""The network map in headless Chromium: first draw and frames per second while zooming and dragging.

For alliances of netz's synthetic cohort (``netz.cohort.synthetic``, mean degree 5) of 1,000 and 3,000
actors, served by the service (uvicorn in a thread of this process, SQLite in a temporary
folder, no rate limits), the alliance page is opened in Debian's Chromium (Playwright,
``executable_path=/usr/bin/chromium``, headless, 1280×900) and measured:

- **first visit**: the alliance page opened for the first time after the alliance was stored,
  until the map's names are written (the service computes report and layout now), and then until
  the key players' section has its answer (computed in the background, the map is usable meanwhile);
- **page to map**: from navigation (report, layout and key players cached by the service) until
  every actor's circle is on the page and the names are written;
- **first draw**: inside the page, with the report and layout in hand, from ``new
  NetworkMap(…)`` until the first frame after ``draw()`` was painted (two animation frames
  later), median of ``--repeats`` draws into a fresh container;
- **zoom fps** and **drag fps**: animation frames counted for ``--seconds`` seconds while, in
  every frame, a Ctrl + wheel event (zooming in and out at the pointer) or a pointer move of a
  drag is dispatched at the map: each frame has a new view to draw, so a frame counted is a
  frame drawn. Zoom first steps to 300 % so that drags have somewhere to go;
- **redraw**: the one full drawing of a view at the end of a gesture (lines, names placed anew)
  until the next frame is painted, median of ``--repeats``.

Every wait is for a state of the page (names written, key players listed), never for a time.

Targets (issue 10): first draw ≤ 1 s and pan/zoom ≥ 30 frames/s at 1,000 actors.

    .venv/bin/python benchmarks/bench_map.py [--sizes 1000,3000] [--repeats 5] [--seconds 4] [--port N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import free_port, machine

CHROMIUM = os.environ.get("NETZ_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

FIRST_DRAW = """async () => {
  const id = Number(location.pathname.split("/")[2]);
  const report = await Netz.api(`/api/v1/alliances/${id}/report`);
  const layout = await Netz.api(`/api/v1/alliances/${id}/layout`);
  const host = document.createElement("div");
  host.className = "map";
  document.getElementById("map").after(host);
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  await frame();
  const start = performance.now();
  const map = new NetzMap.NetworkMap(host, layout, report.actors, { gaps: report.gaps });
  map.draw();
  await frame();
  await frame();
  const took = performance.now() - start;
  const redraws = [];
  for (let i = 0; i < 3; i++) {
    const begin = performance.now();
    map.setView(3 + i, -map.W * (0.5 + i / 4), -map.H * (0.5 + i / 4));
    map.writeNames();
    await frame();
    redraws.push(performance.now() - begin);
  }
  map.destroy();
  host.remove();
  return [took, redraws.sort((a, b) => a - b)[1]];
}"""

INTERACT = """async ([kind, seconds]) => {
  const svg = document.querySelector("#map svg.network");
  const box = svg.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  let frames = 0;
  let step = 0;
  if (kind === "drag") {
    svg.dispatchEvent(new PointerEvent("pointerdown", { clientX: x, clientY: y, button: 0, pointerId: 1,
      pointerType: "mouse", bubbles: true }));
  }
  const start = performance.now();
  await new Promise((done) => {
    const tick = () => {
      frames += 1;
      step += 1;
      if (kind === "zoom") {
        // 12 steps in, 12 steps out, at a point that wanders a little
        const inwards = Math.floor(step / 12) % 2 === 0;
        svg.dispatchEvent(new WheelEvent("wheel", { deltaY: inwards ? -40 : 40, ctrlKey: true, bubbles: true,
          cancelable: true, clientX: x + 60 * Math.sin(step / 20), clientY: y + 40 * Math.cos(step / 20) }));
      } else {
        const angle = step / 15;
        svg.dispatchEvent(new PointerEvent("pointermove", { clientX: x + 150 * Math.cos(angle),
          clientY: y + 100 * Math.sin(angle), buttons: 1, pointerId: 1, pointerType: "mouse",
          bubbles: true }));
      }
      if (performance.now() - start < seconds * 1000) requestAnimationFrame(tick); else done();
    };
    requestAnimationFrame(tick);
  });
  const elapsed = (performance.now() - start) / 1000;
  if (kind === "drag") {
    svg.dispatchEvent(new PointerEvent("pointerup", { clientX: x, clientY: y, button: 0, pointerId: 1,
      pointerType: "mouse", bubbles: true }));
  }
  return { frames, elapsed, fps: frames / elapsed };
}"""


#: The key players' section has its answer: who they are, that none matters, or an error.
PLAYERS_SHOWN = """() => document.getElementById("kp-progress").hidden &&
  Boolean(document.getElementById("kp-now").textContent || document.getElementById("kp-error").textContent)"""


#: What the page shows, for a wait that ran out: where it stands instead of a bare time-out.
PAGE_STATE = """() => ({
  loading: document.getElementById("loading")?.hidden === false
    ? document.getElementById("loading").textContent.trim() : null,
  failure: document.getElementById("failure")?.hidden === false
    ? document.getElementById("failure").textContent : null,
  circles: document.querySelectorAll("#map .node").length,
  names: document.querySelectorAll("#map .names text").length,
  map: document.getElementById("map")?.textContent.slice(0, 200),
})"""


def wait(page: Any, what: str, condition: str) -> None:
    """Wait until ``condition`` (a function of the page) holds; if it never does, say what the page shows."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition)
    except PlaywrightTimeout:
        raise SystemExit(f"{what}: not reached; the page shows {page.evaluate(PAGE_STATE)}") from None


#: The map is drawn: names are written (after every actor's circle, in the same drawing).
MAP_SHOWN = """() => document.querySelectorAll("#map .names text").length > 0"""


def serve(sizes: list[int], port: int) -> tuple[str, dict[int, int], str, Any]:
    """The service with one cohort alliance per size; its address, the ids, an admin key, the server."""
    import uvicorn

    from api.config import Settings
    from api.main import create_app
    from api.security import create_key
    from api.store import save
    from netz.cohort.synthetic import AllianceSpec, generate_alliance

    folder = Path(tempfile.mkdtemp(prefix="bench-map-"))
    app = create_app(Settings(database_url=f"sqlite:///{folder / 'netz.sqlite'}", rate_limits=False))
    ids = {}
    with app.state.database.sessions() as session:
        for n in sizes:
            alliance = generate_alliance(AllianceSpec(f"map{n}", "Falkenbrunn", n, 5.0, ("2024",), seed=7))
            ids[n] = save(session, alliance).id
        session.commit()
        key = create_key(session, "admin", alliances=[], label="bench_map")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", ids, key, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,3000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--port", type=int, default=0, help="the service's port (default: a free one)")
    options = parser.parse_args()
    sizes = [int(n) for n in options.sizes.split(",")]
    from playwright.sync_api import sync_playwright

    print(machine())
    url, ids, key, server = serve(sizes, options.port or free_port())
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            print(f"chromium {browser.version}, headless, 1280×900, software rendering (--disable-gpu)")
            for n in sizes:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url)
                context.add_init_script(f"sessionStorage.setItem('netz.key', {key!r})")
                page = context.new_page()
                page.set_default_timeout(300_000)
                # once to fill the service's cache (report, layout, key players: wait until the
                # key players are listed, so that no computation of this visit runs into the next)
                start = time.perf_counter()
                page.goto(f"/alliances/{ids[n]}")
                wait(page, "first visit: map", MAP_SHOWN)
                first_map = time.perf_counter() - start
                wait(page, "first visit: key players", PLAYERS_SHOWN)
                first_players = time.perf_counter() - start
                start = time.perf_counter()
                page.goto(f"/alliances/{ids[n]}")
                wait(page, "page to map", MAP_SHOWN)
                to_map = time.perf_counter() - start
                ties = page.locator("#map svg.network").get_attribute("aria-label")
                measured = [page.evaluate(FIRST_DRAW) for _ in range(options.repeats)]
                draws = [draw for draw, _ in measured]
                redraw = statistics.median(again for _, again in measured)
                page.get_by_role("button", name="Karte vergrößern").click()
                page.get_by_role("button", name="Karte vergrößern").click()
                page.get_by_role("button", name="Karte vergrößern").click()
                zoom = page.evaluate(INTERACT, ["zoom", options.seconds])
                # the zoom run may end anywhere between 100 % and 1,200 %: drag at 506 %
                page.locator("#map .node[tabindex='0']").focus()
                for key in ("0", "+", "+", "+", "+"):
                    page.keyboard.press(key)
                drag = page.evaluate(INTERACT, ["drag", options.seconds])
                rows.append((n, ties, first_map, to_map, draws, redraw, zoom, drag, os.getloadavg()[0]))
                print(f"{n:>6} actors | {ties.split('.')[0]}")
                print(f"        first visit: map {first_map:.2f} s, key players listed {first_players:.2f} s")
                print(f"        page to map (report cached): {to_map:.2f} s")
                print(f"        first draw: median {statistics.median(draws) / 1000:.3f} s "
                      f"(of {len(draws)}: {', '.join(f'{d / 1000:.3f}' for d in draws)})")
                print(f"        redraw at the end of a gesture: median {redraw:.0f} ms")
                for kind, run in (("zoom", zoom), ("drag", drag)):
                    print(f"        {kind}: {run['fps']:.1f} frames/s "
                          f"({run['frames']} in {run['elapsed']:.1f} s)")
                print(f"        load average now {os.getloadavg()[0]:.1f}")
                context.close()
            browser.close()
    finally:
        server.should_exit = True
    print()
    print("| actors | ties | first visit: map | page to map | first draw (median) | redraw | zoom | drag "
          "| load |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, label, first_map, to_map, draws, redraw, zoom, drag, load in rows:
        ties = label.split(",")[1].strip().split(" ")[0] if "," in label else "?"
        draw = statistics.median(draws) / 1000
        print(f"| {n:,} | {ties} | {first_map:.2f} s | {to_map:.2f} s | {draw:.2f} s | "
              f"{redraw:.0f} ms | {zoom['fps']:.0f} fps | {drag['fps']:.0f} fps | {load:.1f} |")


if __name__ == "__main__":
    main()
