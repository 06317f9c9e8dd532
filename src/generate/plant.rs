//! Planting defects in a generated quarter, each recorded with the finding id the checker
//! must report. A record is touched by at most one defect, and defects are only planted
//! where they cannot change another requirement's result, so the truth is exact.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Days, NaiveDate};
use rand::RngExt;

use super::{Gen, ItemRow, Planted};
use crate::catalogue::{
    CheckKind, CheckSpec, CoverageSpec, ElementsSpec, FreshnessSpec, InterpretationSpec, Limit,
    Per, Requirement, ResponseSpec, ReviewSpec, Source, Standard,
};
use crate::check::element_present;
use crate::data::{month_label, Unit};

/// Chance that an eligible instance gets a defect.
const LATE_PUBLICATION: f64 = 0.05;
const MISSING_PUBLICATION: f64 = 0.02;
const SHORT_MONTH: f64 = 0.06;
const STALE_COLUMN: f64 = 0.05;
const LONG_STALE_COLUMN: f64 = 0.05;
const SILENT_ACCOUNT: f64 = 0.02;
const EMPTY_COLUMN: f64 = 0.03;
const LATE_REPLY: f64 = 0.06;
const UNANSWERED: f64 = 0.03;
const LATE_MESSAGE: f64 = 0.03;
const THREE_MONTHS: f64 = 0.03;
const LATE_INTERPRETATION: f64 = 0.08;
const MISSING_INTERPRETATION: f64 = 0.04;
const MISSING_ELEMENTS: f64 = 0.04;
const MISSING_CHANNEL: f64 = 0.06;
const SHORT_DISPLAY: f64 = 0.06;
const UNREVIEWED: f64 = 0.002;
/// Share of planted lateness put on the first day past the deadline (boundary cases).
const EDGE: f64 = 0.5;

type Rule<'a> = (&'a Standard, &'a Requirement);

/// Where records are, so planting stays linear at any scale. Removed records are flagged
/// `deleted` (indices stay valid) and left out when the files are written.
#[derive(Default)]
struct Ix {
    /// Item indices per register entry id.
    by_entry: HashMap<String, Vec<usize>>,
    /// Item and register indices per unit id.
    unit_items: HashMap<String, Vec<usize>>,
    unit_entries: HashMap<String, Vec<usize>>,
    /// Ids of entries and items that already carry a defect (an item's entry included).
    touched: HashSet<String>,
    /// The unit's columns (and channels) given a gap or emptied, and the gaps: a gap never
    /// overlaps another, so a page made of several columns is never left dark by them.
    dark: HashSet<String>,
    gaps: Vec<(NaiveDate, NaiveDate)>,
    /// One column emptied per unit at most, so a page keeps columns that are updated.
    emptied: bool,
}

impl Ix {
    fn new(g: &Gen<'_>) -> Ix {
        let mut ix = Ix::default();
        for (i, item) in g.q.items.iter().enumerate() {
            ix.unit_items.entry(item.unit.clone()).or_default().push(i);
            if let Some(entry) = &item.register_ref {
                ix.by_entry.entry(entry.clone()).or_default().push(i);
            }
        }
        for (i, entry) in g.q.register.iter().enumerate() {
            ix.unit_entries
                .entry(entry.unit.clone())
                .or_default()
                .push(i);
        }
        ix
    }

    /// Live publications of an entry.
    fn publications(&self, g: &Gen<'_>, entry: &str) -> Vec<usize> {
        self.by_entry
            .get(entry)
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| !g.q.items[*i].deleted)
            .collect()
    }

    fn first_publication(&self, g: &Gen<'_>, entry: &str) -> Option<NaiveDate> {
        self.publications(g, entry)
            .into_iter()
            .map(|i| g.q.items[i].published_on)
            .min()
    }

    fn unit_items(&self, unit: &Unit) -> Vec<usize> {
        self.unit_items.get(&unit.id).cloned().unwrap_or_default()
    }

    fn touch_item(&mut self, g: &Gen<'_>, i: usize) {
        let item = &g.q.items[i];
        self.touched.insert(item.id.clone());
        if let Some(entry) = &item.register_ref {
            self.touched.insert(entry.clone());
        }
    }
}

