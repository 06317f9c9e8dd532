//! Command line: parse arguments, call the library, print. The only module that prints.
//!
//! `catalogue` holds the catalogue and search commands, `audit` the audit, report, annual,
//! sample and generate commands, `style` the terminal styling.

mod audit;
mod catalogue;
mod disclosure;
mod style;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::data::Level;
use crate::index::default_cache_dir;
use crate::report::Format;

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
pub struct CatalogueArgs {
    /// Standards folder (catalogue.yaml, calendar.yaml and one YAML file per standard).
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = "standards",
        env = "ZWGK_STANDARDS"
    )]
    pub standards: PathBuf,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    /// Folder for the search index cache (default: the user's cache folder).
    #[arg(long, value_name = "DIR", env = "ZWGK_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
}

impl CacheArgs {
    pub fn dir(&self) -> PathBuf {
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
    Search(SearchArgs),
    /// Audit a period: run every check on every unit, score, write results.json.
    Audit(AuditArgs),
    /// Render the circular again from a results.json, without re-auditing.
    Report(ReportArgs),
    /// Draw the spot-check sample and write the inspectors' worksheet.
    Sample(SampleArgs),
    /// Combine a year's quarterly results into the annual evaluation.
    Annual(AnnualArgs),
    /// Compute the statutory annual report (政府信息公开工作年度报告) of the city and its
    /// units from a year's records, or check a published report against them.
    DisclosureReport(DisclosureArgs),
    /// Work with the report templates.
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
    /// 生成带已知问题（truth.json）的模拟考核数据：一个季度（--period）或前后衔接的一整年（--year）。
    Generate(GenerateArgs),
    /// Serve search, the standards and the audit results to browsers (read-only).
    Serve(ServeArgs),
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
pub enum TextFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// Runs the command line; errors are printed by `main` with their causes.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Catalogue { command, catalogue } => match command {
            CatalogueCommand::Check => catalogue::catalogue_check(&catalogue.standards),
            CatalogueCommand::List {
                subsystem,
                status,
                format,
            } => {
                let catalogue = catalogue::load(&catalogue.standards)?;
                catalogue::catalogue_list(
                    &catalogue,
                    subsystem.as_deref(),
                    status.as_deref(),
                    format,
                )
            }
            CatalogueCommand::Show { id, format } => {
                let catalogue = catalogue::load(&catalogue.standards)?;
                catalogue::catalogue_show(&catalogue, &id, format)
            }
        },
        Command::Search(args) => catalogue::search_command(args),
        Command::Index { catalogue, cache } => {
            catalogue::rebuild_index(&catalogue.standards, &cache.dir())
        }
        Command::Serve(args) => serve_command(args),
        Command::Generate(args) => audit::generate_command(args),
        Command::Audit(args) => audit::audit_command(args),
        Command::Report(args) => audit::report_command(args),
        Command::Sample(args) => audit::sample_command(args),
        Command::Annual(args) => audit::annual_command(args),
        Command::DisclosureReport(args) => disclosure::disclosure_command(args),
        Command::Templates {
            command: TemplatesCommand::Export { dir },
        } => audit::templates_export(&dir),
    }
}
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless another is given.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Folder of audited periods (one folder with audit.yaml per period).
    #[arg(long, value_name = "DIR", default_value = "audits")]
    pub audits: PathBuf,
    #[command(flatten)]
    pub catalogue: CatalogueArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

