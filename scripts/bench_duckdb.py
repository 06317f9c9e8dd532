#!/usr/bin/env python3
"""Benchmark `zwgk audit` against one DuckDB query that does two of its checks, and
cross-check the two answers cell by cell.

Needs:  pip install duckdb pyyaml    (and /usr/bin/time, GNU time, for peak RSS)

Usage (from the repository root, after `cargo build --release --example csv_floor`):

    python3 scripts/bench_duckdb.py /tmp/big/2018-Q4 --runs 5
    python3 scripts/bench_duckdb.py audits/2018-Q1 --runs 0     # cross-check only

What it measures, all as cold processes timed from outside (wall time with
time.perf_counter around each child, peak RSS from GNU time's %M):

  duckdb             this script run again as `bench_duckdb.py --duckdb-side DIR --out FILE`:
                     starts Python, imports duckdb, reads the catalogue, calendar, units and
                     waivers from YAML into small tables, runs ONE query that reads the CSV
                     files with read_csv and judges every instance of the `timeliness` and
                     `response` requirements (all outcomes), and writes the counts per
                     (unit, rule, outcome) and the failing records to a JSON file;
  zwgk --no-reports  `zwgk audit DIR -q --no-reports --out TMP`: all ten check kinds,
                     scoring, results.json;
  zwgk + circular    `zwgk audit DIR -q --out TMP`: the same plus the circular (Markdown,
                     HTML, Word, XLSX) and the notices;
  csv_floor          `csv_floor DIR`: the csv crate's bare parse of the tables, one thread.

Both sides do the same timeliness and response checks the way zwgk does them: the
requirement of the edition in force on the instance's date (a standard's `editions:`),
`in_force`, `applies_to` (unit kinds and areas from units.yaml), the row's or the
requirement's limit in working days (standards/calendar.yaml) or calendar days, the
approved extension, where an instance belongs relative to the period (resolved in it,
resolved before or after it, still open when its deadline passed in it or after it), and
waivers.yaml. zwgk does the other eight check kinds too; DuckDB does not.

Each round runs every side once; the order rotates from round to round so that drift on
a shared machine hits every side alike. One warm-up round is run first and not counted
(--no-warmup to skip it); its outputs are the ones cross-checked: for every unit and every
timeliness or response requirement, the outcome counts and the set of failing records
(finding id and code) from DuckDB against zwgk's results.json (units[].trace[] and
units[].findings[]). The exit status is 1 when anything differs, 2 on bad usage or a
failing child.

Both sides read a staged copy of the audit folder, in a temporary folder: its files
linked, and audit.yaml with absolute `units` and `catalogue` paths and without `previous`
(zwgk would otherwise audit the previous quarter too, in memory, when its results.json
has not been written). Nothing is written into the audit folder or the repository.

Limitations: the DuckDB side reads UTF-8 CSV only (no GB18030, no .xlsx tables) and
trusts the data as zwgk validated it (zwgk refuses bad rows; DuckDB does not look).
"""

import argparse
import csv
import datetime as dt
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

STARTED = time.perf_counter()

import yaml  # noqa: E402  (after STARTED: the DuckDB side reports its import times)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ZWGK = os.path.join(REPO, "target", "release", "zwgk")
DEFAULT_CSV_FLOOR = os.path.join(REPO, "target", "release", "examples", "csv_floor")

# The result values zwgk counts per requirement (results.json units[].trace[].outcomes).
OUTCOMES = ("pass", "fail", "partial", "notapplicable", "notchecked", "pending", "waived", "error")
CHECKS = ("timeliness", "response")
TABLES = ("items", "register", "applications", "messages", "cases")
MB = 1e6


# ---------------------------------------------------------------- YAML as zwgk reads it


def _loader_base():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Yaml12Loader(_loader_base()):
    """Safe loader where only true/false are booleans, as in YAML 1.2 (zwgk's reader):
    YAML 1.1 would turn calendar.yaml's `off:` key and a clause's `no:` into False."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


def as_date(value):
    """A YAML date (PyYAML gives dt.date for a plain 2018-06-01, text when quoted)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# ---------------------------------------------------------------- the audit folder


