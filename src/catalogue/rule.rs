//! Requirements: the checkable rules of a standard, as written in YAML and as validated.
//!
//! A requirement is read as a flat [`RequirementRecord`] in which every parameter is
//! optional, because which ones apply depends on its check kind. Validation reports every
//! parameter that is missing or out of place; [`RequirementRecord::typed`] then builds the
//! [`Requirement`] whose [`CheckSpec`] holds exactly the parameters of its check, so a
//! check cannot meet a missing one.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::model::{AppliesTo, InForce, Per, Source};
use crate::calendar::{Calendar, MissingYear};

/// A requirement as written in a standard's YAML.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementRecord {
    pub id: String,
    pub title: String,
    pub clause: String,
    pub check: CheckKind,
    pub weight: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<AppliesTo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force: Option<InForce>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub veto: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veto_at: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<RuleLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<Per>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_gap_days: Option<u32>,
    /// Freshness of the listed columns read as one page (首页): one instance, named so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Freshness of what a unit publishes on one channel (政务新媒体), whatever the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elements: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<String>,
    /// A manual requirement the spot-check sample's verdicts are recorded under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<bool>,
}

/// A validated requirement: what every check shares, and its own parameters in `spec`.
/// Serialised as the record it was read from.
#[derive(Debug, Clone, Serialize)]
#[serde(into = "RequirementRecord")]
pub struct Requirement {
    pub id: String,
    pub title: String,
    pub clause: String,
    pub weight: u32,
    pub applies_to: Option<AppliesTo>,
    pub in_force: Option<InForce>,
    pub veto: bool,
    pub veto_at: Option<u32>,
    pub spec: CheckSpec,
    /// The number of the earlier edition the requirement belongs to (None: the current one).
    pub edition: Option<String>,
}

/// One variant per check kind, holding exactly the parameters that check reads.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckSpec {
    Timeliness(TimelinessSpec),
    Coverage(CoverageSpec),
    Freshness(FreshnessSpec),
    EmptyColumns(EmptyColumnsSpec),
    Response(ResponseSpec),
    Interpretation(InterpretationSpec),
    Elements(ElementsSpec),
    Channels(ChannelsSpec),
    Display(DisplaySpec),
    Review(ReviewSpec),
    Manual(ManualSpec),
}

/// Register entries with these codes are published within the limit (the requirement's
/// own, else the catalogue row's).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelinessSpec {
    pub codes: Vec<String>,
    pub limit: Option<Limit>,
}

/// At least `min` items with these codes in each period or month.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageSpec {
    pub codes: Vec<String>,
    pub min: u32,
    pub per: Per,
}

/// No gap longer than `max_gap_days` between updates: of each website column, of the
/// columns together as one `page`, or of everything on one `channel`.
#[derive(Debug, Clone, PartialEq)]
pub struct FreshnessSpec {
    /// Empty with a channel: every column.
    pub columns: Vec<String>,
    pub max_gap_days: u32,
    pub page: Option<String>,
    pub channel: Option<String>,
}

impl FreshnessSpec {
    /// The name of the one instance when the columns are read together, if they are.
    pub fn together(&self) -> Option<&str> {
        self.page.as_deref().or(self.channel.as_deref())
    }
}

/// Each listed website column holds at least one item (no 空白栏目).
#[derive(Debug, Clone, PartialEq)]
pub struct EmptyColumnsSpec {
    pub columns: Vec<String>,
}

/// Applications or messages are replied to within the limit; an approved extension adds
/// `extension_working_days`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSpec {
    pub source: Source,
    pub limit: Limit,
    pub extension_working_days: u32,
}

/// Policy documents with these codes are interpreted within the limit.
#[derive(Debug, Clone, PartialEq)]
pub struct InterpretationSpec {
    pub codes: Vec<String>,
    pub limit: Limit,
}

/// Items with these codes contain the elements (the requirement's list, else the row's).
#[derive(Debug, Clone, PartialEq)]
pub struct ElementsSpec {
    pub codes: Vec<String>,
    pub elements: Option<Vec<String>>,
}

