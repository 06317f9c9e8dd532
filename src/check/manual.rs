//! manual: an inspector's verdict. Until the spot-check worksheets come back into the
//! audit, manual requirements are recorded as notchecked for each unit.

use super::{Ctx, Instance, Outcome, UnitData};
use crate::catalogue::Requirement;

pub fn check(ctx: &Ctx<'_>, rule: &Requirement, _unit: &UnitData<'_>) -> Vec<Instance> {
    let end = ctx.period.end();
    if !rule.in_force_on(end) {
        return Vec::new();
    }
    vec![Instance::other(
        ctx.period.to_string(),
        end,
        Outcome::NotChecked,
    )]
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::check::Outcome;

    #[test]
    fn notchecked_without_inspections() {
        let rule = "{id: m, title: m, clause: '1', check: manual, weight: 1, verify: 核验}";
        let got = run(rule, "2018-Q4", &Fixture::new());
        assert_eq!(
            outcomes(&got),
            vec![("2018-Q4".into(), Outcome::NotChecked)]
        );
    }
}
