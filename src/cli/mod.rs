//! Command line: parse arguments, call the library, print. The only module that prints.
//!
//! `catalogue` holds the catalogue and search commands, `audit` the audit, report, annual,
//! sample and generate commands, `style` the terminal styling.

mod audit;
mod catalogue;
mod disclosure;
mod help;
mod parse_error;
mod style;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::data::Level;
use crate::index::default_cache_dir;
use crate::report::Format;

/// Exit code for bad input or usage (clap uses it for usage errors too).
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "zwgk",
    version,
    about = "政务公开标准目录、标准检索与季度考核：校验与查阅标准，审核各单位、生成考核通报和年度报告"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
pub struct CatalogueArgs {
    /// 标准文件夹（catalogue.yaml、calendar.yaml 和每项标准一个 YAML 文件）。
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        default_value = "standards",
        env = STANDARDS_ENV
    )]
    pub standards: PathBuf,
}

#[derive(Debug, Args)]
pub struct CacheArgs {
    /// 搜索索引的缓存文件夹（默认：用户的缓存文件夹）。
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
    /// 校验、列出和查看标准。
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
        #[command(flatten)]
        catalogue: CatalogueArgs,
    },
    /// 用中文检索标准：一个问题、几个关键词，或编号/标准号（204、ZWGK-204）。
    Search(SearchArgs),
    /// 考核一个季度：对每个单位运行全部检查、评分，写出 results.json 和考核通报。
    Audit(AuditArgs),
    /// 由 results.json 重新生成考核通报，不重新考核。
    Report(ReportArgs),
    /// 抽取人工核查样本，写出核查工作表。
    Sample(SampleArgs),
    /// 汇总一年四个季度的考核结果，生成年度考核。
    Annual(AnnualArgs),
    /// 由全年台账计算全市和各单位的政府信息公开工作年度报告，或核对已发布的年度报告。
    DisclosureReport(DisclosureArgs),
    /// 管理通报模板。
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
    /// 生成带已知问题（truth.json）的模拟考核数据：一个季度（--period）或前后衔接的一整年（--year）。
    Generate(GenerateArgs),
    /// 在浏览器中提供检索、标准和考核结果（只读）。
    Serve(ServeArgs),
    /// 立即重建搜索索引（否则在目录变化时自动重建）。
    Index {
        #[command(flatten)]
        catalogue: CatalogueArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// 把内置模板写入 DIR 以便修改（之后用 --templates DIR 使用）；不覆盖已改过的模板，除非加 --force。
    Export {
        /// 写入模板的文件夹。
        dir: PathBuf,
        /// 覆盖 DIR 中与内置模板不同的同名文件。
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogueCommand {
    /// 报告目录中的全部问题（文件:行: 字段: 说明）；有问题时退出码为 2。
    Check,
    /// 列出标准。
    List {
        /// 只列这个子体系的标准（支持与保障 | 公开与运行 | 监督与评价）。
        #[arg(long)]
        subsystem: Option<String>,
        /// 只列这个状态的标准（现行 | 即将实施 | 废止）。
        #[arg(long)]
        status: Option<String>,
        /// 输出格式。
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// 查看一项标准：基本信息、条款、目录事项和考核要求。
    Show {
        /// 标准编号：204、ZWGK-204 或 Q/RGZW 204-2018。
        id: String,
        /// 输出格式。
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

/// The command line's grammar with its help in Chinese (what `run` parses with).
pub fn command() -> clap::Command {
    help::localized(Cli::command())
}

/// Parses the command line, or says in Chinese why not: `Err` holds the exit code after
/// help, the version or a usage error was printed.
fn parse(args: &[OsString]) -> Result<Result<Cli, ExitCode>> {
    let mut grammar = command();
    let matches = match grammar.try_get_matches_from_mut(args) {
        Ok(matches) => matches,
        Err(err) => return refused(&err, &grammar, args).map(Err),
    };
    if let Some(asked) = help::requested(&grammar, &matches)? {
        help::print_help(asked)?;
        return Ok(Err(ExitCode::SUCCESS));
    }
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => Ok(Ok(cli)),
        Err(err) => refused(&err, &grammar, args).map(Err),
    }
}

/// Help and the version go to stdout (exit 0); a usage error goes to stderr in Chinese
/// (exit 2, as clap's own).
fn refused(err: &clap::Error, grammar: &clap::Command, args: &[OsString]) -> Result<ExitCode> {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let stdout = std::io::stdout();
            let terminal = std::io::IsTerminal::is_terminal(&stdout);
            help::print(&err.render(), &mut stdout.lock(), terminal)?;
            Ok(ExitCode::SUCCESS)
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let stderr = std::io::stderr();
            let terminal = std::io::IsTerminal::is_terminal(&stderr);
            help::print(&err.render(), &mut stderr.lock(), terminal)?;
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
        _ => {
            eprintln!("{}", parse_error::message(err, grammar, args));
            Ok(ExitCode::from(EXIT_BAD_INPUT))
        }
    }
}

/// Runs the command line; errors are printed by `main` with their causes.
pub fn run() -> Result<ExitCode> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match parse(&args)? {
        Ok(cli) => cli,
        Err(code) => return Ok(code),
    };
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
            command: TemplatesCommand::Export { dir, force },
        } => audit::templates_export(&dir, force),
    }
}
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址，不指定时只监听本机。
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// 考核数据文件夹（每个季度一个含 audit.yaml 的文件夹）。
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
    /// 要检索的内容，如 申请公开多久必须答复。
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// 只检索这个子体系（支持与保障 | 公开与运行 | 监督与评价）。
    #[arg(long)]
    pub subsystem: Option<String>,
    /// 只检索这个状态的标准（现行 | 即将实施 | 废止）。
    #[arg(long)]
    pub status: Option<String>,
    /// 只检索在这个领域有目录事项的标准，如 社会救助。
    #[arg(long)]
    pub area: Option<String>,
    /// 最多显示几项标准。
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
    #[command(flatten)]
    pub catalogue: CatalogueArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// The environment variable that names the standards folder for every command reading
