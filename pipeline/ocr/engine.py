"""The OCR engine: RapidOCR's PP-OCR text recogniser on onnxruntime, models shipped inside its wheel.

Only the recogniser is used (text lines are found by the page analysis, not by a detection model), on one
thread. Short crops (a table's numbers) are packed side by side into strips, so one recogniser call reads a
row of values instead of one call per cell; the CTC output is decoded here with each character's position and
probability, which assigns characters back to their crops and gives every value its confidence. Crops that
print the same value (pipeline.ocr.alike) are read once for all, checked by a second copy.

In a crop that reads as a number, characters that print alike and mean the same digit (0 and the letters O/o,
〇; 1 and l/I/|) count as one: a lone round glyph is 0 in a table of numbers, and its confidence is the
probability of that digit's look, not the recogniser's doubt between the digit and the letter.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.document import ReaderError
from pipeline.ocr import alike as _alike

EXTRA = "ocr"
INSTALL_HINT = f"install the OCR extra: pip install 'ogi-reports[{EXTRA}]' (rapidocr + onnxruntime)"
LINE_HEIGHT = 48  # the recogniser's input height
_STRIP_WIDTH = 960  # packed strips are at most this wide (pixels at LINE_HEIGHT)
_LONG = 4  # crops wider than this many line heights are text lines (labels, prose), not values
_lock = threading.Lock()
_engine = None
# characters the recogniser confuses with a digit, by the digit they stand for in a number
_DIGIT_ALIKES = {"0": "OoＯ０〇", "1": "lI|１Ｉｌ"}
_NUMBER_CHARS = set("0123456789.,%-") | {c for v in _DIGIT_ALIKES.values() for c in v}
_folds: list[tuple[str, np.ndarray]] | None = None  # (digit, class indices of the digit and its look-alikes)


class OcrUnavailable(ReaderError):
    """The OCR extra is not installed: the document keeps status needs_ocr."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"scanned document (OCR needed): {INSTALL_HINT} [{detail}]", "needs_ocr")


@dataclass(frozen=True, slots=True)
class Reading:
    """Text read from one crop, with the lowest probability among its characters (1.0 for no text)."""

    text: str
    confidence: float
    chars: tuple[float, ...] = ()  # each character's probability


def _load():
    global _engine
    with _lock:
        if _engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:  # the optional extra is not installed
                raise OcrUnavailable(f"{type(exc).__name__}: {exc}") from exc
            threads = int(os.environ.get("OGI_OCR_THREADS", "1"))
            engine = RapidOCR(params={
                "Global.log_level": "error", "Global.use_cls": False,
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            })
            _engine = engine._load_rec_model()
    return _engine


def _fold_classes(rec) -> list[tuple[str, np.ndarray]]:
    global _folds
    if _folds is None:
        charset = rec.postprocess_op.character
        index = {ch: i for i, ch in enumerate(charset)}
        _folds = [(d, np.array([index[c] for c in d + alikes if c in index])) for d, alikes in _DIGIT_ALIKES.items()]
    return _folds


def available() -> bool:
    try:
        _load()
    except OcrUnavailable:
        return False
    return True


def _to_line(img: np.ndarray) -> np.ndarray:
    """A crop scaled to the recogniser's height, as 3-channel uint8."""
    h, w = img.shape[:2]
    new_w = max(1, round(w * LINE_HEIGHT / max(h, 1)))
    line = cv2.resize(img, (new_w, LINE_HEIGHT), interpolation=cv2.INTER_CUBIC if h < LINE_HEIGHT else cv2.INTER_AREA)
    return cv2.cvtColor(line, cv2.COLOR_GRAY2BGR) if line.ndim == 2 else line


def _infer(lines: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, float]]:
    """Per line: (char index per frame, probability per frame, the same with digit look-alikes summed, pixels per
    frame)."""
    rec = _load()
    folds = _fold_classes(rec)
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray, float]] = [None] * len(lines)  # type: ignore[list-item]
    order = sorted(range(len(lines)), key=lambda i: lines[i].shape[1])
    batch = 6
    for b in range(0, len(order), batch):
        idx = order[b:b + batch]
        ratio = max(lines[i].shape[1] / LINE_HEIGHT for i in idx)
        ratio = max(ratio, 320 / LINE_HEIGHT)
        norm = np.stack([rec.resize_norm_img(lines[i], ratio) for i in idx]).astype(np.float32)
        preds = rec.session(norm)
        width = norm.shape[3]
        for k, i in enumerate(idx):
            p = preds[k]
            best, prob = p.argmax(axis=1), p.max(axis=1)
            folded = prob.copy()
            for _digit, classes in folds:
                at = np.isin(best, classes)
                if at.any():
                    folded[at] = p[at][:, classes].sum(axis=1)
            out[i] = (best, prob, folded, width / p.shape[0])
    return out


def _decode(best: np.ndarray, prob: np.ndarray, folded: np.ndarray) -> list[tuple[int, int, float, float]]:
    """CTC: (character index, frame, probability, probability with digit look-alikes) for every emitted character."""
    chars: list[tuple[int, int, float, float]] = []
    prev = -1
    for t, (c, p, f) in enumerate(zip(best.tolist(), prob.tolist(), folded.tolist(), strict=True)):
        if c != 0 and c != prev:
            chars.append((c, t, p, f))
        elif c != 0 and c == prev and p > chars[-1][2]:
            chars[-1] = (c, chars[-1][1], p, f)
        prev = c
    return chars


