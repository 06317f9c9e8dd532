//! `zwgk generate`: a complete, realistic quarter of audit data with planted defects.
//!
//! Everything is driven by the catalogue: for each unit, every applicable requirement gets
//! data that meets it — register entries published within their limits on every required
//! channel with every element, notices every month, columns updated, applications and
//! messages answered in time, policies interpreted. Then defects of every finding kind are
//! planted at known rates (with holiday-edge cases), and `truth.json` lists the finding id
//! the checker must report for each, so an audit of the data must find exactly those.
//!
//! At scale 1 the volumes follow the model city's 2018 figures per quarter (about 15,000
//! items, 190 applications); `--scale` multiplies them. The RNG is ChaCha8 seeded from
//! `--seed`, so the same seed and catalogue give the same files.

mod cases;
mod documents;
mod plant;
mod statistics;
mod text;
mod year;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use chrono::{Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::catalogue::UnitKind;
use crate::catalogue::{
    Catalogue, CatalogueItem, CheckKind, CheckSpec, EmptyColumnsSpec, FreshnessSpec, InForce,
    InterpretationSpec, Limit, Per, Requirement, ResponseSpec, Source, Standard,
};
use crate::check::applies;
use crate::data::{Period, Unit, UnitsFile};
use crate::output::write_atomic;
use text::{Locale, Writer};
pub(crate) use year::{generate_year, YearOptions, YearSummary};

#[derive(Debug, Clone)]
pub(crate) struct GenerateOptions {
    pub period: Period,
    pub seed: u64,
    pub scale: f64,
    /// units.yaml to draw the units from.
    pub units: PathBuf,
    pub out: PathBuf,
    /// The standards folder, named in audit.yaml's `catalogue`.
    pub standards: PathBuf,
    /// Previous period's results for audit.yaml's `previous` (relative to `out`).
    pub previous: Option<PathBuf>,
    /// Body text for every item; otherwise only for items whose elements a rule checks
    /// (the only texts an audit reads), which keeps a year of data small.
    pub full_text: bool,
}

/// Rows as written to the CSV files (column order is the data contract's).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ItemRow {
    pub id: String,
    pub unit: String,
    pub item_code: String,
    pub column: String,
    pub title: String,
    pub channel: String,
    pub published_on: NaiveDate,
    pub formed_on: Option<NaiveDate>,
    pub register_ref: Option<String>,
    pub doc_no: Option<String>,
    pub interprets: Option<String>,
    pub reviewed: &'static str,
    pub withdrawn_on: Option<NaiveDate>,
    pub url: String,
    pub text: String,
    /// Removed while planting; not written.
    #[serde(skip)]
    pub deleted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RegisterRow {
    pub id: String,
    pub unit: String,
    pub item_code: String,
    pub title: String,
    pub formed_on: NaiveDate,
    pub doc_no: Option<String>,
    #[serde(skip)]
    pub deleted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ApplicationRow {
    pub id: String,
    pub unit: String,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub extended: &'static str,
    pub outcome: Option<String>,
    pub applicant_type: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MessageRow {
    pub id: String,
    pub unit: String,
    pub channel: String,
    pub received_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
}

/// One planted defect and the finding the checker must report for it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Planted {
    pub finding: String,
    pub code: &'static str,
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Truth {
    pub period: Period,
    pub seed: u64,
    pub scale: f64,
    pub counts: BTreeMap<&'static str, usize>,
    /// Findings the audit must report, exactly.
    pub findings: Vec<Planted>,
    /// Instances placed exactly on their deadline: they must pass.
    pub boundary_passes: Vec<String>,
    /// Planted defects covered by the generated waiver: reported as waived, not as findings.
    pub waived: Vec<Planted>,
}

/// The generated quarter, before writing.
#[derive(Default)]
pub(crate) struct Quarter {
    pub items: Vec<ItemRow>,
    pub register: Vec<RegisterRow>,
    pub applications: Vec<ApplicationRow>,
    pub messages: Vec<MessageRow>,
    pub cases: Vec<cases::CaseRow>,
    pub planted: Vec<Planted>,
    pub boundary: Vec<String>,
}

/// What one quarter hands the next when a whole year is generated.
pub(crate) struct Carry {
    /// Applications still open at the end of the quarter before, by unit; `None` for the
    /// first quarter generated, which makes up the ones carried into it.
    applications: Option<HashMap<String, Vec<ApplicationRow>>>,
    /// Review and litigation cases: filed, scheduled to be filed, pending or concluded.
    cases: Vec<cases::Case>,
    decks: Decks,
    /// The last day a case may be filed on: the year's end (a later one is next year's),
    /// or the quarter's when a quarter is generated alone.
    last_day: NaiveDate,
}

impl Carry {
    pub(crate) fn new(last_day: NaiveDate) -> Carry {
        Carry {
            applications: None,
            cases: Vec::new(),
            decks: Decks::default(),
            last_day,
        }
    }
}

/// Categories drawn in fixed proportions: a shuffled deck, dealt card by card and
/// refilled when empty, so that over a year every category turns up about as often as
/// its share says, the rare ones included.
#[derive(Debug, Clone)]
pub(crate) struct Deck {
    cards: &'static [(&'static str, u32)],
    left: Vec<&'static str>,
}

impl Deck {
    fn new(cards: &'static [(&'static str, u32)]) -> Deck {
        Deck {
            cards,
            left: Vec::new(),
        }
    }

    fn deal(&mut self, rng: &mut ChaCha8Rng) -> &'static str {
        if self.left.is_empty() {
            self.left = self
                .cards
                .iter()
                .flat_map(|(card, n)| std::iter::repeat_n(*card, *n as usize))
                .collect();
            for i in (1..self.left.len()).rev() {
                let j = rng.random_range(0..=i);
                self.left.swap(i, j);
            }
        }
        self.left.pop().unwrap_or_default()
    }
}

