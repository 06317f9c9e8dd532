//! A year's records, gathered from the quarter folders: each application and case once
//! (a quarter's file carries the ones still open from earlier quarters; the latest quarter
//! that holds one knows most about it), the items published, and the yearly inputs.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::audit::AuditOptions;
use crate::data::{
    load_applications, load_documents, load_statistics, present, CaseKind, CaseResult, Document,
    OutcomeCode, Period, StatisticsFile, Unit, AUDIT_FILE, LEGACY_OUTCOMES,
};
use crate::error::{Error, Result};
use crate::problem::{Problem, Problems};

/// Where a year's records are and what to read besides the quarter folders.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sources {
    /// The folder holding `YEAR-Q1` … `YEAR-Q4` (and the yearly inputs).
    pub audits: PathBuf,
    pub year: i32,
    /// Standards folder for every quarter (default: each audit.yaml's).
    pub standards: Option<PathBuf>,
    /// Applications open on 1 January (default: `AUDITS/YEAR-open-cases.csv` when there).
    pub open_cases: Option<PathBuf>,
    /// Default: `AUDITS/documents.csv` or `.xlsx` when there.
    pub documents: Option<PathBuf>,
    /// Default: `AUDITS/YEAR-statistics.yaml` when there.
    pub statistics: Option<PathBuf>,
}

/// One disclosure application, as the latest source holding it knows it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub id: Box<str>,
    pub unit: String,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub outcome: Option<OutcomeCode>,
    pub applicant_type: Option<u8>,
    /// `2018-Q4/applications.csv:12`.
    pub source: String,
}

/// One review or lawsuit, as the latest quarter holding it knows it.
#[derive(Debug, Clone)]
pub(crate) struct Dispute {
    pub unit: String,
    /// The application the case is about, when known.
    pub application: Option<Box<str>>,
    pub kind: CaseKind,
    pub filed_on: NaiveDate,
    pub result: Option<CaseResult>,
    pub concluded_on: Option<NaiveDate>,
}

/// What a unit published over the year.
#[derive(Debug, Clone, Default)]
pub(crate) struct Published {
    pub by_channel: BTreeMap<String, i64>,
    /// Items of catalogue rows of a 试点领域, by area.
    pub by_area: BTreeMap<String, i64>,
    /// Items that interpret a policy document (政策解读).
    pub interpretations: i64,
}

/// Everything the year's reports are computed from.
#[derive(Debug, Clone)]
pub(crate) struct YearInputs {
    pub year: i32,
    pub jurisdiction: String,
    pub units: Vec<Unit>,
    pub requests: Vec<Request>,
    pub disputes: Vec<Dispute>,
    /// By unit id.
    pub published: HashMap<String, Published>,
    pub documents: Option<Vec<Document>>,
    pub statistics: Option<StatisticsFile>,
    /// The quarters read, e.g. `2018-Q1`.
    pub quarters: Vec<String>,
    /// What a reader of the report should know about its sources.
    pub notes: Vec<String>,
}

