"""The document formats the generator writes, by format key (docformats): one place for the demo, the tests
and the benchmarks to find a renderer.

A renderer module of pipeline/synth lists what it writes in ``RENDERS`` ({format key: render(report, rng) ->
bytes}, quirks drawn from the rng through pipeline.synth.quirks); ``RENDERERS`` collects them from every module
of the package, so a new format's renderer is one module and nothing to register. tests/test_formats.py reads
every one of them back to exactly the generated values.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from collections.abc import Callable

from .values import SyntheticReport

Render = Callable[[SyntheticReport, random.Random], bytes]


def _discover() -> dict[str, Render]:
    import pipeline.synth as package

    found: dict[str, Render] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg or info.name == "formats":
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for key, render in getattr(module, "RENDERS", {}).items():
            if key in found:
                raise RuntimeError(f"two renderers write {key!r}: {module.__name__} and {found[key].__module__}")
            found[key] = render
    return dict(sorted(found.items()))


RENDERERS: dict[str, Render] = _discover()

__all__ = ["RENDERERS", "Render"]
