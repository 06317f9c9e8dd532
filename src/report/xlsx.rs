//! findings.xlsx: every finding, one row each, and the ranking, for office users.

use crate::error::Result;
use rust_xlsxwriter::{Workbook, Worksheet};

use super::model::{chinese_date, evidence_text};
use super::sheet::{
    fit_row, properties, set_up_printing, write_header, write_none, Formats, Links, Rules,
};
use crate::results::{AuditResults, UnitResult};

const FINDINGS_SHEET: &str = "问题清单";
const RANKING_SHEET: &str = "考核排名";

const FINDING_COLUMNS: [(&str, f64); 14] = [
    ("序号", 6.0),
    ("单位编号", 8.0),
    ("单位", 18.0),
    ("考核要求", 34.0),
    ("条款", 8.0),
    ("问题类型", 14.0),
    ("问题描述", 60.0),
    ("起算日期", 12.0),
    ("完成日期", 12.0),
    ("期限", 12.0),
    ("证据", 50.0),
    ("链接", 40.0),
    ("新增/重复", 9.0),
    ("问题编号", 50.0),
];

/// Columns of the findings sheet whose text wraps (the rest are short).
const WRAPPED: [usize; 7] = [2, 3, 5, 6, 10, 11, 13];

const RANKING_COLUMNS: [(&str, f64); 9] = [
    ("总排名", 8.0),
    ("类别排名", 8.0),
    ("单位", 18.0),
    ("类别", 14.0),
    ("得分", 8.0),
    ("等次", 8.0),
    ("上期得分", 10.0),
    ("问题数", 8.0),
    ("单项否决", 40.0),
];

pub(super) fn findings_workbook(results: &AuditResults) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let title = format!(
        "{}{}政务公开考核问题清单",
        results.jurisdiction, results.period_label
    );
    // A fixed creation date keeps the file the same from run to run.
    workbook.set_properties(&properties(
        &title,
        &results.catalogue.issuer,
        results.circular_date,
    )?);
    let formats = Formats::new();
    let sheet = workbook.add_worksheet().set_name(FINDINGS_SHEET)?;
    set_up_printing(sheet, &title, (0, 0), Rules::Gridlines)?;
    findings_sheet(sheet, results, &formats)?;
    let sheet = workbook.add_worksheet().set_name(RANKING_SHEET)?;
    let title = format!(
        "{}{}政务公开考核排名",
        results.jurisdiction, results.period_label
    );
    set_up_printing(sheet, &title, (0, 0), Rules::Gridlines)?;
    ranking_sheet(sheet, results, &formats)?;
    Ok(workbook.save_to_buffer()?)
}

/// Every finding, unit by unit; a sentence saying so when there are none.
fn findings_sheet(sheet: &mut Worksheet, results: &AuditResults, formats: &Formats) -> Result<()> {
    write_header(sheet, &FINDING_COLUMNS, formats)?;
    let mut row = 1u32;
    let mut links = Links::new();
    for unit in &results.units {
        for index in 0..unit.findings.len() {
            write_finding(sheet, row, (unit, index), formats, &mut links)?;
            row += 1;
        }
    }
    if row == 1 {
        write_none(
            sheet,
            1,
            FINDING_COLUMNS.len() as u16,
            "本期无扣分问题。",
            formats,
        )?;
        return Ok(());
    }
    sheet.autofilter(0, 0, row - 1, FINDING_COLUMNS.len() as u16 - 1)?;
    Ok(())
}

/// The `index`th finding of `unit` on `row`, numbered by its row.
fn write_finding(
    sheet: &mut Worksheet,
    row: u32,
    (unit, index): (&UnitResult, usize),
    formats: &Formats,
    links: &mut Links,
) -> Result<()> {
    let f = &unit.findings[index];
    let finding = &f.finding;
    let e = &finding.evidence;
    let title = unit
        .trace
        .iter()
        .find(|t| t.rule == finding.rule)
        .map(|t| t.title.as_str())
        .unwrap_or("");
    let texts: [(usize, String); 10] = [
        (1, unit.id.clone()),
        (2, unit.name.clone()),
        (3, format!("{}（{}）", title, finding.rule)),
        (4, finding.clause.clone()),
        (5, finding.code.description().to_string()),
        (6, finding.message.clone()),
        (10, evidence_text(e)),
        (11, e.url.clone().unwrap_or_default()),
        (12, if f.repeat { "重复" } else { "新增" }.to_string()),
        (13, finding.id.clone()),
    ];
    sheet.write_number_with_format(row, 0, f64::from(row), &formats.integer)?;
    for (col, text) in &texts {
        let format = if WRAPPED.contains(col) {
            &formats.wrap
        } else {
            &formats.cell
        };
        if *col == 11 {
            links.write(sheet, (row, 11), text, format)?;
        } else {
            sheet.write_string_with_format(row, *col as u16, text, format)?;
        }
    }
    for (col, day) in [(7, e.start), (8, e.done), (9, e.deadline)] {
        if let Some(day) = day {
            sheet.write_datetime_with_format(row, col, day, &formats.date)?;
        }
    }
    fit_row(
        sheet,
        row,
        texts
            .iter()
            .filter(|(col, _)| WRAPPED.contains(col))
            .map(|(col, text)| (text.as_str(), FINDING_COLUMNS[*col].1)),
    )
}

/// The ranking, and the circular's date below it.
fn ranking_sheet(sheet: &mut Worksheet, results: &AuditResults, formats: &Formats) -> Result<()> {
    write_header(sheet, &RANKING_COLUMNS, formats)?;
    for (i, unit) in results.units.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number_with_format(r, 0, unit.rank as f64, &formats.integer)?;
        sheet.write_number_with_format(r, 1, unit.rank_in_kind as f64, &formats.integer)?;
        sheet.write_string_with_format(r, 2, &unit.name, &formats.wrap)?;
        let kind = unit.kind.label(&results.jurisdiction);
        sheet.write_string_with_format(r, 3, &kind, &formats.wrap)?;
        if let Some(s) = unit.score {
            sheet.write_number_with_format(r, 4, s, &formats.score)?;
        }
        sheet.write_string_with_format(r, 5, &unit.grade, &formats.cell)?;
        if let Some(s) = unit.previous_score {
            sheet.write_number_with_format(r, 6, s, &formats.score)?;
        }
        sheet.write_number_with_format(r, 7, unit.findings.len() as f64, &formats.integer)?;
        let vetoes = unit
            .vetoes
            .iter()
            .map(|v| v.reason.as_str())
            .collect::<Vec<_>>()
            .join("；");
        sheet.write_string_with_format(r, 8, &vetoes, &formats.wrap)?;
        fit_row(
            sheet,
            r,
            [
                (unit.name.as_str(), RANKING_COLUMNS[2].1),
                (kind.as_str(), RANKING_COLUMNS[3].1),
                (vetoes.as_str(), RANKING_COLUMNS[8].1),
            ],
        )?;
    }
    let columns = RANKING_COLUMNS.len() as u16;
    if results.units.is_empty() {
        write_none(sheet, 1, columns, "本期无考核单位。", formats)?;
    } else {
        sheet.autofilter(0, 0, results.units.len() as u32, columns - 1)?;
    }
    sheet.write_string(
        results.units.len().max(1) as u32 + 2,
        0,
        format!("通报日期：{}", chinese_date(results.circular_date)),
    )?;
    Ok(())
}
