//! The report's files: Markdown and HTML through the templates (tables with merged header
//! and label cells, as the national format draws them), JSON with cells keyed by the
//! official labels, and a workbook with one sheet per table.

use chrono::NaiveDate;
use indexmap::IndexMap;
use rust_xlsxwriter::{Format as CellFormat, FormatAlign, FormatBorder, Workbook};
use serde::Serialize;

use super::format::{key, Cell, Table};
use super::Report;
use crate::error::{Error, Result};
use crate::report::sheet::{fit_row, properties, set_up_printing, Rules};
use crate::report::Renderer;

/// Which files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Md,
    Html,
    Json,
    Xlsx,
    All,
}

impl Output {
    fn includes(self, other: Output) -> bool {
        self == Output::All || self == other
    }
}

/// The files of every report: (file name, bytes).
pub(crate) fn render(
    reports: &[Report],
    output: Output,
    renderer: &Renderer,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for report in reports {
        let stem = report.file_stem();
        let view = View::of(report);
        if output.includes(Output::Md) {
            let text = renderer.render("disclosure.md.hbs", &view)?;
            files.push((format!("{stem}.md"), text.into_bytes()));
        }
        if output.includes(Output::Html) {
            let text = renderer.render("disclosure.html.hbs", &view)?;
            files.push((format!("{stem}.html"), text.into_bytes()));
        }
        if output.includes(Output::Json) {
            let json = serde_json::to_vec_pretty(&json(report))
                .map_err(|e| Error::internal("写入年度报告 JSON", e))?;
            files.push((format!("{stem}.json"), json));
        }
        if output.includes(Output::Xlsx) {
            files.push((format!("{stem}.xlsx"), workbook(report)?));
        }
    }
    Ok(files)
}

/// The JSON: the report's facts, and its cells as table → row → column → number.
#[derive(Serialize)]
struct Json<'a> {
    year: i32,
    unit: &'a Option<String>,
    issuer: &'a str,
    title: &'a str,
    format: &'a str,
    quarters: &'a [String],
    tables: IndexMap<&'a str, IndexMap<String, IndexMap<String, Cell>>>,
    checks: &'a super::Checked,
    notes: &'a [String],
}

fn json(report: &Report) -> Json<'_> {
    let tables = report
        .tables()
        .map(|table| {
            let rows = table
                .rows
                .iter()
                .map(|row| {
                    let cells = table
                        .columns
                        .iter()
                        .zip(&row.cells)
                        .map(|(column, cell)| (key(column), *cell))
                        .collect();
                    (key(&row.labels), cells)
                })
                .collect();
            (table.key.as_str(), rows)
        })
        .collect();
    Json {
        year: report.year,
        unit: &report.unit,
        issuer: &report.issuer,
        title: &report.title,
        format: report.format_name,
        quarters: &report.quarters,
        tables,
        checks: &report.checks,
        notes: &report.notes,
    }
}

/// What the templates see.
#[derive(Serialize)]
struct View<'a> {
    report: &'a Report,
    sections: Vec<SectionView<'a>>,
    checks_passed: bool,
    checks_failed: usize,
}

#[derive(Serialize)]
struct SectionView<'a> {
    heading: &'a str,
    paragraphs: &'a [String],
    tables: Vec<TableView<'a>>,
}

#[derive(Serialize)]
struct TableView<'a> {
    /// `None` when the section's heading already says it.
    caption: Option<&'a str>,
    note: &'a Option<String>,
    reported: bool,
    /// HTML: header rows and body rows of spanning cells.
    head: Vec<Vec<Span>>,
    body: Vec<Vec<Span>>,
    /// Markdown: one header line of joined labels, rows of text.
    md_columns: Vec<String>,
    md_rows: Vec<Vec<String>>,
}

#[derive(Serialize, Clone)]
struct Span {
    text: String,
    colspan: usize,
    rowspan: usize,
    label: bool,
}

