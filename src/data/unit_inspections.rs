//! The unit sheet (单位核查) back into the audit: one row per sampled unit × unit-level
//! requirement, read by the same table reader as the item worksheet and checked against
//! the sample and the catalogue. It comes back as the sheet 单位核查 of worksheet.xlsx, or
//! as a CSV: unit_inspections.csv beside audit.yaml, or unit_worksheet.csv (or
//! unit_inspections.csv) in `sample/`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::inspections::{any_filled, formula_verdicts, is_workbook, sheet_rows, verdict_in};
use super::table::{read_table, Record, Source};
use super::{SamplePlan, Verdict};
use crate::catalogue::{Catalogue, CheckKind};
use crate::output::csv_cell_read;
use crate::problem::{quote, Problems};

/// The unit sheet's name in the workbook (after the item worksheet).
pub(crate) const UNIT_SHEET: &str = "单位核查";
/// Column headers; the first four identify the row and must not be edited.
pub(crate) const UNIT_HEADERS: [&str; 12] = [
    "序号",
    "单位编号",
    "单位名称",
    "要求编号",
    "标准",
    "要求",
    "核查内容",
    "核查所见（证据）",
    "结论",
    "说明",
    "核查人",
    "核查日期",
];
const VERDICT: &str = "结论";

/// One judged row of the unit sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UnitInspection {
    pub unit: String,
    /// `STANDARD/REQUIREMENT`.
    pub rule: String,
    pub verdict: Verdict,
    /// What the inspector saw (核查所见（证据）).
    pub seen: String,
    pub note: String,
    pub inspector: String,
    pub date: String,
}

/// The unit sheet's verdicts.
#[derive(Debug, Clone)]
pub(crate) struct UnitInspections {
    /// By unit id, then `STANDARD/REQUIREMENT`.
    pub verdicts: BTreeMap<String, BTreeMap<String, UnitInspection>>,
    pub file: PathBuf,
}

impl UnitInspections {
    /// The judged rows of the sheet at `path`; `None` when none is judged.
    pub(super) fn of(path: &Path, rows: Vec<UnitFilled>) -> Option<UnitInspections> {
        let mut verdicts: BTreeMap<String, BTreeMap<String, UnitInspection>> = BTreeMap::new();
        for row in rows {
            let Some(verdict) = row.verdict else {
                continue;
            };
            verdicts.entry(row.unit.clone()).or_default().insert(
                row.rule.clone(),
                UnitInspection {
                    unit: row.unit,
                    rule: row.rule,
                    verdict,
                    seen: row.seen,
                    note: row.note,
                    inspector: row.inspector,
                    date: row.date,
                },
            );
        }
        (!verdicts.is_empty()).then(|| UnitInspections {
            verdicts,
            file: path.to_path_buf(),
        })
    }
}

/// Where a filled unit sheet may come back: beside audit.yaml or where `zwgk sample`
/// wrote it, as for the item worksheet.
pub(super) fn unit_places(dir: &Path) -> [PathBuf; 5] {
    [
        dir.join("unit_inspections.csv"),
        dir.join("worksheet.xlsx"),
        dir.join("sample/unit_inspections.csv"),
        dir.join("sample/worksheet.xlsx"),
        dir.join("sample/unit_worksheet.csv"),
    ]
}

/// Whether the unit sheet at `path` has any verdict filled in. A CSV that cannot be read
/// or has no rows left counts as filled, so that it is reported; a workbook without the
/// sheet 单位核查 (an item worksheet alone, or drawn before the unit sheet) does not, nor
/// one that cannot be opened, which the item worksheet's reading reports.
pub(crate) fn holds_unit_verdicts(path: &Path) -> bool {
    let workbook = is_workbook(path);
    let Ok(source) = Source::open(path, Some(UNIT_SHEET), false) else {
        return !workbook;
    };
    let read = read_table(source, path, &UNIT_HEADERS, |row| {
        row.text(VERDICT).map(|_| UnitFilled {
            line: row.line as u32,
            key: row.line.to_string(),
            ..UnitFilled::default()
        })
    });
    any_filled(read)
}

/// One unit-sheet row as read.
#[derive(Default)]
pub(super) struct UnitFilled {
    line: u32,
    /// `UNIT/STANDARD/REQUIREMENT`, unique in the sheet.
    key: String,
    unit: String,
    rule: String,
    /// `None`: not judged yet.
    verdict: Option<Verdict>,
    seen: String,
    note: String,
    inspector: String,
    date: String,
}

impl Record for UnitFilled {
    const ID_COLUMN: &'static str = "要求编号";
    fn id(&self) -> &str {
        &self.key
    }
    fn line(&self) -> u32 {
        self.line
    }
}

