//! The checks: one function per check kind, run for every unit in parallel.
//!
//! Each requirement yields instances (a register entry, an application, a unit × month …).
//! An instance counts in exactly one period: the one in which it is resolved (published,
//! replied) or, if still unresolved, the one in which its deadline passes. Instances
//! resolved before the period are skipped (an earlier audit counted them); unresolved ones
//! whose deadline falls after the period end are `pending`. Which version of a rule applies
//! (2008 or 2019 reply limits) is chosen by the date of each instance's event.

mod channels;
mod coverage;
mod display;
mod elements;
mod empty_columns;
mod findings;
mod freshness;
mod interpretation;
mod manual;
mod response;
mod review;
mod timeliness;
mod warn;

use std::collections::HashMap;

use chrono::NaiveDate;
use compact_str::CompactString;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub(crate) use elements::element_present;
pub(crate) use findings::{Evidence, Finding, FindingCode};

use crate::calendar::{Calendar, MissingYear};
use crate::catalogue::{Catalogue, CatalogueItem, CheckSpec, Requirement, Standard};
use crate::data::{
    Application, Dataset, Inspections, Item, Message, Period, RegisterEntry, Unit, Waiver,
};

/// Result of one instance (XCCDF result values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Outcome {
    Pass,
    Fail,
    Partial,
    NotApplicable,
    NotChecked,
    Pending,
    Waived,
    Error,
}

impl Outcome {
    /// Whether the instance enters the score (XCCDF: not notapplicable, notchecked,
    /// pending, waived; errors are reported apart and not scored either).
    pub(crate) fn counted(self) -> bool {
        matches!(self, Outcome::Pass | Outcome::Fail | Outcome::Partial)
    }

    pub(crate) fn failing(self) -> bool {
        matches!(self, Outcome::Fail | Outcome::Partial)
    }
}

/// What a failing instance found: the finding's code, its message and evidence (boxed:
/// most instances pass, and an audit holds millions of them).
pub(crate) type FindingData = Box<(FindingCode, String, Evidence)>;

/// One checked instance.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    /// The instance part of the finding id: item, entry or application id, month, column.
    pub key: CompactString,
    pub outcome: Outcome,
    /// Share of the requirement met, 0–1 (pass 1, fail 0, partial in between).
    pub credit: f64,
    /// Date of the event that chose the rule version and dates a waiver.
    pub event: NaiveDate,
    pub finding: Option<FindingData>,
}

impl Instance {
    pub(crate) fn pass(key: impl Into<CompactString>, event: NaiveDate) -> Instance {
        Instance {
            key: key.into(),
            outcome: Outcome::Pass,
            credit: 1.0,
            event,
            finding: None,
        }
    }

    pub(crate) fn fail(
        key: impl Into<CompactString>,
        event: NaiveDate,
        code: FindingCode,
        message: String,
        evidence: Evidence,
    ) -> Instance {
        Instance {
            key: key.into(),
            outcome: Outcome::Fail,
            credit: 0.0,
            event,
            finding: Some(Box::new((code, message, evidence))),
        }
    }

    pub(crate) fn other(
        key: impl Into<CompactString>,
        event: NaiveDate,
        outcome: Outcome,
    ) -> Instance {
        Instance {
            key: key.into(),
            outcome,
            credit: 0.0,
            event,
            finding: None,
        }
    }

    /// A calendar gap: the deadline could not be computed.
    pub(crate) fn error(
        key: impl Into<CompactString>,
        event: NaiveDate,
        err: &MissingYear,
    ) -> Instance {
        let mut instance = Instance::other(key, event, Outcome::Error);
        instance.finding = Some(Box::new((
            FindingCode::CalendarMissing,
            err.to_string(),
            Evidence::default(),
        )));
        instance
    }
}

