//! Reading the audit's CSV files: header check, then typed fields that report their file,
//! line and column when they do not parse.
//!
//! Files are streamed in blocks (hashed on the way) rather than read whole. Each block is
//! cut at record boundaries into pieces parsed on every core while the next block is
//! read; results keep file order.

use rustc_hash::FxHashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::problem::Problem;

/// One input file as the report lists it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct InputFile {
    pub file: String,
    pub rows: usize,
    pub sha256: String,
}

/// A record with an id and the line it came from.
pub(super) trait Record {
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

/// Reads `path`, requiring exactly `columns` in its header, and parses every row with
/// `parse` (which records problems on the row and returns `None` when it cannot build a
/// record). Duplicate ids are row problems too. `Err` is a problem with the file itself.
pub(super) fn read_table<T: Record + Send>(
    path: &Path,
    columns: &[&str],
    parse: impl Fn(&mut Row<'_>) -> Option<T> + Sync,
) -> Result<TableRead<T>, Problem> {
    let file =
        File::open(path).map_err(|err| Problem::file(path, format!("cannot read: {err}")))?;
    let mut blocks = Blocks::new(file);
    let read_error = |err: std::io::Error| Problem::file(path, format!("cannot read: {err}"));
    let first = blocks.next_block().map_err(read_error)?;
    let Some(first) = first else {
        return Err(Problem::file(
            path,
            "the file is empty: it needs at least the header row",
        ));
    };
    let header = parse_header(&first.bytes)
        .ok_or_else(|| Problem::file(path, "cannot read the header row"))?;
    let columns = check_header(path, &header.0, columns)?;
    let width = header.0.len();

    // Reserve for the whole file from the first block's rows per byte: growing a vector of
    // millions of records by doubling would copy it over and over, and untouched reserve
    // costs no memory.
    let file_bytes = std::fs::metadata(path)
        .map(|m| m.len() as usize)
        .unwrap_or(0);
    let rows_in_first = first.cuts.len().max(1);
    let estimate = file_bytes / (first.bytes.len() / rows_in_first).max(1) * 11 / 10;
    let mut records = Vec::with_capacity(estimate);
    let mut row_problems = Vec::new();
    let mut rows = 0;
    let mut block = Some(Block {
        bytes: first.bytes[header.1..].to_vec(),
        cuts: first
            .cuts
            .iter()
            .filter(|c| c.0 > header.1)
            .map(|c| (c.0 - header.1, c.1 - header.2))
            .collect(),
        first_line: first.first_line + header.2,
    });
    while let Some(current) = block.take() {
        // Parse this block on every core while the next one is read and hashed.
        let (parsed, next) = rayon::join(
            || parse_block(&current, path, &columns, width, &parse),
            || blocks.next_block(),
        );
        for (chunk, problems, count) in parsed {
            records.extend(chunk);
            row_problems.extend(problems);
            rows += count;
        }
        block = next.map_err(read_error)?;
    }
    let duplicates = duplicate_ids(path, &records, &columns);
    if !duplicates.is_empty() {
        let lines: std::collections::HashSet<usize> =
            duplicates.iter().filter_map(|p| p.line).collect();
        records.retain(|r| !lines.contains(&(r.line() as usize)));
        row_problems.extend(duplicates);
    }
    row_problems.sort_by_key(|p| p.line);
    let input = InputFile {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rows,
        sha256: blocks.finish(),
    };
    Ok(TableRead {
        records,
        input,
        row_problems,
    })
}

/// Bytes read per block.
const BLOCK: usize = 8 << 20;

/// A run of whole records, with the record boundaries in it.
struct Block {
    bytes: Vec<u8>,
    /// (offset just past a record's newline, lines ended so far in the block).
    cuts: Vec<(usize, usize)>,
    /// File line on which the block starts (1-based).
    first_line: usize,
}

/// Cuts a file into blocks of whole records, hashing it on the way. A record boundary is a
/// newline outside quotes: quotes are counted from the file start, so a quoted field
/// with line breaks is never cut.
struct Blocks {
    file: File,
    carry: Vec<u8>,
    hasher: Sha256,
    line: usize,
    eof: bool,
}

impl Blocks {
    fn new(file: File) -> Blocks {
        Blocks {
            file,
            carry: Vec::new(),
            hasher: Sha256::new(),
            line: 1,
            eof: false,
        }
    }

    fn next_block(&mut self) -> std::io::Result<Option<Block>> {
        if self.eof && self.carry.is_empty() {
            return Ok(None);
        }
        let start = self.carry.len();
        self.carry.resize(start + BLOCK, 0);
        let mut filled = start;
        while filled < self.carry.len() {
            let n = self.file.read(&mut self.carry[filled..])?;
            if n == 0 {
                self.eof = true;
                break;
            }
            filled += n;
        }
        self.carry.truncate(filled);
        self.hasher.update(&self.carry[start..filled]);

        let mut cuts = Vec::new();
        let mut in_quotes = false;
        let mut lines = 0;
        for at in memchr::memchr2_iter(b'"', b'\n', &self.carry) {
            if self.carry[at] == b'"' {
                in_quotes = !in_quotes;
                continue;
            }
            lines += 1;
            if !in_quotes {
                cuts.push((at + 1, lines));
            }
        }
        let end = match (self.eof, cuts.last()) {
            (true, _) => self.carry.len(),
            (false, Some(&(end, _))) => end,
            // One record longer than a block: read on.
            (false, None) => return self.next_block(),
        };
        let rest = self.carry.split_off(end);
        let bytes = std::mem::replace(&mut self.carry, rest);
        let first_line = self.line;
        self.line += cuts
            .iter()
            .take_while(|c| c.0 <= end)
            .last()
            .map_or(0, |c| c.1);
        if self.eof && end > 0 && bytes[end - 1] != b'\n' && !bytes.is_empty() {
            cuts.push((end, lines + 1));
        }
        cuts.retain(|c| c.0 <= end);
        Ok(Some(Block {
            bytes,
            cuts,
            first_line,
        }))
    }

    /// Hashes what is left of the file and returns the SHA-256 of all of it.
    fn finish(mut self) -> String {
        let mut rest = Vec::new();
        if self.file.read_to_end(&mut rest).is_ok() {
            self.hasher.update(&rest);
        }
        format!("{:x}", self.hasher.finalize())
    }
}

/// The header record, its length in bytes and in lines.
fn parse_header(bytes: &[u8]) -> Option<(csv::ByteRecord, usize, usize)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut header = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut header).ok()? {
        return None;
    }
    let end = reader.position().byte() as usize;
    let lines = reader.position().line() as usize - 1;
    Some((header, end, lines))
}

