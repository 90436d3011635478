"""Korean particles chosen by the word before them: 카푸치노는, 아메리카노를, 마들렌은, 5,000원과.

Messages name products, vendors and sites whose last sound is only known at run time; writing
"은(는)" everywhere reads like a form, so the particle is picked from the final syllable's
받침 (jongseong). Digits are read as Sino-Korean numbers (1 일, 3 삼, 6 육 …).
"""

from __future__ import annotations

#: particle pairs: (after a final consonant, after a vowel)
PAIRS = {
    "은/는": ("은", "는"),
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "과/와": ("과", "와"),
    "이다/다": ("이다", "다"),
    "으로/로": ("으로", "로"),
}

#: 받침 of each digit as read aloud: 영 일 이 삼 사 오 육 칠 팔 구 (0 = none, 8 = ㄹ)
_DIGIT_FINAL = {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}
_RIEUL = 8
_SKIP = " )]}'\"’”」』.…"


def _final(word: str) -> int | None:
    """The 받침 index of the word's last sound (0 = none), None when it cannot be told."""
    for ch in reversed(word):
        if ch in _SKIP:
            continue
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28
        if ch in _DIGIT_FINAL:
            return _DIGIT_FINAL[ch]
        if ch.isascii() and ch.isalpha():
            return 8 if ch.lower() in "lr" else (4 if ch.lower() in "mn" else 0)
        return None
    return None


def particle(word: str, pair: str) -> str:
    """Just the particle for ``word`` (e.g. ``particle("카푸치노", "은/는")`` → "는")."""
    after_consonant, after_vowel = PAIRS[pair]
    final = _final(word)
    if final is None:  # a symbol at the end: both forms, as printed forms do
        return "(으)로" if pair == "으로/로" else f"{after_consonant}({after_vowel})"
    if pair == "으로/로":
        return after_vowel if final in (0, _RIEUL) else after_consonant
    return after_consonant if final else after_vowel


def josa(word: object, pair: str) -> str:
    """The word with its particle: ``josa("카푸치노", "은/는")`` → "카푸치노는"."""
    text = str(word)
    return text + particle(text, pair)


def init_app(app) -> None:
    """``{{ name|josa("을/를") }}`` in templates."""
    app.jinja_env.filters["josa"] = josa
