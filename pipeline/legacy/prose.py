"""Key figures in the prose of pre-2019 reports, by the rules of templates/legacy_prose.csv.

A rule is a regular expression over one sentence; `{N}` stands for a number as printed (约4900, 3000多,
1.2万余, 2,949) and `{Q}` for a category (resolver `category_list`). A rule with a `value` and no `{N}` states
an absence (未收到…申请 → 0, 暂不收费 → 0). `heading` must match the innermost heading above the sentence,
`sentence` the sentence, `exclude` must not match the matched text. Resolver `subject` tells from the words
before 主动公开 whether a count is the total (全区, 我局), a unit's (区直各部门 → proactive.by_unit) or a channel's
(政府网站). Rules are tried in file order; a number taken by one rule is not taken by another (except by
rules with the same pattern: 行政复议和行政诉讼各1件).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from pipeline import labels
from pipeline.legacy import vocabulary
from pipeline.legacy.records import KeyFigure
from pipeline.text import numbering, squeeze

_SENTENCE_RE = re.compile(r"(?<=[。；;！!？?])")
_CLAUSE_RE = re.compile(r"[，,；;]")
_THIS_YEAR_RE = re.compile(r"本年度|本年|今年|新增|全年")
_FULL_STOP_RE = re.compile(r"(?<=[。！!？?])")
_CUMULATIVE_RE = re.compile(r"(?:截至|截止|自[^。；;]{0,15}以来)[^。；;]{0,25}?累计|历年累计|"
                            r"(?:到|至)[^。；;，,]{0,8}?(?:年底|年末|目前|今)[^。；;，,]{0,4}?累计")
_HEADING_MAX = 30
_SUBJECT_CUT_RE = re.compile(r"[，,：:；;]|其中|[（(][一二三四五六七八九十]+[）)]")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}年")
_SUBJECT_TRIM_RE = re.compile(r"^(?:\d{4}年度?|全年|今年|本年度?|上半年|下半年|年内|共|共计|累计|已|均|还|又|也|通过|新增|新)+|"
                              r"(?:共|共计|累计|已|全年|今年|均|还|又|也|已经|合计|总计|新增|新)+$")
# the whole the report covers: 全市各级行政机关, 我局, 本机关, 某某区人民政府 (我市各县… is a list of units)
_WHOLE_RE = re.compile(r"^(?:全.*|[我本][^各]*|[^各]*(?:人民政府|管委会|管理委员会)(?:办公室)?)$")
_UNIT_WORDS = ("各", "部门", "乡镇", "街道", "单位", "直属", "县", "区", "市", "镇", "乡", "局", "委", "办")
_CHANNELS = (("网站", "proactive.by_channel.website"), ("公报", "proactive.by_channel.gazette"),
             ("微博", "proactive.by_channel.weibo"), ("微信", "proactive.by_channel.wechat"))
_LIST_START_RE = re.compile(r"[：:]|(?:主要类别|类别)(?:有|包括|分别是|分别为|为)")
_ITEM_SPLIT_RE = re.compile(r"[，,；;]")
_CLAUSE_REST_RE = re.compile(r"[^，,。；;]*")  # the rest of a clause: an exclusion word there counts too
_ITEM_LEAD_RE = re.compile(r"^(?:其中|以及|和|及|另有|还有)")
_DIGIT_RE = re.compile(r"\d")


@dataclass(frozen=True)
class ProseRule:
    key: str
    pattern: str
    regex: re.Pattern[str]
    value: float | None
    heading: re.Pattern[str] | None
    sentence: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    resolver: str | None
    needs_digit: bool = False  # the number {N} is not optional: a sentence without a digit cannot match
    needs: tuple[frozenset[str], ...] = ()  # every match holds one string of each set (see _needs)

    def may_match(self, sent: str, digits: bool) -> bool:
        """False when the sentence cannot hold a match (a necessary condition, cheaper than the search)."""
        return (digits or not self.needs_digit) and all(any(x in sent for x in alts) for alts in self.needs)


def _needs_digit(regex: re.Pattern[str]) -> bool:
    """The group n (a number, \\d+) stands in the pattern's top-level sequence, so every match holds a digit."""
    try:
        from re import _parser  # the stdlib's own parse of the pattern (no alternation or repeat above n)
    except ImportError:  # a Python without it: test every sentence, as before
        return False
    group = regex.groupindex.get("n")
    return group is not None and any(op is _parser.SUBPATTERN and av[0] == group
                                     for op, av in _parser.parse(regex.pattern).data)


