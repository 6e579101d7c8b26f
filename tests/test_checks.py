"""The `checks` table's structured columns (family, kind, scope, subject, related_report_id, related_year), the check
family registry, and the one status vocabulary (schema.STATUS_REGISTRY) everything else derives from."""

from __future__ import annotations

import random
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import pipeline
from pipeline import checks, labels, schema
from pipeline.batch import combine
from pipeline.cache import ExtractionCache
from pipeline.extraction import extract_document
from pipeline.load import build_release, open_release
from pipeline.synth import district_corpus, generate, render_pipe_text
from pipeline.synth.legacy import generate_legacy
from pipeline.synth.render_legacy import render_legacy_text
from tests.conftest import REPO

OLD_COLUMNS = ("report_id", "check", "lhs", "rhs", "passed", "cells", "severity")  # checks before 0.3.0


def _assert_structured(df: pd.DataFrame) -> None:
    """Every row: id = family.subject, kind and scope as the family's registry entry says."""
    assert len(df)
    families = schema.check_families()
    for r in df.to_dict("records"):
        fam = families[r["family"]]
        assert r["check"] == f"{r['family']}.{r['subject']}", r
        assert (r["kind"], r["scope"]) == (fam.kind, fam.scope), r


def test_every_declared_identity_is_a_registered_family():
    families = schema.check_families()
    for v in labels.versions().values():
        for ident in v.identities:
            fam = families[ident.family]
            assert ident.id == ident.family + ".{" + ident.each + "}"
            assert (fam.kind, fam.scope, fam.subject) == ("legacy" if ident.table == "legacy" else "identity",
                                                          "report", ident.each)
    assert schema.columns("checks")[:7] == list(OLD_COLUMNS)  # new columns come after the old ones
    assert {f.scope for f in families.values()} == set(schema.CHECK_SCOPES)
    assert {f.kind for f in families.values()} == set(schema.CHECK_KINDS)


def test_an_unknown_family_or_a_badly_named_identity_fails_loudly():
    with pytest.raises(schema.SchemaError, match="unknown check family"):
        checks.check_row("r", "requests.balanse", "total", 1.0, 1.0, [], "error")
    with pytest.raises(ValueError, match="must end with"):
        labels._identity({"id": "requests.balance_{applicant}", "table": "requests", "each": "applicant",
                          "lhs": ["new_received"], "rhs": ["total_processed"]})


def test_report_checks_carry_their_family_and_subject():
    report = generate(random.Random(5), year=2022, consistent=False)
    rep = extract_document(render_pipe_text(report).encode("utf-8"), name="2022.txt")
    _assert_structured(rep.checks)
    failed = rep.checks[~rep.checks["passed"].astype(bool)]
    assert len(failed) and set(failed["kind"]) == {"identity"} and set(failed["scope"]) == {"report"}
    assert rep.checks["related_report_id"].isna().all() and rep.checks["related_year"].isna().all()
    balance = rep.checks[rep.checks["family"] == "requests.balance"]
    assert set(balance["subject"]) == {a.key for a in labels.applicants()}


def test_legacy_checks_keep_dotted_keys_whole_in_subject():
    r = generate_legacy(random.Random(4), year=2016, family="FJ-PT", contradict=True, approx=False)
    rep = pipeline.extract_bytes(render_legacy_text(r, "pipe").encode(), f"{r.year}.txt")
    _assert_structured(rep.checks)
    prose = rep.checks[rep.checks["family"] == "legacy.prose_vs_table"]
    assert "proactive.total" in set(prose["subject"])  # a key with a dot: the subject, not split again
    assert set(rep.checks["kind"]) == {"legacy"}
    sums = rep.checks[rep.checks["family"].str.endswith("_sum")]
    assert set(sums["subject"]) <= {"year", "cumulative"}


