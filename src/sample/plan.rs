//! Sample sizes: ISO 2859-1 (GB/T 2828.1) code letters for the units, attribute
//! (discovery) sampling for the items within a unit.

use crate::data::Level;

impl Level {
    /// Column of the level in the code-letter table.
    fn column(self) -> usize {
        self as usize
    }
}

/// Lot size ranges (upper bounds) and code letters per level: S-1 S-2 S-3 S-4 I II III.
const CODE_LETTERS: [(u64, [char; 7]); 15] = [
    (8, ['A', 'A', 'A', 'A', 'A', 'A', 'B']),
    (15, ['A', 'A', 'A', 'A', 'A', 'B', 'C']),
    (25, ['A', 'A', 'B', 'B', 'B', 'C', 'D']),
    (50, ['A', 'B', 'B', 'C', 'C', 'D', 'E']),
    (90, ['B', 'B', 'C', 'C', 'C', 'E', 'F']),
    (150, ['B', 'B', 'C', 'D', 'D', 'F', 'G']),
    (280, ['B', 'C', 'D', 'E', 'E', 'G', 'H']),
    (500, ['B', 'C', 'D', 'E', 'F', 'H', 'J']),
    (1200, ['C', 'C', 'E', 'F', 'G', 'J', 'K']),
    (3200, ['C', 'D', 'E', 'G', 'H', 'K', 'L']),
    (10000, ['C', 'D', 'F', 'G', 'J', 'L', 'M']),
    (35000, ['C', 'D', 'F', 'H', 'K', 'M', 'N']),
    (150000, ['D', 'E', 'G', 'J', 'L', 'N', 'P']),
    (500000, ['D', 'E', 'G', 'J', 'M', 'P', 'Q']),
    (u64::MAX, ['D', 'E', 'H', 'K', 'N', 'Q', 'R']),
];

/// Sample size of each code letter.
const SAMPLE_SIZES: [(char, u64); 16] = [
    ('A', 2),
    ('B', 3),
    ('C', 5),
    ('D', 8),
    ('E', 13),
    ('F', 20),
    ('G', 32),
    ('H', 50),
    ('J', 80),
    ('K', 125),
    ('L', 200),
    ('M', 315),
    ('N', 500),
    ('P', 800),
    ('Q', 1250),
    ('R', 2000),
];

/// The code letter for a lot of `population` at `level` (lots of 0 or 1 take letter A).
pub(crate) fn code_letter(population: u64, level: Level) -> char {
    CODE_LETTERS
        .iter()
        .find(|(upper, _)| population <= *upper)
        .map(|(_, letters)| letters[level.column()])
        .unwrap_or('R')
}

/// ISO 2859-1 sample size for a lot; the whole lot when the table asks for more.
pub(crate) fn iso_sample_size(population: u64, level: Level) -> u64 {
    let letter = code_letter(population, level);
    let size = SAMPLE_SIZES
        .iter()
        .find(|(l, _)| *l == letter)
        .map_or(2, |(_, n)| *n);
    size.min(population)
}

/// Attribute (discovery) sampling with zero expected deviations: the smallest n with
/// (1 − p)^n ≤ 1 − confidence, i.e. n = ⌈ln β / ln(1 − p)⌉.
pub(crate) fn attribute_sample_size(confidence: f64, tolerable: f64) -> u64 {
    let beta = 1.0 - confidence;
    // A hair below the exact quotient guards against 29.000000001 rounding up to 30.
    ((beta.ln() / (1.0 - tolerable).ln()) - 1e-9)
        .ceil()
        .max(1.0) as u64
}