def _needs(regex: re.Pattern[str], keep: int = 3) -> tuple[frozenset[str], ...]:
    """Sets of strings of which every match of the pattern holds one each (the `keep` most selective): its
    top-level literals, and the alternatives of groups that must match, read from the stdlib's parse."""
    try:
        from re import _parser
    except ImportError:
        return ()
    if regex.flags & (re.IGNORECASE | re.VERBOSE):
        return ()

    def item(op, av) -> frozenset[str] | None:  # noqa: ANN001 - the parser's own tuples
        if op is _parser.LITERAL:
            return frozenset(chr(av))
        if op is _parser.IN and av and all(o is _parser.LITERAL for o, _ in av):
            return frozenset(chr(v) for _, v in av)
        if op is _parser.SUBPATTERN and not av[1] and not av[2]:  # no flags set or cleared inside
            return sequence(av[3])
        if op is _parser.BRANCH:
            alts = [sequence(b) for b in av[1]]
            if any(a is None for a in alts):
                return None
            union = frozenset().union(*alts)  # a string that holds another of the set adds nothing
            return frozenset(x for x in union if not any(y != x and y in x for y in union))
        if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and av[0] >= 1:
            return sequence(av[2])
        return None

    def candidates(seq) -> list[frozenset[str]]:  # noqa: ANN001
        out, run = [], ""
        for op, av in list(seq) + [(None, None)]:
            if op is _parser.LITERAL:
                run += chr(av)
                continue
            if run:
                out.append(frozenset([run]))
                run = ""
            if op is not None and (req := item(op, av)) is not None:
                out.append(req)
        return out

    def rank(req: frozenset[str]) -> tuple[int, int]:
        return (-min(map(len, req)), len(req))

    def sequence(seq) -> frozenset[str] | None:  # noqa: ANN001
        found = candidates(seq)
        return min(found, key=rank) if found else None

    return tuple(sorted(candidates(_parser.parse(regex.pattern, regex.flags).data), key=rank)[:keep])


def _number_re() -> str:
    s = vocabulary.settings()
    before = "|".join(map(re.escape, sorted(s["approx_before"], key=len, reverse=True)))
    after = "|".join(map(re.escape, s["approx_after"]))
    return (rf"(?P<pre>{before})?(?<![\d.])(?P<n>\d+(?:[,，]\d{{3}})*(?:\.\d+)?)(?P<wan>万)?(?P<post>{after})?")


def _opt(text: str) -> re.Pattern[str] | None:
    return re.compile(text) if text.strip() else None


@cache
def rules() -> tuple[ProseRule, ...]:
    path = labels.TEMPLATES_DIR / vocabulary.settings()["prose"]
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    known = set(vocabulary.by_key())
    out = []
    for r in rows:
        if r["key"] not in known:
            raise ValueError(f"{path.name}: unknown key {r['key']!r}")
        body = r["pattern"].replace("{N}", _number_re()).replace("{Q}", "")
        regex = re.compile(body)
        out.append(ProseRule(r["key"], r["pattern"], regex, float(r["value"]) if r["value"] else None,
                             _opt(r["heading"]), _opt(r["sentence"]), _opt(r["exclude"]), r["resolver"] or None,
                             _needs_digit(regex), _needs(regex)))
    return tuple(out)


@dataclass(slots=True)
class _Span:
    sentence: int
    start: int
    end: int
    pattern: str


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(text) if s.strip()]


def heading_level(line: str) -> int | None:
    """1 (一、), 2 (（一）) or 3 (1. / (1)) for a short numbered line that is a heading, else None."""
    s = squeeze(line)
    if not s or len(s) > _HEADING_MAX or s.endswith(("。", "；", ";")):
        return None
    kind, _, _ = numbering(s)
    return {"top": 1, "group": 2, "sub": 3}.get(kind or "")


def _number(m: re.Match[str]) -> tuple[float, bool, str | None]:
    value = float(m.group("n").replace(",", "").replace("，", ""))
    approx = bool(m.group("pre") or m.group("post"))
    unit = m.groupdict().get("unit")
    if m.group("wan"):
        unit = "万" + (unit or "")
    return value, approx, unit


