//! What each page shows, as the data its template renders. Handlebars escapes every value;
//! the only HTML passed through is a snippet, escaped by the search with `<em>` marks.

use serde::Serialize;
use serde_json::{json, Value};

use crate::catalogue::{Catalogue, CheckSpec, InForce, Requirement, Standard};
use crate::check::{Evidence, Outcome};
use crate::index::DocKind;
use crate::report::escape;
use crate::results::{UnitFinding, UnitResult};
use crate::search::{ClauseHit, SearchResults};

use super::site::{PeriodSite, Site};

/// The anchor of a clause on its standard's page: its number, or for an earlier edition's
/// clause the edition's number folded to letters, digits and dashes, then the number.
pub(super) fn clause_anchor(no: &str, edition: Option<&str>) -> String {
    match edition {
        Some(number) => format!("{}-{no}", edition_anchor(number)),
        None => no.to_string(),
    }
}

/// Q/RGZW 204-2018 → Q-RGZW-204-2018.
fn edition_anchor(number: &str) -> String {
    number
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn hit_anchor(clause: &ClauseHit) -> String {
    match clause.kind {
        DocKind::Row => format!("row-{}", clause.no),
        _ => clause_anchor(&clause.no, clause.edition.as_deref()),
    }
}

fn hit_label(clause: &ClauseHit) -> String {
    match (&clause.kind, &clause.edition) {
        (DocKind::Row, _) => format!("目录 {}", clause.no),
        (_, Some(edition)) => format!("{}（{edition}，废止）", clause.no),
        _ => clause.no.clone(),
    }
}

/// The results fragment (also the search page's body).
pub(super) fn results(results: &SearchResults) -> Value {
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|hit| {
            let clauses: Vec<Value> = hit
                .clauses
                .iter()
                .map(|c| {
                    json!({
                        "anchor": hit_anchor(c),
                        "label": hit_label(c),
                        "title": c.title,
                        "snippet": c.snippet,
                    })
                })
                .collect();
            json!({
                "id": hit.id, "number": hit.number, "title": hit.title,
                "subsystem": hit.subsystem, "status": hit.status,
                "issued": hit.issued, "effective": hit.effective, "clauses": clauses,
            })
        })
        .collect();
    json!({
        "query": results.query,
        "partial": matches!(results.mode, crate::search::MatchMode::MostTerms | crate::search::MatchMode::AnyTerm),
        "hits": hits,
    })
}

#[derive(Serialize)]
struct Choice<'a> {
    value: &'a str,
    selected: bool,
}

fn choices<'a>(values: impl IntoIterator<Item = &'a str>, chosen: Option<&str>) -> Vec<Choice<'a>> {
    values
        .into_iter()
        .map(|value| Choice {
            value,
            selected: Some(value) == chosen,
        })
        .collect()
}

/// The filters a search may take, with the chosen ones marked.
pub(super) struct Chosen<'a> {
    pub subsystem: Option<&'a str>,
    pub status: Option<&'a str>,
    pub area: Option<&'a str>,
}

pub(super) fn search_page(
    catalogue: &Catalogue,
    found: Option<&SearchResults>,
    chosen: &Chosen,
    max_query: usize,
) -> Value {
    let mut page = found.map(results).unwrap_or_else(|| json!({}));
    let subsystems = catalogue.meta.subsystems.iter().map(|s| s.name.as_str());
    page["subsystems"] = json!(choices(subsystems, chosen.subsystem));
    page["statuses"] = json!(choices(["现行", "即将实施", "废止"], chosen.status));
    page["areas"] = json!(choices(
        catalogue.meta.areas.iter().map(String::as_str),
        chosen.area
    ));
    page["max_query"] = json!(max_query);
    page
}

pub(super) fn standards_page(catalogue: &Catalogue) -> Value {
    let subsystems: Vec<Value> = catalogue
        .meta
        .subsystems
        .iter()
        .map(|sub| {
            let standards: Vec<Value> = catalogue
                .standards
                .iter()
                .filter(|s| s.subsystem == sub.name)
                .map(|s| {
                    json!({"id": s.id, "title": s.title, "number": s.number,
                           "status": s.status.label(), "effective": s.effective.to_string()})
                })
                .collect();
            json!({"name": sub.name, "standards": standards})
        })
        .collect();
    json!({"count": catalogue.standards.len(), "subsystems": subsystems})
}

