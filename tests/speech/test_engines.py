"""The real engines on real models: faster-whisper base on French, Vosk on its Korean model."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jiwer
import pytest

from speech.audio import decode_audio
from speech.engines import SpeechEngine, Word, check_model, engine_info, get_engine, load_engine, reset_engine
from speech.engines.vosk import VoskEngine
from speech.engines.whisper import WhisperEngine
from speech.errors import NoSpeech, SpeechModelUnavailable
from speech.evaluation import normalize_for_wer
from speech.services import transcribe_audio
from tests.speech.conftest import (
    AUDIO_DEV,
    WHISPER_MODEL,
    declaration_texts,
    encode,
    speak,
    tone,
    vosk_ko_model_path,
)

pytestmark = pytest.mark.slow

FRENCH_NOTE = "v002"


def assert_words_are_timed(words: list[Word], duration_s: float, *, strictly: bool = True) -> None:
    """Vosk words always last; Whisper's alignment may give a short word zero length (start == end)."""
    assert words
    for word in words:
        assert word.word.strip() and not word.word[0].isspace()
        assert 0 <= word.start <= word.end <= duration_s + 0.5
        if strictly:
            assert word.start < word.end
        assert word.conf is not None and 0.0 <= word.conf <= 1.0
    starts = [word.start for word in words]
    assert starts == sorted(starts)


def test_whisper_transcribes_a_french_m4a_note_within_the_error_budget(whisper_engine: WhisperEngine) -> None:
    audio = decode_audio(AUDIO_DEV / f"{FRENCH_NOTE}.m4a")

    transcript = whisper_engine.transcribe(audio.samples)

    reference = normalize_for_wer(declaration_texts()[FRENCH_NOTE])
    hypothesis = normalize_for_wer(transcript.text)
    assert jiwer.wer(reference, hypothesis) < 0.35, (reference, hypothesis)
    assert transcript.language == "fr"
    assert_words_are_timed(transcript.words, audio.duration_s, strictly=False)
    assert " ".join(word.word for word in transcript.words) == transcript.text


def test_whisper_engine_satisfies_the_engine_protocol(whisper_engine: WhisperEngine) -> None:
    assert isinstance(whisper_engine, SpeechEngine)
    assert whisper_engine.name == "whisper"


def test_transcribe_audio_reports_timings_engine_and_model(whisper_engine: WhisperEngine) -> None:
    result = transcribe_audio(AUDIO_DEV / f"{FRENCH_NOTE}.m4a", engine=whisper_engine)

    assert result.engine == "whisper"
    assert result.model == WHISPER_MODEL.name
    assert result.duration_s == pytest.approx(8.94, abs=0.1)
    assert result.decode_seconds > 0
    assert result.transcribe_seconds > 0
    assert "lettre de motivation" in result.text.lower()


def test_vosk_transcribes_korean_speech_with_timed_words(
    vosk_ko_engine: VoskEngine, espeak: str, tmp_path: Path
) -> None:
    spoken = speak(
        espeak,
        "ko",
        "안녕하세요. 저는 오늘 회사에 이력서를 보냈습니다. 내일은 면접이 있습니다.",
        tmp_path / "ko.wav",
    )
    audio = decode_audio(spoken)

    transcript = vosk_ko_engine.transcribe(audio.samples)

    assert transcript.text.strip()
    assert "있습니다" in transcript.text.replace(" ", "")
    assert_words_are_timed(transcript.words, audio.duration_s)
    assert isinstance(vosk_ko_engine, SpeechEngine)


def test_transcribe_audio_says_no_speech_when_the_engine_hears_no_word(
    vosk_ko_engine: VoskEngine, tmp_path: Path
) -> None:
    """A low hum is not silence (it reaches the engine) but holds no word: NoSpeech, not an empty text."""
    hum = encode(
        tmp_path / "hum.wav",
        tone(2.0, 16_000, frequency=150),
        rate=16_000,
        container_format="wav",
        codec="pcm_s16le",
    )

    with pytest.raises(NoSpeech) as raised:
        transcribe_audio(hum, engine=vosk_ko_engine)

    assert "recognised no word" in raised.value.detail


def test_check_model_names_the_setting_when_the_directory_is_missing(tmp_path: Path) -> None:
    with pytest.raises(SpeechModelUnavailable) as raised:
        check_model("whisper", tmp_path / "absent")

    assert "SPEECH_MODEL_PATH" in raised.value.detail
    assert str(tmp_path / "absent") in raised.value.detail
    assert "install_speech_model" in raised.value.detail


@pytest.mark.parametrize(("engine", "missing"), [("whisper", "model.bin"), ("vosk", "am/final.mdl")])
def test_check_model_says_which_files_an_empty_directory_lacks(
    tmp_path: Path, engine: str, missing: str
) -> None:
    with pytest.raises(SpeechModelUnavailable) as raised:
        check_model(engine, tmp_path)

    assert "SPEECH_MODEL_PATH" in raised.value.detail
    assert missing in raised.value.detail
    assert raised.value.code == "speech_model_unavailable"


def test_check_model_refuses_an_unknown_engine(tmp_path: Path) -> None:
    with pytest.raises(SpeechModelUnavailable) as raised:
        check_model("kaldi", tmp_path)

    assert "SPEECH_ENGINE" in raised.value.detail


def test_check_model_accepts_the_real_models() -> None:
    check_model("whisper", WHISPER_MODEL)
    check_model("vosk", vosk_ko_model_path())


