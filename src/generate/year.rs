//! `zwgk generate --year`: the four quarters of a year, consistent with one another, and
//! the year's own inputs for the statutory annual report beside them — the register of
//! 规范性文件 (documents.csv) and the figures the units report (YEAR-statistics.yaml).
//!
//! Quarter by quarter, what is still open at a quarter's end goes on into the next: an
//! application pending or unanswered appears again, same id and dates, and is replied
//! there; a review or lawsuit pending appears again until it is concluded. Quarter n's
//! seed is `seed × 10000 + MMDD` of its last day (`--seed 2018`: 20180331 … 20181231).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::Datelike;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::cases::CaseRow;
use super::{
    documents, generate_quarter, locale, read_units, statistics, ApplicationRow, Carry,
    GenerateOptions, Quarter, Truth,
};
use crate::catalogue::Catalogue;
use crate::data::Period;
use crate::error::{Error, Result};
use crate::output::write_atomic;

#[derive(Debug, Clone)]
pub(crate) struct YearOptions {
    pub year: i32,
    pub seed: u64,
    pub scale: f64,
    pub units: PathBuf,
    /// The audits folder: the quarters go into `YEAR-Qn/`, the yearly files beside them.
    pub out: PathBuf,
    pub standards: PathBuf,
}

/// What a year's generation wrote.
pub(crate) struct YearSummary {
    pub quarters: Vec<(PathBuf, Truth)>,
    pub documents: PathBuf,
    pub statistics: PathBuf,
    pub totals: YearTotals,
}

/// The year's figures over all four quarters.
#[derive(Debug, Clone, Default)]
pub(crate) struct YearTotals {
    /// Received in the year (本年新收).
    pub received: usize,
    /// Received before the year and open at its start (上年结转).
    pub carried_in: usize,
    /// Open at the year's end (结转下年度).
    pub carried_out: usize,
    /// Replies by outcome category (大类).
    pub outcomes: BTreeMap<String, usize>,
    /// Cases by kind and result (`尚未审结` while pending).
    pub cases: BTreeMap<(String, String), usize>,
    /// Items published in the year, by channel.
    pub items: BTreeMap<String, usize>,
    pub documents: documents::Totals,
    /// Findings planted (and reported by an audit) over the four quarters.
    pub findings: usize,
}

/// One unit's year, for its figures and narrative.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitYear {
    pub items: BTreeMap<String, usize>,
    pub received: usize,
    pub carried_in: usize,
    pub concluded: usize,
    pub open: usize,
    pub refused: usize,
    pub reviews: usize,
    pub suits: usize,
    /// Findings of the quarterly audits by code.
    pub findings: BTreeMap<String, usize>,
}

/// The quarter seed: `seed × 10000 + MMDD` of the quarter's last day.
pub(crate) fn quarter_seed(seed: u64, period: Period) -> Result<u64> {
    let end = period.end();
    seed.checked_mul(10_000)
        .and_then(|s| s.checked_add(u64::from(end.month() * 100 + end.day())))
        .ok_or_else(|| {
            Error::Invalid(format!(
                "--seed {seed} 过大：季度种子为 种子×10000+季末月日"
            ))
        })
}

