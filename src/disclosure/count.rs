//! The tables counted from the records, for one unit or for the city (a set of units).
//!
//! Section 三 places every application of the year in exactly one row per column:
//! received this year (一) or carried in — received before 1 January, not concluded by
//! then (二); concluded this year, by outcome (三); or not concluded by 31 December (四).
//! Section 四 counts the reviews and lawsuits filed this year, by how they stood on
//! 31 December.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::format::{
    case_group, section_four, section_three, section_two, Cell, Format, Table, CASE_GROUPS,
};
use super::inputs::YearInputs;
use crate::data::{CaseResult, DocumentKind, StatisticsFile, APPLICANT_TYPES};
use crate::problem::Problem;

/// The year's first and last days.
fn bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date"),
        NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date"),
    )
}

/// Section 三 over the applications of `units`; an application that must be counted but
/// has no applicant type is a problem (its column is unknown), never silently dropped.
pub(crate) fn applications(
    inputs: &YearInputs,
    units: &HashSet<&str>,
    format: Format,
    problems: &mut Vec<Problem>,
) -> Table {
    let (mut table, outcome_rows) = section_three(format);
    let (first, last) = bounds(inputs.year);
    let total_column = APPLICANT_TYPES.len();
    let mut counts = vec![vec![0i64; total_column]; table.rows.len()];
    let (new, carried_in, results_total, carried_out) =
        (0, 1, table.rows.len() - 2, table.rows.len() - 1);
    for request in inputs
        .requests
        .iter()
        .filter(|r| units.contains(r.unit.as_str()))
    {
        let concluded = request.replied_on;
        if request.received_on > last || concluded.is_some_and(|day| day < first) {
            continue; // another year's
        }
        let Some(column) = request.applicant_type.map(usize::from) else {
            let (file, line) = split_source(&request.source);
            problems.push(Problem {
                file: file.into(),
                line,
                field: "applicant_type".into(),
                message: format!(
                    "申请 {} 计入{}年度报告，但未填申请人类型：第三部分按申请人类型分列，请补填",
                    request.id, inputs.year
                ),
            });
            continue;
        };
        let arrived = if request.received_on >= first {
            new
        } else {
            carried_in
        };
        counts[arrived][column] += 1;
        match (concluded, request.outcome) {
            (Some(day), Some(outcome)) if day <= last => {
                let rows = &outcome_rows[usize::from(outcome.major)];
                let row = rows[outcome.minor.map_or(0, usize::from)];
                counts[row][column] += 1;
                counts[results_total][column] += 1;
            }
            _ => counts[carried_out][column] += 1,
        }
    }
    for (row, values) in table.rows.iter_mut().zip(&counts) {
        let total: i64 = values.iter().sum();
        row.cells = values
            .iter()
            .chain([&total])
            .map(|n| Cell::Count(*n))
            .collect();
    }
    table
}

/// `2018-Q4/applications.csv:12` as file and line.
fn split_source(source: &str) -> (&str, Option<usize>) {
    match source.rsplit_once(':') {
        Some((file, line)) => (file, line.parse().ok()),
        None => (source, None),
    }
}

/// Section 四 over the cases of `units` filed this year.
pub(crate) fn cases(inputs: &YearInputs, units: &HashSet<&str>) -> Table {
    let mut table = section_four();
    let (first, last) = bounds(inputs.year);
    let width = CaseResult::ALL.len() + 2;
    let mut counts = vec![0i64; CASE_GROUPS.len() * width];
    let filed = inputs
        .disputes
        .iter()
        .filter(|d| units.contains(d.unit.as_str()) && (first..=last).contains(&d.filed_on));
    for dispute in filed {
        let group = case_group(dispute.kind) * width;
        let column = match (dispute.result, dispute.concluded_on) {
            (Some(result), Some(day)) if day <= last => CaseResult::ALL
                .iter()
                .position(|r| *r == result)
                .unwrap_or(0),
            _ => CaseResult::ALL.len(),
        };
        counts[group + column] += 1;
        counts[group + width - 1] += 1;
    }
    table.rows[0].cells = counts.into_iter().map(Cell::Count).collect();
    table
}

