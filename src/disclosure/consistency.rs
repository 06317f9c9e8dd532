//! The consistency rules a published report must pass (third-party comparators run them on
//! published PDFs): in section 三, 一 + 二 = 三（七） + 四 in every column, （七） = the sum of
//! the outcome rows, 总计 = the sum of the applicant columns; in section 四, each group's
//! 总计 = the sum of its four columns; and the city's counted cells equal the sum of its
//! units'.

use serde::Serialize;

use super::format::{
    key, Cell, Table, CARRIED_IN, CARRIED_OUT, NEW, RESULTS, RESULTS_TOTAL, TOTAL,
};

/// One rule a table breaks, at one cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Inconsistency {
    pub table: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

/// What checking gave: how many equations were checked and which failed.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Checked {
    pub rules: usize,
    pub failed: Vec<Inconsistency>,
}

impl Checked {
    fn equal(
        &mut self,
        table: &Table,
        row: usize,
        column: usize,
        left: f64,
        right: f64,
        rule: &str,
    ) {
        self.rules += 1;
        if (left - right).abs() > 0.005 {
            self.failed.push(Inconsistency {
                table: table.key.clone(),
                row: key(&table.rows[row].labels),
                column: key(&table.columns[column]),
                message: format!("{rule}：应为 {}，表中为 {}", number(right), number(left)),
            });
        }
    }
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

fn value(table: &Table, row: usize, column: usize) -> f64 {
    table.rows[row]
        .cells
        .get(column)
        .and_then(|c| c.value())
        .unwrap_or(0.0)
}

/// Checks every table's own rules.
pub(crate) fn check(tables: &[Table]) -> Checked {
    let mut checked = Checked::default();
    for table in tables {
        match table.key.as_str() {
            "三" => section_three(table, &mut checked),
            "四" => section_four(table, &mut checked),
            _ => {}
        }
    }
    checked
}

fn section_three(table: &Table, checked: &mut Checked) {
    let row = |label: &str| table.row_at(label);
    let total_row = table.row_at(&format!("{RESULTS}/{RESULTS_TOTAL}"));
    let (Some(new), Some(carried_in), Some(total), Some(carried_out)) =
        (row(NEW), row(CARRIED_IN), total_row, row(CARRIED_OUT))
    else {
        return;
    };
    let outcomes: Vec<usize> = (0..table.rows.len())
        .filter(|&r| table.rows[r].labels[0] == RESULTS && r != total)
        .collect();
    for column in 0..table.columns.len() {
        let arrived = value(table, new, column) + value(table, carried_in, column);
        let left = value(table, total, column) + value(table, carried_out, column);
        checked.equal(
            table,
            carried_out,
            column,
            left,
            arrived,
            "第一项加第二项之和应等于第三项（七）加第四项之和",
        );
        let sum: f64 = outcomes.iter().map(|&r| value(table, r, column)).sum();
        checked.equal(
            table,
            total,
            column,
            value(table, total, column),
            sum,
            "（七）总计应等于（一）至（六）之和",
        );
    }
    if let Some(total_column) = table.column_at(TOTAL) {
        for r in 0..table.rows.len() {
            let sum: f64 = (0..total_column).map(|c| value(table, r, c)).sum();
            checked.equal(
                table,
                r,
                total_column,
                value(table, r, total_column),
                sum,
                "总计应等于自然人与法人或其他组织各列之和",
            );
        }
    }
}

fn section_four(table: &Table, checked: &mut Checked) {
    for (c, column) in table.columns.iter().enumerate() {
        if column.last().map(String::as_str) != Some(TOTAL) || c < 4 {
            continue;
        }
        for r in 0..table.rows.len() {
            let sum: f64 = (c - 4..c).map(|i| value(table, r, i)).sum();
            checked.equal(
                table,
                r,
                c,
                value(table, r, c),
                sum,
                "总计应等于维持、纠正、其他结果与尚未审结之和",
            );
        }
    }
}

/// The city's cells against the sum of its units' reports, table by table.
pub(crate) fn city_sums(city: &[Table], units: &[&[Table]]) -> Checked {
    let mut checked = Checked::default();
    for table in city {
        let theirs: Vec<&Table> = units
            .iter()
            .filter_map(|tables| tables.iter().find(|t| t.key == table.key))
            .collect();
        for (r, row) in table.rows.iter().enumerate() {
            let row_key = key(&row.labels);
            for (c, cell) in row.cells.iter().enumerate() {
                let column_key = key(&table.columns[c]);
                // Units list the rows they have (a channel, an area) in their own order.
                let parts: Vec<f64> = theirs
                    .iter()
                    .filter_map(|t| {
                        let cell =
                            t.rows.get(t.row_at(&row_key)?)?.cells[t.column_at(&column_key)?];
                        cell.value()
                    })
                    .collect();
                if !parts.is_empty() || *cell != Cell::Blank {
                    let sum = parts.iter().sum();
                    checked.equal(
                        table,
                        r,
                        c,
                        cell.value().unwrap_or(0.0),
                        sum,
                        "全市数应等于各单位之和",
                    );
                }
            }
        }
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::format::{section_four, section_three, Format};

    fn fill(table: &mut Table, row: &str, values: &[i64]) {
        let r = table.row_at(row).unwrap();
        for (cell, v) in table.rows[r].cells.iter_mut().zip(values) {
            *cell = Cell::Count(*v);
        }
    }

    fn balanced() -> Table {
        let (mut table, _) = section_three(Format::Official2021);
        for row in &mut table.rows {
            row.cells.iter_mut().for_each(|c| *c = Cell::Count(0));
        }
        fill(&mut table, NEW, &[3, 1, 0, 0, 0, 0, 4]);
        fill(&mut table, CARRIED_IN, &[1, 0, 0, 0, 0, 0, 1]);
        fill(
            &mut table,
            &format!("{RESULTS}/（一）予以公开"),
            &[2, 1, 0, 0, 0, 0, 3],
        );
        fill(
            &mut table,
            &format!("{RESULTS}/{RESULTS_TOTAL}"),
            &[2, 1, 0, 0, 0, 0, 3],
        );
        fill(&mut table, CARRIED_OUT, &[2, 0, 0, 0, 0, 0, 2]);
        table
    }

    #[test]
    fn a_balanced_section_three_passes() {
        let checked = check(&[balanced()]);
        assert!(checked.failed.is_empty(), "{:?}", checked.failed);
        assert_eq!(checked.rules, 7 * 2 + 25);
    }

    #[test]
    fn each_broken_rule_is_named_at_its_cell() {
        let mut table = balanced();
        fill(&mut table, CARRIED_OUT, &[1, 0, 0, 0, 0, 0, 1]);
        let failed = check(&[table]).failed;
        assert_eq!(failed.len(), 2, "{failed:?}");
        assert_eq!(failed[0].row, CARRIED_OUT);
        assert_eq!(failed[0].column, "自然人");
        assert!(
            failed[0].message.contains("应为 4，表中为 3"),
            "{}",
            failed[0].message
        );
        assert_eq!(failed[1].column, "总计");

        let mut table = balanced();
        fill(&mut table, NEW, &[3, 1, 0, 0, 0, 0, 5]);
        let failed = check(&[table]).failed;
        assert!(
            failed
                .iter()
                .any(|f| f.row == NEW && f.message.contains("各列之和")),
            "{failed:?}"
        );
    }

    #[test]
    fn section_four_totals_are_checked_per_group() {
        let mut table = section_four();
        let mut cells = vec![Cell::Count(0); 15];
        cells[0] = Cell::Count(2);
        cells[4] = Cell::Count(2);
        cells[8] = Cell::Count(1);
        table.rows[0].cells = cells;
        let failed = check(&[table]).failed;
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].column, "行政诉讼/未经复议直接起诉/总计");
    }

    #[test]
    fn the_city_must_be_the_sum_of_its_units() {
        let unit = balanced();
        let mut city = balanced();
        fill(&mut city, NEW, &[6, 2, 0, 0, 0, 0, 8]);
        let units: Vec<&[Table]> = vec![std::slice::from_ref(&unit), std::slice::from_ref(&unit)];
        let failed = city_sums(std::slice::from_ref(&city), &units).failed;
        assert!(failed.iter().all(|f| f.row != NEW), "{failed:?}");
        assert!(failed.iter().any(|f| f.row == CARRIED_IN), "{failed:?}");
    }
}
