//! Inspectors' verdicts back into the audit: the sample drawn (sample.json), the filled
//! item worksheet (worksheet.xlsx, or the CSV as inspections.csv) and the filled unit
//! sheet (worksheet.xlsx's 单位核查, or the CSV as unit_inspections.csv; see
//! [`super::unit_inspections`]), read and checked against it. `zwgk sample` writes them
//! all; an audit reads them as input data.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::table::{read_table, Layout, Record, Row, Source, TableRead};
use super::unit_inspections::{
    holds_unit_verdicts, read_unit_sheet, unit_places, UnitInspection, UnitInspections,
};
use super::xlsx_file::SheetReader;
use super::{present, Period};
use crate::catalogue::{Catalogue, UnitKind};
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
    /// Unit-level requirements (`STANDARD/REQUIREMENT`) the unit is inspected on as a
    /// whole (单位核查), in catalogue order; none in samples drawn before the unit sheet.
    #[serde(default)]
    pub requirements: Vec<String>,
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
    /// Item verdicts by unit id, then item id; empty when only the unit sheet holds any.
    pub verdicts: BTreeMap<String, BTreeMap<String, Inspection>>,
    /// The item worksheet read, when it holds verdicts.
    pub file: Option<PathBuf>,
    /// The unit sheet's verdicts, when it came back with any.
    pub units: Option<UnitInspections>,
}

impl Inspections {
    pub(crate) fn for_unit(&self, unit: &str) -> Option<&BTreeMap<String, Inspection>> {
        self.verdicts.get(unit).filter(|v| !v.is_empty())
    }

    /// The unit sheet's verdict on `rule` (`STANDARD/REQUIREMENT`) for `unit`.
    pub(crate) fn unit_verdict(&self, unit: &str, rule: &str) -> Option<&UnitInspection> {
        self.units.as_ref()?.verdicts.get(unit)?.get(rule)
    }
}

/// The files of a spot check found in an audit folder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub plan: PathBuf,
    /// The item worksheet holding verdicts, or the one chosen.
    pub items: Option<PathBuf>,
    /// The unit sheet holding verdicts (a CSV, or a workbook with the sheet 单位核查).
    pub units: Option<PathBuf>,
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

/// The sample of `dir` and its filled sheets. The item worksheet is `chosen`, or the one
/// among the places it may come back to that holds verdicts (the blank ones `zwgk sample`
/// wrote do not count); the unit sheet likewise `chosen_units`, or the one holding
/// verdicts among its places and the chosen workbook. Two filled ones are an error: one
/// would silently win. `None` when neither came back filled.
pub(crate) fn find(
    dir: &Path,
    chosen: Option<&Path>,
    chosen_units: Option<&Path>,
) -> Result<Option<Found>, Problems> {
    let plan = [dir.join("sample/sample.json"), dir.join("sample.json")]
        .into_iter()
        .find(|p| present(p));
    let Some(plan) = plan else {
        return match chosen.or(chosen_units) {
            Some(chosen) => Err(Problems::one(Problem::file(
                chosen,
                "找不到抽样文件 sample.json：请先运行 zwgk sample",
            ))),
            None => Ok(None),
        };
    };
    let items = match chosen {
        Some(chosen) => Some(chosen.to_path_buf()),
        None => only_filled(
            worksheet_places(dir).into(),
            holds_verdicts,
            "都填有核查结论",
            "--inspections",
        )?,
    };
    let units = match chosen_units {
        Some(chosen) => Some(chosen.to_path_buf()),
        None => {
            // A workbook chosen for the items holds the unit sheet too.
            let mut places: Vec<PathBuf> = chosen
                .filter(|p| is_workbook(p))
                .map(Path::to_path_buf)
                .into_iter()
                .collect();
            for place in unit_places(dir) {
                if !places.iter().any(|p| same_file(p, &place)) {
                    places.push(place);
                }
            }
            only_filled(
                places,
                holds_unit_verdicts,
                "的单位核查表都填有结论",
                "--unit-inspections",
            )?
        }
    };
    if items.is_none() && units.is_none() {
        return Ok(None);
    }
    Ok(Some(Found { plan, items, units }))
}

/// The one of `places` that is present and `filled`; two are an error naming both and
/// the `option` that chooses.
fn only_filled(
    places: Vec<PathBuf>,
    filled: fn(&Path) -> bool,
    both: &str,
    option: &str,
) -> Result<Option<PathBuf>, Problems> {
    let filled: Vec<PathBuf> = places
        .into_iter()
        .filter(|p| present(p) && filled(p))
        .collect();
    match filled.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        [first, second, ..] => Err(Problems::one(Problem::file(
            first,
            format!(
                "{} 与 {} {both}，不知该以哪一个为准：请只保留一个，或用 {option} 指定",
                first.display(),
                second.display()
            ),
        ))),
    }
}

