//! response: applications and public messages are replied to within the limit; an
//! approved extension (`extended`) adds `extension_working_days`.

use chrono::NaiveDate;

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, Placement, UnitData};
use crate::catalogue::{Limit, Requirement, ResponseSpec, Source};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &ResponseSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let cases: Vec<Case<'_>> = match spec.source {
        Source::Messages => unit
            .messages
            .iter()
            .map(|m| Case {
                id: &m.id,
                received: m.received_on,
                replied: m.replied_on,
                extended: false,
                line: m.line,
                what: "留言",
            })
            .collect(),
        Source::Applications => unit
            .applications
            .iter()
            .map(|a| Case {
                id: &a.id,
                received: a.received_on,
                replied: a.replied_on,
                extended: a.extended,
                line: a.line,
                what: "政府信息公开申请",
            })
            .collect(),
    };
    cases
        .into_iter()
        .filter(|case| rule.in_force_on(case.received))
        .filter_map(|case| {
            let limit = if case.extended {
                spec.limit.extended(spec.extension_working_days)
            } else {
                spec.limit
            };
            judge(ctx, &case, limit)
        })
        .collect()
}

struct Case<'a> {
    id: &'a str,
    received: NaiveDate,
    replied: Option<NaiveDate>,
    extended: bool,
    line: u32,
    what: &'static str,
}

