"""Speech failures with a stable machine code and a French message for the person."""

from __future__ import annotations


class SpeechError(Exception):
    code = "speech_error"
    message = "La note vocale n'a pas pu être traitée."

    def __init__(self, message: str | None = None, *, detail: str = "") -> None:
        if message:
            self.message = message
        # `detail` is for logs only (English, technical); never shown to people.
        self.detail = detail
        super().__init__(detail or self.message)


class AudioUnreadable(SpeechError):
    code = "audio_unreadable"
    message = "Le fichier envoyé n'est pas un enregistrement audio lisible."


class AudioTooLarge(SpeechError):
    code = "audio_too_large"
    message = "La note vocale est trop volumineuse."


class AudioTooLong(SpeechError):
    code = "audio_too_long"
    message = "La note vocale est trop longue."


class AudioEmpty(SpeechError):
    code = "audio_empty"
    message = "La note vocale est vide ou trop courte."


class NoSpeech(SpeechError):
    code = "no_speech"
    message = "Aucune parole n'a été reconnue dans la note vocale."


class SpeechModelUnavailable(SpeechError):
    code = "speech_model_unavailable"
    message = "Le service de transcription est momentanément indisponible."
