//! elements: a published item contains every required element (公开要素) in its title or
//! text, under its own name or a synonym from catalogue.yaml; credit is the share present.

use std::collections::BTreeMap;

use super::{Ctx, Evidence, FindingCode, Instance, Outcome, Placement, UnitData};
use crate::catalogue::{ElementsSpec, Requirement};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &ElementsSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let synonyms = &ctx.catalogue.meta.synonyms;
    super::items_with_codes(rule, &spec.codes, unit)
        .filter(|item| ctx.placement(item.published_on) == Placement::Within)
        .filter_map(|item| {
            let required: &[String] = match &spec.elements {
                Some(list) => list,
                None => &ctx.row(&item.item_code)?.elements,
            };
            let missing: Vec<String> = required
                .iter()
                .filter(|e| !element_present(e, item.title(), item.text(), synonyms))
                .cloned()
                .collect();
            let key = item.id();
            if missing.is_empty() {
                return Some(Instance::pass(key, item.published_on));
            }
            let credit = 1.0 - missing.len() as f64 / required.len() as f64;
            let message = format!(
                "“{}”缺少公开要素：{}（应含{}项，缺{}项）",
                item.title(),
                missing.join("、"),
                required.len(),
                missing.len()
            );
            let evidence = Evidence {
                record: Some(key.to_string()),
                title: Some(item.title().to_string()),
                url: Some(item.url().to_string()),
                done: Some(item.published_on),
                missing,
                line: Some(item.line),
                ..Evidence::default()
            };
            let mut instance = Instance::fail(
                key,
                item.published_on,
                FindingCode::MissingElements,
                message,
                evidence,
            );
            if credit > 0.0 {
                instance.outcome = Outcome::Partial;
                instance.credit = credit;
            }
            Some(instance)
        })
        .collect()
}

/// Whether `element`, or one of its synonyms, appears in the title or the text.
pub(crate) fn element_present(
    element: &str,
    title: &str,
    text: &str,
    synonyms: &BTreeMap<String, Vec<String>>,
) -> bool {
    let names = std::iter::once(element).chain(
        synonyms
            .get(element)
            .into_iter()
            .flatten()
            .map(String::as_str),
    );
    names
        .into_iter()
        .any(|name| title.contains(name) || text.contains(name))
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::{FindingCode, Outcome};

    #[test]
    fn share_of_elements_present_with_synonyms() {
        let rule = "{id: e, title: e, clause: '1', check: elements, weight: 1, codes: ['209-01']}";
        let mut f = Fixture::new();
        let all = "受理部门：市行政审批局。办理条件：……。办理流程：……。所需材料：……。办理时限：5个工作日。收费依据及标准：不收费。";
        f.publish("G1", "209-01", "2018-10-10", None)
            .edit_text(|t| t.text = all.into());
        // 申请材料 is a synonym of 所需材料; 收费 missing, 办理时限 missing.
        let partial = "受理部门：市民政局。办理条件：……。办理流程：……。申请材料：……。";
        f.publish("G2", "209-01", "2018-10-11", None)
            .edit_text(|t| t.text = partial.into());
        f.publish("G3", "209-01", "2018-10-12", None)
            .edit_text(|t| t.text = "详见附件。".into());
        f.publish("G0", "209-01", "2018-09-12", None); // previous quarter
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("G1".into(), Outcome::Pass),
                ("G2".into(), Outcome::Partial),
                ("G3".into(), Outcome::Fail)
            ]
        );
        assert!((got[1].credit - 4.0 / 6.0).abs() < 1e-9);
        let (code, _, evidence) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::MissingElements);
        assert_eq!(evidence.missing, vec!["办理时限", "收费依据及标准"]);
    }
}
