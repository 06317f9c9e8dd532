//! The documented range of every number read from YAML.
//!
//! serde only checks that a number fits its type, and a `u32` of days that fits can still
//! be four billion days: deadline arithmetic on it overflows. Each loader checks its numbers
//! against these ranges while validating, so a bad value is a problem at its line and
//! never reaches the checks. The ranges are wide: every shipped value is far inside them.
//!
//! | number | range |
//! |---|---|
//! | time limits and periods in days: `working_days`, `calendar_days`, `display_working_days`, `extension_working_days`, `max_gap_days`, `rectification_working_days` | [`DAYS`] 1–3650 |
//! | requirement `weight` | [`WEIGHT`] 1–1000 |
//! | counts: `min`, `veto_at` | [`COUNT`] 1–10000 |
//! | sub-system `weight`, grade band `min` (scores run from 0 to 100) | [`SCORE`] 0–100 |
//! | sub-system `digit` | [`DIGIT`] 1–9 |
//! | sub-system `standards` | [`STANDARDS`] 0–100 |
//! | calendar `year` | [`YEAR`] 1995–2100 |
//! | sampling `confidence`, `tolerable_rate` | [`FRACTION`] between 0 and 1, both excluded |
//!
//! A float outside its range includes NaN and the infinities (YAML's `.nan`, `.inf`).
//! Sampling's `seed` may be any 64-bit number.

use std::fmt::Display;

/// Where a number must lie, and what to tell the user when it does not.
pub(crate) struct Allowed<T> {
    low: T,
    high: T,
    /// Whether `low` and `high` themselves are allowed.
    inclusive: bool,
    /// What the number is, for the message.
    meaning: &'static str,
}

/// Time limits and periods in days: one day to ten years. A limit of 0 days is never
/// meant (a same-day limit is written as `kind: realtime`), and the counts of working days
/// stay far below what deadline arithmetic can hold.
pub(crate) const DAYS: Allowed<u32> = Allowed::inclusive(1, 3650, "期限按天计，最长 10 年");
/// A requirement's weight in its standard's weighted mean.
pub(crate) const WEIGHT: Allowed<u32> = Allowed::inclusive(1, 1000, "要求的权重为正整数");
/// Items or failing instances counted in a period (`min`, `veto_at`).
pub(crate) const COUNT: Allowed<u32> = Allowed::inclusive(1, 10_000, "按条数计");
/// Scores run from 0 to 100; grade bands and sub-system weights are on that scale.
pub(crate) const SCORE: Allowed<f64> = Allowed::inclusive(0.0, 100.0, "按百分制计");
/// The first digit of a three-digit standard number.
pub(crate) const DIGIT: Allowed<u8> = Allowed::inclusive(1, 9, "三位标准编号的首位数字");
/// Standards a sub-system declares: its numbers d00–d99 leave room for 100.
pub(crate) const STANDARDS: Allowed<usize> =
    Allowed::inclusive(0, 100, "每个子体系的三位编号最多容纳 100 项标准");
/// Calendar years: the two-day weekend began in 1995.
pub(crate) const YEAR: Allowed<i32> =
    Allowed::inclusive(1995, 2100, "现行双休日制度自 1995 年起实行");
/// Sampling probabilities, such as a confidence of 0.95.
pub(crate) const FRACTION: Allowed<f64> =
    Allowed::exclusive(0.0, 1.0, "应为 0 与 1 之间的小数，如 0.95");

impl<T: PartialOrd + Display + Copy> Allowed<T> {
    const fn inclusive(low: T, high: T, meaning: &'static str) -> Allowed<T> {
        Allowed {
            low,
            high,
            inclusive: true,
            meaning,
        }
    }

    const fn exclusive(low: T, high: T, meaning: &'static str) -> Allowed<T> {
        Allowed {
            low,
            high,
            inclusive: false,
            meaning,
        }
    }

    /// [`Allowed::check`] for a number that may be absent.
    pub(crate) fn check_optional(&self, value: Option<T>) -> Option<String> {
        value.and_then(|value| self.check(value))
    }

    /// The message for `value` when it is out of range, quoting it.
    pub(crate) fn check(&self, value: T) -> Option<String> {
        // Written so that NaN, which compares false with everything, is out of range.
        let inside = if self.inclusive {
            self.low <= value && value <= self.high
        } else {
            self.low < value && value < self.high
        };
        if inside {
            return None;
        }
        let (low, high, meaning) = (self.low, self.high, self.meaning);
        Some(if self.inclusive {
            format!("取值 {value} 超出允许范围 {low}–{high}（{meaning}）")
        } else {
            format!("取值 {value} 超出允许范围：应大于 {low} 且小于 {high}（{meaning}）")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_quote_the_bad_value() {
        assert_eq!(DAYS.check(20), None);
        assert_eq!(
            DAYS.check(4_000_000_000).unwrap(),
            "取值 4000000000 超出允许范围 1–3650（期限按天计，最长 10 年）"
        );
        assert!(DAYS.check(0).is_some());
        assert!(WEIGHT.check(1000).is_none());
        assert!(WEIGHT.check(1001).is_some());
    }

    #[test]
    fn fractions_exclude_their_ends_and_nan() {
        assert_eq!(FRACTION.check(0.95), None);
        for bad in [0.0, 1.0, -0.1, f64::NAN, f64::INFINITY] {
            let message = FRACTION.check(bad).unwrap();
            assert!(message.contains("应大于 0 且小于 1"), "{message}");
        }
        assert!(SCORE.check(f64::NAN).unwrap().contains("NaN"));
        assert!(SCORE.check(100.0).is_none());
    }
}
