//! freshness: no gap between updates of a website column longer than `max_gap_days`,
//! gaps measured between the period start, each publication date and the period end.
//! A column the unit has no item in at all (in this period's data or carried from before)
//! is not one the unit runs: notapplicable.

use chrono::NaiveDate;

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, UnitData};
use crate::catalogue::{FreshnessSpec, Requirement};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &FreshnessSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let (start, end) = (ctx.period.start(), ctx.period.end());
    let max_gap = i64::from(spec.max_gap_days);
    if !rule.in_force_on(end) {
        return Vec::new();
    }
    spec.columns
        .iter()
        .map(|column| {
            let key = column.clone();
            let in_column: Vec<NaiveDate> = unit
                .items
                .iter()
                .filter(|i| i.column() == column.as_str())
                .map(|i| i.published_on)
                .collect();
            if in_column.is_empty() {
                return Instance::other(key, end, Outcome::NotApplicable);
            }
            let mut points: Vec<NaiveDate> = in_column
                .into_iter()
                .filter(|d| *d >= start && *d <= end)
                .collect();
            points.push(start);
            points.push(end);
            points.sort();
            points.dedup();
            let (from, to) = points
                .windows(2)
                .map(|w| (w[0], w[1]))
                .max_by_key(|(a, b)| ((*b - *a).num_days(), std::cmp::Reverse(*a)))
                .unwrap_or((start, end));
            let gap = (to - from).num_days();
            if gap <= max_gap {
                return Instance::pass(key, end);
            }
            let updates = points.len().saturating_sub(2);
            let message = format!(
                "“{column}”栏目{from}至{to}间隔{gap}日未更新，超过{max_gap}日；本期更新{updates}次"
            );
            let evidence = Evidence {
                record: Some(column.clone()),
                start: Some(from),
                done: Some(to),
                days: Some(gap),
                limit: Some(format!("{max_gap}日")),
                count: Some(updates as u32),
                ..Evidence::default()
            };
            Instance::fail(key, end, FindingCode::StaleColumn, message, evidence)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    const RULE: &str = "{id: f, title: f, clause: '1', check: freshness, weight: 1, columns: [工作动态, 要闻], max_gap_days: 14}";

    fn news(f: &mut Fixture, id: &str, day: &str, column: &str) {
        f.publish(id, "", day, None)
            .edit_text(|t| t.column = column.into());
    }

    #[test]
    fn gaps_count_from_the_period_start_to_its_end() {
        let mut f = Fixture::new();
        // 工作动态 every 14 days from 10-15 to 12-24: gaps 14 (from 10-01), 14 …, 7 to 12-31.
        for (i, d) in [
            "2018-10-15",
            "2018-10-29",
            "2018-11-12",
            "2018-11-26",
            "2018-12-10",
            "2018-12-24",
        ]
        .iter()
        .enumerate()
        {
            news(&mut f, &format!("N{i}"), d, "工作动态");
        }
        // 要闻: last updated 2018-12-01, before that 2018-11-01 → 30 days, fails.
        news(&mut f, "Y0", "2018-09-28", "要闻");
        news(&mut f, "Y1", "2018-10-10", "要闻");
        news(&mut f, "Y2", "2018-10-20", "要闻");
        news(&mut f, "Y3", "2018-11-01", "要闻");
        news(&mut f, "Y4", "2018-12-01", "要闻");
        news(&mut f, "Y5", "2018-12-15", "要闻");
        news(&mut f, "Y6", "2018-12-29", "要闻");
        let got = run(RULE, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("工作动态".into(), Outcome::Pass),
                ("要闻".into(), Outcome::Fail)
            ]
        );
        let (code, message, evidence) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::StaleColumn);
        assert_eq!(evidence.days, Some(30));
        assert_eq!(evidence.start.unwrap().to_string(), "2018-11-01");
        assert!(message.contains("间隔30日"), "{message}");
    }

    #[test]
    fn a_column_with_only_old_items_is_stale_for_the_whole_period_and_an_unused_one_does_not_apply()
    {
        let mut f = Fixture::new();
        news(&mut f, "N0", "2018-09-20", "工作动态");
        let got = run(RULE, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("工作动态".into(), Outcome::Fail),
                ("要闻".into(), Outcome::NotApplicable)
            ]
        );
        assert_eq!(got[0].finding.as_ref().unwrap().2.days, Some(91));
    }
}