/// What one requirement found for one unit.
#[derive(Debug, Clone)]
pub(crate) struct RuleResult {
    pub standard: String,
    pub requirement: String,
    /// False when `applies_to` excludes the unit.
    pub applicable: bool,
    pub instances: Vec<Instance>,
    /// How close the unit is to this rule's veto, when it is close (单项否决预警).
    pub warning: Option<String>,
}

impl RuleResult {
    /// `ZWGK-204/reply-within-limit`.
    pub(crate) fn rule_id(&self) -> String {
        format!("{}/{}", self.standard, self.requirement)
    }
}

/// One unit's data, grouped for the checks.
pub(crate) struct UnitData<'a> {
    pub unit: &'a Unit,
    pub items: Vec<&'a Item>,
    pub register: Vec<&'a RegisterEntry>,
    pub applications: Vec<&'a Application>,
    pub messages: Vec<&'a Message>,
    /// Publications of each register entry, by entry id.
    pub publications: FxHashMap<&'a str, Vec<&'a Item>>,
    /// Items and register entries by catalogue code, items by column, each in file order:
    /// a check reads the few it covers instead of scanning the unit's every record.
    items_by_code: FxHashMap<&'a str, Vec<&'a Item>>,
    items_by_column: FxHashMap<&'a str, Vec<&'a Item>>,
    register_by_code: FxHashMap<&'a str, Vec<&'a RegisterEntry>>,
}

/// What every check may read.
pub(crate) struct Ctx<'a> {
    pub catalogue: &'a Catalogue,
    /// Inspectors' verdicts on the spot-check sample (items and unit sheet), when they
    /// have come back.
    pub inspections: Option<&'a Inspections>,
    pub calendar: &'a Calendar,
    pub period: Period,
    pub rows: HashMap<&'a str, (&'a Standard, &'a CatalogueItem)>,
}

impl Ctx<'_> {
    pub(crate) fn row(&self, code: &str) -> Option<&CatalogueItem> {
        self.rows.get(code).map(|(_, item)| *item)
    }

    /// Where an instance resolved (or fell due) on `day` belongs relative to the period.
    /// Whether an instance resolved late in this period was already counted, still open,
    /// in the earlier period its deadline passed in (as unanswered or unpublished): each
    /// instance counts in exactly one period, decided from the dates alone.
    pub(crate) fn counted_when_open(&self, deadline: NaiveDate) -> bool {
        deadline < self.period.start()
    }

    pub(crate) fn placement(&self, day: NaiveDate) -> Placement {
        if day < self.period.start() {
            Placement::Before
        } else if day > self.period.end() {
            Placement::After
        } else {
            Placement::Within
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    Before,
    Within,
    After,
}

/// Everything the checks found, unit by unit in the order of units.yaml.
pub(crate) struct AuditRun {
    pub units: Vec<Vec<RuleResult>>,
    pub waivers: Vec<WaiverUse>,
}

/// How a waiver was used.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WaiverUse {
    pub waiver: Waiver,
    /// Instances it waived.
    pub waived: usize,
    /// Expired before the period began: it waived nothing.
    pub expired: bool,
    /// The day it lapsed, when that falls inside the period: instances after it count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapsed_on: Option<NaiveDate>,
}

/// Runs every requirement of the catalogue for every unit of the dataset, in parallel;
/// `on_unit` is called as each unit is done (for a progress bar).
pub(crate) fn run(
    catalogue: &Catalogue,
    data: &Dataset,
    inspections: Option<&Inspections>,
    on_unit: &(dyn Fn() + Sync),
) -> AuditRun {
    let ctx = Ctx {
        catalogue,
        inspections,
        calendar: &catalogue.calendar,
        period: data.config.period,
        rows: catalogue.items(),
    };
    let grouped = group_by_unit(data);
    let mut units: Vec<Vec<RuleResult>> = grouped
        .into_par_iter()
        .map(|mut unit| {
            unit.index();
            let results = check_unit(&ctx, &unit);
            on_unit();
            results
        })
        .collect();
    let waivers = apply_waivers(&data.waivers, &data.units, &mut units, &ctx.period);
    AuditRun { units, waivers }
}

