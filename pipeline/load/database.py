"""The release's DuckDB database: every table (with the registry's descriptions as comments) and the views.

Views:
- `report_summary`: one row per report (superseded revisions included, `current` false; web pages that only
  link to their report's attachment left out), table 三 and 四 wide:
  `received_<applicant>` (一、本年新收 by applicant type), one column per other outcome of table 三 (总计
  column as printed, null when not printed), `other_total` (三（六） per the crosswalk), `<proceeding>_<outcome>`
  for table 四, and the failed template and series checks;
- `proactive_crosswalk` / `requests_crosswalk`: long views of current reports lining up the 2019 and 2021
  templates by `measure`, from pipeline/templates/crosswalk.csv (also loaded as the table `crosswalk`);
- `legacy_series`: the key figures of pre-2019 reports, one per current report, key, qualifier and period
  (the table's figure when both the table and the prose print it; `sources_differ` when they disagree);
- `comparable_series`: one row per agency, year and comparable measure across 2008–2025: pre-2019 key figures
  (`relation` = or ≈, keys combined per pipeline/templates/legacy_keys.csv) and the 2019+ cells summed per
  pipeline/templates/comparable_measures.csv (`relation` =); `break_before` marks the year where the series
  changes basis (a legacy table family, a template) and one side is only ≈ comparable. The vocabulary and the
  measures are loaded as the tables `legacy_vocabulary` and `comparable_measures`.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline import labels, schema
from pipeline.labels import TEMPLATES_DIR


@cache
def crosswalk() -> tuple[dict[str, str], ...]:
    """Rows of pipeline/templates/crosswalk.csv: table, template, key → measure, relation, note."""
    with (TEMPLATES_DIR / "crosswalk.csv").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _summary_sql() -> str:
    received = [f"max(value) FILTER (WHERE outcome = 'new_received' AND applicant = {_q(a.key)}) AS received_{a.key}"
                for a in labels.applicants()]
    rows = [f"max(value) FILTER (WHERE outcome = {_q(o.key)} AND applicant = 'total') AS {o.key}"
            for o in labels.outcomes() if o.key != "new_received"]
    other = sorted({r["key"] for r in crosswalk() if r["table"] == "requests" and r["measure"] == "other_total"})
    rows.append(f"sum(value) FILTER (WHERE outcome IN ({', '.join(map(_q, other))}) AND applicant = 'total') "
                "AS other_total")
    cells = [f"max(value) FILTER (WHERE proceeding = {_q(c.proceeding)} AND outcome = {_q(c.outcome)}) "
             f"AS {c.proceeding}_{c.outcome}" for c in labels.review_cells()]
    req_cols = [c.split(" AS ")[-1] for c in received + rows]
    rev_cols = [c.split(" AS ")[-1] for c in cells]
    return f"""
CREATE VIEW report_summary AS
WITH req AS (SELECT report_id, {', '.join(received + rows)} FROM requests GROUP BY report_id),
rev AS (SELECT report_id, {', '.join(cells)} FROM reviews GROUP BY report_id),
ser AS (SELECT report_id, count(*) FILTER (WHERE NOT passed AND severity = 'error') AS n_series_errors,
               count(*) FILTER (WHERE NOT passed AND severity = 'warning') AS n_series_warnings
        FROM checks WHERE scope = 'series' GROUP BY report_id)
SELECT r.report_id, r.agency_id, r.agency, r.region, r.adcode, r.year, r.template, r.status, r.error,
       r.superseded_by IS NULL AS current, r.superseded_by, r.title, r.published_date, r.source_url,
       {', '.join(f'req.{c}' for c in req_cols)},
       {', '.join(f'rev.{c}' for c in rev_cols)},
       r.n_values, r.n_checks_failed, coalesce(ser.n_series_errors, 0) AS n_series_errors,
       coalesce(ser.n_series_warnings, 0) AS n_series_warnings
