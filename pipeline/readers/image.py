"""Image reader: a report (or its tables) as a standalone picture — .jpg, .png, .tif, .gif — read by OCR.

Needs the optional extra ``ocr``; without it the document keeps status needs_ocr with a message naming it.
"""

from __future__ import annotations

import docformats
from pipeline.document import Document, Paragraph, ReaderError
from pipeline.readers.pdf import find_title


def read_image(data: bytes) -> Document:
    """The picture's tables and title lines (OCR, pipeline.ocr); a picture without text gives no blocks."""
    fmt = docformats.sniff(data)
    media_type = fmt.media_types[0] if fmt is not None else "image/unknown"
    try:
        from pipeline.ocr import engine
        from pipeline.ocr.picture import image_document_blocks
    except ImportError as exc:
        raise ReaderError(f"picture (OCR needed): install the OCR extra: pip install 'ogi-reports[ocr]' [{exc}]",
                          "needs_ocr") from exc
    engine._load()  # OcrUnavailable (needs_ocr) when the recogniser is not installed
    blocks, pictures = image_document_blocks(data)
    title = find_title([b.text for b in blocks if isinstance(b, Paragraph)][:12])
    return Document(blocks=blocks, media_type=media_type, title=title, meta={"ocr_images": str(pictures.read)},
                    refine=pictures.refine)
