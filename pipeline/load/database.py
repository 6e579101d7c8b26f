"""The release's DuckDB database: every table (with the registry's descriptions as comments) and the views.

Views:
- `report_summary`: one row per report (superseded revisions included, `current` false; web pages that only
  link to their report's attachment left out), table 三 and 四 wide:
  `received_<applicant>` (一、本年新收 by applicant type), one column per other outcome of table 三 (总计
  column as printed, null when not printed), `other_total` (三（六） per the crosswalk), `<proceeding>_<outcome>`
  for table 四, and the failed template and series checks;
- `proactive_crosswalk` / `requests_crosswalk`: long views of current reports lining up the 2019 and 2021
  templates by `measure`, from pipeline/templates/crosswalk.csv (also loaded as the table `crosswalk`).
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
        FROM checks WHERE "check" LIKE 'series.%' GROUP BY report_id)
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

VIEWS = ("report_summary", "proactive_crosswalk", "requests_crosswalk")


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
        rows = crosswalk()
        con.register("_cw", pa.Table.from_pylist(list(rows)))
        con.execute("CREATE TABLE crosswalk AS SELECT * FROM _cw")
        con.unregister("_cw")
        con.execute(_summary_sql())
        con.execute(_CROSSWALK_VIEWS)
        con.execute("CHECKPOINT")
    finally:
        con.close()