def _as_number(chars: list[tuple[str, float, float]]) -> list[tuple[str, float]]:
    """A reading's characters: in a number (every character a digit, a digit look-alike or number punctuation,
    one a digit at least, or a single look-alike) look-alikes become their digit with the summed probability."""
    text = "".join(ch for ch, _, _ in chars)
    number = bool(text) and set(text) <= _NUMBER_CHARS and (any(ch.isascii() and ch.isdigit() for ch in text)
                                                           or len(text) == 1)
    if not number:
        return [(ch, p) for ch, p, _ in chars]
    digit_of = {c: d for d, alikes in _DIGIT_ALIKES.items() for c in alikes}
    return [(digit_of.get(ch, ch), f if (ch in digit_of or ch in _DIGIT_ALIKES) else p) for ch, p, f in chars]


def recognise(crops: list[np.ndarray], pack: bool = True, alike: bool = False) -> list[Reading]:
    """Read single-line crops (grey, dark text on white). Narrow crops are packed into shared strips; with
    `alike`, crops that print the same thing are read once (two copies, which must agree) for all."""
    if not crops:
        return []
    if alike and pack:
        return _recognise_alike(crops)
    rec = _load()
    charset = rec.postprocess_op.character
    lines = [_to_line(c) for c in crops]
    strips: list[list[int]] = []
    if pack:
        current: list[int] = []
        width = 0
        for i in sorted(range(len(lines)), key=lambda i: lines[i].shape[1]):
            w = lines[i].shape[1] + _gap(lines[i])
            if current and width + w > _STRIP_WIDTH:
                strips.append(current)
                current, width = [], 0
            current.append(i)
            width += w
        if current:
            strips.append(current)
    else:
        strips = [[i] for i in range(len(lines))]
    images, ranges = [], []
    for members in strips:
        gaps = [_gap(lines[i]) for i in members]
        between = [max(a, b) for a, b in zip(gaps, gaps[1:], strict=False)]  # the wider need of two neighbours
        parts, spans, x = [], [], gaps[0] // 2
        parts.append(np.full((LINE_HEIGHT, gaps[0] // 2, 3), 255, np.uint8))
        for k, i in enumerate(members):
            spans.append((i, x, x + lines[i].shape[1]))
            parts.append(lines[i])
            x += lines[i].shape[1]
            after = between[k] if k < len(between) else gaps[-1] // 2
            parts.append(np.full((LINE_HEIGHT, after, 3), 255, np.uint8))
            x += after
        images.append(np.concatenate(parts, axis=1))
        ranges.append(spans)
    found: dict[int, list[tuple[str, float, float]]] = {i: [] for i in range(len(lines))}
    for (best, prob, folded, px), spans in zip(_infer(images), ranges, strict=True):
        for c, t, p, f in _decode(best, prob, folded):
            x = (t + 0.5) * px
            # the crop nearest the character (the one that holds it, else the nearer edge across the gap)
            owner = min(spans, key=lambda s: 0 if s[1] <= x <= s[2] else min(abs(x - s[1]), abs(x - s[2])))
            ch = charset[c] if c < len(charset) else ""
            if ch.strip() or owner[1] < x < owner[2]:  # a space read in the gap between crops is no character
                found[owner[0]].append((ch, p, f))
    out = []
    for i in range(len(lines)):
        chars = found[i]
        while chars and not chars[0][0].strip():
            chars = chars[1:]
        while chars and not chars[-1][0].strip():
            chars = chars[:-1]
        read = _as_number(chars)
        text = "".join(ch for ch, _ in read)
        probs = tuple(round(p, 4) for _, p in read)
        out.append(Reading(text, min(probs) if probs else 1.0, probs))
    return out


def _gap(line: np.ndarray) -> int:
    """White to leave beside a crop in a packed strip: a full line height beside short crops (a lone value
    read between narrow gaps loses confidence), half of it between text lines."""
    return LINE_HEIGHT if line.shape[1] < _LONG * LINE_HEIGHT else LINE_HEIGHT // 2


def _recognise_alike(crops: list[np.ndarray]) -> list[Reading]:
    """Crops grouped by appearance: each group's representative and its least similar member are read; when they
    agree the group takes their reading (each character's lower probability), else every member is read."""
    groups = _alike.groups(crops)
    first: list[int] = []
    for members in groups:
        first.append(members[0][0])
        if len(members) > 1:
            first.append(min(members[1:], key=lambda m: m[1])[0])
    read = dict(zip(first, recognise([crops[i] for i in first]), strict=True))
    again: list[int] = []
    out: dict[int, Reading] = {}
    for members in groups:
        if len(members) == 1:
            out[members[0][0]] = read[members[0][0]]
            continue
        copies = [read[i] for i, _ in members if i in read]
        a, b = copies[0], copies[-1]
        if a.text != b.text or len(a.chars) != len(b.chars):
            again += [i for i, _ in members if i not in read]
            out.update({i: read[i] for i, _ in members if i in read})
            continue
        chars = tuple(min(p, q) for p, q in zip(a.chars, b.chars, strict=True))
        shared = Reading(a.text, min(chars) if chars else 1.0, chars)
        out.update({i: shared for i, _ in members})
    if again:
        out.update(zip(again, recognise([crops[i] for i in again]), strict=True))
    return [out[i] for i in range(len(crops))]
