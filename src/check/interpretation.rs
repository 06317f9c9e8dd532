//! interpretation: every policy document (items with the codes) has an item interpreting
//! it (`interprets` = one of the document's item ids) within N working days of its
//! publication.

use std::collections::{BTreeMap, HashMap};

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, Placement, UnitData};
use crate::catalogue::{InterpretationSpec, Limit, Requirement};
use crate::data::Item;

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &InterpretationSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let limit = spec.limit;
    // A document published on several channels is one document: group its items by
    // register entry, keeping the earliest publication.
    let mut documents: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for item in super::items_with_codes(rule, &spec.codes, unit) {
        documents
            .entry(item.register_ref().unwrap_or(item.id()))
            .or_default()
            .push(item);
    }
    let mut interpreted: HashMap<&str, &Item> = HashMap::new();
    for item in &unit.items {
        if let Some(target) = item.interprets() {
            let best = interpreted.entry(target).or_insert(item);
            if item.published_on < best.published_on {
                *best = item;
            }
        }
    }
    documents
        .into_values()
        .filter_map(|items| {
            let policy = *items.iter().min_by_key(|i| (i.published_on, i.id()))?;
            let interpretation = items
                .iter()
                .filter_map(|i| interpreted.get(i.id()))
                .min_by_key(|i| i.published_on)
                .copied();
            judge(ctx, policy, interpretation, limit)
        })
        .collect()
}

fn judge(
    ctx: &Ctx<'_>,
    policy: &Item,
    interpretation: Option<&Item>,
    limit: Limit,
) -> Option<Instance> {
    let key = policy.id();
    let published = policy.published_on;
    let deadline = match limit.due(ctx.calendar, published) {
        Ok(day) => day,
        Err(err) => return Some(Instance::error(key, published, &err)),
    };
    // Built for findings only: most policies pass.
    let evidence = || Evidence {
        record: Some(key.to_string()),
        title: Some(policy.title().to_string()),
        url: Some(policy.url().to_string()),
        start: Some(published),
        deadline: Some(deadline),
        limit: Some(limit.label()),
        line: Some(policy.line),
        ..Evidence::default()
    };
    let doc = || {
        policy
            .doc_no()
            .map(|d| format!("（{d}）"))
            .unwrap_or_default()
    };
    match interpretation.map(|i| i.published_on) {
        Some(day) => match ctx.placement(day) {
            Placement::Before | Placement::After => None,
            Placement::Within if day <= deadline => Some(Instance::pass(key, published)),
            Placement::Within if ctx.counted_when_open(deadline) => None,
            Placement::Within => {
                let days = limit
                    .elapsed(ctx.calendar, published, day)
                    .unwrap_or_default();
                let overdue = limit.overdue(ctx.calendar, deadline, day);
                let mut evidence = evidence();
                evidence.done = Some(day);
                evidence.days = Some(days);
                evidence.overdue = Some(overdue.clone());
                let message = format!(
                    "《{}》{}{}公开，解读材料应于{deadline}前发布，{day}才发布，{overdue}（时限{}）",
                    policy.title(),
                    doc(),
                    published,
                    limit.label()
                );
                Some(Instance::fail(
                    key,
                    published,
                    FindingCode::LateInterpretation,
                    message,
                    evidence,
                ))
            }
        },
        None => match ctx.placement(deadline) {
            Placement::Before => None,
            Placement::After => Some(Instance::other(key, published, Outcome::Pending)),
            Placement::Within => {
                let message = format!(
                    "《{}》{}{}公开，至{}未发布解读材料",
                    policy.title(),
                    doc(),
                    published,
                    ctx.period.end()
                );
                Some(Instance::fail(
                    key,
                    published,
                    FindingCode::MissingInterpretation,
                    message,
                    evidence(),
                ))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    const RULE: &str = "{id: i, title: i, clause: '1', check: interpretation, weight: 1, codes: ['202-03'], limit: {working_days: 3}}";

    #[test]
    fn within_three_working_days_late_missing_and_pending() {
        let mut f = Fixture::new();
        // Policy P1 published Friday 2018-09-28 on two channels; 3 working days: 29, 30
        // Sept (worked) and 8 Oct.
        f.publish("P1", "202-03", "2018-09-28", Some("D1"));
        f.publish("P1b", "202-03", "2018-09-28", Some("D1")).channel = "政府公报".into();
        f.publish("J1", "202-04", "2018-10-08", None)
            .edit_text(|t| t.interprets = "P1b".into());
        f.publish("P2", "202-03", "2018-11-05", Some("D2"));
        f.publish("J2", "202-04", "2018-11-09", None)
            .edit_text(|t| t.interprets = "P2".into());
        f.publish("P3", "202-03", "2018-11-05", Some("D3"));
        f.publish("P4", "202-03", "2018-12-28", Some("D4")); // due January: pending
        let got = run(RULE, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("P1".into(), Outcome::Pass),
                ("P2".into(), Outcome::Fail),
                ("P3".into(), Outcome::Fail),
                ("P4".into(), Outcome::Pending)
            ]
        );
        assert_eq!(
            got[1].finding.as_ref().unwrap().0,
            FindingCode::LateInterpretation
        );
        assert_eq!(got[1].finding.as_ref().unwrap().2.days, Some(4));
        assert_eq!(
            got[2].finding.as_ref().unwrap().0,
            FindingCode::MissingInterpretation
        );
    }
}