impl View<'_> {
    fn of(report: &Report) -> View<'_> {
        View {
            report,
            sections: report
                .sections
                .iter()
                .map(|s| SectionView {
                    heading: &s.heading,
                    paragraphs: &s.paragraphs,
                    tables: s
                        .tables
                        .iter()
                        .map(|t| {
                            let mut view = table_view(t);
                            view.caption = view.caption.filter(|c| *c != s.heading);
                            view
                        })
                        .collect(),
                })
                .collect(),
            checks_passed: report.checks.failed.is_empty(),
            checks_failed: report.checks.failed.len(),
        }
    }
}

pub(super) fn depth(paths: impl Iterator<Item = usize>) -> usize {
    paths.max().unwrap_or(1).max(1)
}

/// Merged cells for label paths laid out along one axis: for each level, the cells that
/// start there (position, span along the axis, span across levels). Neighbours sharing a
/// prefix merge; a path shorter than `levels` stretches its last label across the rest.
fn merged(paths: &[Vec<String>], levels: usize) -> Vec<Vec<(usize, String, usize, usize)>> {
    let mut out = vec![Vec::new(); levels];
    for (level, cells) in out.iter_mut().enumerate() {
        let mut i = 0;
        while i < paths.len() {
            let path = &paths[i];
            if level >= path.len() {
                i += 1;
                continue;
            }
            let prefix = &path[..=level];
            let last = level + 1 == path.len();
            let mut along = 1;
            while !last
                && i + along < paths.len()
                && paths[i + along].len() > level + 1
                && paths[i + along][..=level] == *prefix
            {
                along += 1;
            }
            let across = if last { levels - level } else { 1 };
            cells.push((i, path[level].clone(), along, across));
            i += along;
        }
    }
    out
}

fn table_view(table: &Table) -> TableView<'_> {
    let column_levels = depth(table.columns.iter().map(Vec::len));
    let row_paths: Vec<Vec<String>> = table.rows.iter().map(|r| r.labels.clone()).collect();
    let row_levels = depth(row_paths.iter().map(Vec::len));
    let mut head: Vec<Vec<Span>> = vec![Vec::new(); column_levels];
    head[0].push(Span {
        text: String::new(),
        colspan: row_levels,
        rowspan: column_levels,
        label: true,
    });
    for (level, cells) in merged(&table.columns, column_levels)
        .into_iter()
        .enumerate()
    {
        for (_, text, along, across) in cells {
            head[level].push(Span {
                text,
                colspan: along,
                rowspan: across,
                label: true,
            });
        }
    }
    let mut body: Vec<Vec<Span>> = vec![Vec::new(); table.rows.len()];
    for cells in merged(&row_paths, row_levels) {
        for (at, text, along, across) in cells {
            body[at].push(Span {
                text,
                colspan: across,
                rowspan: along,
                label: true,
            });
        }
    }
    for (spans, row) in body.iter_mut().zip(&table.rows) {
        spans.extend(row.cells.iter().map(|cell| Span {
            text: cell.text(),
            colspan: 1,
            rowspan: 1,
            label: false,
        }));
    }
    TableView {
        caption: Some(&table.caption),
        note: &table.note,
        reported: table.reported,
        head,
        body,
        md_columns: table.columns.iter().map(|c| c.join("·")).collect(),
        md_rows: markdown_rows(table),
    }
}

/// Markdown cannot merge cells: a row's outer label is printed once, on a row of its own,
/// above the rows it groups; each row then shows the rest of its path.
fn markdown_rows(table: &Table) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut group: Option<&str> = None;
    for row in &table.rows {
        let label = match row.labels.split_first() {
            Some((outer, rest)) if !rest.is_empty() => {
                if group != Some(outer.as_str()) {
                    let mut heading = vec![outer.clone()];
                    heading.extend(row.cells.iter().map(|_| String::new()));
                    rows.push(heading);
                }
                group = Some(outer);
                rest.join(" ")
            }
            _ => {
                group = None;
                key(&row.labels)
            }
        };
        let mut cells = vec![label];
        cells.extend(row.cells.iter().map(|c| c.text()));
        rows.push(cells);
    }
    rows
}