/// The decks of application outcomes and applicant types, carried across a year.
#[derive(Debug, Clone)]
pub(crate) struct Decks {
    outcomes: Deck,
    applicants: Deck,
}

impl Default for Decks {
    fn default() -> Decks {
        Decks {
            outcomes: Deck::new(OUTCOME_CARDS),
            applicants: Deck::new(APPLICANT_CARDS),
        }
    }
}

/// Outcomes per 200 replies, after the model city's 2018 mix (775 applications, 68 of
/// them refused): most disclosed, many not held, a few of every rare category.
const OUTCOME_CARDS: &[(&str, u32)] = &[
    ("予以公开", 86),
    ("部分公开", 20),
    ("不予公开/属于国家秘密", 1),
    ("不予公开/其他法律行政法规禁止公开", 1),
    ("不予公开/危及“三安全一稳定”", 1),
    ("不予公开/保护第三方合法权益", 5),
    ("不予公开/属于三类内部事务信息", 3),
    ("不予公开/属于四类过程性信息", 3),
    ("不予公开/属于行政执法案卷", 2),
    ("不予公开/属于行政查询事项", 2),
    ("无法提供/本机关不掌握相关政府信息", 34),
    ("无法提供/没有现成信息需要另行制作", 9),
    ("无法提供/补正后申请内容仍不明确", 3),
    ("不予处理/信访举报投诉类申请", 8),
    ("不予处理/重复申请", 5),
    ("不予处理/要求提供公开出版物", 2),
    ("不予处理/无正当理由大量反复申请", 1),
    ("不予处理/要求行政机关确认或重新出具已获取信息", 2),
    (
        "其他处理/申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        6,
    ),
    (
        "其他处理/申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        1,
    ),
    ("其他处理/其他", 5),
];

/// Applicants per 100 applications: mostly citizens, then companies, law firms and
/// other organisations; research institutes and charities now and then.
const APPLICANT_CARDS: &[(&str, u32)] = &[
    ("自然人", 80),
    ("商业企业", 9),
    ("法律服务机构", 5),
    ("其他", 4),
    ("科研机构", 1),
    ("社会公益组织", 1),
];

/// Generation state shared by the builders.
pub(crate) struct Gen<'a> {
    pub catalogue: &'a Catalogue,
    pub calendar: &'a Calendar,
    pub period: Period,
    pub scale: f64,
    pub rng: ChaCha8Rng,
    pub q: Quarter,
    pub rows: std::collections::HashMap<&'a str, (&'a Standard, &'a CatalogueItem)>,
    /// The current unit's defect-rate multiplier while planting.
    pub laxity: f64,
    /// Index of the current unit's first item while generating.
    unit_start: usize,
    serial: u32,
    pub(super) locale: Locale,
    /// The earliest day the data may hold: the calendar's first day (the loader refuses
    /// dates in years the calendar lacks), so a quarter at its start carries nothing in.
    pub first_day: NaiveDate,
    /// Applications open at the end of the quarter before, by unit (a year's later
    /// quarters); replied in this one.
    carried: HashMap<String, Vec<ApplicationRow>>,
    /// Whether to make up applications received before the period (a quarter generated
    /// alone, or a year's first).
    invent_carried: bool,
    decks: Decks,
}

/// What one unit's catalogue-driven records need, per row code.
/// A response rule with its parameters.
type Response<'a> = (&'a Requirement, &'a ResponseSpec);

#[derive(Default)]
struct CodePlan {
    checks: BTreeSet<CheckKind>,
    channels: BTreeSet<String>,
    /// Elements a rule lists instead of the row's (an earlier edition's list): written too.
    elements: Vec<String>,
    /// Limits timeliness rules give themselves, with the days they are in force.
    limits: Vec<(Option<InForce>, Limit)>,
    per_month: u32,
}

/// Generates one quarter on its own.
pub(crate) fn generate(catalogue: &Catalogue, options: &GenerateOptions) -> Result<Truth> {
    let units_file = read_units(&options.units)?;
    let mut carry = Carry::new(options.period.end());
    let (truth, _) = generate_quarter(catalogue, options, &units_file, &mut carry)?;
    Ok(truth)
}

pub(crate) fn read_units(path: &Path) -> Result<UnitsFile> {
    let units_text = crate::yaml::read(path)?;
    let (units_file, _): (UnitsFile, _) = crate::yaml::parse(path, &units_text)?;
    Ok(units_file)
}

