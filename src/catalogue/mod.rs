//! The standards catalogue: load the YAML records of a standards folder and validate them.
//!
//! Loading is two steps, as with any user-edited configuration: deserialise each file into
//! its raw record, within the bounds of [`crate::yaml`] (syntax, unknown fields and types
//! are reported with their position), then validate the whole set and collect *every* problem — duplicate ids and
//! codes, requirements naming missing clauses or rows, bad date windows, sub-system and id
//! mismatches, declared counts — each with its file, line and field.

mod model;
mod rule;
pub mod synonyms;
mod validate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use model::*;
pub use rule::*;
pub use synonyms::{SynonymGroups, SYNONYMS_FILE};

use crate::calendar::Calendar;
use crate::locate::Locator;
use crate::problem::{Problem, Problems};

/// File names in a standards folder that are not standard records.
pub const META_FILE: &str = "catalogue.yaml";
pub const CALENDAR_FILE: &str = "calendar.yaml";

/// A loaded and validated catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub dir: PathBuf,
    /// SHA-256 over the folder's YAML files as they were read and validated (see
    /// [`content_hash`]).
    pub sha256: String,
    pub meta: CatalogueMeta,
    /// Sorted by id.
    pub standards: Vec<Standard>,
    pub calendar: Calendar,
    /// The search's equivalence groups (synonyms.yaml), as written.
    pub search_synonyms: SynonymGroups,
}

/// A standard record with where it came from, for validation messages.
pub(crate) struct Sourced<T> {
    pub path: PathBuf,
    pub locator: Locator,
    pub record: T,
}

impl<T> Sourced<T> {
    pub(crate) fn problem(&self, field: impl Into<String>, message: impl Into<String>) -> Problem {
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
        let files = read_folder(dir)?;
        let sha256 = hash_files(
            files
                .iter()
                .map(|(path, bytes)| (path.as_path(), &bytes[..])),
        );
        let source = |name: &str| {
            let path = dir.join(name);
            match files.iter().find(|(p, _)| *p == path) {
                Some((_, bytes)) => text(&path, bytes),
                None => Err(Problems::one(Problem::file(&path, "无法读取：文件不存在"))),
            }
        };
        let meta =
            source(META_FILE).and_then(|t| parse_yaml::<CatalogueMeta>(&dir.join(META_FILE), t));
        let calendar =
            source(CALENDAR_FILE).and_then(|t| Calendar::from_yaml(t, &dir.join(CALENDAR_FILE)));
        let synonyms_path = dir.join(SYNONYMS_FILE);
        let synonyms = match files.iter().find(|(p, _)| *p == synonyms_path) {
            Some((path, bytes)) => text(path, bytes)
                .and_then(|t| parse_yaml::<SynonymGroups>(path, t))
                .map(Some),
            None => Ok(None),
        };
        let standards: Vec<_> = files
            .iter()
            .filter(|(path, _)| is_standard_file(path))
            .map(|(path, bytes)| {
                text(path, bytes).and_then(|t| parse_yaml::<StandardRecord>(path, t))
            })
            .collect();

        let meta = meta.map_err(|p| problems.extend(p)).ok();
        let synonyms = synonyms.map_err(|p| problems.extend(p)).ok().flatten();
        if let Some(list) = &synonyms {
            synonyms::check(list, &mut |p| problems.push(p));
        }
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
        let mut standards = typed_standards(standards)?;
        standards.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Catalogue {
            dir: dir.to_path_buf(),
            sha256,
            meta: meta.record,
            standards,
            calendar,
            search_synonyms: synonyms.map(|list| list.record).unwrap_or_default(),
        })
    }

    pub fn standard(&self, id: &str) -> Option<&Standard> {
        self.standards.iter().find(|s| s.id == id)
    }

    /// The requirement `STANDARD/REQUIREMENT` (`ZWGK-204/reply-within-limit`) and its standard.
    pub fn requirement(&self, rule: &str) -> Option<(&Standard, &Requirement)> {
        let (standard, id) = rule.split_once('/')?;
        let standard = self.standard(standard)?;
        Some((standard, standard.requirements.iter().find(|r| r.id == id)?))
    }

    /// `STANDARD/REQUIREMENT` of the manual requirement marked `sample: true`, which the
    /// spot-check sample's verdicts are recorded under.
    pub fn sample_rule(&self) -> Option<String> {
        self.standards.iter().find_map(|s| {
            s.requirements
                .iter()
                .find(|r| matches!(&r.spec, CheckSpec::Manual(m) if m.sample))
                .map(|r| format!("{}/{}", s.id, r.id))
        })
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

/// A standard as read, before its requirements are typed.
pub(crate) type StandardRecord = Standard<RequirementRecord>;

/// The validated standards with typed requirements. Validation has reported every missing
/// parameter already; one it let through would still be a problem here, never a rule that
/// silently checks nothing. Each standard's `requirements` then hold every edition's, each
/// in force only within its edition's window.
fn typed_standards(standards: Vec<Sourced<StandardRecord>>) -> Result<Vec<Standard>, Problems> {
    let mut problems = Problems::default();
    let mut typed = Vec::new();
    for s in standards {
        let mut type_all = |records: &[RequirementRecord], prefix: &str| {
            let mut requirements = Vec::new();
            for (r, record) in records.iter().enumerate() {
                match record.typed() {
                    Ok(requirement) => requirements.push(requirement),
                    Err(param) => problems.push(s.problem(
                        format!("{prefix}requirements[{r}].check"),
                        format!("check {} needs `{}`", record.check.name(), param.name()),
                    )),
                }
            }
            requirements
        };
        let current = type_all(&s.record.requirements, "");
        let per_edition: Vec<Vec<Requirement>> = s
            .record
            .editions
            .iter()
            .enumerate()
            .map(|(e, edition)| type_all(&edition.requirements, &format!("editions[{e}].")))
            .collect();
        let mut standard = s.record.with_requirements(current, per_edition);
        standard.requirements = all_editions(&standard);
        typed.push(standard);
    }
    problems.into_result()?;
    Ok(typed)
}

/// Every edition's requirements, oldest edition first, each tagged with its edition and
/// in force only while that edition is. A standard without earlier editions keeps its
/// requirements as written.
fn all_editions(standard: &Standard) -> Vec<Requirement> {
    if standard.editions.is_empty() {
        return standard.requirements.clone();
    }
    let per_edition = standard
        .editions
        .iter()
        .map(|e| (Some(e.number.clone()), &e.requirements))
        .chain([(None, &standard.requirements)]);
    per_edition
        .enumerate()
        .flat_map(|(e, (number, requirements))| {
            let window = standard.edition_window(e);
            requirements.iter().filter_map(move |r| {
                let own = r.in_force.unwrap_or(InForce {
                    from: None,
                    to: None,
                });
                Some(Requirement {
                    // None: never in force while its edition was.
                    in_force: Some(own.within(&window)?),
                    edition: number.clone(),
                    ..r.clone()
                })
            })
        })
        .collect()
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
    // An earlier edition's number names the standard too (Q/RGZW 204-2018).
    keys.extend(standard.editions.iter().map(|e| lookup_key(&e.number)));
    keys.sort();
    keys.dedup();
    keys
}

/// Upper case, without white space, full-width forms folded: how ids and numbers compare.
pub fn lookup_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(half_width)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The half-width form of a full-width letter, digit or sign (ＺＷＧＫ－２０４, ５．３), of
/// the ideographic space, and of an em dash typed for a hyphen.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '—' => '-',
        _ => c,
    }
}

