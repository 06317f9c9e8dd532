//! freshness: no gap between updates longer than `max_gap_days` — of each website column,
//! of the listed columns read together as one `page` (首页), or of everything a unit
//! publishes on one `channel` (its 政务新媒体 accounts). Gaps run from the last update before
//! the period (or the period start, when the data holds none) through each update in the
//! period to its end, so a column last updated long ago is stale for as long as it stays so
//! (以最后一次更新日期起算). A column the unit has no item in at all is not one it runs
//! (notapplicable; an `empty_columns` rule counts it as a 空白栏目), and so is a channel it
//! has no account on; a page with no update at all is stale for the whole period.

use chrono::NaiveDate;

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, UnitData};
use crate::catalogue::{FreshnessSpec, Requirement};
use crate::data::Item;

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &FreshnessSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    if !rule.in_force_on(ctx.period.end()) {
        return Vec::new();
    }
    match spec.together() {
        Some(name) => vec![together(ctx, spec, name, unit)],
        None => spec
            .columns
            .iter()
            .map(|column| one_column(ctx, spec, column, unit))
            .collect(),
    }
}

fn one_column(ctx: &Ctx<'_>, spec: &FreshnessSpec, column: &str, unit: &UnitData<'_>) -> Instance {
    let days = update_days(unit.items_in_columns(&[column]));
    if days.is_empty() {
        return Instance::other(column, ctx.period.end(), Outcome::NotApplicable);
    }
    judge(ctx, spec, column, &format!("“{column}”栏目"), "更新", &days)
}

fn together(ctx: &Ctx<'_>, spec: &FreshnessSpec, name: &str, unit: &UnitData<'_>) -> Instance {
    let days = page_days(spec, unit);
    if days.is_empty() && spec.channel.is_some() {
        return Instance::other(name, ctx.period.end(), Outcome::NotApplicable);
    }
    let verb = if spec.channel.is_some() {
        "发布信息"
    } else {
        "更新"
    };
    judge(ctx, spec, name, name, verb, &days)
}

/// Publication days of a page or channel rule's updates: the unit's items in its columns
/// (in any column for a channel rule) and on its channel, sorted, without repeats.
pub(super) fn page_days(spec: &FreshnessSpec, unit: &UnitData<'_>) -> Vec<NaiveDate> {
    let on_channel = |item: &&Item| spec.channel.as_deref().is_none_or(|c| c == &*item.channel);
    if spec.columns.is_empty() {
        update_days(unit.items.iter().copied().filter(on_channel))
    } else {
        update_days(
            unit.items_in_columns(&spec.columns)
                .into_iter()
                .filter(on_channel),
        )
    }
}

/// Publication days of `items`, sorted, without repeats.
fn update_days<'a>(items: impl IntoIterator<Item = &'a Item>) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = items.into_iter().map(|i| i.published_on).collect();
    days.sort();
    days.dedup();
    days
}

/// The update points the gaps run between: the last update before the period (else the
/// period start), the updates in the period, and the period end.
pub(super) fn points(ctx: &Ctx<'_>, days: &[NaiveDate]) -> Vec<NaiveDate> {
    let (start, end) = (ctx.period.start(), ctx.period.end());
    let before = days.iter().rev().find(|d| **d < start).copied();
    let mut points = vec![before.unwrap_or(start)];
    points.extend(days.iter().filter(|d| **d >= start && **d <= end));
    points.push(end);
    points.dedup();
    points
}

