//! One audit, end to end: read audit.yaml, load the catalogue and the data, run the checks,
//! score, and build the results (with the previous period's for trends).

use std::path::{Path, PathBuf};

use crate::error::{bail_invalid, Result};

use crate::catalogue::Catalogue;
use crate::check;
use crate::data::{inspections, Inspections};
use crate::data::{AuditConfig, Dataset, LoadOptions, AUDIT_FILE};
use crate::results::spot_check;
use crate::results::{self, AuditResults};

#[derive(Debug, Clone, Default)]
pub(crate) struct AuditOptions {
    /// Standards folder; otherwise audit.yaml's `catalogue`, otherwise `./standards`.
    pub standards: Option<PathBuf>,
    pub keep_going: bool,
    /// The filled worksheet, when not found by itself.
    pub inspections: Option<PathBuf>,
    /// The filled unit sheet (单位核查), when not found by itself.
    pub unit_inspections: Option<PathBuf>,
    /// Every sampled item, and every sampled unit × unit-level requirement, must have a
    /// verdict.
    pub require_complete: bool,
}

/// What a caller is told while an audit runs.
pub(crate) trait Progress: Sync {
    fn loaded(&self, _units: usize, _items: usize) {}
    fn unit_done(&self) {}
    fn note(&self, _message: &str) {}
}

/// No progress reporting.
pub(crate) struct Quiet;
impl Progress for Quiet {}

/// The results of an audit and of the previous period, when there is one (for trends).
pub(crate) struct Audited {
    pub results: AuditResults,
    pub previous: Option<AuditResults>,
}

/// An audit folder read and validated: what the checks run on.
pub(crate) struct Loaded {
    pub catalogue: Catalogue,
    pub data: Dataset,
    /// The inspectors' verdicts, when a filled worksheet came back.
    pub inspections: Option<Inspections>,
}

/// Audits the folder `dir`.
pub(crate) fn run(dir: &Path, options: &AuditOptions, progress: &dyn Progress) -> Result<Audited> {
    let config = AuditConfig::load(dir)?;
    let previous = previous_results(dir, &config, options, progress)?;
    let loaded = load_config(dir, config, options)?;
    let previous_ref = previous.as_ref().map(|(path, r)| (path.as_path(), r));
    let results = evaluate(&loaded, previous_ref, progress)?;
    Ok(Audited {
        results,
        previous: previous.map(|(_, r)| r),
    })
}

/// Reads and validates an audit folder (for commands that do not audit, too).
pub(crate) fn load(dir: &Path, options: &AuditOptions) -> Result<Loaded> {
    let config = AuditConfig::load(dir)?;
    load_config(dir, config, options)
}

fn load_config(dir: &Path, config: AuditConfig, options: &AuditOptions) -> Result<Loaded> {
    let catalogue = load_catalogue(dir, &config, options)?;
    let load = LoadOptions {
        keep_going: options.keep_going,
    };
    let data = Dataset::load(dir, config, &catalogue, load)?;
    let inspections = inspections_of(
        dir,
        &catalogue,
        options.inspections.as_deref(),
        options.unit_inspections.as_deref(),
    )?;
    if options.require_complete {
        require_complete(inspections.as_ref())?;
    }
    Ok(Loaded {
        catalogue,
        data,
        inspections,
    })
}

/// Check, spot check, results: the one place an audit is computed. `previous` gives trends,
/// repeat findings and the spot check's switching state.
fn evaluate(
    loaded: &Loaded,
    previous: Option<(&Path, &AuditResults)>,
    progress: &dyn Progress,
) -> Result<AuditResults> {
    let Loaded {
        catalogue,
        data,
        inspections,
    } = loaded;
    progress.loaded(data.units.len(), data.items.len());
    let run = check::run(catalogue, data, inspections.as_ref(), &|| {
        progress.unit_done()
    });
    let spot_check = inspections.as_ref().map(|i| {
        let before = previous.and_then(|(_, p)| p.spot_check.as_ref());
        spot_check(i, data, &run.units, before)
    });
    results::build(catalogue, data, run, previous, spot_check)
}

/// The catalogue an audit folder uses: `--standards`, else audit.yaml's `catalogue`,
/// else `./standards`.
fn load_catalogue(dir: &Path, config: &AuditConfig, options: &AuditOptions) -> Result<Catalogue> {
    let standards = match (&options.standards, &config.catalogue) {
        (Some(dir), _) => dir.clone(),
        (None, Some(relative)) => dir.join(relative),
        (None, None) => PathBuf::from("standards"),
    };
    Ok(Catalogue::load(&standards)?)
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
            "未找到上期结果 {}：本期不列趋势和连续通报问题",
            path.display()
        ));
        return Ok(None);
    };
    progress.note(&format!(
        "上期结果 {} 尚未生成：先核查 {} 以计算趋势",
        path.display(),
        folder.display()
    ));
    let mut config = AuditConfig::load(&folder)?;
    // One period back is enough for trends and the switching state.
    config.previous = None;
    // A worksheet named on the command line is the current period's.
    let options = AuditOptions {
        inspections: None,
        unit_inspections: None,
        require_complete: false,
        ..options.clone()
    };
    let loaded = load_config(&folder, config, &options)?;
    Ok(Some((path, evaluate(&loaded, None, &Quiet)?)))
}

/// The inspectors' verdicts returned to an audit folder, if any.
fn inspections_of(
    dir: &Path,
    catalogue: &Catalogue,
    chosen: Option<&Path>,
    chosen_units: Option<&Path>,
) -> Result<Option<Inspections>> {
    match inspections::find(dir, chosen, chosen_units)? {
        Some(found) => Ok(inspections::load(&found, catalogue)?),
        None => Ok(None),
    }
}

/// `--require-complete`: the spot check counts only when every sampled item and every
/// sampled unit × unit-level requirement was judged.
fn require_complete(inspections: Option<&Inspections>) -> Result<()> {
    let Some(inspections) = inspections else {
        bail_invalid!("--require-complete：没有找到填有核查结论的抽查工作底稿");
    };
    let unjudged = results::unjudged(inspections);
    if let Some(first) = unjudged.first() {
        bail_invalid!(
            "--require-complete：{} 中有 {} 条样本未填写核查结论（第一条：{first}）",
            inspections
                .file
                .as_deref()
                .map_or("抽查工作底稿".into(), |f| f.display().to_string()),
            unjudged.len()
        );
    }
    let unjudged = results::unit_unjudged(inspections);
    if let Some(first) = unjudged.first() {
        bail_invalid!(
            "--require-complete：{} 中有 {} 项单位核查未填写结论（第一项：{first}）",
            inspections
                .units
                .as_ref()
                .map_or("单位核查表".into(), |u| u.file.display().to_string()),
            unjudged.len()
        );
    }
    Ok(())
}
