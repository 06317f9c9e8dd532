//! Reading the audit's CSV files: header check, then typed fields that report their file,
//! line and column when they do not parse.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::problem::Problem;

/// One input file as the report lists it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct InputFile {
    pub file: String,
    pub rows: usize,
    pub sha256: String,
}

/// A CSV file with its header checked against the expected columns.
pub struct Table {
    pub path: PathBuf,
    columns: HashMap<String, usize>,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    pub sha256: String,
}

impl Table {
    /// Opens `path`, requiring every column in `columns` and no others (a column the tool
    /// does not know would be silently ignored otherwise).
    pub fn open(path: &Path, columns: &[&str]) -> Result<Table, Problem> {
        let bytes = std::fs::read(path)
            .map_err(|err| Problem::file(path, format!("cannot read: {err}")))?;
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        // A UTF-8 byte order mark (Excel writes one) is not part of the first column name.
        let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => rest.to_vec(),
            None => bytes,
        };
        let mut reader = csv::ReaderBuilder::new().from_reader(std::io::Cursor::new(bytes));
        let header = reader
            .headers()
            .map_err(|err| Problem::file(path, format!("cannot read the header row: {err}")))?
            .clone();
        let mut found = HashMap::new();
        let mut problems = Vec::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            if !columns.contains(&name) {
                problems.push(format!("unknown column {name:?} (column {})", i + 1));
            } else if found.insert(name.to_string(), i).is_some() {
                problems.push(format!("column {name:?} appears twice"));
            }
        }
        for column in columns {
            if !found.contains_key(*column) {
                problems.push(format!("missing column {column:?}"));
            }
        }
        if !problems.is_empty() {
            return Err(Problem {
                file: path.to_path_buf(),
                line: Some(1),
                field: "header".into(),
                message: format!(
                    "{}; expected columns: {}",
                    problems.join("; "),
                    columns.join(", ")
                ),
            });
        }
        Ok(Table {
            path: path.to_path_buf(),
            columns: found,
            reader,
            sha256,
        })
    }

    /// Calls `each` with every data row; unreadable rows (bad quoting, bad UTF-8, wrong
    /// field count) are problems too.
    pub fn rows(&mut self, mut each: impl FnMut(&mut Row<'_>)) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line() as usize);
                    let mut row = Row {
                        record: &record,
                        columns: &self.columns,
                        path: &self.path,
                        line,
                        problems: Vec::new(),
                    };
                    each(&mut row);
                }
                Err(err) => {
                    let line = err.position().map(|p| p.line() as usize);
                    problems.push(Problem {
                        file: self.path.clone(),
                        line,
                        field: String::new(),
                        message: format!("unreadable row: {err}"),
                    });
                    if !matches!(
                        err.kind(),
                        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                    ) {
                        break;
                    }
                }
            }
        }
        problems
    }
}

/// One data row; typed getters record a problem when a field does not parse.
pub struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
    path: &'a Path,
    pub line: usize,
    pub problems: Vec<Problem>,
}

impl Row<'_> {
    /// The field, trimmed; `None` when empty.
    pub fn text(&self, column: &str) -> Option<&str> {
        let i = self.columns[column];
        self.record.get(i).map(str::trim).filter(|v| !v.is_empty())
    }

    /// A field that must not be empty (`""` after recording the problem).
    pub fn required(&mut self, column: &str) -> String {
        match self.text(column) {
            Some(value) => value.to_string(),
            None => {
                self.problem(column, "must not be empty".into());
                String::new()
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
        let problem = problem_at(
            self.path,
            self.line,
            column,
            self.columns.get(column).copied(),
            message,
        );
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
        file: path.to_path_buf(),
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