/// the catalogue, like `--standards`.
const STANDARDS_ENV: &str = "ZWGK_STANDARDS";

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// 考核文件夹（含 audit.yaml 和各 CSV 文件）。
    #[arg(default_value = "audits/2018-Q4")]
    pub dir: PathBuf,
    /// 标准文件夹（默认：audit.yaml 的 catalogue，否则 ./standards）。
    #[arg(long, value_name = "DIR", env = STANDARDS_ENV)]
    pub standards: Option<PathBuf>,
    /// 输出文件夹（默认：考核文件夹下的 report）。
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 有单位得分低于 SCORE 或被单项否决时退出码为 1，并列出这些单位。
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// 跳过有问题的行（记入 results.json 的 skipped_rows）而不是停止考核。
    #[arg(long)]
    pub keep_going: bool,
    /// 不显示进度和汇总，只显示错误。
    #[arg(long, short)]
    pub quiet: bool,
    /// 模板文件夹，按文件名覆盖内置模板。
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// 只写 results.json，不生成通报（用于自动化和基准测试）。
    #[arg(long)]
    pub no_reports: bool,
    /// 填好的抽查工作表（默认：audit.yaml 旁边或 sample/ 中已填有核查结论的那个）。
    #[arg(long, value_name = "FILE")]
    pub inspections: Option<PathBuf>,
    /// 填好的单位核查表：CSV 文件，或含该工作表的工作簿（默认：audit.yaml 旁边、sample/ 中或 --inspections 工作簿中已填有核查结论的那个）。
    #[arg(long, value_name = "FILE")]
    pub unit_inspections: Option<PathBuf>,
    /// 抽中的信息或抽中单位的单位级要求还有未填核查结论的，拒绝考核。
    #[arg(long)]
    pub require_complete: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// `zwgk audit` 写出的 results.json。
    pub results: PathBuf,
    /// 上一季度的 results.json，用于趋势图。
    #[arg(long, value_name = "PREV.json")]
    pub previous: Option<PathBuf>,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = Format::All)]
    pub format: Format,
    /// 输出文件夹（默认：results.json 所在的文件夹）。
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 模板文件夹，按文件名覆盖内置模板。
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// 考核文件夹（含 audit.yaml 和各 CSV 文件）。
    #[arg(default_value = "audits/2018-Q4")]
    pub dir: PathBuf,
    /// ISO 2859-1 检验水平（默认：audit.yaml 的 sampling，否则 II）。
    #[arg(long, value_enum, ignore_case = true)]
    pub level: Option<Level>,
    /// 单位内抽取信息的置信度（默认 0.95）。
    #[arg(long)]
    pub confidence: Option<f64>,
    /// 可容忍偏差率（默认 0.10）。
    #[arg(long)]
    pub tolerable: Option<f64>,
    /// 抽样种子（默认：audit.yaml 的 seed，否则季末日期 YYYYMMDD）。
    #[arg(long)]
    pub seed: Option<u64>,
    /// 只在这些标准或领域中抽样（专项检查），用逗号分隔。
    #[arg(long, value_delimiter = ',')]
    pub focus: Vec<String>,
    /// 记录核查结论的人工核查要求（默认：目录中标记 sample: true 的要求）。
    #[arg(long)]
    pub rule: Option<String>,
    /// 输出文件夹（默认：考核文件夹下的 sample）。
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 标准文件夹（默认：audit.yaml 的 catalogue，否则 ./standards）。
    #[arg(long, value_name = "DIR", env = STANDARDS_ENV)]
    pub standards: Option<PathBuf>,
    /// 即使工作表已填有核查结论也重新抽样（覆盖它）。
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct AnnualArgs {
    /// 年份，如 2018。
    #[arg(long)]
    pub year: i32,
    /// 存放各季度考核文件夹（YYYY-Q1 … YYYY-Q4）的文件夹。
    #[arg(default_value = "audits")]
    pub audits: PathBuf,
    /// 第一至第四季度的权重，用逗号分隔，如 1,1,1,2。
    #[arg(long, value_delimiter = ',', default_values_t = [1.0, 1.0, 1.0, 1.0])]
    pub weights: Vec<f64>,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = Format::All)]
    pub format: Format,
    /// 输出文件夹（默认：AUDITS/YEAR-annual）。
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 尚未考核、需当场考核的季度所用的标准文件夹（默认：各 audit.yaml 的 catalogue）。
    #[arg(long, value_name = "DIR", env = STANDARDS_ENV)]
    pub standards: Option<PathBuf>,
    /// 模板文件夹，按文件名覆盖内置模板。
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// 年终集中考核得分：单位、得分（默认：有 AUDITS/YEAR-review.csv 或 .xlsx 时用它）。
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DisclosureArgs {
    /// 报告年度，如 2018（报告格式随年度而定）。
    #[arg(long)]
    pub year: i32,
    /// 存放各季度考核文件夹（YYYY-Q1 … YYYY-Q4）和年度数据的文件夹。
    #[arg(default_value = "audits")]
    pub audits: PathBuf,
    /// 只生成这个单位的报告（默认：全市的）。
    #[arg(long, conflicts_with = "all")]
    pub unit: Option<String>,
    /// 生成全市和每个单位的报告。
    #[arg(long)]
    pub all: bool,
    /// 输出格式。
    #[arg(long, value_enum, default_value_t = crate::disclosure::Output::All)]
    pub format: crate::disclosure::Output,
    /// 输出文件夹（默认：AUDITS/YEAR-disclosure）。
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// 逐格核对已发布报告的数字（YAML 或 JSON，结构同报告的 JSON）与台账，不写出报告；有不一致时退出码为 1。
    #[arg(long, value_name = "FILE", conflicts_with = "all")]
    pub check: Option<PathBuf>,
    /// 上年数据不在时，1月1日尚未办结的申请（默认：有 AUDITS/YEAR-open-cases.csv 时用它）。
    #[arg(long, value_name = "FILE")]
    pub open_cases: Option<PathBuf>,
    /// 规章和规范性文件登记（默认：有 AUDITS/documents.csv 时用它）。
    #[arg(long, value_name = "FILE")]
    pub documents: Option<PathBuf>,
    /// 各单位填报的数字和报告文字（默认：AUDITS/YEAR-statistics.yaml）。
    #[arg(long, value_name = "FILE")]
    pub statistics: Option<PathBuf>,
    /// 标准文件夹（默认：各 audit.yaml 的 catalogue）。
    #[arg(long, value_name = "DIR", env = STANDARDS_ENV)]
    pub standards: Option<PathBuf>,
    /// 模板文件夹，按文件名覆盖内置模板。
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("span").required(true).args(["period", "year"])))]
pub struct GenerateArgs {
    /// 生成一个季度，YYYY-Qn（如 2018-Q4）；与 --year 二选一。
    #[arg(long, value_name = "YYYY-Qn")]
    pub period: Option<String>,
    /// 生成一整年（如 2018）：在 OUT 下写入前后衔接的 YYYY-Q1…YYYY-Q4 四个季度，以及 documents.csv（规范性文件登记）和 YYYY-statistics.yaml（各单位填报数据）。
    #[arg(long, value_name = "YYYY", conflicts_with = "previous")]
    pub year: Option<i32>,
    /// 随机种子；--year 时第 n 季度的种子为 种子×10000+季末月日，如 --seed 2018 得 20180331…20181231。
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// 数量倍数：1 为样本城市2018年的规模，每季度约15000条信息、全年约775件申请。
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// 输出文件夹：--period 时写入 audit.yaml、各 CSV 文件、waivers.yaml 和 truth.json；--year 时为考核数据文件夹（各季度文件夹和年度文件写在其中）。
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::{command, help, Cli};

    fn has_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every command says what it does and every argument what it takes, in Chinese:
    /// the derive leaves help empty where a doc comment is missing.
    #[test]
    fn every_command_and_argument_has_chinese_help() {
        for tree in [Cli::command(), command()] {
            for sub in help::walk(&tree) {
                let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
                assert!(has_chinese(&about), "{}: about {about:?}", sub.get_name());
                for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
                    let text = arg.get_help().map(ToString::to_string).unwrap_or_default();
                    assert!(
                        has_chinese(&text),
                        "{} {}: help {text:?}",
                        sub.get_name(),
                        arg.get_id()
                    );
                }
            }
        }
    }

    #[test]
    fn help_and_version_flags_are_ours() {
        let tree = command();
        for sub in help::walk(&tree) {
            let help = sub.get_arguments().find(|a| a.get_id() == "help");
            let text = help.and_then(|a| a.get_help()).map(ToString::to_string);
            assert_eq!(text.as_deref(), Some("显示帮助"), "{}", sub.get_name());
        }
        let version = tree.get_arguments().find(|a| a.get_id() == "version");
        let text = version.and_then(|a| a.get_help()).map(ToString::to_string);
        assert_eq!(text.as_deref(), Some("显示版本"));
    }
}