fn group_by_unit(data: &Dataset) -> Vec<UnitData<'_>> {
    let mut units: Vec<UnitData<'_>> = data.units.iter().map(UnitData::new).collect();
    for item in &data.items {
        units[item.unit as usize].items.push(item);
    }
    for entry in &data.register {
        units[entry.unit as usize].register.push(entry);
    }
    for application in &data.applications {
        units[application.unit as usize]
            .applications
            .push(application);
    }
    for message in &data.messages {
        units[message.unit as usize].messages.push(message);
    }
    units
}

impl<'a> UnitData<'a> {
    /// No records yet.
    pub(crate) fn new(unit: &'a Unit) -> UnitData<'a> {
        UnitData {
            unit,
            items: Vec::new(),
            register: Vec::new(),
            applications: Vec::new(),
            messages: Vec::new(),
            publications: FxHashMap::default(),
            items_by_code: FxHashMap::default(),
            items_by_column: FxHashMap::default(),
            register_by_code: FxHashMap::default(),
        }
    }

    /// Files the records by entry, code and column, once they are all in.
    pub(crate) fn index(&mut self) {
        for &item in &self.items {
            if let Some(entry) = item.register_ref() {
                self.publications.entry(entry).or_default().push(item);
            }
            self.items_by_code
                .entry(&item.item_code)
                .or_default()
                .push(item);
            self.items_by_column
                .entry(item.column())
                .or_default()
                .push(item);
        }
        for &entry in &self.register {
            self.register_by_code
                .entry(&entry.item_code)
                .or_default()
                .push(entry);
        }
    }

    /// The unit's items with one of `codes`, in file order.
    pub(crate) fn items_coded(&self, codes: &[String]) -> Vec<&'a Item> {
        gather(&self.items_by_code, codes, |item| item.line)
    }

    /// The unit's items in one of `columns`, in file order.
    pub(crate) fn items_in_columns(&self, columns: &[impl AsRef<str>]) -> Vec<&'a Item> {
        gather(&self.items_by_column, columns, |item| item.line)
    }

    /// The unit's register entries with one of `codes`, in file order.
    pub(crate) fn register_coded(&self, codes: &[String]) -> Vec<&'a RegisterEntry> {
        gather(&self.register_by_code, codes, |entry| entry.line)
    }
}

/// The records filed under any of `keys`, in file order (by `line`, unique in a file).
fn gather<'a, T>(
    index: &FxHashMap<&str, Vec<&'a T>>,
    keys: &[impl AsRef<str>],
    line: impl Fn(&T) -> u32,
) -> Vec<&'a T> {
    let mut found: Vec<&'a T> = keys
        .iter()
        .filter_map(|key| index.get(key.as_ref()))
        .flatten()
        .copied()
        .collect();
    if keys.len() > 1 {
        found.sort_unstable_by_key(|record| line(record));
        found.dedup_by_key(|record| line(record));
    }
    found
}

/// Every requirement for one unit, in catalogue order.
pub(crate) fn check_unit(ctx: &Ctx<'_>, unit: &UnitData<'_>) -> Vec<RuleResult> {
    let mut results = Vec::new();
    for standard in &ctx.catalogue.standards {
        for requirement in &standard.requirements {
            let applicable = applies(requirement, unit.unit);
            let rule_id = format!("{}/{}", standard.id, requirement.id);
            let verdicts = ctx
                .inspections
                .filter(|i| i.plan.rule == rule_id)
                .and_then(|i| i.for_unit(&unit.unit.id));
            let unit_verdict = ctx
                .inspections
                .filter(|_| matches!(requirement.spec, CheckSpec::Manual(_)))
                .and_then(|i| i.unit_verdict(&unit.unit.id, &rule_id));
            let mut instances = match (applicable, verdicts, unit_verdict) {
                (false, _, _) => Vec::new(),
                (true, Some(verdicts), _) => manual::from_verdicts(verdicts, unit),
                (true, None, Some(verdict)) => manual::from_unit_verdict(ctx, requirement, verdict),
                (true, None, None) => check(ctx, requirement, unit),
            };
            // Held until the results are built, for every unit at once: no spare capacity.
            instances.shrink_to_fit();
            let warning = warn::warning(ctx, requirement, unit, &instances);
            results.push(RuleResult {
                standard: standard.id.clone(),
                requirement: requirement.id.clone(),
                applicable,
                instances,
                warning,
            });
        }
    }
    results
}