def test_check_model_refuses_a_whisper_model_given_to_vosk() -> None:
    with pytest.raises(SpeechModelUnavailable) as raised:
        check_model("vosk", WHISPER_MODEL)

    assert "am/final.mdl" in raised.value.detail


def test_get_engine_loads_the_configured_model_once_across_threads(settings) -> None:
    settings.SPEECH_ENGINE = "whisper"
    settings.SPEECH_MODEL_PATH = WHISPER_MODEL
    reset_engine()
    try:
        assert engine_info()["loaded"] is False

        with ThreadPoolExecutor(max_workers=4) as pool:
            engines = list(pool.map(lambda _: get_engine(), range(4)))

        assert all(engine is engines[0] for engine in engines)
        assert get_engine() is engines[0]
        assert engines[0].name == "whisper"
        assert engine_info() == {"engine": "whisper", "model_path": str(WHISPER_MODEL), "loaded": True}
    finally:
        reset_engine()


def test_get_engine_fails_clearly_without_a_model(settings, tmp_path: Path) -> None:
    settings.SPEECH_ENGINE = "vosk"
    settings.SPEECH_MODEL_PATH = tmp_path / "vosk-model-small-fr-0.22"
    reset_engine()

    with pytest.raises(SpeechModelUnavailable) as raised:
        get_engine()

    assert "SPEECH_MODEL_PATH" in raised.value.detail
    assert engine_info()["loaded"] is False


def test_load_engine_builds_whisper_from_settings(settings) -> None:
    settings.WHISPER_BEAM_SIZE = 2
    settings.SPEECH_LANGUAGE = "fr"

    engine = load_engine("whisper", WHISPER_MODEL)

    assert isinstance(engine, WhisperEngine)
    assert engine.beam_size == 2
    assert engine.language == "fr"


def test_vosk_hands_over_to_a_fresh_recogniser_at_pauses_with_absolute_word_times(
    vosk_ko_engine: VoskEngine, espeak: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long notes: a fresh Kaldi recogniser takes over at a pause after RENEW_AFTER_S (memory stays flat);
    the words after the hand-over keep their times from the start of the note."""
    import numpy as np

    import speech.engines.vosk as vosk_module

    sentence = decode_audio(speak(espeak, "ko", "저는 오늘 회사에 이력서를 보냈습니다.", tmp_path / "s.wav"))
    pause = np.zeros(16_000, dtype=np.float32)  # one second of silence: an utterance end for Kaldi
    segment = np.concatenate([sentence.samples, pause])
    alone = vosk_ko_engine.transcribe(segment)
    assert alone.words

    monkeypatch.setattr(vosk_module, "RENEW_AFTER_S", 0.5)
    created = []
    make = VoskEngine._recognizer
    monkeypatch.setattr(VoskEngine, "_recognizer", lambda self: created.append(1) or make(self))
    renewed = vosk_ko_engine.transcribe(np.concatenate([segment] * 3))

    assert len(created) >= 3  # a fresh recogniser at each pause past the limit
    # Words of every segment, timed from the start of the note, in order (Kaldi's choice of words may
    # differ slightly with where the hand-over falls in the pause).
    length_s = len(segment) / 16_000
    assert_words_are_timed(renewed.words, 3 * length_s)
    for k in range(3):
        inside = [w for w in renewed.words if k * length_s <= w.start < (k + 1) * length_s]
        assert len(inside) >= len(alone.words) - 2, (k, renewed.words)
    assert renewed.words[0].start == pytest.approx(alone.words[0].start, abs=0.05)


def _whisper_dir_with(tmp_path: Path, model_bin: bytes) -> Path:
    """A faster-whisper directory: the real tokenizer and vocabulary beside the given model.bin."""
    directory = tmp_path / "whisper"
    directory.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        (directory / name).symlink_to(WHISPER_MODEL / name)
    (directory / "model.bin").write_bytes(model_bin)
    return directory


def test_check_model_refuses_a_truncated_model_bin_before_ctranslate2_loads_it(tmp_path: Path) -> None:
    """A copy cut short (a disk full, an interrupted download) is caught at start-up with what to do,
    not at the first note by CTranslate2's "invalid payload size"."""
    with (WHISPER_MODEL / "model.bin").open("rb") as whole:
        directory = _whisper_dir_with(tmp_path, whole.read(3_000_000))

    with pytest.raises(SpeechModelUnavailable) as raised:
        check_model("whisper", directory)

    assert "model.bin is truncated" in raised.value.detail
    assert "SPEECH_MODEL_PATH" in raised.value.detail
    # and CTranslate2 itself would indeed refuse it, later and less clearly
    from faster_whisper import WhisperModel

    with pytest.raises(RuntimeError):
        WhisperModel(str(directory), device="cpu", compute_type="int8", local_files_only=True)


def test_check_model_refuses_a_ctranslate2_model_that_is_not_whisper(tmp_path: Path) -> None:
    name = b"TransformerSpec\0"
    header = struct.pack("<I", 6) + struct.pack("<H", len(name)) + name + struct.pack("<II", 1, 0)
    directory = _whisper_dir_with(tmp_path, header + struct.pack("<I", 0))

    with pytest.raises(SpeechModelUnavailable) as raised:
        check_model("whisper", directory)

    assert "TransformerSpec model, not a Whisper one" in raised.value.detail


def test_check_model_refuses_a_model_bin_that_is_not_ctranslate2(tmp_path: Path) -> None:
    directory = _whisper_dir_with(tmp_path, b"<html>404 Not Found</html>")

    with pytest.raises(SpeechModelUnavailable) as raised:
        check_model("whisper", directory)

    assert "not a CTranslate2 model" in raised.value.detail