/// Parses a block in pieces, in parallel; pieces come back in order, each with its
/// records, its row problems and its row count.
#[allow(clippy::type_complexity)]
fn parse_block<T: Send>(
    block: &Block,
    path: &Path,
    columns: &[(String, usize)],
    width: usize,
    parse: &(impl Fn(&mut Row<'_>) -> Option<T> + Sync),
) -> Vec<(Vec<T>, Vec<Problem>, usize)> {
    let pieces = 4 * rayon::current_num_threads();
    let target = block.bytes.len() / pieces + 1;
    let mut bounds = vec![(0, 0)];
    for &(offset, lines) in &block.cuts {
        if offset - bounds.last().map_or(0, |b| b.0) >= target {
            bounds.push((offset, lines));
        }
    }
    if bounds.last().map(|b| b.0) != Some(block.bytes.len()) {
        bounds.push((block.bytes.len(), 0));
    }
    use rayon::prelude::*;
    bounds
        .par_windows(2)
        .map(|pair| {
            let ((from, lines_before), (to, _)) = (pair[0], pair[1]);
            let first_line = block.first_line + lines_before;
            parse_piece(
                &block.bytes[from..to],
                first_line,
                path,
                columns,
                width,
                parse,
            )
        })
        .collect()
}

fn parse_piece<T>(
    bytes: &[u8],
    first_line: usize,
    path: &Path,
    columns: &[(String, usize)],
    width: usize,
    parse: &impl Fn(&mut Row<'_>) -> Option<T>,
) -> (Vec<T>, Vec<Problem>, usize) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let (mut parsed, mut problems, mut rows) = (Vec::new(), Vec::new(), 0);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                problems.push(Problem::file(path, format!("unreadable row: {err}")));
                break;
            }
        }
        let line = first_line + record.position().map_or(1, |p| p.line() as usize) - 1;
        rows += 1;
        if record.len() != width {
            problems.push(Problem {
                file: PathBuf::from(path),
                line: Some(line),
                field: String::new(),
                message: format!(
                    "has {} fields, the header has {width} (check quoting and commas)",
                    record.len()
                ),
            });
            continue;
        }
        let mut row = Row {
            record: &record,
            columns,
            path,
            line,
            problems: Vec::new(),
        };
        match parse(&mut row) {
            Some(value) if row.problems.is_empty() => parsed.push(value),
            _ => problems.append(&mut row.problems),
        }
    }
    (parsed, problems, rows)
}

