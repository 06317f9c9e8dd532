//! Time limits: working days on the official calendar, or calendar days.

use chrono::{Days, NaiveDate};

use crate::calendar::{Calendar, MissingYear};
use crate::catalogue::{CatalogueItem, RuleLimit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    WorkingDays(u32),
    CalendarDays(u32),
}

impl Limit {
    /// The requirement's own limit, else the catalogue row's; `None` when neither is a
    /// number of days (实时, 及时 …: not machine-checkable).
    pub fn for_row(rule: Option<&RuleLimit>, row: Option<&CatalogueItem>) -> Option<Limit> {
        if let Some(limit) = rule.and_then(Limit::from_rule) {
            return Some(limit);
        }
        let row = &row?.time_limit;
        row.working_days
            .map(Limit::WorkingDays)
            .or(row.calendar_days.map(Limit::CalendarDays))
    }

    pub fn from_rule(rule: &RuleLimit) -> Option<Limit> {
        rule.working_days
            .map(Limit::WorkingDays)
            .or(rule.calendar_days.map(Limit::CalendarDays))
    }

    /// The same kind of limit, `extra` longer (an approved extension).
    pub fn extended(self, extra: u32) -> Limit {
        match self {
            Limit::WorkingDays(n) => Limit::WorkingDays(n + extra),
            Limit::CalendarDays(n) => Limit::CalendarDays(n + extra),
        }
    }

    /// The last day that is on time for something that started on `start`.
    pub fn due(self, calendar: &Calendar, start: NaiveDate) -> Result<NaiveDate, MissingYear> {
        match self {
            Limit::WorkingDays(n) => calendar.add_working_days(start, n),
            Limit::CalendarDays(n) => Ok(start + Days::new(u64::from(n))),
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

    /// 20个工作日 / 20日.
    pub fn label(self) -> String {
        match self {
            Limit::WorkingDays(n) => format!("{n}个工作日"),
            Limit::CalendarDays(n) => format!("{n}日"),
        }
    }

    pub fn unit_label(self) -> &'static str {
        match self {
            Limit::WorkingDays(_) => "个工作日",
            Limit::CalendarDays(_) => "日",
        }
    }
}
