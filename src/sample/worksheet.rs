//! The inspectors' worksheets: the item sheet (抽查工作底稿), one row per sampled item with
//! what to verify and columns for the verdict, and the unit sheet (单位核查), one row per
//! sampled unit × unit-level requirement. Both go into one XLSX workbook (verdicts
//! restricted to 合格/不合格/不适用), and each into a CSV with a UTF-8 byte order mark so
//! that Excel shows the Chinese.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_xlsxwriter::{DataValidation, Workbook, Worksheet};

use crate::catalogue::{Catalogue, CheckSpec, Requirement, Standard};
use crate::data::{Dataset, Item, SamplePlan, Verdict, HEADERS, SHEET, UNIT_HEADERS, UNIT_SHEET};
use crate::error::Result;
use crate::output::csv_cell;
use crate::report::sheet::{
    fit_row, properties, set_up_printing, write_header, Formats, Links, Rules,
};

/// Column widths; 链接 takes a portal address whole (a link does not wrap in LibreOffice).
const WIDTHS: [f64; 14] = [
    6.0, 8.0, 16.0, 18.0, 36.0, 48.0, 11.0, 24.0, 20.0, 50.0, 10.0, 24.0, 10.0, 11.0,
];

const UNIT_WIDTHS: [f64; 12] = [
    6.0, 8.0, 16.0, 30.0, 36.0, 30.0, 50.0, 40.0, 10.0, 24.0, 10.0, 11.0,
];

/// What a worksheet column holds, for the workbook (the CSV holds text alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 序号: a number.
    Number,
    /// Short text on one line.
    Text,
    /// Text wrapped within the column; the row grows to show it.
    Wrapped,
    /// A web address, linked when it is one.
    Link,
    /// A date (发布日期, and 核查日期 as the inspector types it).
    Date,
}

use Kind::{Date, Link, Number, Text, Wrapped};

/// The item sheet's columns, as [`HEADERS`].
const KINDS: [Kind; 14] = [
    Number, Text, Wrapped, Text, Wrapped, Link, Date, Wrapped, Wrapped, Wrapped, Text, Wrapped,
    Text, Date,
];

/// The unit sheet's columns, as [`UNIT_HEADERS`].
const UNIT_KINDS: [Kind; 12] = [
    Number, Text, Wrapped, Text, Wrapped, Wrapped, Wrapped, Wrapped, Text, Wrapped, Text, Date,
];

/// One sheet's layout: column headers, widths and kinds, the verdict column.
struct Layout<'a, const N: usize> {
    title: String,
    headers: &'a [&'a str; N],
    widths: &'a [f64; N],
    kinds: &'a [Kind; N],
    verdict: u16,
}

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
    let title = format!(
        "{}{}政务公开随机抽查工作底稿",
        plan.jurisdiction,
        plan.period.label_zh()
    );
    // Created "on" the period's last day, not now: the same sample gives the same file.
    workbook.set_properties(&properties(
        &title,
        &catalogue.meta.issuer,
        plan.period.end(),
    )?);
    let formats = Formats::new();
    let sheet = workbook.add_worksheet().set_name(SHEET)?;
    let items = Layout {
        title,
        headers: &HEADERS,
        widths: &WIDTHS,
        kinds: &KINDS,
        verdict: 10,
    };
    write_sheet(sheet, &items, &rows, &formats)?;
    if has_unit_sheet(plan) {
        let sheet = workbook.add_worksheet().set_name(UNIT_SHEET)?;
        let units = Layout {
            title: format!(
                "{}{}政务公开单位核查表",
                plan.jurisdiction,
                plan.period.label_zh()
            ),
            headers: &UNIT_HEADERS,
            widths: &UNIT_WIDTHS,
            kinds: &UNIT_KINDS,
            verdict: 8,
        };
        write_sheet(sheet, &units, &unit_rows(plan, catalogue), &formats)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// One sheet: the header, printed on every page, the first four columns frozen, each cell as its column's kind, rows as tall as their wrapped
/// text, and the verdict column restricted to 合格/不合格/不适用. The header stays the
/// sheet's first row: the reader takes row 1 as the header, so a title goes in the page
/// header, not above the table.
fn write_sheet<const N: usize>(
    sheet: &mut Worksheet,
    layout: &Layout<'_, N>,
    rows: &[[String; N]],
    formats: &Formats,
) -> Result<()> {
    set_up_printing(sheet, &layout.title, (0, 0), Rules::Gridlines)?;
    let columns: Vec<(&str, f64)> = layout
        .headers
        .iter()
        .copied()
        .zip(layout.widths.iter().copied())
        .collect();
    write_header(sheet, &columns, formats)?;
    // The first four columns identify the row: they stay in view too.
    sheet.set_freeze_panes(1, 4)?;
    let mut links = Links::new();
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, text) in row.iter().enumerate() {
            let cell = Cell {
                at: (r, c as u16),
                text,
                kind: layout.kinds[c],
            };
            write_cell(sheet, &cell, formats, &mut links)?;
        }
        fit_row(
            sheet,
            r,
            row.iter()
                .zip(layout.kinds.iter().zip(layout.widths))
                .filter(|(_, (kind, _))| **kind == Wrapped)
                .map(|(text, (_, width))| (text.as_str(), *width)),
        )?;
    }
    if !rows.is_empty() {
        let validation = DataValidation::new()
            .allow_list_strings(&Verdict::ALL.map(Verdict::label))?
            .set_error_message("核查结论只能填写：合格、不合格、不适用")?;
        let verdict = layout.verdict;
        sheet.add_data_validation(1, verdict, rows.len() as u32, verdict, &validation)?;
    }
    Ok(())
}

/// One cell to write: where, its text, its column's kind.
struct Cell<'a> {
    at: (u32, u16),
    text: &'a str,
    kind: Kind,
}

/// A cell as its column's kind; text that is not the number or date its column holds
/// stays text. A blank date or wrapped cell keeps its format for the inspector's entry.
fn write_cell(
    sheet: &mut Worksheet,
    cell: &Cell<'_>,
    formats: &Formats,
    links: &mut Links,
) -> Result<()> {
    let ((row, column), text) = (cell.at, cell.text);
    match cell.kind {
        Number => {
            if let Ok(number) = text.parse::<f64>() {
                sheet.write_number_with_format(row, column, number, &formats.integer)?;
                return Ok(());
            }
        }
        Date => {
            if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                sheet.write_datetime_with_format(row, column, day, &formats.date)?;
                return Ok(());
            }
            if text.is_empty() {
                sheet.write_blank(row, column, &formats.date)?;
                return Ok(());
            }
        }
        Link => return links.write(sheet, cell.at, text, &formats.wrap),
        Wrapped => {
            sheet.write_string_with_format(row, column, text, &formats.wrap)?;
            return Ok(());
        }
        Text => {}
    }
    sheet.write_string_with_format(row, column, text, &formats.cell)?;
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
