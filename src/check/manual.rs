//! manual: an inspector's verdict. The spot-check rule of a sampled unit takes the
//! verdicts of its worksheet rows (合格 pass, 不合格 fail, 不适用 notapplicable); every
//! other manual requirement of a sampled unit takes the verdict of its row of the unit
//! sheet (单位核查), one instance for the period. A requirement without a verdict, and
//! every unit not sampled, is recorded notchecked.

use std::collections::BTreeMap;

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, UnitData};
use crate::catalogue::Requirement;
use crate::data::{Inspection, Item, UnitInspection, Verdict};

/// `：note（核查人X，date）`, each part left out when blank.
fn note_and_inspector(note: &str, inspector: &str, date: &str) -> String {
    let note = if note.is_empty() {
        String::new()
    } else {
        format!("：{note}")
    };
    let who = match (inspector.is_empty(), date.is_empty()) {
        (false, false) => format!("（核查人{inspector}，{date}）"),
        (false, true) => format!("（核查人{inspector}）"),
        _ => String::new(),
    };
    format!("{note}{who}")
}

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
                    let message = format!(
                        "抽查“{}”核查不合格{}",
                        item.title(),
                        note_and_inspector(&v.note, &v.inspector, &v.date)
                    );
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

/// The unit sheet's verdict on `rule` as the unit's one instance of the period, keyed
/// like the notchecked one it replaces.
pub(super) fn from_unit_verdict(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    verdict: &UnitInspection,
) -> Vec<Instance> {
    let end = ctx.period.end();
    if !rule.in_force_on(end) {
        return Vec::new();
    }
    let key = ctx.period.to_string();
    vec![match verdict.verdict {
        Verdict::Pass => Instance::pass(key, end),
        Verdict::NotApplicable => Instance::other(key, end, Outcome::NotApplicable),
        Verdict::Fail => {
            let message = format!(
                "单位核查“{}”不合格{}",
                rule.title,
                note_and_inspector(&verdict.note, &verdict.inspector, &verdict.date)
            );
            let evidence = Evidence {
                title: Some(rule.title.clone()),
                seen: Some(verdict.seen.clone()).filter(|s| !s.is_empty()),
                ..Evidence::default()
            };
            Instance::fail(
                key,
                end,
                FindingCode::UnitInspectionFailed,
                message,
                evidence,
            )
        }
    }]
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
    use crate::check::{FindingCode, Outcome};
    use crate::data::{UnitInspection, Verdict};

    const RULE: &str =
        "{id: m, title: 培训记录, clause: '1', check: manual, weight: 1, verify: 核验}";

    fn verdict(verdict: Verdict, note: &str) -> UnitInspection {
        UnitInspection {
            unit: "U01".into(),
            rule: "ZWGK-104/m".into(),
            verdict,
            seen: "签到表缺第三季度".into(),
            note: note.into(),
            inspector: "张某某".into(),
            date: "2019-01-08".into(),
        }
    }

    #[test]
    fn a_unit_verdict_is_the_periods_one_instance() {
        let ctx = ctx("2018-Q4");
        let rule = rule(RULE);
        for (given, outcome) in [
            (Verdict::Pass, Outcome::Pass),
            (Verdict::NotApplicable, Outcome::NotApplicable),
            (Verdict::Fail, Outcome::Fail),
        ] {
            let got = super::from_unit_verdict(&ctx, &rule, &verdict(given, ""));
            assert_eq!(outcomes(&got), vec![("2018-Q4".into(), outcome)]);
            assert_eq!(got[0].event, day("2018-12-31"));
        }
    }

    #[test]
    fn a_failed_unit_verdict_says_what_and_who_with_the_evidence_seen() {
        let got = super::from_unit_verdict(
            &ctx("2018-Q4"),
            &rule(RULE),
            &verdict(Verdict::Fail, "兼职信息员不足12学时"),
        );
        let (code, message, evidence) = &**got[0].finding.as_ref().unwrap();
        assert_eq!(*code, FindingCode::UnitInspectionFailed);
        assert_eq!(
            message,
            "单位核查“培训记录”不合格：兼职信息员不足12学时（核查人张某某，2019-01-08）"
        );
        assert_eq!(evidence.seen.as_deref(), Some("签到表缺第三季度"));
        let mut bare = verdict(Verdict::Fail, "");
        bare.inspector.clear();
        let got = super::from_unit_verdict(&ctx("2018-Q4"), &rule(RULE), &bare);
        assert_eq!(
            got[0].finding.as_ref().unwrap().1,
            "单位核查“培训记录”不合格"
        );
    }

    #[test]
    fn a_unit_verdict_on_a_requirement_out_of_force_is_nothing() {
        let rule = rule(
            "{id: m, title: m, clause: '1', check: manual, weight: 1, verify: 核验, in_force: {from: 2019-05-15}}",
        );
        let got = super::from_unit_verdict(&ctx("2018-Q4"), &rule, &verdict(Verdict::Pass, ""));
        assert!(got.is_empty());
    }

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