/// Generates and writes one quarter, continuing from what the quarter before left open
/// (`carry`), which it updates for the next; returns the truth and the quarter's rows.
pub(crate) fn generate_quarter(
    catalogue: &Catalogue,
    options: &GenerateOptions,
    units_file: &UnitsFile,
    carry: &mut Carry,
) -> Result<(Truth, Quarter)> {
    let calendar = &catalogue.calendar;
    let first_day = NaiveDate::from_ymd_opt(calendar.years().0, 1, 1)
        .ok_or_else(|| Error::Invalid("the working-day calendar has no first year".into()))?;
    let mut g = Gen {
        catalogue,
        calendar,
        period: options.period,
        scale: options.scale,
        rng: ChaCha8Rng::seed_from_u64(options.seed),
        q: Quarter::default(),
        rows: catalogue.items(),
        laxity: 1.0,
        unit_start: 0,
        serial: 0,
        locale: locale(catalogue, units_file),
        first_day,
        invent_carried: carry.applications.is_none(),
        carried: carry.applications.take().unwrap_or_default(),
        decks: std::mem::take(&mut carry.decks),
    };
    // Dates up to a month or two before the period are used (carried instances) where
    // the calendar has them; it must cover the period.
    g.calendar
        .is_working_day(g.period.start())
        .and(g.calendar.is_working_day(g.period.end()))
        .map_err(|e| {
            Error::Invalid(format!(
                "the period is not covered by the working-day calendar: {e}"
            ))
        })?;

    for unit in &units_file.units {
        g.unit(unit);
    }
    let waiver = plant::plant(&mut g, &units_file.units);
    cases::schedule(&mut g, &mut carry.cases, carry.last_day, &units_file.units);
    g.q.cases = cases::rows(&mut g, &mut carry.cases, &units_file.units);
    let mut open: HashMap<String, Vec<ApplicationRow>> = HashMap::new();
    for a in g.q.applications.iter().filter(|a| a.replied_on.is_none()) {
        open.entry(a.unit.clone()).or_default().push(a.clone());
    }
    carry.applications = Some(open);
    carry.decks = std::mem::take(&mut g.decks);
    let truth = write(&g, options, units_file, waiver)?;
    Ok((truth, g.q))
}

/// The jurisdiction and its towns (units of kind town) for generated text.
fn locale(catalogue: &Catalogue, units: &UnitsFile) -> Locale {
    let meta = &catalogue.meta;
    let first = meta.jurisdiction.chars().next().map(String::from);
    Locale {
        jurisdiction: meta.jurisdiction.clone(),
        short: meta.abbreviation.clone().or(first).unwrap_or_default(),
        website: meta
            .website
            .clone()
            .unwrap_or_else(|| "http://www.example.gov.cn".into()),
        towns: units
            .units
            .iter()
            .filter(|u| u.kind == UnitKind::Town)
            .map(|u| u.name.clone())
            .collect(),
        portal: meta.channels.first().cloned().unwrap_or_default(),
        second_channel: meta
            .channels
            .get(1)
            .or(meta.channels.first())
            .cloned()
            .unwrap_or_default(),
    }
}

