"""Synthetic report values: realistic tables 二/三/四 that satisfy (or deliberately break) the template identities."""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from datetime import date

from . import prose
from .templates import (
    APPLICANT_PARTS,
    APPLICANTS,
    PROCEEDINGS,
    REVIEW_OUTCOMES,
    SECTION_TITLES,
    leaf_keys,
    proactive_keys,
    request_row_keys,
)

Cells = dict[tuple[str, str, str], float | None]


@dataclass(frozen=True, slots=True)
class ProactiveValue:
    """One table 二 cell: canonical `value` (万元 for amounts, a count otherwise), the printed text and unit."""

    value: float
    raw: str
    unit: str | None = None  # unit printed in the cell: 元, 万元, 次 or None


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered part of the report (1–6); parts 2–4 carry the tables and usually no text."""

    number: int
    title: str
    text: str = ""


@dataclass(slots=True)
class SyntheticReport:
    """A generated report: metadata, canonical cell values keyed as in SCHEMA.md, and prose."""

    year: int
    template: str  # "2019" | "2021"
    agency: str
    region: str
    title: str
    proactive: dict[tuple[str, str], ProactiveValue]  # (item, metric)
    requests: dict[tuple[str, str], float | None]  # (outcome, applicant); None = not published (blank)
    reviews: dict[tuple[str, str], float]  # (proceeding, outcome)
    sections: list[Section]
    intro: str = ""
    city: str = ""
    office: str = ""
    published: date = field(default_factory=lambda: date(2000, 1, 1))
    single_other: bool = False  # 2021 template printed with one 2019-style （六）其他处理 row
    consistent: bool = True
    legacy: tuple[str, ...] = ()  # clauses of table 二 a 2021 report prints with the 2019 labels ("20.1")

    @property
    def outcomes(self) -> tuple[str, ...]:
        """Table 三 row keys in printed order."""
        return request_row_keys(self.template, self.single_other)

    @property
    def doc_id(self) -> int:
        """A stable 5-digit document id (for URLs and <meta name="DocId">)."""
        return 10000 + zlib.crc32(f"{self.agency}|{self.year}".encode()) % 90000

    def section(self, number: int) -> Section:
        return next(s for s in self.sections if s.number == number)


# ---- random helpers ------------------------------------------------------------------------------------
def _skewed(rng: random.Random, hi: float, p_zero: float = 0.5) -> int:
    """0 with probability p_zero, else log-uniform in 1..hi (mostly small, a few large)."""
    return 0 if rng.random() < p_zero or hi < 1 else int(round(hi ** rng.random()))


def _fmt(v: float) -> str:
    """A number as printed: integers without decimals, else the shortest round-trip form."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _count(rng: random.Random, v: int, unit: str | None, unit_prob: float) -> ProactiveValue:
    if unit and v and rng.random() < unit_prob:
        return ProactiveValue(float(v), f"{v}{unit}", unit)
    return ProactiveValue(float(v), str(v))


