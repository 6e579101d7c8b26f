"""Page images for OCR: decoding, seal removal, deskewing and binarisation (OpenCV, numpy).

A page is straightened in two steps: the skew (any angle within MAX_SKEW degrees either way, found from the row
profile, which rules and text lines make sharpest when level), then whole quarter turns (a page scanned sideways
or upside down; pipeline.ocr.orient decides them by reading a few lines)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np

from pipeline.document import ReaderError

MAX_PIXELS = 40_000_000  # an image larger than this (e.g. a decompression bomb) is refused
MAX_SKEW = 20.0  # degrees either way: a page fed askew, a phone photo; beyond, quarter turns take over
EXPAND_ANGLE = 2.0  # pages turned by more than this many degrees get a canvas that keeps their corners


@dataclass
class PageImage:
    """One page as pixels: ``gray`` (seal removed, straightened), the angle and quarter turns that straightened it."""

    gray: np.ndarray  # uint8, H×W, white background
    dpi: float  # pixels per inch (the render scale, or the image's own resolution)
    angle: float = 0.0  # degrees the page was rotated to straighten it
    turns: int = 0  # then quarter turns counter-clockwise (numpy.rot90) to stand it upright


def decode_image(data: bytes) -> tuple[np.ndarray, float]:
    """BGR pixels and resolution (dpi, 150 when the file does not say) of an image file (Pillow decodes)."""
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            dpi = im.info.get("dpi", (150, 150))[0] or 150
            im.seek(0)
            rgb = np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ReaderError(f"cannot decode the image: {type(exc).__name__}: {exc}") from exc
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), float(dpi) if 50 <= float(dpi) <= 1200 else 150.0


def drop_colour(bgr: np.ndarray) -> np.ndarray:
    """Grey page with coloured marks (a red seal, coloured stamps, cell shading) turned to background.

    Printed text and rules are dark and unsaturated; a seal is red, saturated and lighter. A pixel is kept
    by its darkest channel, so black text under a seal stays black and the seal's ink fades away.
    """
    b, g, r = (bgr[..., i].astype(np.int16) for i in range(3))
    hi = np.maximum(np.maximum(b, g), r)
    lo = np.minimum(np.minimum(b, g), r)
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    sat = hi - lo
    # a tinted pixel becomes its brightest channel (plus its tint when clearly coloured): a faint pink seal,
    # its JPEG-blurred edges and blue shading turn to background, while black text under a seal (dark in
    # every channel) stays dark
    tinted = sat > 8
    lift = np.where(sat > 24, sat, 0)
    out = gray.copy()
    out[tinted] = np.clip(hi[tinted] + lift[tinted], 0, 255).astype(np.uint8)
    # around red ink (a seal), JPEG's halved colour resolution leaves stroke cores nearly grey: there the red
    # channel decides (red ink is bright in it, black text dark); those pixels take the paper's level around them
    # (white paper, or a grey one under uneven lighting), so no pale halo is left where the seal was
    red = (r - (g + b) // 2) > 12
    if red.any():
        near = cv2.dilate(red.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        paper = cv2.dilate(out, np.ones((15, 15), np.uint8))
        lift = near & (r > 0.75 * paper)
        out[lift] = paper[lift]
    return out


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink mask (255 = ink) by adaptive threshold; robust to uneven scans and light cell shading."""
    block = max(15, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV, block, 15)


def skew_angle(ink: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """Angle (degrees) that makes text rows and rules horizontal: the rotation maximising the variance of
    the row profile, whole degrees on a small image, then finer steps on a larger one."""
    if not ink.any():
        return 0.0

    def reduced(side: int) -> np.ndarray:
        h, w = ink.shape
        scale = min(1.0, side / max(h, w))
        return cv2.resize(ink, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)

    def score(small: np.ndarray, angle: float) -> float:
        m = cv2.getRotationMatrix2D((small.shape[1] / 2, small.shape[0] / 2), angle, 1.0)
        rot = cv2.warpAffine(small, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        return float(np.var(rot.sum(axis=1, dtype=np.float64)))

    coarse, fine = reduced(450), reduced(900)
    best = max(np.arange(-max_angle, max_angle + 1e-9, 1.0), key=lambda a: score(coarse, a))
    for step in (0.25, 0.05):
        candidates = np.arange(best - 4 * step, best + 4 * step + 1e-9, step)
        best = max(candidates, key=lambda a: score(fine, a))
    return float(best)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The page turned by angle degrees (counter-clockwise); beyond EXPAND_ANGLE degrees on a canvas large enough to
    keep its corners."""
    if abs(angle) < 0.02:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    size, fill = (w, h), 255
    if abs(angle) > EXPAND_ANGLE:
        cos, sin = abs(m[0, 0]), abs(m[0, 1])
        size = (int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin)))
        m[0, 2] += size[0] / 2 - w / 2
        m[1, 2] += size[1] / 2 - h / 2
        fill = int(np.percentile(gray[::4, ::4], 90))  # the paper's level: a grey page gets no white frame to read
    return cv2.warpAffine(gray, m, size, flags=cv2.INTER_CUBIC, borderValue=fill)


def turn(gray: np.ndarray, turns: int) -> np.ndarray:
    """The page turned by whole quarter turns counter-clockwise."""
    return np.ascontiguousarray(np.rot90(gray, turns % 4)) if turns % 4 else gray


def redo(gray: np.ndarray, angle: float, turns: int) -> np.ndarray:
    """The straightening found for a page applied to another rendering of it (a finer one)."""
    return turn(rotate(gray, angle), turns)
