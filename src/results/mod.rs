//! The audit's results model: one serialisable value behind results.json (and every
//! rendered format). Versioned by `schema`; written atomically.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::error::{Error, Result};
use chrono::NaiveDate;
use indexmap::IndexMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::catalogue::{AnnualRules, Catalogue, UnitKind};
use crate::check::{AuditRun, Finding, Outcome, RuleResult, WaiverUse};
use crate::data::{AuditConfig, Dataset, InputFile, Period, ScoringModel, Unit};
use crate::score::{formula, round2, score_unit, PartScore, RequirementTrace, Veto, VetoWarning};

mod spot_check;

pub(crate) use spot_check::{spot_check, unit_unjudged, unjudged, SpotCheck};

pub(crate) const SCHEMA: &str = "zwgk-results/1";
/// The circular goes out this many working days after the period ends, unless audit.yaml
/// sets its date.
const DEFAULT_CIRCULAR_WORKING_DAYS: u32 = 10;
const DEFAULT_RECTIFICATION_WORKING_DAYS: u32 = 10;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AuditResults {
    pub schema: String,
    pub tool: String,
    pub jurisdiction: String,
    pub period: Period,
    pub period_label: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Date of the circular, and the rectification deadline it sets (N working days on).
    pub circular_date: NaiveDate,
    /// 发文字号 of the circular, from audit.yaml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circular_number: Option<String>,
    pub rectification_working_days: u32,
    pub rectification_deadline: NaiveDate,
    pub catalogue: CatalogueInfo,
    pub scoring: ScoringInfo,
    pub inputs: Vec<InputFile>,
    /// Rows skipped with --keep-going, as `file:line: field: message`.
    pub skipped_rows: Vec<String>,
    pub previous: Option<PreviousInfo>,
    pub summary: Summary,
    /// Ranked: units without a veto by score, then vetoed units by score.
    pub units: Vec<UnitResult>,
    pub waivers: Vec<WaiverUse>,
    /// The spot check, when inspectors' verdicts came back.
    #[serde(default)]
    pub spot_check: Option<SpotCheck>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CatalogueInfo {
    pub name: String,
    pub version: String,
    pub issuer: String,
    pub sha256: String,
    pub calendar_years: (i32, i32),
    /// The standards the circulars cite as their basis: 《title》（number）.
    #[serde(default)]
    pub basis: Vec<String>,
    /// Each standard's number and title by id, for the circulars to cite findings by;
    /// results written before it have none (they cite the id).
    #[serde(default)]
    pub standards: BTreeMap<String, StandardName>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StandardName {
    pub number: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ScoringInfo {
    pub model: ScoringModel,
    pub formula: String,
    /// In catalogue order.
    pub subsystem_weights: IndexMap<String, f64>,
    pub grades: Vec<(String, f64)>,
    /// The annual evaluation's composition and grade caps (from the catalogue).
    #[serde(default)]
    pub annual: AnnualRules,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PreviousInfo {
    pub period: Period,
    pub file: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Summary {
    pub units: usize,
    pub departments: usize,
    pub towns: usize,
    pub items: usize,
    pub register_entries: usize,
    pub applications: usize,
    pub messages: usize,
    /// Instances by result, over all units and requirements.
    pub instances: BTreeMap<Outcome, usize>,
    pub findings: usize,
    pub findings_by_code: BTreeMap<String, usize>,
    pub average: Option<f64>,
    pub median: Option<f64>,
    /// Units per grade, best grade first.
    pub grades: Vec<(String, usize)>,
    pub vetoed: usize,
    /// Average of the previous period's scores, for the trend.
    pub previous_average: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UnitResult {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    pub areas: Vec<String>,
    pub rank: usize,
    /// Rank among units of the same kind.
    pub rank_in_kind: usize,
    pub score: Option<f64>,
    pub grade: String,
    pub vetoes: Vec<Veto>,
    /// Veto rules the unit is close to (单项否决预警); older results have none.
    #[serde(default)]
    pub veto_warnings: Vec<VetoWarning>,
    pub previous_score: Option<f64>,
    pub previous_rank_in_kind: Option<usize>,
    pub subsystems: Vec<PartScore>,
    pub standards: Vec<PartScore>,
    pub trace: Vec<RequirementTrace>,
    pub findings: Vec<UnitFinding>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UnitFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// Also found, under the same id, in the previous period.
    pub repeat: bool,
}

impl AuditResults {
    pub(crate) fn read(path: &Path) -> Result<AuditResults> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("读取", path, e))?;
        let results: AuditResults = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Invalid(format!(
                "{} 不是 zwgk 的考核结果文件：{}",
                path.display(),
                crate::locate::serde_message_zh(&e.to_string())
            ))
        })?;
        if results.schema != SCHEMA {
            crate::error::bail_invalid!(
                "{}：结果文件格式版本 {} 不是本版本的 {SCHEMA}",
                path.display(),
                results.schema
            );
        }
        Ok(results)
    }

    pub(crate) fn to_json(&self) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Builds the results from an audit run.
pub(crate) fn build(
    catalogue: &Catalogue,
    data: &Dataset,
    run: AuditRun,
    previous: Option<(&Path, &AuditResults)>,
    spot_check: Option<SpotCheck>,
) -> crate::error::Result<AuditResults> {
    let previous_results = previous.map(|(_, p)| p);
    let units = unit_results(catalogue, data, &run, previous_results);
    let summary = summarize(catalogue, data, &units, previous_results);
    let period = data.config.period;
    let dates = CircularDates::of(&catalogue.calendar, &data.config)?;
    Ok(AuditResults {
        schema: SCHEMA.into(),
        tool: format!("zwgk {}", env!("CARGO_PKG_VERSION")),
        jurisdiction: data.config.jurisdiction.clone(),
        period,
        period_label: period.label_zh(),
        period_start: period.start(),
        period_end: period.end(),
        circular_date: dates.circular,
        circular_number: data.config.circular.number.clone(),
        rectification_working_days: dates.rectification_working_days,
        rectification_deadline: dates.rectification_deadline,
        catalogue: catalogue_info(catalogue),
        scoring: scoring_info(catalogue, data.config.scoring.model),
        inputs: data.inputs.clone(),
        skipped_rows: data.skipped.iter().map(|p| p.to_string()).collect(),
        previous: previous.map(|(path, p)| PreviousInfo {
            period: p.period,
            file: path.display().to_string(),
        }),
        summary,
        units,
        waivers: run.waivers,
        spot_check,
    })
}

/// Every unit's result, ranked, with trends and repeats against the previous period.
fn unit_results(
    catalogue: &Catalogue,
    data: &Dataset,
    run: &AuditRun,
    previous: Option<&AuditResults>,
) -> Vec<UnitResult> {
    let clauses: HashMap<String, (String, Option<String>)> = catalogue
        .standards
        .iter()
        .flat_map(|s| {
            s.requirements.iter().map(move |r| {
                let rule = format!("{}/{}", s.id, r.id);
                (rule, (r.clause.clone(), r.edition.clone()))
            })
        })
        .collect();
    let previous_units: HashMap<&str, &UnitResult> = previous
        .map(|p| p.units.iter().map(|u| (u.id.as_str(), u)).collect())
        .unwrap_or_default();
    let previous_findings: HashSet<&str> = previous_units
        .values()
        .flat_map(|u| u.findings.iter().map(|f| f.finding.id.as_str()))
        .collect();
    let model = data.config.scoring.model;
    // Scoring is per unit, like the checks: the same parallel layer.
    let mut units: Vec<UnitResult> = data
        .units
        .par_iter()
        .zip(&run.units)
        .map(|(unit, results)| {
            let previous = previous_units.get(unit.id.as_str()).copied();
            unit_result(
                catalogue,
                model,
                unit,
                results,
                &clauses,
                previous,
                &previous_findings,
            )
        })
        .collect();
    rank(&mut units);
    units
}

/// The whole audit in figures.
fn summarize(
    catalogue: &Catalogue,
    data: &Dataset,
    units: &[UnitResult],
    previous: Option<&AuditResults>,
) -> Summary {
    let mut summary = Summary::default();
    for line in units.iter().flat_map(|u| &u.trace) {
        for (outcome, n) in &line.outcomes {
            *summary.instances.entry(*outcome).or_insert(0) += n;
        }
    }
    let scores: Vec<f64> = units.iter().filter_map(|u| u.score).collect();
    summary.units = units.len();
    summary.departments = units
        .iter()
        .filter(|u| u.kind == UnitKind::Department)
        .count();
    summary.towns = units.len() - summary.departments;
    summary.items = data.items.len();
    summary.register_entries = data.register.len();
    summary.applications = data.applications.len();
    summary.messages = data.messages.len();
    summary.findings = units.iter().map(|u| u.findings.len()).sum();
    for finding in units.iter().flat_map(|u| &u.findings) {
        *summary
            .findings_by_code
            .entry(finding.finding.code.code().to_string())
            .or_insert(0) += 1;
    }
    summary.average = mean(&scores);
    summary.median = median(&scores);
    for band in &catalogue.meta.grades {
        summary.grades.push((
            band.name.clone(),
            units.iter().filter(|u| u.grade == band.name).count(),
        ));
    }
    summary.vetoed = units.iter().filter(|u| !u.vetoes.is_empty()).count();
    summary.previous_average = previous.and_then(|p| p.summary.average);
    summary
}

/// The circular's date and the rectification deadline it sets.
struct CircularDates {
    circular: NaiveDate,
    rectification_working_days: u32,
    rectification_deadline: NaiveDate,
}

impl CircularDates {
    /// The dates from audit.yaml's `circular`, else counted on the calendar; a year the
    /// calendar lacks is an error that says which setting avoids it.
    fn of(calendar: &Calendar, config: &AuditConfig) -> crate::error::Result<CircularDates> {
        let circular = match config.circular.date {
            Some(day) => day,
            None => calendar
                .add_working_days(config.period.end(), DEFAULT_CIRCULAR_WORKING_DAYS)
                .map_err(|missing| {
                    crate::error::Error::Invalid(format!(
                        "通报日期默认为考核期结束后第{DEFAULT_CIRCULAR_WORKING_DAYS}个工作日，但工作日历没有{}年（现有{}—{}年）：请在 audit.yaml 中写明 circular: {{date: YYYY-MM-DD}}，或在 calendar.yaml 中补上{}年",
                        missing.year, missing.first, missing.last, missing.year
                    ))
                })?,
        };
        let rectification_working_days = config
            .circular
            .rectification_working_days
            .unwrap_or(DEFAULT_RECTIFICATION_WORKING_DAYS);
        let rectification_deadline = calendar
            .add_working_days(circular, rectification_working_days)
            .map_err(|missing| {
                crate::error::Error::Invalid(format!(
                    "整改期限（通报日期{circular}后{rectification_working_days}个工作日）落在工作日历没有的{}年：请在 calendar.yaml 中补上{}年，或调整 audit.yaml 的 circular",
                    missing.year, missing.year
                ))
            })?;
        Ok(CircularDates {
            circular,
            rectification_working_days,
            rectification_deadline,
        })
    }
}

fn catalogue_info(catalogue: &Catalogue) -> CatalogueInfo {
    CatalogueInfo {
        name: catalogue.meta.name.clone(),
        version: catalogue.meta.version.clone(),
        issuer: catalogue.meta.issuer.clone(),
        sha256: catalogue.sha256.clone(),
        calendar_years: catalogue.calendar.years(),
        basis: catalogue
            .meta
            .circular_basis
            .iter()
            .filter_map(|id| catalogue.standard(id))
            .map(|s| format!("《{}》（{}）", s.title, s.number))
            .collect(),
        standards: catalogue
            .standards
            .iter()
            .map(|s| {
                let name = StandardName {
                    number: s.number.clone(),
                    title: s.title.clone(),
                };
                (s.id.clone(), name)
            })
            .collect(),
    }
}

fn scoring_info(catalogue: &Catalogue, model: ScoringModel) -> ScoringInfo {
    ScoringInfo {
        model,
        formula: formula(model).into(),
        subsystem_weights: catalogue
            .meta
            .subsystems
            .iter()
            .map(|s| (s.name.clone(), s.weight))
            .collect(),
        grades: catalogue
            .meta
            .grades
            .iter()
            .map(|g| (g.name.clone(), g.min))
            .collect(),
        annual: catalogue.meta.annual.clone(),
    }
}

/// One unit's score, grade and findings.
fn unit_result(
    catalogue: &Catalogue,
    model: ScoringModel,
    unit: &Unit,
    results: &[RuleResult],
    clauses: &HashMap<String, (String, Option<String>)>,
    previous: Option<&UnitResult>,
    previous_findings: &HashSet<&str>,
) -> UnitResult {
    let score = score_unit(catalogue, model, results);
    let mut findings = Vec::new();
    for result in results {
        let rule = result.rule_id();
        for instance in &result.instances {
            let Some(finding) = &instance.finding else {
                continue;
            };
            let (code, message, evidence) = &**finding;
            let id = format!("{}/{}/{}", unit.id, rule, instance.key);
            let (clause, edition) = clauses.get(&rule).cloned().unwrap_or_default();
            findings.push(UnitFinding {
                repeat: previous_findings.contains(id.as_str()),
                finding: Finding {
                    id,
                    unit: unit.id.clone(),
                    clause,
                    edition,
                    rule: rule.clone(),
                    code: *code,
                    result: instance.outcome,
                    credit: round2(instance.credit),
                    message: message.clone(),
                    evidence: evidence.clone(),
                },
            });
        }
    }
    UnitResult {
        id: unit.id.clone(),
        name: unit.name.clone(),
        kind: unit.kind,
        areas: unit.areas.clone(),
        rank: 0,
        rank_in_kind: 0,
        score: score.score,
        grade: score.grade,
        vetoes: score.vetoes,
        veto_warnings: score.warnings,
        previous_score: previous.and_then(|u| u.score),
        previous_rank_in_kind: previous.map(|u| u.rank_in_kind),
        subsystems: score.subsystems,
        standards: score.standards,
        trace: score.trace,
        findings,
    }
}

/// Units without a veto first, by score; then vetoed units by score; ties by id.
fn rank(units: &mut [UnitResult]) {
    units.sort_by(|a, b| {
        a.vetoes
            .is_empty()
            .cmp(&b.vetoes.is_empty())
            .reverse()
            .then(b.score.unwrap_or(-1.0).total_cmp(&a.score.unwrap_or(-1.0)))
            .then(a.id.cmp(&b.id))
    });
    let mut per_kind: HashMap<UnitKind, usize> = HashMap::new();
    for (i, unit) in units.iter_mut().enumerate() {
        unit.rank = i + 1;
        let n = per_kind.entry(unit.kind).or_insert(0);
        *n += 1;
        unit.rank_in_kind = *n;
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| round2(values.iter().sum::<f64>() / values.len() as f64))
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let m = if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    };
    Some(round2(m))
}