/// Section 二's tables: （一） from the document register, the others as the units reported.
pub(crate) fn proactive(inputs: &YearInputs, units: &HashSet<&str>, format: Format) -> Vec<Table> {
    let mut tables = section_two(format);
    for table in &mut tables {
        match table.key.as_str() {
            "二（一）" => documents(inputs, units, format, table),
            _ => {
                if let Some(statistics) = &inputs.statistics {
                    reported(statistics, units, format, table);
                }
            }
        }
    }
    tables
}

fn documents(inputs: &YearInputs, units: &HashSet<&str>, format: Format, table: &mut Table) {
    let Some(documents) = &inputs.documents else {
        return;
    };
    let (first, last) = bounds(inputs.year);
    let this_year = |day: Option<NaiveDate>| day.is_some_and(|d| (first..=last).contains(&d));
    let standing = |day: Option<NaiveDate>| day.is_none_or(|d| d > last);
    for (row, kind) in table.rows.iter_mut().zip(DocumentKind::ALL) {
        let mine: Vec<_> = documents
            .iter()
            .filter(|d| d.kind == kind && units.contains(d.unit.as_str()))
            .collect();
        let count = |keep: &dyn Fn(&&crate::data::Document) -> bool| {
            Cell::Count(mine.iter().filter(|d| keep(d)).count() as i64)
        };
        row.cells = match format {
            Format::Official2021 => vec![
                count(&|d| this_year(Some(d.issued_on))),
                count(&|d| this_year(d.repealed_on)),
                count(&|d| d.issued_on <= last && standing(d.repealed_on)),
            ],
            _ => vec![
                count(&|d| this_year(Some(d.issued_on))),
                count(&|d| this_year(d.published_on)),
                count(&|d| d.published_on.is_some_and(|p| p <= last) && standing(d.repealed_on)),
            ],
        };
    }
}

/// The figures units reported, summed over `units`; a cell no unit reported stays blank.
fn reported(statistics: &StatisticsFile, units: &HashSet<&str>, format: Format, table: &mut Table) {
    let mine: Vec<_> = statistics
        .units
        .iter()
        .filter(|(id, _)| units.contains(id.as_str()))
        .map(|(_, s)| s)
        .collect();
    for row in &mut table.rows {
        let name = row.labels[0].as_str();
        for (column, cell) in row.cells.iter_mut().enumerate() {
            let values = mine.iter().filter_map(|s| figure(s, name, column, format));
            *cell = values.fold(Cell::Blank, add);
        }
    }
}

fn add(sum: Cell, value: Cell) -> Cell {
    match (sum, value) {
        (Cell::Blank, v) => v,
        (Cell::Count(a), Cell::Count(b)) => Cell::Count(a + b),
        (a, b) => Cell::Amount(a.value().unwrap_or(0.0) + b.value().unwrap_or(0.0)),
    }
}

/// One unit's figure for row `name`, column `column` of a section 二 table.
fn figure(
    statistics: &crate::data::UnitStatistics,
    name: &str,
    column: usize,
    format: Format,
) -> Option<Cell> {
    let count = |n: Option<u64>| n.map(|n| Cell::Count(n as i64));
    let change = |n: Option<i64>| n.map(Cell::Count);
    let amount = |a: Option<f64>| a.map(Cell::Amount);
    let matters = match name {
        "行政许可" => statistics.licensing,
        "其他对外管理服务事项" => statistics.other_services,
        "行政处罚" => statistics.penalties,
        "行政强制" => statistics.enforcement,
        "行政事业性收费" => {
            let fees = statistics.fees?;
            return match (format, column) {
                (Format::Official2021, 0) => amount(fees.amount),
                (_, 0) => count(fees.items_last_year),
                _ => change(fees.change),
            };
        }
        "政府集中采购" => {
            let procurement = statistics.procurement?;
            return match column {
                0 => count(procurement.projects),
                _ => amount(procurement.amount),
            };
        }
        _ => return None,
    }?;
    match (format, column) {
        (Format::Official2021, _) => count(matters.decisions),
        (_, 0) => count(matters.items_last_year),
        (_, 1) => change(matters.change),
        _ => count(matters.decisions),
    }
}