/// Reads the year's quarter folders and yearly inputs.
pub(crate) fn gather(sources: &Sources) -> Result<YearInputs> {
    let year = sources.year;
    let options = AuditOptions {
        standards: sources.standards.clone(),
        ..AuditOptions::default()
    };
    let mut notes = Vec::new();
    let mut problems = Problems::default();
    let mut requests = Requests::default();
    let previous = quarter_folder(&sources.audits, year - 1, 4);
    if present(&previous.join(AUDIT_FILE)) {
        let loaded = crate::audit::load(&previous, &options)?;
        requests.add(&loaded.data, &label(year - 1, 4), &mut notes);
    }
    let mut quarters = Vec::new();
    let mut missing = Vec::new();
    let mut last = None;
    let mut disputes: BTreeMap<Box<str>, Dispute> = BTreeMap::new();
    let mut published: HashMap<String, Published> = HashMap::new();
    for quarter in 1..=4 {
        let folder = quarter_folder(&sources.audits, year, quarter);
        if !present(&folder.join(AUDIT_FILE)) {
            missing.push(label(year, quarter));
            continue;
        }
        let loaded = crate::audit::load(&folder, &options)?;
        let name = label(year, quarter);
        requests.add(&loaded.data, &name, &mut notes);
        let data = &loaded.data;
        let unit_id = |ix: u16| data.units[usize::from(ix)].id.clone();
        for case in &data.cases {
            disputes.insert(
                case.id.clone(),
                Dispute {
                    unit: unit_id(case.unit),
                    application: case.application.clone(),
                    kind: case.kind,
                    filed_on: case.filed_on,
                    result: case.result,
                    concluded_on: case.concluded_on,
                },
            );
        }
        let areas = loaded.catalogue.items();
        for item in &data.items {
            let counts = published.entry(unit_id(item.unit)).or_default();
            *counts
                .by_channel
                .entry(item.channel.to_string())
                .or_default() += 1;
            let area = areas
                .get(&*item.item_code)
                .and_then(|(_, row)| row.area.as_ref());
            if let Some(area) = area {
                *counts.by_area.entry(area.clone()).or_default() += 1;
            }
            counts.interpretations += i64::from(item.interprets().is_some());
        }
        quarters.push(name);
        last = Some(loaded);
    }
    let Some(last) = last else {
        return Err(Error::Invalid(format!(
            "{} 中没有{year}年的季度数据（{year}-Q1 … {year}-Q4，各含 audit.yaml）",
            sources.audits.display()
        )));
    };
    if !missing.is_empty() {
        notes.push(format!(
            "缺少{}的数据：本报告只统计{}",
            missing.join("、"),
            quarters.join("、")
        ));
    }
    let units = last.data.units.clone();
    let open_cases = sources.open_cases.clone().or_else(|| {
        Some(sources.audits.join(format!("{year}-open-cases.csv"))).filter(|p| present(p))
    });
    if let Some(path) = open_cases {
        let period = Period {
            year,
            quarter: None,
        };
        let rows = load_applications(&path, &units, &last.catalogue, &period)?;
        let first_day = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
        for row in rows.iter().filter(|r| r.received_on >= first_day) {
            problems.push(Problem {
                file: path.clone(),
                line: Some(row.line as usize),
                field: "received_on".into(),
                message: format!(
                    "{} 不早于{year}年1月1日：此表只列上年收到、年初尚未办结的申请",
                    row.received_on
                ),
            });
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        requests.add_rows(&rows, &units, &name, &mut notes);
        notes.push(format!("上年结转的申请含 {name} 所列{}件", rows.len()));
    }
    if requests.legacy {
        let mapping: Vec<String> = LEGACY_OUTCOMES
            .iter()
            .map(|(short, official)| format!("“{short}”即“{official}”"))
            .collect();
        notes.push(format!("旧简称与官方名称的对应：{}", mapping.join("；")));
    }
    problems.extend(requests.conflicts);
    let unknown = disputes
        .values()
        .filter_map(|d| d.application.as_deref())
        .filter(|id| !requests.by_id.contains_key(*id))
        .count();
    if unknown > 0 {
        notes.push(format!(
            "cases.csv 中有{unknown}起案件所涉申请不在本年及上年结转的申请中（可能是更早年份的申请）"
        ));
    }
    let documents = match yearly_file(
        &sources.documents,
        &sources.audits,
        &["documents.csv", "documents.xlsx"],
    ) {
        Some(path) => Some(load_documents(&path, &units)?),
        None => {
            notes.push(
                "未提供 documents.csv（规章、规范性文件登记）：第二部分第（一）项留空".into(),
            );
            None
        }
    };
    let statistics_name = format!("{year}-statistics.yaml");
    let statistics = match yearly_file(&sources.statistics, &sources.audits, &[&statistics_name]) {
        Some(path) => Some(load_statistics(&path, year, &units)?),
        None => {
            notes.push(format!(
                "未提供 {statistics_name}（各单位填报数据）：报告数据与文字部分留空"
            ));
            None
        }
    };
    problems.into_result()?;
    Ok(YearInputs {
        year,
        jurisdiction: last.data.config.jurisdiction.clone(),
        units,
        requests: requests.by_id.into_values().collect(),
        disputes: disputes.into_values().collect(),
        published,
        documents,
        statistics,
        quarters,
        notes,
    })
}

fn label(year: i32, quarter: u32) -> String {
    format!("{year}-Q{quarter}")
}

fn quarter_folder(audits: &Path, year: i32, quarter: u32) -> PathBuf {
    audits.join(label(year, quarter))
}

/// The file given, else the first of `names` present in `audits`.
fn yearly_file(given: &Option<PathBuf>, audits: &Path, names: &[&str]) -> Option<PathBuf> {
    given.clone().or_else(|| {
        names
            .iter()
            .map(|name| audits.join(name))
            .find(|path| present(path))
    })
}

/// The applications seen so far, by id; a later source replaces an earlier one.
#[derive(Default)]
struct Requests {
    by_id: BTreeMap<Box<str>, Request>,
    conflicts: Problems,
    /// Some source wrote an abbreviated outcome.
    legacy: bool,
}

impl Requests {
    fn add(&mut self, data: &crate::data::Dataset, quarter: &str, notes: &mut Vec<String>) {
        let file = data
            .inputs
            .iter()
            .find(|input| input.file.starts_with("applications."))
            .map_or("applications.csv".to_string(), |input| input.file.clone());
        let name = format!("{quarter}/{file}");
        self.add_rows(&data.applications, &data.units, &name, notes);
    }

    fn add_rows(
        &mut self,
        rows: &[crate::data::Application],
        units: &[Unit],
        file: &str,
        notes: &mut Vec<String>,
    ) {
        let legacy = rows.iter().filter(|a| a.legacy_outcome).count();
        if legacy > 0 {
            notes.push(format!(
                "{file}：{legacy}行办理结果用的是旧简称，已按官方名称统计"
            ));
            self.legacy = true;
        }
        for row in rows {
            let request = Request {
                id: row.id.clone(),
                unit: units[usize::from(row.unit)].id.clone(),
                received_on: row.received_on,
                replied_on: row.replied_on,
                outcome: row.outcome,
                applicant_type: row.applicant_type,
                source: format!("{file}:{}", row.line),
            };
            if let Some(earlier) = self.by_id.get(&row.id) {
                if (&earlier.unit, earlier.received_on) != (&request.unit, request.received_on) {
                    self.conflicts.push(Problem {
                        file: PathBuf::from(file),
                        line: Some(row.line as usize),
                        field: "id".into(),
                        message: format!(
                            "申请 {} 在 {} 中是 {} 于 {} 收到，此处是 {} 于 {} 收到：同一申请的单位和收到日期应前后一致",
                            row.id, earlier.source, earlier.unit, earlier.received_on, request.unit, request.received_on
                        ),
                    });
                    continue;
                }
            }
            self.by_id.insert(row.id.clone(), request);
        }
    }
}
