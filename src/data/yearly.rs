//! The statutory annual report's yearly inputs, beside the quarter folders: the register of
//! 规章 and 规范性文件 (`documents.csv`), the applications still open when a year began
//! (`YEAR-open-cases.csv`, when the previous year's data is not there), and the figures each
//! unit reports (`YEAR-statistics.yaml`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::table::{read_table, Record, Row, Source};
use super::Unit;
use crate::problem::{quote, Problem, Problems};

pub(crate) const DOCUMENT_COLUMNS: &[&str] = &[
    "id",
    "unit",
    "kind",
    "doc_no",
    "title",
    "issued_on",
    "published_on",
    "repealed_on",
];

/// 规章 or 规范性文件.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DocumentKind {
    Rule,
    Normative,
}

impl DocumentKind {
    pub(crate) const ALL: [DocumentKind; 2] = [DocumentKind::Rule, DocumentKind::Normative];

    pub(crate) fn label(self) -> &'static str {
        match self {
            DocumentKind::Rule => "规章",
            DocumentKind::Normative => "规范性文件",
        }
    }
}

/// One 规章 or 规范性文件 of the register.
#[derive(Debug, Clone)]
pub(crate) struct Document {
    pub line: u32,
    pub id: Box<str>,
    pub unit: String,
    pub kind: DocumentKind,
    pub issued_on: NaiveDate,
    /// `None`: not made public.
    pub published_on: Option<NaiveDate>,
    /// `None`: in force.
    pub repealed_on: Option<NaiveDate>,
}

impl Record for Document {
    fn id(&self) -> &str {
        &self.id
    }
    fn line(&self) -> u32 {
        self.line
    }
}

/// Reads and validates `documents.csv` (or `.xlsx`): every row names a known unit, a kind,
/// and dates in order. A bad row stops the load.
pub(crate) fn load_documents(path: &Path, units: &[Unit]) -> Result<Vec<Document>, Problems> {
    let known: HashMap<&str, ()> = units.iter().map(|u| (u.id.as_str(), ())).collect();
    let source = Source::open(path, None, false).map_err(Problems::one)?;
    let read = read_table(source, path, DOCUMENT_COLUMNS, |row| document(row, &known))
        .map_err(Problems::one)?;
    read.into_records()
}

fn document(row: &mut Row<'_>, known: &HashMap<&str, ()>) -> Option<Document> {
    let id = row.required("id");
    let unit = row.required("unit");
    if !unit.is_empty() && !known.contains_key(unit) {
        row.problem("unit", format!("未知单位 {}（见 units.yaml）", quote(unit)));
    }
    let kind_text = row.required("kind");
    let kind = DocumentKind::ALL
        .into_iter()
        .find(|k| k.label() == kind_text);
    if kind.is_none() && !kind_text.is_empty() {
        row.problem(
            "kind",
            format!("{}应为“规章”或“规范性文件”", quote(kind_text)),
        );
    }
    row.required("title");
    let issued_on = row.required_date("issued_on");
    let published_on = row.date("published_on");
    let repealed_on = row.date("repealed_on");
    for (column, later) in [("published_on", published_on), ("repealed_on", repealed_on)] {
        if let (Some(issued), Some(later)) = (issued_on, later) {
            if later < issued {
                row.problem(column, format!("{later} 早于制发日期 issued_on {issued}"));
            }
        }
    }
    Some(Document {
        line: row.line as u32,
        id: id.into(),
        unit: unit.to_string(),
        kind: kind?,
        issued_on: issued_on?,
        published_on,
        repealed_on,
    })
}

/// `YEAR-statistics.yaml`: what units report for the tables the records cannot fill, and
/// the report's narrative sections.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatisticsFile {
    pub year: i32,
    /// The narrative of the city's own report.
    #[serde(default)]
    pub city: Narrative,
    #[serde(default)]
    pub units: BTreeMap<String, UnitStatistics>,
}

