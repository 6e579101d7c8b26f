"""The union–find shared by the PDF and OCR grid readers, against a plain graph search."""

import random

from pipeline.disjoint import DisjointSets


def _components(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    adj: dict[int, set[int]] = {i: set() for i in range(n)}
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    seen: set[int] = set()
    out = []
    for i in range(n):
        if i in seen:
            continue
        stack, group = [i], []
        seen.add(i)
        while stack:
            j = stack.pop()
            group.append(j)
            for k in adj[j] - seen:
                seen.add(k)
                stack.append(k)
        out.append(sorted(group))
    return out


def test_groups_are_the_connected_components_in_first_member_order():
    rng = random.Random(5)
    for _ in range(200):
        n = rng.randint(0, 60)
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, n))] if n else []
        sets = DisjointSets(n)
        for a, b in edges:
            sets.union(a, b)
        assert sets.groups() == _components(n, edges)
        assert all(sets.find(m) == g[0] for g in sets.groups() for m in g)  # the root is the smallest member