/// Register entries with these codes are published on every channel (the requirement's
/// list, else the row's).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelsSpec {
    pub codes: Vec<String>,
    pub channels: Option<Vec<String>>,
}

/// Items with these codes stay on display for their row's display period.
#[derive(Debug, Clone, PartialEq)]
pub struct DisplaySpec {
    pub codes: Vec<String>,
}

/// Items (with these codes, or all) were reviewed before publication.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSpec {
    pub codes: Option<Vec<String>>,
}

/// Checked by inspectors: what they verify, and whether the spot-check sample's item
/// verdicts are recorded under it.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualSpec {
    pub verify: String,
    pub sample: bool,
}

impl Requirement {
    /// Whether the requirement is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.in_force.as_ref().is_none_or(|w| w.contains(day))
    }

    pub fn check(&self) -> CheckKind {
        match &self.spec {
            CheckSpec::Timeliness(_) => CheckKind::Timeliness,
            CheckSpec::Coverage(_) => CheckKind::Coverage,
            CheckSpec::Freshness(_) => CheckKind::Freshness,
            CheckSpec::EmptyColumns(_) => CheckKind::EmptyColumns,
            CheckSpec::Response(_) => CheckKind::Response,
            CheckSpec::Interpretation(_) => CheckKind::Interpretation,
            CheckSpec::Elements(_) => CheckKind::Elements,
            CheckSpec::Channels(_) => CheckKind::Channels,
            CheckSpec::Display(_) => CheckKind::Display,
            CheckSpec::Review(_) => CheckKind::Review,
            CheckSpec::Manual(_) => CheckKind::Manual,
        }
    }

    /// The catalogue row codes the requirement names, if its check takes any.
    pub fn codes(&self) -> &[String] {
        match &self.spec {
            CheckSpec::Timeliness(s) => &s.codes,
            CheckSpec::Coverage(s) => &s.codes,
            CheckSpec::Interpretation(s) => &s.codes,
            CheckSpec::Elements(s) => &s.codes,
            CheckSpec::Channels(s) => &s.codes,
            CheckSpec::Display(s) => &s.codes,
            CheckSpec::Review(s) => s.codes.as_deref().unwrap_or_default(),
            CheckSpec::Freshness(_)
            | CheckSpec::EmptyColumns(_)
            | CheckSpec::Response(_)
            | CheckSpec::Manual(_) => &[],
        }
    }
}

impl RequirementRecord {
    /// The typed requirement, or the first parameter its check needs that is missing.
    /// Validation reports every such problem first; this is where none can slip through.
    pub fn typed(&self) -> Result<Requirement, Param> {
        let codes = || self.codes.clone().ok_or(Param::Codes);
        let limit = || {
            let limit = self.limit.as_ref().ok_or(Param::Limit)?;
            Limit::from_days(limit.working_days, limit.calendar_days).ok_or(Param::Limit)
        };
        let spec = match self.check {
            CheckKind::Timeliness => CheckSpec::Timeliness(TimelinessSpec {
                codes: codes()?,
                limit: self.limit.as_ref().map(|_| limit()).transpose()?,
            }),
            CheckKind::Coverage => CheckSpec::Coverage(CoverageSpec {
                codes: codes()?,
                min: self.min.ok_or(Param::Min)?,
                per: self.per.unwrap_or(Per::Period),
            }),
            CheckKind::Freshness => CheckSpec::Freshness(FreshnessSpec {
                columns: match (&self.columns, &self.channel) {
                    (Some(columns), _) => columns.clone(),
                    (None, Some(_)) => Vec::new(),
                    (None, None) => return Err(Param::Columns),
                },
                max_gap_days: self.max_gap_days.ok_or(Param::MaxGapDays)?,
                page: self.page.clone(),
                channel: self.channel.clone(),
            }),
            CheckKind::EmptyColumns => CheckSpec::EmptyColumns(EmptyColumnsSpec {
                columns: self.columns.clone().ok_or(Param::Columns)?,
            }),
            CheckKind::Response => CheckSpec::Response(ResponseSpec {
                source: self.source.ok_or(Param::Source)?,
                limit: limit()?,
                extension_working_days: self
                    .limit
                    .as_ref()
                    .and_then(|l| l.extension_working_days)
                    .unwrap_or(0),
            }),
            CheckKind::Interpretation => CheckSpec::Interpretation(InterpretationSpec {
                codes: codes()?,
                limit: limit()?,
            }),
            CheckKind::Elements => CheckSpec::Elements(ElementsSpec {
                codes: codes()?,
                elements: self.elements.clone(),
            }),
            CheckKind::Channels => CheckSpec::Channels(ChannelsSpec {
                codes: codes()?,
                channels: self.channels.clone(),
            }),
            CheckKind::Display => CheckSpec::Display(DisplaySpec { codes: codes()? }),
            CheckKind::Review => CheckSpec::Review(ReviewSpec {
                codes: self.codes.clone(),
            }),
            CheckKind::Manual => CheckSpec::Manual(ManualSpec {
                verify: self.verify.clone().ok_or(Param::Verify)?,
                sample: self.sample.unwrap_or(false),
            }),
        };
        Ok(Requirement {
            id: self.id.clone(),
            title: self.title.clone(),
            clause: self.clause.clone(),
            weight: self.weight,
            applies_to: self.applies_to.clone(),
            in_force: self.in_force,
            veto: self.veto,
            veto_at: self.veto_at,
            spec,
            edition: None,
        })
    }
}

