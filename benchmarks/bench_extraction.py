"""Extraction time of a ~60-word voice note, after warm-up, per mode side by side (target ≤ 20 ms median
for the product's mode, learned part included), and the process's memory with the extractor loaded.

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


def rss_mb() -> float:
    """Resident memory of this process (Linux), in MB."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    import django

    django.setup()
    from declarations.extraction import MODES, build_extractor, load_spacy

    before = rss_mb()
    load_start = time.perf_counter()
    nlp = load_spacy()
    extractors = {mode: build_extractor(mode, nlp=nlp) for mode in MODES}
    print(f"load (spaCy + clause models): {time.perf_counter() - load_start:.2f} s; "
          f"RSS {before:.0f} MB before, {rss_mb():.0f} MB with the extractor of every mode loaded")
    for label, text in (("faster-whisper style", NOTE_WHISPER), ("Vosk style", NOTE_VOSK)):
        timings: dict[str, list[float]] = {mode: [] for mode in MODES}
        for extractor in extractors.values():
            for _ in range(20):  # warm-up: caches, spaCy buffers
                extractor.extract(text, recorded_at=RECORDED_AT)
        for _ in range(args.runs):  # the modes interleaved, so the machine's drift hits them alike
            for mode, extractor in extractors.items():
                start = time.perf_counter()
                extractor.extract(text, recorded_at=RECORDED_AT)
                timings[mode].append((time.perf_counter() - start) * 1000)
        for mode in MODES:
            ordered = sorted(timings[mode])
            p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
            steps = len(extractors[mode].extract(text, recorded_at=RECORDED_AT))
            print(
                f"{label:21s} {mode:8s}: {len(text.split())} words, {steps} steps | median "
                f"{statistics.median(ordered):.2f} ms | p95 {p95:.2f} ms | runs {len(ordered)}"
            )
        ratio = statistics.median(timings["combined"]) / statistics.median(timings["rules"])
        print(f"{label:21s} combined / rules median: {ratio:.2f}")


if __name__ == "__main__":
    main()
