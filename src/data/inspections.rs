//! Inspectors' verdicts back into the audit: the sample drawn (sample.json) and the filled
//! worksheet (worksheet.xlsx, or the CSV as inspections.csv) read and checked against it.
//! `zwgk sample` writes both files; an audit reads them as input data.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::table::{read_table, Layout, Record, Source};
use super::xlsx_file::SheetReader;
use super::{present, Period};
use crate::catalogue::UnitKind;
use crate::output::csv_cell_read;
use crate::problem::{quote, Problem, Problems};

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

/// Where a filled worksheet may come back: beside audit.yaml or where `zwgk sample` wrote
/// it (the CSV under either name).
fn worksheet_places(dir: &Path) -> [PathBuf; 5] {
    [
        dir.join("inspections.csv"),
        dir.join("worksheet.xlsx"),
        dir.join("sample/inspections.csv"),
        dir.join("sample/worksheet.xlsx"),
        dir.join("sample/worksheet.csv"),
    ]
}

/// The sample of `dir` and its filled worksheet: `chosen`, or the one worksheet among
/// the places it may come back to that holds verdicts (the blank ones `zwgk sample`
/// wrote do not count). Two filled worksheets are an error: one would silently win.
pub(crate) fn find(
    dir: &Path,
    chosen: Option<&Path>,
) -> Result<Option<(PathBuf, PathBuf)>, Problems> {
    let plan = [dir.join("sample/sample.json"), dir.join("sample.json")]
        .into_iter()
        .find(|p| present(p));
    let Some(plan) = plan else {
        return match chosen {
            Some(chosen) => Err(Problems::one(Problem::file(
                chosen,
                "找不到抽样文件 sample.json：请先运行 zwgk sample",
            ))),
            None => Ok(None),
        };
    };
    if let Some(chosen) = chosen {
        return Ok(Some((plan, chosen.to_path_buf())));
    }
    let filled: Vec<PathBuf> = worksheet_places(dir)
        .into_iter()
        .filter(|p| present(p) && holds_verdicts(p))
        .collect();
    match filled.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((plan, one.clone()))),
        [first, second, ..] => Err(Problems::one(Problem::file(
            first,
            format!(
                "{} 与 {} 都填有核查结论，不知该以哪一个为准：请只保留一个，或用 --inspections 指定",
                first.display(),
                second.display()
            ),
        ))),
    }
}

/// Whether the worksheet at `path` has any verdict filled in. One that cannot be read or
/// has no rows left counts as filled, so that it is neither overwritten nor passed over
/// but reported.
pub(crate) fn holds_verdicts(path: &Path) -> bool {
    let Ok(source) = Source::open(path, Some(SHEET), false) else {
        return true;
    };
    let read = read_table(source, path, &HEADERS, |row| {
        row.text("核查结论").map(|_| Filled {
            line: row.line as u32,
            unit: String::new(),
            item: row.text("信息编号").unwrap_or_default().into(),
            verdict: None,
            note: String::new(),
            inspector: String::new(),
            date: String::new(),
        })
    });
    read.map_or(true, |read| {
        read.input.rows == 0 || !read.records.is_empty() || !read.row_problems.is_empty()
    })
}

/// One worksheet row as read.
struct Filled {
    line: u32,
    unit: String,
    item: String,
    /// `None`: not judged yet.
    verdict: Option<Verdict>,
    note: String,
    inspector: String,
    date: String,
}

impl Record for Filled {
    const ID_COLUMN: &'static str = "信息编号";
    fn id(&self) -> &str {
        &self.item
    }
    fn line(&self) -> u32 {
        self.line
    }
}

