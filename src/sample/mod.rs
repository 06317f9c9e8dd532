//! Spot checks (随机抽查): a reproducible, stratified two-stage sample and the inspectors'
//! worksheets (items, and the unit-level requirements of each drawn unit).
//!
//! The draw, so that anyone can redo it by hand from sample.json:
//!
//! 1. Units are split into strata by kind (departments, then towns), each sorted by id.
//!    The number of units is the ISO 2859-1 sample size for all units at the level;
//!    strata get shares proportional to their size (largest remainders), at least one each.
//! 2. A ChaCha8 generator is seeded with the seed (`rand_chacha`, whose stream does not
//!    change between versions). From each stratum, k units are drawn by a partial
//!    Fisher–Yates shuffle: for i = 0 … k−1, j = i + (next_u64 mod (len − i)), swap i and j;
//!    the first k are drawn.
//! 3. In each drawn unit, in id order, its items (sorted by id) are drawn the same way,
//!    continuing the same stream: the attribute-sampling size at the confidence and
//!    tolerable rate (hypergeometric for small units), or all items when fewer.
//! 4. Each drawn unit is also inspected as a whole (单位核查) on every manual requirement
//!    that applies to it and is in force at the period end, except the spot-check rule
//!    itself: no random draw, the catalogue order.
//!
//! The population hash is the SHA-256 of the lines `unit<TAB>item` of the whole population
//! in that order.

pub(crate) mod plan;
mod worksheet;

use std::collections::{BTreeMap, HashSet};

