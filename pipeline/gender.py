"""The grammatical gender a name or pronoun implies, for agreement in pronoun resolution.

"she said" after a quote refers to the nearest fitting *female* speaker. A watchlist actor may declare
``gender``; anyone else gets one from their first name through gender-guesser's name dictionary, or from a
courtesy title ("Mrs", "Mr"). Unknown stays unknown (None): agreement is then not checked, never guessed.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Literal

Gender = Literal["female", "male"]

# Pronouns that carry a gender; "they", "it", "we" carry none (number and kind are checked elsewhere).
PRONOUN_GENDER: dict[str, Gender] = {
    "he": "male",
    "him": "male",
    "his": "male",
    "himself": "male",
    "she": "female",
    "her": "female",
    "hers": "female",
    "herself": "female",
}
# Courtesy titles that give a gender before any first name.
_TITLE_GENDER: dict[str, Gender] = {
    "mrs": "female",
    "ms": "female",
    "miss": "female",
    "madam": "female",
    "baroness": "female",
    "lady": "female",
    "queen": "female",
    "mr": "male",
    "sir": "male",
    "lord": "male",
    "baron": "male",
    "king": "male",
}
# gender-guesser's answers that are sure enough to check agreement with.
_SURE: dict[str, Gender] = {"female": "female", "male": "male"}


@cache
def _detector() -> object:
    # gender-guesser reads its 40,000-name dictionary once (~0.4 s), only when a pronoun needs it.
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


@lru_cache(maxsize=20_000)
def name_gender(name: str | None) -> Gender | None:
    """The gender a person's name implies ("Nicola Sturgeon" → female, "Mr Davis" → male), or None."""
    if not name:
        return None
    words = [w.strip(".,") for w in name.split() if w.strip(".,")]
    for word in words[:3]:
        titled = _TITLE_GENDER.get(word.lower())
        if titled is not None:
            return titled
    for word in words:
        if word[:1].isupper() and word.isalpha() and len(word) > 1:
            guess = _SURE.get(str(_detector().get_gender(word)))  # type: ignore[attr-defined]
            if guess is not None:
                return guess  # the first word the dictionary is sure of: "Foreign Minister Sergey" → Sergey
    return None


def pronoun_gender(written: str) -> Gender | None:
    """The gender a pronoun carries ("she" → female), or None for anything else."""
    return PRONOUN_GENDER.get(written.strip().lower())


@lru_cache(maxsize=20_000)
def is_given_name(word: str) -> bool:
    """Whether the name dictionary knows ``word`` as a given name, of either or no clear gender."""
    if not word[:1].isupper() or not word.isalpha():
        return False
    return str(_detector().get_gender(word)) != "unknown"  # type: ignore[attr-defined]