fn judge(
    ctx: &Ctx<'_>,
    spec: &FreshnessSpec,
    key: &str,
    what: &str,
    verb: &str,
    days: &[NaiveDate],
) -> Instance {
    let end = ctx.period.end();
    let max_gap = i64::from(spec.max_gap_days);
    let points = points(ctx, days);
    let (from, to) = points
        .windows(2)
        .map(|w| (w[0], w[1]))
        .max_by_key(|(a, b)| ((*b - *a).num_days(), std::cmp::Reverse(*a)))
        .unwrap_or((ctx.period.start(), end));
    let gap = (to - from).num_days();
    if gap <= max_gap {
        return Instance::pass(key, end);
    }
    let updates = days.iter().filter(|d| ctx.period.contains(**d)).count();
    let message =
        format!("{what}{from}至{to}间隔{gap}日未{verb}，超过{max_gap}日；本期{verb}{updates}次");
    let evidence = Evidence {
        record: Some(key.to_string()),
        start: Some(from),
        done: Some(to),
        days: Some(gap),
        limit: Some(format!("{max_gap}日")),
        count: Some(updates as u32),
        ..Evidence::default()
    };
    Instance::fail(key, end, FindingCode::StaleColumn, message, evidence)
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};
    use crate::data::Item;

    const RULE: &str = "{id: f, title: f, clause: '1', check: freshness, weight: 1, columns: [工作动态, 要闻], max_gap_days: 14}";

    fn news<'f>(f: &'f mut Fixture, id: &str, day: &str, column: &str) -> &'f mut Item {
        let item = f.publish(id, "", day, None);
        item.edit_text(|t| t.column = column.into());
        item
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
    fn a_column_with_only_old_items_is_stale_since_its_last_update_and_an_unused_one_does_not_apply(
    ) {
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
        // 2018-09-20 to 2018-12-31.
        assert_eq!(got[0].finding.as_ref().unwrap().2.days, Some(102));
    }

    #[test]
    fn a_column_last_updated_before_the_period_is_measured_from_that_update() {
        // 半年 rule: the 2018-03-01 update is 305 days before the end of Q4.
        let rule = "{id: f, title: f, clause: '1', check: freshness, weight: 1, columns: [统计信息, 规划计划], max_gap_days: 183}";
        let mut f = Fixture::new();
        news(&mut f, "S0", "2018-03-01", "统计信息");
        news(&mut f, "P0", "2018-08-01", "规划计划");
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("统计信息".into(), Outcome::Fail),
                ("规划计划".into(), Outcome::Pass)
            ]
        );
        let (_, message, evidence) = *got[0].finding.clone().unwrap();
        assert_eq!(evidence.days, Some(305));
        assert_eq!(
            message,
            "“统计信息”栏目2018-03-01至2018-12-31间隔305日未更新，超过183日；本期更新0次"
        );
    }

    #[test]
    fn a_gap_across_the_period_start_counts_in_the_period_it_ends() {
        let mut f = Fixture::new();
        news(&mut f, "N0", "2018-09-25", "工作动态");
        for (i, d) in [
            "2018-10-12",
            "2018-10-22",
            "2018-11-01",
            "2018-11-11",
            "2018-11-21",
        ]
        .iter()
        .chain(&["2018-12-01", "2018-12-11", "2018-12-21", "2018-12-31"])
        .enumerate()
        {
            news(&mut f, &format!("N{}", i + 1), d, "工作动态");
        }
        let got = run(RULE, "2018-Q4", &f);
        assert_eq!(got[0].outcome, Outcome::Fail);
        let evidence = got[0].finding.clone().unwrap().2;
        assert_eq!(
            (evidence.start.unwrap().to_string(), evidence.days),
            ("2018-09-25".into(), Some(17))
        );
    }

    const HOME: &str = "{id: h, title: h, clause: '1', check: freshness, weight: 1, page: 首页, columns: [要闻, 工作动态], max_gap_days: 14, veto: true}";

    #[test]
    fn the_columns_of_a_page_are_read_together() {
        // Each column alone has 20-day gaps; together the page is updated every 10 days.
        let mut f = Fixture::new();
        for (i, d) in [
            "2018-10-05",
            "2018-10-25",
            "2018-11-14",
            "2018-12-04",
            "2018-12-24",
        ]
        .iter()
        .enumerate()
        {
            news(&mut f, &format!("Y{i}"), d, "要闻");
        }
        for (i, d) in ["2018-10-15", "2018-11-04", "2018-11-24", "2018-12-14"]
            .iter()
            .enumerate()
        {
            news(&mut f, &format!("G{i}"), d, "工作动态");
        }
        let got = run(HOME, "2018-Q4", &f);
        assert_eq!(outcomes(&got), vec![("首页".into(), Outcome::Pass)]);
        news(&mut f, "X0", "2018-09-01", "领导活动");
        let got = run(HOME, "2018-Q1", &f);
        assert_eq!(
            outcomes(&got),
            vec![("首页".into(), Outcome::Fail)],
            "nothing in Q1"
        );
    }

    #[test]
    fn a_channel_rule_counts_every_column_on_the_channel_and_skips_units_without_an_account() {
        let rule = "{id: m, title: m, clause: '1', check: freshness, weight: 1, page: 政务新媒体, channel: 政务新媒体, max_gap_days: 14, veto: true}";
        let mut f = Fixture::new();
        news(&mut f, "W0", "2018-10-05", "要闻");
        assert_eq!(
            outcomes(&run(rule, "2018-Q4", &f)),
            vec![("政务新媒体".into(), Outcome::NotApplicable)]
        );
        for (i, (d, column)) in [
            ("2018-10-10", "要闻"),
            ("2018-10-20", "通知公告"),
            ("2018-11-20", "要闻"),
        ]
        .iter()
        .enumerate()
        {
            news(&mut f, &format!("M{i}"), d, column).channel = "政务新媒体".into();
        }
        let got = run(rule, "2018-Q4", &f);
        let (_, message, _) = *got[0].finding.clone().unwrap();
        assert_eq!(
            message,
            "政务新媒体2018-11-20至2018-12-31间隔41日未发布信息，超过14日；本期发布信息3次"
        );
    }
}
