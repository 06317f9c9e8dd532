//! The official working-day calendar.
//!
//! China's working days are data, not a formula: each year's State Council notice lists the
//! days off (holiday blocks, weekends inside them included) and the weekend days worked
//! (调休), and notices have been revised mid-year. `standards/calendar.yaml` holds them per
//! year; every other Monday–Friday is a working day and every other weekend day is not.
//!
//! Counting rule: `WD(a, b)` is the number of working days `d` with `a < d ≤ b` — the start
//! day (receipt, formation) does not count. "Within N working days of a" means on or before
//! [`Calendar::add_working_days`]`(a, N)`.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

use crate::problem::{Problem, Problems};
use crate::ranges::YEAR;

/// A date the calendar cannot answer for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the working-day calendar has no year {year} (it covers {first}–{last}): add {year}'s \
     days off and weekend working days from the State Council notice to calendar.yaml"
)]
pub struct MissingYear {
    pub year: i32,
    pub first: i32,
    pub last: i32,
}

/// One year as written in calendar.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct YearSpec {
    pub year: i32,
    pub notices: Vec<Notice>,
    pub off: Vec<OffRange>,
    #[serde(default)]
    pub work: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Notice {
    // Which State Council notice a year follows: documentation inside calendar.yaml.
    #[allow(dead_code)]
    pub title: String,
    #[allow(dead_code)]
    #[serde(default)]
    pub doc_no: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OffRange {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    years: Vec<YearSpec>,
}

/// Working days for a contiguous run of years, with a running count so that counting and
/// stepping are O(1) and O(log n) whatever the distance.
#[derive(Debug, Clone)]
pub struct Calendar {
    first_day: NaiveDate,
    first_year: i32,
    last_year: i32,
    /// `working_before[i]` = working days among the first `i` days of the calendar.
    working_before: Vec<u32>,
}

impl Calendar {
    /// Reads and validates a calendar file.
    pub fn load(path: &Path) -> Result<Calendar, Problems> {
        Calendar::from_yaml(&crate::yaml::read(path)?, path)
    }

    /// Parses and validates calendar YAML; `path` only names the source in problems.
    pub fn from_yaml(source: &str, path: &Path) -> Result<Calendar, Problems> {
        let (file, locator): (CalendarFile, _) = crate::yaml::parse(path, source)?;
        let mut problems = Problems::default();
        let at = |field: String, message: String| Problem {
            file: path.to_path_buf(),
            line: locator.line(&field),
            field,
            message,
        };

        if file.years.is_empty() {
            problems.push(at("years".into(), "没有列出任何年份".into()));
            return Err(problems);
        }
        for (y, spec) in file.years.iter().enumerate() {
            if let Some(message) = YEAR.check(spec.year) {
                problems.push(at(format!("years[{y}].year"), message));
            }
        }
        // The days off are listed day by day below: only once the years are in range is
        // that bounded.
        if !problems.is_empty() {
            return Err(problems);
        }
        for (i, pair) in file.years.windows(2).enumerate() {
            if pair[1].year != pair[0].year + 1 {
                problems.push(at(
                    format!("years[{}].year", i + 1),
                    format!(
                        "年份须按顺序连续列出：{} 排在 {} 之后",
                        pair[1].year, pair[0].year
                    ),
                ));
            }
        }
        let first_year = file.years[0].year;
        let last_year = file.years.last().map_or(first_year, |y| y.year);
        let covered = |d: NaiveDate| (first_year..=last_year).contains(&d.year());

        let mut off = BTreeSet::new();
        let mut work = BTreeSet::new();
        for (y, spec) in file.years.iter().enumerate() {
            if spec.notices.is_empty() {
                problems.push(at(
                    format!("years[{y}].notices"),
                    "请写明该年依据的国务院办公厅放假通知".into(),
                ));
            }
            for (r, range) in spec.off.iter().enumerate() {
                let field = format!("years[{y}].off[{r}]");
                if range.to < range.from {
                    problems.push(at(field, format!("{} 的结束日期早于开始日期", range.name)));
                } else if !covered(range.from) || !covered(range.to) {
                    problems.push(at(field, "不在日历所列的年份内".into()));
                } else {
                    off.extend(range.from.iter_days().take_while(|d| *d <= range.to));
                }
            }
            for (w, day) in spec.work.iter().enumerate() {
                let field = format!("years[{y}].work[{w}]");
                if !is_weekend(*day) {
                    problems.push(at(field, format!("{day} 是工作日，不是调休上班的周末")));
                } else if !covered(*day) {
                    problems.push(at(field, "不在日历所列的年份内".into()));
                } else {
                    work.insert(*day);
                }
            }
        }
        for day in off.intersection(&work) {
            problems.push(at("years".into(), format!("{day} 既列为放假又列为上班")));
        }
        problems.into_result()?;

        let first_day = NaiveDate::from_ymd_opt(first_year, 1, 1).expect("January 1st exists");
        let end = NaiveDate::from_ymd_opt(last_year + 1, 1, 1).expect("January 1st exists");
        let mut working_before = vec![0u32];
        for day in first_day.iter_days().take_while(|d| *d < end) {
            let working = if work.contains(&day) {
                true
            } else {
                !is_weekend(day) && !off.contains(&day)
            };
            let so_far = *working_before.last().expect("starts non-empty");
            working_before.push(so_far + u32::from(working));
        }
        Ok(Calendar {
            first_day,
            first_year,
            last_year,
            working_before,
        })
    }

    /// The years covered, first and last inclusive.
    pub fn years(&self) -> (i32, i32) {
        (self.first_year, self.last_year)
    }

    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool, MissingYear> {
        let i = self.ordinal(day)?;
        Ok(self.working_before[i + 1] > self.working_before[i])
    }

    /// `WD(a, b)`: working days `d` with `a < d ≤ b`; negative when `b` is before `a`.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, MissingYear> {
        let (ia, ib) = (self.ordinal(a)?, self.ordinal(b)?);
        Ok(i64::from(self.working_before[ib + 1]) - i64::from(self.working_before[ia + 1]))
    }

    /// The `n`-th working day after `start` (`start` itself when `n` is 0): the last day on
    /// which something due "within n working days of start" is on time.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, MissingYear> {
        let i = self.ordinal(start)?;
        if n == 0 {
            return Ok(start);
        }
        // A count past u32 is past the calendar's end too.
        let target = self.working_before[i + 1]
            .checked_add(n)
            .ok_or_else(|| self.past_the_end())?;
        // The first day index whose running count reaches the target is the answer.
        let pos = self.working_before.partition_point(|&c| c < target);
        if pos >= self.working_before.len() {
            return Err(self.past_the_end());
        }
        Ok(self.first_day + Days::new((pos - 1) as u64))
    }

    fn ordinal(&self, day: NaiveDate) -> Result<usize, MissingYear> {
        if !(self.first_year..=self.last_year).contains(&day.year()) {
            return Err(self.missing(day.year()));
        }
        Ok((day - self.first_day).num_days() as usize)
    }

    /// The error for a day after the calendar's last year, naming the first year missing.
    pub(crate) fn past_the_end(&self) -> MissingYear {
        self.missing(self.last_year + 1)
    }

    fn missing(&self, year: i32) -> MissingYear {
        MissingYear {
            year,
            first: self.first_year,
            last: self.last_year,
        }
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Calendar {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("standards/calendar.yaml");
        Calendar::load(&path).expect("shipped calendar is valid")
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn matches_the_chinese_holiday_oracle_day_by_day() {
        let calendar = shipped();
        let last = d("2026-12-25"); // the oracle panics after this day
        let mut mismatches = Vec::new();
        for day in d("2018-01-01").iter_days().take_while(|x| *x <= last) {
            // Every workday kind (normal or 调休) ends in "Workday".
            let oracle =
                format!("{:?}", chinese_holiday::chinese_holiday(&day)).ends_with("Workday");
            if calendar.is_working_day(day).unwrap() != oracle {
                mismatches.push(day);
            }
        }
        assert!(
            mismatches.is_empty(),
            "differs from oracle on {mismatches:?}"
        );
    }

    #[test]
    fn national_day_2018_with_its_adjusted_weekends() {
        let c = shipped();
        // 29 and 30 September 2018 (Sat, Sun) were worked; 1–7 October were off.
        assert!(c.is_working_day(d("2018-09-29")).unwrap());
        assert!(c.is_working_day(d("2018-09-30")).unwrap());
        assert!(!c.is_working_day(d("2018-10-01")).unwrap());
        assert!(!c.is_working_day(d("2018-10-07")).unwrap());
        assert!(c.is_working_day(d("2018-10-08")).unwrap());
        // Received Friday 28 September: the 1st working day after is the Saturday worked,
        // the 3rd is Monday 8 October, right after the holiday block.
        assert_eq!(
            c.add_working_days(d("2018-09-28"), 1).unwrap(),
            d("2018-09-29")
        );
        assert_eq!(
            c.add_working_days(d("2018-09-28"), 3).unwrap(),
            d("2018-10-08")
        );
        assert_eq!(
            c.working_days_between(d("2018-09-28"), d("2018-10-08"))
                .unwrap(),
            3
        );
    }

    #[test]
    fn counting_excludes_the_start_day_and_includes_the_end_day() {
        let c = shipped();
        // Monday 2018-11-05 → Friday 2018-11-09: four working days after the Monday.
        assert_eq!(
            c.working_days_between(d("2018-11-05"), d("2018-11-09"))
                .unwrap(),
            4
        );
        assert_eq!(
            c.working_days_between(d("2018-11-05"), d("2018-11-05"))
                .unwrap(),
            0
        );
        assert_eq!(
            c.working_days_between(d("2018-11-09"), d("2018-11-05"))
                .unwrap(),
            -4
        );
        // Received on a Saturday: the first working day after is Monday.
        assert_eq!(
            c.add_working_days(d("2018-11-10"), 1).unwrap(),
            d("2018-11-12")
        );
        assert_eq!(
            c.add_working_days(d("2018-11-10"), 0).unwrap(),
            d("2018-11-10")
        );
    }

    #[test]
    fn fifteen_and_twenty_working_days_across_spring_festival_2019() {
        let c = shipped();
        // Received Friday 2019-01-25. Working: Jan 28–Feb 1 (5), Sat Feb 2 and Sun Feb 3
        // (7), Feb 4–10 off, Feb 11–15 (12), Feb 18–20 (15).
        assert_eq!(
            c.add_working_days(d("2019-01-25"), 15).unwrap(),
            d("2019-02-20")
        );
        assert_eq!(
            c.add_working_days(d("2019-01-25"), 20).unwrap(),
            d("2019-02-27")
        );
    }

    #[test]
    fn revised_notices_labour_day_2019_and_spring_festival_2020() {
        let c = shipped();
        // 2019 revision: 1–4 May off, Sunday 5 May worked.
        assert!(!c.is_working_day(d("2019-05-02")).unwrap());
        assert!(!c.is_working_day(d("2019-05-03")).unwrap());
        assert!(c.is_working_day(d("2019-05-05")).unwrap());
        // 2020 extension: Spring Festival ran to 2 February; Monday 3 February was worked.
        assert!(!c.is_working_day(d("2020-01-31")).unwrap());
        assert!(c.is_working_day(d("2020-02-03")).unwrap());
    }

    #[test]
    fn year_boundaries_are_continuous() {
        let c = shipped();
        // 2018-12-29 (Sat) worked; 30 Dec – 1 Jan off; 2 Jan 2019 is the next working day.
        assert_eq!(
            c.add_working_days(d("2018-12-29"), 1).unwrap(),
            d("2019-01-02")
        );
        assert_eq!(
            c.working_days_between(d("2018-12-28"), d("2019-01-02"))
                .unwrap(),
            2
        );
    }

    #[test]
    fn a_year_outside_the_calendar_is_an_error_naming_it() {
        let c = shipped();
        let err = c.is_working_day(d("2027-03-01")).unwrap_err();
        assert_eq!(err.year, 2027);
        assert!(err.to_string().contains("no year 2027"), "{err}");
        assert!(err.to_string().contains("calendar.yaml"), "{err}");
        assert!(c
            .working_days_between(d("2017-12-01"), d("2018-01-05"))
            .is_err());
        // Stepping past the last covered day is the same error, not a guess.
        let err = c.add_working_days(d("2026-12-28"), 10).unwrap_err();
        assert_eq!(err.year, 2027);
    }

    #[test]
    fn add_working_days_overflow_is_an_error() {
        let c = shipped();
        // The running count at the start plus u32::MAX does not fit a u32: it used to
        // panic in debug builds and wrap to an early deadline in release builds.
        let err = c.add_working_days(d("2026-06-01"), u32::MAX).unwrap_err();
        assert_eq!(err.year, 2027);
        assert!(c.add_working_days(d("2018-01-02"), u32::MAX - 1).is_err());
    }

    #[test]
    fn bad_calendars_report_every_problem_with_lines() {
        let source = "years:\n  - year: 2018\n    notices: []\n    off:\n      - {name: 春节, from: 2018-02-21, to: 2018-02-15}\n    work: [2018-02-12]\n  - year: 2020\n    notices: [{title: x}]\n    off: []\n";
        let problems = Calendar::from_yaml(source, Path::new("calendar.yaml")).unwrap_err();
        let text = problems.to_string();
        assert!(text.contains("calendar.yaml:3: years[0].notices"), "{text}");
        assert!(
            text.contains("calendar.yaml:5: years[0].off[0]: 春节 的结束日期早于"),
            "{text}"
        );
        assert!(text.contains("calendar.yaml:6: years[0].work[0]"), "{text}");
        assert!(text.contains("2020 排在 2018 之后"), "{text}");
        assert_eq!(problems.len(), 4, "{text}");
    }

    #[test]
    fn calendar_years_out_of_range_are_refused() {
        // Without the range, year 300000 has no January 1st to start the table from.
        let source = "years:\n  - year: 300000\n    notices: [{title: x}]\n    off: []\n  - year: 300001\n    notices: [{title: x}]\n    off: []\n";
        let text = Calendar::from_yaml(source, Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("c.yaml:2: years[0].year: 取值 300000 超出允许范围 1995–2100"),
            "{text}"
        );
        assert!(text.contains("c.yaml:5: years[1].year"), "{text}");
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    #[test]
    fn unknown_fields_are_rejected_with_their_position() {
        let source =
            "years:\n  - year: 2018\n    notices: [{title: x}]\n    off: []\n    holidays: []\n";
        let text = Calendar::from_yaml(source, Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        assert!(text.contains("c.yaml:5"), "{text}");
        assert!(text.contains("holidays"), "{text}");
    }
}
