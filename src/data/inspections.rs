//! Inspectors' verdicts back into the audit: the sample drawn (sample.json) and the filled
//! worksheet (worksheet.xlsx, or the CSV as inspections.csv) read and checked against it.
//! `zwgk sample` writes both files; an audit reads them as input data.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde::{Deserialize, Serialize};

use super::Period;
use crate::catalogue::UnitKind;
use crate::problem::{Problem, Problems};

pub(crate) const SAMPLE_SCHEMA: &str = "zwgk-sample/1";

/// What was drawn and how; written as sample.json.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SamplePlan {
    pub schema: String,
    pub jurisdiction: String,
    pub period: Period,
    pub seed: u64,
    pub level: Level,
    pub confidence: f64,
    pub tolerable_rate: f64,
    pub focus: Vec<String>,
    pub rule: String,
    pub algorithm: String,
    pub population: Population,
    pub strata: Vec<Stratum>,
    pub units: Vec<SampledUnit>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Population {
    pub units: usize,
    pub items: usize,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Stratum {
    pub kind: UnitKind,
    pub units: usize,
    pub sampled: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SampledUnit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    /// Items of the unit in the population.
    pub population: usize,
    /// Item ids drawn, in the order drawn.
    pub items: Vec<String>,
}

/// Inspection levels of ISO 2859-1: special S-1 … S-4, general I, II, III.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
// The names are ISO 2859-1's own (S-1 … III).
#[allow(clippy::upper_case_acronyms)]
pub enum Level {
    #[serde(rename = "S-1")]
    #[value(name = "S-1")]
    S1,
    #[serde(rename = "S-2")]
    #[value(name = "S-2")]
    S2,
    #[serde(rename = "S-3")]
    #[value(name = "S-3")]
    S3,
    #[serde(rename = "S-4")]
    #[value(name = "S-4")]
    S4,
    #[value(name = "I")]
    I,
    #[value(name = "II")]
    II,
    #[value(name = "III")]
    III,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        <Level as clap::ValueEnum>::from_str(text, true).ok()
    }
}

/// The worksheet's sheet name.
pub(crate) const SHEET: &str = "抽查工作底稿";
/// Column headers; the first four identify the row and must not be edited.
pub(crate) const HEADERS: [&str; 14] = [
    "序号",
    "单位编号",
    "单位",
    "信息编号",
    "标题",
    "链接",
    "发布日期",
    "公开事项",
    "依据",
    "核查要点",
    "核查结论",
    "说明",
    "核查人",
    "核查日期",
];

/// An inspector's conclusion on one item (核查结论).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Verdict {
    #[serde(rename = "合格")]
    Pass,
    #[serde(rename = "不合格")]
    Fail,
    #[serde(rename = "不适用")]
    NotApplicable,
}

impl Verdict {
    pub(crate) const ALL: [Verdict; 3] = [Verdict::Pass, Verdict::Fail, Verdict::NotApplicable];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "合格",
            Verdict::Fail => "不合格",
            Verdict::NotApplicable => "不适用",
        }
    }

    pub(crate) fn from_label(label: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.label() == label)
    }
}

/// One filled worksheet row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Inspection {
    pub unit: String,
    pub item: String,
    pub verdict: Verdict,
    pub note: String,
    pub inspector: String,
    pub date: String,
}

/// The sample and the verdicts returned for it.
#[derive(Debug, Clone)]
pub(crate) struct Inspections {
    pub plan: SamplePlan,
    /// By unit id, then item id.
    pub verdicts: BTreeMap<String, BTreeMap<String, Inspection>>,
    pub file: PathBuf,
}

impl Inspections {
    pub(crate) fn for_unit(&self, unit: &str) -> Option<&BTreeMap<String, Inspection>> {
        self.verdicts.get(unit).filter(|v| !v.is_empty())
    }
}

/// Where `zwgk sample` writes and where a filled worksheet may come back.
pub(crate) fn find(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let plan = [dir.join("sample/sample.json"), dir.join("sample.json")]
        .into_iter()
        .find(|p| p.exists())?;
    let filled = [
        dir.join("inspections.csv"),
        dir.join("worksheet.xlsx"),
        dir.join("sample/inspections.csv"),
        dir.join("sample/worksheet.xlsx"),
    ]
    .into_iter()
    .find(|p| p.exists())?;
    Some((plan, filled))
}

