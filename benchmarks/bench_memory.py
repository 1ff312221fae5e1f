"""Peak RSS of a worker process transcribing a ~10-second note vs a ~10-minute note.

Each note runs in a fresh process (engine loaded as a worker loads it, then one full-path
transcription), so the peaks compare like for like. `RSS loaded` and `RSS peak` are the process's
peak (ru_maxrss) after loading the model and at the end, so loading's own peak hides smaller ones;
`RSS before` is the resident size once loaded and `peak transcribing` the peak during transcription
alone (VmHWM reset after loading). The 10-minute note is built from the dev notes
(concatenated, re-encoded as Opus in .ogg as a phone would send it).

    .venv/bin/python benchmarks/bench_memory.py [--engine whisper|vosk] [--minutes 10]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))


def build_long_note(target: Path, minutes: float) -> float:
    import av
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from speech.audio import decode_audio

    notes = sorted((SHARED / "datasets" / "audio-dev").glob("v0*.m4a"))
    pieces, total = [], 0.0
    while total < minutes * 60:
        for note in notes:
            audio = decode_audio(note, min_duration_s=0)
            pieces.append(audio.samples)
            total += audio.duration_s
            if total >= minutes * 60:
                break
    samples = np.concatenate(pieces)
    with av.open(str(target), "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=48000, layout="mono")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        pcm = (samples * 32767).astype(np.int16)
        for start in range(0, pcm.size, 16000):
            frame = av.AudioFrame.from_ndarray(pcm[start : start + 16000].reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = 16000
            for resampled in resampler.resample(frame):
                for packet in stream.encode(resampled):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return total


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss() -> bool:
    """Reset the kernel's peak RSS of this process (VmHWM), so the peak of transcription alone can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def child(note: Path) -> None:
    import django

    django.setup()
    from speech.engines import get_engine
    from speech.services import transcribe_audio

    if os.environ.get("SPEECH_ENGINE") == "whisper":
        import ctranslate2

        # Whisper falls back to sampling on hard segments, which costs memory; a fixed seed makes runs comparable.
        ctranslate2.set_random_seed(1)
    get_engine()
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = status_mb("VmRSS")
    has_hwm = reset_peak_rss()
    started = time.perf_counter()
    result = transcribe_audio(note)
    print(json.dumps({
        "audio_s": result.duration_s,
        "seconds": time.perf_counter() - started,
        "rss_loaded_mb": loaded / 1024,
        "rss_before_mb": before,
        "rss_transcribing_peak_mb": status_mb("VmHWM") if has_hwm else float("nan"),
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["whisper", "vosk"], default="whisper")
    parser.add_argument("--model", type=Path, default=SHARED / "models" / "faster-whisper-base")
    parser.add_argument("--short", type=Path, default=SHARED / "datasets" / "audio-dev" / "v003.3gp")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cej.settings", "SPEECH_ENGINE": args.engine,
           "SPEECH_MODEL_PATH": str(args.model), "SPEECH_MAX_DURATION_S": str(args.minutes * 60 + 120),
           "LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory() as tmp:
        long_note = Path(tmp) / "long.ogg"
        print(f"building a {args.minutes:g}-minute note…", file=sys.stderr)
        build_long_note(long_note, args.minutes)
        print(f"{'note':10} {'audio s':>8} {'seconds':>8} {'RSS loaded MB':>14} {'RSS peak MB':>12} "
              f"{'RSS before MB':>14} {'peak transcribing MB':>21}")
        for label, note in (("short", args.short), ("long", long_note)):
            out = subprocess.run([sys.executable, __file__, "--child", str(note)], env={**env, "VAR_DIR": tmp},
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
            row = json.loads(out)
            print(f"{label:10} {row['audio_s']:8.1f} {row['seconds']:8.1f} {row['rss_loaded_mb']:14.0f} "
                  f"{row['rss_peak_mb']:12.0f} {row['rss_before_mb']:14.0f} {row['rss_transcribing_peak_mb']:21.0f}")


if __name__ == "__main__":
    main()