/// The unit sheet's rows, each a unit × requirement of the sample drawn, read by the
/// table reader (so a CSV may be UTF-8 or GB18030, and every row must have exactly the
/// header's fields).
pub(super) fn read_unit_sheet(
    path: &Path,
    plan: &SamplePlan,
    catalogue: &Catalogue,
) -> Result<Vec<UnitFilled>, Problems> {
    let one = |problem| Problems::one(problem);
    let source = Source::open(path, Some(UNIT_SHEET), true).map_err(one)?;
    if let Source::Sheet(sheet) = &source {
        formula_verdicts(path, sheet, VERDICT)?;
    }
    let units: HashSet<&str> = plan.units.iter().map(|u| u.id.as_str()).collect();
    let sampled: HashSet<(&str, &str)> = plan
        .units
        .iter()
        .flat_map(|u| {
            u.requirements
                .iter()
                .map(move |r| (u.id.as_str(), r.as_str()))
        })
        .collect();
    let read = read_table(source, path, &UNIT_HEADERS, |row| {
        // zwgk wrote the CSV with formula-like cells made text: read them as they were.
        let (unit, rule) = (
            csv_cell_read(row.required("单位编号")),
            csv_cell_read(row.required("要求编号")),
        );
        if unit.is_empty() || rule.is_empty() {
            return None;
        }
        let manual = catalogue
            .requirement(rule)
            .is_some_and(|(_, r)| r.check() == CheckKind::Manual);
        if !manual {
            let message = format!(
                "{}不是目录中人工核查要求的编号（应为 标准/要求，如 ZWGK-103/org-staff-in-place；这一行或其编号被改过？）",
                quote(rule)
            );
            row.problem("要求编号", message);
            return None;
        }
        if rule == plan.rule {
            let message = format!(
                "{rule} 逐条抽查信息，其核查结论填在抽查工作底稿中，不在单位核查表中"
            );
            row.problem("要求编号", message);
            return None;
        }
        if !sampled.contains(&(unit, rule)) {
            let column = if units.contains(unit) {
                "要求编号"
            } else {
                "单位编号"
            };
            let message = format!(
                "{unit} {rule} 不在以种子 {} 抽取的样本中（这一行或其编号被改过？）",
                plan.seed
            );
            row.problem(column, message);
            return None;
        }
        let verdict = verdict_in(row, VERDICT)?;
        let line = row.line as u32;
        let mut text = |column| csv_cell_read(row.text(column).unwrap_or_default()).to_string();
        Some(UnitFilled {
            line,
            key: format!("{unit}/{rule}"),
            unit: unit.into(),
            rule: rule.into(),
            verdict,
            seen: text("核查所见（证据）"),
            note: text("说明"),
            inspector: text("核查人"),
            date: text("核查日期"),
        })
    })
    .map_err(one)?;
    sheet_rows(read, path, "单位核查表")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::catalogue;
    use crate::data::{Level, Period, Population, SampledUnit, SAMPLE_SCHEMA};

    /// A sample of U01 (inspected on two requirements) and U02 (on one).
    fn plan() -> SamplePlan {
        let unit = |id: &str, requirements: &[&str]| SampledUnit {
            id: id.into(),
            name: format!("{id}单位"),
            kind: crate::catalogue::UnitKind::Department,
            population: 0,
            items: Vec::new(),
            requirements: requirements.iter().map(|r| r.to_string()).collect(),
        };
        SamplePlan {
            schema: SAMPLE_SCHEMA.into(),
            jurisdiction: "如皋市".into(),
            period: Period::parse("2018-Q4").unwrap(),
            seed: 7,
            level: Level::II,
            confidence: 0.95,
            tolerable_rate: 0.1,
            focus: Vec::new(),
            rule: "ZWGK-302/spot-check-item".into(),
            algorithm: String::new(),
            population: Population {
                units: 2,
                items: 0,
                sha256: String::new(),
            },
            strata: Vec::new(),
            units: vec![
                unit(
                    "U01",
                    &[
                        "ZWGK-103/org-staff-in-place",
                        "ZWGK-104/annual-training-hours",
                    ],
                ),
                unit("U02", &["ZWGK-103/org-staff-in-place"]),
            ],
        }
    }

    /// The unit sheet `zwgk sample` writes for the plan, with `edit` applied to each data
    /// row's fields (row number from 1).
    fn sheet(dir: &Path, edit: impl Fn(usize, &mut Vec<String>)) -> PathBuf {
        let bytes = crate::sample::unit_worksheet_csv(&plan(), catalogue())
            .unwrap()
            .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        for (i, record) in reader.records().enumerate() {
            let mut row: Vec<String> = record.unwrap().iter().map(String::from).collect();
            if i > 0 {
                edit(i, &mut row);
            }
            writer.write_record(&row).unwrap();
        }
        let path = dir.join("unit_inspections.csv");
        std::fs::write(&path, writer.into_inner().unwrap()).unwrap();
        path
    }

    fn problems(path: &Path) -> Vec<String> {
        match read_unit_sheet(path, &plan(), catalogue()) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn the_written_sheet_names_the_clause_and_what_to_verify() {
        let dir = tempfile::tempdir().unwrap();
        let path = sheet(dir.path(), |_, _| {});
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().nth(1).unwrap();
        assert!(
            first.starts_with("1,U01,U01单位,ZWGK-103/org-staff-in-place,Q/RGZW 103-2018 "),
            "{first}"
        );
        assert!(first.contains(" 第8条,领导小组"), "{first}");
        assert!(
            first.contains(",检查本单位是否成立政务公开领导小组"),
            "{first}"
        );
        assert_eq!(text.lines().count(), 4);
        // Blank as written: nothing to read back, nothing to overwrite.
        assert!(!holds_unit_verdicts(&path));
    }

    #[test]
    fn verdicts_read_back_and_blank_rows_stay_unjudged() {
        let dir = tempfile::tempdir().unwrap();
        let path = sheet(dir.path(), |i, row| {
            if i == 2 {
                row[7] = "签到表缺第三季度".into();
                row[8] = "不合格".into();
                row[9] = "兼职信息员不足12学时".into();
                row[10] = "张某某".into();
            }
        });
        assert!(holds_unit_verdicts(&path));
        let rows = read_unit_sheet(&path, &plan(), catalogue()).unwrap();
        assert_eq!(rows.len(), 3);
        let read = UnitInspections::of(&path, rows).unwrap();
        let judged: Vec<&UnitInspection> =
            read.verdicts.values().flat_map(|v| v.values()).collect();
        assert_eq!(judged.len(), 1, "blank rows are not verdicts");
        let v = judged[0];
        assert_eq!(
            (v.unit.as_str(), v.rule.as_str(), v.verdict),
            ("U01", "ZWGK-104/annual-training-hours", Verdict::Fail)
        );
        assert_eq!(
            (v.seen.as_str(), v.note.as_str(), v.inspector.as_str()),
            ("签到表缺第三季度", "兼职信息员不足12学时", "张某某")
        );
    }

    #[test]
    fn rows_not_in_the_sample_and_bad_verdicts_are_problems_with_line_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = sheet(dir.path(), |i, row| match i {
            1 => row[8] = "基本合格".into(),
            2 => row[3] = "ZWGK-104/no-such-requirement".into(),
            3 => row[1] = "U09".into(),
            _ => {}
        });
        let got = problems(&path);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(
            got[0].ends_with(
                "unit_inspections.csv:2: 结论（第9列）: “基本合格”不是 合格、不合格、不适用 之一"
            ),
            "{got:#?}"
        );
        assert!(
            got[1].contains("unit_inspections.csv:3: 要求编号（第4列）: “ZWGK-104/no-such-requirement”不是目录中人工核查要求的编号"),
            "{got:#?}"
        );
        assert!(
            got[2].contains("unit_inspections.csv:4: 单位编号（第2列）: U09 ZWGK-103/org-staff-in-place 不在以种子 7 抽取的样本中"),
            "{got:#?}"
        );
    }

    #[test]
    fn a_requirement_drawn_for_another_unit_or_the_item_rule_is_not_in_the_sample() {
        let dir = tempfile::tempdir().unwrap();
        let path = sheet(dir.path(), |i, row| match i {
            // U02 is inspected on ZWGK-103 only.
            3 => row[3] = "ZWGK-104/annual-training-hours".into(),
            1 => row[3] = "ZWGK-302/spot-check-item".into(),
            _ => {}
        });
        let got = problems(&path);
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(
            got[0].contains(":2: 要求编号（第4列）: ZWGK-302/spot-check-item 逐条抽查信息"),
            "{got:#?}"
        );
        assert!(
            got[1].contains(":4: 要求编号（第4列）: U02 ZWGK-104/annual-training-hours 不在以种子 7 抽取的样本中"),
            "{got:#?}"
        );
    }

    #[test]
    fn a_header_only_sheet_is_an_error_and_a_workbook_without_the_sheet_holds_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unit_inspections.csv");
        std::fs::write(&path, format!("{}\n", UNIT_HEADERS.join(","))).unwrap();
        assert!(holds_unit_verdicts(&path), "reported, not passed over");
        assert!(problems(&path)[0].contains("单位核查表只有表头"));

        let book = dir.path().join("worksheet.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.add_worksheet().set_name("抽查工作底稿").unwrap();
        workbook.save(&book).unwrap();
        assert!(!holds_unit_verdicts(&book));
        assert!(
            problems(&book)[0].contains("工作簿中没有工作表“单位核查”"),
            "a workbook chosen for the unit sheet must have it"
        );
    }
}