use crate::error::{bail_invalid, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

pub(crate) use worksheet::{unit_worksheet_csv, worksheet_csv, worksheet_xlsx};

use chrono::NaiveDate;

use crate::catalogue::{Catalogue, CheckKind, UnitKind};
use crate::check::applies;
use crate::data::{
    Dataset, Item, Level, Population, SamplePlan, SampledUnit, Stratum, Unit, SAMPLE_SCHEMA,
};

#[derive(Debug, Clone)]
pub(crate) struct SampleOptions {
    pub level: Level,
    pub confidence: f64,
    pub tolerable: f64,
    pub seed: u64,
    /// Standards (ZWGK-212, 212) or areas (财政预决算) the population is limited to.
    pub focus: Vec<String>,
    /// The manual requirement inspectors' verdicts are recorded under.
    pub rule: String,
}

/// Draws the sample from a loaded dataset.
pub(crate) fn draw(
    catalogue: &Catalogue,
    data: &Dataset,
    options: &SampleOptions,
) -> Result<SamplePlan> {
    check_rule(catalogue, &options.rule)?;
    let focus = focus_codes(catalogue, &options.focus)?;
    let in_focus = |code: &str| focus.as_ref().is_none_or(|codes| codes.contains(code));
    let mut by_unit: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for item in &data.items {
        let unit = &data.units[item.unit as usize];
        if data.config.period.contains(item.published_on) && in_focus(&item.item_code) {
            by_unit.entry(&unit.id).or_default().push(item);
        }
    }
    for items in by_unit.values_mut() {
        items.sort_by(|a, b| a.id().cmp(b.id()));
    }
    let units: Vec<&Unit> = data
        .units
        .iter()
        .filter(|u| by_unit.contains_key(u.id.as_str()))
        .collect();
    if units.is_empty() {
        bail_invalid!(
            "本期{}没有已发布的信息，无从抽样",
            if options.focus.is_empty() {
                ""
            } else {
                "在 --focus 范围内"
            }
        );
    }

    let mut hasher = Sha256::new();
    for (unit, items) in &by_unit {
        for item in items {
            hasher.update(format!("{unit}\t{}\n", item.id()));
        }
    }
    let total = plan::iso_sample_size(units.len() as u64, options.level) as usize;
    let strata_units: Vec<(UnitKind, Vec<&Unit>)> = [UnitKind::Department, UnitKind::Town]
        .into_iter()
        .map(|kind| {
            let mut members: Vec<_> = units.iter().copied().filter(|u| u.kind == kind).collect();
            members.sort_by(|a, b| a.id.cmp(&b.id));
            (kind, members)
        })
        .filter(|(_, members)| !members.is_empty())
        .collect();
    let sizes: Vec<usize> = strata_units.iter().map(|(_, m)| m.len()).collect();
    let allocation = allocate(total, &sizes);

    let end = data.config.period.end();
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut drawn_units = Vec::new();
    let mut strata = Vec::new();
    for ((kind, members), k) in strata_units.iter().zip(&allocation) {
        strata.push(Stratum {
            kind: *kind,
            units: members.len(),
            sampled: *k,
        });
        let mut picked = partial_shuffle(&mut rng, members.clone(), *k);
        picked.sort_by(|a, b| a.id.cmp(&b.id));
        drawn_units.extend(picked);
    }
    drawn_units.sort_by(|a, b| a.id.cmp(&b.id));
    let sampled = drawn_units
        .into_iter()
        .map(|unit| {
            let items = &by_unit[unit.id.as_str()];
            let n =
                plan::items_to_inspect(items.len() as u64, options.confidence, options.tolerable)
                    as usize;
            let picked = partial_shuffle(&mut rng, items.clone(), n);
            SampledUnit {
                id: unit.id.clone(),
                name: unit.name.clone(),
                kind: unit.kind,
                population: items.len(),
                items: picked.iter().map(|i| i.id().to_string()).collect(),
                requirements: unit_requirements(catalogue, unit, end, &options.rule),
            }
        })
        .collect();
    Ok(SamplePlan {
        schema: SAMPLE_SCHEMA.into(),
        jurisdiction: data.config.jurisdiction.clone(),
        period: data.config.period,
        seed: options.seed,
        level: options.level,
        confidence: options.confidence,
        tolerable_rate: options.tolerable,
        focus: options.focus.clone(),
        rule: options.rule.clone(),
        algorithm: "ISO 2859-1 code letter for the units, stratified by kind (largest remainders, at least one per stratum); attribute sampling n = ceil(ln(1-confidence)/ln(1-tolerable)), hypergeometric for small units, for the items; ChaCha8 seeded with `seed`, partial Fisher-Yates with j = i + (next_u64 mod (len - i)) over ids sorted ascending: strata in order department, town, then each drawn unit's items in unit id order; each drawn unit is also inspected on every manual requirement that applies to it (applies_to kinds and areas) and is in force at the period end, except `rule`, in catalogue order (no random draw)".into(),
        population: Population {
            units: units.len(),
            items: by_unit.values().map(Vec::len).sum(),
            sha256: format!("{:x}", hasher.finalize()),
        },
        strata,
        units: sampled,
    })
}

/// The unit-level inspection of a drawn unit (单位核查): every manual requirement that
/// applies to it and is in force on `end`, except the spot-check `rule` (judged item by
/// item), as `STANDARD/REQUIREMENT` in catalogue order.
pub(crate) fn unit_requirements(
    catalogue: &Catalogue,
    unit: &Unit,
    end: NaiveDate,
    rule: &str,
) -> Vec<String> {
    catalogue
        .standards
        .iter()
        .flat_map(|s| s.requirements.iter().map(move |r| (s, r)))
        .filter(|(_, r)| r.check() == CheckKind::Manual)
        .filter(|(_, r)| r.in_force_on(end) && applies(r, unit))
        .map(|(s, r)| format!("{}/{}", s.id, r.id))
        .filter(|id| id != rule)
        .collect()
}

/// The first `k` after a partial Fisher–Yates shuffle driven by the raw ChaCha8 stream.
fn partial_shuffle<T>(rng: &mut ChaCha8Rng, mut list: Vec<T>, k: usize) -> Vec<T> {
    let k = k.min(list.len());
    for i in 0..k {
        let remaining = (list.len() - i) as u64;
        let j = i + (rng.next_u64() % remaining) as usize;
        list.swap(i, j);
    }
    list.truncate(k);
    list
}

/// Proportional allocation of `total` over strata of `sizes`, largest remainders first,
/// at least one per stratum and never more than a stratum holds.
pub(crate) fn allocate(total: usize, sizes: &[usize]) -> Vec<usize> {
    let population: usize = sizes.iter().sum();
    if population == 0 {
        return vec![0; sizes.len()];
    }
    let total = total.min(population).max(sizes.len().min(population));
    let quotas: Vec<f64> = sizes
        .iter()
        .map(|s| total as f64 * *s as f64 / population as f64)
        .collect();
    let mut shares: Vec<usize> = quotas
        .iter()
        .zip(sizes)
        .map(|(q, s)| (q.floor() as usize).max(1).min(*s))
        .collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|a, b| {
        (quotas[*b] - quotas[*b].floor())
            .total_cmp(&(quotas[*a] - quotas[*a].floor()))
            .then(a.cmp(b))
    });
    while shares.iter().sum::<usize>() < total {
        let Some(&i) = order.iter().find(|i| shares[**i] < sizes[**i]) else {
            break;
        };
        shares[i] += 1;
        order.rotate_left(1);
    }
    while shares.iter().sum::<usize>() > total {
        let Some(i) = (0..sizes.len())
            .filter(|i| shares[*i] > 1)
            .max_by_key(|i| shares[*i])
        else {
            break;
        };
        shares[i] -= 1;
    }
    shares
}

