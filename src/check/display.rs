//! display: a 公示 stays up for the row's `display_working_days`. An item withdrawn
//! earlier fails; the instance is resolved when the display period ends or the item is
//! withdrawn, whichever comes first.

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, Placement, UnitData};
use crate::catalogue::{DisplaySpec, Requirement};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &DisplaySpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    super::items_with_codes(rule, &spec.codes, unit)
        .filter_map(|item| {
            let days = ctx.row(&item.item_code)?.time_limit.display_working_days?;
            let key = item.id();
            let until = match ctx.calendar.add_working_days(item.published_on, days) {
                Ok(day) => day,
                Err(err) => return Some(Instance::error(key, item.published_on, &err)),
            };
            let short = item.withdrawn_on.filter(|w| *w < until);
            let resolved = short.unwrap_or(until);
            match ctx.placement(resolved) {
                Placement::Before => None,
                Placement::After => Some(Instance::other(key, item.published_on, Outcome::Pending)),
                Placement::Within => Some(match short {
                    None => Instance::pass(key, item.published_on),
                    Some(withdrawn) => {
                        let shown = ctx
                            .calendar
                            .working_days_between(item.published_on, withdrawn)
                            .unwrap_or_default();
                        let message = format!(
                            "“{}”{}公示，{}撤下，公示{}个工作日，不足{}个工作日",
                            item.title(),
                            item.published_on,
                            withdrawn,
                            shown,
                            days
                        );
                        let evidence = Evidence {
                            record: Some(key.to_string()),
                            title: Some(item.title().to_string()),
                            url: Some(item.url().to_string()),
                            start: Some(item.published_on),
                            done: Some(withdrawn),
                            deadline: Some(until),
                            days: Some(shown),
                            limit: Some(format!("{days}个工作日")),
                            line: Some(item.line),
                            ..Evidence::default()
                        };
                        Instance::fail(
                            key,
                            item.published_on,
                            FindingCode::ShortDisplay,
                            message,
                            evidence,
                        )
                    }
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    #[test]
    fn seven_working_days_on_display() {
        let rule = "{id: d, title: d, clause: '1', check: display, weight: 1, codes: ['215-01']}";
        let mut f = Fixture::new();
        // Posted Friday 2018-09-28: 29 and 30 September are worked (1, 2), 1–7 October
        // off, then 8–12 October (3–7): the display may come down on 2018-10-12.
        f.publish("L1", "215-01", "2018-09-28", None).withdrawn_on = Some(day("2018-10-12"));
        f.publish("L2", "215-01", "2018-09-28", None).withdrawn_on = Some(day("2018-10-11"));
        f.publish("L3", "215-01", "2018-11-05", None); // still up: done 2018-11-14
        f.publish("L4", "215-01", "2018-12-27", None); // display ends in January: pending
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("L1".into(), Outcome::Pass),
                ("L2".into(), Outcome::Fail),
                ("L3".into(), Outcome::Pass),
                ("L4".into(), Outcome::Pending)
            ]
        );
        let (code, message, evidence) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::ShortDisplay);
        assert_eq!(evidence.days, Some(6));
        assert!(message.contains("不足7个工作日"), "{message}");
    }
}
