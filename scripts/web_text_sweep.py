#!/usr/bin/env python3
"""Random sweep of the web-text round trip: generated report → HTML page → web-to-text conversion → `ogi`'s
text reader → values, over every layout family and quirk, alone and mixed per table.

Uses the same hypothesis strategies as tests/test_properties.py (`web_text_cases`), generation phase only (no
shrinking), and collects failures instead of stopping at the first: prints one line per failing example (its
layouts and the quirks that were on) and a summary of how often each quirk appears among the failures versus
all examples. `--show K` prints the text of the first K failing examples' tables 三.

Usage: python scripts/web_text_sweep.py [--n 1000] [--seed 1] [--show 0] [--grid] [--dump DIR]
(`--grid`: also require the printed grid to be the page's wherever the layout marks rows.)
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from pipeline.synth.strategies import web_text_cases  # noqa: E402
from tests.roundtrip import check_web_text_case, quirk_summary  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--grid", action="store_true")
    ap.add_argument("--dump", type=Path, help="pickle the failing cases into this folder (fail-N.pickle)")
    args = ap.parse_args()
    seen: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    failures: list[tuple[object, str]] = []
    n = 0
    t0 = time.perf_counter()

    @seed(args.seed)
    @settings(max_examples=args.n, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=web_text_cases())
    def run(case) -> None:
        nonlocal n
        n += 1
        tags = quirk_summary(case)
        seen.update(tags)
        try:
            check_web_text_case(case, grid=args.grid)
        except Exception as e:  # noqa: BLE001 - a sweep records every failure
            bad.update(tags)
            failures.append((case, f"{type(e).__name__}: {str(e)[:300]}"))
            print(f"FAIL #{n}: {' '.join(sorted(tags))}\n    {failures[-1][1]}", flush=True)
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                (args.dump / f"fail-{n}.pickle").write_bytes(pickle.dumps(case))

    run()
    dt = time.perf_counter() - t0
    print(f"\n{n} examples, {len(failures)} failures ({100 * len(failures) / max(n, 1):.1f}%), {dt:.0f} s")
    if failures:
        print("quirk: share among failures vs among all examples")
        for tag, k in bad.most_common(25):
            print(f"  {tag:32s} {k / len(failures):5.2f}  {seen[tag] / n:5.2f}")
    for case, msg in failures[: args.show]:
        from tests.roundtrip import web_text_of

        print("=" * 100, "\n", msg, "\n", case)
        print(web_text_of(case))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
