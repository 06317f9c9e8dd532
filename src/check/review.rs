//! review: every item (with the codes, or every item when none are given) was published
//! after confidentiality review (保密审查); an item with no review recorded is notchecked.

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, Placement, UnitData};
use crate::catalogue::{Requirement, ReviewSpec};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &ReviewSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let items = match spec.codes.as_deref() {
        Some(codes) => unit.items_coded(codes),
        None => unit.items.clone(),
    };
    items
        .into_iter()
        .filter(|item| rule.in_force_on(item.published_on))
        .filter(|item| ctx.placement(item.published_on) == Placement::Within)
        .map(|item| {
            // The id is copied into the instance inline; only a finding's evidence needs it
            // as a String.
            let key = item.id();
            match item.reviewed {
                Some(true) => Instance::pass(key, item.published_on),
                None => Instance::other(key, item.published_on, Outcome::NotChecked),
                Some(false) => {
                    let message =
                        format!("“{}”{}发布前未经保密审查", item.title(), item.published_on);
                    let evidence = Evidence {
                        record: Some(key.to_string()),
                        title: Some(item.title().to_string()),
                        url: Some(item.url().to_string()),
                        done: Some(item.published_on),
                        line: Some(item.line),
                        ..Evidence::default()
                    };
                    Instance::fail(
                        key,
                        item.published_on,
                        FindingCode::UnreviewedPublication,
                        message,
                        evidence,
                    )
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    #[test]
    fn reviewed_unreviewed_and_unrecorded() {
        let rule = "{id: r, title: r, clause: '1', check: review, weight: 1}";
        let mut f = Fixture::new();
        f.publish("I1", "", "2018-10-08", None);
        f.publish("I2", "202-05", "2018-10-09", None).reviewed = Some(false);
        f.publish("I3", "202-05", "2018-10-10", None).reviewed = None;
        f.publish("I0", "202-05", "2018-09-10", None).reviewed = Some(false); // Q3
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("I1".into(), Outcome::Pass),
                ("I2".into(), Outcome::Fail),
                ("I3".into(), Outcome::NotChecked)
            ]
        );
        assert_eq!(
            got[1].finding.as_ref().unwrap().0,
            FindingCode::UnreviewedPublication
        );
        let only_notices =
            "{id: r, title: r, clause: '1', check: review, weight: 1, codes: ['202-05']}";
        assert_eq!(run(only_notices, "2018-Q4", &f).len(), 2);
    }
}