impl<'a> Gen<'a> {
    fn writer(&mut self) -> Writer<'_> {
        Writer {
            rng: &mut self.rng,
            locale: &self.locale,
        }
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.serial += 1;
        format!(
            "{prefix}{}{:07}",
            self.period.to_string().replace('-', ""),
            self.serial
        )
    }

    /// A reviewed item with a fresh id and its page address, published by `unit` on
    /// `day`; callers fill in what it is.
    fn new_item(&mut self, unit: &Unit, day: NaiveDate) -> ItemRow {
        let id = self.next_id("I");
        ItemRow {
            url: format!(
                "{}/{}/{id}.html",
                self.locale.website.trim_end_matches('/'),
                unit.id.to_lowercase()
            ),
            id,
            unit: unit.id.clone(),
            item_code: String::new(),
            column: String::new(),
            title: String::new(),
            channel: self.locale.portal.clone(),
            published_on: day,
            formed_on: None,
            register_ref: None,
            doc_no: None,
            interprets: None,
            reviewed: "是",
            withdrawn_on: None,
            text: String::new(),
            deleted: false,
        }
    }

    /// The day `days` before the period, or the first day the data may hold.
    fn lead_in(&self, days: u64) -> NaiveDate {
        (self.period.start() - Days::new(days)).max(self.first_day)
    }

    fn count(&mut self, base: f64) -> usize {
        let n = base * self.scale;
        let whole = n.floor();
        (whole as usize) + usize::from(self.rng.random_bool((n - whole).clamp(0.0, 1.0)))
    }

    /// A day in `[from, to]`, a working day when one is found in a few draws.
    fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        if to <= from {
            return from;
        }
        let span = (to - from).num_days() as u64;
        let mut day = from;
        for _ in 0..8 {
            day = from + Days::new(self.rng.random_range(0..=span));
            if self.calendar.is_working_day(day).unwrap_or(false) {
                break;
            }
        }
        day
    }

    /// The unit's requirements in force at some time from two months before the period
    /// (the carried instances) to its end: an earlier edition's rule plants nothing in a
    /// quarter long after it was replaced.
    pub(crate) fn applicable(&self, unit: &Unit) -> Vec<(&'a Standard, &'a Requirement)> {
        let dates = InForce {
            from: Some(self.period.start() - Days::new(60)),
            to: Some(self.period.end()),
        };
        self.catalogue
            .standards
            .iter()
            .flat_map(|s| s.requirements.iter().map(move |r| (s, r)))
            .filter(|(_, r)| applies(r, unit) && r.in_force.is_none_or(|w| w.overlaps(&dates)))
            .collect()
    }

    fn unit(&mut self, unit: &Unit) {
        self.unit_start = self.q.items.len();
        let rules = self.applicable(unit);
        let mut plans: BTreeMap<String, CodePlan> = BTreeMap::new();
        for (_, rule) in &rules {
            for code in rule.codes() {
                let plan = plans.entry(code.clone()).or_default();
                plan.checks.insert(rule.check());
                match &rule.spec {
                    CheckSpec::Channels(spec) => {
                        let row_channels = self
                            .rows
                            .get(code.as_str())
                            .map(|(_, i)| i.channels.clone())
                            .unwrap_or_default();
                        plan.channels
                            .extend(spec.channels.clone().unwrap_or(row_channels));
                    }
                    CheckSpec::Timeliness(spec) => {
                        plan.limits.extend(spec.limit.map(|l| (rule.in_force, l)))
                    }
                    CheckSpec::Elements(spec) => plan
                        .elements
                        .extend(spec.elements.iter().flatten().cloned()),
                    CheckSpec::Coverage(spec) => {
                        let per_month = match spec.per {
                            Per::Month => spec.min,
                            Per::Period => spec.min.div_ceil(3),
                        };
                        plan.per_month = plan.per_month.max(per_month);
                    }
                    _ => {}
                }
            }
        }
        for (code, plan) in &plans {
            if let Some((_, row)) = self.rows.get(code.as_str()).copied() {
                self.catalogue_records(unit, row, plan);
            }
        }
        for (_, rule) in &rules {
            match &rule.spec {
                CheckSpec::Interpretation(spec) => self.interpretations(unit, spec),
                CheckSpec::Freshness(spec) => self.columns(unit, spec),
                CheckSpec::EmptyColumns(spec) => self.fill_columns(unit, spec),
                _ => {}
            }
        }
        let responses: Vec<Response<'_>> = rules
            .iter()
            .filter_map(|(_, r)| match &r.spec {
                CheckSpec::Response(spec) => Some((*r, spec)),
                _ => None,
            })
            .collect();
        self.applications(unit, &responses);
        self.messages(unit, &responses);
        self.news(unit);
    }

    /// Register entries for a catalogue row, each published on time on its channels.
    fn catalogue_records(&mut self, unit: &Unit, row: &CatalogueItem, plan: &CodePlan) {
        let months = self.period.months();
        let entries = if plan.per_month > 0 {
            months
                .iter()
                .flat_map(|m| std::iter::repeat_n(*m, plan.per_month as usize))
                .collect::<Vec<_>>()
        } else {
            let base = 2.0 + f64::from(self.rng.random_range(0..3u32));
            let n = self.count(base);
            (0..n)
                .map(|_| (self.lead_in(20), self.period.end()))
                .collect()
        };
        // A few more than the minimum per month, so coverage is met with room to spare.
        let extra = if plan.per_month > 0 {
            self.count(1.0)
        } else {
            0
        };
        let windows: Vec<(NaiveDate, NaiveDate)> = entries
            .into_iter()
            .chain((0..extra).map(|i| months[i % months.len()]))
            .collect();
        let channels: Vec<String> = if plan.channels.is_empty() {
            row.channels.iter().take(2).cloned().collect()
        } else {
            plan.channels.iter().cloned().collect()
        };
        // Items carry the row's elements and those an elements rule lists itself.
        let mut elements = row.elements.clone();
        for extra in &plan.elements {
            if !elements.contains(extra) {
                elements.push(extra.clone());
            }
        }
        let row = CatalogueItem {
            elements,
            ..row.clone()
        };
        for (from, to) in windows {
            self.entry(
                unit,
                &row,
                &plan.limits,
                (from, to),
                &channels,
                plan.per_month > 0,
            );
        }
    }

    /// One register entry formed in `window` and its publications.
    fn entry(
        &mut self,
        unit: &Unit,
        row: &CatalogueItem,
        limits: &[(Option<InForce>, Limit)],
        window: (NaiveDate, NaiveDate),
        channels: &[String],
        same_month: bool,
    ) {
        let (start, end) = (self.period.start(), self.period.end());
        let latest_formed = if same_month {
            window.1 - Days::new(4)
        } else {
            window.1 - Days::new(2)
        };
        let formed = self.day_between(window.0, latest_formed.max(window.0));
        // The earliest deadline of the limits in force on the day it was formed: the row's
        // and those of rules (an earlier edition's among them) that set their own.
        let in_force = limits
            .iter()
            .filter(|(days, _)| days.is_none_or(|d| d.contains(formed)))
            .map(|(_, limit)| *limit)
            .chain(row.time_limit.days());
        let deadlines: Vec<NaiveDate> = in_force
            .map(|l| l.due(self.calendar, formed).unwrap_or(end))
            .collect();
        let deadline = deadlines.into_iter().min().unwrap_or(formed + Days::new(5));
        let last_day = if same_month { window.1 } else { end };
        let earliest = formed.max(start);
        let latest = deadline.min(last_day);
        let id = self.next_id("T");
        let title = format!(
            "{}{}",
            unit.name,
            row.level2.as_deref().unwrap_or(&row.level1)
        );
        let doc_no = row.level1.contains("文件").then(|| {
            let (prefix, year) = (format!("{}政规", self.locale.short), self.period.year);
            self.writer().doc_no(&prefix, year)
        });
        self.q.register.push(RegisterRow {
            id: id.clone(),
            unit: unit.id.clone(),
            item_code: row.code.clone(),
            title: title.clone(),
            formed_on: formed,
            doc_no: doc_no.clone(),
            deleted: false,
        });
        if earliest > latest {
            return; // due after the period: pending, published next quarter
        }
        let published = self.day_between(earliest, latest);
        let text = self.writer().body(&row.elements, published, &unit.name);
        for channel in channels {
            let item = self.new_item(unit, published);
            self.q.items.push(ItemRow {
                item_code: row.code.clone(),
                column: column_of(row),
                title: title.clone(),
                channel: channel.clone(),
                formed_on: Some(formed),
                register_ref: Some(id.clone()),
                doc_no: doc_no.clone(),
                text: text.clone(),
                ..item
            });
        }
    }

    /// An interpretation for every policy document, within the limit.
    fn interpretations(&mut self, unit: &Unit, spec: &InterpretationSpec) {
        let (limit, codes) = (spec.limit, &spec.codes);
        let interpretation_row = self
            .catalogue
            .standards
            .iter()
            .flat_map(|s| &s.items)
            .find(|i| i.level1.contains("解读"))
            .cloned();
        let policies: Vec<(String, NaiveDate, String)> =
            first_publications(self.q.items[self.unit_start..].iter(), codes);
        for (policy_id, published, title) in policies {
            let Ok(deadline) = limit.due(self.calendar, published) else {
                continue;
            };
            if deadline > self.period.end() && self.rng.random_bool(0.5) {
                continue; // pending: interpreted next quarter
            }
            let day = self.day_between(published, deadline.min(self.period.end()));
            let (code, column, elements) = match &interpretation_row {
                Some(row) => (row.code.clone(), column_of(row), row.elements.clone()),
                None => (String::new(), "政策解读".to_string(), Vec::new()),
            };
            let item = self.new_item(unit, day);
            let text = self.writer().body(&elements, day, &unit.name);
            self.q.items.push(ItemRow {
                item_code: code,
                column,
                title: format!("《{title}》政策解读"),
                interprets: Some(policy_id),
                text,
                ..item
            });
        }
    }

    /// Updates for a freshness rule. Columns: gaps of at most 10 days from a few days into
    /// the period to its end; where the rule allows more than a period between updates
    /// (半年更新), one earlier update carried into the data for a column the unit has not
    /// published in. A channel: posts on it as often. A page (首页) is made of columns
    /// other rules and the news fill.
    fn columns(&mut self, unit: &Unit, spec: &FreshnessSpec) {
        let period_days = (self.period.end() - self.period.start()).num_days();
        let portal = self.locale.portal.clone();
        match (&spec.channel, &spec.page) {
            (Some(channel), _) => self.updates(unit, channel, channel, spec.max_gap_days),
            (None, Some(_)) => {}
            (None, None) if i64::from(spec.max_gap_days) > period_days => {
                for column in &spec.columns {
                    let published = self.q.items[self.unit_start..]
                        .iter()
                        .any(|i| &i.column == column);
                    if !published {
                        let last = i64::from(spec.max_gap_days) - period_days - 10;
                        let back = self.rng.random_range(1..=last.max(1) as u64);
                        let day = self.period.start() - Days::new(back);
                        if day >= self.first_day {
                            self.news_item(unit, column, &portal, day);
                        }
                    }
                }
            }
            (None, None) => {
                for column in &spec.columns {
                    self.updates(unit, column, &portal, spec.max_gap_days);
                }
            }
        }
    }

    /// One plain update (no catalogue record) in each listed column that has none so far:
    /// a small unit may have no record for the column, and a defect planted on its records
    /// may remove them all, either leaving the column empty where nothing was planted.
    fn fill_columns(&mut self, unit: &Unit, spec: &EmptyColumnsSpec) {
        for column in &spec.columns {
            let plain = self.q.items[self.unit_start..]
                .iter()
                .any(|i| &i.column == column && i.item_code.is_empty());
            if !plain {
                let day = self.day_between(self.period.start(), self.period.end());
                let portal = self.locale.portal.clone();
                self.news_item(unit, column, &portal, day);
            }
        }
    }

    /// Items in `column` on `channel` with gaps of at most min(max_gap, 10) days.
    fn updates(&mut self, unit: &Unit, column: &str, channel: &str, max_gap_days: u32) {
        let max_gap = u64::from(max_gap_days.clamp(1, 10));
        let mut day = self.period.start() + Days::new(self.rng.random_range(0..max_gap));
        while day <= self.period.end() {
            self.news_item(unit, column, channel, day);
            day = day + Days::new(self.rng.random_range(1..=max_gap));
        }
    }

    fn news_item(&mut self, unit: &Unit, column: &str, channel: &str, day: NaiveDate) {
        let item = self.new_item(unit, day);
        let mut w = self.writer();
        let title = w.headline(&unit.name);
        let text = w.news_body(day);
        self.q.items.push(ItemRow {
            column: column.to_string(),
            title,
            channel: channel.into(),
            text,
            ..item
        });
    }

    fn news(&mut self, unit: &Unit) {
        let have = self.q.items.len() - self.unit_start;
        let target = self.count(250.0);
        let (start, end) = (self.period.start(), self.period.end());
        for _ in have..target {
            let column = *["工作动态", "工作动态", "要闻", "图片新闻", "领导活动"]
                .choose(&mut self.rng)
                .expect("non-empty");
            let day = self.day_between(start, end);
            let portal = self.locale.portal.clone();
            self.news_item(unit, column, &portal, day);
        }
    }

    fn applications(&mut self, unit: &Unit, rules: &[Response<'_>]) {
        let (start, end) = (self.period.start(), self.period.end());
        let limit_on = |received: NaiveDate, extended: bool| {
            rules
                .iter()
                .find(|(r, s)| s.source == Source::Applications && r.in_force_on(received))
                .map(|(_, spec)| {
                    if extended {
                        spec.limit.extended(spec.extension_working_days)
                    } else {
                        spec.limit
                    }
                })
        };
        // Open when the quarter before ended, replied now: within the deadline when it
        // was pending; late when it went unanswered past it (counted there, not again).
        for mut carried in self.carried.remove(&unit.id).unwrap_or_default() {
            let deadline = limit_on(carried.received_on, carried.extended == "是")
                .and_then(|limit| limit.due(self.calendar, carried.received_on).ok());
            let replied = match deadline {
                Some(deadline) if deadline >= start => self.day_between(start, deadline.min(end)),
                _ => self.day_between(start, (start + Days::new(20)).min(end)),
            };
            carried.replied_on = Some(replied);
            carried.outcome = Some(self.outcome());
            self.q.applications.push(carried);
        }
        // 775 applications in 2018 across 60 units, most of them about land
        // requisition, planning and housing.
        let base = [
            ("国土", 30.0),
            ("住建", 22.0),
            ("规划", 18.0),
            ("房管", 14.0),
            ("公安", 10.0),
            ("人社", 8.0),
        ]
        .iter()
        .find(|(word, _)| unit.name.contains(word))
        .map_or(
            if unit.kind == UnitKind::Town {
                3.0
            } else {
                1.2
            },
            |(_, base)| *base,
        );
        // A quarter on its own (or a year's first) also has applications received in
        // the weeks before it and still open when it began.
        let from = if self.invent_carried {
            self.lead_in(20)
        } else {
            start
        };
        let days = (end - start).num_days() as f64 + 1.0;
        let n = self.count(base * ((end - from).num_days() as f64 + 1.0) / days);
        for _ in 0..n {
            let received = self.day_between(from, end);
            let extended = self.rng.random_bool(0.05);
            let Some(limit) = limit_on(received, extended) else {
                continue;
            };
            let deadline = limit.due(self.calendar, received).unwrap_or(end);
            let earliest = received.max(start);
            let replied =
                if deadline.min(end) < earliest || (deadline > end && self.rng.random_bool(0.3)) {
                    None
                } else {
                    Some(self.day_between(earliest, deadline.min(end)))
                };
            if replied.is_none() && deadline <= end {
                continue; // would be unanswered: only planted defects are
            }
            let outcome = replied.map(|_| self.outcome());
            let applicant = self.decks.applicants.deal(&mut self.rng);
            let id = self.next_id("A");
            self.q.applications.push(ApplicationRow {
                id,
                unit: unit.id.clone(),
                received_on: received,
                replied_on: replied,
                extended: if extended { "是" } else { "否" },
                outcome,
                applicant_type: applicant.into(),
            });
        }
    }

    /// An outcome category of the annual report, in the 2018 proportions.
    pub(crate) fn outcome(&mut self) -> String {
        self.decks.outcomes.deal(&mut self.rng).to_string()
    }

    fn messages(&mut self, unit: &Unit, rules: &[Response<'_>]) {
        let message_rules: Vec<Response<'_>> = rules
            .iter()
            .copied()
            .filter(|(_, s)| s.source == Source::Messages)
            .collect();
        if message_rules.is_empty() {
            return;
        }
        let n = self.count(10.0);
        let (start, end) = (self.period.start(), self.period.end());
        for _ in 0..n {
            let received = self.day_between(self.lead_in(10), end);
            // The tightest limit of the message rules in force.
            let deadline = message_rules
                .iter()
                .filter(|(r, _)| r.in_force_on(received))
                .filter_map(|(_, s)| s.limit.due(self.calendar, received).ok())
                .min()
                .unwrap_or(end);
            let earliest = received.max(start);
            let replied = if deadline < earliest {
                continue;
            } else if deadline > end {
                None
            } else {
                Some(self.day_between(earliest, deadline))
            };
            let id = self.next_id("M");
            let channel = if self.rng.random_bool(0.7) {
                self.locale.portal.clone()
            } else {
                self.locale.second_channel.clone()
            };
            self.q.messages.push(MessageRow {
                id,
                unit: unit.id.clone(),
                channel,
                received_on: received,
                replied_on: replied,
            });
        }
    }
}

/// The first publication (earliest, then lowest id) of each register entry with the codes.
fn first_publications<'i>(
    items: impl Iterator<Item = &'i ItemRow>,
    codes: &[String],
) -> Vec<(String, NaiveDate, String)> {
    let mut first: BTreeMap<&str, &ItemRow> = BTreeMap::new();
    for item in items.filter(|i| !i.deleted && codes.contains(&i.item_code)) {
        let key = item.register_ref.as_deref().unwrap_or(&item.id);
        let best = first.entry(key).or_insert(item);
        if (item.published_on, &item.id) < (best.published_on, &best.id) {
            *best = item;
        }
    }
    first
        .values()
        .map(|i| (i.id.clone(), i.published_on, i.title.clone()))
        .collect()
}