impl From<Requirement> for RequirementRecord {
    fn from(r: Requirement) -> RequirementRecord {
        let check = r.check();
        let mut record = RequirementRecord {
            id: r.id,
            title: r.title,
            clause: r.clause,
            check,
            weight: r.weight,
            applies_to: r.applies_to,
            in_force: r.in_force,
            veto: r.veto,
            veto_at: r.veto_at,
            codes: None,
            limit: None,
            min: None,
            per: None,
            columns: None,
            max_gap_days: None,
            page: None,
            channel: None,
            source: None,
            elements: None,
            channels: None,
            verify: None,
            sample: None,
        };
        match r.spec {
            CheckSpec::Timeliness(s) => {
                record.codes = Some(s.codes);
                record.limit = s.limit.map(|l| l.record(0));
            }
            CheckSpec::Coverage(s) => {
                record.codes = Some(s.codes);
                record.min = Some(s.min);
                record.per = (s.per == Per::Month).then_some(Per::Month);
            }
            CheckSpec::Freshness(s) => {
                record.columns = (!s.columns.is_empty()).then_some(s.columns);
                record.max_gap_days = Some(s.max_gap_days);
                record.page = s.page;
                record.channel = s.channel;
            }
            CheckSpec::EmptyColumns(s) => record.columns = Some(s.columns),
            CheckSpec::Response(s) => {
                record.source = Some(s.source);
                record.limit = Some(s.limit.record(s.extension_working_days));
            }
            CheckSpec::Interpretation(s) => {
                record.codes = Some(s.codes);
                record.limit = Some(s.limit.record(0));
            }
            CheckSpec::Elements(s) => {
                record.codes = Some(s.codes);
                record.elements = s.elements;
            }
            CheckSpec::Channels(s) => {
                record.codes = Some(s.codes);
                record.channels = s.channels;
            }
            CheckSpec::Display(s) => record.codes = Some(s.codes),
            CheckSpec::Review(s) => record.codes = s.codes,
            CheckSpec::Manual(s) => {
                record.verify = Some(s.verify);
                record.sample = s.sample.then_some(true);
            }
        }
        record
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Timeliness,
    Coverage,
    Freshness,
    EmptyColumns,
    Response,
    Interpretation,
    Elements,
    Channels,
    Display,
    Review,
    Manual,
}

impl CheckKind {
    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Timeliness => "timeliness",
            CheckKind::Coverage => "coverage",
            CheckKind::Freshness => "freshness",
            CheckKind::EmptyColumns => "empty_columns",
            CheckKind::Response => "response",
            CheckKind::Interpretation => "interpretation",
            CheckKind::Elements => "elements",
            CheckKind::Channels => "channels",
            CheckKind::Display => "display",
            CheckKind::Review => "review",
            CheckKind::Manual => "manual",
        }
    }

    /// Parameters the check needs, then those it may take.
    pub fn params(self) -> (&'static [Param], &'static [Param]) {
        use Param::*;
        match self {
            CheckKind::Timeliness => (&[Codes], &[Limit]),
            CheckKind::Coverage => (&[Codes, Min], &[Per]),
            // Columns, unless a channel is given (then every column counts).
            CheckKind::Freshness => (&[MaxGapDays], &[Columns, Page, Channel]),
            CheckKind::EmptyColumns => (&[Columns], &[]),
            CheckKind::Response => (&[Source, Limit], &[]),
            CheckKind::Interpretation => (&[Codes, Limit], &[]),
            CheckKind::Elements => (&[Codes], &[Elements]),
            CheckKind::Channels => (&[Codes], &[Channels]),
            CheckKind::Display => (&[Codes], &[]),
            CheckKind::Review => (&[], &[Codes]),
            CheckKind::Manual => (&[Verify], &[Sample]),
        }
    }
}

