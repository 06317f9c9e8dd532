//! timeliness: each register entry under the codes is published within its time limit.

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, Placement, UnitData};
use crate::catalogue::{Requirement, TimelinessSpec};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &TimelinessSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let codes = &spec.codes;
    let mut instances = Vec::new();
    for entry in unit.register_coded(codes) {
        if !rule.in_force_on(entry.formed_on) {
            continue;
        }
        let key: &str = &entry.id;
        let row_limit = || ctx.row(&entry.item_code)?.time_limit.days();
        let Some(limit) = spec.limit.or_else(row_limit) else {
            instances.push(Instance::other(key, entry.formed_on, Outcome::NotChecked));
            continue;
        };
        let deadline = match limit.due(ctx.calendar, entry.formed_on) {
            Ok(day) => day,
            Err(err) => {
                instances.push(Instance::error(key, entry.formed_on, &err));
                continue;
            }
        };
        let first = unit
            .publications
            .get(&*entry.id)
            .and_then(|items| items.iter().min_by_key(|i| (i.published_on, i.id())));
        // Built for findings only: most entries pass.
        let evidence = || Evidence {
            record: Some(key.to_string()),
            title: Some(entry.title.to_string()),
            start: Some(entry.formed_on),
            deadline: Some(deadline),
            limit: Some(limit.label()),
            line: Some(entry.line),
            ..Evidence::default()
        };
        let instance = match first {
            Some(item) => match ctx.placement(item.published_on) {
                Placement::Before | Placement::After => continue,
                Placement::Within if item.published_on <= deadline => {
                    Instance::pass(key, entry.formed_on)
                }
                Placement::Within if ctx.counted_when_open(deadline) => continue,
                Placement::Within => {
                    let days = limit
                        .elapsed(ctx.calendar, entry.formed_on, item.published_on)
                        .unwrap_or_default();
                    let mut evidence = evidence();
                    evidence.url = Some(item.url().to_string());
                    evidence.done = Some(item.published_on);
                    let overdue = limit.overdue(ctx.calendar, deadline, item.published_on);
                    evidence.days = Some(days);
                    evidence.overdue = Some(overdue.clone());
                    evidence.record = Some(format!("{}（{}）", entry.id, item.id()));
                    let message = format!(
                        "“{}”{}形成，应于{deadline}前公开，{}才公开，{overdue}（时限{}）",
                        entry.title,
                        entry.formed_on,
                        item.published_on,
                        limit.label()
                    );
                    Instance::fail(
                        key,
                        entry.formed_on,
                        FindingCode::LatePublication,
                        message,
                        evidence,
                    )
                }
            },
            None => match ctx.placement(deadline) {
                Placement::Before => continue,
                Placement::After => Instance::other(key, entry.formed_on, Outcome::Pending),
                Placement::Within => {
                    let end = ctx.period.end();
                    let mut evidence = evidence();
                    evidence.days = limit.elapsed(ctx.calendar, entry.formed_on, end).ok();
                    let message = format!(
                        "“{}”{}形成，应于{}前公开，至{}仍未公开",
                        entry.title, entry.formed_on, deadline, end
                    );
                    Instance::fail(
                        key,
                        entry.formed_on,
                        FindingCode::MissingPublication,
                        message,
                        evidence,
                    )
                }
            },
        };
        instances.push(instance);
    }
    instances
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    const RULE: &str =
        "{id: t, title: t, clause: '1', check: timeliness, weight: 1, codes: ['202-03']}";

    #[test]
    fn on_the_twentieth_working_day_passes_and_the_next_day_fails() {
        // Formed Friday 2018-09-28. Working days after it: the adjusted weekend 29–30
        // September (1–2), then National Day is off, then 8 October on (3, 4 …): the 20th
        // is Wednesday 2018-10-31.
        let mut f = Fixture::new();
        f.entry("R1", "202-03", "2018-09-28");
        f.publish("I1", "202-03", "2018-10-31", Some("R1"));
        f.entry("R2", "202-03", "2018-09-28");
        f.publish("I2", "202-03", "2018-11-01", Some("R2"));
        let got = run(RULE, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![("R1".into(), Outcome::Pass), ("R2".into(), Outcome::Fail)]
        );
        let (code, message, evidence) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::LatePublication);
        assert_eq!(evidence.days, Some(21));
        assert_eq!(evidence.deadline.unwrap().to_string(), "2018-10-31");
        assert!(
            message.ends_with(
                "应于2018-10-31前公开，2018-11-01才公开，逾期1个工作日（时限20个工作日）"
            ),
            "{message}"
        );
    }

    #[test]
    fn unpublished_entries_fail_when_due_in_the_period_and_are_pending_after() {
        let mut f = Fixture::new();
        f.entry("R1", "202-03", "2018-11-01"); // due 2018-11-29
        f.entry("R2", "202-03", "2018-12-20"); // due in January 2019
        f.entry("R3", "202-03", "2018-08-01"); // due in Q3: counted there
        let got = run(RULE, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("R1".into(), Outcome::Fail),
                ("R2".into(), Outcome::Pending)
            ]
        );
        assert_eq!(
            got[0].finding.as_ref().unwrap().0,
            FindingCode::MissingPublication
        );
    }

    #[test]
    fn carried_entries_count_once_where_resolved_or_where_their_deadline_passed_open() {
        let mut f = Fixture::new();
        f.entry("R1", "202-03", "2018-09-03");
        f.publish("I1", "202-03", "2018-09-20", Some("R1")); // resolved in Q3
        f.entry("R2", "202-03", "2018-08-01");
        // Due in August and still unpublished when Q3 ended: counted there as missing,
        // not again as late when it is published in Q4.
        f.publish("I2", "202-03", "2018-10-10", Some("R2"));
        f.entry("R3", "202-03", "2018-09-20");
        f.publish("I3", "202-03", "2018-11-20", Some("R3")); // due and late in Q4
        let got = run(RULE, "2018-Q4", &f);
        assert_eq!(outcomes(&got), vec![("R3".into(), Outcome::Fail)]);
    }

    #[test]
    fn calendar_day_limits_and_unmeasurable_rows() {
        let mut f = Fixture::new();
        f.entry("B1", "212-03", "2018-10-01");
        f.publish("I1", "212-03", "2018-10-21", Some("B1")); // 20 calendar days: on time
        f.entry("B2", "212-03", "2018-10-01");
        f.publish("I2", "212-03", "2018-10-22", Some("B2"));
        let rule = "{id: t, title: t, clause: '1', check: timeliness, weight: 1, codes: ['212-03'], limit: {calendar_days: 20}}";
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![("B1".into(), Outcome::Pass), ("B2".into(), Outcome::Fail)]
        );
        let message = &got[1].finding.as_ref().unwrap().1;
        assert!(
            message.ends_with("2018-10-22才公开，逾期1天（时限20日）"),
            "{message}"
        );
    }

    #[test]
    fn a_deadline_beyond_the_calendar_is_an_error_not_a_guess() {
        let mut f = Fixture::new();
        f.entry("R1", "202-03", "2026-12-20");
        let got = run(RULE, "2026-Q4", &f);
        assert_eq!(outcomes(&got), vec![("R1".into(), Outcome::Error)]);
        assert!(got[0].finding.as_ref().unwrap().1.contains("no year 2027"));
    }
}
