"""The OCR engine: RapidOCR's PP-OCR text recogniser on onnxruntime, models shipped inside its wheel.

Only the recogniser is used (text lines are found by the page analysis, not by a detection model), on one
thread. Short crops (a table's numbers) are packed side by side into strips, so one recogniser call reads a
row of values instead of one call per cell; the CTC output is decoded here with each character's position and
probability, which assigns characters back to their crops and gives every value its confidence.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.document import ReaderError

EXTRA = "ocr"
INSTALL_HINT = f"install the OCR extra: pip install 'ogi-reports[{EXTRA}]' (rapidocr + onnxruntime)"
LINE_HEIGHT = 48  # the recogniser's input height
_STRIP_WIDTH = 960  # packed strips are at most this wide (pixels at LINE_HEIGHT)
_lock = threading.Lock()
_engine = None


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


def _infer(lines: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Per line: (char index per frame, probability per frame, pixels per frame)."""
    rec = _load()
    out: list[tuple[np.ndarray, np.ndarray, float]] = [None] * len(lines)  # type: ignore[list-item]
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
            out[i] = (p.argmax(axis=1), p.max(axis=1), width / p.shape[0])
    return out


def _decode(best: np.ndarray, prob: np.ndarray) -> list[tuple[int, int, float]]:
    """CTC: (character index, frame, probability) for every emitted character."""
    chars = []
    prev = -1
    for t, (c, p) in enumerate(zip(best.tolist(), prob.tolist(), strict=True)):
        if c != 0 and c != prev:
            chars.append((c, t, p))
        elif c != 0 and c == prev and p > chars[-1][2]:
            chars[-1] = (c, chars[-1][1], p)
        prev = c
    return chars


def recognise(crops: list[np.ndarray], pack: bool = True) -> list[Reading]:
    """Read single-line crops (grey, dark text on white). Narrow crops are packed into shared strips."""
    if not crops:
        return []
    rec = _load()
    charset = rec.postprocess_op.character
    lines = [_to_line(c) for c in crops]
    gap = LINE_HEIGHT  # white between packed crops: narrower gaps lower the digits' confidence
    strips: list[list[int]] = []
    if pack:
        current: list[int] = []
        width = 0
        for i in sorted(range(len(lines)), key=lambda i: lines[i].shape[1]):
            w = lines[i].shape[1] + gap
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
        parts, spans, x = [], [], gap // 2
        for i in members:
            spans.append((i, x, x + lines[i].shape[1]))
            parts += [np.full((LINE_HEIGHT, gap if parts else gap // 2, 3), 255, np.uint8), lines[i]]
            x += lines[i].shape[1] + gap
        parts.append(np.full((LINE_HEIGHT, gap // 2, 3), 255, np.uint8))
        images.append(np.concatenate(parts, axis=1))
        ranges.append(spans)
    found: dict[int, list[tuple[str, float]]] = {i: [] for i in range(len(lines))}
    for (best, prob, px), spans in zip(_infer(images), ranges, strict=True):
        for c, t, p in _decode(best, prob):
            x = (t + 0.5) * px
            # the crop whose extent (widened by half the gap on each side) holds the character
            owner = min(spans, key=lambda s: 0 if s[1] - gap / 2 <= x <= s[2] + gap / 2 else min(
                abs(x - s[1]), abs(x - s[2])))
            ch = charset[c] if c < len(charset) else ""
            if ch.strip() or owner[1] < x < owner[2]:  # a space read in the gap between crops is no character
                found[owner[0]].append((ch, p))
    out = []
    for i in range(len(lines)):
        chars = found[i]
        while chars and not chars[0][0].strip():
            chars = chars[1:]
        while chars and not chars[-1][0].strip():
            chars = chars[:-1]
        text = "".join(ch for ch, _ in chars)
        probs = tuple(round(p, 4) for _, p in chars)
        out.append(Reading(text, min(probs) if probs else 1.0, probs))
    return out
