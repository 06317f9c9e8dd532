//! Command line: parse arguments, call the library, print. The only module that prints.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::audit::{AuditOptions, Progress};
use crate::catalogue::{Catalogue, Standard, Status, UnitKind};
use crate::data::Period;
use crate::generate::{generate, GenerateOptions};
use crate::index::{default_cache_dir, row_text, CatalogueIndex, Freshness};
use crate::problem::Problems;
use crate::report::{export_templates, write_reports, Format, Renderer};
use crate::results::{write_atomic, AuditResults};
use crate::sample::{worksheet_csv, worksheet_xlsx, Level, SampleOptions};
use crate::search::{mark, MatchMode, SearchRequest, SearchResults};

/// Exit code for bad input or usage (clap uses it for usage errors too).
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "zwgk",
    version,
    about = "政务公开 standards catalogue, search and quarterly compliance audit"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct CatalogueArgs {
    /// Standards folder (catalogue.yaml, calendar.yaml and one YAML file per standard).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = "standards",
        env = "ZWGK_STANDARDS"
    )]
    standards: PathBuf,
}

#[derive(Debug, Args)]
struct CacheArgs {
    /// Folder for the search index cache (default: the user's cache folder).
    #[arg(long, value_name = "DIR", env = "ZWGK_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
}

