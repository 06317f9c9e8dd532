//! Check mode: a unit's published report figures against what the records give, cell by
//! cell, and the published figures against their own consistency rules.
//!
//! The published figures are a YAML or JSON file shaped like the report's JSON: table key
//! (`三`, `四`, `二（一）` …) → row label → column label → number. Labels may be the full
//! path (`法人或其他组织/商业企业`) or, when unambiguous, the last part (`商业企业`);
//! half-width brackets and spaces are forgiven, as people type them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::consistency::{self, Checked};
use super::format::{key, Cell, Table};
use super::render::{depth, SHEET_TOP};
use super::Report;
use crate::data::{column_letter, read_sheets};
use crate::error::{Error, Result};
use crate::problem::{Problem, Problems};

/// One cell where the published report and the records disagree.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Difference {
    pub table: String,
    pub row: String,
    pub column: String,
    pub published: Option<f64>,
    pub records: Option<f64>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: Option<f64>| match v {
            Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
            Some(v) => format!("{v:.2}"),
            None => "未填".into(),
        };
        write!(
            f,
            "{} · {} · {}：报告 {}，台账 {}",
            self.table,
            self.row,
            self.column,
            show(self.published),
            show(self.records)
        )
    }
}

/// What checking a published report gave.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Compared {
    pub differences: Vec<Difference>,
    /// The published figures' own consistency.
    pub published: Checked,
    pub cells: usize,
}

type Figures = BTreeMap<String, BTreeMap<String, BTreeMap<String, Option<f64>>>>;

/// Compares the published figures in `path` with `report`.
pub(crate) fn compare(report: &Report, path: &Path) -> Result<Compared> {
    let is_workbook = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let figures = if is_workbook {
        read_workbook(report, path)?
    } else {
        read(path)?
    };
    let mut problems = Problems::default();
    let mut unknown = |what: String| {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: None,
            field: what.clone(),
            message: format!("{what} 不是{}年报告格式中的表、行或列", report.year),
        })
    };
    let tables: Vec<&Table> = report.tables().collect();
    let mut published_tables = Vec::new();
    let mut differences = Vec::new();
    let mut cells = 0;
    for (table_key, rows) in &figures {
        let Some(table) = tables.iter().find(|t| same(&t.key, table_key)) else {
            unknown(table_key.clone());
            continue;
        };
        let mut published = (*table).clone();
        for row in &mut published.rows {
            row.cells.iter_mut().for_each(|c| *c = Cell::Blank);
        }
        for (row_key, columns) in rows {
            let Some(r) = find(table.rows.iter().map(|r| r.labels.as_slice()), row_key) else {
                unknown(format!("{table_key} · {row_key}"));
                continue;
            };
            for (column_key, value) in columns {
                let Some(c) = find(table.columns.iter().map(Vec::as_slice), column_key) else {
                    unknown(format!("{table_key} · {row_key} · {column_key}"));
                    continue;
                };
                published.rows[r].cells[c] = value.map_or(Cell::Blank, Cell::Amount);
            }
        }
        for (r, row) in table.rows.iter().enumerate() {
            for (c, cell) in row.cells.iter().enumerate() {
                cells += 1;
                let (theirs, ours) = (published.rows[r].cells[c].value(), cell.value());
                let differ = match (theirs, ours) {
                    (Some(a), Some(b)) => (a - b).abs() > 0.005,
                    (None, Some(b)) => b != 0.0,
                    (Some(a), None) => a != 0.0,
                    (None, None) => false,
                };
                if differ {
                    differences.push(Difference {
                        table: table.key.clone(),
                        row: key(&row.labels),
                        column: key(&table.columns[c]),
                        published: theirs,
                        records: ours,
                    });
                }
            }
        }
        published_tables.push(published);
    }
    problems.into_result()?;
    Ok(Compared {
        differences,
        published: consistency::check(&published_tables),
        cells,
    })
}