/// Website column for a catalogue row.
fn column_of(row: &CatalogueItem) -> String {
    let name = &row.level1;
    for (word, column) in [
        ("规范性文件", "政策文件"),
        ("解读", "政策解读"),
        ("通知公告", "通知公告"),
        ("年度报告", "信息公开年报"),
    ] {
        if name.contains(word) {
            return column.into();
        }
    }
    name.clone()
}

fn write(
    g: &Gen<'_>,
    options: &GenerateOptions,
    units: &UnitsFile,
    waiver: Option<String>,
) -> Result<Truth> {
    let out = &options.out;
    std::fs::create_dir_all(out).map_err(|e| Error::io("创建", out, e))?;
    let read = crate::data::text_codes(g.catalogue);
    let items = g.q.items.iter().filter(|i| !i.deleted);
    if options.full_text {
        write_csv(&out.join("items.csv"), items)?;
    } else {
        let items: Vec<ItemRow> = items
            .map(|item| ItemRow {
                text: if read.contains(item.item_code.as_str()) {
                    item.text.clone()
                } else {
                    String::new()
                },
                ..item.clone()
            })
            .collect();
        write_csv(&out.join("items.csv"), items.iter())?;
    }
    write_csv(
        &out.join("register.csv"),
        g.q.register.iter().filter(|e| !e.deleted),
    )?;
    write_csv(&out.join("applications.csv"), g.q.applications.iter())?;
    write_csv(&out.join("messages.csv"), g.q.messages.iter())?;
    write_csv_with_header(
        &out.join("cases.csv"),
        g.q.cases.iter(),
        crate::data::CASE_COLUMNS,
    )?;

    let units_path = relative_units(out, &options.units, units)?;
    let standards = relative(out, &options.standards)
        .unwrap_or_else(|| options.standards.display().to_string());
    let mut audit = format!(
        "# {}{}政务公开考核数据\njurisdiction: {}\nperiod: {}\nunits: {}\ncatalogue: {}\nscoring: {{model: default}}\nsampling: {{level: II, confidence: 0.95, tolerable_rate: 0.10, seed: {}}}\n",
        units.jurisdiction,
        g.period.label_zh(),
        units.jurisdiction,
        g.period,
        units_path,
        standards,
        g.period.end().format("%Y%m%d")
    );
    if let Some(previous) = &options.previous {
        audit.push_str(&format!("previous: {}\n", previous.display()));
    }
    audit.push_str(&format!(
        "circular: {{number: {}}}\n",
        document_number(&units.jurisdiction, g.period)
    ));
    write_atomic(&out.join("audit.yaml"), audit.as_bytes())?;
    if let Some(waivers) = &waiver {
        write_atomic(&out.join("waivers.yaml"), waivers.as_bytes())?;
    }

    let mut counts = BTreeMap::new();
    counts.insert("items", g.q.items.iter().filter(|i| !i.deleted).count());
    counts.insert(
        "register",
        g.q.register.iter().filter(|e| !e.deleted).count(),
    );
    counts.insert("applications", g.q.applications.len());
    counts.insert("messages", g.q.messages.len());
    counts.insert("cases", g.q.cases.len());
    let (waived, findings): (Vec<Planted>, Vec<Planted>) =
        g.q.planted
            .iter()
            .cloned()
            .partition(|p| p.note.contains("（已豁免）"));
    let truth = Truth {
        period: g.period,
        seed: options.seed,
        scale: options.scale,
        counts,
        findings,
        boundary_passes: g.q.boundary.clone(),
        waived,
    };
    write_atomic(&out.join("truth.json"), &serde_json::to_vec_pretty(&truth)?)?;
    Ok(truth)
}