def test_series_checks_name_the_report_they_compare_with(tmp_path: Path):
    synth = district_corpus(11, years=range(2019, 2023), n_districts=1, n_departments=1, broken=0)
    extracted = [extract_document(render_pipe_text(s).encode("utf-8"), name=f"{s.year}_{s.agency}.txt")
                 for s in synth]
    frames, reports = combine(extracted), combine(extracted)["reports"]
    mine = {s.year: r.report_id for s, r in zip(synth, extracted, strict=True) if s.agency == synth[0].agency}
    assert sorted(mine) == [2019, 2020, 2021, 2022]
    target = mine[2021]
    req = frames["requests"].copy()
    hit = (req.report_id == target) & (req.outcome == "carried_over") & (req.applicant == "total")
    req.loc[hit, "value"] = req.loc[hit, "value"] + 2
    dropped = mine[2020]  # and no 2020 report for that agency: a gap, then no pair across it
    keep = {t: df[df["report_id"] != dropped] for t, df in {**frames, "requests": req}.items()}
    with open_release(build_release(keep, tmp_path, now=None)) as con:
        ser = con.execute("SELECT * FROM checks WHERE scope = 'series'").df()
    _assert_structured(ser)
    assert set(ser["family"]) >= {"series.carried_over", "series.in_force", "series.missing_year"}
    pairs = ser[ser["family"] != "series.missing_year"]
    by_id = dict(zip(reports["report_id"], reports["year"], strict=True))
    assert (pairs["related_year"] == [by_id[r] - 1 for r in pairs["report_id"]]).all()
    assert all(by_id[p] == y for p, y in zip(pairs["related_report_id"], pairs["related_year"], strict=True))
    gap = ser[ser["family"] == "series.missing_year"]
    assert gap[["report_id", "subject", "related_year", "kind"]].values.tolist() == [
        [target, "2020", 2020, "coverage"]]
    assert gap["related_report_id"].isna().all()
    # the 2021 report has no 2020 report to compare with; the 2022 one compares with 2021
    assert target not in set(pairs["report_id"])
    later = pairs[pairs["report_id"] == mine[2022]]
    assert len(later) and (later["related_report_id"] == target).all()


def test_a_cache_from_before_the_structured_columns_is_read_with_them(tmp_path: Path):
    rep = extract_document(render_pipe_text(generate(random.Random(3), year=2020)).encode("utf-8"), name="a.txt")
    db = tmp_path / "cache.duckdb"
    with ExtractionCache(db) as cache:
        cache.put([rep])
    con = duckdb.connect(str(db))
    for col in schema.columns("checks")[len(OLD_COLUMNS):]:
        con.execute(f'ALTER TABLE checks DROP COLUMN "{col}"')
    con.close()
    with ExtractionCache(db) as cache:
        got = cache.frames()["checks"]
    _assert_structured(got)
    assert got["check"].tolist() == rep.checks["check"].tolist()
    assert got[["family", "subject"]].values.tolist() == rep.checks[["family", "subject"]].values.tolist()


# one status vocabulary -------------------------------------------------------------------------------------
def test_statuses_come_from_one_registry():
    from pipeline.cli import _STATUS_STYLE
    from pipeline.load.revisions import USABLE
    from pipeline.run.outcome import NOT_EXTRACTED, by_rank

    names = [s.name for s in schema.STATUS_REGISTRY]
    assert list(schema.STATUSES) == names
    reports_status = next(f for f in schema.TABLES["reports"] if f.name == "status")
    assert reports_status.allowed_values() == tuple(names)
    assert all(f"{s}: " in reports_status.description for s in names)
    assert [f.name for f in schema.TABLES["quality"] if f.name.removeprefix("n_") in names] == \
        [f"n_{s}" for s in names]
    assert _STATUS_STYLE == {s.name: s.style for s in schema.STATUS_REGISTRY}
    assert USABLE == ("ok", "partial")
    # a report made of several documents takes the best status: needs_ocr ranks before no_tables
    assert by_rank([NOT_EXTRACTED, *names]) == ["ok", "partial", "needs_ocr", "no_tables", "failed", NOT_EXTRACTED]
    with pytest.raises(schema.SchemaError):
        schema.status("missing")


def test_status_and_check_vocabularies_are_not_declared_elsewhere():
    """No product module or notebook lists the statuses or parses a check id or its cells text in SQL."""
    literal = re.compile(r"""["']ok["'][^\n]{0,24}["']partial["']""")  # ("ok", "partial" / {"ok": 0, "partial": 1
    parsing = re.compile(r"""(regexp_extract|split_part)\([^)]*"check"|"check"\s+(NOT\s+)?LIKE|regexp_extract\(c?\.?cells""")
    hits = []
    for path in [*(REPO / "pipeline").rglob("*.py"), *(REPO / "notebooks").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        if path.name != "schema.py" and literal.search(text):
            hits.append(f"{path}: a status list")
        if parsing.search(text):
            hits.append(f"{path}: parses check ids")
    assert hits == []
