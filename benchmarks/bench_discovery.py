"""Reports found on imitation portals, per CMS family (script, not a test).

For each family, ``--portals`` random portals (``pipeline.synth.portals.PORTALS``: options drawn from each
portal module's ``SPACE``, random agencies, years, pinned, cut, removed and duplicated rows, notices, sometimes
a name under .gov.cn) are served on 127.0.0.1
and crawled into a fresh store. A report counts as found when every document it publishes (its page and its
attachments, or the file the list links) is stored. Printed per family: reports found / published, documents
stored / published, wrong documents stored (anything not a report, list pages included), requests.

Baseline, measured in the same run on the same portals: the crawler with only the generic static-list reader
(下一页 and page-number links, no family modules, no registry hints), i.e. what a crawler without
``scrapers/platforms/`` finds. Run: ``.venv/bin/python benchmarks/bench_discovery.py [--portals N] [--seed S]
[--family NAME ...] [--interval S]``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import random  # noqa: E402
from typing import Any  # noqa: E402

import scrapers.platforms as platforms  # noqa: E402
from pipeline.synth.portals import PORTALS, Doc, Portal, sample_docs  # noqa: E402
from pipeline.synth.portals.base import served  # noqa: E402
from pipeline.synth.server import LocalServer  # noqa: E402
from scrapers.crawl import Crawler  # noqa: E402
from scrapers.politeness import Politeness  # noqa: E402
from scrapers.registry import Source  # noqa: E402
from scrapers.store import documents  # noqa: E402

AGENCIES = ["某某区人民政府", "某某区教育局", "某某区财政局", "某某街道办事处", "某某镇人民政府"]
HOSTS = ["www.qx.gov.cn", "www.hz.gov.cn", "jyt.zj.gov.cn", "www.zq.gov.cn", "xxgk.example.gov.cn"]


@dataclass
class Draw:
    """One random portal: its family, the builder's options, the published documents."""

    family: str
    seed: int
    kwargs: dict[str, Any]
    docs: list[Doc]

    def describe(self) -> str:
        return f"{self.family}(seed={self.seed}, " + ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items()) + ")"


def draw(family: str, seed: int) -> Draw:
    """A random portal of ``family`` (the same for the same seed): options from its module's SPACE."""
    r = random.Random(f"{family}:{seed}")
    kwargs = {key: r.choice(values) for key, values in PORTALS[family].SPACE.items()}  # ranges: never listed
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    if r.random() < 0.4:
        kwargs["host"] = r.choice(HOSTS)
    docs = sample_docs(r, agencies=AGENCIES[:r.randint(1, 4)], years=range(r.randint(2011, 2020), 2026),
                       deleted=r.randint(0, 2), notices=r.randint(0, 3), news=r.randint(0, 2), pinned=r.randint(0, 2),
                       no_title_attr=r.randint(0, 3))
    return Draw(family, seed, kwargs, docs)


@dataclass
class Tally:
    portals: int = 0
    reports: int = 0
    found: int = 0
    docs: int = 0
    stored: int = 0
    wrong: int = 0
    requests: int = 0
    seconds: float = 0.0
    short: list[str] = field(default_factory=list)  # portals where reports were missed

    def add(self, other: Tally) -> None:
        for name in ("portals", "reports", "found", "docs", "stored", "wrong", "requests", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.short += other.short


@contextmanager
def generic_only() -> Iterator[None]:
    """Every page read by the generic static-list family (the baseline crawler)."""
    saved = platforms.FAMILIES
    platforms.FAMILIES = [platforms.BY_NAME["generic"]]
    try:
        yield
    finally:
        platforms.FAMILIES = saved


def crawl_one(d: Draw, interval: float, baseline: bool) -> Tally:
    with served(PORTALS[d.family].build, d.docs, seed=d.seed, **d.kwargs) as (portal, server), \
            tempfile.TemporaryDirectory() as tmp:
        return _crawl(d, portal, server, Path(tmp), interval, baseline)


def _crawl(d: Draw, portal: Portal, server: LocalServer, store: Path, interval: float,
           baseline: bool) -> Tally:
    hints = {} if baseline else dict(portal.hints)
    src = Source("bench", start_urls=(server.url(portal.column_path, portal.host),), hints=hints)
    policy = Politeness.for_tests(min_interval=interval, resolve=portal.resolve)
    t = time.monotonic()
    if baseline:
        with generic_only():
            asyncio.run(Crawler(store, policy).run([src]))
    else:
        asyncio.run(Crawler(store, policy).run([src]))
    elapsed = time.monotonic() - t
    stored = {doc.sha256 for doc in documents(store)}
    exp = portal.expected
    wanted = {hashlib.sha256(b).hexdigest() for b in exp.documents.values()}
    found = sum(1 for shas in exp.reports.values() if shas <= stored)
    tally = Tally(1, len(exp.reports), found, len(wanted), len(wanted & stored), len(stored - wanted),
                  len(server.hits), elapsed)
    if found < len(exp.reports) and not baseline:
        tally.short.append(f"{found}/{len(exp.reports)} {d.describe()}")
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portals", type=int, default=6, help="random portals per family")
    parser.add_argument("--seed", type=int, default=0, help="first seed (portal i uses seed+i)")
    parser.add_argument("--family", action="append", choices=sorted(PORTALS), help="only these families")
    parser.add_argument("--interval", type=float, default=0.002, help="per-host minimum interval (s)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the generic-only baseline")
    args = parser.parse_args()
    families = args.family or list(PORTALS)
    print(f"{args.portals} random portals per family (seeds {args.seed}…{args.seed + args.portals - 1}), "
          f"per-host interval {args.interval}s, 127.0.0.1")
    print(f"{'family':<13} {'reports found':>14} {'docs stored':>12} {'wrong':>5} {'requests':>8} {'s':>6}   "
          f"{'baseline (generic only)':>23}")
    total, base_total, short = Tally(), Tally(), []
    for family in families:
        tally, base = Tally(), Tally()
        for i in range(args.portals):
            d = draw(family, args.seed + i)
            tally.add(crawl_one(d, args.interval, baseline=False))
            if not args.no_baseline:
                base.add(crawl_one(d, args.interval, baseline=True))
        total.add(tally)
        base_total.add(base)
        short += tally.short
        print(_line(family, tally, base, args.no_baseline))
    print(_line("all", total, base_total, args.no_baseline))
    for line in short:
        print("  missed:", line)


def _line(name: str, t: Tally, base: Tally, no_baseline: bool) -> str:
    found = f"{t.found}/{t.reports}"
    docs = f"{t.stored}/{t.docs}"
    b = "" if no_baseline else f"{base.found}/{base.reports} ({100 * base.found / max(1, base.reports):.0f}%)"
    return (f"{name:<13} {found:>9} ({100 * t.found / max(1, t.reports):3.0f}%) {docs:>12} {t.wrong:>5} "
            f"{t.requests:>8} {t.seconds:>6.1f}   {b:>23}")


if __name__ == "__main__":
    main()
