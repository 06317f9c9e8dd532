//! Table inputs kept in Excel: one sheet of an .xlsx workbook (the first unless named),
//! its first row the header, read cell by cell into the same batches as a CSV file.
//!
//! A workbook is bounded before it is read: by its size, the size its parts unpack to,
//! and the range its sheet declares, so a stray cell at XFD1048576 or a zip bomb is
//! refused instead of filling memory.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_from_rs, DataRef, Reader, Xlsx};
use sha2::{Digest, Sha256};

use super::batch::{Batch, Span};
use crate::problem::{quote, Problem};

/// Larger workbooks are not a quarter's data.
const MAX_FILE: u64 = 200 << 20;
/// What a workbook's parts may unpack to.
const MAX_UNPACKED: u128 = 2 << 30;
/// Strings a workbook's shared-string table may declare: a full sheet of our widest table.
const MAX_SHARED_STRINGS: u64 = 16 << 20;
/// Columns a sheet may declare; the widest table has 15.
const MAX_COLUMNS: u32 = 64;
/// Excel's own row limit.
const MAX_ROWS: u32 = 1_048_576;
/// Rows per batch.
const BATCH_ROWS: usize = 50_000;

type Workbook = Xlsx<Cursor<Vec<u8>>>;

/// A sheet read whole into batches of records.
pub(super) struct SheetReader {
    pub sheet: String,
    pub header: Vec<String>,
    pub sha256: String,
    batches: std::vec::IntoIter<Batch>,
    /// Cells holding a formula, as (row, column), both 0-based, when asked for.
    pub formulas: Vec<(u32, u32)>,
}

impl SheetReader {
    /// Reads `sheet` (or the first sheet) of the workbook at `path`, of `size` bytes;
    /// `formulas` also lists the cells that hold a formula.
    pub(super) fn open(
        path: &Path,
        size: u64,
        sheet: Option<&str>,
        formulas: bool,
    ) -> Result<SheetReader, Problem> {
        let fail = |message: String| Problem::file(path, message);
        let (mut book, sha256) = open_book(path, size)?;
        let names = book.sheet_names();
        let sheet = match sheet {
            Some(name) if names.iter().any(|n| n == name) => name.to_string(),
            Some(name) => {
                return Err(fail(format!(
                    "工作簿中没有工作表“{name}”（现有：{}）",
                    names.join("、")
                )))
            }
            None => names
                .first()
                .cloned()
                .ok_or_else(|| fail("工作簿中没有工作表".into()))?,
        };
        let (header, batches) = read_cells(path, &mut book, &sheet)?;
        let formulas = if formulas {
            formula_cells(path, &mut book, &sheet)?
        } else {
            Vec::new()
        };
        Ok(SheetReader {
            sheet,
            header,
            sha256,
            batches: batches.into_iter(),
            formulas,
        })
    }

    pub(super) fn next_batch(&mut self) -> Option<Batch> {
        self.batches.next()
    }
}

