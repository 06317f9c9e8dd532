//! How far the automated verdicts can be relied on: inspectors' agreement on the items
//! both judged, the exact upper deviation bound, and the ISO 2859-1 switching rules for
//! next quarter's inspection. The unit sheet's verdicts (单位核查) are counted apart: they
//! have no automated counterpart and do not enter the agreement.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::check::{Outcome, RuleResult};
use crate::data::{Dataset, Inspections, Level, Verdict};
use crate::sample::plan::upper_deviation_bound;

/// Inspection severity (ISO 2859-1 switching).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    Normal,
    Tightened,
    Reduced,
}

impl Severity {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Severity::Normal => "正常检查",
            Severity::Tightened => "加严检查",
            Severity::Reduced => "放宽检查",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SpotCheck {
    pub seed: u64,
    pub level: Level,
    pub confidence: f64,
    pub tolerable_rate: f64,
    pub rule: String,
    pub population_units: usize,
    pub population_items: usize,
    pub population_sha256: String,
    pub units_sampled: usize,
    pub items_sampled: usize,
    /// Verdicts returned: 合格, 不合格, 不适用.
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    /// Sampled items with no verdict (left blank or their row deleted), as `UNIT/ITEM`.
    #[serde(default)]
    pub unjudged: Vec<String>,
    /// The item worksheet read; empty when only the unit sheet came back.
    pub file: String,
    /// Items judged both by inspectors and by the automated checks.
    pub compared: usize,
    pub agreed: usize,
    pub deviations: usize,
    pub agreement_rate: Option<f64>,
    /// Exact one-sided upper bound of the deviation rate at `confidence`.
    pub upper_bound: f64,
    /// Accepted when the bound does not exceed the tolerable rate.
    pub accepted: bool,
    pub severity: Severity,
    pub next_severity: Severity,
    /// Acceptance of this and earlier quarters, newest last (at most 10); a quarter whose
    /// item worksheet did not come back is not a lot and leaves it as it was.
    pub history: Vec<bool>,
    pub recommendation: String,
    /// The unit sheet (单位核查); `None` for a sample without unit-level requirements.
    #[serde(default)]
    pub unit_verdicts: Option<UnitVerdicts>,
}

/// Verdicts on the sampled units' unit-level requirements.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct UnitVerdicts {
    /// Unit × requirement pairs drawn.
    pub sampled: usize,
    /// Verdicts returned: 合格, 不合格, 不适用.
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    /// Pairs with no verdict (left blank, their row deleted, or the sheet not returned),
    /// as `UNIT/STANDARD/REQUIREMENT`.
    pub unjudged: Vec<String>,
    /// The unit sheet read; empty when it did not come back.
    pub file: String,
}

/// The sampled unit × requirement pairs the unit sheet gives no verdict for, in sample
/// order.
pub(crate) fn unit_unjudged(inspections: &Inspections) -> Vec<String> {
    inspections
        .plan
        .units
        .iter()
        .flat_map(|unit| {
            unit.requirements
                .iter()
                .filter(move |rule| inspections.unit_verdict(&unit.id, rule).is_none())
                .map(move |rule| format!("{}/{rule}", unit.id))
        })
        .collect()
}

