#!/usr/bin/env python3
"""Cross-check `zwgk audit`'s late-publication findings against one DuckDB query.

Install:  pip install duckdb        (PyYAML is also needed: pip install pyyaml)

Usage (from the repository root):

    python3 scripts/duckdb_compare.py [AUDIT_DIR] [--standards DIR] [--zwgk PATH]

AUDIT_DIR defaults to audits/2018-Q4.  --standards defaults to audit.yaml's `catalogue`
(relative to AUDIT_DIR), else ./standards; the folder chosen is passed to zwgk too, so both
sides read the same catalogue.  --zwgk defaults to target/release/zwgk.

What it does:

1. Untimed setup in Python: reads standards/ZWGK-*.yaml, standards/calendar.yaml,
   units.yaml (audit.yaml's `units`), audit.yaml's period and waivers.yaml, and registers
   small tables in DuckDB: the working-day calendar (day, running count of working days),
   rule -> code -> limit, unit x rule applicability, and the active waivers.
2. Timed: ONE SQL query that reads register.csv and items.csv with read_csv and returns the
   number of late publications per (unit, rule):
     - every register entry of an applicable unit whose item_code is one of a
       `check: timeliness` requirement's codes and whose formed_on is inside `in_force`;
     - limit = requirement `limit`, else the catalogue row's time_limit (working days
       preferred over calendar days); no numeric limit -> skipped;
     - deadline = formed_on + N calendar days, or the N-th working day strictly after
       formed_on (formed_on itself when N = 0); a deadline outside the calendar's years is an
       error in zwgk, not a finding, so it is skipped here;
     - first = earliest published_on among items.csv rows whose register_ref is the entry;
     - late publication if period_start <= first <= period_end and first > deadline;
     - minus entries covered by a waiver (same unit and rule, waiver not expired before the
       period starts, formed_on <= expires): zwgk drops those findings.
3. Timed: `zwgk audit AUDIT_DIR --standards DIR --out <tmp> -q` (all checks, all units);
   counts findings with code "late-publication" per (unit, rule) in results.json.
4. Compares the two count maps and prints both wall times.

Exit status: 0 when the counts agree, 1 when they do not (or zwgk fails), 2 on bad usage.
"""

import argparse
import collections
import datetime as dt
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("duckdb_compare: PyYAML is missing: pip install pyyaml")
try:
    import duckdb
except ImportError:  # pragma: no cover
    print("duckdb_compare: duckdb is missing: pip install duckdb", file=sys.stderr)
    sys.exit(2)

REGISTER_COLUMNS = ["id", "unit", "item_code", "title", "formed_on", "doc_no"]
ITEM_COLUMNS = [
    "id", "unit", "item_code", "column", "title", "channel", "published_on", "formed_on",
    "register_ref", "doc_no", "interprets", "reviewed", "withdrawn_on", "url", "text",
]


def usage_error(message):
    print(f"duckdb_compare: {message}", file=sys.stderr)
    sys.exit(2)


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans (YAML 1.2, as zwgk's serde_yaml reads
    it): PyYAML's YAML 1.1 would turn the keys `off:` (calendar.yaml) and `no:` into False."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=Yaml12Loader)