class AuditFolder:
    """audit.yaml of one audit folder and the paths it names."""

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.config = load_yaml(os.path.join(self.path, "audit.yaml"))
        self.period = str(self.config["period"])
        self.start, self.end = period_bounds(self.period)
        self.units_path = self.resolve(self.config["units"])
        # zwgk's default without `catalogue` is ./standards of the current folder.
        catalogue = self.config.get("catalogue")
        self.standards_dir = self.resolve(catalogue) if catalogue else os.path.abspath("standards")

    def resolve(self, relative):
        return os.path.normpath(os.path.join(self.path, str(relative)))

    def table(self, name):
        return os.path.join(self.path, f"{name}.csv")


def period_bounds(text):
    """`2018-Q4` -> (2018-10-01, 2018-12-31); `2018` -> the whole year (zwgk's Period)."""
    year, _, quarter = text.partition("-Q")
    year = int(year)
    if not quarter:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    quarter = int(quarter)
    start = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, after - dt.timedelta(days=1)


# ---------------------------------------------------------------- the catalogue's rules


def day_limit(limit):
    """('working', n) or ('calendar', n); working days first when both are given, None
    when neither is (zwgk's Limit::from_days)."""
    if not isinstance(limit, dict):
        return None
    if limit.get("working_days") is not None:
        return ("working", int(limit["working_days"]))
    if limit.get("calendar_days") is not None:
        return ("calendar", int(limit["calendar_days"]))
    return None


def edition_windows(standard):
    """When each edition was in force, oldest first, the current one last (zwgk's
    Standard::edition_window): from its effective date to the day before the next one's;
    the first edition also before its effective date, the current one without end."""
    editions = standard.get("editions") or []
    effective = [as_date(e["effective"]) for e in editions] + [as_date(standard["effective"])]
    return [
        (effective[e] if e > 0 else None,
         effective[e + 1] - dt.timedelta(days=1) if e < len(editions) else None)
        for e in range(len(effective))
    ]


def window_within(own, edition):
    """The days both windows hold, None when they do not overlap (InForce::within)."""
    (own_from, own_to), (ed_from, ed_to) = own, edition
    if (own_to and ed_from and own_to < ed_from) or (ed_to and own_from and ed_to < own_from):
        return None
    starts = [d for d in (own_from, ed_from) if d]
    ends = [d for d in (own_to, ed_to) if d]
    return (max(starts) if starts else None, min(ends) if ends else None)


def requirements_in_force(standard):
    """(requirement, (from, to)) of every edition, each only while its edition is in force
    (zwgk's all_editions); a standard without editions keeps its own in_force windows."""
    editions = standard.get("editions") or []
    per_edition = [e.get("requirements") or [] for e in editions]
    per_edition.append(standard.get("requirements") or [])
    windows = edition_windows(standard) if editions else [(None, None)]
    for requirements, edition in zip(per_edition, windows):
        for requirement in requirements:
            own = requirement.get("in_force") or {}
            window = window_within((as_date(own.get("from")), as_date(own.get("to"))), edition)
            if window is not None:
                yield requirement, window


def applies(scope, unit):
    """applies_to: the unit's kind is listed (or none are) and it has a listed area (or
    none are listed)."""
    if not scope:
        return True
    kinds, areas = scope.get("kinds") or [], scope.get("areas") or []
    unit_areas = unit.get("areas") or []
    kind_ok = not kinds or unit["kind"] in kinds
    area_ok = not areas or any(a in unit_areas for a in areas)
    return kind_ok and area_ok


def catalogue_rules(standards_dir, units):
    """The timeliness and response requirements as the rows of the small setup tables."""
    paths = [p for p in sorted(glob.glob(os.path.join(standards_dir, "*.yaml")))
             if os.path.basename(p) not in ("catalogue.yaml", "calendar.yaml", "synonyms.yaml")]
    standards = [load_yaml(p) for p in paths]
    # Catalogue rows across all standards: a timeliness rule without its own limit takes
    # the limit of the row its entry is filed under.
    row_limits = {str(item["code"]): day_limit(item.get("time_limit"))
                  for s in standards for item in s.get("items") or []}
    rules, timeliness_codes, response_rules, applicable = [], [], [], []
    for standard in sorted(standards, key=lambda s: s["id"]):
        for requirement, (in_from, in_to) in requirements_in_force(standard):
            check = requirement.get("check")
            if check not in CHECKS:
                continue
            rule = f"{standard['id']}/{requirement['id']}"
            rules.append((rule, check))
            own_limit = day_limit(requirement.get("limit"))
            if check == "timeliness":
                for code in dict.fromkeys(str(c) for c in requirement.get("codes") or []):
                    kind, days = own_limit or row_limits.get(code) or (None, None)
                    timeliness_codes.append((rule, code, kind, days, in_from, in_to))
            else:
                extension = int((requirement.get("limit") or {}).get("extension_working_days") or 0)
                kind, days = own_limit
                response_rules.append((rule, str(requirement["source"]), kind, days, extension,
                                       in_from, in_to))
            scope = requirement.get("applies_to")
            applicable += [(u["id"], rule) for u in units if applies(scope, u)]
    return rules, timeliness_codes, response_rules, applicable


