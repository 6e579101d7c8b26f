"""Which Chinese encoding undeclared bytes are in: GB18030 (GB2312, GBK) or Big5 (CP950, Big5-HKSCS).

Shared by the scrapers (pages they read for links) and the pipeline's readers (reports), so both decode a
page alike; standard library only, like the rest of the registry.

Almost any run of byte pairs decodes without error as GB18030 and as Big5 alike, so a decoder that tries
GB18030 first reads every Big5 page (traditional characters, served by big5 gateways) as garbage. The choice
therefore compares the candidate decodings of the same bytes:

- characters that are no text: U+FFFD (bytes the codec rejects), private-use code points (where GB18030 puts
  its user-defined pairs, which Big5's punctuation rows A1-A3 fall into), C0 controls;
- the share of common characters: GB2312's level-1 hanzi (3755, the common simplified characters) and Big5's
  level-1 characters (5401, the common traditional ones), both read from the codecs themselves. The right
  decoding of a text in either script is nearly all common characters (simplified text saved as GBK and
  traditional text saved as GBK or Big5 alike); a wrong one about half of them, with many non-characters.

The score is (common - 3 x non-characters) / CJK characters; the best candidate wins, GB18030 on a tie (no
CJK at all). A 20-character title is enough to tell them apart (1.0 against 0.3 or less).
"""

from __future__ import annotations

from functools import cache

GB18030 = "gb18030"
BIG5 = ("cp950", "big5hkscs")  # Microsoft's Big5 (Taiwan), and Hong Kong's superset
CANDIDATES = (GB18030, *BIG5)
_SAMPLE = 200_000
_PENALTY = 3


def _pairs(codec: str, first: int, last: int) -> set[str]:
    out: set[str] = set()
    for code in range(first, last + 1):
        b1, b2 = code >> 8, code & 0xFF
        if not (0x40 <= b2 <= 0x7E or 0xA1 <= b2 <= 0xFE):
            continue
        try:
            ch = bytes((b1, b2)).decode(codec)
        except UnicodeDecodeError:
            continue
        if len(ch) == 1:
            out.add(ch)
    return out


@cache
def common_characters() -> frozenset[str]:
    """GB2312 level-1 hanzi (B0A1-D7F9) and Big5 level-1 characters (A440-C67E)."""
    return frozenset(_pairs("gb2312", 0xB0A1, 0xD7FE) | _pairs("big5", 0xA440, 0xC67E))


def _cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def _bad(ch: str) -> bool:
    return ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff" or (ch < " " and ch not in "\t\n\r\f")


def score(text: str) -> float:
    """(common characters - 3 x non-characters) per CJK character of a decoded text; 0.0 without any."""
    common = common_characters()
    n = good = bad = 0
    for ch in text:
        if ch < "\x80" and ch >= " ":
            continue
        if _bad(ch):
            bad += 1
        elif _cjk(ch):
            n += 1
            good += ch in common
    return (good - _PENALTY * bad) / n if n else (-float(bad) if bad else 0.0)


def scores(data: bytes, candidates: tuple[str, ...] = CANDIDATES) -> dict[str, float]:
    """Each candidate codec's score for (a sample of) the bytes."""
    sample = data[:_SAMPLE]
    return {c: score(sample.decode(c, "replace")) for c in candidates}


def guess_cjk(data: bytes, candidates: tuple[str, ...] = CANDIDATES) -> str:
    """The candidate codec whose decoding of the bytes reads best (see the module docstring)."""
    got = scores(data, candidates)
    return max(candidates, key=lambda c: (got[c], c == GB18030))


def family(codec: str) -> str | None:
    """"gb" or "big5" for the codecs of either family (any spelling Python knows), else None."""
    import codecs

    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return None
    if name in ("gb2312", "gbk", "gb18030", "hz"):
        return "gb"
    if name in ("big5", "cp950", "big5hkscs"):
        return "big5"
    return None


def check_declared(data: bytes, codec: str) -> str:
    """A declared GB or Big5 codec, or the other family's best when the declared one reads clearly worse
    (a page declaring gb2312 that is Big5, or the reverse): the declaration is kept unless its decoding
    scores below 0.5 and another candidate's at least 0.3 better."""
    fam = family(codec)
    if fam is None:
        return codec
    others = tuple(c for c in CANDIDATES if family(c) != fam)
    got = scores(data, (codec, *others))
    best = max(others, key=lambda c: got[c])
    return best if got[codec] < 0.5 and got[best] >= got[codec] + 0.3 else codec