def _amount(rng: random.Random, p_zero: float, hi_wan: float, unit_prob: float) -> ProactiveValue:
    """An amount: bare 万元 number, `…万元`, or `…元` (value = yuan / 10000)."""
    if rng.random() < p_zero:
        return ProactiveValue(0.0, "0")
    wan = hi_wan ** rng.random()
    if rng.random() < unit_prob and rng.random() < 0.5:
        cents = int(wan * 1_000_000) if rng.random() < 0.5 else int(wan) * 10000 * 100
        yuan = f"{cents // 100}.{cents % 100:02d}" if cents % 100 else str(cents // 100)
        return ProactiveValue(float(yuan) / 10000, f"{yuan}元", "元")
    text = _fmt(round(wan, rng.choice((0, 2, 2, 4))))
    if rng.random() < unit_prob:
        return ProactiveValue(float(text), f"{text}万元", "万元")
    return ProactiveValue(float(text), text)


# ---- table 二 ------------------------------------------------------------------------------------------
def _proactive(rng: random.Random, template: str, dept: bool, unit_prob: float,
               previous: SyntheticReport | None, legacy: tuple[str, ...] = ()) -> dict[tuple[str, str], ProactiveValue]:
    s = 0.2 if dept else 1.0  # departments decide and publish less
    out: dict[tuple[str, str], ProactiveValue] = {}

    def c(item: str, metric: str, v: int, unit: str | None = None) -> None:
        out[(item, metric)] = _count(rng, v, unit, unit_prob)

    for item, hi_doc in (("rules", 3 if not dept else 0), ("normative_documents", 40 * s)):
        made = _skewed(rng, hi_doc, 0.7 if item == "rules" else 0.3)
        if template == "2019" or "20.1" in legacy:
            c(item, "new_made", made)
            c(item, "new_published", made if rng.random() < 0.85 else rng.randint(0, made))
            c(item, "total_published", made + _skewed(rng, 300 * s, 0.2))
        else:
            prev = previous.proactive.get((item, "in_force")) if previous and previous.template == "2021" else None
            base = int(prev.value) if prev else _skewed(rng, 400 * s, 0.2)
            repealed = min(_skewed(rng, 20 * s, 0.6), base + made)
            c(item, "issued", made)
            c(item, "repealed", repealed)
            c(item, "in_force", base + made - repealed)
    hi = {"licensing": 20000 * s, "other_services": 500 * s, "penalty": 3000 * s, "coercion": 300 * s}
    for item in ("licensing", "other_services", "penalty", "coercion"):
        if template == "2021" and item == "other_services":
            continue
        decisions = _skewed(rng, hi[item], 0.35)
        if template == "2019":
            c(item, "prior_year_items", _skewed(rng, hi[item] / 5 + 1, 0.4))
            c(item, "change", rng.choice((0, 0, 0, rng.randint(-15, 15))))
        c(item, "decisions", decisions, "次")
    if template == "2019":
        c("fees", "prior_year_items", _skewed(rng, 60 * s, 0.5))
        c("fees", "change", rng.choice((0, 0, rng.randint(-5, 5))))
        c("procurement", "procurement_count", _skewed(rng, 600 * s, 0.4), "次")
        out[("procurement", "procurement_amount")] = _amount(rng, 0.4, 50000 * s, max(unit_prob, 0.5))
    else:
        out[("fees", "fee_amount")] = _amount(rng, 0.5, 20000 * s, unit_prob)
    return {k: out[k] for k in proactive_keys(template, legacy)}


# ---- table 三 ------------------------------------------------------------------------------------------
_LEVELS = {"none": 0, "small": 15, "medium": 150, "large": 3000}
_APPLICANT_W = (85, 7, 0.7, 0.8, 3, 2.5)
_OUTCOME_W = {
    "granted": 35, "partly_granted": 10, "denied_state_secret": 0.3, "denied_other_law": 0.8,
    "denied_three_safeties": 0.5, "denied_third_party": 1, "denied_internal_affairs": 1.5,
    "denied_process_info": 2, "denied_enforcement_file": 1, "denied_admin_query": 1.5,
    "unavailable_not_held": 22, "unavailable_needs_creation": 4, "unavailable_unclear": 3,
    "not_processed_complaint": 4, "not_processed_duplicate": 3, "not_processed_publication": 0.5,
    "not_processed_excessive": 0.8, "not_processed_confirmation": 1, "other": 4,
    "other_no_correction": 2, "other_unpaid_fee": 0.2, "other_misc": 2,
}


def _requests(rng: random.Random, outcomes: tuple[str, ...], leaves: tuple[str, ...], level: str,
              carried_over: dict[str, float] | None, total_published: bool) -> dict[tuple[str, str], float | None]:
    n = rng.randint(max(1, _LEVELS[level] // 10), _LEVELS[level]) if _LEVELS[level] else 0
    new = dict.fromkeys(APPLICANT_PARTS, 0)
    for a in rng.choices(APPLICANT_PARTS, _APPLICANT_W, k=n):
        new[a] += 1
    req: dict[tuple[str, str], float | None] = {}
    for a in APPLICANT_PARTS:
        over = int(carried_over.get(a) or 0) if carried_over is not None else (
            rng.randint(0, max(1, new[a] // 8)) if new[a] and rng.random() < 0.3 else 0)
        avail = new[a] + over
        fwd = rng.randint(0, avail // 6) if avail and rng.random() < 0.35 else 0
        done = dict.fromkeys(leaves, 0)
        for o in rng.choices(leaves, [_OUTCOME_W[k] for k in leaves], k=avail - fwd):
            done[o] += 1
        col = {"new_received": new[a], "carried_over": over, "total_processed": avail - fwd,
               "carried_forward": fwd, **done}
        req.update({(o, a): float(col[o]) for o in outcomes})
    for o in outcomes:
        req[(o, "total")] = sum(req[(o, a)] or 0 for a in APPLICANT_PARTS) if total_published else None
    return {(o, a): req[(o, a)] for o in outcomes for a in APPLICANTS}


# ---- table 四 ------------------------------------------------------------------------------------------
def _reviews(rng: random.Random, level: str) -> dict[tuple[str, str], float]:
    hi = {"none": 0, "small": 2, "medium": 6, "large": 40}[level]
    out: dict[tuple[str, str], float] = {}
    for p, share in zip(PROCEEDINGS, (1.0, 0.6, 0.3), strict=True):
        parts = dict.fromkeys(REVIEW_OUTCOMES[:4], 0)
        for o in rng.choices(REVIEW_OUTCOMES[:4], (6, 1.5, 1.5, 1), k=_skewed(rng, hi * share, 0.5)):
            parts[o] += 1
        out.update({(p, o): float(v) for o, v in parts.items()})
        out[(p, "total")] = float(sum(parts.values()))
    return {(p, o): out[(p, o)] for p in PROCEEDINGS for o in REVIEW_OUTCOMES}


# ---- identities ----------------------------------------------------------------------------------------
def identity_failures(report: SyntheticReport) -> list[str]:
    """Ids (as in SCHEMA.md `checks`) of the template identities the values break; cells that are None skip."""
    req, out = report.requests, []
    leaves = leaf_keys(report.template, report.single_other)

    def eq(lhs: list[float | None], rhs: list[float | None]) -> bool | None:
        if any(v is None for v in lhs + rhs):
            return None
        return math.isclose(sum(lhs), sum(rhs), abs_tol=1e-9)  # type: ignore[arg-type]

    for a in APPLICANTS:
        if eq([req[("new_received", a)], req[("carried_over", a)]],
              [req[("total_processed", a)], req[("carried_forward", a)]]) is False:
            out.append(f"requests.balance.{a}")
        if eq([req[(o, a)] for o in leaves], [req[("total_processed", a)]]) is False:
            out.append(f"requests.total_processed.{a}")
    for o in report.outcomes:
        if eq([req[(o, a)] for a in APPLICANT_PARTS], [req[(o, "total")]]) is False:
            out.append(f"requests.row_total.{o}")
    for p in PROCEEDINGS:
        if eq([report.reviews[(p, o)] for o in REVIEW_OUTCOMES[:4]], [report.reviews[(p, "total")]]) is False:
            out.append(f"reviews.total.{p}")
    return out


def _break(rng: random.Random, report: SyntheticReport) -> None:
    """Add to 1–3 published cells so that at least one template identity fails."""
    req, a = report.requests, rng.choice(APPLICANT_PARTS)
    targets: list[tuple[dict, tuple[str, str]]] = [
        (req, ("total_processed", a)), (req, ("carried_forward", a)),
        (req, (rng.choice(leaf_keys(report.template, report.single_other)), a)),
        (report.reviews, (rng.choice(PROCEEDINGS), "total")),
    ]
    if req[("new_received", "total")] is not None:
        targets.append((req, (rng.choice(report.outcomes), "total")))
    for table, key in rng.sample(targets, rng.randint(1, 3)):
        table[key] = (table[key] or 0.0) + rng.randint(1, 9)
    if not identity_failures(report):  # two bumps cancelled out
        req[("carried_forward", a)] = (req[("carried_forward", a)] or 0.0) + 1


# ---- the generator -------------------------------------------------------------------------------------
def _city_of(agency: str) -> str:
    i = agency.find("市")
    return agency[: i + 1] if 0 < i < len(agency) - 3 else ""


def _we(agency: str, region: str) -> str:
    if agency.endswith("人民政府"):
        return "我" + (region[-1] if region and region[-1] in "区县市旗镇乡" else "区")
    return "我" + (agency[-1] if agency[-1] in "局委办厅院署" else "单位")


def generate(
    rng: random.Random,
    *,
    year: int = 2021,
    template: str | None = None,
    agency: str = "伊春市金林区人民政府",
    region: str = "金林区",
    city: str | None = None,
    consistent: bool = True,
    single_other: bool = False,
    total_published: bool = True,
    unit_prob: float = 0.2,
    activity: str | None = None,
    previous: SyntheticReport | None = None,
    title: str | None = None,
    legacy: tuple[str, ...] = (),
) -> SyntheticReport:
    """Generate one report.

    template defaults to "2019" before 2021, else "2021"; single_other prints a 2021 report with one 2019-style
    （六） row; total_published=False leaves the 总计 column of table 三 blank (None); unit_prob is the chance a
    table 二 cell carries a unit (`335次`, `3967万元`, `251000元`); activity is "none" | "small" | "medium" |
    "large" (random when None); previous (same agency, year - 1) chains carried_over and in_force; legacy: clauses
    of table 二 a 2021 report prints with the 2019 labels and metrics (only "20.1": 本年新制作数量 …).
    """
    template = template or ("2019" if year < 2021 else "2021")
    single_other = single_other and template == "2021"
    legacy = tuple(c for c in legacy if c == "20.1") if template == "2021" else ()
    city = _city_of(agency) if city is None else city
    dept = not agency.endswith("人民政府")
    level = activity or rng.choices(tuple(_LEVELS), (30, 40, 22, 8) if not dept else (50, 40, 9, 1))[0]
    outcomes = request_row_keys(template, single_other)
    over = None
    if previous is not None:
        over = {a: previous.requests.get(("carried_forward", a)) or 0.0 for a in APPLICANT_PARTS}
    requests = _requests(rng, outcomes, leaf_keys(template, single_other), level, over, total_published)
    we = _we(agency, region)
    office = agency if dept else f"{region or city}人民政府办公室"
    n_req = int(sum(requests[("new_received", a)] or 0 for a in APPLICANT_PARTS))
    texts = prose.make_sections(rng, year=year, who=we, n_req=n_req, dept=dept)
    sections = [Section(n, rng.choice(SECTION_TITLES[n]), texts.get(n, "")) for n in range(1, 7)]
    report = SyntheticReport(
        year=year, template=template, agency=agency, region=region,
        title=title or prose.make_title(rng, year=year, agency=agency, region=region, city=city),
        proactive=_proactive(rng, template, dept, unit_prob, previous, legacy),
        requests=requests, reviews=_reviews(rng, level), sections=sections,
        intro=prose.make_intro(rng, year=year, office=office, site=f"{city}{region}人民政府网"),
        city=city, office=office, published=date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
        single_other=single_other, consistent=consistent, legacy=legacy,
    )
    if not consistent:
        _break(rng, report)
    return report


def expected_cells(report: SyntheticReport) -> Cells:
    """(table, key1, key2) -> value for every cell an extractor should produce (None: printed blank, null)."""
    cells: Cells = {("proactive", i, m): v.value for (i, m), v in report.proactive.items()}
    cells.update({("requests", o, a): v for (o, a), v in report.requests.items()})
    cells.update({("reviews", p, o): v for (p, o), v in report.reviews.items()})
    return cells


# ---- a multi-agency, multi-year corpus -----------------------------------------------------------------
_CITIES = (
    ("云岭市", ("东湖区", "西山区", "南湾区", "青石县", "白沙县")),
    ("临川市", ("江北区", "江南区", "桃源县", "龙泉县", "石门县")),
    ("安平市", ("城关区", "新华区", "河西区", "长宁县", "丰乐县")),
)
_DEPARTMENTS = ("财政局", "教育局", "市场监督管理局", "自然资源和规划局", "住房和城乡建设局", "卫生健康委员会")


def district_corpus(seed: int, *, years: range = range(2019, 2025), n_districts: int = 4,
                    n_departments: int = 3, broken: int = 2) -> list[SyntheticReport]:
    """Reports of several districts of one city plus a few departments, one per agency and year.

    2019–2020 use the 2019 template, later years the 2021 one; carried_forward(y-1) == carried_over(y) per
    agency. `broken` reports (chosen at random, not in the first year) break their identities on purpose.
    """
    rng = random.Random(seed)
    city, districts = rng.choice(_CITIES)
    agencies = [(f"{city}{d}人民政府", d) for d in rng.sample(districts, min(n_districts, len(districts)))]
    agencies += [(f"{city}{dep}", city) for dep in rng.sample(_DEPARTMENTS, min(n_departments, len(_DEPARTMENTS)))]
    slots = [(i, y) for i in range(len(agencies)) for y in years if y != years[0]]
    bad = set(rng.sample(slots, min(broken, len(slots))))
    out: list[SyntheticReport] = []
    for i, (agency, region) in enumerate(agencies):
        prev = None
        single = rng.random() < 0.25  # some agencies keep printing one （六） row in 2021+ reports
        for y in years:
            prev = generate(rng, year=y, agency=agency, region=region, city=city, previous=prev,
                            consistent=(i, y) not in bad, single_other=single)
            out.append(prev)
    return out
