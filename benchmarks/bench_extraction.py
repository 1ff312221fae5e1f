"""Extraction time of a ~60-word voice note, after warm-up: median and p95 (target ≤ 20 ms median).

usage: python benchmarks/bench_extraction.py [--runs 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")

from declarations.extraction import get_extractor  # noqa: E402

# Written for the benchmark: 62 words, in the two styles the extractor reads.
NOTE_WHISPER = (
    "Alors euh, lundi j'ai envoyé quatre candidatures chez Intermarché et chez Lidl pour être employé "
    "de rayon. Mardi, j'ai vu ma conseillère à la Mission Locale pendant une heure. Hier, j'ai bossé "
    "au Quick de 18h à 23h. Et demain, j'ai un entretien chez Decathlon pour vendeur, puis je vais "
    "à la piscine avec mon frère."
)
NOTE_VOSK = (
    "alors euh lundi j'ai envoyé quatre candidatures chez intermarché et chez lidl pour être employé "
    "de rayon mardi j'ai vu ma conseillère à la mission locale pendant une heure hier j'ai bossé "
    "au quick de dix-huit heures à vingt-trois heures et demain j'ai un entretien chez decathlon pour "
    "vendeur puis je vais à la piscine avec mon frère"
)
RECORDED_AT = datetime(2026, 11, 12, 19, 0, tzinfo=ZoneInfo("Europe/Paris"))


def measure(text: str, runs: int) -> list[float]:
    extractor = get_extractor()
    for _ in range(20):  # warm-up: caches, spaCy buffers
        extractor.extract(text, recorded_at=RECORDED_AT)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        extractor.extract(text, recorded_at=RECORDED_AT)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    load_start = time.perf_counter()
    get_extractor()
    print(f"model load: {time.perf_counter() - load_start:.2f} s")
    for label, text in (("faster-whisper style", NOTE_WHISPER), ("Vosk style", NOTE_VOSK)):
        timings = sorted(measure(text, args.runs))
        p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
        print(
            f"{label}: {len(text.split())} words, {len(get_extractor().extract(text, recorded_at=RECORDED_AT))} steps"
            f" | median {statistics.median(timings):.2f} ms | p95 {p95:.2f} ms | runs {len(timings)}"
        )


if __name__ == "__main__":
    main()
