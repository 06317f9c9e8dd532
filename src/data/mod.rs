//! A quarter's audit data: units, audit.yaml, the CSV files and waivers, loaded and
//! validated. Every bad row or field is reported with file, line and column; the load
//! fails before scoring unless `keep_going`, which skips bad rows and counts them.

mod batch;
mod csv_file;
pub(crate) mod inspections;
mod period;
mod records;
mod table;
pub(crate) mod unit_inspections;
mod xlsx_file;
mod yearly;

#[cfg(test)]
mod mutations;

use std::collections::HashSet;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ustr::Ustr;

pub(crate) use inspections::{
    Inspection, Inspections, Level, Population, SamplePlan, SampledUnit, Stratum, Verdict, HEADERS,
    SAMPLE_SCHEMA, SHEET,
};
pub(crate) use period::{month_label, Period};
pub(crate) use records::*;
pub(crate) use table::InputFile;
pub(crate) use unit_inspections::{UnitInspection, UNIT_HEADERS, UNIT_SHEET};
pub(crate) use xlsx_file::{column_letter, read_sheets};
pub(crate) use yearly::*;

use crate::catalogue::{Catalogue, CheckKind, UnitKind};
use crate::locate::Locator;
use crate::problem::{quote, Problem, Problems};
use crate::ranges;
use table::{read_table, Record, Row, Source};

pub(crate) const AUDIT_FILE: &str = "audit.yaml";
/// `audits/<period>/waivers.yaml`, optional.
pub(crate) const WAIVERS_FILE: &str = "waivers.yaml";

/// `audits/units.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UnitsFile {
    pub jurisdiction: String,
    pub units: Vec<Unit>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Unit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    #[serde(default)]
    pub areas: Vec<String>,
}

/// `audits/<period>/audit.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditConfig {
    pub jurisdiction: String,
    pub period: Period,
    /// Path of units.yaml, relative to the audit folder.
    pub units: PathBuf,
    /// Standards folder, relative to the audit folder; `--standards` overrides it.
    #[serde(default)]
    pub catalogue: Option<PathBuf>,
    #[serde(default)]
    pub scoring: Scoring,
    #[serde(default)]
    pub sampling: Option<Sampling>,
    /// Previous period's results.json, for trends and repeat findings.
    #[serde(default)]
    pub previous: Option<PathBuf>,
    /// The circular's date and rectification period.
    #[serde(default)]
    pub circular: Circular,
}

/// `circular:` in audit.yaml.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Circular {
    /// Date of issue; default: the 10th working day after the period ends.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// 发文字号, e.g. 皋政务公开〔2019〕3号, printed under the 发文机关标志 of report.docx.
    #[serde(default)]
    pub number: Option<String>,
    /// Working days after the circular's date within which findings are to be rectified
    /// (整改期限); default 10.
    #[serde(default)]
    pub rectification_working_days: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scoring {
    #[serde(default)]
    pub model: ScoringModel,
}

/// The scoring models (XCCDF): see `score`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ScoringModel {
    #[default]
    Default,
    Flat,
    FlatUnweighted,
    Absolute,
}

/// Spot-check sampling parameters.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sampling {
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub confidence: Option<f64>,
    #[serde(default)]
    pub tolerable_rate: Option<f64>,
    #[serde(default)]
    pub seed: Option<u64>,
}

/// `waivers.yaml`: an approved exemption of one unit from one rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Waiver {
    pub unit: String,
    /// `ZWGK-204/reply-within-limit`.
    pub rule: String,
    pub reason: String,
    pub approver: String,
    pub expires: NaiveDate,
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LoadOptions {
    /// Skip bad rows (counting them) instead of stopping.
    pub keep_going: bool,
}

/// Everything one audit reads.
#[derive(Debug, Clone)]
pub(crate) struct Dataset {
    pub config: AuditConfig,
    pub units: Vec<Unit>,
    pub items: Vec<Item>,
    pub register: Vec<RegisterEntry>,
    pub applications: Vec<Application>,
    pub messages: Vec<Message>,
    /// Reviews and lawsuits (cases.csv, optional): for the statutory annual report.
    pub cases: Vec<Case>,
    pub waivers: Vec<Waiver>,
    pub inputs: Vec<InputFile>,
    /// Rows skipped with `keep_going`, each with its problem.
    pub skipped: Vec<Problem>,
}

