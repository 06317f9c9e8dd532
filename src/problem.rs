//! Input problems: each one names the file, the line when known, and the field.
//!
//! Loaders collect every problem before failing, so one run of `zwgk catalogue check`
//! shows the user everything to fix. A flood is printed in part — [`PRINTED_PER_FILE`]
//! per file, the rest counted by field — and written whole to a problems file.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::output::csv_cell;

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line, when the position is known.
    pub line: Option<usize>,
    /// Path of the field inside the record, e.g. `requirements[2].clause`; empty for the file.
    pub field: String,
    pub message: String,
}

impl Problem {
    /// A problem with the file as a whole (unreadable, missing).
    pub fn file(path: &Path, message: impl Into<String>) -> Problem {
        Problem {
            file: path.to_path_buf(),
            line: None,
            field: String::new(),
            message: message.into(),
        }
    }

    /// A file that could not be read, with the OS's reason in Chinese.
    pub(crate) fn unreadable(path: &Path, err: &std::io::Error) -> Problem {
        Problem::file(path, format!("无法读取：{}", crate::error::io_reason(err)))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in one load, in file and line order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn one(problem: Problem) -> Problems {
        Problems(vec![problem])
    }

    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// `Ok` when nothing was found, otherwise the problems sorted by file and line.
    pub fn into_result(mut self) -> Result<(), Problems> {
        if self.0.is_empty() {
            return Ok(());
        }
        self.0
            .sort_by(|a, b| (&a.file, a.line, &a.field).cmp(&(&b.file, b.line, &b.field)));
        self.0.dedup();
        Err(self)
    }
}

/// Problems printed per file; the rest are counted by field.
pub(crate) const PRINTED_PER_FILE: usize = 50;

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = Vec::new();
        for (file, problems) in self.by_file() {
            lines.extend(
                problems
                    .iter()
                    .take(PRINTED_PER_FILE)
                    .map(|p| p.to_string()),
            );
            if problems.len() > PRINTED_PER_FILE {
                lines.push(more(file, &problems[PRINTED_PER_FILE..]));
            }
        }
        write!(f, "{}", lines.join("\n"))
    }
}

impl Problems {
    /// Every problem as a table for Excel or WPS (UTF-8 with a byte order mark): 文件,
    /// 行, 字段, 问题. A cell that would start a formula is written as text.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let rows = self.0.iter().map(|p| {
            [
                p.file.display().to_string(),
                p.line.map(|l| l.to_string()).unwrap_or_default(),
                p.field.clone(),
                p.message.clone(),
            ]
        });
        let header = ["文件", "行", "字段", "问题"].map(String::from);
        for row in std::iter::once(header).chain(rows) {
            // Writing to memory cannot fail.
            let _ = writer.write_record(row.iter().map(|cell| csv_cell(cell).into_owned()));
        }
        writer.into_inner().unwrap_or_default()
    }

    /// Runs of problems of one file, in order.
    fn by_file(&self) -> Vec<(&Path, &[Problem])> {
        self.0
            .chunk_by(|a, b| a.file == b.file)
            .map(|run| (run[0].file.as_path(), run))
            .collect()
    }
}

/// "… and N more", by field: `items.csv 另有 1200 个问题：published_on 800 个、unit 400 个`.
fn more(file: &Path, rest: &[Problem]) -> String {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for problem in rest {
        // The field's name, without its position: `published_on（第7列）` → `published_on`.
        let kind = problem
            .field
            .split(['（', '('])
            .next()
            .unwrap_or_default()
            .trim();
        let kind = if kind.is_empty() { "整行" } else { kind };
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let counted: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n} 个")).collect();
    format!(
        "……{} 另有 {} 个问题未列出：{}",
        file.display(),
        rest.len(),
        counted.join("、")
    )
}

/// Longest value quoted in a message, in characters.
const QUOTED_CHARS: usize = 100;

/// `value` in quotation marks for a message, cut after [`QUOTED_CHARS`] characters.
pub(crate) fn quote(value: &str) -> String {
    let (kept, cut) = cut(value, QUOTED_CHARS);
    if cut {
        format!("“{kept}…”（共 {} 字）", value.chars().count())
    } else {
        format!("“{value}”")
    }
}

/// A library's message (which may quote a whole value) cut to a readable length.
pub(crate) fn clip(message: &str) -> String {
    match cut(message, 3 * QUOTED_CHARS) {
        (kept, true) => format!("{kept}…"),
        (kept, false) => kept.to_string(),
    }
}

/// The first `chars` characters of `text`, and whether anything was cut.
fn cut(text: &str, chars: usize) -> (&str, bool) {
    match text.char_indices().nth(chars) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    }
}
