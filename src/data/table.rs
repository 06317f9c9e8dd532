//! Reading the audit's table files — CSV (UTF-8 or GB18030, any line end) or a sheet of
//! an .xlsx workbook: header check, then typed fields that report their file, line and
//! column when they do not parse.
//!
//! Files are read in batches of whole records; each batch is validated on every core
//! while the next one is read. Results keep file order.

use std::fs::File;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::{FxBuildHasher, FxHashMap};

use super::batch::{Batch, RawRecord};
use super::csv_file::CsvReader;
use super::xlsx_file::{column_letter, SheetReader};
use crate::problem::{quote, Problem, Problems};

/// Excel's limit on a cell: longer text cannot be written back into a workbook.
pub(crate) const MAX_FIELD_CHARS: usize = 32_767;

/// One input file as the report lists it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct InputFile {
    pub file: String,
    pub rows: usize,
    /// Rows with no value in any field, left out.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub blank_rows: usize,
    /// How a CSV file was encoded (UTF-8, UTF-8（带BOM）, GB18030).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The sheet read from a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub sha256: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A record with an id and the line it came from.
pub(super) trait Record {
    /// The column the id is read from.
    const ID_COLUMN: &'static str = "id";
    fn id(&self) -> &str;
    fn line(&self) -> u32;
}

/// What reading one file gave.
pub(super) struct TableRead<T> {
    pub records: Vec<T>,
    pub input: InputFile,
    /// Rows that did not parse (skipped with --keep-going).
    pub row_problems: Vec<Problem>,
}

impl<T> TableRead<T> {
    /// The records, or every row problem: for tables where a bad row cannot be skipped.
    pub(super) fn into_records(self) -> Result<Vec<T>, Problems> {
        let mut problems = Problems::default();
        for problem in self.row_problems {
            problems.push(problem);
        }
        problems.into_result()?;
        Ok(self.records)
    }
}

/// Where a table comes from.
pub(super) enum Source {
    Csv(CsvReader),
    Sheet(SheetReader),
}

impl Source {
    /// Opens `path` as a workbook (`.xlsx`: `sheet`, else the first; `formulas` lists the
    /// cells holding one) or as CSV text.
    pub(super) fn open(
        path: &Path,
        sheet: Option<&str>,
        formulas: bool,
    ) -> Result<Source, Problem> {
        let meta = std::fs::metadata(path).map_err(|err| Problem::unreadable(path, &err))?;
        if !meta.is_file() {
            return Err(Problem::file(path, "不是文件（是文件夹？）"));
        }
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        {
            let sheet = SheetReader::open(path, meta.len(), sheet, formulas)?;
            return Ok(Source::Sheet(sheet));
        }
        let file = File::open(path).map_err(|err| Problem::unreadable(path, &err))?;
        Ok(Source::Csv(CsvReader::open(path, file)))
    }

    fn next_batch(&mut self) -> Result<Option<Batch>, Problem> {
        match self {
            Source::Csv(reader) => reader.next_batch(),
            Source::Sheet(reader) => Ok(reader.next_batch()),
        }
    }

    /// Takes back a batch that was validated.
    fn recycle(&mut self, batch: Batch) {
        if let Source::Csv(reader) = self {
            reader.recycle(batch);
        }
    }

    /// The column names and the header's line.
    fn header(&self) -> (&[String], usize) {
        match self {
            Source::Csv(reader) => reader.header(),
            Source::Sheet(reader) => (&reader.header, 1),
        }
    }

    fn layout(&self) -> Layout {
        match self {
            Source::Csv(_) => Layout::Csv,
            Source::Sheet(reader) => Layout::Sheet(reader.sheet.clone()),
        }
    }

    fn input(&self, path: &Path, rows: usize, blank_rows: usize) -> InputFile {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (encoding, sheet, sha256) = match self {
            Source::Csv(reader) => (Some(reader.encoding().name().into()), None, reader.sha256()),
            Source::Sheet(reader) => (None, Some(reader.sheet.clone()), reader.sha256.clone()),
        };
        InputFile {
            file,
            rows,
            blank_rows,
            encoding,
            sheet,
            sha256,
        }
    }
}

