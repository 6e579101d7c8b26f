"""Identity of agencies and places across years: place names → 6-digit adcodes, agency names → agency_id.

An agency's identity is its place plus its body: "伊春市金林区人民政府" and "金林区人民政府" are both
(金林区, 人民政府). The place is the adcode when it resolves unambiguously (cpca's GB/T 2260 table plus the
changes in pipeline/templates/adcode_changes.csv for merged or renamed districts), else the chain of place
names as printed, completed from the report's region field and from other reports of the same dataset.
agency_id = first 12 hex digits of sha1(agency_key), agency_key = "<adcode or place names>|<body>".
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.labels import TEMPLATES_DIR

_UNIT_END = set("省区市州盟县旗")
_NOT_PLACE = set("局委厅办院署队站")  # characters of agency bodies, never inside a place name
_HIGH = ("省", "自治区", "特别行政区", "州", "盟", "地区", "市")
_LOW = ("区", "县", "旗")
_GOVERNMENT = "人民政府"
_BODY_ALIASES = {"": _GOVERNMENT, "政府": _GOVERNMENT}


def _norm(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text if isinstance(text, str) else "").split())


def split_name(name: str | None) -> tuple[list[str], str]:
    """(place names, body): "伊春市金林区人民政府" → (["伊春市", "金林区"], "人民政府")."""
    rest, places = _norm(name), []
    while rest:
        end = next((i for i in range(2, min(len(rest), 12)) if rest[i] in _UNIT_END
                    and not _NOT_PLACE & set(rest[:i])), None)
        if end is None:
            break
        places.append(rest[: end + 1])
        rest = rest[end + 1:]
    return places, _BODY_ALIASES.get(rest, rest)


def _with_region(places: list[str], region: str | None) -> list[str]:
    """Prepend the report's region when it is a higher-level area than the name's first place."""
    reg, _ = split_name(region)
    if not reg:
        return places
    if not places:
        return reg
    if reg[-1] in places:
        return places
    if reg[-1].endswith(_HIGH) and places[0].endswith(_LOW):
        return [*reg, *places]
    return places


@dataclass(frozen=True)
class Place:
    adcode: str
    name: str
    valid_from: int | None = None


@cache
def _gazetteer() -> dict[str, tuple[Place, ...]]:
    """Place name → places: cpca's GB/T 2260 table plus the data file of changes (merged, renamed areas)."""
    out: dict[str, list[Place]] = defaultdict(list)
    spec = importlib.util.find_spec("cpca")  # its data file, without importing the package (slow)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca is not installed: it provides the GB/T 2260 adcode table")
    with (Path(spec.submodule_search_locations[0]) / "resources" / "adcodes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["name"]].append(Place(row["adcode"][:6], row["name"]))
    with (TEMPLATES_DIR / "adcode_changes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["name"]].append(Place(row["adcode"], row["name"], int(row["valid_from"])))
    return {k: tuple(v) for k, v in out.items()}


def _within(code: str, parent: str) -> bool:
    """Whether adcode `code` lies inside `parent` (a province xx0000 or prefecture xxxx00)."""
    if parent.endswith("0000"):
        return code[:2] == parent[:2]
    if parent.endswith("00"):
        return code[:4] == parent[:4]
    return code == parent


def resolve_adcode(places: list[str], year: int | None = None) -> str | None:
    """The 6-digit code of the last place, when the names identify exactly one area (None otherwise)."""
    if not places:
        return None
    gaz = _gazetteer()
    cands = list(gaz.get(places[-1], ()))
    changed = [p for p in cands if p.valid_from is not None and (year is None or year >= p.valid_from)]
    if changed:
        cands = changed
    else:
        cands = [p for p in cands if p.valid_from is None]
    for parent in places[:-1]:
        parents = [p.adcode for p in gaz.get(parent, ())]
        if not parents:  # a place name the gazetteer does not know: do not guess
            return None
        cands = [c for c in cands if any(_within(c.adcode, q) and c.adcode != q for q in parents)]
    codes = {c.adcode for c in cands}
    return codes.pop() if len(codes) == 1 else None


def _complete(chains: list[list[str]]) -> list[list[str]]:
    """Extend a chain to the one longer chain in the dataset that ends with it (金林区 → 伊春市/金林区)."""
    longer: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for c in chains:
        for k in range(1, len(c)):
            longer[tuple(c[k:])].add(tuple(c))
    out = []
    for c in chains:
        full = {f for f in longer.get(tuple(c), set())}
        maximal = {f for f in full if not any(len(g) > len(f) and g[-len(f):] == f for g in full)}
        out.append(list(maximal.pop()) if len(maximal) == 1 else c)
    return out


def agency_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def assign(reports: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per report: agency_key, agency_id, adcode, place (aligned with `reports`); and the agencies table."""
    parsed = [split_name(a) for a in reports["agency"].tolist()]
    chains = [_with_region(p, r if isinstance(r, str) else None)
              for (p, _), r in zip(parsed, reports["region"].tolist(), strict=True)]
    chains = _complete(chains)
    rows = []
    for (_places, body), chain, year, name in zip(parsed, chains, reports["year"].tolist(),
                                                 reports["agency"].tolist(), strict=True):
        y = None if pd.isna(year) else int(year)
        if not isinstance(name, str) or not _norm(name):
            rows.append({"agency_key": None, "agency_id": None, "adcode": None, "place": None})
            continue
        code = resolve_adcode(chain, y)
        key = f"{code or '/'.join(chain)}|{body}"
        rows.append({"agency_key": key, "agency_id": agency_id(key), "adcode": code,
                     "place": chain[-1] if chain else None})
    return pd.DataFrame(rows, index=reports.index), _agencies(reports, pd.DataFrame(rows, index=reports.index))


def _agencies(reports: pd.DataFrame, ids: pd.DataFrame) -> pd.DataFrame:
    df = pd.concat([reports[["agency", "year", "published_date"]], ids], axis=1)
    df = df[df["agency_id"].notna()].sort_values(["agency_id", "year", "published_date"], na_position="first")
    g = df.groupby("agency_id", sort=True)
    latest = df.drop_duplicates("agency_id", keep="last").set_index("agency_id")
    names = df[["agency_id", "agency"]].dropna().drop_duplicates().sort_values(["agency_id", "agency"])
    out = pd.DataFrame({
        "agency_key": latest["agency_key"], "agency": latest["agency"],
        "names": names.groupby("agency_id")["agency"].agg(" | ".join), "place": latest["place"],
        "adcode": latest["adcode"], "first_year": g["year"].min(), "last_year": g["year"].max(),
        "n_reports": g.size()})
    return out.rename_axis("agency_id").reset_index()
