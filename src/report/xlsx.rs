//! findings.xlsx: every finding, one row each, and the ranking, for office users.

use crate::error::Result;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

use super::model::{chinese_date, evidence_text};
use crate::results::AuditResults;

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

pub(super) fn findings_workbook(results: &AuditResults) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    // A fixed creation date keeps the file the same from run to run.
    let created = ExcelDateTime::from_ymd(
        chrono::Datelike::year(&results.circular_date) as u16,
        chrono::Datelike::month(&results.circular_date) as u8,
        chrono::Datelike::day(&results.circular_date) as u8,
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{}{}政务公开考核问题清单",
                results.jurisdiction, results.period_label
            ))
            .set_author(&results.catalogue.issuer)
            .set_creation_datetime(&created),
    );
    let header = Format::new()
        .set_bold()
        .set_background_color("#D9E1F2")
        .set_align(FormatAlign::Center);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let wrap = Format::new().set_text_wrap();

    let sheet = workbook.add_worksheet().set_name(FINDINGS_SHEET)?;
    write_header(sheet, &FINDING_COLUMNS, &header)?;
    let mut row = 1u32;
    for unit in &results.units {
        for f in &unit.findings {
            let finding = &f.finding;
            let e = &finding.evidence;
            let title = unit
                .trace
                .iter()
                .find(|t| t.rule == finding.rule)
                .map(|t| t.title.as_str())
                .unwrap_or("");
            sheet.write_number(row, 0, f64::from(row))?;
            sheet.write_string(row, 1, &unit.id)?;
            sheet.write_string(row, 2, &unit.name)?;
            sheet.write_string(row, 3, format!("{}（{}）", title, finding.rule))?;
            sheet.write_string(row, 4, &finding.clause)?;
            sheet.write_string(row, 5, finding.code.description())?;
            sheet.write_string_with_format(row, 6, &finding.message, &wrap)?;
            for (col, day) in [(7, e.start), (8, e.done), (9, e.deadline)] {
                if let Some(day) = day {
                    sheet.write_datetime_with_format(row, col, day, &date)?;
                }
            }
            sheet.write_string_with_format(row, 10, evidence_text(e), &wrap)?;
            sheet.write_string(row, 11, e.url.as_deref().unwrap_or(""))?;
            sheet.write_string(row, 12, if f.repeat { "重复" } else { "新增" })?;
            sheet.write_string(row, 13, &finding.id)?;
            row += 1;
        }
    }
    sheet.autofilter(
        0,
        0,
        row.saturating_sub(1).max(1),
        FINDING_COLUMNS.len() as u16 - 1,
    )?;

    let sheet = workbook.add_worksheet().set_name(RANKING_SHEET)?;
    let columns = [
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
    write_header(sheet, &columns, &header)?;
    let score = Format::new().set_num_format("0.00");
    for (i, unit) in results.units.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number(r, 0, unit.rank as f64)?;
        sheet.write_number(r, 1, unit.rank_in_kind as f64)?;
        sheet.write_string(r, 2, &unit.name)?;
        sheet.write_string(r, 3, unit.kind.label(&results.jurisdiction))?;
        if let Some(s) = unit.score {
            sheet.write_number_with_format(r, 4, s, &score)?;
        }
        sheet.write_string(r, 5, &unit.grade)?;
        if let Some(s) = unit.previous_score {
            sheet.write_number_with_format(r, 6, s, &score)?;
        }
        sheet.write_number(r, 7, unit.findings.len() as f64)?;
        sheet.write_string(
            r,
            8,
            unit.vetoes
                .iter()
                .map(|v| v.reason.as_str())
                .collect::<Vec<_>>()
                .join("；"),
        )?;
    }
    sheet.autofilter(
        0,
        0,
        results.units.len().max(1) as u32,
        columns.len() as u16 - 1,
    )?;
    sheet.write_string(
        results.units.len() as u32 + 2,
        0,
        format!("通报日期：{}", chinese_date(results.circular_date)),
    )?;
    Ok(workbook.save_to_buffer()?)
}

fn write_header(sheet: &mut Worksheet, columns: &[(&str, f64)], format: &Format) -> Result<()> {
    for (i, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *name, format)?;
        sheet.set_column_width(i as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}