/// How positions in a table are named.
#[derive(Debug, Clone)]
pub(super) enum Layout {
    Csv,
    Sheet(String),
}

impl Layout {
    /// `title（第5列）` in CSV, `title（台账!E12）` in a sheet.
    pub(super) fn field(&self, column: &str, index: usize, line: usize) -> String {
        match self {
            Layout::Csv => format!("{column}（第{}列）", index + 1),
            Layout::Sheet(sheet) => {
                format!("{column}（{sheet}!{}{line}）", column_letter(index as u32))
            }
        }
    }
}

/// The columns of a table: where each expected one is, and the header's width.
pub(super) struct Columns<'a> {
    names: Vec<(&'a str, usize)>,
    /// Columns without a name (Excel writes them for formatted cells): must stay empty.
    unnamed: Vec<usize>,
    width: usize,
}

impl Columns<'_> {
    /// Where `column` is. Parsers name columns by the same constants the header is
    /// checked against, so a name is usually found by its address alone; the text is
    /// compared only when no address matches (a name of equal length would otherwise cost
    /// a byte comparison on every lookup of every row).
    pub(super) fn index(&self, column: &str) -> Option<usize> {
        let names = &self.names;
        names
            .iter()
            .find(|(name, _)| std::ptr::eq(*name, column))
            .or_else(|| names.iter().find(|(name, _)| *name == column))
            .map(|(_, i)| *i)
    }
}

/// What validating a row needs from its table.
pub(super) struct Table<'a> {
    pub path: &'a Path,
    pub layout: Layout,
    pub columns: Columns<'a>,
}

impl Table<'_> {
    /// A problem at a row and column, the column named the way the file shows it.
    pub(super) fn problem(&self, line: usize, column: &str, message: String) -> Problem {
        let field = match self.columns.index(column) {
            Some(i) => self.layout.field(column, i, line),
            None => column.to_string(),
        };
        Problem {
            file: PathBuf::from(self.path),
            line: Some(line),
            field,
            message,
        }
    }

    fn row_problem(&self, line: usize, message: String) -> Problem {
        Problem {
            file: PathBuf::from(self.path),
            line: Some(line),
            field: String::new(),
            message,
        }
    }
}