/// The one place check kinds are matched to their functions; each gets its own parameters.
fn check(ctx: &Ctx<'_>, rule: &Requirement, unit: &UnitData<'_>) -> Vec<Instance> {
    match &rule.spec {
        CheckSpec::Timeliness(spec) => timeliness::check(ctx, rule, spec, unit),
        CheckSpec::Coverage(spec) => coverage::check(ctx, rule, spec, unit),
        CheckSpec::Freshness(spec) => freshness::check(ctx, rule, spec, unit),
        CheckSpec::EmptyColumns(spec) => empty_columns::check(ctx, rule, spec, unit),
        CheckSpec::Response(spec) => response::check(ctx, rule, spec, unit),
        CheckSpec::Interpretation(spec) => interpretation::check(ctx, rule, spec, unit),
        CheckSpec::Elements(spec) => elements::check(ctx, rule, spec, unit),
        CheckSpec::Channels(spec) => channels::check(ctx, rule, spec, unit),
        CheckSpec::Display(spec) => display::check(ctx, rule, spec, unit),
        CheckSpec::Review(spec) => review::check(ctx, rule, spec, unit),
        CheckSpec::Manual(_) => manual::check(ctx, rule, unit),
    }
}

/// `applies_to`: the unit's kind is listed (or none are) and it has one of the areas (or
/// none are listed).
pub(crate) fn applies(rule: &Requirement, unit: &Unit) -> bool {
    let Some(scope) = &rule.applies_to else {
        return true;
    };
    let kind_ok = scope.kinds.is_empty() || scope.kinds.contains(&unit.kind);
    let area_ok = scope.areas.is_empty() || scope.areas.iter().any(|a| unit.areas.contains(a));
    kind_ok && area_ok
}

/// Items of the unit with one of the codes, in force on their publication date.
pub(crate) fn items_with_codes<'a>(
    rule: &'a Requirement,
    codes: &[String],
    unit: &UnitData<'a>,
) -> impl Iterator<Item = &'a Item> + 'a {
    unit.items_coded(codes)
        .into_iter()
        .filter(move |item| rule.in_force_on(item.published_on))
}

/// Marks instances covered by a waiver (same unit and rule, event on or before expiry).
fn apply_waivers(
    waivers: &[Waiver],
    units: &[Unit],
    results: &mut [Vec<RuleResult>],
    period: &Period,
) -> Vec<WaiverUse> {
    waivers
        .iter()
        .map(|waiver| {
            let expired = waiver.expires < period.start();
            let mut waived = 0;
            if !expired {
                if let Some(ix) = units.iter().position(|u| u.id == waiver.unit) {
                    for rule in results[ix]
                        .iter_mut()
                        .filter(|r| r.rule_id() == waiver.rule)
                    {
                        // Waived to the period's end, the rule cannot veto this period.
                        if waiver.expires >= period.end() {
                            rule.warning = None;
                        }
                        for instance in rule
                            .instances
                            .iter_mut()
                            .filter(|i| i.event <= waiver.expires)
                        {
                            instance.outcome = Outcome::Waived;
                            instance.credit = 0.0;
                            instance.finding = None;
                            waived += 1;
                        }
                    }
                }
            }
            let lapsed_on = (!expired && waiver.expires < period.end()).then_some(waiver.expires);
            WaiverUse {
                waiver: waiver.clone(),
                waived,
                expired,
                lapsed_on,
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod testing;
