"""CMS families: one module per family, each recognising its pages and listing a column's rows.

``family_for(page, hint)``: the registry's ``cms`` hint dispatches when it names a family (or an alias) that
recognises the page, or when no family does (an API family recognising the page beats a static hint); otherwise
the first family whose ``detect`` accepts the page, most specific first, the generic static list last. A new family is one module here, its fixture site in ``pipeline/synth/portals`` and one test.
"""

from __future__ import annotations

from ..pages import Page
from . import (
    anhui_label,
    generic,
    gkmlpt,
    hanweb_jpaas,
    hanweb_jpage,
    hanweb_xxgk,
    trs_classic,
    trs_fujian,
    trs_pagediv,
    vsb,
)
from .base import Client, Family, Fetched, Listing, Row, SubColumn

# Most specific first: API families whose markers are unambiguous, then static dialects, generic last.
FAMILIES: list[Family] = [
    gkmlpt.FAMILY,
    anhui_label.FAMILY,
    trs_fujian.FAMILY,
    hanweb_xxgk.FAMILY,
    hanweb_jpaas.FAMILY,
    hanweb_jpage.FAMILY,
    trs_pagediv.FAMILY,
    trs_classic.FAMILY,
    vsb.FAMILY,
    generic.FAMILY,
]
BY_NAME: dict[str, Family] = {f.name: f for f in FAMILIES}
ALIASES = {"trs": "trs_classic", "fujian": "trs_fujian", "hycloud": "trs_fujian", "hanweb": "hanweb_jpage", "jpage": "hanweb_jpage", "page_div": "trs_pagediv",
           "trs_page_div": "trs_pagediv",
           "xxgk": "hanweb_xxgk", "jpaas": "hanweb_jpaas", "anhui": "anhui_label"}


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