FROM reports r LEFT JOIN req USING (report_id) LEFT JOIN rev USING (report_id) LEFT JOIN ser USING (report_id)
WHERE r.attachment_report_id IS NULL
ORDER BY r.agency_id NULLS LAST, r.year, r.report_id
"""


_CROSSWALK_VIEWS = """
CREATE VIEW proactive_crosswalk AS
SELECT r.report_id, r.agency_id, r.agency, r.year, p.template, p.clause, p.item, c.measure, c.relation,
       p.metric, p.value, p.unit
FROM proactive p JOIN reports r USING (report_id)
JOIN crosswalk c ON c."table" = 'proactive' AND c.template = p.template AND c.key = p.metric
WHERE r.superseded_by IS NULL;

CREATE VIEW requests_crosswalk AS
SELECT r.report_id, r.agency_id, r.agency, r.year, q.template, coalesce(c.measure, q.outcome) AS measure,
       q.applicant, sum(q.value) AS value, count(*) AS n_cells, string_agg(q.outcome, ',' ORDER BY q.outcome) AS outcomes
FROM requests q JOIN reports r USING (report_id)
LEFT JOIN crosswalk c ON c."table" = 'requests' AND c.template = q.template AND c.key = q.outcome
WHERE r.superseded_by IS NULL
GROUP BY ALL;
"""

_LEGACY_VIEWS = """
CREATE VIEW legacy_series AS
WITH cur AS (SELECT report_id, agency_id, agency, region, adcode, year FROM reports
             WHERE superseded_by IS NULL AND attachment_report_id IS NULL),
