"""Crawl throughput vs number of hosts, under a per-host limit (script, not a test).

Starts 50 fixture portals on 127.0.0.1 (distinct ports, in a child process so the servers do not share the
crawler's interpreter), 20 reports each (1,000 in all), and crawls 1, 10 and 50 of them with a fresh store.
Prints pages/s overall next to the per-host limit and the highest rate any host saw (server-side, busiest
1-second window). Run: ``.venv/bin/python benchmarks/bench_crawl.py [--interval 0.05]``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.synth.portals import Doc, File, fake_pdf, generic  # noqa: E402
from pipeline.synth.server import LocalServer, max_concurrency, max_in_window  # noqa: E402
from scrapers.crawl import Crawler  # noqa: E402
from scrapers.politeness import Politeness  # noqa: E402
from scrapers.registry import Source  # noqa: E402

HOSTS = 50
REPORTS_PER_HOST = 20


def _portal(reports: int):  # noqa: ANN202
    """A plain column of ``reports`` PDFs linked straight from one list page (the same on every host, so the
    store writes each body once and the figures measure crawling, not the disk)."""
    docs = []
    for i in range(reports):
        title = f"某某乡人民政府{2024 - i}年政府信息公开工作年报"
        docs.append(Doc(title, dt.date(2025 - i, 2, 1), 2024 - i, doc_id=i, direct=File(f"{title}.pdf", fake_pdf(title))))
    return generic.build(docs, per_page=reports)


def serve(conn, hosts: int, reports: int) -> None:  # noqa: ANN001
    servers = []
    for _ in range(hosts):
        servers.append(LocalServer(_portal(reports).site).__enter__())
    conn.send([s.port for s in servers])
    while True:
        cmd = conn.recv()
        if cmd == "reset":
            for s in servers:
                s.reset()
            conn.send("ok")
        elif cmd == "stats":
            conn.send({s.port: (max_in_window(s.hits, 1.0), max_concurrency(s.hits), len(s.hits)) for s in servers})
        else:
            conn.send("bye")
            os._exit(0)  # daemon server threads die with the process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=float, default=0.05, help="per-host minimum interval (s)")
    args = parser.parse_args()
    limit = 1 / args.interval
    parent, child = mp.Pipe()
    proc = mp.Process(target=serve, args=(child, HOSTS, REPORTS_PER_HOST), daemon=True)
    proc.start()
    ports = parent.recv()
    print(f"{HOSTS} hosts x {REPORTS_PER_HOST} reports on 127.0.0.1; per-host limit {limit:.0f} req/s "
          f"(min interval {args.interval}s, 1 at a time)")
    print(f"{'hosts':>5} {'reports':>7} {'requests':>8} {'seconds':>7} {'pages/s':>8} {'limit x hosts':>13} "
          f"{'max host req/s':>14} {'max in flight':>13}")
    try:
        for n in (1, 10, 50):
            parent.send("reset")
            parent.recv()
            sources = [Source(f"h{p}", start_urls=(f"http://127.0.0.1:{p}/list",)) for p in ports[:n]]
            with tempfile.TemporaryDirectory() as tmp:
                crawler = Crawler(tmp, Politeness(min_interval=args.interval, deadline=10, connect_timeout=5,
                                                  allow_local=True))
                t = time.monotonic()
                results = asyncio.run(crawler.run(sources))
                elapsed = time.monotonic() - t
            assert all(r.status == "ok" for r in results), [r for r in results if r.status != "ok"][:1]
            parent.send("stats")
            stats = parent.recv()
            used = [stats[p] for p in ports[:n]]
            requests = sum(u[2] for u in used)
            reports = sum(r.new for r in results)
            print(f"{n:>5} {reports:>7} {requests:>8} {elapsed:>7.2f} {requests / elapsed:>8.1f} {limit * n:>13.0f} "
                  f"{max(u[0] for u in used):>14} {max(u[1] for u in used):>13}")
            assert max(u[0] for u in used) <= limit + 1 and max(u[1] for u in used) <= 1
    finally:
        parent.send("stop")
        parent.recv()
        proc.join(5)


if __name__ == "__main__":
    main()