impl AuditConfig {
    pub(crate) fn load(dir: &Path) -> Result<AuditConfig, Problems> {
        let path = dir.join(AUDIT_FILE);
        let source = crate::yaml::read(&path)?;
        let (config, locator): (AuditConfig, _) = crate::yaml::parse(&path, &source)?;
        config.check_numbers(&path, &locator).into_result()?;
        Ok(config)
    }

    /// Every number against its documented range (see `ranges`).
    fn check_numbers(&self, path: &Path, locator: &Locator) -> Problems {
        let mut problems = Problems::default();
        let mut check = |field: &str, message: Option<String>| {
            if let Some(message) = message {
                problems.push(Problem {
                    file: path.to_path_buf(),
                    line: locator.line(field),
                    field: field.to_string(),
                    message,
                });
            }
        };
        check(
            "circular.rectification_working_days",
            ranges::DAYS.check_optional(self.circular.rectification_working_days),
        );
        check(
            "circular.number",
            self.circular
                .number
                .as_deref()
                .and_then(document_number_problem),
        );
        if let Some(sampling) = &self.sampling {
            check(
                "sampling.confidence",
                ranges::FRACTION.check_optional(sampling.confidence),
            );
            check(
                "sampling.tolerable_rate",
                ranges::FRACTION.check_optional(sampling.tolerable_rate),
            );
        }
        problems
    }
}

/// 发文字号 is one line, with its year in 六角括号 as GB/T 9704 sets it (皋政务公开〔2019〕3号).
fn document_number_problem(number: &str) -> Option<String> {
    const LONGEST: usize = 40;
    let year_in_other_brackets = ["[", "(", "（", "【"].iter().any(|open| {
        number
            .split(open)
            .skip(1)
            .any(|rest| rest.len() > 4 && rest[..4].bytes().all(|b| b.is_ascii_digit()))
    });
    if number.trim().is_empty() || number.contains(['\n', '\r']) {
        Some("发文字号须为一行非空文字，如 皋政务公开〔2019〕3号".into())
    } else if number.chars().count() > LONGEST {
        Some(format!("发文字号超过{LONGEST}个字"))
    } else if year_in_other_brackets {
        Some(format!("发文字号的年份须用六角括号“〔〕”括入：{number}"))
    } else {
        None
    }
}

impl Dataset {
    /// Loads and validates the audit folder `dir` against `catalogue`.
    pub(crate) fn load(
        dir: &Path,
        config: AuditConfig,
        catalogue: &Catalogue,
        options: LoadOptions,
    ) -> Result<Dataset, Problems> {
        let units = load_units(&dir.join(&config.units), catalogue)?;
        let ctx = Context::new(&units, catalogue, &config.period);
        let mut loads = Collector {
            keep_going: options.keep_going,
            ..Collector::default()
        };
        // The register first: an item may only publish its own unit's entry.
        let register = loads.take(read(dir, "register", REGISTER_COLUMNS, true, |row| {
            ctx.register(row)
        }));
        let owners: FxHashMap<&str, UnitIx> = register.iter().map(|r| (&*r.id, r.unit)).collect();
        let mut items = loads.take(read(dir, "items", ITEM_COLUMNS, true, |row| {
            ctx.item(row, &owners)
        }));
        let dangling = dangling_interpretations(dir, &items, &loads.inputs);
        if !dangling.is_empty() {
            let lines: HashSet<usize> = dangling.iter().filter_map(|p| p.line).collect();
            items.retain(|item| !lines.contains(&(item.line as usize)));
            loads.rows(dangling);
        }
        let applications = loads.take(read(
            dir,
            "applications",
            APPLICATION_COLUMNS,
            false,
            |row| ctx.application(row),
        ));
        let messages = loads.take(read(dir, "messages", MESSAGE_COLUMNS, false, |row| {
            ctx.message(row)
        }));
        let cases = loads.take(read(dir, "cases", CASE_COLUMNS, false, |row| ctx.case(row)));
        let Collector {
            mut problems,
            mut skipped,
            mut inputs,
            ..
        } = loads;
        // Listed in the data contract's order.
        inputs.sort_by_key(|input| TABLES.iter().position(|t| input.file.starts_with(t)));

        let waivers = match load_waivers(&dir.join(WAIVERS_FILE), &units, catalogue) {
            Ok((waivers, input)) => {
                // Listed with the tables: the method appendix names every file read.
                inputs.extend(input);
                waivers
            }
            Err(p) => {
                problems.extend(p);
                Vec::new()
            }
        };
        problems.into_result()?;
        skipped.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Ok(Dataset {
            config,
            units,
            items,
            register,
            applications,
            messages,
            cases,
            waivers,
            inputs,
            skipped,
        })
    }
}

