//! Administrative review (行政复议) and litigation (行政诉讼) over disclosure: cases.csv.
//!
//! A case is scheduled once, when its application's reply is final (after planting): its
//! filing, its conclusion and a lawsuit after a review upheld. Each quarter lists the
//! cases filed by its end and not concluded before its start; a case shows its result
//! from the quarter it is concluded in, and is gone from later ones. At the model city's
//! scale a year has about 62 reviews, 100 lawsuits filed directly and 24 after a review.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rand::RngExt;
use serde::Serialize;

use super::Gen;
use crate::data::Unit;

pub(crate) const REVIEW: &str = "行政复议";
pub(crate) const DIRECT_SUIT: &str = "直接起诉";
pub(crate) const SUIT_AFTER_REVIEW: &str = "复议后起诉";
pub(crate) const UPHELD: &str = "维持";
pub(crate) const CORRECTED: &str = "纠正";
pub(crate) const OTHER: &str = "其他";

/// Chance per reply of a review and of a lawsuit, for an outcome of weight 1.
const REVIEW_RATE: f64 = 0.115;
const SUIT_RATE: f64 = 0.22;
/// Chance that a review upheld is followed by a lawsuit.
const SUIT_AFTER_UPHELD: f64 = 0.75;
/// Cases naming no application, per quarter at scale 1.
const WITHOUT_APPLICATION: f64 = 1.0;

/// A case over its whole life; `id` is given in the quarter it is first listed.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub id: Option<String>,
    pub unit: String,
    pub application: Option<String>,
    pub kind: &'static str,
    pub filed_on: NaiveDate,
    pub result: &'static str,
    pub concluded_on: NaiveDate,
}

/// A cases.csv row: the case as it stands at the quarter's end.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CaseRow {
    pub id: String,
    pub unit: String,
    pub application: Option<String>,
    pub kind: &'static str,
    pub filed_on: NaiveDate,
    pub result: Option<&'static str>,
    pub concluded_on: Option<NaiveDate>,
}

/// How likely an outcome is to be contested: refusals most, disclosure least.
fn weight(outcome: &str) -> f64 {
    match outcome.split('/').next().unwrap_or_default() {
        "予以公开" => 0.3,
        "部分公开" => 1.0,
        "不予公开" => 1.6,
        "无法提供" | "不予处理" => 1.2,
        _ => 0.5,
    }
}

/// Schedules the cases over the quarter's replies, and a few naming no application;
/// none filed after `last_day`.
pub(super) fn schedule(
    g: &mut Gen<'_>,
    cases: &mut Vec<Case>,
    last_day: NaiveDate,
    units: &[Unit],
) {
    let (start, end) = (g.period.start(), g.period.end());
    let replies: Vec<(String, String, NaiveDate, String)> =
        g.q.applications
            .iter()
            .filter_map(|a| {
                let replied = a.replied_on.filter(|d| *d >= start && *d <= end)?;
                Some((
                    a.id.clone(),
                    a.unit.clone(),
                    replied,
                    a.outcome.clone().unwrap_or_default(),
                ))
            })
            .collect();
    let mut new = Vec::new();
    for (application, unit, replied, outcome) in replies {
        let roll = g.rng.random::<f64>() / weight(&outcome);
        if roll < REVIEW_RATE {
            // Applied for within 60 days of the reply, decided within 60 days.
            let filed = days_after(g, replied, 7, 55);
            let concluded = days_after(g, filed, 25, 60);
            let result = review_result(g);
            new.push(case(
                &unit,
                Some(&application),
                REVIEW,
                filed,
                result,
                concluded,
            ));
            if result == UPHELD && g.rng.random_bool(SUIT_AFTER_UPHELD) {
                // Sued within 15 days of the decision.
                let filed = days_after(g, concluded, 3, 14);
                let concluded = days_after(g, filed, 90, 180);
                let result = suit_result(g);
                let application = Some(application.as_str());
                new.push(case(
                    &unit,
                    application,
                    SUIT_AFTER_REVIEW,
                    filed,
                    result,
                    concluded,
                ));
            }
        } else if roll < REVIEW_RATE + SUIT_RATE {
            // Sued within six months of the reply, tried within three to six months.
            let filed = days_after(g, replied, 15, 170);
            let concluded = days_after(g, filed, 90, 180);
            let result = suit_result(g);
            new.push(case(
                &unit,
                Some(&application),
                DIRECT_SUIT,
                filed,
                result,
                concluded,
            ));
        }
    }
    // Over a proactive disclosure or a reply the applicant never showed: no application.
    for _ in 0..g.count(WITHOUT_APPLICATION) {
        let Some(unit) = pick_unit(g, units) else {
            break;
        };
        let filed = g.day_between(start, end);
        let (kind, result, concluded) = if g.rng.random_bool(0.5) {
            (REVIEW, review_result(g), days_after(g, filed, 25, 60))
        } else {
            (DIRECT_SUIT, suit_result(g), days_after(g, filed, 90, 180))
        };
        new.push(case(&unit, None, kind, filed, result, concluded));
    }
    cases.extend(new.into_iter().filter(|c| c.filed_on <= last_day));
}