def calendar_days(path):
    """(day, working days up to and including it, working?) for every day of the calendar's
    years: listed days off and worked weekend days, else Monday-Friday (zwgk's Calendar)."""
    years = load_yaml(path)["years"]
    off, worked = set(), set()
    for year in years:
        for span in year.get("off") or []:
            day, last = as_date(span["from"]), as_date(span["to"])
            while day <= last:
                off.add(day)
                day += dt.timedelta(days=1)
        worked.update(as_date(d) for d in year.get("work") or [])
    first, last = int(years[0]["year"]), int(years[-1]["year"])
    day, end = dt.date(first, 1, 1), dt.date(last + 1, 1, 1)
    rows, count = [], 0
    while day < end:
        working = day in worked or (day.weekday() < 5 and day not in off)
        count += working
        rows.append((day, count, working))
        day += dt.timedelta(days=1)
    return rows


def active_waivers(path, period_start):
    """(unit, rule, latest expiry) of the waivers not expired before the period: an
    instance of the unit and rule whose event is on or before the expiry is waived."""
    if not os.path.exists(path):
        return []
    latest = {}
    for waiver in load_yaml(path) or []:
        expires = as_date(waiver["expires"])
        key = (str(waiver["unit"]), str(waiver["rule"]))
        if expires >= period_start and expires > latest.get(key, dt.date.min):
            latest[key] = expires
    return [(unit, rule, expires) for (unit, rule), expires in sorted(latest.items())]


# ---------------------------------------------------------------- the DuckDB side


def create_table(con, name, columns, rows):
    """A small table from Python rows in one statement (parallel unnest of typed lists)."""
    names = list(columns)
    selects = ", ".join(f"unnest(${n}::{t}[]) AS {n}" for n, t in columns.items())
    params = {n: [row[i] for row in rows] for i, n in enumerate(names)}
    con.execute(f"CREATE TABLE {name} AS SELECT {selects}", params)


def setup_tables(con, folder):
    """Catalogue, calendar, units and waivers from YAML into small tables; returns the
    rules and the applicable (unit, rule) pairs."""
    units = load_yaml(folder.units_path)["units"]
    rules, timeliness_codes, response_rules, applicable = catalogue_rules(
        folder.standards_dir, units)
    calendar = calendar_days(os.path.join(folder.standards_dir, "calendar.yaml"))
    waivers = active_waivers(os.path.join(folder.path, "waivers.yaml"), folder.start)
    create_table(con, "timeliness_codes",
                 {"rule": "VARCHAR", "code": "VARCHAR", "days_kind": "VARCHAR", "days": "INTEGER",
                  "in_from": "DATE", "in_to": "DATE"}, timeliness_codes)
    create_table(con, "response_rules",
                 {"rule": "VARCHAR", "source": "VARCHAR", "days_kind": "VARCHAR", "days": "INTEGER",
                  "extension": "INTEGER", "in_from": "DATE", "in_to": "DATE"}, response_rules)
    create_table(con, "applicable", {"unit": "VARCHAR", "rule": "VARCHAR"}, applicable)
    create_table(con, "waivers", {"unit": "VARCHAR", "rule": "VARCHAR", "expires": "DATE"}, waivers)
    create_table(con, "calendar", {"day": "DATE", "ord": "INTEGER", "working": "BOOLEAN"}, calendar)
    con.execute("CREATE TABLE working_days AS SELECT ord, day FROM calendar WHERE working")
    return rules, applicable


def sql_string(text):
    return "'" + str(text).replace("'", "''") + "'"


def csv_header(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader([f.readline()]))


def csv_relation(folder, name, columns, required):
    """read_csv of NAME.csv with the header's columns as text (zwgk reads by header name),
    or an empty relation with `columns` for an optional table that is absent."""
    path = folder.table(name)
    if not os.path.exists(path):
        if os.path.exists(path[:-4] + ".xlsx"):
            sys.exit(f"bench_duckdb: {name}.xlsx: the DuckDB side reads CSV tables only")
        if required:
            sys.exit(f"bench_duckdb: {path} not found")
        return "(SELECT " + ", ".join(f"NULL::VARCHAR AS {c}" for c in columns) + " WHERE false)"
    types = ", ".join(f"{sql_string(c)}: 'VARCHAR'" for c in csv_header(path))
    return (f"read_csv({sql_string(path)}, header = true, auto_detect = false, delim = ',', "
            f"quote = '\"', escape = '\"', columns = {{{types}}})")