/// Opens the workbook at `path`, of `size` bytes, within the bounds; with its SHA-256.
fn open_book(path: &Path, size: u64) -> Result<(Workbook, String), Problem> {
    let fail = |message: String| Problem::file(path, message);
    if size > MAX_FILE {
        return Err(fail(format!(
            "工作簿有 {} MB，超过 {} MB 的上限",
            size >> 20,
            MAX_FILE >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|err| Problem::unreadable(path, &err))?;
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    check_parts(path, &bytes)?;
    let book: Workbook = open_workbook_from_rs(Cursor::new(bytes)).map_err(|err| {
        fail(format!(
            "无法打开工作簿（文件损坏，或不是 .xlsx 格式？）：{err}"
        ))
    })?;
    Ok((book, sha256))
}

/// A sheet's non-empty cells: ((row, column), text).
pub(crate) type SheetCells = Vec<((u32, u32), String)>;

/// Every sheet of a workbook that is not a table of records (a filled report form): its
/// name and the text of its non-empty cells by (row, column), both 0-based; bounded like
/// any workbook read.
pub(crate) fn read_sheets(path: &Path) -> Result<Vec<(String, SheetCells)>, Problem> {
    let size = std::fs::metadata(path)
        .map_err(|err| Problem::unreadable(path, &err))?
        .len();
    let (mut book, _) = open_book(path, size)?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let unreadable = |err: calamine::XlsxError| {
            Problem::file(path, format!("无法读取工作表“{name}”：{err}"))
        };
        let mut reader = book.worksheet_cells_reader(&name).map_err(unreadable)?;
        let end = reader.dimensions().end;
        if end.1 >= MAX_COLUMNS || end.0 >= MAX_ROWS {
            return Err(Problem::file(
                path,
                format!("工作表“{name}”声明的范围超出合理范围（最多 {MAX_COLUMNS} 列）"),
            ));
        }
        let mut cells = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let (row, column) = cell.get_position();
            if row >= MAX_ROWS || column >= MAX_COLUMNS {
                return Err(Problem::file(
                    path,
                    format!(
                        "工作表“{name}”的单元格 {}{} 超出合理范围",
                        column_letter(column),
                        row + 1
                    ),
                ));
            }
            let text = cell_text(cell.get_value()).map_err(|message| {
                let at = format!("{}{}", column_letter(column), row + 1);
                Problem::file(path, format!("工作表“{name}”的 {at}：{message}"))
            })?;
            if !text.trim().is_empty() {
                cells.push(((row, column), text.trim().to_string()));
            }
        }
        sheets.push((name, cells));
    }
    Ok(sheets)
}

/// Refuses a workbook whose parts declare more than [`MAX_UNPACKED`] bytes unpacked, or
/// whose shared-string table declares more strings than it can hold: the reader reserves
/// room for the declared count before reading one.
fn check_parts(path: &Path, bytes: &[u8]) -> Result<(), Problem> {
    // Not a zip at all: opening it says so.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let refuse = |message: String| Err(Problem::file(path, message));
    if archive
        .decompressed_size()
        .is_some_and(|size| size > MAX_UNPACKED)
    {
        return refuse(format!(
            "工作簿解压后超过 {} GB，不是正常的台账文件",
            MAX_UNPACKED >> 30
        ));
    }
    let Some(name) = archive
        .file_names()
        .find(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"))
        .map(String::from)
    else {
        return Ok(());
    };
    let Ok(part) = archive.by_name(&name) else {
        return Ok(());
    };
    let room = (part.size() / 4).min(MAX_SHARED_STRINGS);
    let mut head = Vec::new();
    // The count is an attribute of the part's first element.
    let _ = part.take(4096).read_to_end(&mut head);
    match declared_count(&head) {
        Some(count) if count > room => refuse(format!(
            "工作簿的共享字符串表声明有 {count} 项，超出其内容所能容纳的数量：文件已损坏"
        )),
        _ => Ok(()),
    }
}

/// `uniqueCount="N"` of a shared-string table's opening.
fn declared_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let rest = &text[text.find("uniqueCount=\"")? + "uniqueCount=\"".len()..];
    let digits = &rest[..rest.find('"')?];
    // Too many digits for a number is too many strings.
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// The sheet's header (row 1) and its other rows, in batches.
fn read_cells(
    path: &Path,
    book: &mut Workbook,
    sheet: &str,
) -> Result<(Vec<String>, Vec<Batch>), Problem> {
    let unreadable =
        |err: calamine::XlsxError| Problem::file(path, format!("无法读取工作表“{sheet}”：{err}"));
    let mut cells = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
    let dimensions = cells.dimensions();
    if dimensions.end.1 >= MAX_COLUMNS || dimensions.end.0 >= MAX_ROWS {
        return Err(Problem::file(
            path,
            format!(
                "工作表“{sheet}”声明的范围到 {}{}，超出合理范围（最多 {MAX_COLUMNS} 列）：请删除表格右侧或下方多余的单元格后重新保存",
                column_letter(dimensions.end.1),
                dimensions.end.0 + 1
            ),
        ));
    }
    let mut rows = Rows::new(path, sheet);
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            // Outside the declared range: refuse rather than trust the declaration.
            return Err(Problem::file(
                path,
                format!(
                    "工作表“{sheet}”的单元格 {}{} 超出合理范围：请删除多余的单元格后重新保存",
                    column_letter(column),
                    row + 1
                ),
            ));
        }
        rows.cell(row, column, cell.get_value());
    }
    Ok(rows.finish())
}

/// Cells that hold a formula.
fn formula_cells(
    path: &Path,
    book: &mut Workbook,
    sheet: &str,
) -> Result<Vec<(u32, u32)>, Problem> {
    let unreadable =
        |err: calamine::XlsxError| Problem::file(path, format!("无法读取工作表“{sheet}”：{err}"));
    let mut cells = book.worksheet_cells_reader(sheet).map_err(unreadable)?;
    let mut found = Vec::new();
    while let Some(cell) = cells.next_formula().map_err(unreadable)? {
        if !cell.get_value().is_empty() {
            found.push(cell.get_position());
        }
    }
    Ok(found)
}