fn unit_verdicts(inspections: &Inspections) -> Option<UnitVerdicts> {
    let sampled: usize = inspections
        .plan
        .units
        .iter()
        .map(|u| u.requirements.len())
        .sum();
    if sampled == 0 {
        return None;
    }
    let count = |verdict: Verdict| {
        inspections.units.as_ref().map_or(0, |u| {
            u.verdicts
                .values()
                .flat_map(|v| v.values())
                .filter(|v| v.verdict == verdict)
                .count()
        })
    };
    Some(UnitVerdicts {
        sampled,
        passed: count(Verdict::Pass),
        failed: count(Verdict::Fail),
        not_applicable: count(Verdict::NotApplicable),
        unjudged: unit_unjudged(inspections),
        file: inspections
            .units
            .as_ref()
            .map(|u| file_name(&u.file))
            .unwrap_or_default(),
    })
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The sampled items the worksheet gives no verdict for, in the order drawn.
pub(crate) fn unjudged(inspections: &Inspections) -> Vec<String> {
    inspections
        .plan
        .units
        .iter()
        .flat_map(|unit| {
            let judged = inspections.verdicts.get(&unit.id);
            unit.items
                .iter()
                .filter(move |item| judged.is_none_or(|v| !v.contains_key(*item)))
                .map(move |item| format!("{}/{item}", unit.id))
        })
        .collect()
}

/// Compares verdicts with the automated results of the same items and applies the
/// switching rules to the previous quarter's state.
pub(crate) fn spot_check(
    inspections: &Inspections,
    data: &Dataset,
    runs: &[Vec<RuleResult>],
    previous: Option<&SpotCheck>,
) -> SpotCheck {
    let plan = &inspections.plan;
    let unit_index: HashMap<&str, usize> = data
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let wanted: HashSet<&str> = inspections
        .verdicts
        .values()
        .flat_map(|v| v.keys().map(String::as_str))
        .collect();
    let entries: HashMap<&str, &str> = data
        .items
        .iter()
        .filter(|i| wanted.contains(i.id()))
        .filter_map(|i| Some((i.id(), i.register_ref()?)))
        .collect();

    let (mut passed, mut failed, mut not_applicable, mut compared, mut agreed) = (0, 0, 0, 0, 0);
    for (unit, verdicts) in &inspections.verdicts {
        let results = unit_index.get(unit.as_str()).and_then(|i| runs.get(*i));
        for (item, verdict) in verdicts {
            let inspector_pass = match verdict.verdict {
                Verdict::Pass => {
                    passed += 1;
                    true
                }
                Verdict::Fail => {
                    failed += 1;
                    false
                }
                Verdict::NotApplicable => {
                    not_applicable += 1;
                    continue;
                }
            };
            let keys: Vec<&str> = std::iter::once(item.as_str())
                .chain(entries.get(item.as_str()).copied())
                .collect();
            let automated: Vec<Outcome> = results
                .into_iter()
                .flatten()
                .filter(|r| format!("{}/{}", r.standard, r.requirement) != plan.rule)
                .flat_map(|r| &r.instances)
                .filter(|i| keys.contains(&&*i.key) && i.outcome.counted())
                .map(|i| i.outcome)
                .collect();
            if automated.is_empty() {
                continue;
            }
            compared += 1;
            let automated_pass = !automated.iter().any(|o| o.failing());
            if automated_pass == inspector_pass {
                agreed += 1;
            }
        }
    }
    let deviations = compared - agreed;
    let upper_bound = upper_deviation_bound(deviations as u64, compared as u64, plan.confidence);
    let accepted = compared > 0 && upper_bound <= plan.tolerable_rate;
    let severity = previous.map_or(Severity::Normal, |p| p.next_severity);
    let mut history: Vec<bool> = previous.map(|p| p.history.clone()).unwrap_or_default();
    // Only the unit sheet came back: no lot of items was inspected this quarter.
    let lot = inspections.file.is_some();
    let next_severity = if lot {
        history.push(accepted);
        if history.len() > 10 {
            history.remove(0);
        }
        switch(severity, &history)
    } else {
        severity
    };
    let recommendation = recommendation(
        lot.then_some(accepted),
        upper_bound,
        plan.tolerable_rate,
        severity,
        next_severity,
        compared,
    );
    SpotCheck {
        seed: plan.seed,
        level: plan.level,
        confidence: plan.confidence,
        tolerable_rate: plan.tolerable_rate,
        rule: plan.rule.clone(),
        population_units: plan.population.units,
        population_items: plan.population.items,
        population_sha256: plan.population.sha256.clone(),
        units_sampled: plan.units.len(),
        items_sampled: plan.units.iter().map(|u| u.items.len()).sum(),
        passed,
        failed,
        not_applicable,
        unjudged: unjudged(inspections),
        file: inspections
            .file
            .as_deref()
            .map(file_name)
            .unwrap_or_default(),
        compared,
        agreed,
        deviations,
        agreement_rate: (compared > 0)
            .then(|| crate::score::round2(100.0 * agreed as f64 / compared as f64)),
        upper_bound: (upper_bound * 10_000.0).round() / 10_000.0,
        accepted,
        severity,
        next_severity,
        history,
        recommendation,
        unit_verdicts: unit_verdicts(inspections),
    }
}

/// ISO 2859-1 switching, a quarter's spot check being one lot: normal → tightened when 2
/// of the last 5 lots were rejected; tightened → normal after 5 accepted in a row;
/// normal → reduced after 10 accepted in a row; reduced → normal on a rejection.
pub(crate) fn switch(current: Severity, history: &[bool]) -> Severity {
    let last = |n: usize| &history[history.len().saturating_sub(n)..];
    let accepted_in_a_row = history.iter().rev().take_while(|a| **a).count();
    match current {
        Severity::Normal if last(5).iter().filter(|a| !**a).count() >= 2 => Severity::Tightened,
        Severity::Normal if accepted_in_a_row >= 10 => Severity::Reduced,
        Severity::Tightened if accepted_in_a_row >= 5 => Severity::Normal,
        Severity::Reduced if history.last() == Some(&false) => Severity::Normal,
        other => other,
    }
}

/// What the spot check says of the automated checks; `accepted` is `None` when the item
/// worksheet did not come back.
fn recommendation(
    accepted: Option<bool>,
    bound: f64,
    tolerable: f64,
    now: Severity,
    next: Severity,
    compared: usize,
) -> String {
    let verdict = if accepted.is_none() {
        "本季度抽查工作底稿未填写核查结论，无法评价自动检查的可靠性".to_string()
    } else if compared == 0 {
        "本季度抽查的信息均无自动检查结果可比对，无法评价自动检查的可靠性".to_string()
    } else if accepted == Some(true) {
        format!(
            "偏差率上限{:.1}%不超过可容忍偏差率{:.0}%，自动检查结果可以信赖",
            bound * 100.0,
            tolerable * 100.0
        )
    } else {
        format!(
            "偏差率上限{:.1}%超过可容忍偏差率{:.0}%，自动检查结果需人工复核",
            bound * 100.0,
            tolerable * 100.0
        )
    };
    let next_step = match next {
        Severity::Tightened => "下季度转为加严检查：检查水平提高到III，并扩大每个单位的抽样数量",
        Severity::Reduced => "下季度可转为放宽检查：检查水平降为I",
        Severity::Normal => "下季度按正常检查（一般检查水平II）",
    };
    format!("{verdict}。本季度为{}，{next_step}。", now.label())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_rules() {
        assert_eq!(
            switch(Severity::Normal, &[true, false, true, false]),
            Severity::Tightened
        );
        assert_eq!(
            switch(
                Severity::Normal,
                &[false, true, true, true, true, true, false]
            ),
            Severity::Normal
        );
        assert_eq!(
            switch(Severity::Tightened, &[false, true, true, true, true, true]),
            Severity::Normal
        );
        assert_eq!(
            switch(Severity::Tightened, &[false, true, true, true, true]),
            Severity::Tightened
        );
        assert_eq!(switch(Severity::Normal, &[true; 10]), Severity::Reduced);
        assert_eq!(
            switch(Severity::Reduced, &[true, true, false]),
            Severity::Normal
        );
    }
}
