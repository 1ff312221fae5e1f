"""Choosing, checking and loading the speech engine. One engine per process, loaded once."""

from __future__ import annotations

import struct
import threading
from pathlib import Path
from typing import TypedDict

from django.conf import settings

from speech.engines.base import SAMPLE_RATE, SpeechEngine, StreamingSpeechEngine, Transcript, Word
from speech.errors import SpeechModelUnavailable

__all__ = [
    "ENGINES",
    "SAMPLE_RATE",
    "EngineInfo",
    "SpeechEngine",
    "StreamingSpeechEngine",
    "Transcript",
    "Word",
    "check_model",
    "default_model_path",
    "engine_info",
    "get_engine",
    "load_engine",
    "reset_engine",
]

ENGINES = ("vosk", "whisper")

_HOW_TO_FIX = (
    "Set SPEECH_MODEL_PATH to a {engine} model directory, "
    "or run `python manage.py install_speech_model` to install the French Vosk model (SPEECH_ENGINE=vosk), "
    "or use SPEECH_ENGINE=whisper with SPEECH_MODEL_PATH=../shared/models/faster-whisper-base."
)


class EngineInfo(TypedDict):
    engine: str
    model_path: str
    loaded: bool


def _missing_files(engine: str, path: Path) -> list[str]:
    if engine == "whisper":
        # tokenizer.json too: without it faster-whisper fetches a tokenizer from the Hugging Face hub.
        missing = [name for name in ("model.bin", "tokenizer.json") if not (path / name).is_file()]
        if not any((path / name).is_file() for name in ("vocabulary.json", "vocabulary.txt")):
            missing.append("vocabulary.json")
        return missing
    missing = [name for name in ("am/final.mdl", "conf/mfcc.conf") if not (path / name).is_file()]
    has_graph = (path / "graph/HCLG.fst").is_file() or (
        (path / "graph/HCLr.fst").is_file() and (path / "graph/Gr.fst").is_file()
    )
    if not has_graph:
        missing.append("graph/HCLG.fst (or graph/HCLr.fst + graph/Gr.fst)")
    return missing


# CTranslate2's model.bin layout (ctranslate2/specs/model_spec.py `_serialize`), binary versions 5 and 6:
# version, spec name, revision, then each variable's name, shape, dtype and byte count before its bytes,
# then the aliases. Walking the headers (seeking over the weights) takes milliseconds and finds a file
# cut short by a failed copy, which CTranslate2 only reports when loading ("invalid payload size").
_CT2_VERSIONS = (5, 6)


class _Truncated(Exception):
    pass


def _ct2_problem(model_bin: Path) -> str | None:
    """Why `model_bin` is not a whole faster-whisper (CTranslate2 Whisper) model file, or None."""
    size = model_bin.stat().st_size
    with model_bin.open("rb") as f:

        def read(fmt: str) -> int:
            raw = f.read(struct.calcsize(fmt))
            if len(raw) < struct.calcsize(fmt):
                raise _Truncated
            return int(struct.unpack("<" + fmt, raw)[0])

        def string() -> str:
            length = read("H")
            raw = f.read(length)
            if len(raw) < length:
                raise _Truncated
            return raw.rstrip(b"\0").decode("utf-8", "replace")

        try:
            version = read("I")
            if version not in _CT2_VERSIONS:
                return f"model.bin is not a CTranslate2 model of a known format (binary version {version})"
            spec = string()
            if spec != "WhisperSpec":
                return f"model.bin holds a CTranslate2 {spec or 'unnamed'} model, not a Whisper one"
            read("I")  # spec revision
            for _ in range(read("I")):
                string()
                for _ in range(read("B")):
                    read("I")
                read("B")  # dtype
                length = read("I")
                end = f.tell() + length
                if end > size:
                    raise _Truncated
                f.seek(end)
            for _ in range(read("I")):
                string()
                string()
            if f.tell() != size:
                return f"model.bin has {size - f.tell():,} bytes after its last variable: not a clean copy"
        except _Truncated:
            return f"model.bin is truncated ({size:,} bytes, cut inside its weights): copy it again"
    return None


def check_model(engine: str, path: Path) -> None:
    """Raise SpeechModelUnavailable, saying what is missing and what to set, unless `path` holds a model."""
    if engine not in ENGINES:
        raise SpeechModelUnavailable(
            detail=f"Unknown speech engine {engine!r}: set SPEECH_ENGINE to one of {', '.join(ENGINES)}."
        )
    fix = _HOW_TO_FIX.format(engine=engine)
    path = Path(path)
    if not path.exists():
        raise SpeechModelUnavailable(
            detail=f"The {engine} model directory {path} (SPEECH_MODEL_PATH) does not exist. {fix}"
        )
    if not path.is_dir():
        raise SpeechModelUnavailable(
            detail=f"SPEECH_MODEL_PATH={path} is not a directory; the {engine} engine needs a model directory. {fix}"
        )
    missing = _missing_files(engine, path)
    if missing:
        raise SpeechModelUnavailable(
            detail=(
                f"{path} (SPEECH_MODEL_PATH) is not a {engine} model directory: missing {', '.join(missing)}. "
                f"{fix}"
            )
        )
    problem = _ct2_problem(path / "model.bin") if engine == "whisper" else None
    if problem:
        raise SpeechModelUnavailable(detail=f"{path} (SPEECH_MODEL_PATH): {problem}. {fix}")


def default_model_path(engine: str) -> Path:
    """The configured model for the configured engine; the conventional directory for the other one."""
    if engine == settings.SPEECH_ENGINE:
        return Path(settings.SPEECH_MODEL_PATH)
    name = settings.VOSK_SMALL_FR_NAME if engine == "vosk" else "faster-whisper-base"
    return Path(settings.MODELS_DIR) / name


def load_engine(engine: str, model_path: Path) -> SpeechEngine:
    check_model(engine, model_path)
    if engine == "whisper":
        from speech.engines.whisper import WhisperEngine

        return WhisperEngine(
            model_path,
            compute_type=settings.WHISPER_COMPUTE_TYPE,
            device=settings.WHISPER_DEVICE,
            beam_size=settings.WHISPER_BEAM_SIZE,
            vad_filter=settings.WHISPER_VAD_FILTER,
            cpu_threads=settings.WHISPER_CPU_THREADS,
            language=settings.SPEECH_LANGUAGE,
            initial_prompt=settings.SPEECH_DOMAIN_PROMPT,
            hotwords=settings.SPEECH_HOTWORDS,
        )
    from speech.engines.vosk import VoskEngine

    return VoskEngine(model_path, sample_rate=SAMPLE_RATE)


_engine: SpeechEngine | None = None
_engine_lock = threading.Lock()


def get_engine() -> SpeechEngine:
    """The process-wide engine from settings, loaded on first use (a worker calls this at start-up)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = load_engine(settings.SPEECH_ENGINE, Path(settings.SPEECH_MODEL_PATH))
    return _engine


def reset_engine() -> None:
    """Forget the loaded engine, so the next get_engine() reloads from settings (tests, settings changes)."""
    global _engine
    with _engine_lock:
        _engine = None


def engine_info() -> EngineInfo:
    return {
        "engine": settings.SPEECH_ENGINE,
        "model_path": str(settings.SPEECH_MODEL_PATH),
        "loaded": _engine is not None,
    }
