//! The annual evaluation (年度考核): the year's quarterly results combined — annual score,
//! grade and ranking, each unit's quarters side by side, and the findings never rectified.

use std::collections::BTreeMap;

use crate::error::{bail_invalid, Result};
use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, Worksheet};
use serde::Serialize;

use super::charts::{self, Charts};
use super::model::{basis_text, chinese_date};
use super::sheet::{
    fit_row, properties, set_up_printing, write_header, write_none, Formats, Rules,
};
use crate::catalogue::{level_of, AnnualRules, UnitKind};
use crate::results::AuditResults;
use crate::score::round2;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Annual {
    pub title: String,
    /// The evaluation method the annual circular rests on.
    pub basis: String,
    pub issuer: String,
    pub date: String,
    /// The last quarter's circular date, the workbook's creation date.
    #[serde(skip)]
    pub circular_date: NaiveDate,
    pub year: i32,
    /// 市 / 县, 全市 / 全县 and 镇（区、街道） / 乡镇（街道）, as the jurisdiction's name ends.
    pub level: String,
    pub whole: String,
    pub town_label: String,
    /// The quarters combined, with their weights.
    pub quarters: Vec<QuarterInfo>,
    pub missing_quarters: Vec<String>,
    pub average: String,
    pub grades: Vec<(String, usize)>,
    /// How the score was composed and grades capped, as the circular says it.
    pub notes: Vec<String>,
    /// Headings of the rows' score columns: the quarters, then 年终集中考核 when given.
    pub columns: Vec<String>,
    pub rankings: Vec<AnnualRanking>,
    pub unrectified: Vec<Unrectified>,
    /// The charts of the HTML circular; geometry, not results, so not in annual.json.
    #[serde(skip)]
    pub charts: Charts,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct QuarterInfo {
    pub label: String,
    pub weight: f64,
    pub average: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AnnualRanking {
    pub label: String,
    pub rows: Vec<AnnualRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AnnualRow {
    pub rank: usize,
    pub id: String,
    pub name: String,
    /// One per score column: each quarter combined ("—" where the unit was not assessed)
    /// and the year-end review when given.
    pub cells: Vec<String>,
    pub score: String,
    pub grade: String,
    /// Quarters in which the unit was vetoed.
    pub vetoed_in: String,
    /// Why, quarter by quarter: `2018年第四季度：留言超过3个月未答复（互动回应差）1项不符合`.
    pub veto_reasons: String,
    #[serde(skip)]
    pub value: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Unrectified {
    pub unit: String,
    pub id: String,
    pub problem: String,
    pub message: String,
    /// Quarters in which it was found.
    pub quarters: String,
}

/// Combines quarterly results (in quarter order) with their weights and, when given, the
/// year-end review scores by unit id, in the catalogue's proportions.
pub(crate) fn annual(
    year: i32,
    quarters: &[(AuditResults, f64)],
    missing: Vec<String>,
    review: Option<&BTreeMap<String, f64>>,
) -> Result<Annual> {
    let Some((last, _)) = quarters.last() else {
        bail_invalid!("{year} 年没有季度考核结果：请先至少考核一个季度");
    };
    let rules = &last.scoring.annual;
    if let Some(review) = review {
        check_review(review, quarters)?;
    }
    let mut units: BTreeMap<&str, (&str, UnitKind)> = BTreeMap::new();
    for (results, _) in quarters {
        for unit in &results.units {
            units.entry(&unit.id).or_insert((&unit.name, unit.kind));
        }
    }
    let mut rows: Vec<(UnitKind, AnnualRow)> = units
        .iter()
        .map(|(id, (name, kind))| {
            let per_quarter: Vec<Option<&crate::results::UnitResult>> = quarters
                .iter()
                .map(|(r, _)| r.units.iter().find(|u| u.id == *id))
                .collect();
            let (sum, weights) = per_quarter
                .iter()
                .zip(quarters)
                .filter_map(|(u, (_, w))| u.and_then(|u| u.score).map(|s| (s * w, *w)))
                .fold((0.0, 0.0), |(s, w), (a, b)| (s + a, w + b));
            let quarterly = (weights > 0.0).then(|| sum / weights);
            let reviewed = review.and_then(|r| r.get(*id)).copied();
            let value = match (quarterly, reviewed) {
                (Some(q), Some(r)) => Some(round2(
                    q * rules.quarterly_percent / 100.0 + r * rules.review_percent / 100.0,
                )),
                (q, _) => q.map(round2),
            };
            let vetoed_in: Vec<String> = per_quarter
                .iter()
                .zip(quarters)
                .filter(|(u, _)| u.is_some_and(|u| !u.vetoes.is_empty()))
                .map(|(_, (r, _))| r.period_label.clone())
                .collect();
            let veto_reasons = veto_reasons(&per_quarter, quarters);
            let grade = grade(last, value, !vetoed_in.is_empty());
            let row = AnnualRow {
                rank: 0,
                id: id.to_string(),
                name: name.to_string(),
                cells: per_quarter
                    .iter()
                    .map(|u| u.and_then(|u| u.score))
                    .chain(review.map(|_| reviewed))
                    .map(|score| score.map_or("—".into(), |s| format!("{s:.2}")))
                    .collect(),
                score: value.map_or("—".into(), |s| format!("{s:.2}")),
                grade,
                vetoed_in: vetoed_in.join("、"),
                veto_reasons,
                value,
            };
            (*kind, row)
        })
        .collect();
    rows.sort_by(|(_, a), (_, b)| {
        a.vetoed_in
            .is_empty()
            .cmp(&b.vetoed_in.is_empty())
            .reverse()
            .then(b.value.unwrap_or(-1.0).total_cmp(&a.value.unwrap_or(-1.0)))
            .then(a.id.cmp(&b.id))
    });
    let mut notes = composition_note(rules, review.is_some());
    notes.extend(apply_grade_caps(&mut rows, last));
    let rankings = [UnitKind::Department, UnitKind::Town]
        .into_iter()
        .map(|kind| AnnualRanking {
            label: kind.label(&last.jurisdiction),
            rows: rows
                .iter()
                .filter(|(k, _)| *k == kind)
                .enumerate()
                .map(|(i, (_, row))| AnnualRow {
                    rank: i + 1,
                    ..row.clone()
                })
                .collect(),
        })
        .collect();
    let scores: Vec<f64> = rows.iter().filter_map(|(_, r)| r.value).collect();
    let average = if scores.is_empty() {
        "—".into()
    } else {
        format!("{:.2}", scores.iter().sum::<f64>() / scores.len() as f64)
    };
    let grades = last
        .scoring
        .grades
        .iter()
        .map(|(name, _)| {
            (
                name.clone(),
                rows.iter().filter(|(_, r)| &r.grade == name).count(),
            )
        })
        .collect();
    Ok(Annual {
        title: format!(
            "关于{}{}年度政务公开考核结果的通报",
            last.jurisdiction, year
        ),
        basis: basis_text(&last.catalogue.basis[..last.catalogue.basis.len().min(1)]),
        issuer: last.catalogue.issuer.clone(),
        date: chinese_date(last.circular_date),
        circular_date: last.circular_date,
        year,
        level: level_of(&last.jurisdiction).to_string(),
        whole: format!("全{}", level_of(&last.jurisdiction)),
        town_label: UnitKind::Town.label(&last.jurisdiction),
        quarters: quarters
            .iter()
            .map(|(r, w)| QuarterInfo {
                label: r.period_label.clone(),
                weight: *w,
                average: r.summary.average.map_or("—".into(), |a| format!("{a:.2}")),
            })
            .collect(),
        missing_quarters: missing,
        average,
        grades,
        notes,
        columns: quarters
            .iter()
            .map(|(r, _)| r.period_label.clone())
            .chain(review.map(|_| "年终集中考核".to_string()))
            .collect(),
        rankings,
        unrectified: unrectified(quarters),
        charts: charts::annual_charts(
            &quarters.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            &scores,
        ),
    })
}

/// The quarters a unit was vetoed in, each with the rules that vetoed it.
fn veto_reasons(
    per_quarter: &[Option<&crate::results::UnitResult>],
    quarters: &[(AuditResults, f64)],
) -> String {
    per_quarter
        .iter()
        .zip(quarters)
        .filter_map(|(unit, (results, _))| {
            let vetoes = &unit.as_ref()?.vetoes;
            let rules: Vec<String> = vetoes
                .iter()
                .map(|v| format!("{}{}项不符合", v.title, v.failing))
                .collect();
            (!rules.is_empty()).then(|| format!("{}：{}", results.period_label, rules.join("、")))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Every unit assessed has a year-end review score, and every score a unit.
fn check_review(review: &BTreeMap<String, f64>, quarters: &[(AuditResults, f64)]) -> Result<()> {
    let assessed: std::collections::BTreeSet<&str> = quarters
        .iter()
        .flat_map(|(r, _)| {
            r.units
                .iter()
                .filter(|u| u.score.is_some())
                .map(|u| u.id.as_str())
        })
        .collect();
    let missing: Vec<&str> = assessed
        .iter()
        .copied()
        .filter(|id| !review.contains_key(*id))
        .collect();
    let unknown: Vec<&str> = review
        .keys()
        .map(String::as_str)
        .filter(|id| !assessed.contains(id))
        .collect();
    if !missing.is_empty() {
        bail_invalid!(
            "年终集中考核得分缺少{}个单位：{}",
            missing.len(),
            missing.join("、")
        );
    }
    if !unknown.is_empty() {
        bail_invalid!(
            "年终集中考核得分中有本年度未考核的单位：{}",
            unknown.join("、")
        );
    }
    Ok(())
}

/// How the annual score was composed: with the year-end review (年终集中考核) when its
/// scores were given, else — where the catalogue gives the review a share — the note says
/// the score is the quarterly average alone.
fn composition_note(rules: &AnnualRules, reviewed: bool) -> Vec<String> {
    let (q, r) = (rules.quarterly_percent, rules.review_percent);
    match (r > 0.0, reviewed) {
        (false, _) => Vec::new(),
        (true, true) => vec![format!(
            "年度得分为季度考核平均分的{q}%与年终集中考核得分的{r}%之和"
        )],
        (true, false) => vec![format!(
            "按考核办法，年度得分为季度考核平均分（占{q}%）与年终集中考核得分（占{r}%）之和；年终集中考核得分未录入，本表年度得分为季度考核平均分"
        )],
    }
}

/// Grades capped to a share of the units assessed (优秀 at most 30 %): the units beyond the
/// cap, in ranking order, get the next grade down. Returns what was changed, for the
/// circular.
fn apply_grade_caps(rows: &mut [(UnitKind, AnnualRow)], last: &AuditResults) -> Vec<String> {
    let bands = &last.scoring.grades;
    let total = rows.len();
    let mut notes = Vec::new();
    for (grade, percent) in &last.scoring.annual.grade_caps {
        let allowed = (total as f64 * percent / 100.0).floor() as usize;
        let next = bands
            .iter()
            .position(|(name, _)| name == grade)
            .and_then(|i| bands.get(i + 1))
            .map(|(name, _)| name.clone());
        let Some(next) = next else {
            continue;
        };
        // Rows are in ranking order: the first `allowed` keep the grade.
        let over: Vec<&mut AnnualRow> = rows
            .iter_mut()
            .map(|(_, row)| row)
            .filter(|row| &row.grade == grade)
            .skip(allowed)
            .collect();
        if over.is_empty() {
            continue;
        }
        let changed = over.len();
        for row in over {
            row.grade = next.clone();
        }
        notes.push(format!(
            "{grade}等次单位数量不超过考核单位总数的{percent}%（{total}个单位中至多{allowed}个），另有{changed}个单位得分达到{grade}标准，按名次评为{next}"
        ));
    }
    notes
}

fn grade(results: &AuditResults, score: Option<f64>, vetoed: bool) -> String {
    let bands = &results.scoring.grades;
    let lowest = bands.last().map(|(n, _)| n.clone()).unwrap_or_default();
    match score {
        Some(s) if !vetoed => bands
            .iter()
            .find(|(_, min)| s >= *min)
            .map(|(n, _)| n.clone())
            .unwrap_or(lowest),
        _ => lowest,
    }
}

/// Findings of the last quarter also found, under the same id, in the quarters before it,
/// without a break: reported again and again, never rectified.
fn unrectified(quarters: &[(AuditResults, f64)]) -> Vec<Unrectified> {
    let Some((last, _)) = quarters.last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for unit in &last.units {
        for f in &unit.findings {
            let mut seen_in = vec![last.period_label.clone()];
            for (earlier, _) in quarters.iter().rev().skip(1) {
                let found = earlier
                    .units
                    .iter()
                    .filter(|u| u.id == unit.id)
                    .flat_map(|u| &u.findings)
                    .any(|e| e.finding.id == f.finding.id);
                if !found {
                    break;
                }
                seen_in.insert(0, earlier.period_label.clone());
            }
            if seen_in.len() >= 2 {
                out.push(Unrectified {
                    unit: unit.name.clone(),
                    id: f.finding.id.clone(),
                    problem: f.finding.code.description().into(),
                    message: f.finding.message.clone(),
                    quarters: seen_in.join("、"),
                });
            }
        }
    }
    out
}

/// annual.xlsx: the ranking with the quarters side by side, and the unrectified findings.
pub(crate) fn annual_workbook(annual: &Annual) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    // Created "on" the circular's date, not now: the same results give the same file.
    workbook.set_properties(&properties(
        &annual.title,
        &annual.issuer,
        annual.circular_date,
    )?);
    let formats = Formats::new();
    let sheet = workbook.add_worksheet().set_name("年度排名")?;
    set_up_printing(sheet, &annual.title, (0, 0), Rules::Gridlines)?;
    ranking_sheet(sheet, annual, &formats)?;
    let sheet = workbook.add_worksheet().set_name("未整改问题")?;
    let title = format!("{}（连续未整改问题）", annual.title);
    set_up_printing(sheet, &title, (0, 0), Rules::Gridlines)?;
    unrectified_sheet(sheet, annual, &formats)?;
    Ok(workbook.save_to_buffer()?)
}

/// Width of the ranking's 单位 column; the others are 12.
const NAME_WIDTH: f64 = 18.0;
const RANKING_WIDTH: f64 = 12.0;

/// Both rankings, departments then towns, each unit's quarters side by side.
fn ranking_sheet(sheet: &mut Worksheet, annual: &Annual, formats: &Formats) -> Result<()> {
    let mut names: Vec<&str> = vec!["类别", "排名", "单位"];
    names.extend(annual.columns.iter().map(String::as_str));
    names.extend(["年度得分", "等次", "单项否决"]);
    let columns: Vec<(&str, f64)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (*name, if i == 2 { NAME_WIDTH } else { RANKING_WIDTH }))
        .collect();
    write_header(sheet, &columns, formats)?;
    let mut r = 1;
    for ranking in &annual.rankings {
        for row in &ranking.rows {
            write_ranking_row(sheet, r, &ranking.label, row, formats)?;
            r += 1;
        }
    }
    let last_column = columns.len() as u16 - 1;
    if r == 1 {
        write_none(sheet, 1, last_column + 1, "本年度无考核单位。", formats)?;
    } else {
        sheet.autofilter(0, 0, r - 1, last_column)?;
    }
    Ok(())
}

/// One unit's row: scores as numbers with two decimals ("—" stays text: not assessed).
fn write_ranking_row(
    sheet: &mut Worksheet,
    r: u32,
    label: &str,
    row: &AnnualRow,
    formats: &Formats,
) -> Result<()> {
    sheet.write_string_with_format(r, 0, label, &formats.wrap)?;
    sheet.write_number_with_format(r, 1, row.rank as f64, &formats.integer)?;
    sheet.write_string_with_format(r, 2, &row.name, &formats.wrap)?;
    let mut c = 3;
    for q in &row.cells {
        match q.parse::<f64>() {
            Ok(v) => sheet.write_number_with_format(r, c, v, &formats.score)?,
            Err(_) => sheet.write_string_with_format(r, c, q, &formats.cell)?,
        };
        c += 1;
    }
    match row.value {
        Some(v) => sheet.write_number_with_format(r, c, v, &formats.score)?,
        None => sheet.write_string_with_format(r, c, &row.score, &formats.cell)?,
    };
    sheet.write_string_with_format(r, c + 1, &row.grade, &formats.cell)?;
    sheet.write_string_with_format(r, c + 2, &row.vetoed_in, &formats.wrap)?;
    fit_row(
        sheet,
        r,
        [
            (label, RANKING_WIDTH),
            (row.name.as_str(), NAME_WIDTH),
            (row.vetoed_in.as_str(), RANKING_WIDTH),
        ],
    )
}

const UNRECTIFIED_COLUMNS: [(&str, f64); 5] = [
    ("单位", 18.0),
    ("问题类型", 14.0),
    ("问题描述", 60.0),
    ("发现季度", 30.0),
    ("问题编号", 50.0),
];

/// The findings never rectified; a sentence saying so when there are none.
fn unrectified_sheet(sheet: &mut Worksheet, annual: &Annual, formats: &Formats) -> Result<()> {
    write_header(sheet, &UNRECTIFIED_COLUMNS, formats)?;
    for (i, u) in annual.unrectified.iter().enumerate() {
        let r = i as u32 + 1;
        let texts = [&u.unit, &u.problem, &u.message, &u.quarters, &u.id];
        for (c, text) in texts.into_iter().enumerate() {
            sheet.write_string_with_format(r, c as u16, text, &formats.wrap)?;
        }
        fit_row(
            sheet,
            r,
            texts
                .into_iter()
                .zip(UNRECTIFIED_COLUMNS)
                .map(|(text, (_, width))| (text.as_str(), width)),
        )?;
    }
    if annual.unrectified.is_empty() {
        let columns = UNRECTIFIED_COLUMNS.len() as u16;
        write_none(sheet, 1, columns, "本年度无连续未整改问题。", formats)?;
    }
    Ok(())
}