/// The sheet row (0-based) a table's header starts on, below its title.
pub(super) const SHEET_TOP: u32 = 2;

/// One sheet per table, laid out as the HTML: merged header and label cells, then numbers.
fn workbook(report: &Report) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    // Created "on" the last day of the year reported, not now: the same records give the
    // same file.
    let year_end = NaiveDate::from_ymd_opt(report.year, 12, 31)
        .ok_or_else(|| Error::Invalid(format!("{} 不是有效的年份", report.year)))?;
    workbook.set_properties(&properties(&report.title, &report.issuer, year_end)?);
    let border = CellFormat::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let label = border.clone().set_bold();
    let title = CellFormat::new().set_bold().set_font_size(14);
    for table in report.tables() {
        let name: String = table
            .key
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let sheet = workbook.add_worksheet().set_name(&name)?;
        let heading = format!("{} {}", report.title, table.caption);
        sheet.write_string_with_format(0, 0, &heading, &title)?;
        let view = table_view(table);
        let top = SHEET_TOP;
        let body_top = top + view.head.len() as u32;
        set_up_printing(sheet, &heading, (top, body_top - 1), Rules::Borders)?;
        let widths = column_widths(table);
        for (c, width) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, *width)?;
        }
        let formats = SpanFormats {
            label: &label,
            number: &border,
        };
        write_spans(sheet, &view.head, top, &widths, &formats)?;
        write_spans(sheet, &view.body, body_top, &widths, &formats)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The sheet's column widths: the row labels (the innermost wide), then the figures.
fn column_widths(table: &Table) -> Vec<f64> {
    let labels = depth(table.rows.iter().map(|r| r.labels.len()));
    (0..labels)
        .map(|c| if c + 1 == labels { 36.0 } else { 16.0 })
        .chain(table.columns.iter().map(|_| 12.0))
        .collect()
}

/// The formats of a table's cells: labels, and figures.
struct SpanFormats<'a> {
    label: &'a CellFormat,
    number: &'a CellFormat,
}

/// Rows of spanning cells, placed left to right around the cells that spans from rows
/// above already take; labels in `label`, numbers as numbers in `number`; each row as tall
/// as the text of its one-row cells needs in the `widths` they span.
fn write_spans(
    sheet: &mut rust_xlsxwriter::Worksheet,
    rows: &[Vec<Span>],
    top: u32,
    widths: &[f64],
    formats: &SpanFormats<'_>,
) -> Result<()> {
    let mut taken = vec![Vec::<bool>::new(); rows.len()];
    for (r, spans) in rows.iter().enumerate() {
        let mut c = 0usize;
        let mut one_row_cells: Vec<(&str, f64)> = Vec::new();
        for span in spans {
            while taken[r].get(c).copied().unwrap_or(false) {
                c += 1;
            }
            let (row, col) = (top + r as u32, c as u16);
            let format = if span.label {
                formats.label
            } else {
                formats.number
            };
            if span.colspan > 1 || span.rowspan > 1 {
                let last_row = row + span.rowspan as u32 - 1;
                let last_col = (c + span.colspan - 1) as u16;
                sheet.merge_range(row, col, last_row, last_col, &span.text, format)?;
            } else if let (false, Ok(value)) = (span.label, span.text.parse::<f64>()) {
                sheet.write_number_with_format(row, col, value, format)?;
            } else {
                sheet.write_string_with_format(row, col, &span.text, format)?;
            }
            if span.rowspan == 1 {
                let width = widths.iter().skip(c).take(span.colspan).sum();
                one_row_cells.push((&span.text, width));
            }
            for below in taken.iter_mut().skip(r).take(span.rowspan) {
                if below.len() < c + span.colspan {
                    below.resize(c + span.colspan, false);
                }
                below[c..c + span.colspan]
                    .iter_mut()
                    .for_each(|t| *t = true);
            }
            c += span.colspan;
        }
        fit_row(sheet, top + r as u32, one_row_cells)?;
    }
    Ok(())
}