def _period(sentence: str, start: int) -> str:
    """cumulative when the clause (or the one before it) says 截至…累计 / 到年底累计 / 历年累计, unless the
    clause itself is the year's (本年度, 新增)."""
    clauses = _CLAUSE_RE.split(sentence[:start])
    if _THIS_YEAR_RE.search(clauses[-1]):
        return "year"
    return "cumulative" if _CUMULATIVE_RE.search("，".join(clauses[-2:])) else "year"


def subject_key(sentence: str, start: int) -> tuple[str | None, str | None]:
    """(key, qualifier) of a 主动公开…N条 count from the words before it."""
    head = sentence[:start]
    cuts = list(_SUBJECT_CUT_RE.finditer(head))
    subject = squeeze(head[cuts[-1].end():] if cuts else head)
    years = list(_YEAR_RE.finditer(subject))  # a heading run into the sentence: start at its year
    if years:
        subject = subject[years[-1].start():]
    prev = None
    while prev != subject:
        prev, subject = subject, _SUBJECT_TRIM_RE.sub("", subject)
    for word, key in _CHANNELS:
        if word in subject:
            return key, None
    if not subject or _WHOLE_RE.match(subject):
        return "proactive.total", None
    if any(w in subject for w in _UNIT_WORDS):
        return "proactive.by_unit", subject
    return None, None


def _category_items(sentence: str, rule: ProseRule) -> list[tuple[str, re.Match[str], int]]:
    """(qualifier, number match, offset in the sentence) of each `category N条` item of a list."""
    start = _LIST_START_RE.search(sentence)
    item_re = re.compile(r"^(?P<q>[^\d，,；;：:]{2,40}?)(?:信息)?(?:共|为|有)?" + _number_re() + r"(?P<unit>条|件)$")
    out = []
    pos = start.end() if start else 0
    for part in _ITEM_SPLIT_RE.split(sentence[pos:]):
        offset = sentence.index(part, pos) if part else pos
        pos = offset + len(part)
        item = _ITEM_LEAD_RE.sub("", part.strip().lstrip(":：").rstrip("。"))
        m = item_re.match(item)
        if not m:
            continue
        q = m.group("q")
        if q.startswith(("其他", "其它")) and item[len(q):].startswith("信息"):
            q += "信息"  # 其他信息, 其他应主动公开的信息: the category is the rest, named with its 信息
        else:
            q = q.removesuffix("的")  # 政策法规及业务类的信息32条
        out.append((q, m, offset + part.find(item)))
    return out if len(out) >= 2 else []


_FULLWIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})


def cjk_punctuation(q: str) -> str:
    """A qualifier with the full-width punctuation Chinese text prints (NFKC made it ASCII): 各县（市、区）."""
    return q.translate(_FULLWIDTH)


_END_RE = re.compile(r"[。；;！!？?：:]$")


def paragraphs(lines: list[str]) -> list[str]:
    """Prose lines rejoined into paragraphs: a line that ends without a full stop goes on in the next one
    (a PDF wraps its lines), unless one of them is a heading. Spaces are dropped (a PDF puts them around
    numbers: 主动公开政府信息 114 条)."""
    out: list[str] = []
    joinable = False
    for line in lines:
        text = squeeze(line)
        if not text:
            continue
        heading = heading_level(text) is not None
        if joinable and not heading:
            out[-1] += text
        else:
            out.append(text)
        joinable = not heading and not _END_RE.search(out[-1])
    return out


def read_prose(lines: list[str]) -> list[KeyFigure]:
    """Key figures of the prose, in reading order."""
    out: list[KeyFigure] = []
    headings: dict[int, str] = {}
    taken: list[_Span] = []
    seen: set[tuple] = set()
    n_sentence = 0
    for text in paragraphs(lines):
        level = heading_level(text)
        if level is not None:
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = text
            continue
        inner = squeeze(headings[max(headings)]) if headings else ""
        lists = _rule_kinds()[0]
        for long in _FULL_STOP_RE.split(text):  # a list of categories runs on over 。-free clauses joined by ；
            for rule in lists:
                if rule.sentence is not None and rule.sentence.search(long):
                    n_sentence += 1
                    out += [f for f in _apply(rule, long, -n_sentence, taken) if _new(f, seen)]
        for sent in sentences(text):
            n_sentence += 1
            for rule in candidates(sent):
                if (rule.heading is not None and not rule.heading.search(inner)) \
                        or (rule.sentence is not None and not rule.sentence.search(sent)):
                    continue
                out += [f for f in _apply(rule, sent, n_sentence, taken) if _new(f, seen)]
    return out


