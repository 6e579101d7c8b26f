"""pdf.closing_rules as first written (pairwise): the reference the union–find version is tested against."""


def closing_rules_pairwise(h_rules, v_rules, min_columns=2):
    """pdf.closing_rules as first written: every vertical rule compared with every group (quadratic and more)."""
    def shares(a, b):
        lo, hi = sorted((a[0], b[0]))
        return any(h[0] - 1 <= lo and hi <= h[1] + 1 and max(a[1], b[1]) - 1 <= h[2] <= min(a[2], b[2]) + 1
                   for h in h_rules)

    groups: list[tuple[list, list]] = []
    for v in sorted(v_rules):
        x, top, bottom = v
        touching = [g for g in groups if any(h[0] - 1 <= x <= h[1] + 1 and top - 1 <= h[2] <= bottom + 1 for h in g[1])
                    or any(shares(o, v) or (abs(o[1] - top) <= 2 and abs(o[2] - bottom) <= 2) for o in g[0])]
        hs = [h for h in h_rules if h[0] - 1 <= x <= h[1] + 1 and top - 1 <= h[2] <= bottom + 1]
        merged = (([v], hs) if not touching else
                  ([v] + [r for g in touching for r in g[0]], hs + [r for g in touching for r in g[1]]))
        groups = [g for g in groups if g not in touching] + [merged]
    out = []
    for vs, hs in groups:
        if len({round(v[0]) for v in vs}) < min_columns + 1 or not hs:
            continue
        x0, x1 = min(v[0] for v in vs), max(v[0] for v in vs)
        out += [(x0, x1, min(v[1] for v in vs)), (x0, x1, max(v[2] for v in vs))]
    return out