pub(crate) fn generate_year(catalogue: &Catalogue, options: &YearOptions) -> Result<YearSummary> {
    let units_file = read_units(&options.units)?;
    let year = options.year;
    let year_end = Period {
        year,
        quarter: None,
    }
    .end();
    let mut carry = Carry::new(year_end);
    let mut quarters = Vec::new();
    let mut applications: BTreeMap<String, ApplicationRow> = BTreeMap::new();
    let mut cases: BTreeMap<String, CaseRow> = BTreeMap::new();
    let mut units: BTreeMap<String, UnitYear> = units_file
        .units
        .iter()
        .map(|u| (u.id.clone(), UnitYear::default()))
        .collect();
    let mut totals = YearTotals::default();
    for q in 1..=4 {
        let period = Period {
            year,
            quarter: Some(q),
        };
        let previous = period.previous();
        let out = options.out.join(period.to_string());
        let sibling = options.out.join(previous.to_string());
        let options = GenerateOptions {
            period,
            seed: quarter_seed(options.seed, period)?,
            scale: options.scale,
            units: options.units.clone(),
            out: out.clone(),
            standards: options.standards.clone(),
            previous: (q > 1 || sibling.is_dir())
                .then(|| PathBuf::from(format!("../{previous}/report/results.json"))),
            full_text: false,
        };
        let (truth, quarter) = generate_quarter(catalogue, &options, &units_file, &mut carry)?;
        tally(&quarter, period, &truth, &mut units, &mut totals);
        for a in quarter.applications {
            applications.insert(a.id.clone(), a);
        }
        for c in quarter.cases {
            cases.insert(c.id.clone(), c);
        }
        quarters.push((out, truth));
    }
    let year_start = Period {
        year,
        quarter: Some(1),
    }
    .start();
    for a in applications.values() {
        let unit = units.entry(a.unit.clone()).or_default();
        if a.received_on < year_start {
            totals.carried_in += 1;
            unit.carried_in += 1;
        } else {
            totals.received += 1;
            unit.received += 1;
        }
        match &a.outcome {
            Some(outcome) if a.replied_on.is_some() => {
                let major = outcome.split('/').next().unwrap_or_default().to_string();
                unit.concluded += 1;
                unit.refused += usize::from(major == "不予公开");
                *totals.outcomes.entry(major).or_default() += 1;
            }
            _ => {
                totals.carried_out += 1;
                unit.open += 1;
            }
        }
    }
    for c in cases.values() {
        let result = c.result.unwrap_or("尚未审结").to_string();
        *totals
            .cases
            .entry((c.kind.to_string(), result))
            .or_default() += 1;
        let unit = units.entry(c.unit.clone()).or_default();
        if c.kind == super::cases::REVIEW {
            unit.reviews += 1;
        } else {
            unit.suits += 1;
        }
    }

    // The yearly files draw from their own streams of the year's seed.
    let calendar = &catalogue.calendar;
    let locale = locale(catalogue, &units_file);
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    rng.set_stream(1);
    let register = documents::documents(
        &mut rng,
        calendar,
        &locale,
        &units_file.units,
        year,
        options.scale,
    );
    totals.documents = documents::totals(&register, year);
    let documents_path = options.out.join("documents.csv");
    super::write_csv_with_header(
        &documents_path,
        register.iter(),
        crate::data::DOCUMENT_COLUMNS,
    )?;

    rng.set_stream(2);
    let text = statistics::statistics(
        &mut rng,
        catalogue,
        &locale,
        &units_file.units,
        year,
        &units,
        &totals,
    );
    let statistics_path = options.out.join(format!("{year}-statistics.yaml"));
    write_atomic(&statistics_path, text.as_bytes())?;
    Ok(YearSummary {
        quarters,
        documents: documents_path,
        statistics: statistics_path,
        totals,
    })
}

/// Adds a quarter's items (published in it) and findings to the year's figures.
fn tally(
    quarter: &Quarter,
    period: Period,
    truth: &Truth,
    units: &mut BTreeMap<String, UnitYear>,
    totals: &mut YearTotals,
) {
    for item in quarter
        .items
        .iter()
        .filter(|i| !i.deleted && period.contains(i.published_on))
    {
        let unit = units.entry(item.unit.clone()).or_default();
        *unit.items.entry(item.channel.clone()).or_default() += 1;
        *totals.items.entry(item.channel.clone()).or_default() += 1;
    }
    for finding in &truth.findings {
        let unit = finding.finding.split('/').next().unwrap_or_default();
        let unit = units.entry(unit.to_string()).or_default();
        *unit.findings.entry(finding.code.to_string()).or_default() += 1;
        totals.findings += 1;
    }
}