/// Reads the table `source` at `path`, requiring exactly `columns` in its header, and
/// parses every row with `parse` (which records problems on the row and returns `None`
/// when it cannot build a record). Duplicate ids are row problems too. `Err` is a
/// problem with the file itself.
pub(super) fn read_table<T: Record + Send + Sync>(
    mut source: Source,
    path: &Path,
    columns: &[&str],
    parse: impl Fn(&mut Row<'_>) -> Option<T> + Sync,
) -> Result<TableRead<T>, Problem> {
    let mut batch = source.next_batch()?;
    let (header, header_line) = source.header();
    if header.is_empty() {
        return Err(Problem::file(path, "文件是空的：第一行应是表头（列名）"));
    }
    let table = Table {
        path,
        layout: source.layout(),
        columns: check_header(path, header, header_line, columns)?,
    };
    let (mut records, mut row_problems) = (Vec::new(), Vec::new());
    let (mut rows, mut blank_rows) = (0, 0);
    while let Some(mut current) = batch.take() {
        // Validate this batch on every core while the next one is read.
        let (parsed, next) = rayon::join(
            || validate(&table, &current, &parse),
            || source.next_batch(),
        );
        rows += current.refused.len();
        row_problems.append(&mut current.refused);
        source.recycle(current);
        for piece in parsed {
            rows += piece.rows;
            blank_rows += piece.blank;
            records.extend(piece.records);
            row_problems.extend(piece.problems);
        }
        batch = next?;
    }
    let duplicates = duplicate_ids(&table, &records);
    if !duplicates.is_empty() {
        let lines: std::collections::HashSet<usize> =
            duplicates.iter().filter_map(|p| p.line).collect();
        records.retain(|r| !lines.contains(&(r.line() as usize)));
        row_problems.extend(duplicates);
    }
    row_problems.sort_by_key(|p| p.line);
    Ok(TableRead {
        records,
        input: source.input(path, rows, blank_rows),
        row_problems,
    })
}

/// What validating part of a batch gave.
struct Piece<T> {
    records: Vec<T>,
    problems: Vec<Problem>,
    /// Rows read (blank ones not counted) and blank rows left out.
    rows: usize,
    blank: usize,
}

/// Parses a batch in pieces, in parallel; pieces come back in order.
fn validate<T: Send>(
    table: &Table<'_>,
    batch: &Batch,
    parse: &(impl Fn(&mut Row<'_>) -> Option<T> + Sync),
) -> Vec<Piece<T>> {
    let pieces = 4 * rayon::current_num_threads();
    let size = batch.len().div_ceil(pieces).max(1);
    let starts: Vec<usize> = (0..batch.len()).step_by(size).collect();
    starts
        .into_par_iter()
        .map(|start| {
            let mut piece = Piece {
                records: Vec::new(),
                problems: Vec::new(),
                rows: 0,
                blank: 0,
            };
            for i in start..(start + size).min(batch.len()) {
                let record = match batch.record(i) {
                    Ok(record) if record.is_blank() => {
                        piece.blank += 1;
                        continue;
                    }
                    Ok(record) => record,
                    Err(line) => {
                        piece.rows += 1;
                        piece
                            .problems
                            .push(table.row_problem(line, NOT_UTF8.into()));
                        continue;
                    }
                };
                piece.rows += 1;
                match parse_record(table, record, parse) {
                    Ok(value) => piece.records.push(value),
                    Err(mut found) => piece.problems.append(&mut found),
                }
            }
            piece
        })
        .collect()
}

const NOT_UTF8: &str = "这一行有不是 UTF-8 的字节，而文件其余部分是 UTF-8 编码（文件已损坏，或由两种编码拼成）：请用 WPS 或 Excel 打开后另存为“CSV UTF-8（逗号分隔）”";

/// One record: its shape first (field count, field lengths, unnamed columns), then its
/// values; a row with the wrong shape gets that one problem, not one per field.
fn parse_record<T>(
    table: &Table<'_>,
    record: RawRecord<'_>,
    parse: &impl Fn(&mut Row<'_>) -> Option<T>,
) -> Result<T, Vec<Problem>> {
    let width = table.columns.width;
    if record.len() != width {
        let message = if record.len() > width {
            format!(
                "有 {} 个字段，比表头多 {} 个：内容中的逗号要连同整个字段用引号括起来",
                record.len(),
                record.len() - width
            )
        } else {
            format!(
                "只有 {} 个字段，表头有 {width} 个：这一行缺了逗号，或上一行的引号没有闭合",
                record.len()
            )
        };
        return Err(vec![table.row_problem(record.line, message)]);
    }
    for (i, field) in record.fields().enumerate() {
        if field.len() > MAX_FIELD_CHARS && field.chars().count() > MAX_FIELD_CHARS {
            let message = format!(
                "有 {} 个字符，超过单元格上限 {MAX_FIELD_CHARS} 个（Excel 无法容纳）",
                field.chars().count()
            );
            let field = table.layout.field(&column_name(table, i), i, record.line);
            return Err(vec![Problem {
                field,
                ..table.row_problem(record.line, message)
            }]);
        }
    }
    if let Some(&i) = table
        .columns
        .unnamed
        .iter()
        .find(|&&i| !record.field(i).trim().is_empty())
    {
        let message = format!("这一列没有列名，却有内容 {}", quote(record.field(i).trim()));
        let field = table.layout.field("", i, record.line);
        return Err(vec![Problem {
            field,
            ..table.row_problem(record.line, message)
        }]);
    }
    let mut row = Row {
        record,
        table,
        line: record.line,
        problems: Vec::new(),
    };
    match parse(&mut row) {
        Some(value) if row.problems.is_empty() => Ok(value),
        _ => Err(row.problems),
    }
}

fn column_name(table: &Table<'_>, index: usize) -> String {
    table
        .columns
        .names
        .iter()
        .find(|(_, i)| *i == index)
        .map(|(n, _)| n.to_string())
        .unwrap_or_default()
}

/// The index of each expected column, or a problem naming what is missing or unknown (a
/// column the tool does not know would otherwise be silently ignored). Trailing columns
/// without a name are allowed: Excel writes them for formatted empty cells.
fn check_header<'a>(
    path: &Path,
    header: &[String],
    line: usize,
    expected: &[&'a str],
) -> Result<Columns<'a>, Problem> {
    let mut names: Vec<(&'a str, usize)> = Vec::new();
    let mut unnamed = Vec::new();
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            unnamed.push(i);
        } else if let Some(known) = expected.iter().find(|e| **e == name) {
            if names.iter().any(|(n, _)| n == known) {
                problems.push(format!("列 {name} 出现了两次"));
            } else {
                names.push((known, i));
            }
        } else {
            problems.push(format!("未知的列 {}（第{}列）", quote(name), i + 1));
        }
    }
    for column in expected {
        if !names.iter().any(|(n, _)| n == column) {
            problems.push(format!("缺少列 {column}"));
        }
    }
    if problems.is_empty() {
        return Ok(Columns {
            names,
            unnamed,
            width: header.len(),
        });
    }
    Err(Problem {
        file: path.to_path_buf(),
        line: Some(line),
        field: "表头".into(),
        message: format!("{}；应有的列：{}", problems.join("；"), expected.join(", ")),
    })
}

/// Ids are filed in shards by their hash: each shard's set is small enough to stay in
/// cache, and the shards are checked on every core. One set of a million ids would be one
/// of the slowest steps of a large load.
const ID_SHARDS: usize = 64;

fn duplicate_ids<T: Record + Sync>(table: &Table<'_>, records: &[T]) -> Vec<Problem> {
    // FxHash: ids are ours to read, not attacker-chosen keys.
    let hashes: Vec<u64> = records
        .par_iter()
        .map(|record| FxBuildHasher.hash_one(record.id()))
        .collect();
    let mut shards = vec![Vec::new(); ID_SHARDS];
    for (i, hash) in hashes.iter().enumerate() {
        shards[(hash >> 58) as usize % ID_SHARDS].push(i);
    }
    shards
        .into_par_iter()
        .flat_map_iter(|shard| {
            let mut first: FxHashMap<&str, u32> =
                FxHashMap::with_capacity_and_hasher(shard.len(), Default::default());
            let mut problems = Vec::new();
            // In file order within a shard: the first line with an id keeps it.
            for record in shard.into_iter().map(|i| &records[i]) {
                let line = *first.entry(record.id()).or_insert(record.line());
                if line != record.line() {
                    let message = format!("编号 {} 重复：第{line}行已有", quote(record.id()));
                    problems.push(table.problem(record.line() as usize, T::ID_COLUMN, message));
                }
            }
            problems
        })
        .collect()
}

/// One data row; typed getters record a problem when a field does not parse.
pub(super) struct Row<'a> {
    record: RawRecord<'a>,
    table: &'a Table<'a>,
    pub line: usize,
    pub problems: Vec<Problem>,
}

impl<'a> Row<'a> {
    /// The field, trimmed; `None` when empty.
    pub(super) fn text(&mut self, column: &str) -> Option<&'a str> {
        let i = self.table.columns.index(column)?;
        Some(trim(self.record.field(i))).filter(|v| !v.is_empty())
    }

    /// A field that must not be empty (`""` after recording the problem).
    pub(super) fn required(&mut self, column: &str) -> &'a str {
        match self.text(column) {
            Some(value) => value,
            None => {
                self.problem(column, "不能为空".into());
                ""
            }
        }
    }

    pub(super) fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let value = self.text(column)?;
        match parse_date(value) {
            Some(day) => Some(day),
            None => {
                self.problem(
                    column,
                    format!(
                        "{}不是日期（应写成 2018-10-08 或 2018/10/8，年份在前）",
                        quote(value)
                    ),
                );
                None
            }
        }
    }

    pub(super) fn required_date(&mut self, column: &str) -> Option<NaiveDate> {
        if self.text(column).is_none() {
            self.problem(column, "不能为空".into());
            return None;
        }
        self.date(column)
    }

    /// A score from 0 to 100; `None` when empty.
    pub(super) fn score(&mut self, column: &str) -> Option<f64> {
        let value = self.text(column)?;
        match value.parse::<f64>() {
            Ok(score) if (0.0..=100.0).contains(&score) => Some(score),
            _ => {
                self.problem(column, format!("{}不是0到100之间的分数", quote(value)));
                None
            }
        }
    }

    /// 是/否, true/false, 1/0, y/n; `None` when empty.
    pub(super) fn flag(&mut self, column: &str) -> Option<bool> {
        let value = self.text(column)?;
        // Compared without case and without a lower-cased copy of every field.
        let one_of = |words: [&str; 5]| words.iter().any(|w| w.eq_ignore_ascii_case(value));
        if one_of(["是", "true", "1", "y", "yes"]) {
            Some(true)
        } else if one_of(["否", "false", "0", "n", "no"]) {
            Some(false)
        } else {
            self.problem(column, format!("{}应为“是”或“否”", quote(value)));
            None
        }
    }

    pub(super) fn problem(&mut self, column: &str, message: String) {
        let problem = self.table.problem(self.line, column, message);
        self.problems.push(problem);
    }
}

