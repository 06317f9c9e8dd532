//! The audit commands: `audit`, `report`, `annual`, `templates`, `sample`, `generate`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::style::pad;
use super::{AnnualArgs, AuditArgs, GenerateArgs, ReportArgs, SampleArgs};
use crate::audit::{AuditOptions, Progress};
use crate::catalogue::UnitKind;
use crate::data::inspections::holds_verdicts;
use crate::data::unit_inspections::holds_unit_verdicts;
use crate::data::Period;
use crate::data::{present, Level};
use crate::generate::{generate, generate_year, GenerateOptions, Truth, YearOptions, YearSummary};
use crate::output::{self, write_atomic};
use crate::report::{
    annual_names, export_templates, render_annual, render_reports, report_names, Format, Renderer,
    TEMPLATES,
};
use crate::results::AuditResults;
use crate::sample::{unit_worksheet_csv, worksheet_csv, worksheet_xlsx, SampleOptions};

/// The unit sheet as CSV, in the sample folder.
const UNIT_WORKSHEET: &str = "unit_worksheet.csv";

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
    // A second run into the same folder fails now, not halfway.
    let claim = output::claim(out)?;
    // A broken template override is reported before the audit runs.
    let renderer = reports.map(Renderer::new).transpose()?;
    let progress = Bar::new(quiet);
    let audited = crate::audit::run(dir, options, &progress);
    progress.finish();
    let audited = keep_problems(audited, out)?;
    let results = audited.results;
    let history: Vec<AuditResults> = audited.previous.into_iter().collect();
    // results.json is written while the reports render: neither needs the other.
    let (json, reports) = rayon::join(
        || results.to_json(),
        || {
            let render = |r| render_reports(&results, &history, Format::All, r);
            renderer.as_ref().map(render).transpose()
        },
    );
    let mut files = vec![("results.json".to_string(), json?)];
    files.extend(reports?.into_iter().flatten());
    // The whole set replaces the previous one: a unit no longer audited leaves no notice.
    claim.publish(&files, |name| AUDIT_SET.contains(&name))?;
    if !quiet {
        let mut stdout = std::io::stdout().lock();
        print_summary(&mut stdout, &results)?;
        let written = if renderer.is_some() {
            "results.json、report.md、report.html、report.docx、findings.xlsx、notices/"
        } else {
            "results.json（未生成通报：--no-reports）"
        };
        writeln!(
            stdout,
            "结果已写入 {}：{written}（{:.2} 秒）",
            out.display(),
            started.elapsed().as_secs_f64()
        )?;
    }
    if !results.skipped_rows.is_empty() {
        eprintln!(
            "--keep-going：跳过了 {} 行有问题的数据，已列在 {} 的 skipped_rows 中",
            results.skipped_rows.len(),
            out.join("results.json").display()
        );
    }
    let breached = fail_under.map(|min| units_below(&results, min));
    match breached {
        Some(units) if !units.is_empty() => {
            eprintln!(
                "--fail-under {}：{} 个单位低于该分数或被单项否决：{}",
                fail_under.unwrap_or_default(),
                units.len(),
                units.join("、")
            );
            Ok(ExitCode::from(1))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The units scoring below `min` or vetoed, as `name（score）`, in rank order.
fn units_below(results: &AuditResults, min: f64) -> Vec<String> {
    results
        .units
        .iter()
        .filter(|u| !u.vetoes.is_empty() || u.score.is_some_and(|s| s < min))
        .map(|u| {
            let score = u.score.map_or("—".to_string(), |s| format!("{s:.2}"));
            let veto = if u.vetoes.is_empty() {
                ""
            } else {
                "，单项否决"
            };
            format!("{}（{score}{veto}）", u.name)
        })
        .collect()
}

/// Where every input problem of a failed audit is listed; the terminal shows the first.
const PROBLEMS_FILE: &str = "problems.csv";

/// What an audit writes into its folder, as one set.
const AUDIT_SET: [&str; 7] = [
    "results.json",
    "report.md",
    "report.html",
    "report.docx",
    "findings.xlsx",
    "notices",
    PROBLEMS_FILE,
];

/// Writes every problem of an audit refused for its input to the problems file beside the
/// previous results, which stay as they were (the terminal shows only the first of a
/// flood). The next good audit's set replaces it.
fn keep_problems(
    audited: crate::error::Result<crate::audit::Audited>,
    out: &Path,
) -> Result<crate::audit::Audited> {
    match audited {
        Err(err @ crate::error::Error::Input(_)) => {
            let path = out.join(PROBLEMS_FILE);
            if let crate::error::Error::Input(problems) = &err {
                write_atomic(&path, &problems.to_csv())?;
            }
            // Exit code 2 either way: the input was refused.
            bail!("{err}；全部问题已写入 {}", path.display())
        }
        audited => Ok(audited?),
    }
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
/// none were written yet, with the year-end review scores when there are any.
pub(super) fn annual_command(args: AnnualArgs) -> Result<ExitCode> {
    let AnnualArgs {
        year,
        audits,
        weights,
        format,
        out,
        standards,
        templates,
        review,
    } = args;
    if weights.len() != 4 || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        bail!("--weights 须是四个不小于 0 的数，用逗号分隔，如 1,1,1,1");
    }
    let renderer = Renderer::new(templates.as_deref())?;
    let review = review_scores(&audits, year, review)?;
    let mut quarters = Vec::new();
    let mut missing = Vec::new();
    for (q, weight) in (1..=4).zip(&weights) {
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
                ..AuditOptions::default()
            };
            let audited = crate::audit::run(&folder, &options, &crate::audit::Quiet)?;
            quarters.push((audited.results, *weight));
        } else {
            missing.push(period.label_zh());
        }
    }
    let annual = crate::report::annual::annual(year, &quarters, missing, review.as_ref())?;
    let out = out.unwrap_or_else(|| audits.join(format!("{year}-annual")));
    let files = render_annual(&annual, format, &renderer)?;
    let written = output::claim(&out)?.publish(&files, annual_names)?;
    let mut stdout = std::io::stdout().lock();
    for path in written {
        writeln!(stdout, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn audit_command(args: AuditArgs) -> Result<ExitCode> {
    let AuditArgs {
        dir,
        standards,
        out,
        fail_under,
        keep_going,
        quiet,
        templates,
        no_reports,
        inspections,
        unit_inspections,
        require_complete,
    } = args;
    let options = AuditOptions {
        standards,
        keep_going,
        inspections,
        unit_inspections,
        require_complete,
    };
    let out = out.unwrap_or_else(|| dir.join("report"));
    let reports = (!no_reports).then_some(templates.as_deref());
    audit(&dir, &options, &out, fail_under, quiet, reports)
}

pub(super) fn report_command(args: ReportArgs) -> Result<ExitCode> {
    let ReportArgs {
        results,
        previous,
        format,
        out,
        templates,
    } = args;
    let renderer = Renderer::new(templates.as_deref())?;
    let current = AuditResults::read(&results)?;
    let history: Vec<AuditResults> = previous
        .iter()
        .map(|p| AuditResults::read(p))
        .collect::<Result<_, _>>()?;
    let out = out.unwrap_or_else(|| {
        results
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf()
    });
    let claim = output::claim(&out)?;
    let files = render_reports(&current, &history, format, &renderer)?;
    // results.json and what other formats were rendered before stay beside the new files.
    let written = claim.publish(&files, |name| report_names(format, name))?;
    let mut stdout = std::io::stdout().lock();
    for path in written {
        writeln!(stdout, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Inspectors may bring a filled worksheet back to where `zwgk sample` wrote it: drawing
/// again must not overwrite their verdicts unless asked to.
fn refuse_overwriting_verdicts(out: &Path, force: bool) -> Result<()> {
    let items = ["worksheet.xlsx", "worksheet.csv"]
        .map(|name| out.join(name))
        .into_iter()
        .filter(|path| present(path) && holds_verdicts(path));
    let units = ["worksheet.xlsx", "unit_worksheet.csv"]
        .map(|name| out.join(name))
        .into_iter()
        .filter(|path| present(path) && holds_unit_verdicts(path));
    let filled: Vec<PathBuf> = items.chain(units).collect();
    if let Some(path) = filled.first().filter(|_| !force) {
        bail!(
            "{} 已填有核查结论，重新抽样会覆盖它：请先移走或另存，或加 --force 覆盖",
            path.display()
        );
    }
    Ok(())
}

pub(super) fn sample_command(args: SampleArgs) -> Result<ExitCode> {
    let SampleArgs {
        dir,
        level,
        confidence,
        tolerable,
        seed,
        focus,
        rule,
        out,
        standards,
        force,
    } = args;
    let crate::audit::Loaded {
        catalogue, data, ..
    } = crate::audit::load(
        &dir,
        &AuditOptions {
            standards,
            ..AuditOptions::default()
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
            format!("audit.yaml 的 sampling.level {text} 不是 S-1…S-4、I、II 或 III")
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
        rule: match rule.or_else(|| catalogue.sample_rule()) {
            Some(rule) => rule,
            None => bail!(
                "目录中没有标记 sample: true 的人工核查要求，抽查结论无处记录：请在目录中标记一个，或用 --rule STANDARD/REQUIREMENT 指定"
            ),
        },
    };
    if !(0.0 < options.confidence
        && options.confidence < 1.0
        && 0.0 < options.tolerable
        && options.tolerable < 1.0)
    {
        bail!("--confidence 和 --tolerable 须在 0 和 1 之间");
    }
    let plan = crate::sample::draw(&catalogue, &data, &options)?;
    let out = out.unwrap_or_else(|| dir.join("sample"));
    let claim = output::claim(&out)?;
    refuse_overwriting_verdicts(&out, force)?;
    let mut files = vec![
        ("sample.json".to_string(), serde_json::to_vec_pretty(&plan)?),
        (
            "worksheet.xlsx".to_string(),
            worksheet_xlsx(&plan, &catalogue, &data)?,
        ),
        (
            "worksheet.csv".to_string(),
            worksheet_csv(&plan, &catalogue, &data)?,
        ),
    ];
    if let Some(units) = unit_worksheet_csv(&plan, &catalogue)? {
        files.push((UNIT_WORKSHEET.to_string(), units));
    }
    // A filled worksheet brought back beside them (inspections.csv) stays; a unit sheet
    // of an earlier draw goes even when this one has none.
    claim.publish(&files, |name| {
        name == UNIT_WORKSHEET || files.iter().any(|(n, _)| n == name)
    })?;
    let items: usize = plan.units.iter().map(|u| u.items.len()).sum();
    let pairs: usize = plan.units.iter().map(|u| u.requirements.len()).sum();
    let strata: Vec<String> = plan
        .strata
        .iter()
        .map(|s| {
            let kind = s.kind.label(&plan.jurisdiction);
            format!("{kind}{}/{}", s.sampled, s.units)
        })
        .collect();
    writeln!(
        std::io::stdout(),
        "抽取{}个单位（{}）、{}条信息、单位核查{}项；种子{}；总体{}个单位{}条信息（SHA-256 {}…）\n{}",
        plan.units.len(),
        strata.join("，"),
        items,
        pairs,
        plan.seed,
        plan.population.units,
        plan.population.items,
        &plan.population.sha256[..16],
        out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The year-end review scores: `--review FILE`, else `AUDITS/YEAR-review.csv` or `.xlsx`
/// when present.
fn review_scores(
    audits: &Path,
    year: i32,
    chosen: Option<PathBuf>,
) -> Result<Option<std::collections::BTreeMap<String, f64>>> {
    let found = chosen.or_else(|| {
        ["csv", "xlsx"]
            .map(|ext| audits.join(format!("{year}-review.{ext}")))
            .into_iter()
            .find(|path| present(path))
    });
    match found {
        Some(path) => Ok(Some(
            crate::data::load_review(&path).map_err(crate::error::Error::from)?,
        )),
        None => Ok(None),
    }
}

/// Template files in `dir` that differ from the built-in ones: a user's edits, which
/// exporting again would lose.
fn edited_templates(dir: &Path) -> Vec<PathBuf> {
    TEMPLATES
        .iter()
        .map(|(name, text)| (dir.join(name), text))
        .filter(|(path, text)| std::fs::read(path).is_ok_and(|found| found != text.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

pub(super) fn templates_export(dir: &Path, force: bool) -> Result<ExitCode> {
    let edited = edited_templates(dir);
    if !edited.is_empty() && !force {
        let names: Vec<String> = edited.iter().map(|p| p.display().to_string()).collect();
        return Err(crate::error::Error::Invalid(format!(
            "{} 与内置模板不同（可能已修改过），导出会覆盖：请先移走或另存，或加 --force 覆盖",
            names.join("、")
        ))
        .into());
    }
    let mut stdout = std::io::stdout().lock();
    for path in export_templates(dir)? {
        writeln!(stdout, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn generate_command(args: GenerateArgs) -> Result<ExitCode> {
    let GenerateArgs {
        period,
        year,
        seed,
        scale,
        out,
        units,
        previous,
        catalogue,
    } = args;
    if !(scale > 0.0 && scale.is_finite()) {
        bail!("--scale 须是正数");
    }
    let catalogue = super::catalogue::load(&catalogue.standards)?;
    let started = Instant::now();
    let mut stdout = std::io::stdout().lock();
    let Some(period) = period else {
        let year = year.context("--period 或 --year 须给出一个")?;
        let options = YearOptions {
            year,
            seed,
            scale,
            units,
            out,
            standards: catalogue.dir.clone(),
        };
        let summary = generate_year(&catalogue, &options)?;
        for (dir, truth) in &summary.quarters {
            writeln!(stdout, "{}", quarter_line(dir, truth))?;
        }
        print_year(&mut stdout, year, &summary)?;
        writeln!(stdout, "用时 {:.1} 秒", started.elapsed().as_secs_f64())?;
        return Ok(ExitCode::SUCCESS);
    };
    let period = Period::parse(&period).map_err(anyhow::Error::msg)?;
    let previous = previous.or_else(|| {
        let sibling = out.parent()?.join(period.previous().to_string());
        sibling
            .is_dir()
            .then(|| PathBuf::from(format!("../{}/report/results.json", period.previous())))
    });
    let options = GenerateOptions {
        period,
        seed,
        scale,
        units,
        out,
        standards: catalogue.dir.clone(),
        previous,
        full_text: true,
    };
    let truth = generate(&catalogue, &options)?;
    writeln!(
        stdout,
        "{}；用时 {:.1} 秒",
        quarter_line(&options.out, &truth),
        started.elapsed().as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// "audits/2018-Q4：信息 15812 条、…；植入问题 549 个（豁免 1 个），期限当日通过 96 个".
fn quarter_line(dir: &Path, truth: &Truth) -> String {
    let count = |key: &str| truth.counts.get(key).copied().unwrap_or(0);
    format!(
        "{}：信息 {} 条、台账 {} 条、依申请 {} 件、留言 {} 条、复议诉讼 {} 件；植入问题 {} 个（豁免 {} 个），期限当日通过 {} 个",
        dir.display(),
        count("items"),
        count("register"),
        count("applications"),
        count("messages"),
        count("cases"),
        truth.findings.len(),
        truth.waived.len(),
        truth.boundary_passes.len(),
    )
}

/// The yearly files and the year's totals.
fn print_year(out: &mut impl Write, year: i32, summary: &YearSummary) -> Result<()> {
    let t = &summary.totals;
    let d = t.documents;
    writeln!(
        out,
        "{}：规范性文件 {} 件，{year}年制发 {} 件（已公开 {} 件）、废止 {} 件，年末现行有效 {} 件",
        summary.documents.display(),
        d.rows,
        d.issued,
        d.published,
        d.repealed,
        d.in_force
    )?;
    writeln!(
        out,
        "{}：各单位填报数据和年度报告文字",
        summary.statistics.display()
    )?;
    let outcomes: Vec<String> = OUTCOME_ORDER
        .iter()
        .map(|major| format!("{major} {}", t.outcomes.get(*major).copied().unwrap_or(0)))
        .collect();
    let concluded: usize = t.outcomes.values().sum();
    writeln!(
        out,
        "{year}年依申请公开：新收 {} 件、上年结转 {} 件，办结 {concluded} 件（{}），结转下年度 {} 件",
        t.received,
        t.carried_in,
        outcomes.join("、"),
        t.carried_out
    )?;
    let cases: Vec<String> = CASE_KINDS
        .iter()
        .map(|kind| {
            let of = |result: &str| {
                t.cases
                    .get(&(kind.to_string(), result.to_string()))
                    .copied()
                    .unwrap_or(0)
            };
            let results: Vec<String> = CASE_RESULTS
                .iter()
                .map(|r| format!("{r} {}", of(r)))
                .collect();
            let all: usize = CASE_RESULTS.iter().map(|r| of(r)).sum();
            format!("{kind} {all} 件（{}）", results.join("、"))
        })
        .collect();
    writeln!(out, "{year}年复议诉讼：{}", cases.join("；"))?;
    let items: usize = t.items.values().sum();
    let mut channels: Vec<(&String, &usize)> = t.items.iter().collect();
    channels.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let channels: Vec<String> = channels
        .into_iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    writeln!(
        out,
        "{year}年主动公开信息 {items} 条（{}）；季度植入问题 {} 个",
        channels.join("、"),
        t.findings
    )?;
    Ok(())
}

const OUTCOME_ORDER: [&str; 6] = [
    "予以公开",
    "部分公开",
    "不予公开",
    "无法提供",
    "不予处理",
    "其他处理",
];
const CASE_KINDS: [&str; 3] = ["行政复议", "直接起诉", "复议后起诉"];
const CASE_RESULTS: [&str; 4] = ["维持", "纠正", "其他", "尚未审结"];
