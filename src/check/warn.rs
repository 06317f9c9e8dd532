//! Warnings before a veto (单项否决预警), as the better website monitors give them: how many
//! more failing columns a `veto_at` rule allows, and how many more days a page or account
//! with a `veto` freshness rule may go without an update, so a unit can act before the next
//! quarter.

use super::freshness::{page_days, points};
use super::{Ctx, Instance, UnitData};
use crate::catalogue::{CheckSpec, Requirement};

/// The warning for a rule the unit has not yet been vetoed under, if it is close.
pub(super) fn warning(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    unit: &UnitData<'_>,
    instances: &[Instance],
) -> Option<String> {
    let failing: Vec<&str> = instances
        .iter()
        .filter(|i| i.outcome.failing())
        .map(|i| &*i.key)
        .collect();
    match (rule.veto_at, &rule.spec) {
        (Some(at), spec) if !failing.is_empty() && failing.len() < at as usize => {
            let (what, unit_word) = match spec {
                CheckSpec::Freshness(s) => (format!("超过{}日未更新", s.max_gap_days), "个栏目"),
                CheckSpec::EmptyColumns(_) => ("为空白栏目".to_string(), "个栏目"),
                _ => ("不符合".to_string(), "项"),
            };
            Some(format!(
                "已有{}{unit_word}{what}（{}），再有{}{unit_word}即单项否决",
                failing.len(),
                failing.join("、"),
                at as usize - failing.len()
            ))
        }
        (None, CheckSpec::Freshness(spec)) if rule.veto && failing.is_empty() => {
            let name = spec.together()?;
            let days = page_days(spec, unit);
            let end = ctx.period.end();
            let last = *points(ctx, &days).iter().rev().find(|d| **d < end)?;
            let idle = (end - last).num_days();
            let max = i64::from(spec.max_gap_days);
            (idle * 2 > max && idle <= max).then(|| {
                format!(
                    "{name}最近一次更新在{last}，截至期末已{idle}日未更新，再过{}日未更新即单项否决",
                    max - idle + 1
                )
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::warning;
    use crate::check::testing::*;

    fn news(f: &mut Fixture, id: &str, day: &str, column: &str) {
        f.publish(id, "", day, None)
            .edit_text(|t| t.column = column.into());
    }

    fn warn(rule_yaml: &str, f: &Fixture) -> Option<String> {
        let rule = rule(rule_yaml);
        let instances = run(rule_yaml, "2018-Q4", f);
        warning(&ctx("2018-Q4"), &rule, &f.data(), &instances)
    }

    #[test]
    fn a_veto_at_rule_says_how_many_more_columns_veto_and_names_the_failing_ones() {
        let rule = "{id: e, title: e, clause: '1', check: empty_columns, weight: 1, veto_at: 3, columns: [要闻, 工作动态, 图片新闻, 领导活动]}";
        let mut f = Fixture::new();
        news(&mut f, "N0", "2018-10-15", "工作动态");
        news(&mut f, "N1", "2018-10-15", "领导活动");
        assert_eq!(
            warn(rule, &f).as_deref(),
            Some("已有2个栏目为空白栏目（要闻、图片新闻），再有1个栏目即单项否决")
        );
        news(&mut f, "N2", "2018-10-15", "要闻");
        news(&mut f, "N3", "2018-10-15", "图片新闻");
        assert_eq!(warn(rule, &f), None, "nothing fails");
    }

    #[test]
    fn a_page_idle_for_more_than_half_its_limit_at_the_period_end_is_warned_with_the_days_left() {
        let rule = "{id: h, title: h, clause: '1', check: freshness, weight: 1, page: 首页, columns: [要闻], max_gap_days: 14, veto: true}";
        let mut f = Fixture::new();
        for (i, d) in ["2018-10-10", "2018-10-20", "2018-10-30", "2018-11-09"]
            .iter()
            .chain(&["2018-11-19", "2018-11-29", "2018-12-09", "2018-12-21"])
            .enumerate()
        {
            news(&mut f, &format!("Y{i}"), d, "要闻");
        }
        assert_eq!(
            warn(rule, &f).as_deref(),
            Some("首页最近一次更新在2018-12-21，截至期末已10日未更新，再过5日未更新即单项否决")
        );
        news(&mut f, "Y9", "2018-12-28", "要闻");
        assert_eq!(warn(rule, &f), None, "updated 3 days before the end");
    }
}