# Fields are trimmed and an empty field is absent, as zwgk reads them; rows with no id are
# the blank rows zwgk leaves out. Dates are year first (2018-10-08, 2018/10/8).
QUERY = """
WITH
register AS (
    SELECT nullif(trim(id), '') AS id, nullif(trim(unit), '') AS unit,
           nullif(trim(item_code), '') AS item_code,
           CAST(nullif(trim(formed_on), '') AS DATE) AS formed_on
    FROM {register}
),
-- The first publication of each register entry (an item may only publish its own unit's).
first_publication AS (
    SELECT nullif(trim(register_ref), '') AS entry,
           min(CAST(nullif(trim(published_on), '') AS DATE)) AS published_on
    FROM {items}
    WHERE nullif(trim(register_ref), '') IS NOT NULL
    GROUP BY ALL
),
cases AS (
    SELECT 'applications' AS source, nullif(trim(id), '') AS id, nullif(trim(unit), '') AS unit,
           CAST(nullif(trim(received_on), '') AS DATE) AS received_on,
           CAST(nullif(trim(replied_on), '') AS DATE) AS replied_on,
           coalesce(lower(trim(extended)) IN ('是', 'true', '1', 'y', 'yes'), false) AS extended
    FROM {applications}
    UNION ALL
    SELECT 'messages', nullif(trim(id), ''), nullif(trim(unit), ''),
           CAST(nullif(trim(received_on), '') AS DATE),
           CAST(nullif(trim(replied_on), '') AS DATE), false
    FROM {messages}
),
-- timeliness: every register entry under a rule's codes, of a unit the rule applies to,
-- with the rule (of the edition) in force on the day the entry was formed.
timeliness AS (
    SELECT r.unit, c.rule, r.id AS record, r.formed_on AS event, c.days_kind, c.days,
           p.published_on AS done_on,
           'late-publication' AS late_code, 'missing-publication' AS open_code
    FROM register r
    JOIN timeliness_codes c
      ON c.code = r.item_code
     AND (c.in_from IS NULL OR r.formed_on >= c.in_from)
     AND (c.in_to IS NULL OR r.formed_on <= c.in_to)
    JOIN applicable a ON a.unit = r.unit AND a.rule = c.rule
    LEFT JOIN first_publication p ON p.entry = r.id
    WHERE r.id IS NOT NULL
),
-- response: every application or message of a unit the rule applies to, with the rule
-- in force on the day it was received (2008 or 2019 regulation); an approved extension
-- lengthens the limit.
response AS (
    SELECT k.unit, s.rule, k.id, k.received_on, s.days_kind,
           s.days + CASE WHEN k.extended THEN s.extension ELSE 0 END,
           k.replied_on, 'late-reply', 'unanswered'
    FROM cases k
    JOIN response_rules s
      ON s.source = k.source
     AND (s.in_from IS NULL OR k.received_on >= s.in_from)
     AND (s.in_to IS NULL OR k.received_on <= s.in_to)
    JOIN applicable a ON a.unit = k.unit AND a.rule = s.rule
    WHERE k.id IS NOT NULL
),
instances AS (
    SELECT * FROM timeliness UNION ALL SELECT * FROM response
),
-- The last day on time: N calendar days after the event, or the N-th working day after
-- it (the event itself for N = 0); NULL when the calendar lacks the year.
dated AS (
    SELECT i.*,
           CASE i.days_kind
               WHEN 'calendar' THEN i.event + i.days
               WHEN 'working' THEN CASE WHEN i.days = 0 THEN c.day ELSE w.day END
           END AS deadline
    FROM instances i
    LEFT JOIN calendar c ON c.day = i.event
    LEFT JOIN working_days w ON i.days_kind = 'working' AND w.ord = c.ord + i.days
),
-- Each instance counts in one period only: the one it is resolved in, or, still open,
-- the one its deadline passes in (a late resolution afterwards is not counted again).
-- NULL: it belongs to another period.
judged AS (
    SELECT unit, rule, record, event,
           CASE
               WHEN days_kind IS NULL THEN 'notchecked'  -- no limit in days (实时, 及时 …)
               WHEN deadline IS NULL THEN 'error'        -- calendar-missing
               WHEN done_on IS NOT NULL THEN CASE
                   WHEN done_on < DATE '{start}' OR done_on > DATE '{end}' THEN NULL
                   WHEN done_on <= deadline THEN 'pass'
                   WHEN deadline < DATE '{start}' THEN NULL
                   ELSE 'fail' END
               WHEN deadline < DATE '{start}' THEN NULL
               WHEN deadline > DATE '{end}' THEN 'pending'
               ELSE 'fail'
           END AS outcome,
           CASE WHEN done_on IS NULL THEN open_code ELSE late_code END AS code
    FROM dated
),
-- A waiver of the unit and rule covers the instances whose event is on or before it expires.
waived AS (
    SELECT j.unit, j.rule, j.record, j.code,
           CASE WHEN j.event <= v.expires THEN 'waived' ELSE j.outcome END AS outcome
    FROM judged j
    LEFT JOIN waivers v ON v.unit = j.unit AND v.rule = j.rule
    WHERE j.outcome IS NOT NULL
)
SELECT unit, rule, outcome, count(*) AS n,
       list({{'record': record, 'code': code}} ORDER BY record) FILTER (WHERE outcome = 'fail')
           AS failing
FROM waived
GROUP BY ALL
ORDER BY ALL
"""


