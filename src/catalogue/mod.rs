//! The standards catalogue: load the YAML records of a standards folder and validate them.
//!
//! Loading is two steps, as with any user-edited configuration: deserialise each file into
//! its raw record (syntax, unknown fields and types are reported with their position by
//! serde_yaml), then validate the whole set and collect *every* problem — duplicate ids and
//! codes, requirements naming missing clauses or rows, bad date windows, sub-system and id
//! mismatches, declared counts — each with its file, line and field.

mod model;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use model::*;

use crate::calendar::Calendar;
use crate::locate::{serde_problem, Locator};
use crate::problem::{Problem, Problems};

/// File names in a standards folder that are not standard records.
pub const META_FILE: &str = "catalogue.yaml";
pub const CALENDAR_FILE: &str = "calendar.yaml";

/// A loaded and validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub dir: PathBuf,
    pub meta: CatalogueMeta,
    /// Sorted by id.
    pub standards: Vec<Standard>,
    pub calendar: Calendar,
}

/// A standard record with where it came from, for validation messages.
pub(crate) struct Sourced<T> {
    pub path: PathBuf,
    pub locator: Locator,
    pub record: T,
}

impl<T> Sourced<T> {
    pub fn problem(&self, field: impl Into<String>, message: impl Into<String>) -> Problem {
        let field = field.into();
        Problem {
            file: self.path.clone(),
            line: self.locator.line(&field),
            field,
            message: message.into(),
        }
    }
}

impl Catalogue {
    /// Loads `dir/catalogue.yaml`, `dir/calendar.yaml` and every other `dir/*.yaml` as a
    /// standard, then validates them together. Every problem is returned at once.
    pub fn load(dir: &Path) -> Result<Catalogue, Problems> {
        let mut problems = Problems::default();
        let files = standard_files(dir)?;
        let meta = read_yaml::<CatalogueMeta>(&dir.join(META_FILE));
        let calendar = Calendar::load(&dir.join(CALENDAR_FILE));
        let standards: Vec<_> = files.iter().map(|p| read_yaml::<Standard>(p)).collect();

        let meta = meta.map_err(|p| problems.extend(p)).ok();
        let calendar = calendar.map_err(|p| problems.extend(p)).ok();
        let read = standards.len();
        let standards: Vec<_> = standards
            .into_iter()
            .filter_map(|s| s.map_err(|p| problems.extend(p)).ok())
            .collect();

        if let Some(meta) = &meta {
            // Counting standards per sub-system only means something once every file reads.
            let all_read = standards.len() == read;
            problems.extend(validate::catalogue(meta, &standards, all_read));
        }
        problems.into_result()?;
        let (Some(meta), Some(calendar)) = (meta, calendar) else {
            unreachable!("a missing catalogue.yaml or calendar.yaml is a problem");
        };
        let mut standards: Vec<Standard> = standards.into_iter().map(|s| s.record).collect();
        standards.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Catalogue {
            dir: dir.to_path_buf(),
            meta: meta.record,
            standards,
            calendar,
        })
    }

    pub fn standard(&self, id: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.id == id)
    }

    /// A standard named the ways evaluators name it: `204`, `ZWGK-204`, `zwgk204`,
    /// `Q/RGZW 204-2018`.
    pub fn lookup(&self, name: &str) -> Option<&Standard> {
        let key = lookup_key(name);
        self.standards
            .iter()
            .find(|s| lookup_keys(s).contains(&key))
    }

    /// Catalogue rows by code, across all standards.
    pub fn items(&self) -> HashMap<&str, (&Standard, &CatalogueItem)> {
        self.standards
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (i.code.as_str(), (s, i))))
            .collect()
    }

    pub fn subsystem(&self, name: &str) -> Option<&Subsystem> {
        self.meta.subsystems.iter().find(|s| s.name == name)
    }
}

/// The names a standard can be looked up by, normalised with [`lookup_key`].
pub fn lookup_keys(standard: &Standard) -> Vec<String> {
    let digits = standard.id.rsplit('-').next().unwrap_or_default();
    let number = lookup_key(&standard.number);
    // The published number without its year: `Q/RGZW204`.
    let number_without_year = number
        .rsplit_once('-')
        .map(|(head, _)| head.to_string())
        .unwrap_or_else(|| number.clone());
    let mut keys = vec![
        lookup_key(&standard.id),
        lookup_key(&standard.id.replace('-', "")),
        digits.to_string(),
        number,
        number_without_year,
    ];
    keys.dedup();
    keys
}

/// Upper case, without white space, full-width forms folded: how ids and numbers compare.
pub fn lookup_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '—' => '-',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .flat_map(char::to_uppercase)
        .collect()
}

fn standard_files(dir: &Path) -> Result<Vec<PathBuf>, Problems> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        Problems::one(Problem::file(
            dir,
            format!("cannot read the standards folder: {err}"),
        ))
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|err| Problems::one(Problem::file(dir, format!("cannot list: {err}"))))?
            .path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        if is_yaml && name != META_FILE && name != CALENDAR_FILE {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn read_yaml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Sourced<T>, Problems> {
    let source = std::fs::read_to_string(path)
        .map_err(|err| Problems::one(Problem::file(path, format!("cannot read: {err}"))))?;
    let record =
        serde_yaml::from_str(&source).map_err(|err| Problems::one(serde_problem(path, &err)))?;
    Ok(Sourced {
        path: path.to_path_buf(),
        locator: Locator::new(&source),
        record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_keys_cover_the_ways_standards_are_named() {
        assert_eq!(lookup_key(" q/rgzw 204－2018 "), "Q/RGZW204-2018");
        assert_eq!(lookup_key("ＺＷＧＫ-２０４"), "ZWGK-204");
    }
}