/// What reading one file gave: its records, its entry for the report, and problems with
/// the file itself and with its rows.
struct Loaded<T> {
    records: Vec<T>,
    input: Option<InputFile>,
    file_problems: Vec<Problem>,
    row_problems: Vec<Problem>,
}

/// Items whose `interprets` names no item of the file: an interpretation must point at
/// the policy document it interprets, or the interpretation check cannot see it.
fn dangling_interpretations(dir: &Path, items: &[Item], inputs: &[InputFile]) -> Vec<Problem> {
    // The few ids interpreted, looked up among all ids: a set that stays in cache, where a
    // set of every id would not. Both scans read every item, on every core.
    let targets: FxHashSet<&str> = items.par_iter().filter_map(Item::interprets).collect();
    if targets.is_empty() {
        return Vec::new();
    }
    let found: FxHashSet<&str> = items
        .par_iter()
        .map(Item::id)
        .filter(|id| targets.contains(id))
        .collect();
    let file = inputs
        .iter()
        .find(|input| input.file.starts_with("items."))
        .map_or("items.csv", |input| input.file.as_str());
    items
        .iter()
        .filter_map(|item| {
            let target = item.interprets().filter(|t| !found.contains(t))?;
            Some(Problem {
                file: dir.join(file),
                line: Some(item.line as usize),
                field: "interprets".into(),
                message: format!(
                    "解读对象 {} 不是本表中的信息编号：interprets 应填所解读政策文件的编号",
                    quote(target)
                ),
            })
        })
        .collect()
}

/// Reads an applications table outside an audit folder (the applications still open when
/// `period` began), validated like `applications.csv` of `period`; a bad row stops the load.
pub(crate) fn load_applications(
    path: &Path,
    units: &[Unit],
    catalogue: &Catalogue,
    period: &Period,
) -> Result<Vec<Application>, Problems> {
    let ctx = Context::new(units, catalogue, period);
    let source = Source::open(path, None, false).map_err(Problems::one)?;
    read_table(source, path, APPLICATION_COLUMNS, |row| {
        ctx.application(row)
    })
    .map_err(Problems::one)?
    .into_records()
}

/// One unit's year-end review score (年终集中考核, `YEAR-review.csv` or `.xlsx`).
struct ReviewScore {
    line: u32,
    unit: String,
    score: f64,
}

impl Record for ReviewScore {
    const ID_COLUMN: &'static str = "unit";
    fn id(&self) -> &str {
        &self.unit
    }
    fn line(&self) -> u32 {
        self.line
    }
}

/// The year-end review scores by unit id, read like every table (CSV in UTF-8 or
/// GB18030, or XLSX): columns `unit`, `score` (0–100).
pub(crate) fn load_review(
    path: &Path,
) -> Result<std::collections::BTreeMap<String, f64>, Problems> {
    let source = Source::open(path, None, false).map_err(Problems::one)?;
    let read = read_table(source, path, &["unit", "score"], |row| {
        let line = row.line as u32;
        let unit = row.required("unit").to_string();
        let score = row.score("score");
        if score.is_none() && row.problems.is_empty() {
            row.problem("score", "不能为空".into());
        }
        Some(ReviewScore {
            line,
            unit,
            score: score?,
        })
    })
    .map_err(Problems::one)?;
    let scores = read.into_records()?;
    Ok(scores.into_iter().map(|r| (r.unit, r.score)).collect())
}

/// The table files, in the data contract's order; each is `NAME.csv` or `NAME.xlsx`.
const TABLES: [&str; 5] = ["items", "register", "applications", "messages", "cases"];