def build_query(folder):
    return QUERY.format(
        register=csv_relation(folder, "register", ["id", "unit", "item_code", "formed_on"], True),
        items=csv_relation(folder, "items", ["register_ref", "published_on"], True),
        applications=csv_relation(
            folder, "applications", ["id", "unit", "received_on", "replied_on", "extended"], False),
        messages=csv_relation(
            folder, "messages", ["id", "unit", "received_on", "replied_on"], False),
        start=folder.start.isoformat(), end=folder.end.isoformat(),
    )


def duckdb_side(audit_dir, out_path):
    """The timed DuckDB process: YAML setup, the one query, its answer as JSON."""
    imported_yaml = time.perf_counter()
    import duckdb

    imported = time.perf_counter()
    folder = AuditFolder(audit_dir)
    con = duckdb.connect()
    rules, applicable = setup_tables(con, folder)
    set_up = time.perf_counter()
    rows = con.execute(build_query(folder)).fetchall()
    queried = time.perf_counter()
    answer = {
        "period": folder.period,
        "duckdb": duckdb.__version__,
        "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
        "rules": rules,
        "applicable": applicable,
        "counts": [[unit, rule, outcome, n] for unit, rule, outcome, n, _ in rows],
        "failing": [[unit, rule, f["record"], f["code"]]
                    for unit, rule, _, _, failing in rows for f in failing or []],
    }
    seconds = {"import yaml": imported_yaml - STARTED, "import duckdb": imported - imported_yaml,
               "setup": set_up - imported, "query": queried - set_up}
    answer["seconds"] = seconds
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(answer, f, ensure_ascii=False)
    return 0


# ---------------------------------------------------------------- the cross-check


class Cells:
    """One side's answer per (unit, rule): outcome counts, failing (record, code) pairs,
    and whether the rule applies to the unit."""

    def __init__(self):
        self.counts = {}
        self.failing = {}
        self.applicable = set()

    def count(self, unit, rule, outcome, n):
        self.counts.setdefault((unit, rule), {})[outcome] = n

    def fail(self, unit, rule, record, code):
        self.failing.setdefault((unit, rule), set()).add((record, code))


def duckdb_cells(answer):
    cells = Cells()
    for unit, rule, outcome, n in answer["counts"]:
        cells.count(unit, rule, outcome, n)
    for unit, rule, record, code in answer["failing"]:
        cells.fail(unit, rule, record, code)
    cells.applicable = {tuple(pair) for pair in answer["applicable"]}
    return cells, {rule for rule, _ in answer["rules"]}


def zwgk_cells(results):
    """The same from results.json: trace[] outcomes of the timeliness and response rules,
    and their failing findings (id UNIT/STANDARD/REQUIREMENT/RECORD)."""
    cells, rules = Cells(), set()
    for unit in results["units"]:
        unit_id = unit["id"]
        for trace in unit["trace"]:
            if trace["check"] not in CHECKS:
                continue
            rules.add(trace["rule"])
            outcomes = {k: v for k, v in trace["outcomes"].items() if v}
            cells.counts[(unit_id, trace["rule"])] = outcomes
            if trace["applicable"]:
                cells.applicable.add((unit_id, trace["rule"]))
        for finding in unit["findings"]:
            if finding["rule"] in rules and finding["result"] == "fail":
                prefix = f"{unit_id}/{finding['rule']}/"
                record = finding["id"].removeprefix(prefix)
                cells.fail(unit_id, finding["rule"], record, finding["code"])
    return cells, rules


