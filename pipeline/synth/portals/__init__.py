"""Generated government portals, one module per CMS family (the scrapers' families, CMS_FAMILIES.md (b)),
served by ``pipeline.synth.server``: the tests, the demo and the benchmarks use them."""

from .base import Doc, Expected, File, Portal, fake_pdf, sample_docs

__all__ = ["Doc", "Expected", "File", "Portal", "fake_pdf", "sample_docs"]