pub(super) fn standard_page(standard: &Standard) -> Value {
    let clauses: Vec<Value> = standard
        .clauses
        .iter()
        .map(|c| json!({"no": c.no, "title": c.title, "text": c.text.trim()}))
        .collect();
    let rows: Vec<Value> = standard
        .items
        .iter()
        .map(|item| {
            json!({
                "code": item.code,
                "area": item.area.as_deref().unwrap_or("通用"),
                "name": item.name(),
                "elements": item.elements.join("、"),
                "time_limit": item.time_limit.raw,
                "subject": item.subject,
                "modes": item.mode.iter().map(|m| m.label()).collect::<Vec<_>>().join("、"),
                "levels": item.level.iter().map(|l| l.label()).collect::<Vec<_>>().join("、"),
            })
        })
        .collect();
    let distinct = |values: Vec<String>| -> Vec<String> {
        let mut values: Vec<String> = values
            .into_iter()
            .flat_map(|v| v.split('、').map(String::from).collect::<Vec<_>>())
            .collect();
        values.sort();
        values.dedup();
        values
    };
    let column = |key: &str| {
        distinct(
            rows.iter()
                .map(|r| r[key].as_str().unwrap_or("").to_string())
                .collect(),
        )
    };
    let requirements: Vec<Value> = standard.requirements.iter().map(requirement).collect();
    let editions: Vec<Value> = standard
        .editions
        .iter()
        .enumerate()
        .map(|(e, edition)| {
            let clauses: Vec<Value> = edition
                .clauses
                .iter()
                .map(|c| {
                    json!({"no": c.no, "title": c.title, "text": c.text.trim(),
                           "anchor": clause_anchor(&c.no, Some(&edition.number))})
                })
                .collect();
            json!({
                "number": edition.number,
                "anchor": edition_anchor(&edition.number),
                "issued": edition.issued.to_string(),
                "effective": edition.effective.to_string(),
                "until": standard.edition_window(e).to.map(|d| d.to_string()).unwrap_or_default(),
                "clauses": clauses,
            })
        })
        .collect();
    json!({
        "id": standard.id, "number": standard.number, "title": standard.title,
        "subsystem": standard.subsystem, "status": standard.status.label(),
        "issued": standard.issued.to_string(), "effective": standard.effective.to_string(),
        "supersedes": standard.editions.last().map(|e| e.number.clone()),
        "scope": standard.scope.trim(), "references": standard.references,
        "clauses": clauses,
        "row_areas": column("area"), "row_levels": column("levels"), "row_modes": column("modes"),
        "row_count": rows.len(), "rows": rows,
        "requirements": requirements, "editions": editions,
    })
}

fn requirement(r: &Requirement) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "clause": r.clause,
        "clause_anchor": clause_anchor(&r.clause, r.edition.as_deref()),
        "edition": r.edition,
        "check": r.check().name(),
        "limit": limit_label(&r.spec),
        "weight": r.weight,
        "window": r.in_force.map(window_label).unwrap_or_else(|| "长期".into()),
        "veto": match (r.veto, r.veto_at) {
            (true, _) => "单项否决".to_string(),
            (_, Some(n)) => format!("{n}项不合格即否决"),
            _ => String::new(),
        },
    })
}

/// The limit a requirement checks against, as an evaluator reads it.
fn limit_label(spec: &CheckSpec) -> String {
    match spec {
        CheckSpec::Timeliness(t) => t.limit.map_or("按目录时限".into(), |l| l.label()),
        CheckSpec::Response(r) => match r.extension_working_days {
            0 => r.limit.label(),
            n => format!("{}（可延长{n}个工作日）", r.limit.label()),
        },
        CheckSpec::Interpretation(i) => i.limit.label(),
        CheckSpec::Freshness(f) => format!("间隔不超过{}日", f.max_gap_days),
        _ => String::new(),
    }
}

fn window_label(window: InForce) -> String {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    format!("{}–{}", day(window.from), day(window.to))
}

fn score_text(score: Option<f64>) -> String {
    score.map_or("—".into(), |s| format!("{s:.1}"))
}

