//! The circular's view of the results: every number and phrase the templates print,
//! computed once here so that no format computes its own.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::charts::{self, Charts};
use super::escape;
use crate::catalogue::{level_of, UnitKind};
use crate::check::Evidence;
use crate::data::ScoringModel;
use crate::results::{AuditResults, SpotCheck, StandardName, UnitResult};

/// Findings shown per unit in the Markdown and HTML circular; the rest are counted and
/// listed in findings.xlsx, so a 60-unit circular stays quick to open.
pub(crate) const FINDINGS_SHOWN: usize = 15;
/// Most-failed requirements listed under 主要问题.
const PROBLEMS_SHOWN: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Circular {
    pub title: String,
    /// 根据《…》（…）和《…》（…）: the standards the circular rests on.
    pub basis: String,
    pub issuer: String,
    /// 发文字号 (皋政务公开〔2019〕3号), or empty when audit.yaml sets none.
    pub number: String,
    pub date: String,
    pub period_label: String,
    pub jurisdiction: String,
    /// 市 / 县 and 全市 / 全县, as the jurisdiction's name ends.
    pub level: String,
    pub whole: String,
    /// 市级部门 / 县级部门 and 镇（区、街道） / 乡镇（街道）.
    pub department_label: String,
    pub town_label: String,
    pub overview: Overview,
    pub rankings: Vec<Ranking>,
    pub vetoes: Vec<VetoRow>,
    pub problems: Vec<ProblemRow>,
    pub units: Vec<UnitSection>,
    pub rectification: Rectification,
    pub method: Method,
    pub charts: Charts,
    /// The spot check, when inspectors' verdicts came back.
    pub spot_check: Option<SpotCheckView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SpotCheckView {
    pub plan: String,
    pub coverage: String,
    pub verdicts: String,
    /// The unit sheet's verdicts (单位核查), for a sample with unit-level requirements.
    pub units: Option<String>,
    pub agreement: String,
    pub recommendation: String,
}

fn spot_check_view(s: &crate::results::SpotCheck) -> SpotCheckView {
    let level = serde_json::to_value(s.level)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    SpotCheckView {
        plan: format!(
            "按GB/T 2828.1（ISO 2859-1）一般检查水平{level}从{}个单位中分层抽取{}个单位，每个单位按置信度{:.0}%、可容忍偏差率{:.0}%抽取信息（属性抽样），随机数种子{}，总体SHA-256 {}…",
            s.population_units,
            s.units_sampled,
            s.confidence * 100.0,
            s.tolerable_rate * 100.0,
            s.seed,
            &s.population_sha256[..16.min(s.population_sha256.len())]
        ),
        coverage: format!("共抽查信息{}条（总体{}条）", s.items_sampled, s.population_items),
        verdicts: match s.unjudged.len() {
            0 => format!("核查合格{}条、不合格{}条、不适用{}条", s.passed, s.failed, s.not_applicable),
            n => format!(
                "核查合格{}条、不合格{}条、不适用{}条，另有{n}条样本未填写核查结论（{}），未计入比对",
                s.passed,
                s.failed,
                s.not_applicable,
                unjudged_list(&s.unjudged, "条")
            ),
        },
        units: s.unit_verdicts.as_ref().map(|u| {
            let counts = format!(
                "单位核查{}项，合格{}项、不合格{}项、不适用{}项",
                u.sampled, u.passed, u.failed, u.not_applicable
            );
            match u.unjudged.len() {
                0 => counts,
                n => format!(
                    "{counts}，另有{n}项未填写结论（{}）",
                    unjudged_list(&u.unjudged, "项")
                ),
            }
        }),
        agreement: match s.agreement_rate {
            Some(rate) => format!(
                "与自动检查结果比对{}条，一致{}条，一致率{rate:.2}%，偏差{}条，偏差率上限{:.1}%（置信度{:.0}%）",
                s.compared,
                s.agreed,
                s.deviations,
                s.upper_bound * 100.0,
                s.confidence * 100.0
            ),
            None if s.file.is_empty() => "抽查信息未填写核查结论，未与自动检查结果比对".into(),
            None => "抽查信息均无自动检查结果可比对".into(),
        },
        recommendation: s.recommendation.clone(),
    }
}

/// 《A》（…）和《B》（…）, or a general phrase when the catalogue names no basis.
pub(crate) fn basis_text(basis: &[String]) -> String {
    match basis {
        [] => "有关考核评价规定".into(),
        [one] => one.clone(),
        [first @ .., last] => format!("{}和{last}", first.join("、")),
    }
}

/// The first unjudged items, then how many more (the full list is in results.json),
/// counted in `measure` (条 items, 项 unit requirements).
fn unjudged_list(items: &[String], measure: &str) -> String {
    const SHOWN: usize = 10;
    let shown = items[..items.len().min(SHOWN)].join("、");
    match items.len().saturating_sub(SHOWN) {
        0 => shown,
        more => format!("{shown}等，另{more}{measure}见 results.json"),
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Overview {
    pub units: usize,
    pub departments: usize,
    pub towns: usize,
    pub items: usize,
    pub register_entries: usize,
    pub applications: usize,
    pub messages: usize,
    pub instances: usize,
    pub findings: usize,
    pub new_findings: usize,
    pub repeat_findings: usize,
    pub average: String,
    pub median: String,
    /// "上升0.68分" / "下降1.20分" / "" without a previous period.
    pub change: String,
    pub grades: Vec<GradeCount>,
    pub vetoed: usize,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct GradeCount {
    pub name: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Ranking {
    /// 市级部门 / 镇（区、街道）
    pub label: String,
    pub rows: Vec<RankRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RankRow {
    pub rank: usize,
    pub name: String,
    pub score: String,
    pub grade: String,
    /// ↑3, ↓2, 持平, or — without a previous period.
    pub change: String,
    pub vetoed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct VetoRow {
    pub name: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ProblemRow {
    pub no: usize,
    pub rule: String,
    pub title: String,
    pub clause: String,
    pub problem: String,
    pub units: usize,
    pub findings: usize,
    pub example: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnitSection {
    pub no: usize,
    pub id: String,
    pub name: String,
    pub kind: String,
    pub score: String,
    pub grade: String,
    pub vetoed: bool,
    pub total: usize,
    pub new: usize,
    pub repeat: usize,
    pub findings: Vec<FindingRow>,
    /// Findings not shown (they are all in findings.xlsx).
    pub more: usize,
    /// Veto rules the unit is close to, as 单项否决预警 says them.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingRow {
    pub no: usize,
    pub id: String,
    /// 新增 / 重复
    pub status: String,
    pub problem: String,
    pub rule: String,
    pub clause: String,
    pub message: String,
    /// Dates, days counted against the limit, what is missing.
    pub evidence: String,
    pub url: String,
    /// The link target: the url when it is http(s), percent-encoded where it must be.
    pub link: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Rectification {
    pub working_days: u32,
    pub deadline: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Method {
    pub model: String,
    pub formula: String,
    pub weights: String,
    pub grades: String,
    pub catalogue: String,
    pub calendar: String,
    /// Every file the audit read, each as `items.csv（15918行，SHA-256 641d3734c863bc55…）`.
    pub inputs: Vec<String>,
    pub skipped: usize,
}

/// 2019年1月15日
pub(crate) fn chinese_date(day: NaiveDate) -> String {
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

fn score_text(score: Option<f64>) -> String {
    score.map_or("—".into(), |s| format!("{s:.2}"))
}

/// Builds the circular from the results; `history` holds earlier periods' results (oldest
/// first) for the trend chart.
pub(crate) fn circular(results: &AuditResults, history: &[AuditResults]) -> Circular {
    let findings_total: usize = results.units.iter().map(|u| u.findings.len()).sum();
    let repeats: usize = results
        .units
        .iter()
        .flat_map(|u| &u.findings)
        .filter(|f| f.repeat)
        .count();
    let s = &results.summary;
    let change = match (s.average, s.previous_average) {
        (Some(now), Some(before)) if now > before => format!("较上期上升{:.2}分", now - before),
        (Some(now), Some(before)) if now < before => format!("较上期下降{:.2}分", before - now),
        (Some(_), Some(_)) => "与上期持平".into(),
        _ => String::new(),
    };
    Circular {
        title: format!(
            "关于{}{}政务公开考核情况的通报",
            results.jurisdiction, results.period_label
        ),
        basis: basis_text(&results.catalogue.basis),
        issuer: results.catalogue.issuer.clone(),
        number: results.circular_number.clone().unwrap_or_default(),
        date: chinese_date(results.circular_date),
        period_label: results.period_label.clone(),
        jurisdiction: results.jurisdiction.clone(),
        level: level_of(&results.jurisdiction).to_string(),
        whole: format!("全{}", level_of(&results.jurisdiction)),
        department_label: UnitKind::Department.label(&results.jurisdiction),
        town_label: UnitKind::Town.label(&results.jurisdiction),
        overview: Overview {
            units: s.units,
            departments: s.departments,
            towns: s.towns,
            items: s.items,
            register_entries: s.register_entries,
            applications: s.applications,
            messages: s.messages,
            instances: s
                .instances
                .iter()
                .filter(|(o, _)| o.counted())
                .map(|(_, n)| n)
                .sum(),
            findings: findings_total,
            new_findings: findings_total - repeats,
            repeat_findings: repeats,
            average: score_text(s.average),
            median: score_text(s.median),
            change,
            grades: s
                .grades
                .iter()
                .map(|(name, count)| GradeCount {
                    name: name.clone(),
                    count: *count,
                })
                .collect(),
            vetoed: s.vetoed,
        },
        rankings: [UnitKind::Department, UnitKind::Town]
            .into_iter()
            .map(|kind| ranking(results, kind))
            .collect(),
        vetoes: results
            .units
            .iter()
            .filter(|u| !u.vetoes.is_empty())
            .map(|u| VetoRow {
                name: u.name.clone(),
                reasons: u.vetoes.iter().map(|v| v.reason.clone()).collect(),
            })
            .collect(),
        problems: problems(results),
        units: unit_sections(results, FINDINGS_SHOWN),
        rectification: Rectification {
            working_days: results.rectification_working_days,
            deadline: chinese_date(results.rectification_deadline),
        },
        method: method(results),
        charts: charts::charts(results, history),
        spot_check: results.spot_check.as_ref().map(spot_check_view),
    }
}

fn ranking(results: &AuditResults, kind: UnitKind) -> Ranking {
    let rows = results
        .units
        .iter()
        .filter(|u| u.kind == kind)
        .map(|u| RankRow {
            rank: u.rank_in_kind,
            name: u.name.clone(),
            score: score_text(u.score),
            grade: u.grade.clone(),
            change: rank_change(u, results.previous.is_some()),
            vetoed: !u.vetoes.is_empty(),
        })
        .collect();
    Ranking {
        label: kind.label(&results.jurisdiction),
        rows,
    }
}

fn rank_change(unit: &UnitResult, has_previous: bool) -> String {
    match unit.previous_rank_in_kind {
        Some(before) if before > unit.rank_in_kind => format!("↑{}", before - unit.rank_in_kind),
        Some(before) if before < unit.rank_in_kind => format!("↓{}", unit.rank_in_kind - before),
        Some(_) => "持平".into(),
        None if has_previous => "新增".into(),
        None => "—".into(),
    }
}

/// The requirements failed by most units, then by most findings.
fn problems(results: &AuditResults) -> Vec<ProblemRow> {
    struct Tally<'a> {
        units: usize,
        findings: usize,
        first: &'a crate::check::Finding,
        unit: &'a str,
        title: &'a str,
    }
    let mut by_rule: BTreeMap<&str, Tally<'_>> = BTreeMap::new();
    for unit in &results.units {
        let titles: HashMap<&str, &str> = unit
            .trace
            .iter()
            .map(|t| (t.rule.as_str(), t.title.as_str()))
            .collect();
        let mut seen_here = std::collections::HashSet::new();
        for f in &unit.findings {
            let rule = f.finding.rule.as_str();
            let tally = by_rule.entry(rule).or_insert(Tally {
                units: 0,
                findings: 0,
                first: &f.finding,
                unit: &unit.name,
                title: titles.get(rule).copied().unwrap_or(rule),
            });
            tally.findings += 1;
            if seen_here.insert(rule) {
                tally.units += 1;
            }
        }
    }
    let mut rows: Vec<(&str, Tally<'_>)> = by_rule.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.units
            .cmp(&a.1.units)
            .then(b.1.findings.cmp(&a.1.findings))
            .then(a.0.cmp(b.0))
    });
    rows.into_iter()
        .take(PROBLEMS_SHOWN)
        .enumerate()
        .map(|(i, (rule, t))| ProblemRow {
            no: i + 1,
            rule: rule.into(),
            title: t.title.into(),
            clause: citation(
                &results.catalogue.standards,
                rule,
                &t.first.clause,
                t.first.edition.as_deref(),
            ),
            problem: t.first.code.description().into(),
            units: t.units,
            findings: t.findings,
            example: format!("{}：{}", t.unit, t.first.message),
        })
        .collect()
}

/// The clause a finding rests on, cited as a circular cites a standard: by title and
/// number, `《依申请公开工作规范》（Q/RGZW 204-2018）第5.1条`. A rule of an earlier edition
/// cites that edition's number, since the current one may word the clause differently.
/// Results written before they carried the standards' names cite the id: `ZWGK-204 第5.1条`.
pub(crate) fn citation(
    standards: &BTreeMap<String, StandardName>,
    rule: &str,
    clause: &str,
    edition: Option<&str>,
) -> String {
    let id = rule.split('/').next().unwrap_or(rule);
    match standards.get(id) {
        Some(standard) => format!(
            "《{}》（{}）第{clause}条",
            standard.title,
            edition.unwrap_or(&standard.number)
        ),
        None => format!("{} 第{clause}条", edition.unwrap_or(id)),
    }
}

/// Units with findings, in ranking order, each with at most `cap` findings listed.
pub(crate) fn unit_sections(results: &AuditResults, cap: usize) -> Vec<UnitSection> {
    let mut sections: Vec<&UnitResult> = results
        .units
        .iter()
        .filter(|u| !u.findings.is_empty() || !u.veto_warnings.is_empty())
        .collect();
    // In the order of the ranking tables: departments, then towns, each by rank.
    sections.sort_by_key(|u| (u.kind != UnitKind::Department, u.rank_in_kind));
    sections
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let repeat = u.findings.iter().filter(|f| f.repeat).count();
            UnitSection {
                no: i + 1,
                id: u.id.clone(),
                name: u.name.clone(),
                kind: u.kind.label(&results.jurisdiction),
                score: score_text(u.score),
                grade: u.grade.clone(),
                vetoed: !u.vetoes.is_empty(),
                total: u.findings.len(),
                new: u.findings.len() - repeat,
                repeat,
                findings: u
                    .findings
                    .iter()
                    .take(cap)
                    .enumerate()
                    .map(|(n, f)| FindingRow {
                        no: n + 1,
                        id: f.finding.id.clone(),
                        status: if f.repeat { "重复" } else { "新增" }.into(),
                        problem: f.finding.code.description().into(),
                        rule: f.finding.rule.clone(),
                        clause: citation(
                            &results.catalogue.standards,
                            &f.finding.rule,
                            &f.finding.clause,
                            f.finding.edition.as_deref(),
                        ),
                        message: f.finding.message.clone(),
                        evidence: evidence_text(&f.finding.evidence),
                        url: f.finding.evidence.url.clone().unwrap_or_default(),
                        link: f.finding.evidence.url.as_deref().and_then(escape::link),
                    })
                    .collect(),
                more: u.findings.len().saturating_sub(cap),
                warnings: u
                    .veto_warnings
                    .iter()
                    .map(|w| format!("{}：{}", w.title, w.text))
                    .collect(),
            }
        })
        .collect()
}

/// Evidence in one line: record, dates, days counted against the limit, what is missing.
pub(crate) fn evidence_text(e: &Evidence) -> String {
    let mut parts = Vec::new();
    if let Some(record) = &e.record {
        parts.push(format!("编号{record}"));
    }
    if let Some(start) = e.start {
        parts.push(format!("起算{start}"));
    }
    if let Some(deadline) = e.deadline {
        parts.push(format!("期限{deadline}"));
    }
    if let Some(done) = e.done {
        parts.push(format!("完成{done}"));
    }
    match (&e.overdue, e.days, &e.limit) {
        (Some(overdue), _, Some(limit)) => parts.push(format!("{overdue}（时限{limit}）")),
        (None, Some(days), Some(limit)) => parts.push(format!("计{days}（时限{limit}）")),
        (None, None, Some(limit)) => parts.push(format!("时限{limit}")),
        _ => {}
    }
    if let (Some(count), Some(min)) = (e.count, e.minimum) {
        parts.push(format!("{count}条/应{min}条"));
    }
    if !e.missing.is_empty() {
        parts.push(format!("缺{}", e.missing.join("、")));
    }
    if let Some(seen) = &e.seen {
        parts.push(format!("核查所见：{seen}"));
    }
    parts.join("；")
}

fn method(results: &AuditResults) -> Method {
    let scoring = &results.scoring;
    Method {
        model: model_text(scoring.model).into(),
        formula: scoring.formula.clone(),
        weights: scoring
            .subsystem_weights
            .iter()
            .map(|(k, v)| format!("{k}{v}%"))
            .collect::<Vec<_>>()
            .join("、"),
        grades: scoring
            .grades
            .iter()
            .map(|(name, min)| {
                if *min > 0.0 {
                    format!("{name}（{min}分以上）")
                } else {
                    name.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("、"),
        catalogue: format!(
            "{}（{}版）",
            results.catalogue.name, results.catalogue.version
        ),
        calendar: format!(
            "国务院办公厅部分节假日安排通知（{}—{}年）",
            results.catalogue.calendar_years.0, results.catalogue.calendar_years.1
        ),
        inputs: results
            .inputs
            .iter()
            .map(|i| {
                let sha256: String = i.sha256.chars().take(16).collect();
                // A table counts rows; waivers.yaml counts entries.
                let measure = if i.file.ends_with(".yaml") {
                    "条"
                } else {
                    "行"
                };
                format!("{}（{}{measure}，SHA-256 {sha256}…）", i.file, i.rows)
            })
            .chain(results.spot_check.as_ref().map_or(Vec::new(), worksheets))
            .collect(),
        skipped: results.skipped_rows.len(),
    }
}

/// The scoring model by its Chinese name, with what it does in one line (see score.rs).
fn model_text(model: ScoringModel) -> &'static str {
    match model {
        ScoringModel::Default => "默认模型（分层加权平均：要求得分按权重平均为标准得分，标准得分平均为子体系得分，子体系得分按子体系权重加权平均为总分）",
        ScoringModel::Flat => "扁平加权模型（不分标准和子体系，全部要求得分按要求权重加权平均为总分）",
        ScoringModel::FlatUnweighted => "扁平等权模型（不分标准和子体系，全部要求得分的算术平均为总分，不计权重）",
        ScoringModel::Absolute => "全部合格模型（全部计分实例合格得100分，有一处不合格即得0分）",
    }
}

/// The inspectors' worksheets the spot check read: the item worksheet and the unit sheet
/// (one entry when both are sheets of one workbook), each with the verdicts it gave.
fn worksheets(spot: &SpotCheck) -> Vec<String> {
    let items = (!spot.file.is_empty()).then(|| {
        let verdicts = spot.passed + spot.failed + spot.not_applicable;
        (
            spot.file.as_str(),
            format!("抽查工作底稿，核查结论{verdicts}条"),
        )
    });
    let units = spot
        .unit_verdicts
        .as_ref()
        .filter(|u| !u.file.is_empty())
        .map(|u| {
            let verdicts = u.passed + u.failed + u.not_applicable;
            (u.file.as_str(), format!("单位核查表，核查结论{verdicts}项"))
        });
    let mut read: Vec<(&str, Vec<String>)> = Vec::new();
    for (file, what) in items.into_iter().chain(units) {
        match read.iter_mut().find(|(f, _)| *f == file) {
            Some((_, parts)) => parts.push(what),
            None => read.push((file, vec![what])),
        }
    }
    read.into_iter()
        .map(|(file, parts)| format!("{file}（{}）", parts.join("；")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standards() -> BTreeMap<String, StandardName> {
        let name = StandardName {
            number: "Q/RGZW 204-2019".into(),
            title: "依申请公开办理规范".into(),
        };
        BTreeMap::from([("ZWGK-204".to_string(), name)])
    }

    #[test]
    fn a_clause_is_cited_by_the_standard_s_title_and_number() {
        let rule = "ZWGK-204/reply-within-limit";
        assert_eq!(
            citation(&standards(), rule, "5.1", None),
            "《依申请公开办理规范》（Q/RGZW 204-2019）第5.1条"
        );
        // A rule of an earlier edition cites that edition's number.
        assert_eq!(
            citation(&standards(), rule, "5.1", Some("Q/RGZW 204-2018")),
            "《依申请公开办理规范》（Q/RGZW 204-2018）第5.1条"
        );
    }

    #[test]
    fn results_without_standard_names_cite_the_id() {
        let none = BTreeMap::new();
        let rule = "ZWGK-204/reply-within-limit";
        assert_eq!(citation(&none, rule, "5.1", None), "ZWGK-204 第5.1条");
        assert_eq!(
            citation(&none, rule, "5.1", Some("Q/RGZW 204-2018")),
            "Q/RGZW 204-2018 第5.1条"
        );
    }

    #[test]
    fn every_scoring_model_has_a_chinese_name() {
        for model in [
            ScoringModel::Default,
            ScoringModel::Flat,
            ScoringModel::FlatUnweighted,
            ScoringModel::Absolute,
        ] {
            let text = model_text(model);
            assert!(text.contains("模型（"), "{text}");
            assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{text}");
        }
    }
}