/// The same for a finite population of `population` items (hypergeometric): the smallest
/// n such that a sample of n without any deviation is found with probability at most β
/// when ⌈p·N⌉ items deviate. All items when the population is not larger than that.
pub(crate) fn hypergeometric_sample_size(population: u64, confidence: f64, tolerable: f64) -> u64 {
    let beta = 1.0 - confidence;
    let deviating = (tolerable * population as f64).ceil() as u64;
    if deviating == 0 {
        return population;
    }
    let mut p_none = 1.0;
    for n in 1..=population {
        // P(no deviation in n draws) = Π (N − D − i) / (N − i), i = 0 … n−1.
        let i = n - 1;
        if population - i <= deviating {
            return n;
        }
        p_none *= (population - deviating - i) as f64 / (population - i) as f64;
        if p_none <= beta {
            return n;
        }
    }
    population
}

/// Items to inspect in a unit of `population` items: the hypergeometric size (never more
/// than the binomial one), or all of them when fewer.
pub(crate) fn items_to_inspect(population: u64, confidence: f64, tolerable: f64) -> u64 {
    let binomial = attribute_sample_size(confidence, tolerable);
    if population <= binomial {
        return population.min(hypergeometric_sample_size(
            population, confidence, tolerable,
        ));
    }
    hypergeometric_sample_size(population, confidence, tolerable).min(binomial)
}

/// Exact (Clopper–Pearson) one-sided upper bound of a deviation rate from `k` deviations
/// in `n` draws at `confidence`: the p at which P(X ≤ k) = 1 − confidence.
pub(crate) fn upper_deviation_bound(k: u64, n: u64, confidence: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    if k >= n {
        return 1.0;
    }
    let alpha = 1.0 - confidence;
    let cdf = |p: f64| -> f64 {
        // P(X ≤ k) for X ~ Binomial(n, p), summed in log space for large n.
        (0..=k)
            .map(|i| (ln_choose(n, i) + i as f64 * p.ln() + (n - i) as f64 * (1.0 - p).ln()).exp())
            .sum()
    };
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if cdf(mid) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn ln_choose(n: u64, k: u64) -> f64 {
    (1..=k)
        .map(|i| ((n - k + i) as f64).ln() - (i as f64).ln())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_sample_sizes_follow_the_tables() {
        // 60 units: letters C (I), E (II), F (III) → 5, 13, 20.
        assert_eq!(iso_sample_size(60, Level::I), 5);
        assert_eq!(iso_sample_size(60, Level::II), 13);
        assert_eq!(iso_sample_size(60, Level::III), 20);
        // 2,340 items at II: letter K → 125.
        assert_eq!(code_letter(2340, Level::II), 'K');
        assert_eq!(iso_sample_size(2340, Level::II), 125);
        assert_eq!(code_letter(600_000, Level::S1), 'D');
        // A small lot is inspected whole.
        assert_eq!(iso_sample_size(2, Level::III), 2);
        assert_eq!(Level::parse("s-2"), Some(Level::S2));
    }

    #[test]
    fn attribute_sample_sizes_follow_the_formula() {
        assert_eq!(attribute_sample_size(0.95, 0.05), 59);
        assert_eq!(attribute_sample_size(0.95, 0.10), 29);
        assert_eq!(attribute_sample_size(0.90, 0.05), 45);
        assert_eq!(hypergeometric_sample_size(60, 0.95, 0.10), 23);
        assert_eq!(items_to_inspect(60, 0.95, 0.10), 23);
        assert_eq!(items_to_inspect(10_000, 0.95, 0.10), 29);
        assert_eq!(
            items_to_inspect(12, 0.95, 0.10),
            12.min(hypergeometric_sample_size(12, 0.95, 0.10))
        );
        assert!(items_to_inspect(5, 0.95, 0.10) <= 5);
    }

    #[test]
    fn clopper_pearson_upper_bounds() {
        // No deviation in 29 draws: 95 % upper bound just under 10 %.
        let bound = upper_deviation_bound(0, 29, 0.95);
        assert!((bound - 0.0982).abs() < 0.001, "{bound}");
        // 2 deviations in 50 draws at 95 %: about 12.2 %.
        let bound = upper_deviation_bound(2, 50, 0.95);
        assert!((bound - 0.1216).abs() < 0.002, "{bound}");
        assert_eq!(upper_deviation_bound(3, 3, 0.95), 1.0);
    }
}