fn serve_command(args: ServeArgs) -> Result<ExitCode> {
    let sources = crate::serve::site::Sources {
        standards: args.catalogue.standards,
        audits: args.audits,
        cache: args.cache.dir(),
    };
    crate::serve::serve(args.addr, sources, |addr| {
        // The first line says where to point the browser; tests read it for the port.
        println!("zwgk serve: http://{addr}/ （按 Ctrl-C 停止）");
    })?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for, e.g. 申请公开多久必须答复.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Only this sub-system (支持与保障 | 公开与运行 | 监督与评价).
    #[arg(long)]
    pub subsystem: Option<String>,
    /// Only standards with this status (现行 | 即将实施 | 废止).
    #[arg(long)]
    pub status: Option<String>,
    /// Only standards with catalogue rows in this area (领域), e.g. 社会救助.
    #[arg(long)]
    pub area: Option<String>,
    /// Number of standards to show.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
    #[command(flatten)]
    pub catalogue: CatalogueArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Audit folder with audit.yaml and the CSV files.
    #[arg(default_value = "audits/2018-Q4")]
    pub dir: PathBuf,
    /// Standards folder (default: audit.yaml's `catalogue`, else ./standards).
    #[arg(long, value_name = "DIR")]
    pub standards: Option<PathBuf>,
    /// Output folder (default: AUDIT_DIR/report).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Exit 1 when a unit scores below SCORE or is vetoed.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// Skip bad rows (counted in the results) instead of stopping.
    #[arg(long)]
    pub keep_going: bool,
    /// No progress bar or summary, only errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Folder of templates overriding the built-in ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write results.json only, not the circular (for automation and benchmarks).
    #[arg(long)]
    pub no_reports: bool,
    /// The filled spot-check worksheet (default: the one holding verdicts beside
    /// audit.yaml or in sample/).
    #[arg(long, value_name = "FILE")]
    pub inspections: Option<PathBuf>,
    /// The filled unit sheet (单位核查): a CSV, or a workbook with that sheet (default:
    /// the one holding verdicts beside audit.yaml, in sample/ or in the --inspections
    /// workbook).
    #[arg(long, value_name = "FILE")]
    pub unit_inspections: Option<PathBuf>,
    /// Refuse a spot check with sampled items, or sampled units' unit-level
    /// requirements, left unjudged.
    #[arg(long)]
    pub require_complete: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// results.json written by `zwgk audit`.
    pub results: PathBuf,
    /// The previous period's results.json, for the trend chart.
    #[arg(long, value_name = "PREV.json")]
    pub previous: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::All)]
    pub format: Format,
    /// Output folder (default: beside RESULTS.json).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Folder of templates overriding the built-in ones by file name.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Audit folder with audit.yaml and the CSV files.
    #[arg(default_value = "audits/2018-Q4")]
    pub dir: PathBuf,
    /// ISO 2859-1 inspection level (default: audit.yaml's sampling, else II).
    #[arg(long, value_enum, ignore_case = true)]
    pub level: Option<Level>,
    /// Confidence for the items within a unit (default 0.95).
    #[arg(long)]
    pub confidence: Option<f64>,
    /// Tolerable deviation rate (default 0.10).
    #[arg(long)]
    pub tolerable: Option<f64>,
    /// Seed of the draw (default: audit.yaml's, else the period end as YYYYMMDD).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Limit the population to standards or areas (专项检查), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub focus: Vec<String>,
    /// The manual requirement verdicts are recorded under (default: the catalogue's
    /// requirement marked `sample: true`).
    #[arg(long)]
    pub rule: Option<String>,
    /// Output folder (default: AUDIT_DIR/sample).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub standards: Option<PathBuf>,
    /// Draw again even over a worksheet that holds verdicts.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct AnnualArgs {
    /// The year, e.g. 2018.
    #[arg(long)]
    pub year: i32,
    /// Folder holding the quarters' audit folders (YYYY-Q1 … YYYY-Q4).
    #[arg(default_value = "audits")]
    pub audits: PathBuf,
    /// Weights of Q1–Q4, comma-separated (default equal).
    #[arg(long, value_delimiter = ',', default_values_t = [1.0, 1.0, 1.0, 1.0])]
    pub weights: Vec<f64>,
    #[arg(long, value_enum, default_value_t = Format::All)]
    pub format: Format,
    /// Output folder (default: AUDITS/YEAR-annual).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Standards folder for quarters audited on the way (default: each audit.yaml's).
    #[arg(long, value_name = "DIR")]
    pub standards: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Year-end review scores (年终集中考核): unit, score (default: AUDITS/YEAR-review.csv
    /// or .xlsx when present).
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DisclosureArgs {
    /// The report year, e.g. 2018 (its format follows the year).
    #[arg(long)]
    pub year: i32,
    /// Folder holding the quarters' audit folders (YYYY-Q1 … YYYY-Q4) and the yearly inputs.
    #[arg(default_value = "audits")]
    pub audits: PathBuf,
    /// Only this unit's report (default: the city's).
    #[arg(long, conflicts_with = "all")]
    pub unit: Option<String>,
    /// The city's report and every unit's.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = crate::disclosure::Output::All)]
    pub format: crate::disclosure::Output,
    /// Output folder (default: AUDITS/YEAR-disclosure).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Check a published report's figures (YAML or JSON, shaped like the report's JSON)
    /// against the records, cell by cell, instead of writing; exit 1 on any difference.
    #[arg(long, value_name = "FILE", conflicts_with = "all")]
    pub check: Option<PathBuf>,
    /// Applications open on 1 January, when the previous year's data is not there
    /// (default: AUDITS/YEAR-open-cases.csv when present).
    #[arg(long, value_name = "FILE")]
    pub open_cases: Option<PathBuf>,
    /// Register of 规章 and 规范性文件 (default: AUDITS/documents.csv when present).
    #[arg(long, value_name = "FILE")]
    pub documents: Option<PathBuf>,
    /// Figures and narrative the units report (default: AUDITS/YEAR-statistics.yaml).
    #[arg(long, value_name = "FILE")]
    pub statistics: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub standards: Option<PathBuf>,
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("span").required(true).args(["period", "year"])))]
pub struct GenerateArgs {
    /// 生成一个季度，YYYY-Qn（如 2018-Q4）；与 --year 二选一。
    #[arg(long, value_name = "YYYY-Qn")]
    pub period: Option<String>,
    /// 生成一整年（如 2018）：在 OUT 下写入前后衔接的 YYYY-Q1…YYYY-Q4 四个季度，以及
    /// documents.csv（规范性文件登记）和 YYYY-statistics.yaml（各单位填报数据）。
    #[arg(long, value_name = "YYYY", conflicts_with = "previous")]
    pub year: Option<i32>,
    /// 随机种子；--year 时第 n 季度的种子为 种子×10000+季末月日（--seed 2018：20180331…20181231）。
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 数量倍数（1 = 样本城市2018年的规模：每季度约15000条信息，全年约775件申请）。
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// 输出文件夹：--period 时写入 audit.yaml、各 CSV 文件、waivers.yaml 和 truth.json；
    /// --year 时为考核数据文件夹（各季度文件夹和年度文件写在其中）。
    #[arg(long)]
    pub out: PathBuf,
    /// 考核对象单位文件。
    #[arg(long, default_value = "audits/units.yaml")]
    pub units: PathBuf,
    /// audit.yaml 的 previous（默认：上一季度的文件夹在旁边时，指向其 report/results.json）。
    #[arg(long)]
    pub previous: Option<PathBuf>,
    #[command(flatten)]
    pub catalogue: CatalogueArgs,
}