/// A 发文字号 for the quarter's circular: the city's one-character short name (如皋市 →
/// 皋), the year it goes out (the fourth quarter's in January) and the quarter as its
/// number.
fn document_number(jurisdiction: &str, period: crate::data::Period) -> String {
    let name: Vec<char> = jurisdiction.chars().collect();
    let short = match name.as_slice() {
        [.., short, '市' | '县' | '区'] => *short,
        [.., last] => *last,
        [] => '市',
    };
    let quarter = period.quarter.unwrap_or(1);
    let year = period.year + i32::from(quarter == 4);
    format!("{short}政务公开〔{year}〕{quarter}号")
}

/// `units:` for audit.yaml: a path relative to the audit folder, or a copy beside it.
fn relative_units(out: &Path, units_path: &Path, units: &UnitsFile) -> Result<String> {
    match relative(out, units_path) {
        Some(path) => Ok(path),
        None => copy_units(out, units),
    }
}

/// `target` relative to the folder `from`, when both exist.
fn relative(from: &Path, target: &Path) -> Option<String> {
    let (from, target) = (from.canonicalize().ok()?, target.canonicalize().ok()?);
    pathdiff::diff_paths(target, from).map(|p| p.display().to_string())
}

fn copy_units(out: &Path, units: &UnitsFile) -> Result<String> {
    write_atomic(
        &out.join("units.yaml"),
        serde_yaml::to_string(units)
            .map_err(|e| Error::internal("写入 units.yaml", e))?
            .as_bytes(),
    )?;
    Ok("units.yaml".into())
}

