"""CMS families: one module per family, each recognising its pages and listing a column's rows.

Every module of this package that defines ``FAMILY`` (an instance of a ``Family`` subclass) is a family:
nothing else to register. ``FAMILIES`` holds them in detection order (``Family.rank``, lowest first: API
families whose markers are unambiguous, then static dialects, the generic static list last); ``Family.aliases``
are other names a registry ``cms`` hint may use.

``family_for(page, hint)``: the registry's ``cms`` hint dispatches when it names a family (or an alias) that
recognises the page, or when no family does (an API family recognising the page beats a static hint); otherwise
the first family whose ``detect`` accepts the page, most specific first, the generic static list last. A new
family is one module here, its generated portal in ``pipeline/synth/portals`` (same module name) and nothing
else: tests/test_scrapers_families.py crawls every portal with its family (CONTRIBUTING.md).
"""

from __future__ import annotations

import importlib
import pkgutil

from ..pages import Page
from .base import Client, Family, Fetched, Listing, Row, SubColumn


def _discover() -> list[Family]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        family = getattr(module, "FAMILY", None)
        if isinstance(family, Family):
            found.append(family)
    return sorted(found, key=lambda f: (f.rank, f.name))


FAMILIES: list[Family] = _discover()
BY_NAME: dict[str, Family] = {f.name: f for f in FAMILIES}
ALIASES: dict[str, str] = {alias: f.name for f in FAMILIES for alias in f.aliases}


def by_name(hint: str | None) -> Family | None:
    """The family a registry ``cms`` hint names (exact name or alias), else None."""
    if not hint:
        return None
    key = hint.strip().lower()
    return BY_NAME.get(ALIASES.get(key, key))


def detect(page: Page) -> Family:
    """The first family recognising the page (generic when none does)."""
    return next(f for f in FAMILIES if f.detect(page))


def family_for(page: Page, hint: str | None = None) -> Family:
    """The family the registry's ``cms`` hint names, when it recognises the page; detection otherwise (a wrong
    guess in the registry costs nothing). A family that lists through an API (jpage proxy, JSON, label
    fragments) and recognises the page beats a static hint such as ``cms=trs``: a static walk would miss rows."""
    hinted = by_name(hint)
    found = detect(page)
    if hinted is None:
        return found
    if found.api and not hinted.api:
        return found
    if hinted.detect(page) or found.name == "generic":
        return hinted
    return found


__all__ = ["BY_NAME", "FAMILIES", "Client", "Family", "Fetched", "Listing", "Row", "SubColumn", "by_name",
           "detect", "family_for"]
