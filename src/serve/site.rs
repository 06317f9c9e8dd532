//! What `zwgk serve` shows, loaded whole before it is served: the catalogue with its search
//! index, and every audited period under the audits folder. A new `Site` is loaded when a
//! file changes and replaces the old one between requests, never during one.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::audit::{AuditOptions, Quiet};
use crate::catalogue::Catalogue;
use crate::data::AUDIT_FILE;
use crate::error::{Error, Result};
use crate::index::CatalogueIndex;
use crate::report::{render_reports, Format, Renderer};
use crate::results::AuditResults;
use crate::search::{SearchRequest, SearchResults};

/// Searches remembered per site. Typing sends the same prefixes again and evaluators ask
/// the same questions; a site loaded anew starts with none. Bounded: when full, it is
/// emptied rather than kept in order.
const REMEMBERED_SEARCHES: usize = 2048;

/// Where the served data lives.
#[derive(Debug, Clone)]
pub(crate) struct Sources {
    pub standards: PathBuf,
    pub audits: PathBuf,
    pub cache: PathBuf,
}

pub(crate) struct Site {
    pub catalogue: Catalogue,
    pub index: CatalogueIndex,
    /// Oldest first.
    pub periods: Vec<PeriodSite>,
    /// What the files looked like when this was loaded.
    pub fingerprint: Fingerprint,
    searches: Mutex<HashMap<SearchRequest, Arc<SearchResults>>>,
}

/// One audited period: its results and its circular (report.html).
pub(crate) struct PeriodSite {
    /// The folder's name, e.g. 2018-Q4; the period's URL segment.
    pub name: String,
    pub results: AuditResults,
    pub circular: String,
}

impl Site {
    pub(crate) fn load(sources: &Sources) -> Result<Site> {
        let fingerprint = Fingerprint::of(sources);
        let catalogue = Catalogue::load(&sources.standards).map_err(Error::Input)?;
        let (index, _) = CatalogueIndex::open(&sources.standards, &sources.cache)?;
        let periods = load_periods(sources)?;
        Ok(Site {
            catalogue,
            index,
            periods,
            fingerprint,
            searches: Mutex::new(HashMap::new()),
        })
    }

    /// The results of `request`, searched once per site.
    pub(crate) fn search(&self, request: &SearchRequest) -> Result<Arc<SearchResults>> {
        let remembered = |searches: &Mutex<HashMap<_, Arc<SearchResults>>>| {
            searches.lock().ok().and_then(|s| s.get(request).cloned())
        };
        if let Some(found) = remembered(&self.searches) {
            return Ok(found);
        }
        let found = Arc::new(self.index.search(request)?);
        if let Ok(mut searches) = self.searches.lock() {
            if searches.len() >= REMEMBERED_SEARCHES {
                searches.clear();
            }
            searches.insert(request.clone(), found.clone());
        }
        Ok(found)
    }

    pub(crate) fn period(&self, name: &str) -> Option<&PeriodSite> {
        self.periods.iter().find(|p| p.name == name)
    }
}

/// Every folder of the audits folder holding an audit.yaml: its written results
/// (report/results.json) when there are, else audited now, in memory.
fn load_periods(sources: &Sources) -> Result<Vec<PeriodSite>> {
    let mut folders: Vec<PathBuf> = match std::fs::read_dir(&sources.audits) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join(AUDIT_FILE).is_file())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io("读取", &sources.audits, e)),
    };
    folders.sort();
    let renderer = Renderer::new(None)?;
    let mut periods: Vec<PeriodSite> = Vec::new();
    for folder in folders {
        let results = period_results(&folder, &sources.standards)?;
        let history: Vec<AuditResults> = periods
            .last()
            .filter(|p| Some(&p.results.period) == results.previous.as_ref().map(|p| &p.period))
            .map(|p| p.results.clone())
            .into_iter()
            .collect();
        let files = render_reports(&results, &history, Format::Html, &renderer)?;
        let circular = files
            .into_iter()
            .find(|(name, _)| name == "report.html")
            .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        periods.push(PeriodSite {
            name,
            results,
            circular,
        });
    }
    Ok(periods)
}

fn period_results(folder: &Path, standards: &Path) -> Result<AuditResults> {
    let written = folder.join("report/results.json");
    if written.is_file() {
        return AuditResults::read(&written);
    }
    let options = AuditOptions {
        standards: Some(standards.to_path_buf()),
        ..AuditOptions::default()
    };
    Ok(crate::audit::run(folder, &options, &Quiet)?.results)
}

/// Names, sizes and modification times of every file the site is loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fingerprint(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Fingerprint {
    pub(crate) fn of(sources: &Sources) -> Fingerprint {
        let mut files = Vec::new();
        list_files(&sources.standards, 1, &mut files);
        list_files(&sources.audits, 3, &mut files);
        files.sort();
        Fingerprint(files)
    }
}

fn list_files(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        if meta.is_dir() {
            if depth > 1 {
                list_files(&path, depth - 1, out);
            }
        } else {
            out.push((path, meta.len(), meta.modified().ok()));
        }
    }
}
