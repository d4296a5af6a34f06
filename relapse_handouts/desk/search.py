"""Finding a handout in a nurse's words, in English and French.

A handout's search text holds its title and description in the family's language and in
both desk languages, its language's names (its own, English, French, and the names
nurses say), the names of its medicines (generic, brands, other names: Kymriah,
Blincyto), and the words nurses use for each topic (``TOPIC_WORDS``). Accents, case and
hyphens do not matter: "CAR-T", "car t" and "SNC" find what they should.
"""

from __future__ import annotations

import unicodedata

__all__ = ["TOPIC_WORDS", "LANGUAGE_WORDS", "folded", "matches"]

# Words nurses use for each topic (variant id), English then French, beyond the titles.
TOPIC_WORDS = {
    "general": "relapse relapsed refractory overview rechute réfractaire aperçu",
    "marrow": "bone marrow relapse medullary moelle osseuse rechute médullaire",
    "cns": "CNS relapse brain spinal cord spinal fluid CSF lumbar puncture intrathecal "
    "rechute SNC cerveau moelle épinière liquide céphalorachidien LCR ponction lombaire",
    "testicular": "testicular relapse testicle testis testes rechute testiculaire testicule",
    "refractory": "refractory resistant no remission réfractaire résistante",
    "blinatumomab": "blinatumomab Blincyto immunotherapy bispecific immunothérapie",
    "car-t": "CAR-T CAR T car t cell tisagenlecleucel Kymriah cell therapy "
    "cellules CAR-T thérapie cellulaire",
    "transplant": "transplant stem cell bone marrow transplant BMT HSCT allogeneic "
    "greffe cellules souches greffe de moelle",
}
# Names nurses say for a language, beyond its own, English and French names.
LANGUAGE_WORDS = {
    "en-CA": "English anglais",
    "fr-CA": "French français",
    "es": "Spanish espagnol castellano",
    "zh-Hans": "Chinese Mandarin simplified chinois mandarin simplifié 中文 普通话",
    "ar": "Arabic arabe",
    "pa": "Punjabi Panjabi Gurmukhi pendjabi panjabi",
}


def folded(text: str) -> str:
    """``text`` for matching: no case, no accents, hyphens joined ("CAR-T" -> "cart")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")  # as desk.js
    return bare.replace("-", "").replace("\u2011", "")


def matches(query: str, text: str) -> bool:
    """Every word of ``query`` is in ``text`` (both folded); "car t" also finds "cart"."""
    words = folded(query).split()
    haystack = folded(text)
    joined = haystack.replace(" ", "")
    return all(word in haystack for word in words) or (
        len(words) > 1 and "".join(words) in joined and all(w in haystack for w in words[:1])
    )
