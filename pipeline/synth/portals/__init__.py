"""Generated government portals, one module per CMS family (the scrapers' families, CMS_FAMILIES.md (b)),
served by ``pipeline.synth.server``: the tests, the demo and the benchmarks use them.

A family's module (named as its ``scrapers.platforms`` module) defines ``FAMILY`` (the family's name),
``build(docs, *, seed, host, …) -> Portal``, ``CASES`` (fixed variants: keyword arguments of build) and ``SPACE``
(build's keyword arguments and the values random variants draw from). ``PORTALS`` finds every such module:
tests/test_scrapers_families.py crawls each case and random variants of each, nothing to register.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from .base import Doc, Expected, File, Portal, fake_pdf, sample_docs


def _discover() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if isinstance(getattr(module, "FAMILY", None), str):
            found[module.FAMILY] = module
    return dict(sorted(found.items()))


PORTALS: dict[str, ModuleType] = _discover()

__all__ = ["PORTALS", "Doc", "Expected", "File", "Portal", "fake_pdf", "sample_docs"]