fn read(path: &Path) -> Result<Figures> {
    let source = crate::yaml::read(path)?;
    let value: serde_yaml::Value = serde_yaml::from_str(&source).map_err(|e| {
        Error::Input(Problems::one(Problem::file(
            path,
            format!(
                "不是 YAML 或 JSON：{}",
                crate::locate::serde_message_zh(&e.to_string())
            ),
        )))
    })?;
    // The report's own JSON holds the figures under `tables`.
    let figures = match value.get("tables") {
        Some(tables) => tables.clone(),
        None => value,
    };
    serde_yaml::from_value(figures).map_err(|e| {
        Error::Input(Problems::one(Problem::file(
            path,
            format!(
                "应为 表 → 行 → 列 → 数字 的结构（与报告的 JSON 相同）：{}",
                crate::locate::serde_message_zh(&e.to_string())
            ),
        )))
    })
}

/// The figures of a filled workbook laid out as the report's own (`--format xlsx`): a sheet
/// per table named by its key, the numbers where the report puts them. Each row's label is
/// checked, so a row inserted or deleted is an error rather than figures read one row off.
fn read_workbook(report: &Report, path: &Path) -> Result<Figures> {
    let sheets = read_sheets(path).map_err(|p| Error::Input(Problems::one(p)))?;
    let mut figures = Figures::new();
    let mut problems = Problems::default();
    for (name, cells) in &sheets {
        let Some(table) = report.tables().find(|t| same(&t.key, name)) else {
            continue;
        };
        let grid: BTreeMap<(u32, u32), &str> = cells
            .iter()
            .map(|(at, text)| (*at, text.as_str()))
            .collect();
        let column_levels = depth(table.columns.iter().map(Vec::len)) as u32;
        let row_levels = depth(table.rows.iter().map(|r| r.labels.len())) as u32;
        let rows = figures.entry(table.key.clone()).or_default();
        for (r, row) in table.rows.iter().enumerate() {
            let at = SHEET_TOP + column_levels + r as u32;
            let cell_name =
                |column: u32| format!("工作表“{name}”{}{}", column_letter(column), at + 1);
            let label_column = row.labels.len() as u32 - 1;
            let label = row.labels.last().map(String::as_str).unwrap_or_default();
            if grid
                .get(&(at, label_column))
                .is_none_or(|text| !same(text, label))
            {
                problems.push(Problem::file(
                    path,
                    format!(
                        "{} 应是行“{label}”：请按 zwgk 导出的表样填写，不要增删行",
                        cell_name(label_column)
                    ),
                ));
                continue;
            }
            let values = rows.entry(key(&row.labels)).or_default();
            for (c, column) in table.columns.iter().enumerate() {
                let at_column = row_levels + c as u32;
                let value = match grid.get(&(at, at_column)) {
                    None => None,
                    Some(text) => match text.replace(',', "").parse::<f64>() {
                        Ok(v) if v.is_finite() => Some(v),
                        _ => {
                            problems.push(Problem::file(
                                path,
                                format!(
                                    "{} 的 {} 不是数字",
                                    cell_name(at_column),
                                    crate::problem::quote(text)
                                ),
                            ));
                            None
                        }
                    },
                };
                values.insert(key(column), value);
            }
        }
    }
    if figures.is_empty() {
        problems.push(Problem::file(
            path,
            "工作簿中没有以表名（三、四、二（一）……）命名的工作表：请用 zwgk 导出的表样"
                .to_string(),
        ));
    }
    problems.into_result()?;
    Ok(figures)
}

/// The label as people type it: no spaces, full-width brackets.
fn normal(label: &str) -> String {
    label
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            _ => c,
        })
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    normal(a) == normal(b)
}

/// The position of the label path written `text`: the whole path, else a last part that
/// only one path has.
fn find<'a>(paths: impl Iterator<Item = &'a [String]> + Clone, text: &str) -> Option<usize> {
    let wanted = normal(text);
    if let Some(at) = paths.clone().position(|p| normal(&key(p)) == wanted) {
        return Some(at);
    }
    let matches: Vec<usize> = paths
        .enumerate()
        .filter(|(_, p)| p.last().is_some_and(|l| normal(l) == wanted))
        .map(|(i, _)| i)
        .collect();
    (matches.len() == 1).then(|| matches[0])
}