/// The sections a report writes in words (一、五、六).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Narrative {
    #[serde(rename = "总体情况", default)]
    pub overview: Option<String>,
    #[serde(rename = "存在的主要问题及改进情况", default)]
    pub problems: Option<String>,
    #[serde(rename = "其他需要报告的事项", default)]
    pub other: Option<String>,
}

/// One unit's reported figures and narrative.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitStatistics {
    #[serde(rename = "行政许可", default)]
    pub licensing: Option<Matters>,
    #[serde(rename = "其他对外管理服务事项", default)]
    pub other_services: Option<Matters>,
    #[serde(rename = "行政处罚", default)]
    pub penalties: Option<Matters>,
    #[serde(rename = "行政强制", default)]
    pub enforcement: Option<Matters>,
    #[serde(rename = "行政事业性收费", default)]
    pub fees: Option<Fees>,
    #[serde(rename = "政府集中采购", default)]
    pub procurement: Option<Procurement>,
    #[serde(rename = "总体情况", default)]
    pub overview: Option<String>,
    #[serde(rename = "存在的主要问题及改进情况", default)]
    pub problems: Option<String>,
    #[serde(rename = "其他需要报告的事项", default)]
    pub other: Option<String>,
}

impl UnitStatistics {
    pub(crate) fn narrative(&self) -> Narrative {
        Narrative {
            overview: self.overview.clone(),
            problems: self.problems.clone(),
            other: self.other.clone(),
        }
    }
}

/// Licences, penalties, enforcement or other services: the matters and the decisions.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Matters {
    #[serde(rename = "上一年项目数量", default)]
    pub items_last_year: Option<u64>,
    #[serde(rename = "本年增减", default)]
    pub change: Option<i64>,
    #[serde(rename = "处理决定数量", default)]
    pub decisions: Option<u64>,
}

/// 行政事业性收费; the amount in 万元.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fees {
    #[serde(rename = "上一年项目数量", default)]
    pub items_last_year: Option<u64>,
    #[serde(rename = "本年增减", default)]
    pub change: Option<i64>,
    #[serde(rename = "收费金额", default)]
    pub amount: Option<f64>,
}

/// 政府集中采购 (2019 trial format only); the amount in 万元.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Procurement {
    #[serde(rename = "采购项目数量", default)]
    pub projects: Option<u64>,
    #[serde(rename = "采购总金额", default)]
    pub amount: Option<f64>,
}

/// Largest amount accepted, in 万元 (a hundred billion yuan): beyond it a figure is a typo.
const MAX_AMOUNT: f64 = 1.0e7;

/// Reads and validates the statistics file of `year`.
pub(crate) fn load_statistics(
    path: &Path,
    year: i32,
    units: &[Unit],
) -> Result<StatisticsFile, Problems> {
    let source = crate::yaml::read(path)?;
    let (file, locator): (StatisticsFile, _) = crate::yaml::parse(path, &source)?;
    let mut problems = Problems::default();
    let mut at = |field: String, message: String| {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: locator.line(&field),
            field,
            message,
        })
    };
    if file.year != year {
        at(
            "year".into(),
            format!("文件写的是{}年，本次编制的是{year}年", file.year),
        );
    }
    for (id, figures) in &file.units {
        if !units.iter().any(|u| &u.id == id) {
            at(
                format!("units.{id}"),
                format!("未知单位 {}（见 units.yaml）", quote(id)),
            );
        }
        let amounts = [
            (
                "行政事业性收费.收费金额",
                figures.fees.and_then(|f| f.amount),
            ),
            (
                "政府集中采购.采购总金额",
                figures.procurement.and_then(|p| p.amount),
            ),
        ];
        for (field, amount) in amounts {
            if let Some(amount) =
                amount.filter(|a| !(a.is_finite() && (0.0..=MAX_AMOUNT).contains(a)))
            {
                at(
                    format!("units.{id}.{field}"),
                    format!("金额 {amount} 不在 0 到 {MAX_AMOUNT} 万元之间"),
                );
            }
        }
    }
    problems.into_result()?;
    Ok(file)
}
