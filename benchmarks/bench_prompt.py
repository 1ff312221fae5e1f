"""Recogniser hints and decoding choices decided by figures: no hint, the word-list prompt, a natural
French sentence, hotwords, conditioning on previous text, temperature fallback, VAD — on real speech
(speech-dev) and on the domain notes (audio-dev), side by side.

    .venv/bin/python benchmarks/bench_prompt.py [-n 90] [--only 'no hint' --only 'word-list prompt']

One faster-whisper model (the configured one, beam and threads from settings) is loaded once; each
file is transcribed under every configuration in turn, so the machine's drift falls on all alike.
Prints WER on both sets, audio → steps F1 on the audio-dev notes (the configured extractor, scored
like `evaluate_audio`) and the compute relative to no hint.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
AUDIO_DEV = SHARED / "datasets" / "audio-dev"
SPEECH_DEV = SHARED / "datasets" / "speech-dev"
DECLARATIONS_DEV = SHARED / "datasets" / "declarations-dev.jsonl"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cej.settings")
os.environ.setdefault("SPEECH_ENGINE", "whisper")

WORDS = "Mission Locale, France Travail, CV, candidature, entretien, alternance, PMSMP, CEJ."
SENTENCE = (
    "Cette semaine, j'ai envoyé mon CV, j'ai eu un entretien et j'ai vu ma conseillère à la Mission Locale "
    "pour mon contrat d'engagement jeune."
)
# Each variant: engine attributes set before every transcription (the rest as configured).
CONFIGS: dict[str, dict[str, object]] = {
    "no hint": {"initial_prompt": None, "hotwords": None},
    "word-list prompt": {"initial_prompt": WORDS, "hotwords": None},
    "sentence prompt": {"initial_prompt": SENTENCE, "hotwords": None},
    "hotwords (word list)": {"initial_prompt": None, "hotwords": WORDS},
    # decoding choices, each with the word-list prompt
    "prompt + condition on previous text": {
        "initial_prompt": WORDS,
        "hotwords": None,
        "condition_on_previous_text": True,
    },
    "prompt, no temperature fallback": {"initial_prompt": WORDS, "hotwords": None, "temperature": 0.0},
    "prompt + VAD filter": {"initial_prompt": WORDS, "hotwords": None, "vad_filter": True},
}
# Decoding attributes a variant may change; the others keep the engine's own (shipped) values.
DECODING = ("condition_on_previous_text", "temperature", "vad_filter")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--files", type=int, default=90, help="audio-dev notes (default: all 90)")
    parser.add_argument("--only", action="append", choices=list(CONFIGS), help="these variants only")
    args = parser.parse_args()
    for name in list(CONFIGS):
        if args.only and name not in args.only:
            del CONFIGS[name]
    import django

    django.setup()
    import jiwer

    from declarations.audio_evaluation import Transcribed, score_transcripts
    from declarations.extraction import build_extractor
    from speech.engines import get_engine
    from speech.evaluation import normalize_for_wer
    from speech.services import transcribe_audio

    engine = get_engine()
    shipped = {attribute: getattr(engine, attribute) for attribute in DECODING}
    with open(DECLARATIONS_DEV, encoding="utf-8") as lines:
        gold = {r["id"]: r for r in map(json.loads, lines)}
    with open(AUDIO_DEV / "manifest.jsonl", encoding="utf-8") as lines:
        notes = [json.loads(line) for line in lines][: args.files]
    with open(SPEECH_DEV / "manifest.jsonl", encoding="utf-8") as lines:
        clips = [json.loads(line) for line in lines]
    heard: dict[str, dict[str, list[tuple[str, str]]]] = {
        c: {"audio-dev": [], "speech-dev": []} for c in CONFIGS
    }
    transcripts: dict[str, list[Transcribed]] = {c: [] for c in CONFIGS}
    seconds = dict.fromkeys(CONFIGS, 0.0)
    files = [("audio-dev", AUDIO_DEV / n["file"], gold[n["id"]]["text"], n) for n in notes]
    files += [("speech-dev", SPEECH_DEV / c["file"], c["text"], c) for c in clips]
    transcribe_audio(files[0][1], engine=engine)  # warm-up
    for corpus, path, reference, row in files:
        for name, hints in CONFIGS.items():
            for attribute, value in {**shipped, **hints}.items():
                setattr(engine, attribute, value)
            started = time.perf_counter()
            result = transcribe_audio(path, engine=engine)
            seconds[name] += time.perf_counter() - started
            heard[name][corpus].append((normalize_for_wer(reference), normalize_for_wer(result.text)))
            if corpus == "audio-dev":
                transcripts[name].append(
                    Transcribed(
                        row["id"], row["format"], row["engine"], result.text, duration_s=result.duration_s
                    )
                )
        print(f"{corpus} {path.name} done", file=sys.stderr)
    extractor = build_extractor()
    records = [gold[n["id"]] for n in notes]
    base_name = "no hint" if "no hint" in seconds else next(iter(seconds))
    base = seconds[base_name]
    print(
        f"\nfaster-whisper {Path(engine.model_path).name}, beam {engine.beam_size}; "  # type: ignore[attr-defined]
        f"{len(notes)} audio-dev notes, {len(clips)} speech-dev clips"
    )
    print(
        f"| variant | WER speech-dev (real voices) | WER audio-dev | audio → steps F1 (audio-dev) | compute vs {base_name} |"
    )
    print("|---|---|---|---|---|")
    for name in CONFIGS:
        wer = {c: jiwer.wer([r for r, _ in pairs], [h for _, h in pairs]) for c, pairs in heard[name].items()}
        f1 = score_transcripts(extractor, records, transcripts[name])[0].f1_audio
        print(
            f"| {name} | {wer['speech-dev']:.3f} | {wer['audio-dev']:.3f} | {f1:.3f} | {seconds[name] / base:.2f} |"
        )


if __name__ == "__main__":
    main()