/// Gathers cells into records, row by row.
struct Rows<'a> {
    path: &'a Path,
    sheet: &'a str,
    header: Vec<String>,
    /// The row being gathered and its cells' text.
    row: Option<u32>,
    fields: Vec<String>,
    refused: Option<Problem>,
    done: Vec<Batch>,
    batch: Pending,
}

#[derive(Default)]
struct Pending {
    text: String,
    ends: Vec<u32>,
    spans: Vec<Span>,
    refused: Vec<Problem>,
}

impl<'a> Rows<'a> {
    fn new(path: &'a Path, sheet: &'a str) -> Rows<'a> {
        Rows {
            path,
            sheet,
            header: Vec::new(),
            row: None,
            fields: Vec::new(),
            refused: None,
            done: Vec::new(),
            batch: Pending::default(),
        }
    }

    fn cell(&mut self, row: u32, column: u32, value: &DataRef<'_>) {
        if self.row != Some(row) {
            self.end_row();
            self.row = Some(row);
        }
        let text = match cell_text(value) {
            Ok(text) => text,
            Err(message) => {
                self.refuse(row, column, message);
                return;
            }
        };
        if text.is_empty() {
            return;
        }
        let width = if self.header.is_empty() && row == 0 {
            MAX_COLUMNS as usize
        } else {
            self.header.len()
        };
        let column = column as usize;
        if column >= width {
            let message = format!("这一列没有列名，却有内容 {}", quote(&text));
            self.refuse(row, column as u32, message);
            return;
        }
        if self.fields.len() <= column {
            self.fields.resize(column + 1, String::new());
        }
        self.fields[column] = text;
    }

    fn refuse(&mut self, row: u32, column: u32, message: String) {
        if self.refused.is_none() {
            self.refused = Some(Problem {
                file: PathBuf::from(self.path),
                line: Some(row as usize + 1),
                field: format!("{}!{}{}", self.sheet, column_letter(column), row + 1),
                message,
            });
        }
    }

    fn end_row(&mut self) {
        let Some(row) = self.row.take() else {
            return;
        };
        let mut fields = std::mem::take(&mut self.fields);
        if row == 0 {
            self.header = fields.iter().map(|f| f.trim().to_string()).collect();
            while self.header.last().is_some_and(String::is_empty) {
                self.header.pop();
            }
            return;
        }
        if let Some(problem) = self.refused.take() {
            self.batch.refused.push(problem);
            return;
        }
        fields.resize(self.header.len(), String::new());
        let start = self.batch.text.len();
        let from = self.batch.ends.len();
        for field in &fields {
            self.batch.text.push_str(field);
            self.batch.ends.push((self.batch.text.len() - start) as u32);
        }
        self.batch.spans.push(Span {
            start,
            ends_from: from,
            ends_to: self.batch.ends.len(),
            line: row as usize + 1,
        });
        if self.batch.spans.len() + self.batch.refused.len() >= BATCH_ROWS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let Pending {
            text,
            ends,
            spans,
            refused,
        } = std::mem::take(&mut self.batch);
        self.done
            .push(Batch::new(text.into_bytes(), ends, spans, refused));
    }

    fn finish(mut self) -> (Vec<String>, Vec<Batch>) {
        self.end_row();
        self.flush();
        (self.header, self.done)
    }
}

/// A cell as the text a CSV would hold: dates as `YYYY-MM-DD`, whole numbers without a
/// decimal point; an error value (#N/A …) is refused.
fn cell_text(value: &DataRef<'_>) -> Result<String, String> {
    Ok(match value {
        DataRef::Empty => String::new(),
        DataRef::String(text) => text.clone(),
        DataRef::SharedString(text) => text.to_string(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(date) => match date.as_datetime() {
            Some(datetime) => datetime.date().format("%Y-%m-%d").to_string(),
            None => return Err("不是有效的日期".into()),
        },
        DataRef::DateTimeIso(text) => text.split('T').next().unwrap_or_default().to_string(),
        DataRef::DurationIso(text) => text.clone(),
        DataRef::Error(error) => return Err(format!("单元格是错误值 {error}，不是数据")),
    })
}

/// `A` … `Z`, `AA` …: the column's letters.
pub(crate) fn column_letter(index: u32) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_string_count_is_read_from_the_part_opening() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="3" uniqueCount="2"><si>"#;
        assert_eq!(declared_count(head), Some(2));
        assert_eq!(
            declared_count(br#"<sst uniqueCount="99999999999999999999999">"#),
            Some(u64::MAX)
        );
        assert_eq!(declared_count(b"<sst>"), None);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(16383), "XFD");
    }
}