fn check_rule(catalogue: &Catalogue, rule: &str) -> Result<()> {
    match catalogue.requirement(rule) {
        Some((_, r)) if r.check() == CheckKind::Manual => Ok(()),
        Some(_) => {
            bail_invalid!("{rule} 不是人工核查要求：核查结论须记在人工核查要求下")
        }
        None => bail_invalid!("目录中没有要求 {rule}"),
    }
}

/// The item codes the focus keeps: a standard keeps the rows it holds and those its
/// requirements name; an area keeps the catalogue rows of that area. An empty focus keeps
/// everything (None).
fn focus_codes(catalogue: &Catalogue, focus: &[String]) -> Result<Option<HashSet<String>>> {
    if focus.is_empty() {
        return Ok(None);
    }
    let mut codes = HashSet::new();
    for name in focus {
        if let Some(standard) = catalogue.lookup(name) {
            codes.extend(standard.items.iter().map(|i| i.code.clone()));
            codes.extend(
                standard
                    .requirements
                    .iter()
                    .flat_map(|r| r.codes().iter().cloned()),
            );
        } else if catalogue.meta.areas.contains(name) {
            let rows = catalogue.standards.iter().flat_map(|s| &s.items);
            codes.extend(
                rows.filter(|i| i.area.as_ref() == Some(name))
                    .map(|i| i.code.clone()),
            );
        } else {
            let example = catalogue
                .standards
                .iter()
                .find(|s| !s.items.is_empty())
                .map(|s| format!("{}, {}", s.id, s.id.rsplit('-').next().unwrap_or_default()))
                .unwrap_or_default();
            bail_invalid!(
                "--focus {name}：既不是标准（如 {example}），也不是 catalogue.yaml 中的领域"
            );
        }
    }
    Ok(Some(codes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_allocation_with_a_floor_of_one() {
        // 46 departments and 14 towns, 13 units: 9.97 and 3.03 → 10 and 3.
        assert_eq!(allocate(13, &[46, 14]), vec![10, 3]);
        assert_eq!(allocate(5, &[46, 14]), vec![4, 1]);
        assert_eq!(allocate(2, &[58, 2]), vec![1, 1]);
        assert_eq!(allocate(20, &[3, 2]), vec![3, 2]);
    }

    #[test]
    fn units_are_inspected_on_the_manual_requirements_that_apply_and_are_in_force() {
        use crate::catalogue::{AppliesTo, InForce};
        let mut catalogue = crate::check::testing::catalogue().clone();
        let town = crate::check::testing::Fixture::new().unit;
        let end: NaiveDate = "2018-12-31".parse().unwrap();
        let rule = "ZWGK-302/spot-check-item";
        let all = unit_requirements(&catalogue, &town, end, rule);
        assert!(all.contains(&"ZWGK-103/org-staff-in-place".to_string()));
        assert!(!all.contains(&rule.to_string()), "judged item by item");
        assert!(
            all.iter().all(|id| catalogue
                .requirement(id)
                .is_some_and(|(_, r)| r.check() == CheckKind::Manual)),
            "{all:?}"
        );
        let order: Vec<String> = catalogue
            .standards
            .iter()
            .flat_map(|s| {
                s.requirements
                    .iter()
                    .map(move |r| format!("{}/{}", s.id, r.id))
            })
            .filter(|id| all.contains(id))
            .collect();
        assert_eq!(all, order, "catalogue order");

        // One only for departments, another in force from 2019: both left out for a town
        // at the end of 2018.
        for standard in &mut catalogue.standards {
            for r in &mut standard.requirements {
                match (standard.id.as_str(), r.id.as_str()) {
                    ("ZWGK-104", "annual-training-hours") => {
                        r.applies_to = Some(AppliesTo {
                            kinds: vec![UnitKind::Department],
                            areas: Vec::new(),
                        })
                    }
                    ("ZWGK-105", "budget-and-ledger") => {
                        r.in_force = Some(InForce {
                            from: Some("2019-01-01".parse().unwrap()),
                            to: None,
                        })
                    }
                    _ => {}
                }
            }
        }
        let fewer = unit_requirements(&catalogue, &town, end, rule);
        let gone: Vec<&String> = all.iter().filter(|id| !fewer.contains(id)).collect();
        assert_eq!(
            gone,
            [
                "ZWGK-104/annual-training-hours",
                "ZWGK-105/budget-and-ledger"
            ]
        );
    }

    #[test]
    fn the_shuffle_is_a_pure_function_of_the_seed() {
        let draw = |seed| {
            partial_shuffle(
                &mut ChaCha8Rng::seed_from_u64(seed),
                (0..60).collect::<Vec<_>>(),
                13,
            )
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let picked = draw(7);
        let mut unique = picked.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 13);
    }
}
