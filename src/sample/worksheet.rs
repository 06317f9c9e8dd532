//! The inspectors' worksheets: the item sheet (抽查工作底稿), one row per sampled item with
//! what to verify and columns for the verdict, and the unit sheet (单位核查), one row per
//! sampled unit × unit-level requirement. Both go into one XLSX workbook (verdicts
//! restricted to 合格/不合格/不适用), and each into a CSV with a UTF-8 byte order mark so
//! that Excel shows the Chinese.

use std::collections::HashMap;

use chrono::Datelike;
use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

use crate::catalogue::{Catalogue, CheckSpec, Requirement, Standard};
use crate::data::{Dataset, Item, SamplePlan, Verdict, HEADERS, SHEET, UNIT_HEADERS, UNIT_SHEET};
use crate::error::Result;
use crate::output::csv_cell;

const WIDTHS: [f64; 14] = [
    6.0, 8.0, 16.0, 18.0, 36.0, 36.0, 11.0, 24.0, 20.0, 50.0, 10.0, 24.0, 10.0, 11.0,
];

const UNIT_WIDTHS: [f64; 12] = [
    6.0, 8.0, 16.0, 30.0, 36.0, 30.0, 50.0, 40.0, 10.0, 24.0, 10.0, 11.0,
];

/// `Q/RGZW 302-2018 政务公开日常监测与随机抽查规范 第6.1条`: the clause a verdict rests on.
fn basis(standard: &Standard, rule: &Requirement) -> String {
    format!("{} {} 第{}条", standard.number, standard.title, rule.clause)
}

fn verify(rule: &Requirement) -> &str {
    match &rule.spec {
        CheckSpec::Manual(spec) => &spec.verify,
        _ => "",
    }
}

/// The item worksheet's rows, in sample order, as text.
fn rows(plan: &SamplePlan, catalogue: &Catalogue, data: &Dataset) -> Vec<[String; 14]> {
    let items: HashMap<&str, &Item> = data.items.iter().map(|i| (i.id(), i)).collect();
    let rows = catalogue.items();
    let (standard, rule) = catalogue
        .requirement(&plan.rule)
        .expect("the rule was checked when drawing");
    let basis = basis(standard, rule);
    let verify = verify(rule);
    let mut out = Vec::new();
    for unit in &plan.units {
        for id in &unit.items {
            let Some(item) = items.get(id.as_str()) else {
                continue;
            };
            let row = rows.get(&*item.item_code).map(|(_, r)| *r);
            let matter = row
                .map(|r| format!("{} {}", r.code, r.name()))
                .unwrap_or_else(|| item.column().to_string());
            let elements = row
                .map(|r| format!("；应含要素：{}", r.elements.join("、")))
                .unwrap_or_default();
            out.push([
                (out.len() + 1).to_string(),
                unit.id.clone(),
                unit.name.clone(),
                id.clone(),
                item.title().to_string(),
                item.url().to_string(),
                item.published_on.to_string(),
                matter,
                basis.clone(),
                format!("{verify}{elements}"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    out
}

/// The unit sheet's rows, unit by unit in sample order, each unit's requirements in the
/// order drawn, as text: what to verify, and blank cells for the inspector.
fn unit_rows(plan: &SamplePlan, catalogue: &Catalogue) -> Vec<[String; 12]> {
    let mut out = Vec::new();
    for unit in &plan.units {
        for id in &unit.requirements {
            let Some((standard, rule)) = catalogue.requirement(id) else {
                continue;
            };
            out.push([
                (out.len() + 1).to_string(),
                unit.id.clone(),
                unit.name.clone(),
                id.clone(),
                basis(standard, rule),
                rule.title.clone(),
                verify(rule).to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    out
}

/// Whether the sample has a unit sheet to write: some drawn unit has unit-level
/// requirements.
fn has_unit_sheet(plan: &SamplePlan) -> bool {
    plan.units.iter().any(|u| !u.requirements.is_empty())
}

/// The workbook: the item sheet first, then the unit sheet when the sample has one.
pub(crate) fn worksheet_xlsx(
    plan: &SamplePlan,
    catalogue: &Catalogue,
    data: &Dataset,
) -> Result<Vec<u8>> {
    let rows = rows(plan, catalogue, data);
    let mut workbook = Workbook::new();
    // Created "on" the period's last day, not now: the same sample gives the same file.
    let end = plan.period.end();
    let created = ExcelDateTime::from_ymd(end.year() as u16, end.month() as u8, end.day() as u8)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{}{}政务公开随机抽查工作底稿",
                plan.jurisdiction,
                plan.period.label_zh()
            ))
            .set_creation_datetime(&created),
    );
    let sheet = workbook.add_worksheet().set_name(SHEET)?;
    write_sheet(sheet, &HEADERS, &WIDTHS, &rows, &[9], 10)?;
    if has_unit_sheet(plan) {
        let sheet = workbook.add_worksheet().set_name(UNIT_SHEET)?;
        write_sheet(
            sheet,
            &UNIT_HEADERS,
            &UNIT_WIDTHS,
            &unit_rows(plan, catalogue),
            &[6, 7],
            8,
        )?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// One sheet: the bold header, column widths, the first four columns frozen (they
/// identify the row), `wrapped` columns wrapping their text, and the `verdict` column
/// restricted to 合格/不合格/不适用.
fn write_sheet<const N: usize>(
    sheet: &mut Worksheet,
    headers: &[&str; N],
    widths: &[f64; N],
    rows: &[[String; N]],
    wrapped: &[usize],
    verdict: u16,
) -> Result<()> {
    let header = Format::new().set_bold().set_background_color("#D9E1F2");
    let wrap = Format::new().set_text_wrap();
    for (c, (name, width)) in headers.iter().zip(widths).enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &header)?;
        sheet.set_column_width(c as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 4)?;
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if wrapped.contains(&c) {
                sheet.write_string_with_format(r as u32 + 1, c as u16, text, &wrap)?;
            } else {
                sheet.write_string(r as u32 + 1, c as u16, text)?;
            }
        }
    }
    if !rows.is_empty() {
        let validation = DataValidation::new()
            .allow_list_strings(&Verdict::ALL.map(Verdict::label))?
            .set_error_message("核查结论只能填写：合格、不合格、不适用")?;
        sheet.add_data_validation(1, verdict, rows.len() as u32, verdict, &validation)?;
    }
    Ok(())
}

pub(crate) fn worksheet_csv(
    plan: &SamplePlan,
    catalogue: &Catalogue,
    data: &Dataset,
) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(HEADERS)?;
    for row in rows(plan, catalogue, data) {
        // A title such as `=HYPERLINK(…)` must stay text in Excel and WPS.
        writer.write_record(row.iter().map(|cell| csv_cell(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| crate::error::Error::internal("写入 worksheet.csv", e))
}

/// The unit sheet as CSV (`unit_worksheet.csv`); `None` when no drawn unit has
/// unit-level requirements.
pub(crate) fn unit_worksheet_csv(
    plan: &SamplePlan,
    catalogue: &Catalogue,
) -> Result<Option<Vec<u8>>> {
    if !has_unit_sheet(plan) {
        return Ok(None);
    }
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(UNIT_HEADERS)?;
    for row in unit_rows(plan, catalogue) {
        writer.write_record(row.iter().map(|cell| csv_cell(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map(Some)
        .map_err(|e| crate::error::Error::internal("写入 unit_worksheet.csv", e))
}
