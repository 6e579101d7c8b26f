"""Text normalisation shared by readers and the normaliser: NFKC, look-alike folding, label cores."""

from __future__ import annotations

import re
import unicodedata

# CJK Radicals Supplement look-alikes that NFKC leaves alone (PDF text layers use them).
_RADICALS = {
    "⺠": "民", "⺟": "母", "⻔": "门", "⻋": "车", "⻅": "见",
    "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食", "⻢": "马", "⻥": "鱼", "⻦": "鸟", "⻨": "麦",
    "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻰": "龙", "⻳": "龟", "⺁": "厂", "⺇": "几", "⺈": "刀",
    "⺊": "卜", "⺌": "小", "⺍": "小", "⺎": "兀", "⺏": "尢", "⺐": "尢", "⺑": "尢", "⺒": "巳",
    "⺓": "幺", "⺔": "彐", "⺖": "心", "⺗": "心", "⺘": "手", "⺙": "攴", "⺛": "旡", "⺝": "月",
    "⺞": "歹", "⺡": "水", "⺢": "水", "⺣": "火", "⺤": "爪", "⺥": "爪", "⺦": "丬", "⺧": "牛",
    "⺨": "犬", "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示", "⺭": "示", "⺮": "竹", "⺯": "糸",
    "⺰": "糸", "⺱": "网", "⺲": "网", "⺳": "网", "⺴": "网", "⺵": "网", "⺶": "羊", "⺷": "羊",
    "⺸": "羊", "⺹": "老", "⺺": "聿", "⺻": "聿", "⺼": "肉", "⺽": "臼", "⺾": "艹", "⺿": "艹",
    "⻀": "艹", "⻁": "虎", "⻂": "衣", "⻃": "襾", "⻄": "西", "⻆": "角", "⻇": "角", "⻈": "言",
    "⻉": "贝", "⻊": "足", "⻌": "辶", "⻍": "辶", "⻎": "辶", "⻏": "阝", "⻐": "金", "⻑": "长",
    "⻒": "长", "⻕": "门", "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻟": "食", "⻠": "食",
    "⻡": "首", "⻤": "鬼", "⻧": "卤", "⻪": "黾", "⻫": "齐", "⻭": "齿", "⻯": "龙", "⻱": "龟",
    "⻲": "龟",
}
_RADICAL_TABLE = str.maketrans(_RADICALS)
_SPACE_RE = re.compile(r"\s+")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "—", "\ufe63": "-"})


def clean(text: str) -> str:
    """NFKC, look-alike radicals folded, every run of whitespace (incl. nbsp) made one space, trimmed."""
    text = unicodedata.normalize("NFKC", text).translate(_RADICAL_TABLE)
    return _SPACE_RE.sub(" ", text.replace("\u200b", "").replace("\ufeff", "")).strip()


def squeeze(text: str) -> str:
    """`clean` with all spaces removed: labels broken by spaces ("社会 公益 组织") become whole again."""
    return clean(text).replace(" ", "")


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


def core(label: str) -> str:
    """The comparable core of a label: squeezed, numbering and punctuation removed."""
    s = squeeze(label)
    while True:
        kind, _, rest = numbering(s)
        if kind is None or rest == s:
            break
        s = rest
    return _PUNCT_RE.sub("", s)


def fold_minus(text: str) -> str:
    """Unicode minus/dash variants used as minus signs → ASCII hyphen-minus (em dash kept as a dash)."""
    return text.translate(_MINUS)
