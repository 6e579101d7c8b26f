"""A release opened for analysis: pandas frames, a DuckDB connection and the common cuts.

    rel = open_latest()                       # extracted/latest (or a given out-root or release folder)
    rel.table("requests"); rel.summary()      # pandas frames (summary = the report_summary view + place)
    rel.sql("SELECT year, count(*) FROM reports GROUP BY 1")
    rel.outcome_groups(year=2023); rel.shares(year=2023); rel.denial_reasons(year=2023)
    rel.identity_failures(); rel.carry_over(); rel.missing_years(); rel.coverage()
    rel.legacy(key="proactive.total"); rel.long_series("requests.new_received", place="西山区"); rel.measures()

Agencies are named by `agency_name` (the name printed in their latest report, from the `agencies` table: the
printed `agency` varies between years) and placed by `place` (the lowest administrative area in the name).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.analysis.groups import GROUPS, denial_reasons, measure_groups
from pipeline.load import ReleaseError, read_table, resolve
from pipeline.load.release import DB_NAME

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOW_TO_MAKE = ("make one with `make demo` (the offline demo sites → extracted/) or `ogi run --out extracted` "
               "(scrape the registered sources), or build the generated sample: "
               "python -c 'from pipeline.analysis import build_sample_release; build_sample_release(\"extracted\")'")


class NoReleaseError(ReleaseError, FileNotFoundError):
    """No release where one was looked for; the message says how to make one."""


def _candidates(root: Path) -> list[Path]:
    out = [root]
    if not root.is_absolute() and (PROJECT_ROOT / root).resolve() != root.resolve():
        out.append(PROJECT_ROOT / root)  # "extracted" from a notebook whose working folder is notebooks/
    return out


def open_latest(root: Path | str = "extracted") -> Release:
    """The release at `root`: an out-root (its `latest`) or a release folder; NoReleaseError when there is none."""
    tried = _candidates(Path(root))
    for p in tried:
        try:
            return Release(resolve(p))
        except ReleaseError:
            continue
    where = " or ".join(str(p) for p in tried)
    raise NoReleaseError(f"no release found at {where} (no manifest.json, latest/ or LATEST); {HOW_TO_MAKE}")


def open_or_sample(path: Path | str | None = None, *, env: str = "OGI_RELEASE", seed: int = 2019) -> Release:
    """The notebooks' release: `path`, else $OGI_RELEASE, else extracted/ — or the generated sample release.

    An explicitly given path (argument or environment variable) must hold a release. When the default
    extracted/ has none, the sample release is built once in the temporary folder and reused.
    """
    given = path if path is not None else os.environ.get(env) or None
    if given is not None:
        return open_latest(given)
    try:
        return open_latest("extracted")
    except NoReleaseError:
        pass
    from pipeline.analysis.sample import build_sample_release
    from pipeline.version import EXTRACTOR_VERSION

    out = Path(tempfile.gettempdir()) / f"ogi-sample-{seed}-{EXTRACTOR_VERSION}"
    try:
        rel = open_latest(out)
    except NoReleaseError:
        rel = Release(build_sample_release(out, seed))
    print(f"no release in extracted/: using the generated sample release {rel.path} ({HOW_TO_MAKE.split(', or')[0]})")
    return rel


def _in(values: Any) -> list | None:
    if values is None:
        return None
    return list(values) if isinstance(values, Iterable) and not isinstance(values, str) else [values]


class Release:
    """One release folder: its manifest, tables (pandas), DuckDB views and analysis helpers."""

    def __init__(self, path: Path | str) -> None:
        self.path = resolve(Path(path))
        self.name = self.path.name
        self.manifest: dict[str, Any] = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
        self._con: duckdb.DuckDBPyConnection | None = None
        self._tables: dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        n = self.manifest.get("row_counts", {}).get("reports", "?")
        return f"Release({self.name!r}, {n} reports, {self.path})"

    # ---- access ---------------------------------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """Read-only DuckDB connection to the release's ogi.duckdb (tables and views)."""
        if self._con is None:
            self._con = duckdb.connect(str(self.path / DB_NAME), read_only=True)
            self._con.register("outcome_groups_map", measure_groups())
        return self._con

    def sql(self, query: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a query against ogi.duckdb and return a pandas frame (write "check" in double quotes)."""
        return self.con.execute(query, params or []).df()

    def table(self, name: str) -> pd.DataFrame:
        """A release table from Parquet with the registry's dtypes (value tables gain `year`); a copy."""
        if name not in self._tables:
            self._tables[name] = read_table(self.path, name)
        return self._tables[name].copy()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Release:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- cuts -----------------------------------------------------------------------------------------
    def summary(self, *, current: bool = True, year: int | Iterable[int] | None = None,
                place: str | Iterable[str] | None = None, agency: str | Iterable[str] | None = None) -> pd.DataFrame:
        """report_summary (one row per report) with agency_name and place; filtered by year, place, agency.

        `agency` matches agency_id, agency_name or the name printed in the report. current=False keeps
        superseded revisions.
        """
        df = self.sql("""SELECT s.*, a.agency AS agency_name, a.place
                         FROM report_summary s LEFT JOIN agencies a USING (agency_id)
                         ORDER BY a.place, a.agency, s.year""")
        if current:
            df = df[df["current"]]
        return self._filter(df, year=year, place=place, agency=agency).reset_index(drop=True)

    @staticmethod
    def _filter(df: pd.DataFrame, *, year: Any = None, place: Any = None, agency: Any = None) -> pd.DataFrame:
        if (years := _in(year)) is not None:
            df = df[df["year"].isin(years)]
        if (places := _in(place)) is not None:
            df = df[df["place"].isin(places)]
        if (names := _in(agency)) is not None:
            cols = [c for c in ("agency_id", "agency_name", "agency") if c in df]
            df = df[df[cols].isin(names).any(axis=1)]
        return df

    def years(self) -> list[int]:
        """Reporting years of current reports, ascending."""
        return [int(y) for y in self.sql("SELECT DISTINCT year FROM reports WHERE superseded_by IS NULL "
                                         "AND year IS NOT NULL ORDER BY 1")["year"]]

    def agencies(self) -> pd.DataFrame:
        """The agencies table (agency_id, agency, names, place, adcode, first_year, last_year, n_reports)."""
        return self.table("agencies")

    def outcome_groups(self, *, applicant: str = "total", year: Any = None, place: Any = None,
                       agency: Any = None) -> pd.DataFrame:
        """One row per current report: the six harmonised outcome groups of table 三 for one applicant column.

        Columns: report identity (report_id, agency_id, agency_name, place, year, template, status), the
        groups granted … other (sums over the crosswalk measures of each group; null when none of its cells
        was printed), `groups_sum`, `total_processed` as printed, `received` (一、本年新收) and
        `identity_holds` (groups_sum equals total_processed). Reports without table 三 have null groups.
        """
        long = self.sql("""SELECT c.report_id, g."group", sum(c.value) AS value
                           FROM requests_crosswalk c JOIN outcome_groups_map g USING (measure)
                           WHERE c.applicant = ? GROUP BY ALL""", [applicant])
        wide = long.pivot(index="report_id", columns="group", values="value").reindex(columns=list(GROUPS))
        wide.columns.name = None
        printed = self.sql("""SELECT report_id, max(value) FILTER (WHERE measure = 'total_processed') AS total_processed,
                                     max(value) FILTER (WHERE measure = 'new_received') AS received
                              FROM requests_crosswalk WHERE applicant = ? GROUP BY report_id""", [applicant])
        meta = self.summary(year=year, place=place, agency=agency)[
            ["report_id", "agency_id", "agency_name", "place", "year", "template", "status"]]
        df = meta.merge(wide.reset_index(), on="report_id", how="left").merge(printed, on="report_id", how="left")
        groups = df[list(GROUPS)].astype("Float64")
        df[list(GROUPS)] = groups
        df["groups_sum"] = groups.sum(axis=1, min_count=1)
        df["identity_holds"] = (df["groups_sum"] - df["total_processed"]).abs().lt(1e-6)
        return df.reset_index(drop=True)

    def shares(self, *, by: str | Sequence[str] = "agency_name", applicant: str = "total", year: Any = None,
               place: Any = None, agency: Any = None) -> pd.DataFrame:
        """Outcome-group shares per `by` (agency_name, place, year, …): each group / the sum of the six groups.

        The denominator is the sum of the groups (so shares add up to 1), reported as `n`; `total_processed`
        (printed) is beside it, and `n_reports_identity_broken` counts reports where the two differ.
        """
        df = self.outcome_groups(applicant=applicant, year=year, place=place, agency=agency)
        df = df[df["groups_sum"].notna()]
        keys = [by] if isinstance(by, str) else list(by)
        agg = df.groupby(keys, sort=True).agg(
            **{g: (g, "sum") for g in GROUPS}, n=("groups_sum", "sum"), total_processed=("total_processed", "sum"),
            received=("received", "sum"), n_reports=("report_id", "count"),
            n_reports_identity_broken=("identity_holds", lambda s: int((~s.astype(bool)).sum())))
        for g in GROUPS:
            agg[f"share_{g}"] = (agg[g] / agg["n"].where(agg["n"] > 0)).astype("Float64")
        return agg

    def denial_reasons(self, *, by: str | Sequence[str] = "agency_name", applicant: str = "total", share: bool = False,
                       year: Any = None, place: Any = None, agency: Any = None) -> pd.DataFrame:
        """（三）不予公开 by reason (denied_state_secret … denied_admin_query) per `by`; share=True: of all denials."""
        reasons = list(denial_reasons())
        req = self.sql("""SELECT report_id, outcome, value FROM requests q JOIN reports r USING (report_id)
                          WHERE r.superseded_by IS NULL AND applicant = ? AND outcome LIKE 'denied_%'""", [applicant])
        wide = req.pivot_table(index="report_id", columns="outcome", values="value", aggfunc="sum")
        wide = wide.reindex(columns=reasons).reset_index()
        meta = self.summary(year=year, place=place, agency=agency)[["report_id", "agency_id", "agency_name",
                                                                   "place", "year", "template"]]
        df = meta.merge(wide, on="report_id")
        keys = [by] if isinstance(by, str) else list(by)
        out = df.groupby(keys, sort=True)[reasons].sum(min_count=1)
        if share:
            out = out.div(out.sum(axis=1).where(lambda s: s > 0), axis=0)
        return out

    def totals(self, by: str | Sequence[str] = ("place", "year"), *, applicant: str = "total",
               year: Any = None, place: Any = None, agency: Any = None) -> pd.DataFrame:
        """Requests received, the six outcome groups and total_processed summed per `by` (e.g. place × year)."""
        df = self.outcome_groups(applicant=applicant, year=year, place=place, agency=agency)
        keys = [by] if isinstance(by, str) else list(by)
        cols = ["received", *GROUPS, "total_processed"]
        out = df.groupby(keys, sort=True)[cols].sum(min_count=1)
        out["n_reports"] = df.groupby(keys, sort=True)["report_id"].count()
        return out

    # ---- the long series: key figures before 2019 and the comparable measures ------------------------------
    def legacy(self, *, key: Any = None, period: str | None = "year", year: Any = None, place: Any = None,
               agency: Any = None) -> pd.DataFrame:
        """Key figures of pre-2019 reports (the `legacy_series` view: one per report, key, qualifier and period —
        the table's figure when the prose states it too, `sources_differ` when they disagree), with agency_name
        and place. period=None keeps both year and cumulative (历年累计) figures."""
        df = self.sql("""SELECT s.*, a.agency AS agency_name, a.place
                         FROM legacy_series s LEFT JOIN agencies a USING (agency_id)
                         ORDER BY a.place, a.agency, s.year, s.key""")
        if (keys := _in(key)) is not None:
            df = df[df["key"].isin(keys)]
        if period is not None:
            df = df[df["period"] == period]
        return self._filter(df, year=year, place=place, agency=agency).reset_index(drop=True)

    def measures(self) -> pd.DataFrame:
        """The comparable measures: label, the 2019+ cells each sums, and the legacy keys that line up with it."""
        return self.sql("""
            SELECT m.measure, any_value(m.label) AS label, any_value(m."table") AS "table",
                   string_agg(DISTINCT m.row_key || '.' || m.col_key, ', ') AS cells_2019,
                   (SELECT string_agg(v.key || ' (' || v.relation || ')', ', ' ORDER BY v.priority)
                    FROM legacy_vocabulary v WHERE v.comparable_key = m.measure) AS legacy_keys
            FROM comparable_measures m GROUP BY m.measure ORDER BY m.measure""")

    def long_series(self, measure: Any = None, *, place: Any = None, agency: Any = None,
                    by: str | None = None) -> pd.DataFrame:
        """The `comparable_series` view (2008–) with agency_name and place: per agency, year and measure the
        value, its `relation` to the 2019+ measure (= same meaning, ≈ comparable with a break), `basis` (legacy
        table family or template), the keys it sums and `break_before` (the basis changes here and one side is
        only ≈). by="place" (or another column) sums the agencies: relation ≈ when any is, break_before when any."""
        df = self.sql("""SELECT s.*, a.agency AS agency_name, a.place
                         FROM comparable_series s LEFT JOIN agencies a USING (agency_id)
                         ORDER BY a.place, a.agency, s.measure, s.year""")
        if (measures := _in(measure)) is not None:
            df = df[df["measure"].isin(measures)]
        df = self._filter(df, place=place, agency=agency)
        if by is None:
            return df.reset_index(drop=True)
        return (df.groupby([by, "measure", "year"], sort=True)
                .agg(value=("value", "sum"), n_agencies=("agency_id", "nunique"),
                     relation=("relation", lambda r: "≈" if (r == "≈").any() else "="),
                     approx=("approx", "any"), break_before=("break_before", "any"),
                     basis=("basis", lambda b: " | ".join(sorted(set(b)))))
                .reset_index())

    # ---- data quality ---------------------------------------------------------------------------------
    def identity_failures(self) -> pd.DataFrame:
        """Failed checks within reports (scope report) but the warnings on pre-2019 key figures (kind legacy: see
        `legacy_warnings`): the template identities and the OCR confidence flags, with the report's identity.

        `family` is the identity (requests.balance, requests.total_processed, requests.row_total,
        reviews.total; ocr.confidence) and `detail` its subject, the column or row it was evaluated on;
        `difference` = lhs − rhs.
        """
        return self.sql("""
            SELECT c.report_id, r.agency_id, a.agency AS agency_name, a.place, r.year, r.template, r.status,
                   c.family, c.subject AS detail, c."check", c.lhs, c.rhs, c.lhs - c.rhs AS difference, c.cells,
                   c.severity
            FROM checks c JOIN reports r USING (report_id) LEFT JOIN agencies a USING (agency_id)
            WHERE NOT c.passed AND c.scope = 'report' AND c.kind <> 'legacy'
            ORDER BY a.place, a.agency, r.year, c."check" """)

    def legacy_warnings(self) -> pd.DataFrame:
        """Failed checks on pre-2019 key figures (kind legacy: channel and reply sums, prose against table within
        a report; series.legacy_cumulative across years: 历年累计 columns that restart), with the report's
        identity; `family` and `subject` as in `checks`, `related_report_id` the year-before report."""
        return self.sql("""
            SELECT c.report_id, r.agency_id, a.agency AS agency_name, a.place, r.year, c."check", c.family,
                   c.subject, c.lhs, c.rhs, c.lhs - c.rhs AS difference, c.cells, c.related_report_id
            FROM checks c JOIN reports r USING (report_id) LEFT JOIN agencies a USING (agency_id)
            WHERE NOT c.passed AND c.kind = 'legacy'
            ORDER BY a.place, a.agency, r.year, c."check" """)

    def carry_over(self, *, breaks_only: bool = True) -> pd.DataFrame:
        """series.carried_over: carried_over(y) against carried_forward(y-1) of the same agency, per applicant.

        breaks_only=False returns every pair evaluated (for a scatter of the two); `prev_report_id` is the
        year-before report.
        """
        where = "AND NOT c.passed" if breaks_only else ""
        return self.sql(f"""
            SELECT c.report_id, c.related_report_id AS prev_report_id,
                   r.agency_id, a.agency AS agency_name, a.place, r.year,
                   c.subject AS applicant, c.lhs AS carried_over,
                   c.rhs AS prev_carried_forward, c.lhs - c.rhs AS difference, c.passed
            FROM checks c JOIN reports r USING (report_id) LEFT JOIN agencies a USING (agency_id)
            WHERE c.family = 'series.carried_over' {where}
            ORDER BY a.place, a.agency, r.year, applicant""")

    def missing_years(self) -> pd.DataFrame:
        """series.missing_year: years without a report between an agency's first and last report."""
        return self.sql("""
            SELECT r.agency_id, a.agency AS agency_name, a.place,
                   c.related_year AS missing_year,
                   r.year AS next_report_year, c.report_id AS next_report_id, a.first_year, a.last_year
            FROM checks c JOIN reports r USING (report_id) LEFT JOIN agencies a USING (agency_id)
            WHERE c.family = 'series.missing_year' AND NOT c.passed
            ORDER BY a.place, a.agency, missing_year""")

    def coverage(self) -> pd.DataFrame:
        """One row per agency and year from its first to its last: status (or 'missing') and failed checks."""
        s = self.summary()
        ag = self.agencies()[["agency_id", "agency", "place", "first_year", "last_year"]].dropna(
            subset=["first_year", "last_year"])
        grid = pd.DataFrame([(r.agency_id, r.agency, r.place, y) for r in ag.itertuples()
                             for y in range(int(r.first_year), int(r.last_year) + 1)],
                            columns=["agency_id", "agency_name", "place", "year"])
        s = s[["agency_id", "year", "report_id", "template", "status", "n_checks_failed", "n_series_errors",
               "n_series_warnings"]]
        grid["year"] = grid["year"].astype(s["year"].dtype)
        out = grid.merge(s, on=["agency_id", "year"], how="left")
        out["status"] = out["status"].fillna("missing")
        return out.sort_values(["place", "agency_name", "year"]).reset_index(drop=True)


def notebook_setup(width: int = 160) -> Release:
    """A notebook's first cell: a CJK font for matplotlib, wide pandas output, and `open_or_sample()`."""
    import pandas as pd

    from pipeline.analysis.plots import use_cjk_font

    use_cjk_font()
    pd.set_option("display.width", width)
    return open_or_sample()
