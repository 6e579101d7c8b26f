"""Template-harmonised outcome groups of table 三, derived from the label map and the crosswalk (no branches).

Each leaf row of 三、本年度办理结果 belongs to one printed group （一）…（六） (`group` in
pipeline/templates/requests_outcomes.csv); the crosswalk (pipeline/templates/crosswalk.csv, the
`requests_crosswalk` view) lines up the 2019 single （六） row and the three 2021 sub-rows as the measure
`other_total`. So a group is a sum of crosswalk measures, and both templates give the same six groups:

    granted · partly_granted · denied (8 reasons) · unavailable (3) · not_processed (5) · other (（六）)

whose sum equals （七）总计 (`total_processed`) wherever the report's identity holds.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from pipeline import labels
from pipeline.load.database import crosswalk

# （一）…（七） of 三、本年度办理结果 → the group's name (the printed numbering is the data's own key).
GROUP_NAMES: dict[int, str] = {1: "granted", 2: "partly_granted", 3: "denied", 4: "unavailable",
                               5: "not_processed", 6: "other", 7: "total_processed"}
GROUPS: tuple[str, ...] = tuple(GROUP_NAMES[g] for g in range(1, 7))  # the six leaf groups, template order
GROUP_LABELS: dict[str, str] = {"granted": "予以公开", "partly_granted": "部分公开", "denied": "不予公开",
                                "unavailable": "无法提供", "not_processed": "不予处理", "other": "其他处理",
                                "total_processed": "总计"}


@cache
def measure_groups() -> pd.DataFrame:
    """One row per crosswalk measure of table 三's results: measure, group, and the outcome keys it covers."""
    measure_of = {(r["key"]): r["measure"] for r in crosswalk() if r["table"] == "requests"}
    rows = []
    for o in labels.outcomes():
        if o.top != 3 or o.group is None:
            continue
        rows.append({"measure": measure_of.get(o.key, o.key), "group": GROUP_NAMES[o.group], "outcome": o.key})
    df = pd.DataFrame(rows)
    out = df.groupby(["measure", "group"], sort=False)["outcome"].agg(",".join).reset_index(name="outcomes")
    if out["measure"].duplicated().any():
        raise ValueError("a crosswalk measure of table 三 spans two outcome groups: check crosswalk.csv")
    return out


def denial_reasons() -> tuple[str, ...]:
    """The outcome keys of group （三） 不予公开, in template order."""
    return tuple(o.key for o in labels.outcomes() if o.top == 3 and o.group == 3)


def outcome_label(key: str) -> str:
    """The template's printed label of an outcome key (e.g. denied_state_secret → 1.属于国家秘密)."""
    return next((o.label for o in labels.outcomes() if o.key == key), key)