/// Whether anything is at `path`, a dangling link included (which is an error to read,
/// not an absent file).
pub(crate) fn present(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// Reads the table `name` (`name.csv` or `name.xlsx`); an optional table that is absent
/// gives no records.
fn read<T: Record + Send + Sync>(
    dir: &Path,
    name: &str,
    columns: &[&str],
    required: bool,
    parse: impl Fn(&mut Row<'_>) -> Option<T> + Sync,
) -> Loaded<T> {
    let mut loaded = Loaded {
        records: Vec::new(),
        input: None,
        file_problems: Vec::new(),
        row_problems: Vec::new(),
    };
    let (csv, xlsx) = (
        dir.join(format!("{name}.csv")),
        dir.join(format!("{name}.xlsx")),
    );
    let path = match (present(&csv), present(&xlsx)) {
        (true, true) => {
            let message =
                format!("{name}.csv 与 {name}.xlsx 同时存在，不知该读哪一个：请只保留一个");
            loaded.file_problems.push(Problem::file(&csv, message));
            return loaded;
        }
        (false, true) => xlsx,
        (false, false) if !required => return loaded,
        _ => csv,
    };
    match Source::open(&path, None, false)
        .and_then(|source| read_table(source, &path, columns, parse))
    {
        Ok(read) => {
            loaded.records = read.records;
            loaded.input = Some(read.input);
            loaded.row_problems = read.row_problems;
        }
        Err(problem) => loaded.file_problems.push(problem),
    }
    loaded
}

/// Gathers the files' entries and problems; with `keep_going`, row problems become
/// skipped rows instead of stopping the run.
#[derive(Default)]
struct Collector {
    keep_going: bool,
    problems: Problems,
    skipped: Vec<Problem>,
    inputs: Vec<InputFile>,
}

impl Collector {
    fn take<T>(&mut self, loaded: Loaded<T>) -> Vec<T> {
        self.inputs.extend(loaded.input);
        for problem in loaded.file_problems {
            self.problems.push(problem);
        }
        self.rows(loaded.row_problems);
        loaded.records
    }

    fn rows(&mut self, row_problems: Vec<Problem>) {
        if self.keep_going {
            self.skipped.extend(row_problems);
        } else {
            for problem in row_problems {
                self.problems.push(problem);
            }
        }
    }
}

/// What row validation needs: units by id, the catalogue's codes and channels, the calendar.
struct Context<'a> {
    units: FxHashMap<&'a str, UnitIx>,
    unit_ids: Vec<&'a str>,
    /// Catalogue row codes and channels, interned once and shared by every record that
    /// names them.
    codes: FxHashMap<&'a str, Ustr>,
    channels: FxHashMap<&'a str, Ustr>,
    /// Codes whose items' text the elements checks read.
    text_codes: FxHashSet<&'a str>,
    years: (i32, i32),
    period_end: NaiveDate,
}

impl<'a> Context<'a> {
    fn new(units: &'a [Unit], catalogue: &'a Catalogue, period: &Period) -> Context<'a> {
        Context {
            units: units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id.as_str(), i as UnitIx))
                .collect(),
            unit_ids: units.iter().map(|u| u.id.as_str()).collect(),
            codes: catalogue
                .standards
                .iter()
                .flat_map(|s| &s.items)
                .map(|i| (i.code.as_str(), Ustr::from(&i.code)))
                .chain([("", Ustr::from(""))])
                .collect(),
            text_codes: text_codes(catalogue),
            channels: catalogue
                .meta
                .channels
                .iter()
                .map(|c| (c.as_str(), Ustr::from(c)))
                .collect(),
            years: catalogue.calendar.years(),
            period_end: period.end(),
        }
    }

    fn unit(&self, row: &mut Row<'_>) -> Option<UnitIx> {
        let id = row.required("unit");
        match self.units.get(id) {
            Some(ix) => Some(*ix),
            None if id.is_empty() => None,
            None => {
                row.problem("unit", format!("未知单位 {}（见 units.yaml）", quote(id)));
                None
            }
        }
    }

    /// A date that the calendar covers and that is not after the period's end.
    fn date(&self, row: &mut Row<'_>, column: &str, required: bool) -> Option<NaiveDate> {
        let day = if required {
            row.required_date(column)
        } else {
            row.date(column)
        }?;
        let (first, last) = self.years;
        if !(first..=last).contains(&day.year()) {
            row.problem(
                column,
                format!(
                    "{day} 不在工作日历的年份内（{first}—{last}年）：请在 calendar.yaml 中补上该年"
                ),
            );
        } else if day > self.period_end {
            row.problem(column, format!("{day} 晚于考核期末（{}）", self.period_end));
        }
        Some(day)
    }

    fn ordered(
        &self,
        row: &mut Row<'_>,
        earlier: (&str, Option<NaiveDate>),
        later: (&str, Option<NaiveDate>),
    ) {
        if let (Some(a), Some(b)) = (earlier.1, later.1) {
            if b < a {
                row.problem(later.0, format!("{b} 早于 {} {a}", earlier.0));
            }
        }
    }

    /// The row's catalogue code, shared with the catalogue (`None` when unknown).
    fn code(&self, row: &mut Row<'_>, required: bool) -> Option<Ustr> {
        let code = if required {
            row.required("item_code")
        } else {
            row.text("item_code").unwrap_or_default()
        };
        let known = self.codes.get(code).copied();
        if known.is_none() {
            row.problem("item_code", format!("目录中没有事项 {}", quote(code)));
        }
        known
    }

    fn channel(&self, row: &mut Row<'_>) -> Option<Ustr> {
        let channel = row.required("channel");
        let known = self.channels.get(channel).copied();
        if known.is_none() && !channel.is_empty() {
            row.problem(
                "channel",
                format!(
                    "未知渠道 {}（见 catalogue.yaml 的 channels）",
                    quote(channel)
                ),
            );
        }
        known
    }

    /// An item, which may only publish its own unit's register entry (`owners`: the
    /// register's entries and their units).
    fn item(&self, row: &mut Row<'_>, owners: &FxHashMap<&str, UnitIx>) -> Option<Item> {
        let id = row.required("id");
        let unit = self.unit(row);
        let item_code = self.code(row, false);
        let channel = self.channel(row);
        let published_on = self.date(row, "published_on", true);
        let formed_on = self.date(row, "formed_on", false);
        let withdrawn_on = self.date(row, "withdrawn_on", false);
        self.ordered(
            row,
            ("formed_on", formed_on),
            ("published_on", published_on),
        );
        self.ordered(
            row,
            ("published_on", published_on),
            ("withdrawn_on", withdrawn_on),
        );
        let title = row.required("title");
        let reviewed = row.flag("reviewed");
        let text = match &item_code {
            Some(code) if self.text_codes.contains(&**code) => row.text("text").unwrap_or_default(),
            _ => "",
        };
        let register_ref = row.text("register_ref");
        let owner = register_ref.and_then(|r| owners.get(r));
        if let (Some(reference), Some(&owner), Some(unit)) = (register_ref, owner, unit) {
            if owner != unit {
                let message = format!(
                    "台账 {reference} 属于 {}，不属于 {}",
                    self.unit_ids[owner as usize], self.unit_ids[unit as usize]
                );
                row.problem("register_ref", message);
            }
        }
        let url = row.text("url");
        if let Some(url) = url.filter(|u| !is_web_url(u)) {
            let message = format!(
                "{}不是 http 或 https 网址（报告只链接网页地址）",
                quote(url)
            );
            row.problem("url", message);
        }
        let strings = ItemText::new([
            id,
            row.text("column").unwrap_or_default(),
            title,
            url.unwrap_or_default(),
            register_ref.unwrap_or_default(),
            row.text("doc_no").unwrap_or_default(),
            row.text("interprets").unwrap_or_default(),
            text,
        ]);
        Some(Item {
            line: row.line as u32,
            unit: unit?,
            item_code: item_code?,
            channel: channel?,
            published_on: published_on?,
            formed_on,
            reviewed,
            withdrawn_on,
            strings,
        })
    }

    fn register(&self, row: &mut Row<'_>) -> Option<RegisterEntry> {
        let id = row.required("id");
        let unit = self.unit(row);
        let item_code = self.code(row, true);
        let title = row.required("title");
        let formed_on = self.date(row, "formed_on", true);
        Some(RegisterEntry {
            line: row.line as u32,
            id: id.into(),
            unit: unit?,
            item_code: item_code?,
            title: title.into(),
            formed_on: formed_on?,
            doc_no: row.text("doc_no").map(Box::from),
        })
    }

    fn application(&self, row: &mut Row<'_>) -> Option<Application> {
        let id = row.required("id");
        let unit = self.unit(row);
        let received_on = self.date(row, "received_on", true);
        let replied_on = self.date(row, "replied_on", false);
        self.ordered(
            row,
            ("received_on", received_on),
            ("replied_on", replied_on),
        );
        let extended = row.flag("extended").unwrap_or(false);
        let outcome = row.text("outcome").and_then(|text| {
            let parsed = parse_outcome(text);
            if parsed.is_none() {
                row.problem(
                    "outcome",
                    format!(
                        "{}不是年度报告的办理结果（如 予以公开、不予公开/属于国家秘密）",
                        quote(text)
                    ),
                );
            }
            parsed
        });
        if replied_on.is_some() && row.text("outcome").is_none() {
            row.problem("outcome", "已答复的申请须填写办理结果".into());
        }
        let applicant_type = row.text("applicant_type").and_then(|kind| {
            let at = APPLICANT_TYPES.iter().position(|t| *t == kind);
            if at.is_none() {
                row.problem(
                    "applicant_type",
                    format!(
                        "{}不是申请人类型之一（{}）",
                        quote(kind),
                        APPLICANT_TYPES.join("、")
                    ),
                );
            }
            at.map(|i| i as u8)
        });
        Some(Application {
            line: row.line as u32,
            id: id.into(),
            unit: unit?,
            received_on: received_on?,
            replied_on,
            extended,
            outcome: outcome.map(|(code, _)| code),
            legacy_outcome: outcome.is_some_and(|(_, legacy)| legacy),
            applicant_type,
        })
    }

    /// A review or lawsuit: a result exactly when concluded, dates in order.
    fn case(&self, row: &mut Row<'_>) -> Option<Case> {
        let id = row.required("id");
        let unit = self.unit(row);
        let kind = row.required("kind");
        let kind = match CaseKind::parse(kind) {
            Some(kind) => Some(kind),
            None if kind.is_empty() => None,
            None => {
                let kinds: Vec<&str> = CaseKind::ALL.iter().map(|k| k.label()).collect();
                row.problem(
                    "kind",
                    format!("{}不是案件类型之一（{}）", quote(kind), kinds.join("、")),
                );
                None
            }
        };
        let filed_on = self.date(row, "filed_on", true);
        let concluded_on = self.date(row, "concluded_on", false);
        self.ordered(row, ("filed_on", filed_on), ("concluded_on", concluded_on));
        let result = row.text("result").and_then(|text| {
            let result = CaseResult::parse(text);
            if result.is_none() {
                let results: Vec<&str> = CaseResult::ALL.iter().map(|r| r.label()).collect();
                row.problem(
                    "result",
                    format!(
                        "{}不是审结结果之一（{}；尚未审结的留空）",
                        quote(text),
                        results.join("、")
                    ),
                );
            }
            result
        });
        match (row.text("result").is_some(), concluded_on.is_some()) {
            (true, false) => row.problem("concluded_on", "已有审结结果，须填写审结日期".into()),
            (false, true) => row.problem("result", "已填审结日期，须填写审结结果".into()),
            _ => {}
        }
        Some(Case {
            line: row.line as u32,
            id: id.into(),
            unit: unit?,
            application: row.text("application").map(Box::from),
            kind: kind?,
            filed_on: filed_on?,
            result,
            concluded_on,
        })
    }

    fn message(&self, row: &mut Row<'_>) -> Option<Message> {
        let id = row.required("id");
        let unit = self.unit(row);
        let channel = self.channel(row);
        let received_on = self.date(row, "received_on", true);
        let replied_on = self.date(row, "replied_on", false);
        self.ordered(
            row,
            ("received_on", received_on),
            ("replied_on", replied_on),
        );
        Some(Message {
            line: row.line as u32,
            id: id.into(),
            unit: unit?,
            channel: channel?,
            received_on: received_on?,
            replied_on,
        })
    }
}