/// Plants defects in every unit; returns waivers.yaml's text when a waiver was planted.
pub(super) fn plant(g: &mut Gen<'_>, units: &[Unit]) -> Option<String> {
    let mut ix = Ix::new(g);
    for unit in units {
        // Units differ: most are diligent, a few are lax (planted rates × 0.2 … 4).
        g.laxity = 0.2 + 3.8 * g.rng.random::<f64>().powi(3);
        ix.dark.clear();
        ix.gaps.clear();
        ix.emptied = false;
        let rules = g.applicable(unit);
        // Codes covered by more than one rule of a kind, or by a coverage or
        // interpretation rule, keep their dates: moving or removing them would change
        // another requirement's result too.
        let mut per_kind: BTreeMap<(CheckKind, String), usize> = BTreeMap::new();
        let mut fixed_dates: BTreeSet<String> = BTreeSet::new();
        for (_, rule) in &rules {
            for code in rule.codes() {
                *per_kind.entry((rule.check(), code.clone())).or_default() += 1;
                if matches!(
                    rule.check(),
                    CheckKind::Coverage | CheckKind::Interpretation
                ) {
                    fixed_dates.insert(code.clone());
                }
            }
        }
        let single =
            |kind: CheckKind, code: &str| per_kind.get(&(kind, code.to_string())) == Some(&1);
        holiday_edge(g, unit, &rules, &single, &fixed_dates, &mut ix);
        for rule in &rules {
            match &rule.1.spec {
                CheckSpec::Timeliness(_) => {
                    timeliness(g, unit, *rule, &single, &fixed_dates, &mut ix)
                }
                CheckSpec::Coverage(spec) => coverage(g, unit, *rule, spec, &mut ix),
                CheckSpec::Freshness(spec) => freshness(g, unit, *rule, spec, &mut ix),
                CheckSpec::EmptyColumns(spec) => {
                    for column in &spec.columns {
                        empty_column(g, unit, *rule, column, &mut ix);
                    }
                }
                CheckSpec::Response(spec) => response(g, unit, *rule, spec, &mut ix.touched),
                CheckSpec::Interpretation(spec) => interpretation(g, unit, *rule, spec, &mut ix),
                CheckSpec::Elements(spec) => elements(g, unit, *rule, spec, &single, &mut ix),
                CheckSpec::Channels(_) => channels(g, unit, *rule, &single, &mut ix),
                CheckSpec::Display(_) => display(g, unit, *rule, &single, &mut ix),
                CheckSpec::Review(_) | CheckSpec::Manual(_) => {}
            }
        }
        for rule in &rules {
            if let CheckSpec::Review(spec) = &rule.1.spec {
                review(g, unit, *rule, spec, &mut ix);
            }
        }
    }
    waiver(g)
}

/// A defect with probability `p`, scaled by how lax the unit is.
fn chance(g: &mut Gen<'_>, p: f64) -> bool {
    let p = (p * g.laxity).clamp(0.0, 1.0);
    g.rng.random_bool(p)
}

fn finding(unit: &Unit, rule: Rule<'_>, key: &str) -> String {
    format!("{}/{}/{}/{key}", unit.id, rule.0.id, rule.1.id)
}

/// Records a finding for something resolved late in the period — unless its deadline
/// passed before the period: it was counted there, still open, and each instance counts
/// in one period only.
fn record_late(g: &mut Gen<'_>, deadline: NaiveDate, id: String, code: &'static str, note: String) {
    if deadline >= g.period.start() {
        record(g, id, code, note);
    }
}

fn record(g: &mut Gen<'_>, id: String, code: &'static str, note: String) {
    g.q.planted.push(Planted {
        finding: id,
        code,
        note,
    });
}

/// Entries of the unit under the rule's codes with their first publication date.
fn published_entries(
    g: &Gen<'_>,
    ix: &Ix,
    unit: &Unit,
    codes: &[String],
) -> Vec<(usize, NaiveDate)> {
    ix.unit_entries
        .get(&unit.id)
        .into_iter()
        .flatten()
        .copied()
        .filter(|i| !g.q.register[*i].deleted && codes.contains(&g.q.register[*i].item_code))
        .filter_map(|i| Some((i, ix.first_publication(g, &g.q.register[i].id)?)))
        .collect()
}

/// A timeliness rule's limit for a row: its own, else the row's.
fn limit_for(g: &Gen<'_>, rule: &Requirement, code: &str) -> Option<Limit> {
    let own = match &rule.spec {
        CheckSpec::Timeliness(spec) => spec.limit,
        _ => None,
    };
    own.or_else(|| g.rows.get(code)?.1.time_limit.days())
}

