"""Text normalisation shared by readers and the normaliser: NFKC, look-alike folding, label cores."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.fold import fold_label

# CJK Radicals Supplement (U+2E80–U+2EFF) → the unified ideograph each one stands for, taken from Unicode's
# EquivalentUnifiedIdeograph.txt (Debian package unicode-data). NFKC leaves these alone; PDF fonts map glyphs
# such as 民 to ⺠. Pairs of characters: radical, ideograph.
_RADICAL_PAIRS = (
    "⺁厂⺂乛⺃乚⺄乙⺅亻⺆冂⺇𠘨⺈刀⺉刂⺊卜⺋㔾⺌小⺍小⺎兀⺏尣⺐尢⺑𡯂⺒巳⺓幺⺔彑⺕\U0002b739⺖忄⺗心⺘扌⺙攵⺛旡⺜日⺝月⺞歺⺟母⺠民⺡氵"
    "⺢氺⺣灬⺤爫⺥爫⺦丬⺧牛⺨犭⺩王⺪𤴔⺫目⺬示⺭礻⺮𥫗⺯糹⺰纟⺱罓⺲罒⺳㓁⺴冗⺵𦉫⺶羊⺷𦍌⺸𦍋⺹耂⺺肀⺻聿⺼肉⺽𦥑⺾艹⺿艹⻀艹⻁虎"
    "⻂衤⻃覀⻄西⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻍辶⻎辶⻏邑⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻗雨⻘青⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠⻠饣⻡𩠐"
    "⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻭歯⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
RADICALS_SUPPLEMENT: dict[str, str] = {_RADICAL_PAIRS[i]: _RADICAL_PAIRS[i + 1] for i in range(0, len(_RADICAL_PAIRS), 2)}
# Kangxi radicals (U+2F00–U+2FDF) and CJK compatibility ideographs (U+F900–U+FAFF) fold under NFKC.
_FOLD_TABLE: dict[int, str] = {ord(k): v for k, v in RADICALS_SUPPLEMENT.items()}
for _cp in [*range(0x2F00, 0x2FE0), *range(0xF900, 0xFB00)]:
    _folded = unicodedata.normalize("NFKC", chr(_cp))
    if _folded != chr(_cp):
        _FOLD_TABLE[_cp] = _folded


_FOLDABLE = re.compile("[" + "".join(map(chr, sorted(_FOLD_TABLE))) + "]")  # most text holds none: no translate


def fold_cjk(text: str) -> str:
    """Replace look-alike radicals (Kangxi, CJK Radicals Supplement, compatibility ideographs) by ideographs."""
    return text.translate(_FOLD_TABLE) if _FOLDABLE.search(text) else text


_SPACE_RE = re.compile(r"\s+")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "—", "\ufe63": "-"})


@lru_cache(maxsize=1 << 16)  # labels and cell texts repeat from table to table and report to report
def clean(text: str) -> str:
    """NFKC, look-alike radicals folded, every run of whitespace (incl. nbsp) made one space, trimmed."""
    text = fold_cjk(unicodedata.normalize("NFKC", text))
    return _SPACE_RE.sub(" ", text.replace("\u200b", "").replace("\ufeff", "")).strip()


def squeeze(text: str) -> str:
    """`clean` with all spaces removed: labels broken by spaces ("社会 公益 组织") become whole again."""
    return clean(text).replace(" ", "")


def fold(text: str) -> str:
    """`squeeze` in the template's characters and words (traditional → simplified, 资讯 → 信息): for matching."""
    return fold_label(squeeze(text))


# Numbering at the start of a label: 一、 （一） (1) 1. 1、 1．
_CN_NUM = "一二三四五六七八九十"
_TOP_RE = re.compile(rf"^([{_CN_NUM}]+)[、.,]")
_GROUP_RE = re.compile(rf"^\(([{_CN_NUM}]+)\)")
_SUB_RE = re.compile(r"^\(?(\d{1,2})[\).、,]?(?=\D)")
_PUNCT_RE = re.compile(r"[()\[\]【】《》<>“”\"'‘’:;,.、。!?·•/\\|_\-—~～…]")


def cn_number(text: str) -> int:
    """一 → 1 … 十 → 10 (enough for template numbering)."""
    if text == "十":
        return 10
    return _CN_NUM.index(text[-1]) + 1 + (10 if len(text) > 1 else 0)


def numbering(label: str) -> tuple[str | None, int | None, str]:
    """Split a squeezed label into (kind, number, rest): kind is "top" (一、), "group" ((一)), "sub" (1.)."""
    for kind, rx in (("top", _TOP_RE), ("group", _GROUP_RE)):
        m = rx.match(label)
        if m:
            return kind, cn_number(m.group(1)), label[m.end():]
    m = _SUB_RE.match(label)
    if m and not label[m.end():m.end() + 1].isdigit():
        return "sub", int(m.group(1)), label[m.end():]
    return None, None, label


@lru_cache(maxsize=1 << 16)
def core(label: str) -> str:
    """The comparable core of a label: folded (`fold`), numbering and punctuation removed."""
    s = fold(label)
    while True:
        kind, _, rest = numbering(s)
        if kind is None or rest == s:
            break
        s = rest
    return _PUNCT_RE.sub("", s)


def fold_minus(text: str) -> str:
    """Unicode minus/dash variants used as minus signs → ASCII hyphen-minus (em dash kept as a dash)."""
    return text.translate(_MINUS)