/// A requirement parameter, for the per-check rules on which ones must or may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Codes,
    Limit,
    Min,
    Per,
    Columns,
    MaxGapDays,
    Page,
    Channel,
    Source,
    Elements,
    Channels,
    Verify,
    Sample,
}

impl Param {
    pub const ALL: [Param; 13] = [
        Param::Codes,
        Param::Limit,
        Param::Min,
        Param::Per,
        Param::Columns,
        Param::MaxGapDays,
        Param::Page,
        Param::Channel,
        Param::Source,
        Param::Elements,
        Param::Channels,
        Param::Verify,
        Param::Sample,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Param::Codes => "codes",
            Param::Limit => "limit",
            Param::Min => "min",
            Param::Per => "per",
            Param::Columns => "columns",
            Param::MaxGapDays => "max_gap_days",
            Param::Page => "page",
            Param::Channel => "channel",
            Param::Source => "source",
            Param::Elements => "elements",
            Param::Channels => "channels",
            Param::Verify => "verify",
            Param::Sample => "sample",
        }
    }

    pub fn is_set(self, r: &RequirementRecord) -> bool {
        match self {
            Param::Codes => r.codes.is_some(),
            Param::Limit => r.limit.is_some(),
            Param::Min => r.min.is_some(),
            Param::Per => r.per.is_some(),
            Param::Columns => r.columns.is_some(),
            Param::MaxGapDays => r.max_gap_days.is_some(),
            Param::Page => r.page.is_some(),
            Param::Channel => r.channel.is_some(),
            Param::Source => r.source.is_some(),
            Param::Elements => r.elements.is_some(),
            Param::Channels => r.channels.is_some(),
            Param::Verify => r.verify.is_some(),
            Param::Sample => r.sample.is_some(),
        }
    }
}

/// Limit given on a requirement, overriding the catalogue rows' limits.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleLimit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_working_days: Option<u32>,
}

/// A time limit: working days on the official calendar, or calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    WorkingDays(u32),
    CalendarDays(u32),
}

impl Limit {
    /// Working days if given, else calendar days; `None` when neither is.
    pub fn from_days(working_days: Option<u32>, calendar_days: Option<u32>) -> Option<Limit> {
        working_days
            .map(Limit::WorkingDays)
            .or(calendar_days.map(Limit::CalendarDays))
    }

    fn record(self, extension_working_days: u32) -> RuleLimit {
        let (working_days, calendar_days) = match self {
            Limit::WorkingDays(n) => (Some(n), None),
            Limit::CalendarDays(n) => (None, Some(n)),
        };
        RuleLimit {
            working_days,
            calendar_days,
            extension_working_days: (extension_working_days > 0).then_some(extension_working_days),
        }
    }

    /// The same kind of limit, `extra` longer (an approved extension). A sum past u32
    /// stays at u32::MAX days, which [`Limit::due`] reports as beyond the calendar.
    pub fn extended(self, extra: u32) -> Limit {
        match self {
            Limit::WorkingDays(n) => Limit::WorkingDays(n.saturating_add(extra)),
            Limit::CalendarDays(n) => Limit::CalendarDays(n.saturating_add(extra)),
        }
    }