/// Reads the sample and the filled worksheet; every unknown row, edited id or bad verdict
/// is a problem. `Ok(None)` when the worksheet has no verdict filled in yet.
pub(crate) fn load(plan_path: &Path, filled: &Path) -> Result<Option<Inspections>, Problems> {
    let text = std::fs::read(plan_path)
        .map_err(|e| Problems::one(Problem::file(plan_path, format!("cannot read: {e}"))))?;
    let plan: SamplePlan = serde_json::from_slice(&text).map_err(|e| {
        Problems::one(Problem::file(
            plan_path,
            format!("not a zwgk sample.json: {e}"),
        ))
    })?;
    let rows = if filled.extension().is_some_and(|e| e == "xlsx") {
        read_xlsx(filled)?
    } else {
        read_csv(filled)?
    };
    let sampled: HashMap<(&str, &str), ()> = plan
        .units
        .iter()
        .flat_map(|u| {
            u.items
                .iter()
                .map(move |i| ((u.id.as_str(), i.as_str()), ()))
        })
        .collect();
    let mut problems = Problems::default();
    let mut verdicts: BTreeMap<String, BTreeMap<String, Inspection>> = BTreeMap::new();
    let mut filled_in = 0;
    for (line, row) in rows {
        let at = |field: &str, message: String| Problem {
            file: filled.to_path_buf(),
            line: Some(line),
            field: field.into(),
            message,
        };
        let (unit, item) = (row[1].trim(), row[3].trim());
        if !sampled.contains_key(&(unit, item)) {
            problems.push(at("信息编号", format!("{unit} {item} is not in the sample drawn with seed {} (was the row or its ids edited?)", plan.seed)));
            continue;
        }
        let verdict = row[10].trim();
        if verdict.is_empty() {
            continue;
        }
        let Some(verdict) = Verdict::from_label(verdict) else {
            problems.push(at(
                "核查结论",
                format!("{verdict:?} is not one of 合格、不合格、不适用"),
            ));
            continue;
        };
        filled_in += 1;
        let previous = verdicts.entry(unit.into()).or_default().insert(
            item.into(),
            Inspection {
                unit: unit.into(),
                item: item.into(),
                verdict,
                note: row[11].trim().into(),
                inspector: row[12].trim().into(),
                date: row[13].trim().into(),
            },
        );
        if previous.is_some() {
            problems.push(at("信息编号", format!("{item} appears twice")));
        }
    }
    problems.into_result()?;
    if filled_in == 0 {
        return Ok(None);
    }
    Ok(Some(Inspections {
        plan,
        verdicts,
        file: filled.to_path_buf(),
    }))
}

type Rows = Vec<(usize, Vec<String>)>;

fn header_problem(path: &Path, found: &[String]) -> Option<Problems> {
    let expected: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    (found != expected.as_slice()).then(|| {
        Problems::one(Problem {
            file: path.to_path_buf(),
            line: Some(1),
            field: "header".into(),
            message: format!(
                "the worksheet's columns were changed; expected: {}",
                HEADERS.join(", ")
            ),
        })
    })
}

fn read_csv(path: &Path) -> Result<Rows, Problems> {
    let bytes = std::fs::read(path)
        .map_err(|e| Problems::one(Problem::file(path, format!("cannot read: {e}"))))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record
            .map_err(|e| Problems::one(Problem::file(path, format!("unreadable row: {e}"))))?;
        let mut fields: Vec<String> = record.iter().map(str::to_string).collect();
        if i == 0 {
            if let Some(problem) = header_problem(path, &fields) {
                return Err(problem);
            }
            continue;
        }
        fields.resize(HEADERS.len(), String::new());
        rows.push((
            record.position().map_or(i + 1, |p| p.line() as usize),
            fields,
        ));
    }
    Ok(rows)
}

fn read_xlsx(path: &Path) -> Result<Rows, Problems> {
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e| {
        Problems::one(Problem::file(
            path,
            format!("cannot open the workbook: {e}"),
        ))
    })?;
    let range = book
        .worksheet_range(SHEET)
        .map_err(|e| Problems::one(Problem::file(path, format!("no sheet {SHEET}: {e}"))))?;
    let cell = |c: &Data| match c {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|d| d.date().to_string())
            .unwrap_or_default(),
        other => other.to_string(),
    };
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut fields: Vec<String> = row.iter().map(cell).collect();
        fields.resize(HEADERS.len(), String::new());
        if i == 0 {
            if let Some(problem) = header_problem(path, &fields) {
                return Err(problem);
            }
            continue;
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        rows.push((i + 1, fields));
    }
    Ok(rows)
}