pub(super) fn periods_page(site: &Site, audits: &str) -> Value {
    let periods: Vec<Value> = site
        .periods
        .iter()
        .rev()
        .map(|p| {
            let summary = &p.results.summary;
            json!({
                "name": p.name, "label": p.results.period_label,
                "units": summary.units, "average": score_text(summary.average),
                "findings": summary.findings, "vetoed": summary.vetoed,
            })
        })
        .collect();
    json!({"periods": periods, "audits": audits})
}

pub(super) fn period_page(period: &PeriodSite) -> Value {
    let results = &period.results;
    let mut units: Vec<&UnitResult> = results.units.iter().collect();
    units.sort_by_key(|u| u.rank);
    let units: Vec<Value> = units
        .iter()
        .map(|u| {
            json!({
                "id": u.id, "name": u.name, "kind": u.kind.label(&results.jurisdiction),
                "rank": u.rank, "score": score_text(u.score), "grade": u.grade,
                "findings": u.findings.len(),
            })
        })
        .collect();
    json!({
        "name": period.name, "label": results.period_label, "jurisdiction": results.jurisdiction,
        "units": results.units.len(), "average": score_text(results.summary.average),
        "findings": results.summary.findings, "units_list": units,
    })
}

pub(super) fn unit_page(site: &Site, period: &PeriodSite, unit: &UnitResult) -> Value {
    let results = &period.results;
    let trend: Vec<Value> = site
        .periods
        .iter()
        .filter_map(|p| {
            p.results.units.iter().find(|u| u.id == unit.id).map(|u| {
                json!({
                    "period": p.name, "label": p.results.period_label,
                    "score": score_text(u.score), "grade": u.grade, "rank": u.rank,
                    "current": p.name == period.name,
                })
            })
        })
        .collect();
    let findings: Vec<Value> = unit.findings.iter().map(finding).collect();
    json!({
        "period": period.name, "period_label": results.period_label,
        "id": unit.id, "name": unit.name, "kind": unit.kind.label(&results.jurisdiction),
        "score": score_text(unit.score), "grade": unit.grade,
        "rank": unit.rank, "rank_in_kind": unit.rank_in_kind,
        "vetoes": unit.vetoes.iter().map(|v| v.reason.clone()).collect::<Vec<_>>(),
        "trend": trend, "finding_count": findings.len(), "findings": findings,
    })
}

fn finding(f: &UnitFinding) -> Value {
    let finding = &f.finding;
    let standard = finding.rule.split('/').next().unwrap_or_default();
    json!({
        "id": finding.id,
        "message": finding.message,
        "repeat": f.repeat,
        "standard": standard,
        "clause": finding.clause,
        "clause_anchor": clause_anchor(&finding.clause, finding.edition.as_deref()),
        "edition": finding.edition,
        "rule": finding.rule,
        "result": outcome_label(finding.result),
        "credit": format!("{:.2}", finding.credit),
        "evidence": evidence(&finding.evidence),
    })
}

fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Fail => "不合格",
        Outcome::Partial => "部分符合",
        _ => "其他",
    }
}

/// The evidence as label and value pairs, in the order an inspector reads them; a link
/// only when the address is http(s).
fn evidence(e: &Evidence) -> Vec<Value> {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    let pairs: Vec<(&str, Option<String>)> = vec![
        ("记录", e.record.clone()),
        ("标题", e.title.clone()),
        ("起算日", day(e.start)),
        ("完成日", day(e.done)),
        ("截止日", day(e.deadline)),
        ("用时", e.days.map(|d| format!("{d}天"))),
        ("时限", e.limit.clone()),
        ("逾期", e.overdue.clone()),
        (
            "缺少",
            (!e.missing.is_empty()).then(|| e.missing.join("、")),
        ),
        (
            "数量",
            e.count
                .map(|c| format!("{c}（最少{}）", e.minimum.unwrap_or(0))),
        ),
        ("核查所见", e.seen.clone()),
        ("行号", e.line.map(|l| l.to_string())),
    ];
    let mut out: Vec<Value> = pairs
        .into_iter()
        .filter_map(|(label, value)| value.map(|v| json!({"label": label, "value": v})))
        .collect();
    if let Some(url) = &e.url {
        out.push(json!({"label": "网址", "value": url, "link": escape::link(url)}));
    }
    out
}