    /// The last day that is on time for something that started on `start`. A day past
    /// what a date can hold is past the calendar's end too.
    pub fn due(self, calendar: &Calendar, start: NaiveDate) -> Result<NaiveDate, MissingYear> {
        match self {
            Limit::WorkingDays(n) => calendar.add_working_days(start, n),
            Limit::CalendarDays(n) => start
                .checked_add_days(Days::new(u64::from(n)))
                .ok_or_else(|| calendar.past_the_end()),
        }
    }

    /// Days counted from `start` to `end` in this limit's unit (start day not counted).
    pub fn elapsed(
        self,
        calendar: &Calendar,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<i64, MissingYear> {
        match self {
            Limit::WorkingDays(_) => calendar.working_days_between(start, end),
            Limit::CalendarDays(_) => Ok((end - start).num_days()),
        }
    }

    /// How late `done` is after `deadline`, as a finding says it: in working days when any
    /// passed, else in days — a reply on the rest day right after the deadline is a day
    /// late, though no working day passed.
    pub fn overdue(self, calendar: &Calendar, deadline: NaiveDate, done: NaiveDate) -> String {
        let days = (done - deadline).num_days();
        let working = match self {
            Limit::WorkingDays(_) => calendar.working_days_between(deadline, done).unwrap_or(0),
            Limit::CalendarDays(_) => 0,
        };
        if working > 0 {
            format!("逾期{working}个工作日")
        } else {
            format!("逾期{days}天")
        }
    }

    /// 20个工作日 / 20日.
    pub fn label(self) -> String {
        match self {
            Limit::WorkingDays(n) => format!("{n}个工作日"),
            Limit::CalendarDays(n) => format!("{n}日"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testing::{catalogue, day};

    fn record(yaml: &str) -> RequirementRecord {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn typed_rule_holds_exactly_its_check_parameters() {
        let rule = record(
            "{id: r, title: t, clause: '5.1', check: response, weight: 1, source: applications, \
             limit: {working_days: 20, extension_working_days: 20}}",
        )
        .typed()
        .unwrap();
        assert_eq!(
            rule.spec,
            CheckSpec::Response(ResponseSpec {
                source: Source::Applications,
                limit: Limit::WorkingDays(20),
                extension_working_days: 20,
            })
        );
    }

    #[test]
    fn a_missing_needed_parameter_is_named() {
        let freshness = record(
            "{id: r, title: t, clause: '1', check: freshness, weight: 1, columns: [通知公告]}",
        );
        assert_eq!(freshness.typed().unwrap_err(), Param::MaxGapDays);
        let interpretation = record(
            "{id: r, title: t, clause: '1', check: interpretation, weight: 1, codes: [a], \
             limit: {extension_working_days: 3}}",
        );
        assert_eq!(interpretation.typed().unwrap_err(), Param::Limit);
    }

    #[test]
    fn working_days_max_does_not_wrap() {
        let calendar = &catalogue().calendar;
        let start = day("2018-10-08");
        let err = Limit::WorkingDays(u32::MAX)
            .due(calendar, start)
            .unwrap_err();
        assert_eq!(err.year, 2027);
        // An extension past u32 saturates instead of wrapping to a short limit.
        let extended = Limit::WorkingDays(u32::MAX - 5).extended(20);
        assert_eq!(extended, Limit::WorkingDays(u32::MAX));
        assert!(extended.due(calendar, start).is_err());
    }

    #[test]
    fn calendar_days_overflow_is_an_error() {
        let calendar = &catalogue().calendar;
        let start = day("2018-10-08");
        // 4 billion days is past the last date chrono holds: this used to panic.
        let err = Limit::CalendarDays(4_000_000_000)
            .due(calendar, start)
            .unwrap_err();
        assert_eq!(err.year, 2027);
        assert_eq!(
            Limit::CalendarDays(20).due(calendar, start).unwrap(),
            day("2018-10-28")
        );
    }

    #[test]
    fn a_typed_rule_serialises_as_its_record() {
        let yaml = "{id: r, title: t, clause: '1', check: coverage, weight: 2, codes: [a], \
                    min: 3, per: month}";
        let typed = record(yaml).typed().unwrap();
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(back, serde_json::to_value(record(yaml)).unwrap());
    }
}
