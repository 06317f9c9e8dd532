//! channels: a register entry is published on every required channel (the requirement's
//! list, else the catalogue row's). Counted when it is first published; an entry never
//! published is the timeliness check's finding, not this one's.

use std::collections::BTreeSet;

use super::{Ctx, Evidence, FindingCode, Instance, Placement, UnitData};
use crate::catalogue::{ChannelsSpec, Requirement};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &ChannelsSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let codes = &spec.codes;
    let mut instances = Vec::new();
    for entry in unit.register_coded(codes) {
        if !rule.in_force_on(entry.formed_on) {
            continue;
        }
        let Some(items) = unit.publications.get(&*entry.id) else {
            continue;
        };
        let Some(first) = items.iter().map(|i| i.published_on).min() else {
            continue;
        };
        if ctx.placement(first) != Placement::Within {
            continue;
        }
        let required: Vec<String> = match (&spec.channels, ctx.row(&entry.item_code)) {
            (Some(list), _) => list.clone(),
            (None, Some(row)) => row.channels.clone(),
            (None, None) => continue,
        };
        let used: BTreeSet<&str> = items.iter().map(|i| &*i.channel).collect();
        let missing: Vec<String> = required
            .iter()
            .filter(|c| !used.contains(c.as_str()))
            .cloned()
            .collect();
        let key: &str = &entry.id;
        if missing.is_empty() {
            instances.push(Instance::pass(key, entry.formed_on));
            continue;
        }
        let message = format!(
            "“{}”仅在{}公开，未在{}公开",
            entry.title,
            used.iter().copied().collect::<Vec<_>>().join("、"),
            missing.join("、")
        );
        let evidence = Evidence {
            record: Some(key.to_string()),
            title: Some(entry.title.to_string()),
            url: items.first().map(|i| i.url().to_string()),
            start: Some(entry.formed_on),
            done: Some(first),
            missing,
            line: Some(entry.line),
            ..Evidence::default()
        };
        instances.push(Instance::fail(
            key,
            entry.formed_on,
            FindingCode::MissingChannel,
            message,
            evidence,
        ));
    }
    instances
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    #[test]
    fn every_required_channel() {
        let rule = "{id: c, title: c, clause: '1', check: channels, weight: 1, codes: ['202-03'], channels: [政府网站, 政府公报]}";
        let mut f = Fixture::new();
        f.entry("D1", "202-03", "2018-10-08");
        f.publish("I1", "202-03", "2018-10-09", Some("D1"));
        f.publish("I2", "202-03", "2018-10-15", Some("D1")).channel = "政府公报".into();
        f.entry("D2", "202-03", "2018-10-08");
        f.publish("I3", "202-03", "2018-10-09", Some("D2"));
        f.entry("D3", "202-03", "2018-10-08"); // unpublished: timeliness reports it
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![("D1".into(), Outcome::Pass), ("D2".into(), Outcome::Fail)]
        );
        let (code, message, evidence) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::MissingChannel);
        assert_eq!(evidence.missing, vec!["政府公报"]);
        assert!(message.contains("未在政府公报公开"), "{message}");
    }
}
