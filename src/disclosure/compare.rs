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
use super::Report;
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
    let figures = read(path)?;
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
            format!("不是 YAML 或 JSON：{e}"),
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
            format!("应为 表 → 行 → 列 → 数字 的结构（与报告的 JSON 相同）：{e}"),
        )))
    })
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
