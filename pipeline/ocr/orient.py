"""Pages scanned sideways or upside down: the quarter turns that stand a page upright, decided by reading.

After deskewing, text lines and rules are level, but the page may still lie at 90°, 180° or 270°. The rules
and the ink alone cannot tell a page from its upside-down copy; the recogniser can: a few text lines are cut
from the page as it stands (rows of ink one glyph high), their first glyphs read, and the Chinese characters
among them scored (each character's probability above one half, summed). An upright page scores well and is
taken at once; otherwise every quarter turn is read and the best taken when it is clearly better. Digits are
left out of the score: a column of zeros reads as zeros whichever way it is turned.
"""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.ocr import engine
from pipeline.ocr.grid import line_masks
from pipeline.ocr.image import PageImage, binarise, rotate, skew_angle, turn
from pipeline.ocr.page import _crop, _text_mask, glyph_height, text_bands

PROBE_LINES = 6  # text lines read per orientation
PROBE_GLYPHS = 8  # the first glyphs of each line only
_UPRIGHT = (8, 0.85)  # this many Chinese characters at this mean probability: the page stands upright


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _score(gray: np.ndarray, dpi: float) -> tuple[float, int, float]:
    """(score, Chinese characters read, their mean probability) of a page as it stands."""
    ink = binarise(gray)
    horiz, vert = line_masks(ink, dpi)
    rules = cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))
    text = _text_mask(ink, rules, dpi)
    glyph = glyph_height(text, dpi)
    # rows of ink one glyph high and a few glyphs long: text lines as the page stands (a page lying sideways
    # has its lines across: its rows of ink are columns of text, too tall or too short to qualify)
    lines = [b for b in text_bands(text, glyph) if 0.5 * glyph <= b[3] - b[1] <= 1.6 * glyph
             and b[2] - b[0] >= 3 * glyph]
    if len(lines) > PROBE_LINES:  # spread over the page
        lines = [lines[int(i * len(lines) / PROBE_LINES)] for i in range(PROBE_LINES)]
    if not lines:
        return 0.0, 0, 0.0
    boxes = [(x0, y0, min(x1, x0 + round(PROBE_GLYPHS * glyph)), y1) for x0, y0, x1, y1 in lines]
    probs = [p for r in engine.recognise([_crop(gray, rules, b, 1) for b in boxes])
             for ch, p in zip(r.text, r.chars, strict=False) if _cjk(ch)]
    if not probs:
        return 0.0, 0, 0.0
    return float(sum(p - 0.5 for p in probs)), len(probs), float(np.mean(probs))


def upright_turns(gray: np.ndarray, dpi: float) -> int:
    """Quarter turns (counter-clockwise, numpy.rot90) that stand a level page upright; 0 when nothing says
    otherwise (a page without Chinese text stays as it is)."""
    score0, n, mean = _score(gray, dpi)
    if n >= _UPRIGHT[0] and mean >= _UPRIGHT[1]:
        return 0
    scores = {0: score0, **{k: _score(turn(gray, k), dpi)[0] for k in (1, 2, 3)}}
    best = max(scores, key=lambda k: scores[k])
    return best if best and scores[best] >= max(2.0, 2 * scores[0]) else 0


def straighten(gray: np.ndarray, dpi: float) -> PageImage:
    """A page (seal and colour already dropped) deskewed and stood upright."""
    angle = skew_angle(binarise(gray))
    level = rotate(gray, angle)
    turns = upright_turns(level, dpi)
    return PageImage(turn(level, turns), dpi, angle, turns)