/// The hash [`Catalogue::load`] records, computed from the folder without parsing it (to
/// tell whether a cached search index is still current).
pub fn content_hash(dir: &Path) -> Result<String, Problems> {
    let files = read_folder(dir)?;
    Ok(hash_files(
        files
            .iter()
            .map(|(path, bytes)| (path.as_path(), &bytes[..])),
    ))
}

/// SHA-256 over each file's name and bytes (both length-prefixed), in name order.
fn hash_files<'a>(files: impl Iterator<Item = (&'a Path, &'a [u8])>) -> String {
    let mut hasher = Sha256::new();
    for (path, bytes) in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    format!("{:x}", hasher.finalize())
}

/// Every `*.yaml` / `*.yml` file of the folder with its bytes, sorted by path.
fn read_folder(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>, Problems> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        Problems::one(Problem::file(
            dir,
            format!("无法读取标准文件夹：{}", crate::error::io_reason(&err)),
        ))
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|err| {
                Problems::one(Problem::file(
                    dir,
                    format!("无法列出文件：{}", crate::error::io_reason(&err)),
                ))
            })?
            .path();
        if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            paths.push(path);
        }
    }
    paths.sort();
    let mut problems = Problems::default();
    let mut files = Vec::new();
    for path in paths {
        match crate::yaml::read_bytes(&path) {
            Ok(bytes) => files.push((path, bytes)),
            Err(problem) => problems.push(problem),
        }
    }
    problems.into_result()?;
    Ok(files)
}

fn is_standard_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name != META_FILE && name != CALENDAR_FILE && name != SYNONYMS_FILE
}

fn text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, Problems> {
    std::str::from_utf8(bytes)
        .map_err(|_| Problems::one(Problem::file(path, "无法读取：不是 UTF-8 文本")))
}

fn parse_yaml<T: serde::de::DeserializeOwned>(
    path: &Path,
    source: &str,
) -> Result<Sourced<T>, Problems> {
    let (record, locator) = crate::yaml::parse(path, source)?;
    Ok(Sourced {
        path: path.to_path_buf(),
        locator,
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