def candidates(sent: str) -> list[ProseRule]:
    """The rules other than category lists that may match the sentence (ProseRule.may_match), in file order:
    the strings of the rules' most selective sets looked up once, then only the rules whose set is there."""
    others, by_first, always = _index()
    picked = set(always)
    for x, rules_of in by_first:
        if x in sent:
            picked.update(rules_of)
    digits = _DIGIT_RE.search(sent) is not None
    return [r for r in (others[i] for i in sorted(picked))
            if (digits or not r.needs_digit) and all(any(x in sent for x in alts) for alts in r.needs[1:])]


@cache
def _index() -> tuple[tuple[ProseRule, ...], tuple[tuple[str, tuple[int, ...]], ...], tuple[int, ...]]:
    """(the rules, each string of a first set → the rules whose first set holds it, the rules needing none)."""
    others = _rule_kinds()[1]
    by_first: dict[str, list[int]] = {}
    for i, r in enumerate(others):
        for x in r.needs[0] if r.needs else ():
            by_first.setdefault(x, []).append(i)
    return others, tuple((x, tuple(v)) for x, v in by_first.items()), tuple(i for i, r in enumerate(others)
                                                                             if not r.needs)


@cache
def _rule_kinds() -> tuple[tuple[ProseRule, ...], tuple[ProseRule, ...]]:
    """The category-list rules and the others, each in file order."""
    return (tuple(r for r in rules() if r.resolver == "category_list"),
            tuple(r for r in rules() if r.resolver != "category_list"))


def _new(fig: KeyFigure, seen: set[tuple]) -> bool:
    """Qualifiers with full-width punctuation; one figure per key, qualifier, period, value and sentence."""
    if fig.qualifier:
        fig.qualifier = cjk_punctuation(fig.qualifier)
    sig = (fig.key, fig.qualifier, fig.period, fig.value, fig.row_label)
    if sig in seen:
        return False
    seen.add(sig)
    return True


def _claim(taken: list[_Span], n: int, start: int, end: int, pattern: str) -> bool:
    for s in taken:
        if s.sentence == n and s.start < end and start < s.end and s.pattern != pattern:
            return False
    taken.append(_Span(n, start, end, pattern))
    return True


def _apply(rule: ProseRule, sent: str, n: int, taken: list[_Span]) -> list[KeyFigure]:
    out: list[KeyFigure] = []
    if rule.resolver == "category_list":
        for q, m, offset in _category_items(sent, rule):
            if not _claim(taken, n, offset + m.start("n"), offset + m.end("n"), rule.pattern):
                continue
            value, approx, unit = _number(m)
            out.append(_figure(rule.key, value, unit, sent, m.group(0), approx, _period(sent, offset), q))
        return out
    for m in rule.regex.finditer(sent):
        if rule.exclude is not None and rule.exclude.search(m.group(0) + _CLAUSE_REST_RE.match(sent, m.end()).group(0)):
            continue
        if "n" in rule.regex.groupindex and m.group("n") is not None:
            if not _claim(taken, n, m.start("n"), m.end("n"), rule.pattern):
                continue
            value, approx, unit = _number(m)
        elif rule.value is not None:
            value, approx, unit = rule.value, False, None
        else:
            continue
        key, qualifier = rule.key, None
        if rule.resolver == "subject":
            key, qualifier = subject_key(sent, m.start())
            if key is None:
                continue
        out.append(_figure(key, value, unit, sent, m.group(0), approx, _period(sent, m.start()), qualifier))
    return out


def _figure(key: str, value: float, unit: str | None, sentence: str, raw: str, approx: bool, period: str,
            qualifier: str | None) -> KeyFigure:
    return KeyFigure(key=key, period=period, value=value, unit=unit, source="prose", row_label=sentence,
                     raw=raw, family="prose", qualifier=qualifier, approx=approx)