/// Moves every publication of an entry to `day`.
fn republish(g: &mut Gen<'_>, ix: &Ix, entry: &str, day: NaiveDate) {
    for i in ix.publications(g, entry) {
        g.q.items[i].published_on = day;
    }
}

/// A day past `deadline`: the first working day after it (half the time: the boundary
/// case) or the 2nd to 4th.
fn late_day(g: &mut Gen<'_>, deadline: NaiveDate) -> Option<NaiveDate> {
    let k = late_by(g);
    Limit::WorkingDays(k).due(g.calendar, deadline).ok()
}

fn late_by(g: &mut Gen<'_>) -> u32 {
    if g.rng.random_bool(EDGE) {
        1
    } else {
        g.rng.random_range(2..5)
    }
}

fn timeliness(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    single: &dyn Fn(CheckKind, &str) -> bool,
    fixed: &BTreeSet<String>,
    ix: &mut Ix,
) {
    let codes = rule.1.codes().to_vec();
    let (start, end) = (g.period.start(), g.period.end());
    for (i, first) in published_entries(g, ix, unit, &codes) {
        let entry = g.q.register[i].clone();
        // The version of the rule is chosen by the day the information was formed.
        if ix.touched.contains(&entry.id)
            || fixed.contains(&entry.item_code)
            || !single(CheckKind::Timeliness, &entry.item_code)
            || !rule.1.in_force_on(entry.formed_on)
        {
            continue;
        }
        let Some(limit) = limit_for(g, rule.1, &entry.item_code) else {
            continue;
        };
        let Ok(deadline) = limit.due(g.calendar, entry.formed_on) else {
            continue;
        };
        if first < start {
            continue;
        }
        let roll: f64 = g.rng.random::<f64>() / g.laxity;
        if roll < LATE_PUBLICATION {
            let Some(day) = late_day(g, deadline) else {
                continue;
            };
            if day > end {
                continue;
            }
            republish(g, ix, &entry.id, day);
            ix.touched.insert(entry.id.clone());
            record_late(
                g,
                deadline,
                finding(unit, rule, &entry.id),
                "late-publication",
                format!("{}形成，期限{}，{}公开", entry.formed_on, deadline, day),
            );
        } else if roll < LATE_PUBLICATION + MISSING_PUBLICATION
            && deadline >= start
            && deadline <= end
        {
            for item in ix.publications(g, &entry.id) {
                g.q.items[item].deleted = true;
            }
            ix.touched.insert(entry.id.clone());
            record(
                g,
                finding(unit, rule, &entry.id),
                "missing-publication",
                format!("{}形成，期限{}，未公开", entry.formed_on, deadline),
            );
        }
    }
}