def compare(duck, zwgk, unit_ids, rules):
    """Differences, as short lines, over every unit x rule."""
    differences = []
    for unit in unit_ids:
        for rule in rules:
            key = (unit, rule)
            d_counts, z_counts = duck.counts.get(key, {}), zwgk.counts.get(key, {})
            if d_counts != z_counts:
                differences.append(f"{unit} {rule}: outcomes duckdb {fmt_counts(d_counts)}, "
                                   f"zwgk {fmt_counts(z_counts)}")
            d_fail, z_fail = duck.failing.get(key, set()), zwgk.failing.get(key, set())
            if d_fail != z_fail:
                only_d = sorted(d_fail - z_fail)[:3]
                only_z = sorted(z_fail - d_fail)[:3]
                differences.append(f"{unit} {rule}: failing only in duckdb {only_d}, "
                                   f"only in zwgk {only_z}")
            if (key in duck.applicable) != (key in zwgk.applicable):
                differences.append(f"{unit} {rule}: applicable duckdb {key in duck.applicable}, "
                                   f"zwgk {key in zwgk.applicable}")
    return differences


def fmt_counts(counts):
    return "{" + ", ".join(f"{o} {counts[o]}" for o in OUTCOMES if counts.get(o)) + "}"


def totals(cells):
    sums = {}
    for counts in cells.counts.values():
        for outcome, n in counts.items():
            sums[outcome] = sums.get(outcome, 0) + n
    return sums


def cross_check(answer, results):
    """Prints the cross-check; returns the number of differences."""
    duck, duck_rules = duckdb_cells(answer)
    zwgk, zwgk_rules = zwgk_cells(results)
    unit_ids = [u["id"] for u in results["units"]]
    rules = sorted(duck_rules | zwgk_rules)
    differences = [f"rule {r}: only in {'duckdb' if r in duck_rules else 'zwgk'}"
                   for r in rules if (r in duck_rules) != (r in zwgk_rules)]
    differences += compare(duck, zwgk, unit_ids, rules)
    pairs = len(unit_ids) * len(rules)
    with_instances = sorted({rule for (_, rule), counts in zwgk.counts.items() if counts})
    timeliness = sum(1 for _, check in answer["rules"] if check == "timeliness")
    print(f"rules: {len(rules)} ({timeliness} timeliness, {len(rules) - timeliness} response, "
          f"every edition); {len(with_instances)} with instances this period")
    print(f"cross-check: {len(unit_ids)} units x {len(rules)} rules = {pairs} cells "
          f"(each: {len(OUTCOMES)} outcome counts, the failing records, applicability)")
    print(f"  outcomes duckdb {fmt_counts(totals(duck))}")
    print(f"  outcomes zwgk   {fmt_counts(totals(zwgk))}")
    failing_d = sum(len(s) for s in duck.failing.values())
    failing_z = sum(len(s) for s in zwgk.failing.values())
    print(f"  failing records duckdb {failing_d}, zwgk {failing_z}")
    print(f"  differences: {len(differences)}")
    for line in differences[:10]:
        print(f"    {line}")
    if len(differences) > 10:
        print(f"    … and {len(differences) - 10} more")
    return len(differences)


# ---------------------------------------------------------------- running the sides


