"""The source registry (``scrapers/sources.csv``): who publishes where, and per-site hints as data.

Columns: id, agency, region, adcode (empty when unknown), level, start_urls (space-separated), hints
(``key=value;key=value``: cms=<family> (see ``scrapers.platforms``: trs_classic, trs_pagediv, trs_fujian,
hanweb_jpage, hanweb_xxgk, hanweb_jpaas, gkmlpt, anhui_label, vsb, generic; other text is a note and detection
decides), pager=hanweb|none, columnid, unitid, webid, perpage, max_pages, hosts=a,b (extra hosts), first_year
(the first reporting year the discovery audit expects), last_year (the last one, for a source that stopped
publishing), non_gov=1 for a host outside .gov.cn, allow_local=1 to
let the source reach loopback/private addresses (local test and demo servers only), disabled=1 to skip a source
unless named explicitly, start=column|report). Regenerate from the corpus seed with
``python -m scrapers.registry build ../shared/corpus/real_sources.csv scrapers/sources.csv``.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .discovery import is_gov_host
from .politeness import host_key
from .safety import host_and_port, url_problem

REGISTRY_PATH = Path(__file__).with_name("sources.csv")
COLUMNS = ("id", "agency", "region", "adcode", "level", "start_urls", "hints")
LEVELS = {"central", "province", "city", "county", "township", "department", "unknown"}


@dataclass(frozen=True)
class Source:
    """One publisher's report column(s)."""

    id: str
    agency: str = ""
    region: str = ""
    adcode: str = ""
    level: str = "unknown"
    start_urls: tuple[str, ...] = ()
    hints: dict[str, str] = field(default_factory=dict)

    @property
    def hosts(self) -> list[str]:
        extra = [h for h in self.hints.get("hosts", "").split(",") if h]
        return sorted({host_key(u) for u in self.start_urls} | set(extra))


def parse_hints(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (text or "").split(";"):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip()
    return out


def format_hints(hints: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in hints.items() if v)


class RegistryError(ValueError):
    """The registry file breaks a rule (duplicate id, non-government host, bad URL)."""


def validate(source: Source) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]*", source.id):
        raise RegistryError(f"{source.id!r}: ids are lower-case slugs")
    if not source.start_urls:
        raise RegistryError(f"{source.id}: no start URL")
    for url in source.start_urls:
        problem = url_problem(url)
        if problem:
            raise RegistryError(f"{source.id}: {problem}: {url}")
        host, _port = host_and_port(url)
        if not is_gov_host(host) and source.hints.get("non_gov") != "1":
            raise RegistryError(f"{source.id}: {host} is not a .gov.cn host (mirrors copy gov paths)")
    for key in ("first_year", "last_year"):
        value = source.hints.get(key, "")
        if value and not (value.isdigit() and 1990 <= int(value) <= 2100):
            raise RegistryError(f"{source.id}: {key}={value!r} is not a year")


def load(path: Path | str = REGISTRY_PATH) -> dict[str, Source]:
    """Sources by id, validated."""
    sources: dict[str, Source] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            src = Source(
                id=row["id"].strip(), agency=row.get("agency", "").strip(), region=row.get("region", "").strip(),
                adcode=row.get("adcode", "").strip(), level=row.get("level", "").strip() or "unknown",
                start_urls=tuple(row["start_urls"].split()), hints=parse_hints(row.get("hints", "")),
            )
            validate(src)
            if src.id in sources:
                raise RegistryError(f"duplicate source id {src.id}")
            sources[src.id] = src
    return sources


def adhoc(url: str) -> Source:
    """A source for a URL given on the command line (a column or a single report page)."""
    problem = url_problem(url)
    if problem:
        raise RegistryError(f"{problem}: {url}")
    parts = urlsplit(url)
    slug = re.sub(r"[^a-z0-9]+", "-", (parts.netloc + parts.path).lower()).strip("-")[:60]
    return Source(id=f"url-{slug}", start_urls=(url,))


def resolve(targets: list[str], registry: dict[str, Source] | None = None) -> list[Source]:
    """Sources for CLI targets: registry ids or URLs; no targets means every registered source."""
    registry = load() if registry is None else registry
    if not targets:
        return [s for s in registry.values() if s.hints.get("disabled") != "1"]
    out: list[Source] = []
    for target in targets:
        if "://" in target:
            out.append(adhoc(target))
        elif target in registry:
            out.append(registry[target])
        else:
            raise RegistryError(f"unknown source id {target!r} (not in the registry, not a URL)")
    return out


