//! One audit, end to end: read audit.yaml, load the catalogue and the data, run the checks,
//! score, and build the results (with the previous period's for trends).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

use crate::catalogue::Catalogue;
use crate::check;
use crate::data::{AuditConfig, Dataset, LoadOptions, AUDIT_FILE};
use crate::problem::Problems;
use crate::results::{self, AuditResults};
use crate::sample::{agreement, verdicts};

#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// Standards folder; otherwise audit.yaml's `catalogue`, otherwise `./standards`.
    pub standards: Option<PathBuf>,
    pub keep_going: bool,
}

/// What a caller is told while an audit runs.
pub trait Progress: Sync {
    fn loaded(&self, _units: usize, _items: usize) {}
    fn unit_done(&self) {}
    fn note(&self, _message: &str) {}
}

/// No progress reporting.
pub struct Quiet;
impl Progress for Quiet {}

/// The results of an audit and of the previous period, when there is one (for trends).
pub struct Audited {
    pub results: AuditResults,
    pub previous: Option<AuditResults>,
}

/// Audits the folder `dir`.
pub fn run(dir: &Path, options: &AuditOptions, progress: &dyn Progress) -> Result<Audited> {
    let config = AuditConfig::load(dir).map_err(|p| input_error(&p))?;
    let catalogue = load_catalogue(dir, &config, options)?;
    let previous = previous_results(dir, &config, options, progress)?;
    let load = LoadOptions {
        keep_going: options.keep_going,
    };
    let data = Dataset::load(dir, config, &catalogue, load).map_err(|p| input_error(&p))?;
    let inspections = inspections_of(dir)?;
    progress.loaded(data.units.len(), data.items.len());
    let run = check::run(&catalogue, &data, inspections.as_ref(), &|| {
        progress.unit_done()
    });
    let spot_check = inspections.as_ref().map(|i| {
        let before = previous.as_ref().and_then(|(_, p)| p.spot_check.as_ref());
        agreement::spot_check(i, &data, &run.units, before)
    });
    let results = results::build(
        &catalogue,
        &data,
        run,
        previous.as_ref().map(|(p, r)| (p.as_path(), r.clone())),
        spot_check,
    );
    // Freeing millions of records takes a moment; let the other core do it while the
    // results are written.
    std::thread::spawn(move || drop(data));
    Ok(Audited {
        results: results?,
        previous: previous.map(|(_, r)| r),
    })
}

/// The catalogue an audit folder uses: `--standards`, else audit.yaml's `catalogue`,
/// else `./standards`.
pub fn load_catalogue(
    dir: &Path,
    config: &AuditConfig,
    options: &AuditOptions,
) -> Result<Catalogue> {
    let standards = match (&options.standards, &config.catalogue) {
        (Some(dir), _) => dir.clone(),
        (None, Some(relative)) => dir.join(relative),
        (None, None) => PathBuf::from("standards"),
    };
    Catalogue::load(&standards).map_err(|p| input_error(&p))
}

/// The catalogue and data of an audit folder, validated (for commands that do not audit).
pub fn load(dir: &Path, options: &AuditOptions) -> Result<(Catalogue, Dataset)> {
    let config = AuditConfig::load(dir).map_err(|p| input_error(&p))?;
    let catalogue = load_catalogue(dir, &config, options)?;
    let load = LoadOptions {
        keep_going: options.keep_going,
    };
    let data = Dataset::load(dir, config, &catalogue, load).map_err(|p| input_error(&p))?;
    Ok((catalogue, data))
}

/// The previous period's results: the file audit.yaml names or, when it has not been
/// written yet, an audit of the sibling folder of the previous period, in memory.
fn previous_results(
    dir: &Path,
    config: &AuditConfig,
    options: &AuditOptions,
    progress: &dyn Progress,
) -> Result<Option<(PathBuf, AuditResults)>> {
    let Some(relative) = &config.previous else {
        return Ok(None);
    };
    let path = dir.join(relative);
    if path.exists() {
        let results = AuditResults::read(&path)?;
        return Ok(Some((path, results)));
    }
    let sibling = dir
        .parent()
        .map(|parent| parent.join(config.period.previous().to_string()))
        .filter(|folder| folder.join(AUDIT_FILE).exists());
    let Some(folder) = sibling else {
        progress.note(&format!(
            "previous results {} not found: trends and repeat findings left out",
            path.display()
        ));
        return Ok(None);
    };
    progress.note(&format!(
        "previous results {} not written yet: auditing {} for the trend",
        path.display(),
        folder.display()
    ));
    let mut config = AuditConfig::load(&folder).map_err(|p| input_error(&p))?;
    config.previous = None;
    let standards = options
        .standards
        .clone()
        .or(config.catalogue.as_ref().map(|c| folder.join(c)));
    let catalogue = Catalogue::load(&standards.unwrap_or_else(|| PathBuf::from("standards")))
        .map_err(|p| input_error(&p))?;
    let load = LoadOptions {
        keep_going: options.keep_going,
    };
    let data = Dataset::load(&folder, config, &catalogue, load)
        .map_err(|p| input_error(&p))
        .with_context(|| format!("auditing the previous period in {}", folder.display()))?;
    // Its spot check too, so the switching state carries on.
    let inspections = inspections_of(&folder)?;
    let run = check::run(&catalogue, &data, inspections.as_ref(), &|| {});
    let spot_check = inspections
        .as_ref()
        .map(|i| agreement::spot_check(i, &data, &run.units, None));
    Ok(Some((
        path,
        results::build(&catalogue, &data, run, None, spot_check)?,
    )))
}

/// The inspectors' verdicts returned to an audit folder, if any.
fn inspections_of(dir: &Path) -> Result<Option<verdicts::Inspections>> {
    match verdicts::find(dir) {
        Some((plan, filled)) => verdicts::load(&plan, &filled).map_err(|p| input_error(&p)),
        None => Ok(None),
    }
}

/// Input problems as one error listing them all.
pub fn input_error(problems: &Problems) -> anyhow::Error {
    anyhow!(
        "{problems}\n{} problem(s) in the input; nothing was scored",
        problems.len()
    )
}