def as_date(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def parse_period(text):
    """`2018-Q4` -> (2018-10-01, 2018-12-31); `2018` -> the whole year."""
    text = str(text).strip()
    try:
        if "-Q" in text:
            year, quarter = text.split("-Q")
            year, quarter = int(year), int(quarter)
            if not 1 <= quarter <= 4:
                raise ValueError
            start = dt.date(year, 3 * quarter - 2, 1)
            end = (dt.date(year + 1, 1, 1) if quarter == 4
                   else dt.date(year, 3 * quarter + 1, 1)) - dt.timedelta(days=1)
        else:
            year = int(text)
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        usage_error(f"period {text!r} is not YYYY-Qn or YYYY")
    return start, end


def numeric_limit(limit):
    """('W', n) / ('C', n) from a {working_days|calendar_days} mapping, else None."""
    if not isinstance(limit, dict):
        return None
    if limit.get("working_days") is not None:
        return ("W", int(limit["working_days"]))
    if limit.get("calendar_days") is not None:
        return ("C", int(limit["calendar_days"]))
    return None


def calendar_rows(path):
    """(day, ord, working) for every day of the calendar's years; ord = working days <= day."""
    years = load_yaml(path)["years"]
    off, work = set(), set()
    for year in years:
        for span in year.get("off") or []:
            day, last = as_date(span["from"]), as_date(span["to"])
            while day <= last:
                off.add(day)
                day += dt.timedelta(days=1)
        for day in year.get("work") or []:
            work.add(as_date(day))
    numbers = [int(y["year"]) for y in years]
    day, end = dt.date(min(numbers), 1, 1), dt.date(max(numbers) + 1, 1, 1)
    rows, count = [], 0
    while day < end:
        working = day in work or (day.weekday() < 5 and day not in off)
        count += working
        rows.append((day, count, working))
        day += dt.timedelta(days=1)
    return rows


def setup_tables(con, standards_dir, units, waivers, period_start):
    """Registers cal, rule_codes, applic and waiver; returns a short description."""
    standards = [load_yaml(p) for p in sorted(glob.glob(os.path.join(standards_dir, "ZWGK-*.yaml")))]
    if not standards:
        usage_error(f"no ZWGK-*.yaml in {standards_dir}")
    row_limits = {}
    for std in standards:
        for item in std.get("items") or []:
            row_limits[str(item["code"])] = numeric_limit(item.get("time_limit"))

    rule_codes, applic = [], []
    for std in standards:
        for req in std.get("requirements") or []:
            if req.get("check") != "timeliness":
                continue
            rule = f"{std['id']}/{req['id']}"
            window = req.get("in_force") or {}
            own = numeric_limit(req.get("limit"))
            for code in req.get("codes") or []:
                limit = own or row_limits.get(str(code))
                if limit is None:
                    continue  # not machine-checkable (实时, 及时 …)
                rule_codes.append((rule, str(code), limit[0], limit[1],
                                   as_date(window.get("from")), as_date(window.get("to"))))
            scope = req.get("applies_to")
            for unit in units:
                if scope:
                    kinds, areas = scope.get("kinds") or [], scope.get("areas") or []
                    if kinds and unit["kind"] not in kinds:
                        continue
                    if areas and not any(a in (unit.get("areas") or []) for a in areas):
                        continue
                applic.append((unit["id"], rule))

    cal = calendar_rows(os.path.join(standards_dir, "calendar.yaml"))
    active = [(w["unit"], w["rule"], as_date(w["expires"]))
              for w in waivers if as_date(w["expires"]) >= period_start]

    con.execute("CREATE TABLE cal (day DATE PRIMARY KEY, ord INTEGER, working BOOLEAN)")
    con.executemany("INSERT INTO cal VALUES (?, ?, ?)", cal)
    con.execute("CREATE TABLE rule_codes (rule VARCHAR, code VARCHAR, kind VARCHAR, n INTEGER,"
                " in_from DATE, in_to DATE)")
    con.executemany("INSERT INTO rule_codes VALUES (?, ?, ?, ?, ?, ?)", rule_codes)
    con.execute("CREATE TABLE applic (unit VARCHAR, rule VARCHAR)")
    con.executemany("INSERT INTO applic VALUES (?, ?)", applic)
    con.execute("CREATE TABLE waiver (unit VARCHAR, rule VARCHAR, expires DATE)")
    if active:
        con.executemany("INSERT INTO waiver VALUES (?, ?, ?)", active)
    return (f"{len({r[0] for r in rule_codes})} timeliness rules, {len(rule_codes)} rule codes, "
            f"{len(applic)} unit x rule, {len(cal)} calendar days, {len(active)} active waivers")


def csv_source(path, columns):
    cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
    path = path.replace("'", "''")
    return (f"read_csv('{path}', header = true, delim = ',', quote = '\"', escape = '\"', "
            f"auto_detect = false, columns = {cols})")


QUERY = """
WITH reg AS (
    SELECT id, unit, item_code, CAST(formed_on AS DATE) AS formed_on
    FROM {register}
),
first_pub AS (
    SELECT register_ref, min(CAST(published_on AS DATE)) AS first
    FROM {items}
    WHERE register_ref IS NOT NULL AND register_ref <> ''
    GROUP BY register_ref
),
wd AS (SELECT ord, day FROM cal WHERE working),
cand AS (
    SELECT r.unit, rc.rule, r.formed_on, f.first,
           CASE WHEN rc.kind = 'C' THEN r.formed_on + rc.n
                WHEN rc.n = 0 THEN CASE WHEN c.day IS NOT NULL THEN r.formed_on END
                ELSE w.day END AS deadline
    FROM reg r
    JOIN rule_codes rc
      ON rc.code = r.item_code
     AND (rc.in_from IS NULL OR r.formed_on >= rc.in_from)
     AND (rc.in_to IS NULL OR r.formed_on <= rc.in_to)
    JOIN applic a ON a.unit = r.unit AND a.rule = rc.rule
    JOIN first_pub f ON f.register_ref = r.id
    LEFT JOIN cal c ON rc.kind = 'W' AND c.day = r.formed_on
    LEFT JOIN wd w ON rc.kind = 'W' AND w.ord = c.ord + rc.n
)
SELECT unit, rule, count(*) AS n,
       count(*) FILTER (WHERE waived) AS n_waived
FROM (
    SELECT cand.*, EXISTS (
        SELECT 1 FROM waiver v
        WHERE v.unit = cand.unit AND v.rule = cand.rule AND cand.formed_on <= v.expires
    ) AS waived
    FROM cand
    WHERE first BETWEEN DATE '{start}' AND DATE '{end}' AND first > deadline
)
GROUP BY unit, rule
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("audit_dir", nargs="?", default="audits/2018-Q4", metavar="AUDIT_DIR")
    parser.add_argument("--standards", default=None,
                        help="standards folder (default: audit.yaml's catalogue, else standards)")
    parser.add_argument("--zwgk", default="target/release/zwgk")
    args = parser.parse_args()

    audit_dir = args.audit_dir
    for name in ("audit.yaml", "register.csv", "items.csv"):
        if not os.path.isfile(os.path.join(audit_dir, name)):
            usage_error(f"{os.path.join(audit_dir, name)} not found")
    if not os.access(args.zwgk, os.X_OK):
        usage_error(f"{args.zwgk} is not an executable (build it with cargo build --release)")

    # ---- untimed setup ----
    config = load_yaml(os.path.join(audit_dir, "audit.yaml"))
    period_start, period_end = parse_period(config["period"])
    if args.standards:
        standards_dir = args.standards
    elif config.get("catalogue"):
        standards_dir = os.path.normpath(os.path.join(audit_dir, config["catalogue"]))
    else:
        standards_dir = "standards"
    if not os.path.isdir(standards_dir):
        usage_error(f"standards folder {standards_dir} not found")
    units_path = os.path.normpath(os.path.join(audit_dir, config.get("units") or "../units.yaml"))
    units = load_yaml(units_path)["units"]
    waivers_path = os.path.join(audit_dir, "waivers.yaml")
    waivers = (load_yaml(waivers_path) or []) if os.path.isfile(waivers_path) else []

    con = duckdb.connect()
    description = setup_tables(con, standards_dir, units, waivers, period_start)
    sql = QUERY.format(
        register=csv_source(os.path.join(audit_dir, "register.csv"), REGISTER_COLUMNS),
        items=csv_source(os.path.join(audit_dir, "items.csv"), ITEM_COLUMNS),
        start=period_start.isoformat(), end=period_end.isoformat(),
    )

    # ---- timed: the DuckDB query, CSV reading included ----
    t0 = time.perf_counter()
    rows = con.execute(sql).fetchall()
    duck_seconds = time.perf_counter() - t0

    duck = {(u, r): n - w for u, r, n, w in rows if n - w}
    duck_waived = sum(w for _, _, _, w in rows)
    item_rows = con.execute(
        f"SELECT count(*) FROM {csv_source(os.path.join(audit_dir, 'items.csv'), ITEM_COLUMNS)}"
    ).fetchone()[0]
    con.close()

    # ---- timed: zwgk audit, all checks, all units ----
    with tempfile.TemporaryDirectory(prefix="duckdb_compare_") as out:
        cmd = [args.zwgk, "audit", audit_dir, "--standards", standards_dir, "--out", out, "-q", "--no-reports"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        zwgk_seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            print(f"duckdb_compare: {' '.join(cmd)} exited {proc.returncode}", file=sys.stderr)
            sys.stderr.write(proc.stderr[-4000:])
            return 1
        with open(os.path.join(out, "results.json"), encoding="utf-8") as f:
            results = json.load(f)
    zwgk = collections.Counter(
        (finding["unit"], finding["rule"])
        for unit in results["units"]
        for finding in unit.get("findings") or []
        if finding.get("code") == "late-publication"
    )

    # ---- compare ----
    pairs = sorted(set(duck) | set(zwgk))
    mismatches = [(p, duck.get(p, 0), zwgk.get(p, 0)) for p in pairs
                  if duck.get(p, 0) != zwgk.get(p, 0)]

    print(f"audit {audit_dir}  period {config['period']} ({period_start} – {period_end})  "
          f"standards {standards_dir}")
    print(f"setup: {description}")
    print(f"item rows: {item_rows}")
    print(f"{'':30} {'duckdb':>8} {'zwgk':>8}")
    print(f"{'late publications':30} {sum(duck.values()):>8} {sum(zwgk.values()):>8}")
    print(f"{'(unit, rule) pairs':30} {len(duck):>8} {len(zwgk):>8}")
    if duck_waived:
        print(f"(waived late publications left out of the DuckDB count: {duck_waived})")
    print(f"mismatches: {len(mismatches)}")
    for (unit, rule), d, z in mismatches[:20]:
        print(f"  {unit:6} {rule:45} duckdb {d:>5}  zwgk {z:>5}")
    if len(mismatches) > 20:
        print(f"  … and {len(mismatches) - 20} more")
    print(f"duckdb query: {duck_seconds:.3f} s, "
          f"zwgk audit (all checks, all units): {zwgk_seconds:.3f} s")
    return 0 if not mismatches else 1


if __name__ == "__main__":
    sys.exit(main())