fn write_csv<'r, T: Serialize + 'r>(path: &Path, rows: impl Iterator<Item = &'r T>) -> Result<()> {
    write_csv_with_header(path, rows, &[])
}

/// Writes the rows; `header` is written first when given (a file with no rows still has
/// its header), else the rows' field names are.
fn write_csv_with_header<'r, T: Serialize + 'r>(
    path: &Path,
    rows: impl Iterator<Item = &'r T>,
    header: &[&str],
) -> Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(header.is_empty())
        .from_writer(Vec::new());
    if !header.is_empty() {
        writer
            .write_record(header)
            .map_err(|e| Error::internal(format!("写入 {}", path.display()), e))?;
    }
    for row in rows {
        writer
            .serialize(row)
            .map_err(|e| Error::internal(format!("写入 {}", path.display()), e))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::internal(format!("写入 {}", path.display()), e))?;
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{parse_outcome, APPLICANT_TYPES, OUTCOMES};

    #[test]
    fn the_decks_hold_every_official_category_and_nothing_else() {
        let cards: Vec<&str> = OUTCOME_CARDS.iter().map(|(c, _)| *c).collect();
        for (major, minors) in OUTCOMES {
            if minors.is_empty() {
                assert!(cards.contains(major), "{major}");
            }
            for minor in *minors {
                assert!(
                    cards.contains(&format!("{major}/{minor}").as_str()),
                    "{major}/{minor}"
                );
            }
        }
        assert!(cards.iter().all(|c| parse_outcome(c).is_some()));
        let refused: u32 = OUTCOME_CARDS
            .iter()
            .filter(|(c, _)| c.starts_with("不予公开"))
            .map(|(_, n)| n)
            .sum();
        let all: u32 = OUTCOME_CARDS.iter().map(|(_, n)| n).sum();
        // 68 of 775 in the model city's 2018.
        assert!((f64::from(refused) / f64::from(all) - 68.0 / 775.0).abs() < 0.01);
        let applicants: Vec<&str> = APPLICANT_CARDS.iter().map(|(c, _)| *c).collect();
        let mut types = APPLICANT_TYPES.to_vec();
        let mut dealt = applicants.clone();
        types.sort();
        dealt.sort();
        assert_eq!(dealt, types);
    }

    #[test]
    fn a_deck_deals_its_cards_in_their_proportions() {
        let mut deck = Deck::new(APPLICANT_CARDS);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut dealt: BTreeMap<&str, u32> = BTreeMap::new();
        for _ in 0..300 {
            *dealt.entry(deck.deal(&mut rng)).or_default() += 1;
        }
        for (card, n) in APPLICANT_CARDS {
            assert_eq!(dealt[card], 3 * n, "{card}");
        }
    }

    #[test]
    fn quarter_seeds_end_in_the_quarter_end() {
        let q = |n| Period {
            year: 2018,
            quarter: Some(n),
        };
        assert_eq!(year::quarter_seed(2018, q(1)).unwrap(), 20180331);
        assert_eq!(year::quarter_seed(2018, q(3)).unwrap(), 20180930);
        assert_eq!(year::quarter_seed(2018, q(4)).unwrap(), 20181231);
        assert!(year::quarter_seed(u64::MAX / 100, q(4)).is_err());
    }
}
