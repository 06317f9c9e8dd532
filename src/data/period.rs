//! Audit periods: a quarter (`2018-Q4`) or a year (`2018`).

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Period {
    pub year: i32,
    /// 1–4 for a quarter, `None` for a whole year.
    pub quarter: Option<u32>,
}

impl Period {
    pub(crate) fn parse(text: &str) -> Result<Period, String> {
        let bad = || format!("期间 {text:?} 不是 YYYY-Qn（如 2018-Q4）或 YYYY（如 2018）");
        let (year, quarter) = match text.split_once("-Q") {
            Some((y, q)) => (y, Some(q.parse::<u32>().map_err(|_| bad())?)),
            None => (text, None),
        };
        if year.len() != 4 {
            return Err(bad());
        }
        let year = year.parse::<i32>().map_err(|_| bad())?;
        if quarter.is_some_and(|q| !(1..=4).contains(&q)) {
            return Err(bad());
        }
        Ok(Period { year, quarter })
    }

    pub(crate) fn start(&self) -> NaiveDate {
        let month = self.quarter.map_or(1, |q| 3 * q - 2);
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("valid first day")
    }

    pub(crate) fn end(&self) -> NaiveDate {
        let next = match self.quarter {
            Some(4) | None => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
            Some(q) => NaiveDate::from_ymd_opt(self.year, 3 * q + 1, 1),
        };
        next.expect("valid first day") - Days::new(1)
    }

    pub(crate) fn contains(&self, day: NaiveDate) -> bool {
        day >= self.start() && day <= self.end()
    }

    /// The calendar months inside the period, as (first day, last day).
    pub(crate) fn months(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let mut months = Vec::new();
        let mut first = self.start();
        while first <= self.end() {
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .expect("month arithmetic in range");
            months.push((first, next - Days::new(1)));
            first = next;
        }
        months
    }

    /// The period before this one (2018-Q1 → 2017-Q4; 2018 → 2017).
    pub(crate) fn previous(&self) -> Period {
        match self.quarter {
            Some(1) => Period {
                year: self.year - 1,
                quarter: Some(4),
            },
            Some(q) => Period {
                year: self.year,
                quarter: Some(q - 1),
            },
            None => Period {
                year: self.year - 1,
                quarter: None,
            },
        }
    }

    /// Chinese label used in reports: 2018年第四季度, 2018年度.
    pub(crate) fn label_zh(&self) -> String {
        match self.quarter {
            Some(q) => format!(
                "{}年第{}季度",
                self.year,
                ["一", "二", "三", "四"][q as usize - 1]
            ),
            None => format!("{}年度", self.year),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.quarter {
            Some(q) => write!(f, "{}-Q{q}", self.year),
            None => write!(f, "{}", self.year),
        }
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Period, D::Error> {
        deserializer.deserialize_any(PeriodVisitor)
    }
}

/// Reads `2018-Q4`, or `2018`, which YAML reads as a number.
struct PeriodVisitor;

impl serde::de::Visitor<'_> for PeriodVisitor {
    type Value = Period;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a period, YYYY-Qn or YYYY")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Period, E> {
        Period::parse(text).map_err(E::custom)
    }

    fn visit_u64<E: serde::de::Error>(self, year: u64) -> Result<Period, E> {
        self.visit_str(&year.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, year: i64) -> Result<Period, E> {
        self.visit_str(&year.to_string())
    }
}

/// Month label of a date, `2018-10`.
pub(crate) fn month_label(day: NaiveDate) -> String {
    format!("{}-{:02}", day.year(), day.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_years() {
        let q4 = Period::parse("2018-Q4").unwrap();
        assert_eq!(q4.start().to_string(), "2018-10-01");
        assert_eq!(q4.end().to_string(), "2018-12-31");
        assert_eq!(q4.months().len(), 3);
        assert_eq!(q4.previous().to_string(), "2018-Q3");
        assert_eq!(
            Period::parse("2019-Q1").unwrap().previous().to_string(),
            "2018-Q4"
        );
        let q1 = Period::parse("2020-Q1").unwrap();
        assert_eq!(q1.end().to_string(), "2020-03-31");
        let year = Period::parse("2018").unwrap();
        assert_eq!(
            (year.start().to_string(), year.end().to_string()),
            ("2018-01-01".into(), "2018-12-31".into())
        );
        assert_eq!(year.months().len(), 12);
        assert_eq!(q4.label_zh(), "2018年第四季度");
        let from_yaml: Vec<Period> = serde_yaml::from_str("[2018, 2018-Q4]").unwrap();
        assert_eq!(from_yaml, vec![Period::parse("2018").unwrap(), q4]);
        for bad in ["2018-Q5", "18-Q1", "2018Q1", "abcd", "2018-Q"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }
}