/// `value` without white space around it; most fields have none, which is seen from their
/// first and last bytes without decoding them.
fn trim(value: &str) -> &str {
    let plain = |byte: Option<&u8>| byte.is_some_and(|b| b.is_ascii_graphic());
    if plain(value.as_bytes().first()) && plain(value.as_bytes().last()) {
        return value;
    }
    value.trim()
}

/// A date as office software writes it, year first: `YYYY-MM-DD`, and `YYYY/M/D` or
/// `YYYY-M-D` (what Excel makes of a date in a CSV it opened). Day-first dates are never
/// guessed.
pub(crate) fn parse_date(value: &str) -> Option<NaiveDate> {
    let bytes = value.as_bytes();
    let separator = if bytes.contains(&b'/') { b'/' } else { b'-' };
    let mut parts = bytes.split(|&b| b == separator);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() > 2 || day.len() > 2 {
        return None;
    }
    let number = |part: &[u8]| -> Option<u32> {
        if part.is_empty() {
            return None;
        }
        part.iter().try_fold(0, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(number(year)? as i32, number(month)?, number(day)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_found_by_its_name_wherever_the_name_is_stored() {
        let expected = ["id", "title", "url"];
        let columns = Columns {
            names: expected.iter().enumerate().map(|(i, n)| (*n, i)).collect(),
            unnamed: Vec::new(),
            width: 3,
        };
        assert_eq!(columns.index(expected[1]), Some(1));
        // The same text at another address, as a name built at run time would be.
        let built = String::from("url");
        assert_eq!(columns.index(&built), Some(2));
        assert_eq!(columns.index("text"), None);
    }

    #[test]
    fn dates_year_first_as_office_software_writes_them() {
        let day = NaiveDate::from_ymd_opt(2018, 10, 8);
        for good in ["2018-10-08", "2018/10/8", "2018-10-8", "2018/10/08"] {
            assert_eq!(parse_date(good), day, "{good}");
        }
        for bad in [
            "8/10/2018",
            "10/8/2018",
            "2018/10-08",
            "2018//8",
            "18/10/08",
            "2018-10-008",
            "2018-13-01",
            "2018-02-30",
            "20181008",
            "２０１８-10-08",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
