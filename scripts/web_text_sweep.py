#!/usr/bin/env python3
"""Random sweep of the web-text round trip: generated report → HTML page → web-to-text conversion → `ogi`'s
text reader → values, over every layout family and quirk, alone and mixed per table.

Draws `--n` cases with the hypothesis strategy of tests/test_properties.py (`web_text_cases`, seeded, generation
only: no shrinking), then `--cover` cases forced onto each possible layout x quirk combination the random ones
missed, and records every failure instead of stopping at the first: one line per failing example (its layouts
and the quirks that were on), how often each quirk appears among the failures versus all examples, and a
coverage matrix (examples and failures per layout x quirk). `--show K` prints the text of the first K failing
examples; `--dump DIR` pickles the failing cases.

Usage: python scripts/web_text_sweep.py [--n 1000] [--seed 1] [--cover 2] [--show 0] [--no-grid] [--dump DIR]
(by default the printed grid must also be the page's, whatever the layout; `--no-grid`: values only).
Exit status 1 when an example failed or a possible combination was never drawn.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.roundtrip import Sweep, sweep, web_text_of  # noqa: E402
from tests.strategies import IMPOSSIBLE, TAGS, WEB_LAYOUTS  # noqa: E402


def matrix(s: Sweep) -> None:
    """Print examples (failures) per layout x quirk."""
    print("\nlayout x quirk: examples (failures); '-': impossible")
    print(f"{'':20s}" + "".join(f"{lay:>12s}" for lay in WEB_LAYOUTS))
    for tag in TAGS:
        row = []
        for lay in WEB_LAYOUTS:
            n, b = s.combos[(lay, tag)], s.bad_combos[(lay, tag)]
            row.append(f"{'-':>7s}     " if (lay, tag) in IMPOSSIBLE else f"{n:>7d}" + (f"({b:>3d})" if b else "     "))
        print(f"{tag:20s}" + "".join(row))
    missing = s.missing()
    total = len(WEB_LAYOUTS) * len(TAGS) - len(IMPOSSIBLE)
    print(f"{total - len(missing)}/{total} possible layout x quirk combinations drawn"
          + (f"; missing: {', '.join(f'{a} x {b}' for a, b in missing)}" if missing else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cover", type=int, default=2, help="forced cases per combination the random ones missed")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--no-grid", action="store_true")
    ap.add_argument("--dump", type=Path, help="pickle the failing cases into this folder (fail-N.pickle)")
    args = ap.parse_args()

    def on_fail(n: int, case, msg: str) -> None:
        print(f"FAIL #{n}: {' '.join(sorted(s_tags(case)))}\n    {msg}", flush=True)
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            (args.dump / f"fail-{n}.pickle").write_bytes(pickle.dumps(case))

    from tests.strategies import case_tags as s_tags

    t0 = time.perf_counter()
    s = sweep(args.n, args.seed, grid=not args.no_grid, cover=args.cover, on_fail=on_fail)
    dt = time.perf_counter() - t0
    n, bad = s.n, len(s.failures)
    print(f"\n{n} examples ({args.n} random, seed {args.seed}; {s.forced} forced onto missed combinations), "
          f"{bad} failures ({100 * bad / max(n, 1):.1f}%), {dt:.0f} s")
    if bad:
        print("quirk: share among failures vs among all examples")
        for tag, k in s.bad_tags.most_common(25):
            print(f"  {tag:32s} {k / bad:5.2f}  {s.tags[tag] / n:5.2f}")
    matrix(s)
    for case, msg in s.failures[: args.show]:
        print("=" * 100, "\n", msg, "\n", case)
        print(web_text_of(case))
    return 1 if bad or s.missing() else 0


if __name__ == "__main__":
    sys.exit(main())
