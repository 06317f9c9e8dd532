//! empty_columns: every listed website column holds at least one item, of this period or
//! carried from before; a listed column with none is a 空白栏目 (有栏目无内容).

use super::{Ctx, Evidence, FindingCode, Instance, UnitData};
use crate::catalogue::{EmptyColumnsSpec, Requirement};

pub(super) fn check(
    ctx: &Ctx<'_>,
    rule: &Requirement,
    spec: &EmptyColumnsSpec,
    unit: &UnitData<'_>,
) -> Vec<Instance> {
    let end = ctx.period.end();
    if !rule.in_force_on(end) {
        return Vec::new();
    }
    spec.columns
        .iter()
        .map(|column| {
            if unit.items.iter().any(|i| i.column() == column.as_str()) {
                return Instance::pass(column.as_str(), end);
            }
            let message = format!("“{column}”栏目无任何信息（空白栏目）");
            let evidence = Evidence {
                record: Some(column.clone()),
                count: Some(0),
                ..Evidence::default()
            };
            Instance::fail(
                column.as_str(),
                end,
                FindingCode::EmptyColumn,
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
    fn a_listed_column_without_any_item_is_empty_and_one_with_an_old_item_is_not() {
        let rule =
            "{id: e, title: e, clause: '1', check: empty_columns, weight: 1, columns: [工作动态, 要闻, 统计信息]}";
        let mut f = Fixture::new();
        f.publish("N0", "", "2018-10-15", None)
            .edit_text(|t| t.column = "工作动态".into());
        f.publish("S0", "", "2018-03-02", None)
            .edit_text(|t| t.column = "统计信息".into());
        let got = run(rule, "2018-Q4", &f);
        assert_eq!(
            outcomes(&got),
            vec![
                ("工作动态".into(), Outcome::Pass),
                ("要闻".into(), Outcome::Fail),
                ("统计信息".into(), Outcome::Pass),
            ]
        );
        let (code, message, _) = *got[1].finding.clone().unwrap();
        assert_eq!(code, FindingCode::EmptyColumn);
        assert_eq!(message, "“要闻”栏目无任何信息（空白栏目）");
    }
}
