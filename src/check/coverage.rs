//! coverage: at least `min` items with the codes per period (or per month with `per: month`).

use std::collections::HashSet;

use super::{Ctx, Evidence, FindingCode, Instance, UnitData};
use crate::catalogue::{CoverageSpec, Per, Requirement};
use crate::data::month_label;

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &CoverageSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let (codes, min) = (&spec.codes, spec.min);
    let windows = match spec.per {
        Per::Month => ctx.period.months(),
        Per::Period => vec![(ctx.period.start(), ctx.period.end())],
    };
    windows
        .into_iter()
        .filter(|(_, last)| rule.in_force_on(*last))
        .map(|(first, last)| {
            let key = match spec.per {
                Per::Month => month_label(first),
                Per::Period => ctx.period.to_string(),
            };
            // One publication on several channels is one item: count register entries
            // (or the item itself when it has none).
            let published: HashSet<&str> = unit
                .items_coded(codes)
                .into_iter()
                .filter(|i| i.published_on >= first && i.published_on <= last)
                .map(|i| i.register_ref().unwrap_or(i.id()))
                .collect();
            let count = published.len() as u32;
            if count >= min {
                return Instance::pass(key, last);
            }
            let names: Vec<String> = codes
                .iter()
                .filter_map(|c| ctx.row(c).map(|row| row.name()))
                .collect();
            let message = format!(
                "{}至{}发布“{}”{}条，少于规定的{}条",
                first,
                last,
                names.join("、"),
                count,
                min
            );
            let evidence = Evidence {
                record: Some(key.clone()),
                start: Some(first),
                done: Some(last),
                count: Some(count),
                minimum: Some(min),
                ..Evidence::default()
            };
            Instance::fail(
                key,
                last,
                FindingCode::MissingRequiredItem,
                message,
                evidence,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    #[test]
    fn per_month_counts_distinct_publications() {
        let rule = "{id: c, title: c, clause: '1', check: coverage, weight: 1, codes: ['202-05'], min: 2, per: month}";
        let mut f = Fixture::new();
        // October: two notices, one of them on two channels → 2.
        f.publish("I1", "202-05", "2018-10-08", Some("R1"));
        f.publish("I2", "202-05", "2018-10-08", Some("R1")).channel = "政务新媒体".into();
        f.publish("I3", "202-05", "2018-10-31", Some("R2"));
        // November: one notice on two channels → 1. December: none.
        f.publish("I4", "202-05", "2018-11-01", Some("R3"));
        f.publish("I5", "202-05", "2018-11-02", Some("R3"));
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("2018-10".into(), Outcome::Pass),
                ("2018-11".into(), Outcome::Fail),
                ("2018-12".into(), Outcome::Fail)
            ]
        );
        let (code, message, evidence) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::MissingRequiredItem);
        assert_eq!((evidence.count, evidence.minimum), (Some(1), Some(2)));
        assert!(message.contains("通知公告"), "{message}");
    }

    #[test]
    fn per_period_by_default() {
        let rule =
            "{id: c, title: c, clause: '1', check: coverage, weight: 1, codes: ['202-05'], min: 1}";
        let mut f = Fixture::new();
        f.publish("I1", "202-05", "2018-09-30", None); // previous quarter
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(outcomes(&got), vec![("2018-Q4".into(), Outcome::Fail)]);
        f.publish("I2", "202-05", "2018-12-31", None);
        assert_eq!(
            outcomes(&run(rule, "2018-Q4", &f)),
            vec![("2018-Q4".into(), Outcome::Pass)]
        );
    }
}