/// The item codes whose body text an audit reads: those an elements check covers. Other
/// items' text is not loaded.
pub(crate) fn text_codes(catalogue: &Catalogue) -> FxHashSet<&str> {
    catalogue
        .standards
        .iter()
        .flat_map(|s| &s.requirements)
        .filter(|r| r.check() == CheckKind::Elements)
        .flat_map(|r| r.codes())
        .map(String::as_str)
        .collect()
}

/// Longest unit id.
const MAX_UNIT_ID: usize = 32;

/// A unit id: letters, digits, `-` and `_`, at most [`MAX_UNIT_ID`] characters. Ids name
/// files (the notices), so nothing else is allowed in them.
fn is_unit_id(id: &str) -> bool {
    (1..=MAX_UNIT_ID).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Reads and validates units.yaml.
pub(crate) fn load_units(path: &Path, catalogue: &Catalogue) -> Result<Vec<Unit>, Problems> {
    let source = crate::yaml::read(path)?;
    let (file, locator): (UnitsFile, _) = crate::yaml::parse(path, &source)?;
    let mut problems = Problems::default();
    let mut at = |field: String, message: String| {
        problems.push(Problem {
            file: path.to_path_buf(),
            line: locator.line(&field),
            field,
            message,
        })
    };
    if file.units.len() > usize::from(UnitIx::MAX) {
        at("units".into(), format!("最多 {} 个单位", UnitIx::MAX));
    }
    let mut seen = HashSet::new();
    for (i, unit) in file.units.iter().enumerate() {
        if !is_unit_id(&unit.id) {
            at(
                format!("units[{i}].id"),
                format!(
                    "单位编号 {} 不合规：只能由字母、数字、- 和 _ 组成，最长 {MAX_UNIT_ID} 个字符（它也是通知书文件名的一部分）",
                    quote(&unit.id)
                ),
            );
        }
        if unit.name.trim().is_empty() || unit.name.chars().any(char::is_control) {
            at(
                format!("units[{i}].name"),
                format!(
                    "单位名称 {} 不能为空，也不能含换行等控制字符",
                    quote(&unit.name)
                ),
            );
        }
        if !seen.insert(unit.id.as_str()) {
            at(
                format!("units[{i}].id"),
                format!("单位编号 {} 重复", unit.id),
            );
        }
        for (a, area) in unit.areas.iter().enumerate() {
            if !catalogue.meta.areas.contains(area) {
                at(
                    format!("units[{i}].areas[{a}]"),
                    format!("没有领域 {area}（见 catalogue.yaml 的 areas）"),
                );
            }
        }
    }
    problems.into_result()?;
    Ok(file.units)
}

/// The waivers of `path` and its entry in the inputs list (none when the file is absent).
fn load_waivers(
    path: &Path,
    units: &[Unit],
    catalogue: &Catalogue,
) -> Result<(Vec<Waiver>, Option<InputFile>), Problems> {
    if !present(path) {
        return Ok((Vec::new(), None));
    }
    let source = crate::yaml::read(path)?;
    let (waivers, locator): (Vec<Waiver>, _) = crate::yaml::parse(path, &source)?;
    let mut problems = Problems::default();
    for (i, waiver) in waivers.iter().enumerate() {
        let mut at = |field: &str, message: String| {
            let field = format!("[{i}].{field}");
            problems.push(Problem {
                file: path.to_path_buf(),
                line: locator.line(&field),
                field,
                message,
            })
        };
        if !units.iter().any(|u| u.id == waiver.unit) {
            at("unit", format!("没有单位 {}", waiver.unit));
        }
        let known = waiver.rule.split_once('/').is_some_and(|(standard, rule)| {
            catalogue
                .standard(standard)
                .is_some_and(|s| s.requirements.iter().any(|r| r.id == rule))
        });
        if !known {
            let example = catalogue
                .standards
                .iter()
                .find_map(|s| Some(format!("{}/{}", s.id, s.requirements.first()?.id)))
                .unwrap_or_default();
            at(
                "rule",
                format!(
                    "no requirement {} (write STANDARD/REQUIREMENT, e.g. {example})",
                    waiver.rule
                ),
            );
        }
    }
    problems.into_result()?;
    let input = InputFile {
        file: WAIVERS_FILE.into(),
        rows: waivers.len(),
        blank_rows: 0,
        encoding: None,
        sheet: None,
        sha256: hex_sha256(source.as_bytes()),
    };
    Ok((waivers, Some(input)))
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}
