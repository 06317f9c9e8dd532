//! Chart geometry for the HTML circular, computed from the results so the template only
//! draws: score distribution, sub-system averages by unit kind, score trends.

use serde::Serialize;

use crate::catalogue::UnitKind;
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
    /// Horizontal guide lines with their labels.
    pub grid: Vec<Guide>,
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
    pub label_x: f64,
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
    /// One faint line per unit.
    pub units: Vec<String>,
    pub grid: Vec<Guide>,
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

pub(super) fn charts(results: &AuditResults, history: &[AuditResults]) -> Charts {
    Charts {
        width: WIDTH,
        height: HEIGHT,
        distribution: distribution(results),
        subsystems: subsystems(results),
        legend: vec![
            Legend {
                x: WIDTH - 200.0,
                label: UnitKind::Department.label(&results.jurisdiction),
                class: "dept".into(),
            },
            Legend {
                x: WIDTH - 110.0,
                label: UnitKind::Town.label(&results.jurisdiction),
                class: "town".into(),
            },
        ],
        trend: trend(results, history),
        grid: [0.0, 25.0, 50.0, 75.0, 100.0]
            .into_iter()
            .map(|v| Guide {
                y: y_of(v, 100.0),
                label: format!("{v:.0}"),
            })
            .collect(),
    }
}

fn y_of(value: f64, max: f64) -> f64 {
    round1(BOTTOM - (BOTTOM - TOP) * (value / max).clamp(0.0, 1.0))
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn distribution(results: &AuditResults) -> Vec<Bar> {
    let counts: Vec<usize> = BANDS
        .iter()
        .map(|(_, from, to)| {
            results
                .units
                .iter()
                .filter_map(|u| u.score)
                .filter(|s| *s >= *from && *s < *to)
                .count()
        })
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
            Bar {
                x,
                y,
                width: round1(slot * 0.7),
                height: round1(BOTTOM - y),
                label: (*label).into(),
                value: count.to_string(),
                class: "band".into(),
                label_x: round1(x + slot * 0.35),
            }
        })
        .collect()
}

fn subsystems(results: &AuditResults) -> Vec<Bar> {
    let names: Vec<String> = results.scoring.subsystem_weights.keys().cloned().collect();
    let slot = (WIDTH - LEFT) / names.len().max(1) as f64;
    let mut bars = Vec::new();
    for (i, name) in names.iter().enumerate() {
        for (j, (kind, class)) in [(UnitKind::Department, "dept"), (UnitKind::Town, "town")]
            .into_iter()
            .enumerate()
        {
            let scores: Vec<f64> = results
                .units
                .iter()
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
            let x = round1(LEFT + slot * i as f64 + slot * (0.12 + 0.38 * j as f64));
            let y = y_of(average, 100.0);
            bars.push(Bar {
                x,
                y,
                width: round1(slot * 0.36),
                height: round1(BOTTOM - y),
                label: if j == 0 { name.clone() } else { String::new() },
                value: format!("{average:.1}"),
                class: class.into(),
                label_x: round1(LEFT + slot * i as f64 + slot * 0.5),
            });
        }
    }
    bars
}

fn trend(results: &AuditResults, history: &[AuditResults]) -> Trend {
    let periods: Vec<&AuditResults> = history.iter().chain(std::iter::once(results)).collect();
    // Period labels are centred on their points: keep the points clear of the edges.
    let slot = (WIDTH - LEFT - 120.0) / (periods.len().max(2) - 1) as f64;
    let x_of = |i: usize| round1(LEFT + 60.0 + slot * i as f64);
    // Scores from 50 to 100 fill the height: differences between quarters are small.
    let y = |score: f64| y_of(score - 50.0, 50.0);
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
    let units = results
        .units
        .iter()
        .map(|unit| {
            periods
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let score = r.units.iter().find(|u| u.id == unit.id)?.score?;
                    Some(format!("{},{}", x_of(i), y(score)))
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
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
        grid: [50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
            .into_iter()
            .map(|v| Guide {
                y: y(v),
                label: format!("{v:.0}"),
            })
            .collect(),
    }
}
