//! Reading the audit's CSV files: header check, then typed fields that report their file,
//! line and column when they do not parse.
//!
//! Files are streamed (hashed on the way) rather than read whole, and rows are parsed in
//! batches in parallel: the raw CSV split stays sequential, the field parsing and
//! validation, which cost most, spread over the cores. Results keep file order.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::iter::{ParallelBridge, ParallelIterator};
use sha2::{Digest, Sha256};

use crate::problem::Problem;

/// Rows parsed per parallel batch.
const BATCH: usize = 8192;

/// One input file as the report lists it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct InputFile {
    pub file: String,
    pub rows: usize,
    pub sha256: String,
}

/// A record with an id and the line it came from.
pub trait Record {
    fn id(&self) -> &str;
    fn line(&self) -> u32;
}

/// What reading one file gave.
pub struct TableRead<T> {
    pub records: Vec<T>,
    pub input: InputFile,
    /// Rows that did not parse (skipped with --keep-going).
    pub row_problems: Vec<Problem>,
}

/// Reads `path`, requiring exactly `columns` in its header, and parses every row with
/// `parse` (which records problems on the row and returns `None` when it cannot build a
/// record). Duplicate ids are row problems too. `Err` is a problem with the file itself.
pub fn read_table<T: Record + Send>(
    path: &Path,
    columns: &[&str],
    parse: impl Fn(&mut Row<'_>) -> Option<T> + Sync,
) -> Result<TableRead<T>, Problem> {
    let file =
        File::open(path).map_err(|err| Problem::file(path, format!("cannot read: {err}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(1 << 20)
        .from_reader(Hashing::new(file));
    let header = reader
        .byte_headers()
        .map_err(|err| Problem::file(path, format!("cannot read the header row: {err}")))?
        .clone();
    let columns = check_header(path, &header, columns)?;

    let batches = Batches {
        reader: &mut reader,
        path,
        next: 0,
        done: false,
    };
    let mut parts: Vec<(usize, Vec<T>, Vec<Problem>, usize)> = batches
        .par_bridge()
        .map(|(index, records, mut problems)| {
            let mut parsed = Vec::with_capacity(records.len());
            for record in &records {
                let mut row = Row {
                    record,
                    columns: &columns,
                    path,
                    line: record.position().map_or(0, |p| p.line() as usize),
                    problems: Vec::new(),
                };
                let value = parse(&mut row);
                match value {
                    Some(value) if row.problems.is_empty() => parsed.push(value),
                    _ => problems.append(&mut row.problems),
                }
            }
            (index, parsed, problems, records.len())
        })
        .collect();
    parts.sort_by_key(|part| part.0);

    let rows: usize = parts.iter().map(|p| p.3).sum();
    let mut records = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    let mut row_problems = Vec::new();
    for (_, parsed, problems, _) in parts {
        records.extend(parsed);
        row_problems.extend(problems);
    }
    let duplicates = duplicate_ids(path, &records, &columns);
    if !duplicates.is_empty() {
        let lines: std::collections::HashSet<usize> =
            duplicates.iter().filter_map(|p| p.line).collect();
        records.retain(|r| !lines.contains(&(r.line() as usize)));
        row_problems.extend(duplicates);
    }
    row_problems.sort_by_key(|p| p.line);
    let sha256 = reader.into_inner().finish(&mut Vec::new());
    let input = InputFile {
        file: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        rows,
        sha256,
    };
    Ok(TableRead {
        records,
        input,
        row_problems,
    })
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
    let mut first: HashMap<&str, u32> = HashMap::with_capacity(records.len());
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

/// Raw records in numbered batches; a row that cannot be split into fields is a problem
/// in its batch and reading goes on, any other read error ends the file.
struct Batches<'r, R: Read> {
    reader: &'r mut csv::Reader<R>,
    path: &'r Path,
    next: usize,
    done: bool,
}

impl<R: Read> Iterator for Batches<'_, R> {
    type Item = (usize, Vec<csv::ByteRecord>, Vec<Problem>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut records = Vec::with_capacity(BATCH);
        let mut problems = Vec::new();
        while records.len() < BATCH {
            let mut record = csv::ByteRecord::new();
            match self.reader.read_byte_record(&mut record) {
                Ok(true) => records.push(record),
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Err(err) => {
                    problems.push(Problem {
                        file: self.path.to_path_buf(),
                        line: err.position().map(|p| p.line() as usize),
                        field: String::new(),
                        message: format!("unreadable row: {err}"),
                    });
                    if !matches!(err.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                        self.done = true;
                        break;
                    }
                }
            }
        }
        self.next += 1;
        Some((self.next - 1, records, problems))
    }
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Hashing<R> {
        Hashing {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// Reads what is left (so the hash covers the whole file) and returns the hash.
    fn finish(mut self, scratch: &mut Vec<u8>) -> String {
        let _ = self.read_to_end(scratch);
        format!("{:x}", self.hasher.finalize())
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// One data row; typed getters record a problem when a field does not parse.
pub struct Row<'a> {
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
    pub fn text(&mut self, column: &str) -> Option<&'a str> {
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
    pub fn required(&mut self, column: &str) -> &'a str {
        match self.text(column) {
            Some(value) => value,
            None => {
                self.problem(column, "must not be empty".into());
                ""
            }
        }
    }

    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let value = self.text(column)?;
        match parse_date(value) {
            Some(day) => Some(day),
            None => {
                self.problem(column, format!("{value:?} is not a date (YYYY-MM-DD)"));
                None
            }
        }
    }

    pub fn required_date(&mut self, column: &str) -> Option<NaiveDate> {
        if self.text(column).is_none() {
            self.problem(column, "must not be empty".into());
            return None;
        }
        self.date(column)
    }

    /// 是/否, true/false, 1/0, y/n; `None` when empty.
    pub fn flag(&mut self, column: &str) -> Option<bool> {
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

    pub fn problem(&mut self, column: &str, message: String) {
        let problem = problem_at(self.path, self.line, column, self.index(column), message);
        self.problems.push(problem);
    }
}

/// A problem at a row and column, the column named and numbered (1-based).
pub fn problem_at(
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
pub fn parse_date(value: &str) -> Option<NaiveDate> {
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