pub(super) fn is_workbook(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Whether two paths name the same file (one may be relative, the other not).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
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
    any_filled(read)
}

/// Whether a sheet read for its verdict column alone holds a verdict, or cannot be read
/// or has no rows left (then it counts as filled, so that it is reported).
pub(super) fn any_filled<T>(read: Result<TableRead<T>, Problem>) -> bool {
    read.map_or(true, |read| {
        read.input.rows == 0 || !read.records.is_empty() || !read.row_problems.is_empty()
    })
}

/// The rows read, refused when there are none below the header: `what` (工作底稿,
/// 单位核查表) was cut or emptied.
pub(super) fn sheet_rows<T: Record>(
    read: TableRead<T>,
    path: &Path,
    what: &str,
) -> Result<Vec<T>, Problems> {
    let rows = read.into_records()?;
    if rows.is_empty() {
        return Err(Problems::one(Problem::file(
            path,
            format!(
                "{what}只有表头，没有一行样本：文件是否被截断或清空？请用 zwgk sample 重新生成"
            ),
        )));
    }
    Ok(rows)
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

/// Reads the sample and the filled sheets found; every unknown row, edited id or bad
/// verdict in either is a problem, and every problem of both is reported. `Ok(None)` when
/// neither has a verdict filled in yet.
pub(crate) fn load(found: &Found, catalogue: &Catalogue) -> Result<Option<Inspections>, Problems> {
    let plan_path = &found.plan;
    let text =
        std::fs::read(plan_path).map_err(|e| Problems::one(Problem::unreadable(plan_path, &e)))?;
    let plan: SamplePlan = serde_json::from_slice(&text).map_err(|e| {
        Problems::one(Problem::file(
            plan_path,
            format!(
                "不是 zwgk 抽样文件 sample.json：{}",
                crate::locate::serde_message_zh(&e.to_string())
            ),
        ))
    })?;
    let mut problems = Problems::default();
    let rows = rows_or_problems(
        found.items.as_deref().map(|p| read_worksheet(p, &plan)),
        &mut problems,
    );
    let unit_rows = rows_or_problems(
        found
            .units
            .as_deref()
            .map(|p| read_unit_sheet(p, &plan, catalogue)),
        &mut problems,
    );
    problems.into_result()?;
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
    let units = found
        .units
        .as_deref()
        .and_then(|path| UnitInspections::of(path, unit_rows));
    if verdicts.is_empty() && units.is_none() {
        return Ok(None);
    }
    Ok(Some(Inspections {
        file: found.items.clone().filter(|_| !verdicts.is_empty()),
        plan,
        verdicts,
        units,
    }))
}

/// The rows read, or none after adding what was wrong to `problems`.
fn rows_or_problems<T>(read: Option<Result<Vec<T>, Problems>>, problems: &mut Problems) -> Vec<T> {
    match read {
        Some(Ok(rows)) => rows,
        Some(Err(found)) => {
            problems.extend(found);
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// The worksheet's rows, each of the sample drawn, read by the table reader (so a CSV
/// may be UTF-8 or GB18030, and every row must have exactly the header's fields).
fn read_worksheet(path: &Path, plan: &SamplePlan) -> Result<Vec<Filled>, Problems> {
    let one = |problem| Problems::one(problem);
    let source = Source::open(path, Some(SHEET), true).map_err(one)?;
    if let Source::Sheet(sheet) = &source {
        formula_verdicts(path, sheet, "核查结论")?;
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
        let verdict = verdict_in(row, "核查结论")?;
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
    sheet_rows(read, path, "工作底稿")
}

/// The verdict in `column`: `Some(None)` when blank (not judged yet), `None` after
/// recording the problem when it is not one of the three.
pub(super) fn verdict_in(row: &mut Row<'_>, column: &str) -> Option<Option<Verdict>> {
    let Some(label) = row.text(column).map(csv_cell_read) else {
        return Some(None);
    };
    match Verdict::from_label(label) {
        Some(verdict) => Some(Some(verdict)),
        None => {
            let message = format!("{}不是 合格、不合格、不适用 之一", quote(label));
            row.problem(column, message);
            None
        }
    }
}

/// A verdict cell must hold the inspector's word: a formula's value is whatever it last
/// computed (or nothing, when no spreadsheet computed it).
pub(super) fn formula_verdicts(
    path: &Path,
    sheet: &SheetReader,
    verdict: &str,
) -> Result<(), Problems> {
    let Some(column) = sheet.header.iter().position(|h| h == verdict) else {
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
            field: Layout::Sheet(sheet.sheet.clone()).field(verdict, column, row as usize + 1),
            message: format!("单元格是公式，不是{verdict}：请直接填写 合格、不合格 或 不适用"),
        });
    }
    problems.into_result()
}