/// Reads the sample and the filled worksheet; every unknown row, edited id or bad verdict
/// is a problem. `Ok(None)` when the worksheet has no verdict filled in yet.
pub(crate) fn load(plan_path: &Path, filled: &Path) -> Result<Option<Inspections>, Problems> {
    let text = std::fs::read(plan_path)
        .map_err(|e| Problems::one(Problem::file(plan_path, format!("无法读取：{e}"))))?;
    let plan: SamplePlan = serde_json::from_slice(&text).map_err(|e| {
        Problems::one(Problem::file(
            plan_path,
            format!("不是 zwgk 抽样文件 sample.json：{e}"),
        ))
    })?;
    let rows = read_worksheet(filled, &plan)?;
    let mut verdicts: BTreeMap<String, BTreeMap<String, Inspection>> = BTreeMap::new();
    for row in rows {
        let Some(verdict) = row.verdict else {
            continue;
        };
        verdicts.entry(row.unit.clone()).or_default().insert(
            row.item.clone(),
            Inspection {
                unit: row.unit,
                item: row.item,
                verdict,
                note: row.note,
                inspector: row.inspector,
                date: row.date,
            },
        );
    }
    if verdicts.is_empty() {
        return Ok(None);
    }
    Ok(Some(Inspections {
        plan,
        verdicts,
        file: filled.to_path_buf(),
    }))
}

/// The worksheet's rows, each of the sample drawn, read by the table reader (so a CSV
/// may be UTF-8 or GB18030, and every row must have exactly the header's fields).
fn read_worksheet(path: &Path, plan: &SamplePlan) -> Result<Vec<Filled>, Problems> {
    let one = |problem| Problems::one(problem);
    let source = Source::open(path, Some(SHEET), true).map_err(one)?;
    if let Source::Sheet(sheet) = &source {
        formula_verdicts(path, sheet)?;
    }
    let sampled: HashSet<(&str, &str)> = plan
        .units
        .iter()
        .flat_map(|u| u.items.iter().map(move |i| (u.id.as_str(), i.as_str())))
        .collect();
    let read = read_table(source, path, &HEADERS, |row| {
        // zwgk wrote the CSV with formula-like cells made text: read them as they were.
        let (unit, item) = (
            csv_cell_read(row.required("单位编号")),
            csv_cell_read(row.required("信息编号")),
        );
        if !sampled.contains(&(unit, item)) {
            let message = format!(
                "{unit} {item} 不在以种子 {} 抽取的样本中（这一行或其编号被改过？）",
                plan.seed
            );
            row.problem("信息编号", message);
            return None;
        }
        let verdict = match row.text("核查结论").map(csv_cell_read) {
            None => None,
            Some(label) => match Verdict::from_label(label) {
                Some(verdict) => Some(verdict),
                None => {
                    let message = format!("{}不是 合格、不合格、不适用 之一", quote(label));
                    row.problem("核查结论", message);
                    return None;
                }
            },
        };
        let line = row.line as u32;
        let mut text = |column| csv_cell_read(row.text(column).unwrap_or_default()).to_string();
        Some(Filled {
            line,
            unit: unit.into(),
            item: item.into(),
            verdict,
            note: text("说明"),
            inspector: text("核查人"),
            date: text("核查日期"),
        })
    })
    .map_err(one)?;
    let rows = read.into_records()?;
    if rows.is_empty() {
        return Err(one(Problem::file(
            path,
            "工作底稿只有表头，没有一行样本：文件是否被截断或清空？请用 zwgk sample 重新生成",
        )));
    }
    Ok(rows)
}

/// A verdict cell must hold the inspector's word: a formula's value is whatever it last
/// computed (or nothing, when no spreadsheet computed it).
fn formula_verdicts(path: &Path, sheet: &SheetReader) -> Result<(), Problems> {
    let Some(column) = sheet.header.iter().position(|h| h == "核查结论") else {
        return Ok(());
    };
    let mut problems = Problems::default();
    for &(row, _) in sheet
        .formulas
        .iter()
        .filter(|(row, c)| *row > 0 && *c as usize == column)
    {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: Some(row as usize + 1),
            field: Layout::Sheet(sheet.sheet.clone()).field("核查结论", column, row as usize + 1),
            message: "单元格是公式，不是核查结论：请直接填写 合格、不合格 或 不适用".into(),
        });
    }
    problems.into_result()
}