/// Holiday edges: an entry formed on the last working day before the period's longest
/// holiday block, published on its deadline (must pass) and another one day later.
fn holiday_edge(
    g: &mut Gen<'_>,
    unit: &Unit,
    rules: &[Rule<'_>],
    single: &dyn Fn(CheckKind, &str) -> bool,
    fixed: &BTreeSet<String>,
    ix: &mut Ix,
) {
    let Some(before_holiday) = day_before_longest_holiday(g) else {
        return;
    };
    // One timeliness rule per unit is enough.
    let Some(rule) = rules.iter().find(|r| r.1.check() == CheckKind::Timeliness) else {
        return;
    };
    let codes = rule.1.codes().to_vec();
    let candidates: Vec<usize> = published_entries(g, ix, unit, &codes)
        .into_iter()
        .map(|(i, _)| i)
        .filter(|i| {
            let e = &g.q.register[*i];
            !ix.touched.contains(&e.id)
                && !fixed.contains(&e.item_code)
                && single(CheckKind::Timeliness, &e.item_code)
        })
        .take(2)
        .collect();
    for (n, i) in candidates.into_iter().enumerate() {
        let code = g.q.register[i].item_code.clone();
        let Some(limit) = limit_for(g, rule.1, &code) else {
            continue;
        };
        let Ok(deadline) = limit.due(g.calendar, before_holiday) else {
            continue;
        };
        let late = Limit::WorkingDays(1)
            .due(g.calendar, deadline)
            .unwrap_or(deadline);
        if deadline < g.period.start() || late > g.period.end() {
            continue;
        }
        let id = g.q.register[i].id.clone();
        g.q.register[i].formed_on = before_holiday;
        for item in ix.publications(g, &id) {
            g.q.items[item].formed_on = Some(before_holiday);
        }
        ix.touched.insert(id.clone());
        if n == 0 {
            republish(g, ix, &id, deadline);
            g.q.boundary.push(finding(unit, *rule, &id));
        } else {
            republish(g, ix, &id, late);
            let note =
                format!("节假日前{before_holiday}形成，期限{deadline}，{late}公开（节假日边界）");
            record(g, finding(unit, *rule, &id), "late-publication", note);
        }
    }
}

/// The last working day before the longest block of days off that starts in the month
/// before the period or in its first half.
fn day_before_longest_holiday(g: &Gen<'_>) -> Option<NaiveDate> {
    let from = (g.period.start() - Days::new(35)).max(g.first_day);
    let to = g.period.start() + Days::new(45);
    let mut best: Option<(i64, NaiveDate)> = None;
    let mut day = from;
    while day <= to {
        if !g.calendar.is_working_day(day).ok()? {
            let mut end = day;
            while !g.calendar.is_working_day(end + Days::new(1)).ok()? {
                end = end + Days::new(1);
            }
            let length = (end - day).num_days() + 1;
            if length >= 3 && best.is_none_or(|(l, _)| length > l) {
                best = Some((length, day - Days::new(1)));
            }
            day = end;
        }
        day = day + Days::new(1);
    }
    best.map(|(_, d)| d)
        .filter(|d| g.calendar.is_working_day(*d).unwrap_or(false))
}

fn coverage(g: &mut Gen<'_>, unit: &Unit, rule: Rule<'_>, spec: &CoverageSpec, ix: &mut Ix) {
    let codes = &spec.codes;
    let min = spec.min as usize;
    let windows: Vec<(NaiveDate, NaiveDate, String)> = match spec.per {
        Per::Month => g
            .period
            .months()
            .into_iter()
            .map(|(a, b)| (a, b, month_label(a)))
            .collect(),
        Per::Period => vec![(g.period.start(), g.period.end(), g.period.to_string())],
    };
    for (from, to, key) in windows {
        if !chance(g, SHORT_MONTH) {
            continue;
        }
        let entries: Vec<usize> = published_entries(g, ix, unit, codes)
            .into_iter()
            .filter(|(_, first)| *first >= from && *first <= to)
            .map(|(i, _)| i)
            .collect();
        if entries
            .iter()
            .any(|i| ix.touched.contains(&g.q.register[*i].id))
            || entries.len() < min
        {
            continue;
        }
        let keep = g.rng.random_range(0..min);
        for i in entries.into_iter().skip(keep) {
            let id = g.q.register[i].id.clone();
            for item in ix.publications(g, &id) {
                g.q.items[item].deleted = true;
            }
            g.q.register[i].deleted = true;
            ix.touched.insert(id);
        }
        record(
            g,
            finding(unit, rule, &key),
            "missing-required-item",
            format!("{key}仅发布{keep}条，少于{min}条"),
        );
    }
}

fn freshness(g: &mut Gen<'_>, unit: &Unit, rule: Rule<'_>, spec: &FreshnessSpec, ix: &mut Ix) {
    let period_days = (g.period.end() - g.period.start()).num_days();
    match (&spec.channel, &spec.page) {
        (Some(channel), _) => {
            if chance(g, SILENT_ACCOUNT) {
                let name = spec.together().unwrap_or(channel);
                gap(
                    g,
                    unit,
                    rule,
                    spec.max_gap_days,
                    name,
                    |i| &i.channel == channel,
                    ix,
                );
            }
        }
        // 首页 goes dark only if all its columns do: not planted.
        (None, Some(_)) => {}
        (None, None) if i64::from(spec.max_gap_days) > period_days => {
            for column in &spec.columns {
                if chance(g, LONG_STALE_COLUMN) {
                    long_stale(g, unit, rule, spec.max_gap_days, column, ix);
                }
            }
        }
        (None, None) => {
            for column in &spec.columns {
                if chance(g, STALE_COLUMN) {
                    gap(
                        g,
                        unit,
                        rule,
                        spec.max_gap_days,
                        column,
                        |i| &i.column == column,
                        ix,
                    );
                }
            }
        }
    }
}

/// A stretch longer than the limit without updates, cut out of the unit's items that
/// `belongs` selects — only where none of them is a catalogue record (other rules check
/// those) and the stretch overlaps no other planted one.
fn gap(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    max_gap_days: u32,
    name: &str,
    belongs: impl Fn(&ItemRow) -> bool,
    ix: &mut Ix,
) {
    let from = g.period.start() + Days::new(g.rng.random_range(3..40));
    let to = from + Days::new(u64::from(max_gap_days) + g.rng.random_range(2..15));
    let overlaps = ix.gaps.iter().any(|(a, b)| from <= *b && *a <= to);
    if to >= g.period.end() || overlaps || ix.dark.contains(name) {
        return;
    }
    let inside: Vec<usize> = ix
        .unit_items(unit)
        .into_iter()
        .filter(|i| {
            let item = &g.q.items[*i];
            !item.deleted && belongs(item) && item.published_on > from && item.published_on < to
        })
        .collect();
    if inside.iter().any(|i| !g.q.items[*i].item_code.is_empty()) {
        return;
    }
    for i in inside {
        g.q.items[i].deleted = true;
    }
    ix.gaps.push((from, to));
    ix.dark.insert(name.to_string());
    record(
        g,
        finding(unit, rule, name),
        "stale-column",
        format!("{from}至{to}间未更新"),
    );
}

/// A column updated only before the period, moved back beyond a limit longer than the
/// period (超过半年未更新).
fn long_stale(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    max_gap_days: u32,
    column: &str,
    ix: &mut Ix,
) {
    let start = g.period.start();
    let items: Vec<usize> = ix
        .unit_items(unit)
        .into_iter()
        .filter(|i| !g.q.items[*i].deleted && g.q.items[*i].column == column)
        .collect();
    let carried_only = items.len() == 1
        && g.q.items[items[0]].published_on < start
        && g.q.items[items[0]].item_code.is_empty();
    if !carried_only || ix.dark.contains(column) {
        return;
    }
    let back = u64::from(max_gap_days) + g.rng.random_range(5..60);
    let day = g.period.end() - Days::new(back);
    if day < g.first_day {
        return;
    }
    g.q.items[items[0]].published_on = day;
    ix.dark.insert(column.to_string());
    record(
        g,
        finding(unit, rule, column),
        "stale-column",
        format!("最近一次更新在{day}"),
    );
}

/// A listed column emptied — only one whose items are none of them catalogue records
/// and that no other defect touched.
fn empty_column(g: &mut Gen<'_>, unit: &Unit, rule: Rule<'_>, column: &str, ix: &mut Ix) {
    let items: Vec<usize> = ix
        .unit_items(unit)
        .into_iter()
        .filter(|i| !g.q.items[*i].deleted && g.q.items[*i].column == column)
        .collect();
    let free = !items.is_empty() && items.iter().all(|i| g.q.items[*i].item_code.is_empty());
    if !free || ix.emptied || ix.dark.contains(column) || !chance(g, EMPTY_COLUMN) {
        return;
    }
    for i in items {
        g.q.items[i].deleted = true;
    }
    ix.dark.insert(column.to_string());
    ix.emptied = true;
    record(
        g,
        finding(unit, rule, column),
        "empty-column",
        "栏目内容全部撤除".into(),
    );
}

fn response(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    spec: &ResponseSpec,
    touched: &mut HashSet<String>,
) {
    let (limit, extension) = (spec.limit, spec.extension_working_days);
    let (start, end) = (g.period.start(), g.period.end());
    match spec.source {
        Source::Applications => {
            for i in 0..g.q.applications.len() {
                let a = g.q.applications[i].clone();
                if a.unit != unit.id
                    || touched.contains(&a.id)
                    || !rule.1.in_force_on(a.received_on)
                {
                    continue;
                }
                let limit = if a.extended == "是" {
                    limit.extended(extension)
                } else {
                    limit
                };
                let Ok(deadline) = limit.due(g.calendar, a.received_on) else {
                    continue;
                };
                // Unanswered when its deadline passed in an earlier quarter: counted
                // there, and its late reply now is no finding; nothing is planted on it.
                if deadline < start {
                    continue;
                }
                let roll: f64 = g.rng.random::<f64>() / g.laxity;
                if roll < LATE_REPLY {
                    let Some(day) = late_day(g, deadline) else {
                        continue;
                    };
                    if day > end || day < start {
                        continue;
                    }
                    g.q.applications[i].replied_on = Some(day);
                    if g.q.applications[i].outcome.is_none() {
                        let outcome = g.outcome();
                        g.q.applications[i].outcome = Some(outcome);
                    }
                    touched.insert(a.id.clone());
                    record_late(
                        g,
                        deadline,
                        finding(unit, rule, &a.id),
                        "late-reply",
                        format!("{}收到，期限{deadline}，{day}答复", a.received_on),
                    );
                } else if roll < LATE_REPLY + UNANSWERED && deadline >= start && deadline <= end {
                    g.q.applications[i].replied_on = None;
                    g.q.applications[i].outcome = None;
                    touched.insert(a.id.clone());
                    record(
                        g,
                        finding(unit, rule, &a.id),
                        "unanswered",
                        format!("{}收到，期限{deadline}，未答复", a.received_on),
                    );
                } else if roll > 0.97 / g.laxity && deadline >= start && deadline <= end {
                    g.q.applications[i].replied_on = Some(deadline);
                    if g.q.applications[i].outcome.is_none() {
                        let outcome = g.outcome();
                        g.q.applications[i].outcome = Some(outcome);
                    }
                    touched.insert(a.id.clone());
                    g.q.boundary.push(finding(unit, rule, &a.id));
                }
            }
        }
        Source::Messages => messages(g, unit, rule, limit, touched),
    }
}

/// Messages: a few answered late under the working-day rule; now and then one answered
/// after more than three months, which fails every message rule in force.
fn messages(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    limit: Limit,
    touched: &mut HashSet<String>,
) {
    if let Limit::CalendarDays(days) = limit {
        if !chance(g, THREE_MONTHS) {
            return;
        }
        let replied = g.period.start() + Days::new(g.rng.random_range(10..60));
        let received = replied - Days::new(u64::from(days) + g.rng.random_range(1..20));
        if received < g.first_day {
            return;
        }
        let id = g.next_id("M");
        g.q.messages.push(super::MessageRow {
            id: id.clone(),
            unit: unit.id.clone(),
            channel: g.locale.portal.clone(),
            received_on: received,
            replied_on: Some(replied),
        });
        touched.insert(id.clone());
        // Every message rule in force on the day of receipt fails for it.
        let rules: Vec<Rule<'_>> = g
            .applicable(unit)
            .into_iter()
            .filter(|r| {
                matches!(&r.1.spec, CheckSpec::Response(s) if s.source == Source::Messages)
                    && r.1.in_force_on(received)
            })
            .collect();
        for r in rules {
            let CheckSpec::Response(spec) = &r.1.spec else {
                continue;
            };
            let Ok(deadline) = spec.limit.due(g.calendar, received) else {
                continue;
            };
            record_late(
                g,
                deadline,
                finding(unit, r, &id),
                "late-reply",
                format!("{received}收到，{replied}答复，超过3个月"),
            );
        }
        return;
    }
    let (start, end) = (g.period.start(), g.period.end());
    for i in 0..g.q.messages.len() {
        let m = g.q.messages[i].clone();
        if m.unit != unit.id || touched.contains(&m.id) || !chance(g, LATE_MESSAGE) {
            continue;
        }
        let Ok(deadline) = limit.due(g.calendar, m.received_on) else {
            continue;
        };
        let Some(day) = late_day(g, deadline) else {
            continue;
        };
        if day > end || day < start || (day - m.received_on).num_days() > 60 {
            continue;
        }
        g.q.messages[i].replied_on = Some(day);
        touched.insert(m.id.clone());
        record_late(
            g,
            deadline,
            finding(unit, rule, &m.id),
            "late-reply",
            format!("{}收到，期限{deadline}，{day}答复", m.received_on),
        );
    }
}

fn interpretation(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    spec: &InterpretationSpec,
    ix: &mut Ix,
) {
    let (limit, codes) = (spec.limit, &spec.codes);
    let unit_items = ix.unit_items(unit);
    let alive: Vec<&super::ItemRow> = unit_items
        .iter()
        .map(|i| &g.q.items[*i])
        .filter(|i| !i.deleted)
        .collect();
    let policies = super::first_publications(alive.iter().copied(), codes);
    let interpretations: HashMap<String, usize> = unit_items
        .iter()
        .filter(|i| !g.q.items[**i].deleted)
        .filter_map(|i| Some((g.q.items[*i].interprets.clone()?, *i)))
        .collect();
    let (start, end) = (g.period.start(), g.period.end());
    for (policy, published, _) in policies {
        let Some(&j) = interpretations.get(&policy) else {
            continue;
        };
        let interp_id = g.q.items[j].id.clone();
        if ix.touched.contains(&interp_id) {
            continue;
        }
        let Ok(deadline) = limit.due(g.calendar, published) else {
            continue;
        };
        let roll: f64 = g.rng.random::<f64>() / g.laxity;
        if roll < LATE_INTERPRETATION {
            let Some(day) = late_day(g, deadline) else {
                continue;
            };
            if day > end || day < start {
                continue;
            }
            g.q.items[j].published_on = day;
            ix.touch_item(g, j);
            record_late(
                g,
                deadline,
                finding(unit, rule, &policy),
                "late-interpretation",
                format!("{published}公开，期限{deadline}，{day}解读"),
            );
        } else if roll < LATE_INTERPRETATION + MISSING_INTERPRETATION
            && deadline >= start
            && deadline <= end
        {
            g.q.items[j].deleted = true;
            ix.touch_item(g, j);
            record(
                g,
                finding(unit, rule, &policy),
                "missing-interpretation",
                format!("{published}公开，期限{deadline}，无解读"),
            );
        }
    }
}

fn elements(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    spec: &ElementsSpec,
    single: &dyn Fn(CheckKind, &str) -> bool,
    ix: &mut Ix,
) {
    let codes = &spec.codes;
    let synonyms = g.catalogue.meta.synonyms.clone();
    for i in ix.unit_items(unit) {
        let item = &g.q.items[i];
        let eligible = !item.deleted
            && codes.contains(&item.item_code)
            && !ix.touched.contains(&item.id)
            && single(CheckKind::Elements, &item.item_code)
            && g.period.contains(item.published_on)
            && rule.1.in_force_on(item.published_on);
        if !eligible || !chance(g, MISSING_ELEMENTS) {
            continue;
        }
        let item = &g.q.items[i];
        let required = match &spec.elements {
            Some(list) => list.clone(),
            None => match g.rows.get(item.item_code.as_str()) {
                Some((_, row)) => row.elements.clone(),
                None => continue,
            },
        };
        if required.len() < 2 {
            continue;
        }
        let (id, day, title) = (item.id.clone(), item.published_on, item.title.clone());
        let drop = g.rng.random_range(1..=required.len().min(2));
        let keep: Vec<String> = required[..required.len() - drop].to_vec();
        let dropped: Vec<String> = required[required.len() - drop..].to_vec();
        let text = g.writer().body(&keep, day, &unit.name);
        // Only a defect if the dropped elements are really absent and the others present.
        let absent = dropped
            .iter()
            .all(|e| !element_present(e, &title, &text, &synonyms));
        let present = keep
            .iter()
            .all(|e| element_present(e, &title, &text, &synonyms));
        if !absent || !present {
            continue;
        }
        g.q.items[i].text = text;
        ix.touch_item(g, i);
        record(
            g,
            finding(unit, rule, &id),
            "missing-elements",
            format!("缺{}", dropped.join("、")),
        );
    }
}

fn channels(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    single: &dyn Fn(CheckKind, &str) -> bool,
    ix: &mut Ix,
) {
    let codes = rule.1.codes().to_vec();
    for (i, first) in published_entries(g, ix, unit, &codes) {
        let entry = g.q.register[i].clone();
        if ix.touched.contains(&entry.id)
            || !single(CheckKind::Channels, &entry.item_code)
            || !g.period.contains(first)
            || !rule.1.in_force_on(entry.formed_on)
        {
            continue;
        }
        let mut items: Vec<(String, usize)> = ix
            .publications(g, &entry.id)
            .into_iter()
            .map(|j| (g.q.items[j].id.clone(), j))
            .collect();
        items.sort();
        if items.len() < 2 || !chance(g, MISSING_CHANNEL) {
            continue;
        }
        // Keep the first publication: interpretations point at it.
        let (_, gone) = items.last().cloned().expect("two or more");
        let channel = g.q.items[gone].channel.clone();
        g.q.items[gone].deleted = true;
        ix.touched.insert(entry.id.clone());
        record(
            g,
            finding(unit, rule, &entry.id),
            "missing-channel",
            format!("未在{channel}公开"),
        );
    }
}

fn display(
    g: &mut Gen<'_>,
    unit: &Unit,
    rule: Rule<'_>,
    single: &dyn Fn(CheckKind, &str) -> bool,
    ix: &mut Ix,
) {
    let codes = rule.1.codes().to_vec();
    for i in ix.unit_items(unit) {
        let item = g.q.items[i].clone();
        if item.deleted
            || !codes.contains(&item.item_code)
            || ix.touched.contains(&item.id)
            || !single(CheckKind::Display, &item.item_code)
            || !rule.1.in_force_on(item.published_on)
        {
            continue;
        }
        let Some(days) = g
            .rows
            .get(item.item_code.as_str())
            .and_then(|(_, r)| r.time_limit.display_working_days)
        else {
            continue;
        };
        let Ok(until) = g.calendar.add_working_days(item.published_on, days) else {
            continue;
        };
        if until > g.period.end() || item.published_on < g.period.start() {
            continue;
        }
        let roll: f64 = g.rng.random::<f64>() / g.laxity;
        if roll < SHORT_DISPLAY {
            let short = g.rng.random_range(1..days.min(4));
            let Ok(withdrawn) = g.calendar.add_working_days(item.published_on, days - short) else {
                continue;
            };
            if withdrawn <= item.published_on {
                continue;
            }
            g.q.items[i].withdrawn_on = Some(withdrawn);
            ix.touch_item(g, i);
            record(
                g,
                finding(unit, rule, &item.id),
                "short-display",
                format!(
                    "{}公示，{withdrawn}撤下，不足{days}个工作日",
                    item.published_on
                ),
            );
        } else if roll > 0.96 / g.laxity {
            g.q.items[i].withdrawn_on = Some(until);
            ix.touch_item(g, i);
            g.q.boundary.push(finding(unit, rule, &item.id));
        }
    }
}

fn review(g: &mut Gen<'_>, unit: &Unit, rule: Rule<'_>, spec: &ReviewSpec, ix: &mut Ix) {
    let codes = &spec.codes;
    for i in ix.unit_items(unit) {
        let item = &g.q.items[i];
        let eligible = !item.deleted
            && !ix.touched.contains(&item.id)
            && g.period.contains(item.published_on)
            && codes.as_ref().is_none_or(|c| c.contains(&item.item_code));
        let id = item.id.clone();
        if !eligible || !chance(g, UNREVIEWED) {
            continue;
        }
        g.q.items[i].reviewed = "否";
        ix.touch_item(g, i);
        record(
            g,
            finding(unit, rule, &id),
            "unreviewed-publication",
            "未经保密审查".into(),
        );
    }
}

/// Waives the first planted late application reply (all of that unit's findings under the
/// rule), and adds an expired waiver, so both kinds show in the results.
/// waivers.yaml: the approved waiver of one unit's late replies to applications, and one
/// of a review rule that expired before the period.
fn waiver(g: &mut Gen<'_>) -> Option<String> {
    let rules = |matches: fn(&CheckSpec) -> bool| -> Vec<String> {
        g.catalogue
            .standards
            .iter()
            .flat_map(|s| s.requirements.iter().map(move |r| (s, r)))
            .filter(|(_, r)| matches(&r.spec))
            .map(|(s, r)| format!("{}/{}", s.id, r.id))
            .collect()
    };
    let applications =
        rules(|spec| matches!(spec, CheckSpec::Response(r) if r.source == Source::Applications));
    let review = rules(|spec| matches!(spec, CheckSpec::Review(_)));
    let target =
        g.q.planted
            .iter()
            .find(|p| {
                p.code == "late-reply"
                    && applications
                        .iter()
                        .any(|r| p.finding.contains(&format!("/{r}/")))
            })?
            .finding
            .clone();
    let mut parts = target.splitn(4, '/');
    let (unit, standard, requirement) = (
        parts.next()?.to_string(),
        parts.next()?.to_string(),
        parts.next()?.to_string(),
    );
    let prefix = format!("{unit}/{standard}/{requirement}/");
    for planted in
        g.q.planted
            .iter_mut()
            .filter(|p| p.finding.starts_with(&prefix))
    {
        planted.note.push_str("（已豁免）");
    }
    let issuer = &g.catalogue.meta.issuer;
    let expires = g.period.end() + Days::new(90);
    let mut text = format!(
        "# 经批准的考核豁免\n- unit: {unit}\n  rule: {standard}/{requirement}\n  reason: 系统迁移期间依申请公开平台停用，经{issuer}同意暂缓考核\n  approver: {issuer}\n  expires: {expires}\n"
    );
    if let Some(rule) = review.first() {
        let expired = g.period.start() - Days::new(10);
        text.push_str(&format!(
            "- unit: {unit}\n  rule: {rule}\n  reason: 保密审查系统升级，已到期\n  approver: {issuer}\n  expires: {expired}\n"
        ));
    }
    Some(text)
}