impl CacheArgs {
    fn dir(&self) -> PathBuf {
        self.cache_dir.clone().unwrap_or_else(default_cache_dir)
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate, list and show the standards.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
        #[command(flatten)]
        catalogue: CatalogueArgs,
    },
    /// Search the standards in Chinese: a question, keywords, or an id/number (204, ZWGK-204).
    Search {
        /// What to look for, e.g. 申请公开多久必须答复.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Only this sub-system (支持与保障 | 公开与运行 | 监督与评价).
        #[arg(long)]
        subsystem: Option<String>,
        /// Only standards with this status (现行 | 即将实施 | 废止).
        #[arg(long)]
        status: Option<String>,
        /// Number of standards to show.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
        #[command(flatten)]
        catalogue: CatalogueArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// Audit a period: run every check on every unit, score, write results.json.
    Audit {
        /// Audit folder with audit.yaml and the CSV files.
        #[arg(default_value = "audits/2018-Q4")]
        dir: PathBuf,
        /// Standards folder (default: audit.yaml's `catalogue`, else ./standards).
        #[arg(long, value_name = "DIR")]
        standards: Option<PathBuf>,
        /// Output folder (default: AUDIT_DIR/report).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Exit 1 when a unit scores below SCORE or is vetoed.
        #[arg(long, value_name = "SCORE")]
        fail_under: Option<f64>,
        /// Skip bad rows (counted in the results) instead of stopping.
        #[arg(long)]
        keep_going: bool,
        /// No progress bar or summary, only errors.
        #[arg(long, short)]
        quiet: bool,
        /// Folder of templates overriding the built-in ones by file name.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Write results.json only, not the circular (for automation and benchmarks).
        #[arg(long)]
        no_reports: bool,
    },
    /// Render the circular again from a results.json, without re-auditing.
    Report {
        /// results.json written by `zwgk audit`.
        results: PathBuf,
        /// The previous period's results.json, for the trend chart.
        #[arg(long, value_name = "PREV.json")]
        previous: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::All)]
        format: Format,
        /// Output folder (default: beside RESULTS.json).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Folder of templates overriding the built-in ones by file name.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Draw the spot-check sample and write the inspectors' worksheet.
    Sample {
        /// Audit folder with audit.yaml and the CSV files.
        #[arg(default_value = "audits/2018-Q4")]
        dir: PathBuf,
        /// ISO 2859-1 inspection level (default: audit.yaml's sampling, else II).
        #[arg(long, value_enum, ignore_case = true)]
        level: Option<Level>,
        /// Confidence for the items within a unit (default 0.95).
        #[arg(long)]
        confidence: Option<f64>,
        /// Tolerable deviation rate (default 0.10).
        #[arg(long)]
        tolerable: Option<f64>,
        /// Seed of the draw (default: audit.yaml's, else the period end as YYYYMMDD).
        #[arg(long)]
        seed: Option<u64>,
        /// Limit the population to standards or areas (专项检查), comma-separated.
        #[arg(long, value_delimiter = ',')]
        focus: Vec<String>,
        /// The manual requirement verdicts are recorded under.
        #[arg(long, default_value = "ZWGK-302/spot-check-item")]
        rule: String,
        /// Output folder (default: AUDIT_DIR/sample).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        standards: Option<PathBuf>,
    },
    /// Combine a year's quarterly results into the annual evaluation.
    Annual {
        /// The year, e.g. 2018.
        #[arg(long)]
        year: i32,
        /// Folder holding the quarters' audit folders (YYYY-Q1 … YYYY-Q4).
        #[arg(default_value = "audits")]
        audits: PathBuf,
        /// Weights of Q1–Q4, comma-separated (default equal).
        #[arg(long, value_delimiter = ',', default_values_t = [1.0, 1.0, 1.0, 1.0])]
        weights: Vec<f64>,
        #[arg(long, value_enum, default_value_t = Format::All)]
        format: Format,
        /// Output folder (default: AUDITS/YEAR-annual).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Standards folder for quarters audited on the way (default: each audit.yaml's).
        #[arg(long, value_name = "DIR")]
        standards: Option<PathBuf>,
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Work with the report templates.
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
    /// Generate a realistic quarter of audit data with planted defects and truth.json.
    Generate {
        /// Period to generate, YYYY-Qn (or YYYY).
        #[arg(long)]
        period: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Multiplies the volumes (1 = the model city's 2018 quarter, about 15,000 items).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Folder to write audit.yaml, the CSV files, waivers.yaml and truth.json into.
        #[arg(long)]
        out: PathBuf,
        /// The units to generate for.
        #[arg(long, default_value = "audits/units.yaml")]
        units: PathBuf,
        /// `previous:` for audit.yaml (default: the sibling folder of the previous period's report, when it exists).
        #[arg(long)]
        previous: Option<PathBuf>,
        #[command(flatten)]
        catalogue: CatalogueArgs,
    },
    /// Rebuild the search index now (it is otherwise rebuilt when the catalogue changes).
    Index {
        #[command(flatten)]
        catalogue: CatalogueArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// Write the built-in templates into DIR for editing (then pass --templates DIR).
    Export { dir: PathBuf },
}

#[derive(Debug, Subcommand)]
enum CatalogueCommand {
    /// Report every problem in the catalogue (file:line: field: message); exit 2 if any.
    Check,
    /// List the standards.
    List {
        #[arg(long)]
        subsystem: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Show one standard: metadata, clauses, catalogue rows and requirements.
    Show {
        /// 204, ZWGK-204 or Q/RGZW 204-2018.
        id: String,
        #[arg(long, value_enum, default_value_t = TextFormat::Text)]
        format: TextFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TextFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

/// Runs the command line; errors are printed by `main` with their causes.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Catalogue { command, catalogue } => match command {
            CatalogueCommand::Check => catalogue_check(&catalogue.standards),
            CatalogueCommand::List {
                subsystem,
                status,
                format,
            } => {
                let catalogue = load(&catalogue.standards)?;
                catalogue_list(&catalogue, subsystem.as_deref(), status.as_deref(), format)
            }
            CatalogueCommand::Show { id, format } => {
                let catalogue = load(&catalogue.standards)?;
                catalogue_show(&catalogue, &id, format)
            }
        },
        Command::Search {
            query,
            subsystem,
            status,
            limit,
            format,
            catalogue,
            cache,
        } => {
            let request = SearchRequest {
                query: query.join(" "),
                subsystem,
                status,
                limit,
            };
            search(&catalogue.standards, &cache.dir(), &request, format)
        }
        Command::Index { catalogue, cache } => rebuild_index(&catalogue.standards, &cache.dir()),
        Command::Generate {
            period,
            seed,
            scale,
            out,
            units,
            previous,
            catalogue,
        } => {
            let period = Period::parse(&period).map_err(anyhow::Error::msg)?;
            if !(scale > 0.0 && scale.is_finite()) {
                bail!("--scale must be a positive number");
            }
            let previous = previous.or_else(|| {
                let sibling = out.parent()?.join(period.previous().to_string());
                sibling
                    .is_dir()
                    .then(|| PathBuf::from(format!("../{}/report/results.json", period.previous())))
            });
            let catalogue = load(&catalogue.standards)?;
            let options = GenerateOptions {
                period,
                seed,
                scale,
                units,
                out,
                standards: catalogue.dir.clone(),
                previous,
            };
            let started = Instant::now();
            let truth = generate(&catalogue, &options)?;
            let counts: Vec<String> = truth
                .counts
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            writeln!(
                std::io::stdout(),
                "{}: {}; {} planted defects ({} waived), {} boundary passes; {:.1} s",
                options.out.display(),
                counts.join(", "),
                truth.findings.len(),
                truth.waived.len(),
                truth.boundary_passes.len(),
                started.elapsed().as_secs_f64()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            dir,
            standards,
            out,
            fail_under,
            keep_going,
            quiet,
            templates,
            no_reports,
        } => {
            let options = AuditOptions {
                standards,
                keep_going,
            };
            let out = out.unwrap_or_else(|| dir.join("report"));
            let reports = (!no_reports).then_some(templates.as_deref());
            audit(&dir, &options, &out, fail_under, quiet, reports)
        }
        Command::Report {
            results,
            previous,
            format,
            out,
            templates,
        } => {
            let renderer = Renderer::new(templates.as_deref())?;
            let current = AuditResults::read(&results)?;
            let history: Vec<AuditResults> = previous
                .iter()
                .map(|p| AuditResults::read(p))
                .collect::<Result<_>>()?;
            let out =
                out.unwrap_or_else(|| results.parent().map(Path::to_path_buf).unwrap_or_default());
            let written = write_reports(&current, &history, format, &renderer, &out)?;
            let mut stdout = std::io::stdout().lock();
            for path in written {
                writeln!(stdout, "{}", path.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sample {
            dir,
            level,
            confidence,
            tolerable,
            seed,
            focus,
            rule,
            out,
            standards,
        } => {
            let (catalogue, data) = crate::audit::load(
                &dir,
                &AuditOptions {
                    standards,
                    keep_going: false,
                },
            )?;
            let configured = data
                .config
                .sampling
                .clone()
                .unwrap_or(crate::data::Sampling {
                    level: None,
                    confidence: None,
                    tolerable_rate: None,
                    seed: None,
                });
            let level = match (level, &configured.level) {
                (Some(level), _) => level,
                (None, Some(text)) => Level::parse(text).with_context(|| {
                    format!("audit.yaml sampling.level {text} is not S-1…S-4, I, II or III")
                })?,
                (None, None) => Level::II,
            };
            let options = SampleOptions {
                level,
                confidence: confidence.or(configured.confidence).unwrap_or(0.95),
                tolerable: tolerable.or(configured.tolerable_rate).unwrap_or(0.10),
                seed: seed.or(configured.seed).unwrap_or_else(|| {
                    data.config
                        .period
                        .end()
                        .format("%Y%m%d")
                        .to_string()
                        .parse()
                        .unwrap_or(0)
                }),
                focus,
                rule,
            };
            if !(0.0 < options.confidence
                && options.confidence < 1.0
                && 0.0 < options.tolerable
                && options.tolerable < 1.0)
            {
                bail!("--confidence and --tolerable must be between 0 and 1");
            }
            let plan = crate::sample::draw(&catalogue, &data, &options)?;
            let out = out.unwrap_or_else(|| dir.join("sample"));
            write_atomic(&out.join("sample.json"), &serde_json::to_vec_pretty(&plan)?)?;
            write_atomic(
                &out.join("worksheet.xlsx"),
                &worksheet_xlsx(&plan, &catalogue, &data)?,
            )?;
            write_atomic(
                &out.join("worksheet.csv"),
                &worksheet_csv(&plan, &catalogue, &data)?,
            )?;
            let items: usize = plan.units.iter().map(|u| u.items.len()).sum();
            let strata: Vec<String> = plan
                .strata
                .iter()
                .map(|s| {
                    let kind = if s.kind == UnitKind::Department {
                        "市级部门"
                    } else {
                        "镇（区、街道）"
                    };
                    format!("{kind}{}/{}", s.sampled, s.units)
                })
                .collect();
            writeln!(
                std::io::stdout(),
                "抽取{}个单位（{}）、{}条信息；种子{}；总体{}个单位{}条信息（SHA-256 {}…）\n{}",
                plan.units.len(),
                strata.join("，"),
                items,
                plan.seed,
                plan.population.units,
                plan.population.items,
                &plan.population.sha256[..16],
                out.display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Annual {
            year,
            audits,
            weights,
            format,
            out,
            standards,
            templates,
        } => annual(
            year,
            &audits,
            &weights,
            format,
            out,
            standards,
            templates.as_deref(),
        ),
        Command::Templates {
            command: TemplatesCommand::Export { dir },
        } => {
            let mut stdout = std::io::stdout().lock();
            for path in export_templates(&dir)? {
                writeln!(stdout, "{}", path.display())?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load(dir: &Path) -> Result<Catalogue> {
    Catalogue::load(dir).map_err(|problems| problems_error(dir, &problems))
}

fn problems_error(dir: &Path, problems: &Problems) -> anyhow::Error {
    anyhow::anyhow!(
        "{problems}\n{} problem(s) in the catalogue {}; run `zwgk catalogue check` after fixing them",
        problems.len(),
        dir.display()
    )
}

fn catalogue_check(dir: &Path) -> Result<ExitCode> {
    match Catalogue::load(dir) {
        Ok(catalogue) => {
            let requirements: usize = catalogue
                .standards
                .iter()
                .map(|s| s.requirements.len())
                .sum();
            let rows: usize = catalogue.standards.iter().map(|s| s.items.len()).sum();
            let (first, last) = catalogue.calendar.years();
            writeln!(
                std::io::stdout(),
                "{} {}: {} standards, {} clauses, {} catalogue rows, {} requirements; calendar {first}–{last}: no problems",
                catalogue.meta.name,
                catalogue.meta.version,
                catalogue.standards.len(),
                catalogue.standards.iter().map(|s| s.clauses.len()).sum::<usize>(),
                rows,
                requirements,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            for problem in problems.iter() {
                writeln!(std::io::stdout(), "{problem}")?;
            }
            eprintln!("{} problem(s) in {}", problems.len(), dir.display());
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

fn selected<'a>(
    catalogue: &'a Catalogue,
    subsystem: Option<&str>,
    status: Option<&str>,
) -> Result<Vec<&'a Standard>> {
    if let Some(name) = subsystem {
        if catalogue.subsystem(name).is_none() {
            let names: Vec<&str> = catalogue
                .meta
                .subsystems
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            bail!(
                "no sub-system {name}; the catalogue has {}",
                names.join(", ")
            );
        }
    }
    let status = match status {
        None => None,
        Some(label) => Some(
            Status::from_label(label)
                .with_context(|| format!("no status {label}; use 现行, 即将实施 or 废止"))?,
        ),
    };
    Ok(catalogue
        .standards
        .iter()
        .filter(|s| subsystem.is_none_or(|name| s.subsystem == name))
        .filter(|s| status.is_none_or(|st| s.status == st))
        .collect())
}

fn catalogue_list(
    catalogue: &Catalogue,
    subsystem: Option<&str>,
    status: Option<&str>,
    format: ListFormat,
) -> Result<ExitCode> {
    let standards = selected(catalogue, subsystem, status)?;
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            let rows: Vec<_> = standards
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "id": s.id, "number": s.number, "title": s.title, "subsystem": s.subsystem,
                        "status": s.status, "issued": s.issued, "effective": s.effective,
                        "clauses": s.clauses.len(), "rows": s.items.len(), "requirements": s.requirements.len(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            writeln!(
                out,
                "{} {} {} {} {} {} {}  标准名称",
                pad("编号", 10),
                pad("标准号", 18),
                pad("子体系", 10),
                pad("状态", 8),
                pad("条款", 4),
                pad("目录", 4),
                pad("要求", 4),
            )?;
            for s in &standards {
                writeln!(
                    out,
                    "{:<10} {:<18} {} {} {:>4} {:>4} {:>4}  {}",
                    s.id,
                    s.number,
                    pad(&s.subsystem, 10),
                    pad(s.status.label(), 8),
                    s.clauses.len(),
                    s.items.len(),
                    s.requirements.len(),
                    s.title
                )?;
            }
            writeln!(out, "共 {} 项标准", standards.len())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Pads by display width: a Chinese character takes two columns.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let ascii_width = text.chars().count();
    // `format!` pads by characters; ask for fewer when wide characters take two columns.
    format!("{text:<w$}", w = width.saturating_sub(used - ascii_width))
}

fn catalogue_show(catalogue: &Catalogue, id: &str, format: TextFormat) -> Result<ExitCode> {
    let Some(s) = catalogue.lookup(id) else {
        bail!(
            "no standard {id} in {}; `zwgk catalogue list` shows them all",
            catalogue.dir.display()
        );
    };
    let mut out = std::io::stdout().lock();
    if let TextFormat::Json = format {
        serde_json::to_writer_pretty(&mut out, s)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let style = Style::detect();
    writeln!(out, "{}", style.bold(&format!("{}  {}", s.number, s.title)))?;
    writeln!(
        out,
        "{} · {} · {} · 发布 {} · 实施 {}",
        s.id,
        s.subsystem,
        s.status.label(),
        s.issued,
        s.effective
    )?;
    if !s.supersedes.is_empty() {
        writeln!(out, "代替：{}", s.supersedes.join("、"))?;
    }
    writeln!(out, "关键词：{}", s.keywords.join("、"))?;
    writeln!(out, "\n{}\n{}", style.bold("1 范围"), s.scope.trim())?;
    if !s.references.is_empty() {
        writeln!(out, "\n{}", style.bold("2 规范性引用文件"))?;
        for r in &s.references {
            writeln!(out, "  {r}")?;
        }
    }
    writeln!(out)?;
    for clause in &s.clauses {
        writeln!(
            out,
            "{}\n{}\n",
            style.bold(&format!("{} {}", clause.no, clause.title)),
            clause.text.trim()
        )?;
    }
    if !s.items.is_empty() {
        writeln!(out, "{}", style.bold("公开事项标准目录"))?;
        for item in &s.items {
            writeln!(
                out,
                "  [{}] {}\n      {}",
                item.code,
                item.name(),
                row_text(item)
            )?;
        }
        writeln!(out)?;
    }
    if !s.requirements.is_empty() {
        writeln!(out, "{}", style.bold("考核要求"))?;
        for r in &s.requirements {
            let mut line = format!(
                "  {}/{}  {}  (条款 {} · {} · 权重 {}",
                s.id,
                r.id,
                r.title,
                r.clause,
                r.check.name(),
                r.weight
            );
            if let Some(w) = &r.in_force {
                line.push_str(&format!(
                    " · 有效 {}–{}",
                    w.from,
                    w.to.map(|d| d.to_string()).unwrap_or_default()
                ));
            }
            if r.veto {
                line.push_str(" · 单项否决");
            }
            if let Some(n) = r.veto_at {
                line.push_str(&format!(" · {n}项不合格即否决"));
            }
            writeln!(out, "{line})")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn search(
    dir: &Path,
    cache: &Path,
    request: &SearchRequest,
    format: TextFormat,
) -> Result<ExitCode> {
    if let Some(label) = &request.status {
        if Status::from_label(label).is_none() {
            bail!("no status {label}; use 现行, 即将实施 or 废止");
        }
    }
    let (index, freshness) = CatalogueIndex::open(dir, cache)?;
    if freshness == Freshness::Rebuilt {
        eprintln!(
            "index rebuilt: {} documents in {}",
            index.documents,
            index.dir.display()
        );
    }
    let results = index.search(request)?;
    let mut out = std::io::stdout().lock();
    match format {
        TextFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &results)?;
            writeln!(out)?;
        }
        TextFormat::Text => print_results(&mut out, &results, Style::detect())?,
    }
    Ok(ExitCode::SUCCESS)
}

fn print_results(out: &mut impl Write, results: &SearchResults, style: Style) -> Result<()> {
    if results.hits.is_empty() {
        writeln!(out, "没有找到与“{}”相关的标准条款。", results.query)?;
        return Ok(());
    }
    if matches!(results.mode, MatchMode::MostTerms | MatchMode::AnyTerm) {
        writeln!(out, "（没有同时包含全部词语的条款，以下为部分匹配）")?;
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        let head = format!("{}. {}  {}", rank + 1, hit.id, hit.title);
        writeln!(
            out,
            "{}  ({} · {} · {})",
            style.bold(&head),
            hit.number,
            hit.subsystem,
            hit.status
        )?;
        for clause in &hit.clauses {
            let label = match clause.kind {
                crate::index::DocKind::Row => format!("目录 {}", clause.no),
                _ => clause.no.clone(),
            };
            let text = style.highlight(&clause.fragment, &clause.highlighted);
            writeln!(
                out,
                "   {} {}：{}",
                label,
                clause.title,
                text.replace('\n', " ")
            )?;
        }
    }
    Ok(())
}

fn rebuild_index(dir: &Path, cache: &Path) -> Result<ExitCode> {
    let started = Instant::now();
    let catalogue = load(dir)?;
    let index = CatalogueIndex::build(&catalogue, cache)?;
    writeln!(
        std::io::stdout(),
        "indexed {} standards as {} documents in {:.0} ms: {}",
        catalogue.standards.len(),
        index.documents,
        started.elapsed().as_secs_f64() * 1000.0,
        index.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Terminal styling: ANSI only when stdout is a terminal and NO_COLOR is unset.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stdout().is_terminal() && !no_color,
        }
    }

    fn bold(self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn highlight(self, text: &str, ranges: &[std::ops::Range<usize>]) -> String {
        if self.color {
            mark(text, ranges, "\x1b[1;31m", "\x1b[0m", str::to_string)
        } else {
            mark(text, ranges, "【", "】", str::to_string)
        }
    }
}

fn audit(
    dir: &Path,
    options: &AuditOptions,
    out: &Path,
    fail_under: Option<f64>,
    quiet: bool,
    // `None`: results.json only; `Some(templates)`: the circular too.
    reports: Option<Option<&Path>>,
) -> Result<ExitCode> {
    let started = Instant::now();
    // A broken template override is reported before the audit runs.
    let renderer = reports.map(Renderer::new).transpose()?;
    let progress = Bar::new(quiet);
    let audited = crate::audit::run(dir, options, &progress)?;
    progress.finish();
    let results = audited.results;
    write_atomic(&out.join("results.json"), &results.to_json()?)?;
    let history: Vec<AuditResults> = audited.previous.into_iter().collect();
    if let Some(renderer) = &renderer {
        write_reports(&results, &history, Format::All, renderer, out)?;
    }
    if !quiet {
        let mut stdout = std::io::stdout().lock();
        print_summary(&mut stdout, &results)?;
        writeln!(
            stdout,
            "结果已写入 {}：results.json、report.md、report.html、findings.xlsx、notices/（{:.2} 秒）",
            out.display(),
            started.elapsed().as_secs_f64()
        )?;
    }
    let breached = fail_under.is_some_and(|min| {
        results
            .units
            .iter()
            .any(|u| !u.vetoes.is_empty() || u.score.is_some_and(|s| s < min))
    });
    Ok(if breached {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_summary(out: &mut impl Write, r: &AuditResults) -> Result<()> {
    let s = &r.summary;
    let score = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x:.2}"));
    writeln!(
        out,
        "{}{}政务公开考核：{}个单位（部门{}个，镇区街道{}个），信息{}条、台账{}条、依申请{}件、留言{}条",
        r.jurisdiction, r.period_label, s.units, s.departments, s.towns, s.items, s.register_entries, s.applications, s.messages
    )?;
    let previous = s
        .previous_average
        .map(|p| format!("（上期 {p:.2}）"))
        .unwrap_or_default();
    let grades: Vec<String> = s.grades.iter().map(|(g, n)| format!("{g}{n}")).collect();
    writeln!(
        out,
        "平均分 {}{previous}，中位数 {}；{}；单项否决 {} 个；问题 {} 条",
        score(s.average),
        score(s.median),
        grades.join("、"),
        s.vetoed,
        s.findings
    )?;
    writeln!(
        out,
        "{:>4}  {}  {}  {:>6}  等次",
        "排名",
        pad("单位", 24),
        pad("类型", 4),
        "得分"
    )?;
    let shown: Vec<_> = if r.units.len() > 15 {
        r.units
            .iter()
            .take(10)
            .chain(r.units.iter().skip(r.units.len() - 5))
            .collect()
    } else {
        r.units.iter().collect()
    };
    for (i, unit) in shown.iter().enumerate() {
        if i == 10 && r.units.len() > 15 {
            writeln!(out, "   …")?;
        }
        let kind = match unit.kind {
            UnitKind::Department => "部门",
            UnitKind::Town => "镇街",
        };
        let veto = if unit.vetoes.is_empty() {
            ""
        } else {
            "（单项否决）"
        };
        writeln!(
            out,
            "{:>4}  {}  {}  {:>6}  {}{veto}",
            unit.rank,
            pad(&unit.name, 24),
            kind,
            score(unit.score),
            unit.grade
        )?;
    }
    Ok(())
}

/// Progress on stderr: hidden when stderr is not a terminal or with --quiet.
struct Bar {
    bar: indicatif::ProgressBar,
    quiet: bool,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new_spinner().with_message("读取数据…")
        };
        Bar { bar, quiet }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn loaded(&self, units: usize, items: usize) {
        self.bar.set_length(units as u64);
        self.bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        self.bar.set_message(format!("检查 {items} 条信息"));
    }

    fn unit_done(&self) {
        self.bar.inc(1);
    }

    fn note(&self, message: &str) {
        if !self.quiet {
            self.bar.suspend(|| eprintln!("{message}"));
        }
    }
}

/// The annual roll-up: each quarter's written results, or an audit of its folder when
/// none were written yet.
fn annual(
    year: i32,
    audits: &Path,
    weights: &[f64],
    format: Format,
    out: Option<PathBuf>,
    standards: Option<PathBuf>,
    templates: Option<&Path>,
) -> Result<ExitCode> {
    if weights.len() != 4 || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        bail!("--weights must be four numbers of 0 or more");
    }
    let renderer = Renderer::new(templates)?;
    let mut quarters = Vec::new();
    let mut missing = Vec::new();
    for (q, weight) in (1..=4).zip(weights) {
        let period = Period {
            year,
            quarter: Some(q),
        };
        let folder = audits.join(period.to_string());
        let written = folder.join("report/results.json");
        if written.exists() {
            quarters.push((AuditResults::read(&written)?, *weight));
        } else if folder.join(crate::data::AUDIT_FILE).exists() {
            let options = AuditOptions {
                standards: standards.clone(),
                keep_going: false,
            };
            let audited = crate::audit::run(&folder, &options, &crate::audit::Quiet)?;
            quarters.push((audited.results, *weight));
        } else {
            missing.push(period.label_zh());
        }
    }
    let annual = crate::report::annual::annual(year, &quarters, missing)?;
    let out = out.unwrap_or_else(|| audits.join(format!("{year}-annual")));
    let mut stdout = std::io::stdout().lock();
    for path in crate::report::write_annual(&annual, format, &renderer, &out)? {
        writeln!(stdout, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
