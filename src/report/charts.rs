//! Chart geometry for the HTML circular, computed from the results so the template only
//! draws: score distribution, sub-system averages by unit kind, score trends.

use serde::Serialize;

use crate::catalogue::{level_of, UnitKind};
use crate::results::AuditResults;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 190.0;
const TOP: f64 = 20.0;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Charts {
    pub width: f64,
    pub height: f64,
    pub distribution: Vec<Bar>,
    pub subsystems: Vec<Bar>,
    pub legend: Vec<Legend>,
    pub trend: Trend,
    /// Horizontal guide lines of the distribution chart.
    pub grid: Vec<Guide>,
    /// Guide lines of the sub-system chart, from its axis floor to 100, labelled.
    pub subsystem_grid: Vec<Guide>,
    pub distribution_caption: String,
    pub subsystem_caption: String,
    pub trend_caption: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub label: String,
    pub value: String,
    pub class: String,
    /// Centre of the category label under the bars.
    pub label_x: f64,
    /// Centre of the bar itself, where its value is printed.
    pub center: f64,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Legend {
    pub x: f64,
    pub label: String,
    pub class: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Guide {
    pub y: f64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Trend {
    /// Periods on the x axis.
    pub periods: Vec<Tick>,
    /// Average score per period.
    pub average: String,
    pub points: Vec<Point>,
    /// One line per unit: faint, but drawn strong for the units named.
    pub units: Vec<UnitLine>,
    /// The top and bottom units of the period, named at the right end of their lines.
    pub labels: Vec<UnitLabel>,
    pub grid: Vec<Guide>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnitLine {
    pub points: String,
    /// `unit-line`, or with `top` / `bottom` for a named unit.
    pub class: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnitLabel {
    /// The unit's point in the period.
    pub x: f64,
    pub y: f64,
    /// Where the name is written: moved apart from its neighbours so names do not overlap.
    pub text_x: f64,
    pub text_y: f64,
    pub text: String,
    /// `top` or `bottom`.
    pub class: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Tick {
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// Score bands of the distribution chart: (label, from, to).
const BANDS: [(&str, f64, f64); 7] = [
    ("<60", f64::MIN, 60.0),
    ("60–70", 60.0, 70.0),
    ("70–80", 70.0, 80.0),
    ("80–85", 80.0, 85.0),
    ("85–90", 85.0, 90.0),
    ("90–95", 90.0, 95.0),
    ("95–100", 95.0, f64::MAX),
];

/// Units named at each end of the trend chart's ranking.
const NAMED_UNITS: usize = 5;
/// Least vertical distance between two names on the trend chart.
const LABEL_GAP: f64 = 12.0;
/// Room kept right of the trend chart's last period for the units' names.
const NAME_ROOM: f64 = 130.0;

/// The circular's charts: this period's scores, and the trend over `history` (oldest first).
pub(super) fn charts(results: &AuditResults, history: &[AuditResults]) -> Charts {
    let periods: Vec<&AuditResults> = history.iter().chain(std::iter::once(results)).collect();
    let scores: Vec<f64> = results.units.iter().filter_map(|u| u.score).collect();
    let captions = Captions {
        distribution: "图1　各单位得分分布（单位：个）".into(),
        subsystems: format!(
            "图2　各子体系平均得分（{}与{}）",
            UnitKind::Department.label(&results.jurisdiction),
            UnitKind::Town.label(&results.jurisdiction)
        ),
        trend: trend_caption(results),
    };
    build(&periods, &[results], &scores, captions)
}

/// The annual circular's charts: the annual scores, the sub-systems over every quarter of
/// the year, and the quarters' trend.
pub(super) fn annual_charts(quarters: &[&AuditResults], annual_scores: &[f64]) -> Charts {
    let Some(last) = quarters.last() else {
        unreachable!("an annual evaluation has at least one quarter")
    };
    let captions = Captions {
        distribution: "图1　各单位年度得分分布（单位：个）".into(),
        subsystems: format!(
            "图2　各子体系全年平均得分（{}与{}，各季度平均）",
            UnitKind::Department.label(&last.jurisdiction),
            UnitKind::Town.label(&last.jurisdiction)
        ),
        trend: trend_caption(last),
    };
    build(quarters, quarters, annual_scores, captions)
}

/// What each chart's caption says.
struct Captions {
    distribution: String,
    subsystems: String,
    trend: String,
}

fn trend_caption(results: &AuditResults) -> String {
    let scored = results.units.iter().filter(|u| u.score.is_some()).count();
    let (top, bottom) = named_counts(scored);
    format!(
        "图3　各单位得分趋势（灰线为各单位，红线为全{}平均；绿色标出{}得分最高的{top}个单位，紫色标出最低的{bottom}个单位）",
        level_of(&results.jurisdiction),
        results.period_label
    )
}

/// Charts over `periods` (the trend, oldest first), the sub-system averages over every unit
/// of `assessed`, and the distribution of `scores`.
fn build(
    periods: &[&AuditResults],
    assessed: &[&AuditResults],
    scores: &[f64],
    captions: Captions,
) -> Charts {
    let last = periods[periods.len() - 1];
    let subsystems = subsystem_averages(assessed);
    let floor = axis_floor(subsystems.iter().map(|(_, _, average)| *average));
    Charts {
        width: WIDTH,
        height: HEIGHT,
        distribution: distribution(scores),
        subsystem_grid: score_grid(floor),
        subsystems: subsystem_bars(&subsystems, floor),
        legend: vec![
            Legend {
                x: WIDTH - 200.0,
                label: UnitKind::Department.label(&last.jurisdiction),
                class: "dept".into(),
            },
            Legend {
                x: WIDTH - 110.0,
                label: UnitKind::Town.label(&last.jurisdiction),
                class: "town".into(),
            },
        ],
        trend: trend(periods),
        grid: [0.0, 25.0, 50.0, 75.0, 100.0]
            .into_iter()
            .map(|v| Guide {
                y: y_of(v, 100.0),
                label: format!("{v:.0}"),
            })
            .collect(),
        distribution_caption: captions.distribution,
        subsystem_caption: captions.subsystems,
        trend_caption: captions.trend,
    }
}

/// The score axis's lowest value: the multiple of ten below the lowest score (strictly, so
/// that the lowest bar still shows), and 0 when there are no scores. Quarters differ by a
/// few points; an axis from 0 would flatten every difference.
pub(crate) fn axis_floor(scores: impl Iterator<Item = f64>) -> f64 {
    let lowest = scores.fold(f64::INFINITY, f64::min);
    if !lowest.is_finite() {
        return 0.0;
    }
    (((lowest / 10.0).ceil() - 1.0) * 10.0).clamp(0.0, 90.0)
}

/// Guide lines at `floor` and at the multiples of 10 above it up to 100 (of 20 over a
/// longer axis).
fn score_grid(floor: f64) -> Vec<Guide> {
    let step = if 100.0 - floor > 50.0 { 20.0 } else { 10.0 };
    let first = (floor / step).floor() as u32 + 1;
    std::iter::once(floor)
        .chain((first..=(100.0 / step) as u32).map(|n| f64::from(n) * step))
        .map(|v| Guide {
            y: score_y(v, floor),
            label: format!("{v:.0}"),
        })
        .collect()
}

/// The height of a score on an axis from `floor` to 100.
fn score_y(score: f64, floor: f64) -> f64 {
    y_of(score - floor, 100.0 - floor)
}

fn y_of(value: f64, max: f64) -> f64 {
    round1(BOTTOM - (BOTTOM - TOP) * (value / max).clamp(0.0, 1.0))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn distribution(scores: &[f64]) -> Vec<Bar> {
    let counts: Vec<usize> = BANDS
        .iter()
        .map(|(_, from, to)| scores.iter().filter(|s| **s >= *from && **s < *to).count())
        .collect();
    let max = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let slot = (WIDTH - LEFT) / BANDS.len() as f64;
    BANDS
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(i, ((label, _, _), count))| {
            let x = round1(LEFT + slot * i as f64 + slot * 0.15);
            let y = y_of(count as f64, max);
            let center = round1(x + slot * 0.35);
            Bar {
                x,
                y,
                width: round1(slot * 0.7),
                height: round1(BOTTOM - y),
                label: (*label).into(),
                value: count.to_string(),
                class: "band".into(),
                label_x: center,
                center,
            }
        })
        .collect()
}

/// Sub-system average by unit kind: (sub-system, kind, average); 0 without scores.
type SubsystemAverage = (String, UnitKind, f64);

/// The averages over every unit of every period in `assessed`, sub-systems in the last
/// period's catalogue order.
fn subsystem_averages(assessed: &[&AuditResults]) -> Vec<SubsystemAverage> {
    let mut averages = Vec::new();
    let Some(last) = assessed.last() else {
        return averages;
    };
    for name in last.scoring.subsystem_weights.keys() {
        for kind in [UnitKind::Department, UnitKind::Town] {
            let scores: Vec<f64> = assessed
                .iter()
                .flat_map(|r| &r.units)
                .filter(|u| u.kind == kind)
                .filter_map(|u| {
                    u.subsystems
                        .iter()
                        .find(|s| &s.name == name)
                        .and_then(|s| s.score)
                })
                .collect();
            let average = if scores.is_empty() {
                0.0
            } else {
                scores.iter().sum::<f64>() / scores.len() as f64
            };
            averages.push((name.clone(), kind, average));
        }
    }
    averages
}

fn subsystem_bars(averages: &[SubsystemAverage], floor: f64) -> Vec<Bar> {
    let slot = (WIDTH - LEFT) / (averages.len() / 2).max(1) as f64;
    averages
        .iter()
        .enumerate()
        .map(|(n, (name, kind, average))| {
            let (i, j) = (n / 2, n % 2);
            let x = round1(LEFT + slot * i as f64 + slot * (0.12 + 0.38 * j as f64));
            let y = score_y(*average, floor);
            let width = round1(slot * 0.36);
            Bar {
                x,
                y,
                width,
                height: round1(BOTTOM - y),
                label: if j == 0 { name.clone() } else { String::new() },
                value: format!("{average:.1}"),
                class: if *kind == UnitKind::Department {
                    "dept"
                } else {
                    "town"
                }
                .into(),
                label_x: round1(LEFT + slot * i as f64 + slot * 0.5),
                center: round1(x + width / 2.0),
            }
        })
        .collect()
}

fn trend(periods: &[&AuditResults]) -> Trend {
    let results = periods[periods.len() - 1];
    // Period labels are centred on their points: keep the points clear of the left edge,
    // and room on the right for the units' names.
    let slot = (WIDTH - LEFT - 60.0 - NAME_ROOM) / (periods.len().max(2) - 1) as f64;
    let x_of = |i: usize| round1(LEFT + 60.0 + slot * i as f64);
    let floor = axis_floor(
        periods
            .iter()
            .flat_map(|r| r.units.iter().filter_map(|u| u.score)),
    );
    let y = |score: f64| score_y(score, floor);
    let points: Vec<Point> = periods
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.summary.average.map(|a| Point {
                x: x_of(i),
                y: y(a),
                label: format!("{a:.2}"),
            })
        })
        .collect();
    let named = named_units(results);
    let units = results
        .units
        .iter()
        .map(|unit| {
            let points = periods
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let score = r.units.iter().find(|u| u.id == unit.id)?.score?;
                    Some(format!("{},{}", x_of(i), y(score)))
                })
                .collect::<Vec<_>>()
                .join(" ");
            let class = match named.iter().find(|(id, _)| *id == unit.id) {
                Some((_, class)) => format!("unit-line {class}"),
                None => "unit-line".into(),
            };
            UnitLine { points, class }
        })
        .collect();
    let last = x_of(periods.len() - 1);
    let labels = unit_labels(results, &named, last, y);
    Trend {
        periods: periods
            .iter()
            .enumerate()
            .map(|(i, r)| Tick {
                x: x_of(i),
                label: r.period_label.clone(),
            })
            .collect(),
        average: points
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" "),
        points,
        units,
        labels,
        grid: score_grid(floor),
    }
}

/// How many units the trend chart names at the top and at the bottom of `scored` units:
/// [`NAMED_UNITS`] each, or the upper and lower half of a small period.
fn named_counts(scored: usize) -> (usize, usize) {
    let top = NAMED_UNITS.min(scored.div_ceil(2));
    (top, NAMED_UNITS.min(scored - top))
}

/// The units named on the trend chart, by id, with `top` or `bottom` (see [`named_counts`]).
fn named_units(results: &AuditResults) -> Vec<(&str, &'static str)> {
    let mut scored: Vec<(&str, f64)> = results
        .units
        .iter()
        .filter_map(|u| Some((u.id.as_str(), u.score?)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let (top, bottom) = named_counts(scored.len());
    let bottom_from = scored.len() - bottom;
    scored
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < top || *i >= bottom_from)
        .map(|(i, (id, _))| (*id, if i < top { "top" } else { "bottom" }))
        .collect()
}

/// Names and scores at the right end of the named units' lines, moved apart vertically
/// (in score order, as the points are) so that no two overlap.
fn unit_labels(
    results: &AuditResults,
    named: &[(&str, &'static str)],
    x: f64,
    y: impl Fn(f64) -> f64,
) -> Vec<UnitLabel> {
    let mut labels: Vec<UnitLabel> = named
        .iter()
        .filter_map(|(id, class)| {
            let unit = results.units.iter().find(|u| u.id == *id)?;
            let score = unit.score?;
            Some(UnitLabel {
                x,
                y: y(score),
                text_x: x + 10.0,
                text_y: y(score),
                text: format!("{} {score:.2}", unit.name),
                class: (*class).into(),
            })
        })
        .collect();
    labels.sort_by(|a, b| a.y.total_cmp(&b.y));
    let text_y = spread(labels.iter().map(|l| l.y).collect(), LABEL_GAP, TOP, BOTTOM);
    for (label, text_y) in labels.iter_mut().zip(text_y) {
        // The text's baseline sits a little below the point it names.
        label.text_y = round1(text_y + 4.0);
    }
    labels
}

/// Positions at least `gap` apart, each as near its wish (ascending) as the others allow,
/// within `low..=high` when they fit.
fn spread(wishes: Vec<f64>, gap: f64, low: f64, high: f64) -> Vec<f64> {
    let mut placed = wishes;
    for i in 1..placed.len() {
        placed[i] = placed[i].max(placed[i - 1] + gap);
    }
    // Pushed past the bottom: move the run back up, keeping the gaps.
    if let Some(&last) = placed.last() {
        if last > high {
            let n = placed.len();
            placed[n - 1] = high;
            for i in (0..n - 1).rev() {
                placed[i] = placed[i].min(placed[i + 1] - gap);
            }
        }
    }
    placed.into_iter().map(|p| round1(p.max(low))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_floor_is_the_ten_below_the_lowest_score() {
        assert_eq!(axis_floor([84.2, 91.0, 95.3].into_iter()), 80.0);
        // The lowest bar still shows: a score on a multiple of ten gets the ten below.
        assert_eq!(axis_floor([80.0, 93.0].into_iter()), 70.0);
        assert_eq!(axis_floor([5.0, 93.0].into_iter()), 0.0);
        assert_eq!(axis_floor([0.0].into_iter()), 0.0);
        assert_eq!(axis_floor(std::iter::empty()), 0.0);
        assert_eq!(axis_floor([100.0].into_iter()), 90.0);
    }

    #[test]
    fn the_score_grid_runs_from_the_floor_to_100() {
        let labels: Vec<String> = score_grid(80.0).into_iter().map(|g| g.label).collect();
        assert_eq!(labels, ["80", "90", "100"]);
        let labels: Vec<String> = score_grid(30.0).into_iter().map(|g| g.label).collect();
        assert_eq!(labels, ["30", "40", "60", "80", "100"]);
        let grid = score_grid(0.0);
        assert_eq!(grid.len(), 6);
        assert_eq!(grid[0].y, BOTTOM);
        assert_eq!(grid[5].y, TOP);
    }

    #[test]
    fn the_trend_chart_names_five_at_each_end_or_halves_of_a_small_period() {
        assert_eq!(named_counts(60), (5, 5));
        assert_eq!(named_counts(10), (5, 5));
        assert_eq!(named_counts(3), (2, 1));
        assert_eq!(named_counts(1), (1, 0));
        assert_eq!(named_counts(0), (0, 0));
    }

    #[test]
    fn names_on_the_trend_chart_keep_apart() {
        let placed = spread(vec![50.0, 52.0, 53.0, 120.0], 12.0, TOP, BOTTOM);
        assert_eq!(placed, [50.0, 62.0, 74.0, 120.0]);
        let crowded = spread(vec![185.0, 188.0, 189.0], 12.0, TOP, BOTTOM);
        assert_eq!(crowded, [166.0, 178.0, 190.0]);
    }
}
