"""Do the recogniser's word probabilities tell which steps to doubt? Decides the doubt settings.

For each step found in real transcripts (saved by `manage.py evaluate_audio --write-transcripts`),
the lowest probability of a meaning-bearing word of its evidence, and whether the step is right
(matched to a gold step by the reference scorer's rule). Prints precision per band of that
probability, then, per threshold, how many steps would be flagged and their precision beside the
others'. What it showed (the lowest word probability alone does not tell a wrong step) is why a
doubtful word only flags a step whose recalibrated confidence is low too: see
`manage.py fit_recogniser_calibration` and declarations/extraction/doubt.py.

usage: python benchmarks/bench_doubt.py [--pair TRANSCRIPTS DATASET ...]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
DEFAULT = [(ROOT / "tests/fixtures/audio_dev_transcripts.jsonl", SHARED / "datasets/declarations-dev.jsonl")]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pair", nargs=2, action="append", type=Path, metavar=("TRANSCRIPTS", "DATASET"))
    args = parser.parse_args()
    import django

    django.setup()
    from declarations.audio_evaluation import read_transcripts
    from declarations.extraction import build_extractor
    from declarations.extraction.doubt import bears_meaning, locate_words
    from declarations.extraction.evaluation import read_records
    from declarations.extraction.io import parse_recorded_at
    from declarations.extraction.scoring import match

    extractor = build_extractor()
    steps: list[tuple[float, bool, float]] = []  # (lowest word probability, right, calibrated confidence)
    for transcripts_path, dataset in args.pair or DEFAULT:
        gold = {r["id"]: r for r in read_records(dataset)}
        _, transcripts = read_transcripts(transcripts_path)
        for t in transcripts:
            if not t.text:
                continue
            found = extractor.extract(t.text, recorded_at=parse_recorded_at(gold[t.id]))
            right = {pi for pi, _ in match(gold[t.id]["steps"], [s.as_json() for s in found])}
            heard = locate_words(t.text, t.words)
            for index, step in enumerate(found):
                confs = [
                    w.conf
                    for w in heard
                    if w.conf is not None
                    and w.start < step.end
                    and w.end > step.start
                    and bears_meaning(w.word)
                ]
                steps.append((min(confs, default=1.0), index in right, step.confidence))
    print(f"{len(steps)} steps found; precision {sum(r for _, r, _ in steps) / len(steps):.3f}")
    print("\n| lowest meaning-word probability | steps | precision | mean confidence given |")
    print("|---|---|---|---|")
    bands = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01)]
    for low, high in bands:
        members = [(r, c) for p, r, c in steps if low <= p < high]
        if members:
            precision = sum(r for r, _ in members) / len(members)
            mean_conf = sum(c for _, c in members) / len(members)
            print(f"| {low:.1f}–{min(high, 1.0):.1f} | {len(members)} | {precision:.3f} | {mean_conf:.3f} |")
    print("\n| threshold | flagged | precision flagged | precision others | mean confidence flagged |")
    print("|---|---|---|---|---|")
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6):
        flagged = [(r, c) for p, r, c in steps if p < threshold]
        others = [r for p, r, _ in steps if p >= threshold]
        if not flagged or not others:
            continue
        print(
            f"| {threshold:.1f} | {len(flagged)} ({len(flagged) / len(steps):.0%}) "
            f"| {sum(r for r, _ in flagged) / len(flagged):.3f} | {sum(others) / len(others):.3f} "
            f"| {sum(c for _, c in flagged) / len(flagged):.3f} |"
        )


if __name__ == "__main__":
    main()