/// The index of each expected column, or a problem naming what is missing or unknown (a
/// column the tool does not know would otherwise be silently ignored).
fn check_header(
    path: &Path,
    header: &csv::ByteRecord,
    expected: &[&str],
) -> Result<Vec<(String, usize)>, Problem> {
    let mut found: Vec<(String, usize)> = Vec::new();
    let mut problems = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw);
        // A UTF-8 byte order mark (Excel writes one) is not part of the first column name.
        let name = name.trim_start_matches('\u{feff}').trim();
        if !expected.contains(&name) {
            problems.push(format!("unknown column {name:?} (column {})", i + 1));
        } else if found.iter().any(|(n, _)| n == name) {
            problems.push(format!("column {name:?} appears twice"));
        } else {
            found.push((name.to_string(), i));
        }
    }
    for column in expected {
        if !found.iter().any(|(n, _)| n == column) {
            problems.push(format!("missing column {column:?}"));
        }
    }
    if problems.is_empty() {
        return Ok(found);
    }
    Err(Problem {
        file: path.to_path_buf(),
        line: Some(1),
        field: "header".into(),
        message: format!(
            "{}; expected columns: {}",
            problems.join("; "),
            expected.join(", ")
        ),
    })
}

fn duplicate_ids<T: Record>(
    path: &Path,
    records: &[T],
    columns: &[(String, usize)],
) -> Vec<Problem> {
    // FxHash: ids are ours to read, not attacker-chosen keys, and SipHash would make this
    // one of the slowest steps of a large load.
    let mut first: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(records.len(), Default::default());
    let index = columns.iter().find(|(n, _)| n == "id").map(|(_, i)| *i);
    let mut problems = Vec::new();
    for record in records {
        if let Some(line) = first.insert(record.id(), record.line()) {
            first.insert(record.id(), line);
            let message = format!("duplicate id {}: first on line {line}", record.id());
            problems.push(problem_at(
                path,
                record.line() as usize,
                "id",
                index,
                message,
            ));
        }
    }
    problems
}

/// One data row; typed getters record a problem when a field does not parse.
pub(super) struct Row<'a> {
    record: &'a csv::ByteRecord,
    columns: &'a [(String, usize)],
    path: &'a Path,
    pub line: usize,
    pub problems: Vec<Problem>,
}

impl<'a> Row<'a> {
    fn index(&self, column: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(n, _)| n == column)
            .map(|(_, i)| *i)
    }

    /// The field, trimmed; `None` when empty (or not UTF-8, which is recorded).
    pub(super) fn text(&mut self, column: &str) -> Option<&'a str> {
        let raw = self.index(column).and_then(|i| self.record.get(i))?;
        match std::str::from_utf8(raw) {
            Ok(text) => Some(text.trim()).filter(|v| !v.is_empty()),
            Err(_) => {
                self.problem(column, "is not valid UTF-8 (save the file as UTF-8)".into());
                None
            }
        }
    }

    /// A field that must not be empty (`""` after recording the problem).
    pub(super) fn required(&mut self, column: &str) -> &'a str {
        match self.text(column) {
            Some(value) => value,
            None => {
                self.problem(column, "must not be empty".into());
                ""
            }
        }
    }

    pub(super) fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let value = self.text(column)?;
        match parse_date(value) {
            Some(day) => Some(day),
            None => {
                self.problem(column, format!("{value:?} is not a date (YYYY-MM-DD)"));
                None
            }
        }
    }

    pub(super) fn required_date(&mut self, column: &str) -> Option<NaiveDate> {
        if self.text(column).is_none() {
            self.problem(column, "must not be empty".into());
            return None;
        }
        self.date(column)
    }

    /// 是/否, true/false, 1/0, y/n; `None` when empty.
    pub(super) fn flag(&mut self, column: &str) -> Option<bool> {
        let value = self.text(column)?;
        match value.to_lowercase().as_str() {
            "是" | "true" | "1" | "y" | "yes" => Some(true),
            "否" | "false" | "0" | "n" | "no" => Some(false),
            _ => {
                self.problem(column, format!("{value:?} is not 是/否 (true/false)"));
                None
            }
        }
    }

    pub(super) fn problem(&mut self, column: &str, message: String) {
        let problem = problem_at(self.path, self.line, column, self.index(column), message);
        self.problems.push(problem);
    }
}

/// A problem at a row and column, the column named and numbered (1-based).
pub(super) fn problem_at(
    path: &Path,
    line: usize,
    column: &str,
    index: Option<usize>,
    message: String,
) -> Problem {
    let field = match index {
        Some(i) => format!("{column} (column {})", i + 1),
        None => column.to_string(),
    };
    Problem {
        file: PathBuf::from(path),
        line: Some(line),
        field,
        message,
    }
}

/// `YYYY-MM-DD`, strictly: the one date format of the data contract.
pub(crate) fn parse_date(value: &str) -> Option<NaiveDate> {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_dates() {
        assert_eq!(
            parse_date("2018-10-08"),
            NaiveDate::from_ymd_opt(2018, 10, 8)
        );
        for bad in [
            "2018-10-8",
            "2018/10/08",
            "2018-13-01",
            "2018-02-30",
            "20181008",
            "２０１８-10-08",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