ranked AS (
    SELECT l.*,
           row_number() OVER w AS rk, count(*) OVER w AS n_figures,
           coalesce(min(l.value) OVER w <> max(l.value) OVER w, false) AS sources_differ
    FROM legacy l
    WINDOW w AS (PARTITION BY l.report_id, l.key, coalesce(l.qualifier, ''), l.period
                 ORDER BY l.source = 'table' DESC, l.value IS NULL, l.approx, l.table_index NULLS LAST,
                          l.grid_row NULLS LAST, l.value
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
SELECT c.agency_id, c.agency, c.region, c.adcode, c.year, r.report_id, r.key, r.qualifier, r.period, r.value,
       r.unit, r.source, r.approx, r.relation, r.comparable_key, r.family, r.null_reason, r.n_figures,
       r.sources_differ
FROM ranked r JOIN cur c USING (report_id)
WHERE r.rk = 1;

CREATE VIEW comparable_series AS
WITH cur AS (SELECT report_id, agency_id, agency, region, year, template FROM reports
             WHERE superseded_by IS NULL AND attachment_report_id IS NULL),
native AS (
    SELECT q.report_id, m.measure, sum(q.value) AS value, count(q.value) AS n,
           string_agg(q.outcome || '.' || q.applicant, ',' ORDER BY q.outcome) AS keys
    FROM requests q JOIN comparable_measures m ON m."table" = 'requests' AND m.row_key = q.outcome
                                               AND m.col_key = q.applicant
    GROUP BY ALL
    UNION ALL
    SELECT v.report_id, m.measure, sum(v.value), count(v.value),
           string_agg(v.proceeding || '.' || v.outcome, ',' ORDER BY v.proceeding, v.outcome)
    FROM reviews v JOIN comparable_measures m ON m."table" = 'reviews' AND m.row_key = v.proceeding
                                              AND m.col_key = v.outcome
    GROUP BY ALL
    UNION ALL
    SELECT p.report_id, m.measure, sum(p.value), count(p.value),
           string_agg(p.item || '.' || p.metric, ',' ORDER BY p.item, p.metric)
    FROM proactive p JOIN comparable_measures m ON m."table" = 'proactive' AND m.row_key = p.item
                                                AND m.col_key = p.metric
    GROUP BY ALL),
leg AS (
    SELECT s.report_id, s.comparable_key AS measure, s.key, s.value, s.relation, s.approx, s.family, v.combine,
           v.priority
    FROM legacy_series s JOIN legacy_vocabulary v USING (key)
    WHERE s.period = 'year' AND s.relation IN ('=', '≈') AND s.value IS NOT NULL AND s.comparable_key IS NOT NULL),
leg_used AS (
    SELECT * FROM leg WHERE combine = 'sum'
    UNION ALL
    SELECT * FROM leg WHERE combine = 'first'
    QUALIFY row_number() OVER (PARTITION BY report_id, measure ORDER BY priority) = 1),
series AS (
    SELECT report_id, measure, value, '=' AS relation, false AS approx, keys, NULL AS family FROM native WHERE n > 0
    UNION ALL
    SELECT report_id, measure, sum(value), CASE WHEN bool_or(relation = '≈') THEN '≈' ELSE '=' END, bool_or(approx),
           string_agg(key, ',' ORDER BY priority), string_agg(DISTINCT family, '+' ORDER BY family)
    FROM leg_used GROUP BY report_id, measure),
based AS (
    SELECT c.agency_id, c.agency, c.region, c.year, s.measure, m.label, s.value, s.relation, s.approx,
           CASE WHEN c.template = 'pre2019' THEN 'pre2019 ' || s.family ELSE 'template ' || c.template END AS basis,
           s.keys, s.report_id
    FROM series s JOIN cur c USING (report_id)
    LEFT JOIN (SELECT DISTINCT measure, label FROM comparable_measures) m USING (measure))
SELECT *,
       lag(basis) OVER w AS prev_basis, lag(year) OVER w AS prev_year,
       coalesce(lag(basis) OVER w <> basis AND (relation = '≈' OR lag(relation) OVER w = '≈'), false) AS break_before
FROM based
WINDOW w AS (PARTITION BY agency_id, measure ORDER BY year)
ORDER BY agency_id NULLS LAST, measure, year;
"""

VIEWS = ("report_summary", "proactive_crosswalk", "requests_crosswalk", "legacy_series", "comparable_series")


@cache
def legacy_vocabulary() -> tuple[dict[str, object], ...]:
    """templates/legacy_keys.csv with `priority` (its row order: the first key of a `first` measure wins)."""
    from pipeline.legacy.vocabulary import keys

    return tuple({"key": k.key, "parent": k.parent, "relation": k.relation, "comparable_key": k.comparable_key,
                  "combine": k.combine, "units": " ".join(k.units), "note": k.note, "priority": i}
                 for i, k in enumerate(keys()))


@cache
def comparable_measures() -> tuple[dict[str, str], ...]:
    """templates/comparable_measures.csv, one row per (measure, row key, column key) it sums."""
    with (TEMPLATES_DIR / "comparable_measures.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return tuple({"measure": r["measure"], "table": r["table"], "row_key": rk, "col_key": ck, "label": r["label"],
                  "note": r["note"]} for r in rows for rk in r["rows"].split() for ck in r["column"].split())


def write_database(tables: dict[str, pa.Table], path: Path) -> None:
    """Create the DuckDB file at `path` with every table, the crosswalk and the views."""
    con = duckdb.connect(str(path))
    try:
        for name, arrow in tables.items():
            con.register("_arrow", arrow)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _arrow")
            con.unregister("_arrow")
            con.execute(f"COMMENT ON TABLE {name} IS {_q(f'ogi-reports table {name}; see docs/data_dictionary.md')}")
            for f in schema.TABLES[name]:
                con.execute(f'COMMENT ON COLUMN {name}."{f.name}" IS {_q(f.description)}')
        for name, rows in (("crosswalk", crosswalk()), ("legacy_vocabulary", legacy_vocabulary()),
                           ("comparable_measures", comparable_measures())):
            con.register("_rows", pa.Table.from_pylist(list(rows)))
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _rows")
            con.unregister("_rows")
        con.execute(_summary_sql())
        con.execute(_CROSSWALK_VIEWS)
        con.execute(_LEGACY_VIEWS)
        con.execute("CHECKPOINT")
    finally:
        con.close()