def stage_folder(source, root):
    """A copy of the audit folder both sides read: its files linked (no report/ folder),
    audit.yaml with absolute `units` and `catalogue` paths and no `previous`."""
    folder = AuditFolder(source)
    staged = os.path.join(root, os.path.basename(folder.path.rstrip("/")) or "audit")
    os.makedirs(staged)
    for name in os.listdir(folder.path):
        if name not in ("audit.yaml", "report") and not name.startswith("."):
            os.symlink(os.path.join(folder.path, name), os.path.join(staged, name))
    with open(os.path.join(folder.path, "audit.yaml"), encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines()
                 if not re.match(r"(units|catalogue|previous)\s*:", line)]
    lines.append(f"units: {json.dumps(folder.units_path, ensure_ascii=False)}")
    lines.append(f"catalogue: {json.dumps(folder.standards_dir, ensure_ascii=False)}")
    with open(os.path.join(staged, "audit.yaml"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return staged, "previous" in folder.config


class Side:
    def __init__(self, name, command):
        self.name = name
        self.command = command  # (output path) -> argv
        self.walls, self.peaks = [], []


def make_sides(args, folder):
    script = os.path.abspath(__file__)
    floor = [args.csv_floor, folder] + (["--utf8"] if args.floor_utf8 else [])
    return [
        Side("duckdb", lambda out: [sys.executable, script, "--duckdb-side", folder, "--out", out]),
        Side("zwgk --no-reports",
             lambda out: [args.zwgk, "audit", folder, "-q", "--no-reports", "--out", out]),
        Side("zwgk + circular", lambda out: [args.zwgk, "audit", folder, "-q", "--out", out]),
        Side("csv_floor", lambda out: floor),
    ]


def run_timed(argv, time_bin, scratch):
    """Wall seconds and peak RSS bytes of one cold child. The child is started through
    GNU time, which forks it from its own small process: a child started straight from
    this Python (vfork + exec) inherits this process's high-water RSS in its ru_maxrss,
    so os.wait4 would report at least the parent's peak."""
    rss_file = os.path.join(scratch, "maxrss")
    err_file = os.path.join(scratch, "stderr")
    with open(err_file, "wb") as err:
        started = time.perf_counter()
        code = subprocess.run([time_bin, "-f", "%M", "-o", rss_file] + argv,
                              stdout=subprocess.DEVNULL, stderr=err).returncode
        wall = time.perf_counter() - started
    if code != 0:
        with open(err_file, encoding="utf-8", errors="replace") as f:
            # zwgk's TIMING lines are instrumentation of a work in progress, not errors.
            tail = [line for line in f.read().splitlines() if not line.startswith("TIMING")][-20:]
        sys.stderr.write(f"bench_duckdb: {' '.join(argv)} exited {code}\n" + "\n".join(tail) + "\n")
        sys.exit(2)
    with open(rss_file) as f:
        peak_kib = int(f.read().split()[-1])
    return wall, peak_kib * 1024


def run_round(sides, order, time_bin, scratch, keep):
    """Runs each side once in `order`; returns {side name: (wall, peak)} and, under
    "duckdb phases", the DuckDB side's own timing of its phases; `keep` (a folder or None)
    keeps the DuckDB answer and zwgk's results.json for the cross-check."""
    samples = {}
    for side in order:
        out = os.path.join(scratch, "out-" + side.name.replace(" ", "_").replace("-", ""))
        if side.name == "duckdb":
            out += ".json"
        samples[side.name] = run_timed(side.command(out), time_bin, scratch)
        if side.name == "duckdb":
            with open(out, encoding="utf-8") as f:
                samples["duckdb phases"] = json.load(f)["seconds"]
        if keep and side.name == "duckdb":
            shutil.move(out, os.path.join(keep, "duckdb.json"))
        elif keep and side.name == "zwgk --no-reports":
            shutil.move(os.path.join(out, "results.json"), os.path.join(keep, "results.json"))
        # Outside the timing: every run writes into a new output folder.
        if os.path.isdir(out):
            shutil.rmtree(out)
        elif os.path.exists(out):
            os.remove(out)
    return samples


def rotated(sides, r):
    k = r % len(sides)
    return sides[k:] + sides[:k]


# ---------------------------------------------------------------- the report


def spread(values, unit="", digits=2):
    """`median (min–max)`."""
    f = f"{{:.{digits}f}}"
    return (f"{f.format(statistics.median(values))}{unit} "
            f"({f.format(min(values))}–{f.format(max(values))})")


def print_input(folder, results, had_previous):
    sizes = [os.path.getsize(os.path.join(folder, f"{t}.csv")) for t in TABLES
             if os.path.exists(os.path.join(folder, f"{t}.csv"))]
    s = results["summary"]
    print(f"input: {len(sizes)} CSV files, {sum(sizes) / MB:.1f} MB; {s['items']} items, "
          f"{s['register_entries']} register entries, {s['applications']} applications, "
          f"{s['messages']} messages; {s['units']} units")
    if had_previous:
        print("note: audit.yaml's `previous` left out of the staged copy (zwgk audits one quarter)")
    return sum(sizes)


def print_timings(sides, rounds, input_bytes, threads, warmup):
    print(f"timing: {len(rounds)} rounds{' after 1 warm-up' if warmup else ''}, cold processes, "
          f"order rotated each round; {os.cpu_count()} cores, duckdb threads {threads}")
    print(f"{'side':<20} {'wall s, median (range)':<24} peak RSS MB, median (range)")
    for side in sides:
        walls = [r[side.name][0] for r in rounds]
        peaks = [r[side.name][1] / MB for r in rounds]
        print(f"{side.name:<20} {spread(walls):<24} {spread(peaks, digits=0)}")
    phases = rounds[0]["duckdb phases"]
    parts = ", ".join(f"{name} {statistics.median(r['duckdb phases'][name] for r in rounds):.2f}"
                      for name in phases)
    print(f"duckdb side's own clock, s, median: {parts}")
    ratios = [("zwgk --no-reports", "duckdb"), ("zwgk + circular", "duckdb"),
              ("zwgk --no-reports", "csv_floor")]
    print(f"{'ratio':<30} {'median (range)':<18} per round")
    for a, b in ratios:
        per_round = [r[a][0] / r[b][0] for r in rounds]
        print(f"{a + ' / ' + b:<30} {spread(per_round):<18} "
              + " ".join(f"{x:.2f}" for x in per_round))
    for name in ("zwgk --no-reports", "zwgk + circular"):
        peak = statistics.median(r[name][1] for r in rounds)
        print(f"{name} peak RSS / input: {peak / input_bytes:.2f} "
              f"({peak / MB:.0f} MB / {input_bytes / MB:.0f} MB)")


# ---------------------------------------------------------------- main


def parse_args():
    parser = argparse.ArgumentParser(
        description="Benchmark zwgk audit against one DuckDB query doing its timeliness and "
                    "response checks; cross-check the outcomes cell by cell.")
    parser.add_argument("audit_dir", nargs="?", metavar="AUDIT_DIR", help="the quarter to audit")
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (0: cross-check only)")
    parser.add_argument("--no-warmup", action="store_true", help="no uncounted first round")
    parser.add_argument("--zwgk", default=DEFAULT_ZWGK, help="default: target/release/zwgk")
    parser.add_argument("--csv-floor", default=DEFAULT_CSV_FLOOR,
                        help="default: target/release/examples/csv_floor")
    parser.add_argument("--floor-utf8", action="store_true", help="csv_floor checks UTF-8 too")
    parser.add_argument("--time", dest="time_bin", default="/usr/bin/time",
                        help="GNU time, for peak RSS (default /usr/bin/time)")
    parser.add_argument("--duckdb-side", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.duckdb_side:
        if not args.out:
            parser.error("--duckdb-side needs --out FILE")
        return args
    if not args.audit_dir:
        parser.error("AUDIT_DIR is required")
    if args.runs < 0:
        parser.error("--runs must be 0 or more")
    for path in (args.zwgk, args.csv_floor, args.time_bin):
        if not os.access(path, os.X_OK):
            parser.error(f"{path} is not an executable")
    if not os.path.isfile(os.path.join(args.audit_dir, "audit.yaml")):
        parser.error(f"{args.audit_dir}/audit.yaml not found")
    return args


def main():
    args = parse_args()
    if args.duckdb_side:
        return duckdb_side(args.duckdb_side, args.out)
    with tempfile.TemporaryDirectory(prefix="bench_duckdb_") as work:
        folder, had_previous = stage_folder(args.audit_dir, work)
        scratch, kept = os.path.join(work, "runs"), os.path.join(work, "kept")
        os.makedirs(scratch)
        os.makedirs(kept)
        sides = make_sides(args, folder)
        warmup = not args.no_warmup or args.runs == 0
        rounds = []
        if warmup:
            run_round(sides, sides, args.time_bin, scratch, keep=kept)
        for r in range(args.runs):
            rounds.append(run_round(sides, rotated(sides, r), args.time_bin, scratch,
                                    keep=kept if r == 0 and not warmup else None))
        with open(os.path.join(kept, "duckdb.json"), encoding="utf-8") as f:
            answer = json.load(f)
        with open(os.path.join(kept, "results.json"), encoding="utf-8") as f:
            results = json.load(f)

        print(f"bench_duckdb: {args.audit_dir} ({answer['period']}), duckdb {answer['duckdb']}")
        input_bytes = print_input(folder, results, had_previous)
        differences = cross_check(answer, results)
        if rounds:
            print_timings(sides, rounds, input_bytes, answer["threads"], warmup)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
