"""The report to hand out ("Netzwerkbericht als PDF"): how long it takes, and how many pages it has.

For the demo alliance (25 actors), the demo observed in two waves, and a synthetic 1,000-actor
alliance with two waves (:func:`netz.cohort.synthetic.generate_alliance`, seed 7, mean degree 6), in German
and English: the time to build the HTML (:func:`netz.analysis.handout.handout`: the analysis, the key
players, the map layout and, with waves, the change since the previous wave) and to print it
(:func:`netz.core.printed.pdf`, WeasyPrint), median of a few runs; the PDF's pages (at most 3, A4) and
size. ``--png DIR`` also renders every page to PNG (pypdfium2, if installed) to look at.

    .venv/bin/python benchmarks/bench_handout.py [--repeats 3] [--png DIR]
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from common import machine, median_seconds, timed
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from netz.analysis.handout import handout
from netz.cohort.synthetic import AllianceSpec, generate_alliance
from netz.core import io as netz_io
from netz.core.model import Alliance
from netz.core.printed import pdf

DEMO = Path(__file__).resolve().parents[1] / "datasets" / "demo-buendnis"
A4 = (595.28, 841.89)


def in_waves(alliance: Alliance) -> Alliance:
    ties = alliance.ties.copy()
    ties["wave"] = [("2023" if i % 4 == 0 else "2024" if i % 4 == 1 else None) for i in range(len(ties))]
    return alliance.replace_ties(ties)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--png", type=Path, help="render every page to PNG into this folder")
    args = parser.parse_args()
    demo = netz_io.read(DEMO)
    large = generate_alliance(AllianceSpec("gross", "Großstadt", 1000, 6.0, ("2022", "2023"), seed=7,
                                           meta=(("name", "Bündnis Großstadt (synthetisch)"),)))
    print(machine())
    print(f"{'alliance':<28} {'lang':<4} {'actors':>6} {'ties':>6} {'html s':>7} {'pdf s':>6} "
          f"{'pages':>5} {'A4':>3} {'KiB':>5}")
    for label, alliance in (("demo", demo), ("demo, two waves", in_waves(demo)),
                            ("synthetic 1,000, two waves", large)):
        for lang in ("de", "en"):
            html, _ = timed(lambda a=alliance, lang=lang: handout(a, lang=lang))
            build = median_seconds(lambda a=alliance, lang=lang: handout(a, lang=lang), repeats=args.repeats,
                                   warmup=0)
            document, _ = timed(lambda h=html: pdf(h))
            printing = median_seconds(lambda h=html: pdf(h), repeats=args.repeats, warmup=0)
            reader = PdfReader(io.BytesIO(document))
            a4 = all(abs(float(p.mediabox.width) - A4[0]) < 1 and abs(float(p.mediabox.height) - A4[1]) < 1
                     for p in reader.pages)
            kib = len(document) // 1024
            print(f"{label:<28} {lang:<4} {alliance.n_actors:>6} {alliance.n_ties:>6} {build:>7.2f} "
                  f"{printing:>6.2f} {len(reader.pages):>5} {'yes' if a4 else 'NO':>3} {kib:>5}", flush=True)
            if args.png:
                _render(document, args.png / f"{label.replace(',', '').replace(' ', '-')}-{lang}")


def _render(document: bytes, stem: Path) -> None:
    import pypdfium2

    stem.parent.mkdir(parents=True, exist_ok=True)
    pages = pypdfium2.PdfDocument(document)
    for number in range(len(pages)):
        pages[number].render(scale=1.4).to_pil().save(f"{stem}-{number + 1}.png")


if __name__ == "__main__":
    main()
