"""Notes per hour on the same notes: worker processes × CTranslate2 threads, side by side in one run.

    .venv/bin/python benchmarks/bench_throughput.py [-n 20] [--layouts 1x2,2x1]

Each layout PxT starts P processes, each loading faster-whisper with WHISPER_CPU_THREADS=T (as a Celery
prefork worker with --concurrency P would), and gives them the same N audio-dev notes from one shared
queue through the project's own path (`transcribe_audio`). Wall time runs from the first note taken
to the last one done; model loading is excluded (a worker loads once). Layouts alternate over
--rounds so the machine's drift falls on both.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
AUDIO_DEV = SHARED / "datasets" / "audio-dev"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")


def _worker(threads: int, jobs: mp.Queue, results: mp.Queue, ready: mp.Barrier) -> None:  # type: ignore[type-arg]
    os.environ["WHISPER_CPU_THREADS"] = str(threads)
    os.environ.setdefault("SPEECH_ENGINE", "whisper")
    import django

    django.setup()
    from speech.engines import get_engine
    from speech.services import transcribe_audio

    engine = get_engine()
    ready.wait()
    while True:
        path = jobs.get()
        if path is None:
            return
        result = transcribe_audio(path, engine=engine)
        results.put((time.perf_counter(), result.duration_s))


def run_layout(processes: int, threads: int, files: list[Path]) -> tuple[float, float]:
    """(wall seconds, audio seconds) for `files` on `processes` × `threads`."""
    ctx = mp.get_context("spawn")
    jobs, results = ctx.Queue(), ctx.Queue()
    ready = ctx.Barrier(processes + 1)
    workers = [ctx.Process(target=_worker, args=(threads, jobs, results, ready)) for _ in range(processes)]
    for w in workers:
        w.start()
    ready.wait()  # every model loaded
    started = time.perf_counter()
    for path in files:
        jobs.put(str(path))
    for _ in workers:
        jobs.put(None)
    done = [results.get() for _ in files]
    for w in workers:
        w.join()
    return max(t for t, _ in done) - started, sum(d for _, d in done)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--files", type=int, default=20)
    parser.add_argument("--layouts", default="1x2,2x1", help="comma-separated PROCESSESxTHREADS")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with open(AUDIO_DEV / "manifest.jsonl", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    files = [AUDIO_DEV / r["file"] for r in rows[: args.files]]
    layouts = [tuple(int(x) for x in spec.split("x")) for spec in args.layouts.split(",")]
    totals: dict[tuple[int, ...], list[float]] = {layout: [] for layout in layouts}
    audio = 0.0
    for round_ in range(args.rounds):
        order = layouts if round_ % 2 == 0 else list(reversed(layouts))
        for layout in order:
            wall, audio = run_layout(layout[0], layout[1], files)
            totals[layout].append(wall)
            print(
                f"round {round_ + 1}: {layout[0]} process(es) × {layout[1]} thread(s): {wall:.1f} s",
                file=sys.stderr,
            )
    base = min(sum(v) / len(v) for v in totals.values())
    print(
        f"\n{len(files)} audio-dev notes, {audio:.0f} s of audio, cores: {os.cpu_count()}, rounds: {args.rounds}"
    )
    print("| processes × threads | wall (mean) | notes per hour | audio hours per hour | relative time |")
    print("|---|---|---|---|---|")
    for layout, walls in totals.items():
        wall = sum(walls) / len(walls)
        print(
            f"| {layout[0]} × {layout[1]} | {wall:.1f} s | {len(files) * 3600 / wall:.0f} | {audio / wall:.2f} "
            f"| {wall / base:.2f} |"
        )


if __name__ == "__main__":
    main()