# Building the shipped registry from the corpus seed ------------------------------------------------------

PROVINCES = {
    "北京": ("beijing", "110000"), "天津": ("tianjin", "120000"), "河北": ("hebei", "130000"),
    "山西": ("shanxi", "140000"), "内蒙古": ("neimenggu", "150000"), "辽宁": ("liaoning", "210000"),
    "吉林": ("jilin", "220000"), "黑龙江": ("heilongjiang", "230000"), "上海": ("shanghai", "310000"),
    "江苏": ("jiangsu", "320000"), "浙江": ("zhejiang", "330000"), "安徽": ("anhui", "340000"),
    "福建": ("fujian", "350000"), "江西": ("jiangxi", "360000"), "山东": ("shandong", "370000"),
    "河南": ("henan", "410000"), "湖北": ("hubei", "420000"), "湖南": ("hunan", "430000"),
    "广东": ("guangdong", "440000"), "广西": ("guangxi", "450000"), "海南": ("hainan", "460000"),
    "重庆": ("chongqing", "500000"), "四川": ("sichuan", "510000"), "贵州": ("guizhou", "520000"),
    "云南": ("yunnan", "530000"), "西藏": ("xizang", "540000"), "陕西": ("shaanxi", "610000"),
    "甘肃": ("gansu", "620000"), "青海": ("qinghai", "630000"), "宁夏": ("ningxia", "640000"),
    "新疆": ("xinjiang", "650000"), "中央": ("central", ""),
}
_GENERIC_LABELS = {"www", "gov", "cn", "com", "xxgk", "zwgk", "public", "gk"}


def _host_slug(host: str) -> str:
    host = host.split(":")[0]
    if re.fullmatch(r"[\d.]+", host):
        return "ip" + host.replace(".", "-")
    labels = [x for x in host.lower().split(".") if x not in _GENERIC_LABELS]
    return "-".join(labels[:2]) or "site"


def _hints_for(cms: str, url: str, host: str) -> dict[str, str]:
    hints: dict[str, str] = {}
    low = cms.lower()
    if low.startswith("trs"):
        hints["cms"] = "trs"
    elif "hanweb" in low:
        hints["cms"] = "hanweb"
        m = re.search(r"/col/col(\d+)/", url)
        if m:
            hints["pager"] = "hanweb"
            hints["columnid"] = m.group(1)
    elif cms:
        hints["cms"] = re.sub(r"[;=\s]+", " ", cms).strip()[:60]
    if not is_gov_host(host):
        hints["non_gov"] = "1"
        hints["disabled"] = "1"
        hints["check"] = "host outside .gov.cn flagged in real_sources.md: verify before use"
    return hints


def build(seed_csv: Path | str, out_csv: Path | str = REGISTRY_PATH) -> int:
    """Write the registry from ``real_sources.csv``: one source per column URL, or per report page when no
    column is known. Returns the number of sources."""
    with open(seed_csv, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    groups: dict[str, dict[str, object]] = {}
    for row in rows:
        start = (row.get("column_url") or "").strip() or (row.get("report_url") or "").strip()
        if not start:
            continue
        g = groups.setdefault(start, {"rows": [], "start": start})
        g["rows"].append(row)  # type: ignore[union-attr]
    used: dict[str, int] = {}
    out: list[dict[str, str]] = []
    for start, g in groups.items():
        grp: list[dict[str, str]] = g["rows"]  # type: ignore[assignment]
        first = grp[0]
        host = urlsplit(start).netloc
        prov, adcode = PROVINCES.get(first.get("province", ""), ("cn", ""))
        level = first.get("level") or "unknown"
        agency = next((r["agency"] for r in grp if r.get("agency")), "")
        base = f"{prov}_{_host_slug(host)}"
        used[base] = used.get(base, 0) + 1
        sid = base if used[base] == 1 else f"{base}-{used[base]}"
        kind = "column" if first.get("column_url") else "report"
        hints = _hints_for(first.get("cms_guess", ""), start, host)
        hints["start"] = kind
        out.append({"id": sid, "agency": agency, "region": first.get("province", ""),
                    "adcode": adcode if level == "province" else "", "level": level if level in LEVELS else "unknown",
                    "start_urls": start, "hints": format_hints(hints)})
    with open(out_csv, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    return len(out)


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 4 and sys.argv[1] == "build":
        print(build(sys.argv[2], sys.argv[3]), "sources written")
    else:
        print("usage: python -m scrapers.registry build SEED_CSV OUT_CSV", file=sys.stderr)
        sys.exit(2)
