//! manual: an inspector's verdict. The spot-check rule of a sampled unit takes the
//! verdicts of its worksheet rows (合格 pass, 不合格 fail, 不适用 notapplicable); every
//! other manual requirement, and every unit not sampled, is recorded notchecked.

use std::collections::BTreeMap;

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, UnitData};
use crate::catalogue::Requirement;
use crate::data::{Inspection, Item, Verdict};

/// One instance per sampled item with a verdict.
pub(super) fn from_verdicts(
    verdicts: &BTreeMap<String, Inspection>,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let items: BTreeMap<&str, &Item> = unit
        .items
        .iter()
        .filter(|i| verdicts.contains_key(i.id()))
        .map(|i| (i.id(), *i))
        .collect();
    verdicts
        .values()
        .filter_map(|v| {
            let item = items.get(v.item.as_str())?;
            let day = item.published_on;
            Some(match v.verdict {
                Verdict::Pass => Instance::pass(v.item.as_str(), day),
                Verdict::Fail => {
                    let note = if v.note.is_empty() {
                        String::new()
                    } else {
                        format!("：{}", v.note)
                    };
                    let who = match (v.inspector.is_empty(), v.date.is_empty()) {
                        (false, false) => format!("（核查人{}，{}）", v.inspector, v.date),
                        (false, true) => format!("（核查人{}）", v.inspector),
                        _ => String::new(),
                    };
                    let message = format!("抽查“{}”核查不合格{note}{who}", item.title());
                    let evidence = Evidence {
                        record: Some(v.item.clone()),
                        title: Some(item.title().into()),
                        url: Some(item.url().into()),
                        done: Some(day),
                        line: Some(item.line),
                        ..Evidence::default()
                    };
                    Instance::fail(
                        v.item.as_str(),
                        day,
                        FindingCode::InspectionFailed,
                        message,
                        evidence,
                    )
                }
                Verdict::NotApplicable => {
                    Instance::other(v.item.as_str(), day, Outcome::NotApplicable)
                }
            })
        })
        .collect()
}

pub(super) fn check(ctx: &Ctx<'_>, rule: &Requirement, _unit: &UnitData<'_>) -> Vec<Instance> {
    let end = ctx.period.end();
    if !rule.in_force_on(end) {
        return Vec::new();
    }
    vec![Instance::other(
        ctx.period.to_string(),
        end,
        Outcome::NotChecked,
    )]
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::Outcome;

    #[test]
    fn notchecked_without_inspections() {
        let rule = "{id: m, title: m, clause: '1', check: manual, weight: 1, verify: 核验}";
        let got = run(rule, "2018-Q4", &Fixture::new());
        assert_eq!(
            outcomes(&got),
            vec![("2018-Q4".into(), Outcome::NotChecked)]
        );
    }
}
