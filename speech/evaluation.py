"""Text normalisation for word error rates, as the dev datasets' README prescribes.

Lower case, no punctuation, no hesitations, numbers in one spelling on both sides (digits, through
text2num, because recognisers print "3" or "trois" unpredictably).
"""

from __future__ import annotations

import re
import unicodedata

from text_to_num import alpha2digit

HESITATIONS = frozenset({"euh", "heu", "hum", "hmm", "mmh", "hein", "bah", "ben", "beh"})
_NOT_WORD = re.compile(r"[^\w]+")


def normalize_for_wer(text: str, *, language: str = "fr") -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").lower()
    # "80 %" and "80 pourcent" are the same words spoken.
    text = text.replace("%", " pour cent ").replace("pourcent", "pour cent")
    text = alpha2digit(text, language, threshold=0)
    words = _NOT_WORD.sub(" ", text).split()
    return " ".join(word for word in words if word not in HESITATIONS)
