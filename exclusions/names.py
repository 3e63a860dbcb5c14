"""Name normalization for possible-match screening (domain.md: "the same normalized legal
name"). Case, punctuation, "&"/"and" and trailing corporate designators ("Inc.", "L.L.C.")
are not what distinguishes one business from another in an exclusion list, so they are
removed before comparing; what is left must be equal."""

import re
import unicodedata

_DESIGNATORS = {
    "inc", "incorporated", "llc", "lc", "ltd", "limited", "co", "company", "corp", "corporation",
    "lp", "llp", "lllp", "plc", "pc", "pllc", "the",
}
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize_name(name: str | None) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    # "L.L.C." and "L L C" become "llc" before words are split.
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)
    text = re.sub(r"\b([a-z])\.", r"\1", text)
    words = [w for w in _NON_WORD.split(text) if w]
    while words and words[-1] in _DESIGNATORS:
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)