/// A unit for a case naming no application: one of those with applications this
/// quarter, busier ones more often.
fn pick_unit(g: &mut Gen<'_>, units: &[Unit]) -> Option<String> {
    if g.q.applications.is_empty() {
        return units.first().map(|u| u.id.clone());
    }
    let i = g.rng.random_range(0..g.q.applications.len());
    Some(g.q.applications[i].unit.clone())
}

fn case(
    unit: &str,
    application: Option<&str>,
    kind: &'static str,
    filed_on: NaiveDate,
    result: &'static str,
    concluded_on: NaiveDate,
) -> Case {
    Case {
        id: None,
        unit: unit.to_string(),
        application: application.map(String::from),
        kind,
        filed_on,
        result,
        concluded_on,
    }
}

/// A day `min`…`max` days after `day`, a working day when the calendar has one.
fn days_after(g: &mut Gen<'_>, day: NaiveDate, min: u64, max: u64) -> NaiveDate {
    g.day_between(day + Days::new(min), day + Days::new(max))
}

fn review_result(g: &mut Gen<'_>) -> &'static str {
    match g.rng.random_range(0..100) {
        0..=69 => UPHELD,
        70..=87 => CORRECTED,
        _ => OTHER,
    }
}

fn suit_result(g: &mut Gen<'_>) -> &'static str {
    match g.rng.random_range(0..100) {
        0..=64 => UPHELD,
        65..=76 => CORRECTED,
        _ => OTHER,
    }
}

/// The quarter's cases.csv: every case filed by its end and not concluded before its
/// start, in unit order, then by filing; a case listed for the first time gets its id.
pub(super) fn rows(g: &mut Gen<'_>, cases: &mut [Case], units: &[Unit]) -> Vec<CaseRow> {
    let (start, end) = (g.period.start(), g.period.end());
    let order: HashMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let mut listed: Vec<usize> = (0..cases.len())
        .filter(|&i| cases[i].filed_on <= end && cases[i].concluded_on >= start)
        .collect();
    listed.sort_by_key(|&i| {
        let c = &cases[i];
        (
            order.get(c.unit.as_str()).copied(),
            c.filed_on,
            c.id.is_none(),
            i,
        )
    });
    listed
        .into_iter()
        .map(|i| {
            if cases[i].id.is_none() {
                cases[i].id = Some(g.next_id("C"));
            }
            let c = &cases[i];
            let concluded = c.concluded_on <= end;
            CaseRow {
                id: c.id.clone().unwrap_or_default(),
                unit: c.unit.clone(),
                application: c.application.clone(),
                kind: c.kind,
                filed_on: c.filed_on,
                result: concluded.then_some(c.result),
                concluded_on: concluded.then_some(c.concluded_on),
            }
        })
        .collect()
}
