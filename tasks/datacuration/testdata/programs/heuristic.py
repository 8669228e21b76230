# A sensible hand-written filter: strip HTML and site furniture, drop spam,
# broken encodings, fragments and exact duplicates.
import re

_TAG = re.compile(r"<[^>]*>|&[a-z]+;")
_FURNITURE = ("home |", "skip to content", "you are here", "share on social", "cookies",
              "all rights reserved", "newsletter", "related posts")
_seen = set()


def curate(doc):
    lines = [ln for ln in doc.split("\n") if not any(f in ln.lower() for f in _FURNITURE)]
    text = _TAG.sub(" ", "\n".join(lines))
    text = re.sub(r"[ \t]+", " ", text).strip()
    if "!!!" in doc or "Ã" in doc:
        return False, text
    if len(text.split()) < 20:
        return False, text
    key = " ".join(text.lower().split())
    if key in _seen:
        return False, text
    _seen.add(key)
    return True, text
