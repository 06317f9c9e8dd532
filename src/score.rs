//! Scoring (XCCDF-style), reproducible from the trace each unit carries.
//!
//! Requirement score = 100 × Σ credit / counted instances (counted excludes notapplicable,
//! notchecked, pending, waived and error). A requirement with nothing counted is left out.
//!
//! - `default`: standard = weighted mean of its requirements; sub-system = mean of its
//!   standards; total = weighted mean of the sub-systems (weights from catalogue.yaml),
//!   over the parts that have a score.
//! - `flat`: Σ w·score ÷ Σ w over all scored requirements.
//! - `flat-unweighted`: the same with every weight 1.
//! - `absolute`: 100 when every counted instance passed, else 0.
//!
//! Any veto (`veto: true` with a failing instance, or `veto_at: N` failing instances)
//! makes the grade the lowest band whatever the score.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, Requirement, Standard};
use crate::check::{Outcome, RuleResult};
use crate::data::ScoringModel;

/// One requirement's line of the trace.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RequirementTrace {
    pub rule: String,
    pub title: String,
    pub subsystem: String,
    pub check: String,
    pub weight: u32,
    pub applicable: bool,
    /// Instances that passed.
    pub passed: usize,
    /// Instances that count (pass, fail, partial).
    pub counted: usize,
    /// Σ credit over counted instances (pass 1, partial its share, fail 0).
    pub credit: f64,
    /// 100 × credit / counted; absent when nothing counted.
    pub score: Option<f64>,
    /// Instances by result.
    pub outcomes: BTreeMap<Outcome, usize>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PartScore {
    pub id: String,
    pub name: String,
    /// Weight in the level above (sub-system weight, or 1 for standards).
    pub weight: f64,
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Veto {
    pub rule: String,
    pub title: String,
    pub failing: usize,
    /// Why it vetoes, as the circular says it.
    pub reason: String,
}

/// A veto rule the unit is close to (单项否决预警): the rule and how close, as the notice
/// says it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct VetoWarning {
    pub rule: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UnitScore {
    /// Total score, 0–100; absent when nothing at all was counted.
    pub score: Option<f64>,
    pub grade: String,
    pub vetoes: Vec<Veto>,
    pub warnings: Vec<VetoWarning>,
    pub subsystems: Vec<PartScore>,
    pub standards: Vec<PartScore>,
    pub trace: Vec<RequirementTrace>,
}

/// Scores one unit's rule results.
pub(crate) fn score_unit(
    catalogue: &Catalogue,
    model: ScoringModel,
    results: &[RuleResult],
) -> UnitScore {
    let rules: BTreeMap<String, (&Standard, &Requirement)> = catalogue
        .standards
        .iter()
        .flat_map(|s| {
            s.requirements
                .iter()
                .map(move |r| (format!("{}/{}", s.id, r.id), (s, r)))
        })
        .collect();
    let trace: Vec<RequirementTrace> = results
        .iter()
        .filter_map(|result| {
            let (standard, rule) = rules.get(&result.rule_id())?;
            Some(trace_line(result, standard, rule))
        })
        .collect();
    let vetoes = vetoes(results, &rules);
    let warnings = results
        .iter()
        .filter_map(|result| {
            let (_, rule) = rules.get(&result.rule_id())?;
            Some(VetoWarning {
                rule: result.rule_id(),
                title: rule.title.clone(),
                text: result.warning.clone()?,
            })
        })
        .collect();

    let standards: Vec<PartScore> = catalogue
        .standards
        .iter()
        .map(|s| {
            let lines: Vec<&RequirementTrace> = trace
                .iter()
                .filter(|t| t.rule.starts_with(&format!("{}/", s.id)))
                .collect();
            PartScore {
                id: s.id.clone(),
                name: s.title.clone(),
                weight: 1.0,
                score: weighted_mean(
                    lines
                        .iter()
                        .filter_map(|t| t.score.map(|sc| (sc, f64::from(t.weight)))),
                ),
            }
        })
        .collect();
    let subsystems: Vec<PartScore> = catalogue
        .meta
        .subsystems
        .iter()
        .map(|sub| {
            let in_sub = catalogue
                .standards
                .iter()
                .zip(&standards)
                .filter(|(s, _)| s.subsystem == sub.name);
            PartScore {
                id: sub.digit.to_string(),
                name: sub.name.clone(),
                weight: sub.weight,
                score: weighted_mean(in_sub.filter_map(|(_, part)| part.score.map(|sc| (sc, 1.0)))),
            }
        })
        .collect();

    let score = match model {
        ScoringModel::Default => weighted_mean(
            subsystems
                .iter()
                .filter_map(|s| s.score.map(|sc| (sc, s.weight))),
        ),
        ScoringModel::Flat => weighted_mean(
            trace
                .iter()
                .filter_map(|t| t.score.map(|sc| (sc, f64::from(t.weight)))),
        ),
        ScoringModel::FlatUnweighted => {
            weighted_mean(trace.iter().filter_map(|t| t.score.map(|sc| (sc, 1.0))))
        }
        ScoringModel::Absolute => {
            let counted: usize = trace.iter().map(|t| t.counted).sum();
            let passed: usize = trace.iter().map(|t| t.passed).sum();
            (counted > 0).then_some(if passed == counted { 100.0 } else { 0.0 })
        }
    };
    let grade = grade(catalogue, score, !vetoes.is_empty());
    UnitScore {
        score: score.map(round2),
        grade,
        vetoes,
        warnings,
        subsystems: subsystems.into_iter().map(rounded).collect(),
        standards: standards.into_iter().map(rounded).collect(),
        trace,
    }
}

fn trace_line(result: &RuleResult, standard: &Standard, rule: &Requirement) -> RequirementTrace {
    let mut outcomes = BTreeMap::new();
    for instance in &result.instances {
        *outcomes.entry(instance.outcome).or_insert(0) += 1;
    }
    let counted: Vec<_> = result
        .instances
        .iter()
        .filter(|i| i.outcome.counted())
        .collect();
    // fold from +0.0: an empty float sum is -0.0, which would print as such.
    let credit: f64 = counted.iter().fold(0.0, |sum, i| sum + i.credit);
    RequirementTrace {
        rule: result.rule_id(),
        title: rule.title.clone(),
        subsystem: standard.subsystem.clone(),
        check: rule.check().name().to_string(),
        weight: rule.weight,
        applicable: result.applicable,
        passed: counted
            .iter()
            .filter(|i| i.outcome == Outcome::Pass)
            .count(),
        counted: counted.len(),
        credit,
        score: (!counted.is_empty()).then(|| 100.0 * credit / counted.len() as f64),
        outcomes,
    }
}

fn vetoes(
    results: &[RuleResult],
    rules: &BTreeMap<String, (&Standard, &Requirement)>,
) -> Vec<Veto> {
    results
        .iter()
        .filter_map(|result| {
            let (_, rule) = rules.get(&result.rule_id())?;
            let failing = result
                .instances
                .iter()
                .filter(|i| i.outcome.failing())
                .count();
            let reason = match (rule.veto, rule.veto_at) {
                (true, _) if failing > 0 => {
                    format!("{}：{}项不符合，实行单项否决", rule.title, failing)
                }
                (_, Some(n)) if failing >= n as usize => {
                    format!(
                        "{}：{}项不符合，达到{}项，实行单项否决",
                        rule.title, failing, n
                    )
                }
                _ => return None,
            };
            Some(Veto {
                rule: result.rule_id(),
                title: rule.title.clone(),
                failing,
                reason,
            })
        })
        .collect()
}

/// The grade band for a score; a veto gives the lowest band.
pub(crate) fn grade(catalogue: &Catalogue, score: Option<f64>, vetoed: bool) -> String {
    let bands = &catalogue.meta.grades;
    let lowest = bands.last().map(|b| b.name.clone()).unwrap_or_default();
    match score {
        Some(score) if !vetoed => bands
            .iter()
            .find(|b| score >= b.min)
            .map(|b| b.name.clone())
            .unwrap_or(lowest),
        _ => lowest,
    }
}

fn weighted_mean(values: impl Iterator<Item = (f64, f64)>) -> Option<f64> {
    let (sum, weights) = values.fold((0.0, 0.0), |(s, w), (value, weight)| {
        (s + value * weight, w + weight)
    });
    (weights > 0.0).then(|| sum / weights)
}

pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn rounded(mut part: PartScore) -> PartScore {
    part.score = part.score.map(round2);
    part
}

/// The formula of a model, in Chinese, for the report's method appendix.
pub(crate) fn formula(model: ScoringModel) -> &'static str {
    match model {
        ScoringModel::Default => "要求得分 = 100 × Σ得分系数 ÷ 计分实例数；标准得分 = 各要求得分按权重加权平均；子体系得分 = 所含标准得分的算术平均；总分 = 各子体系得分按子体系权重加权平均（无计分实例的部分不参与平均）",
        ScoringModel::Flat => "总分 = Σ(要求权重 × 要求得分) ÷ Σ要求权重，要求得分 = 100 × Σ得分系数 ÷ 计分实例数",
        ScoringModel::FlatUnweighted => "总分 = 各要求得分的算术平均，要求得分 = 100 × Σ得分系数 ÷ 计分实例数",
        ScoringModel::Absolute => "全部计分实例合格得100分，否则得0分",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{catalogue, day};
    use crate::check::{Instance, RuleResult};

    fn result(rule: &str, outcomes: &[(Outcome, f64)]) -> RuleResult {
        let (standard, requirement) = rule.split_once('/').unwrap();
        RuleResult {
            standard: standard.into(),
            requirement: requirement.into(),
            applicable: true,
            warning: None,
            instances: outcomes
                .iter()
                .enumerate()
                .map(|(i, (outcome, credit))| Instance {
                    key: format!("x{i}").into(),
                    outcome: *outcome,
                    credit: *credit,
                    event: day("2018-10-01"),
                    finding: None,
                })
                .collect(),
        }
    }

    fn sample() -> Vec<RuleResult> {
        use Outcome::*;
        vec![
            // 公开与运行: ZWGK-203 timeliness (w3) 3 of 4; ZWGK-204 reply (w3) all pass.
            result(
                "ZWGK-203/proactive-within-20-days",
                &[
                    (Pass, 1.0),
                    (Pass, 1.0),
                    (Pass, 1.0),
                    (Fail, 0.0),
                    (Pending, 0.0),
                ],
            ),
            result(
                "ZWGK-203/normative-doc-channels",
                &[(Pass, 1.0), (NotApplicable, 0.0)],
            ),
            result("ZWGK-204/reply-within-limit", &[(Pass, 1.0), (Pass, 1.0)]),
            // 支持与保障: ZWGK-106 review (w3) 1 pass, 1 partial at 0.5.
            result(
                "ZWGK-106/review-before-publish",
                &[(Pass, 1.0), (Partial, 0.5), (Waived, 0.0)],
            ),
            // 监督与评价: ZWGK-304 news columns (w3) 1 of 2.
            result("ZWGK-304/news-columns", &[(Pass, 1.0), (Fail, 0.0)]),
        ]
    }

    #[test]
    fn default_model_by_hand() {
        let score = score_unit(catalogue(), ScoringModel::Default, &sample());
        // 203: (75×3 + 100×2)/5 = 85; 204: 100 → 公开与运行 92.5.
        // 106: 75 → 支持与保障 75. 304: 50 → 监督与评价 50.
        // Total: (75×20 + 92.5×60 + 50×20)/100 = 80.5.
        let sub = |name: &str| {
            score
                .subsystems
                .iter()
                .find(|s| s.name == name)
                .unwrap()
                .score
        };
        assert_eq!(sub("公开与运行"), Some(92.5));
        assert_eq!(sub("支持与保障"), Some(75.0));
        assert_eq!(sub("监督与评价"), Some(50.0));
        assert_eq!(score.score, Some(80.5));
        assert_eq!(score.grade, "良好");
        let line = score
            .trace
            .iter()
            .find(|t| t.rule == "ZWGK-203/proactive-within-20-days")
            .unwrap();
        assert_eq!((line.passed, line.counted, line.score), (3, 4, Some(75.0)));
        assert_eq!(line.outcomes[&Outcome::Pending], 1);
    }

    #[test]
    fn flat_unweighted_and_absolute() {
        let results = sample();
        // flat: (75×3 + 100×2 + 100×3 + 75×3 + 50×3) / 14 = 1100/14.
        let flat = score_unit(catalogue(), ScoringModel::Flat, &results);
        assert_eq!(flat.score, Some(round2(1100.0 / 14.0)));
        let unweighted = score_unit(catalogue(), ScoringModel::FlatUnweighted, &results);
        assert_eq!(unweighted.score, Some(80.0));
        let absolute = score_unit(catalogue(), ScoringModel::Absolute, &results);
        assert_eq!(absolute.score, Some(0.0));
        assert_eq!(absolute.grade, "不合格");
    }

    #[test]
    fn vetoes_force_the_lowest_grade() {
        use Outcome::*;
        let mut results = vec![result("ZWGK-204/reply-within-limit", &[(Pass, 1.0); 20])];
        results.push(result(
            "ZWGK-304/message-unanswered-3-months",
            &[(Pass, 1.0), (Fail, 0.0)],
        ));
        let score = score_unit(catalogue(), ScoringModel::Default, &results);
        assert_eq!(score.vetoes.len(), 1);
        assert_eq!(score.grade, "不合格");
        assert!(score.score.unwrap() > 60.0);
        // veto_at: 5 stale news columns veto, 4 do not.
        let four = vec![result("ZWGK-304/news-columns", &[(Fail, 0.0); 4])];
        assert!(score_unit(catalogue(), ScoringModel::Default, &four)
            .vetoes
            .is_empty());
        let five = vec![result("ZWGK-304/news-columns", &[(Fail, 0.0); 5])];
        assert_eq!(
            score_unit(catalogue(), ScoringModel::Default, &five)
                .vetoes
                .len(),
            1
        );
    }
}