fn judge(ctx: &Ctx<'_>, case: &Case<'_>, limit: Limit) -> Option<Instance> {
    let key = case.id;
    let deadline = match limit.due(ctx.calendar, case.received) {
        Ok(day) => day,
        Err(err) => return Some(Instance::error(key, case.received, &err)),
    };
    let extended = if case.extended { "（已延期）" } else { "" };
    // Built for findings only: most cases pass.
    let evidence = || Evidence {
        record: Some(key.to_string()),
        start: Some(case.received),
        deadline: Some(deadline),
        limit: Some(format!("{}{extended}", limit.label())),
        line: Some(case.line),
        ..Evidence::default()
    };
    match case.replied {
        Some(replied) => match ctx.placement(replied) {
            Placement::Before | Placement::After => None,
            Placement::Within if replied <= deadline => Some(Instance::pass(key, case.received)),
            Placement::Within if ctx.counted_when_open(deadline) => None,
            Placement::Within => {
                let days = limit
                    .elapsed(ctx.calendar, case.received, replied)
                    .unwrap_or_default();
                let overdue = limit.overdue(ctx.calendar, deadline, replied);
                let mut evidence = evidence();
                evidence.done = Some(replied);
                evidence.days = Some(days);
                evidence.overdue = Some(overdue.clone());
                let message = format!(
                    "{}{}于{}收到，应于{deadline}前答复，{replied}才答复，{overdue}（期限{}{extended}）",
                    case.what,
                    case.id,
                    case.received,
                    limit.label(),
                );
                Some(Instance::fail(
                    key,
                    case.received,
                    FindingCode::LateReply,
                    message,
                    evidence,
                ))
            }
        },
        None => match ctx.placement(deadline) {
            Placement::Before => None,
            Placement::After => Some(Instance::other(key, case.received, Outcome::Pending)),
            Placement::Within => {
                let end = ctx.period.end();
                let mut evidence = evidence();
                evidence.days = limit.elapsed(ctx.calendar, case.received, end).ok();
                let message = format!(
                    "{}{}于{}收到，应于{}前答复，至{}仍未答复",
                    case.what, case.id, case.received, deadline, end
                );
                Some(Instance::fail(
                    key,
                    case.received,
                    FindingCode::Unanswered,
                    message,
                    evidence,
                ))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    const RULE_2008: &str = "{id: r, title: r, clause: '1', check: response, weight: 1, source: applications, limit: {working_days: 15, extension_working_days: 15}, in_force: {from: 2008-05-01, to: 2019-05-14}}";
    const RULE_2019: &str = "{id: r19, title: r, clause: '1', check: response, weight: 1, source: applications, limit: {working_days: 20, extension_working_days: 20}, in_force: {from: 2019-05-15}}";

    #[test]
    fn fifteen_working_days_across_national_day_2018() {
        // Received Friday 2018-09-28: 29, 30 Sept are worked (1, 2); 8–12 Oct (3–7);
        // 15–19 Oct (8–12); 22, 23, 24 Oct (13, 14, 15). Due 2018-10-24.
        let mut f = Fixture::new();
        f.application("A1", "2018-09-28", Some("2018-10-24"), false);
        f.application("A2", "2018-09-28", Some("2018-10-25"), false);
        f.application("A3", "2018-09-28", Some("2018-10-25"), true);
        let got = run(RULE_2008, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("A1".into(), Outcome::Pass),
                ("A2".into(), Outcome::Fail),
                ("A3".into(), Outcome::Pass)
            ]
        );
        let (code, _, evidence) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::LateReply);
        assert_eq!(evidence.days, Some(16));
    }

    #[test]
    fn the_regulation_in_force_on_the_day_of_receipt_applies() {
        let mut f = Fixture::new();
        // Received 2019-05-14 (2008 text, 15 days: due 2019-06-04) and 2019-05-15 (2019
        // text, 20 days: due 2019-06-13, the Dragon Boat holiday 7 June not counted).
        f.application("A1", "2019-05-14", Some("2019-06-12"), false);
        f.application("A2", "2019-05-15", Some("2019-06-12"), false);
        let old = run(RULE_2008, "2019-Q2", &f);
        let new = run(RULE_2019, "2019-Q2", &f);
        assert_eq!(outcomes(&old), vec![("A1".into(), Outcome::Fail)]);
        assert_eq!(outcomes(&new), vec![("A2".into(), Outcome::Pass)]);
        assert_eq!(
            old[0]
                .finding
                .as_ref()
                .unwrap()
                .2
                .deadline
                .unwrap()
                .to_string(),
            "2019-06-04"
        );
        assert!(new[0].finding.is_none());
    }

    #[test]
    fn unanswered_pending_and_carried() {
        let mut f = Fixture::new();
        f.application("A1", "2018-11-01", None, false); // due 2018-11-22: unanswered
        f.application("A2", "2018-12-20", None, false); // due in January: pending
        f.application("A3", "2018-06-01", None, false); // fell due in Q2: counted there
        f.application("A4", "2018-09-03", Some("2018-09-10"), false); // replied in Q3
        let got = run(RULE_2008, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("A1".into(), Outcome::Fail),
                ("A2".into(), Outcome::Pending)
            ]
        );
        assert_eq!(got[0].finding.as_ref().unwrap().0, FindingCode::Unanswered);
    }

    #[test]
    fn a_reply_on_the_rest_day_after_the_deadline_says_how_late_not_a_count_equal_to_the_limit() {
        // Received Friday 2018-10-26: the 15th working day is Friday 2018-11-16; a reply on
        // Saturday is late though only 15 working days passed. It said "历时15个工作日，超过
        // 15个工作日的期限".
        let mut f = Fixture::new();
        f.application("A1", "2018-10-26", Some("2018-11-17"), false);
        f.application("A2", "2018-10-26", Some("2018-11-20"), false);
        let got = run(RULE_2008, "2018-Q4", &f);
        let message = |i: usize| got[i].finding.as_ref().unwrap().1.clone();
        assert!(
            message(0)
                .ends_with("应于2018-11-16前答复，2018-11-17才答复，逾期1天（期限15个工作日）"),
            "{}",
            message(0)
        );
        assert!(
            message(1).contains("2018-11-20才答复，逾期2个工作日"),
            "{}",
            message(1)
        );
    }

    #[test]
    fn an_application_unanswered_in_one_quarter_and_replied_in_the_next_counts_once() {
        // Due 2018-09-21: unanswered when Q3 ended, replied in October. It was counted
        // again in Q4 as a late reply.
        let mut at_q3_end = Fixture::new();
        at_q3_end.application("A1", "2018-09-03", None, false);
        let mut at_q4_end = Fixture::new();
        at_q4_end.application("A1", "2018-09-03", Some("2018-10-15"), false);
        let q3 = run(RULE_2008, "2018-Q3", &at_q3_end);
        let q4 = run(RULE_2008, "2018-Q4", &at_q4_end);
        assert_eq!(outcomes(&q3), vec![("A1".into(), Outcome::Fail)]);
        assert_eq!(q3[0].finding.as_ref().unwrap().0, FindingCode::Unanswered);
        assert_eq!(outcomes(&q4), vec![]);
    }

    #[test]
    fn messages_unanswered_for_three_months() {
        let rule = "{id: m, title: m, clause: '1', check: response, weight: 1, source: messages, limit: {calendar_days: 90}, veto: true}";
        let mut f = Fixture::new();
        f.message("M1", "2018-08-01", Some("2018-10-30")); // day 90: on time
        f.message("M2", "2018-08-01", Some("2018-10-31")); // day 91
        f.message("M3", "2018-09-01", None); // due 2018-11-30: unanswered
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("M1".into(), Outcome::Pass),
                ("M2".into(), Outcome::Fail),
                ("M3".into(), Outcome::Fail)
            ]
        );
    }
}
