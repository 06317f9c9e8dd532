//! The layouts of the annual report by year: free format up to 2018, the 2019 trial format
//! (国办公开办函〔2019〕60号) for 2019–2020, the 2021 format (国办公开办函〔2021〕30号) from
//! 2021 — with the official row and column labels.

use serde::Serialize;

use crate::data::{CaseKind, CaseResult, APPLICANT_TYPES, OUTCOMES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Format {
    /// 2018 and earlier: sections as the 2008 regulation's reports wrote them.
    Free,
    /// 2019–2020.
    Trial2019,
    /// 2021 onwards.
    Official2021,
}

impl Format {
    pub(crate) fn of(year: i32) -> Format {
        match year {
            ..=2018 => Format::Free,
            2019 | 2020 => Format::Trial2019,
            _ => Format::Official2021,
        }
    }

    /// What the format is, as the report's note names it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Format::Free => "自由格式（2008年条例施行期间的年度报告体例）",
            Format::Trial2019 => "国办公开办函〔2019〕60号规定的格式（试行）",
            Format::Official2021 => "国办公开办函〔2021〕30号规定的格式",
        }
    }
}

/// A cell: a count, an amount in 万元, or nothing (not reported).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Cell {
    Count(i64),
    Amount(f64),
    Blank,
}

impl Cell {
    pub(crate) fn value(self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(n as f64),
            Cell::Amount(a) => Some(a),
            Cell::Blank => None,
        }
    }

    /// As printed: counts whole, amounts with two decimals, nothing as blank.
    pub(crate) fn text(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Amount(a) => format!("{a:.2}"),
            Cell::Blank => String::new(),
        }
    }
}

/// One table: rows and columns labelled by their path in the official layout (outer
/// label first), so merged header cells can be drawn and cells keyed by label.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Table {
    /// Short key, e.g. `三` or `二（一）`.
    pub key: String,
    pub caption: String,
    /// Printed above the table (the 勾稽关系 of section 三).
    pub note: Option<String>,
    /// Figures a unit reports rather than figures counted from the records.
    pub reported: bool,
    pub columns: Vec<Vec<String>>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TableRow {
    pub labels: Vec<String>,
    pub cells: Vec<Cell>,
}

/// The key a row or column label path is written under (JSON, check mode).
pub(crate) fn key(labels: &[String]) -> String {
    labels.join("/")
}

impl Table {
    pub(crate) fn new(key: &str, caption: &str, columns: Vec<Vec<String>>) -> Table {
        Table {
            key: key.into(),
            caption: caption.into(),
            note: None,
            reported: false,
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row of blanks.
    pub(crate) fn row(&mut self, labels: &[&str]) -> usize {
        self.rows.push(TableRow {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            cells: vec![Cell::Blank; self.columns.len()],
        });
        self.rows.len() - 1
    }

    pub(crate) fn row_at(&self, key_text: &str) -> Option<usize> {
        self.rows.iter().position(|r| key(&r.labels) == key_text)
    }

    pub(crate) fn column_at(&self, key_text: &str) -> Option<usize> {
        self.columns.iter().position(|c| key(c) == key_text)
    }
}

fn paths(labels: &[&[&str]]) -> Vec<Vec<String>> {
    labels
        .iter()
        .map(|path| path.iter().map(|l| l.to_string()).collect())
        .collect()
}

pub(crate) const LEGAL_PERSONS: &str = "法人或其他组织";
pub(crate) const TOTAL: &str = "总计";
pub(crate) const NEW: &str = "一、本年新收政府信息公开申请数量";
pub(crate) const CARRIED_IN: &str = "二、上年结转政府信息公开申请数量";
pub(crate) const RESULTS: &str = "三、本年度办理结果";
pub(crate) const RESULTS_TOTAL: &str = "（七）总计";
pub(crate) const CARRIED_OUT: &str = "四、结转下年度继续办理";

/// Section 三's columns: 自然人, the five kinds of 法人或其他组织, 总计 — in the order of
/// [`APPLICANT_TYPES`], then the total.
pub(crate) fn applicant_columns() -> Vec<Vec<String>> {
    let mut columns = vec![vec![APPLICANT_TYPES[0].to_string()]];
    for kind in &APPLICANT_TYPES[1..] {
        columns.push(vec![LEGAL_PERSONS.to_string(), kind.to_string()]);
    }
    columns.push(vec![TOTAL.to_string()]);
    columns
}

/// The label of an outcome category in section 三: `（一）予以公开`, `（二）部分公开（…）`.
pub(crate) fn outcome_heading(major: usize) -> String {
    const NUMERALS: [&str; 6] = ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）"];
    let name = OUTCOMES[major].0;
    let name = if name == "部分公开" {
        "部分公开（区分处理的，只计这一情形，不计其他情形）"
    } else {
        name
    };
    format!("{}{name}", NUMERALS[major])
}

/// Section 三 with blank cells: rows in the official order; in the trial format （六）其他处理
/// is one row. Returns the table and, per outcome (大类, 小类), its row.
pub(crate) fn section_three(format: Format) -> (Table, Vec<Vec<usize>>) {
    let mut table = Table::new(
        "三",
        "三、收到和处理政府信息公开申请情况",
        applicant_columns(),
    );
    table.note = Some("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和".into());
    table.row(&[NEW]);
    table.row(&[CARRIED_IN]);
    let mut outcome_rows = Vec::new();
    for (major, (_, subs)) in OUTCOMES.iter().enumerate() {
        let heading = outcome_heading(major);
        let single =
            subs.is_empty() || (format == Format::Trial2019 && major == OUTCOMES.len() - 1);
        if single {
            let row = table.row(&[RESULTS, &heading]);
            outcome_rows.push(vec![row; subs.len().max(1)]);
        } else {
            let rows = subs
                .iter()
                .enumerate()
                .map(|(i, sub)| table.row(&[RESULTS, &heading, &format!("{}.{sub}", i + 1)]))
                .collect();
            outcome_rows.push(rows);
        }
    }
    table.row(&[RESULTS, RESULTS_TOTAL]);
    table.row(&[CARRIED_OUT]);
    (table, outcome_rows)
}

/// Section 四's three groups of five.
pub(crate) const CASE_GROUPS: [&[&str]; 3] = [
    &["行政复议"],
    &["行政诉讼", "未经复议直接起诉"],
    &["行政诉讼", "复议后起诉"],
];
pub(crate) const PENDING: &str = "尚未审结";

pub(crate) fn case_group(kind: CaseKind) -> usize {
    match kind {
        CaseKind::Review => 0,
        CaseKind::DirectSuit => 1,
        CaseKind::SuitAfterReview => 2,
    }
}

/// `结果维持` … `其他结果`, in the order of [`CaseResult::ALL`].
pub(crate) fn result_label(result: CaseResult) -> &'static str {
    match result {
        CaseResult::Upheld => "结果维持",
        CaseResult::Corrected => "结果纠正",
        CaseResult::Other => "其他结果",
    }
}

/// Section 四 with blank cells: one row of fifteen.
pub(crate) fn section_four() -> Table {
    let mut columns = Vec::new();
    for group in CASE_GROUPS {
        let labels = CaseResult::ALL
            .into_iter()
            .map(result_label)
            .chain([PENDING, TOTAL]);
        for label in labels {
            let mut path: Vec<String> = group.iter().map(|g| g.to_string()).collect();
            path.push(label.to_string());
            columns.push(path);
        }
    }
    let mut table = Table::new("四", "四、政府信息公开行政复议、行政诉讼情况", columns);
    table.row(&["件数"]);
    table
}

/// One small table of section 二: key, caption, rows, columns, and whether units report it.
type Spec = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static [&'static str]],
    bool,
);

/// The tables of section 二 with blank cells.
pub(crate) fn section_two(format: Format) -> Vec<Table> {
    let specs: Vec<Spec> = match format {
        Format::Official2021 => vec![
            (
                "二（一）",
                "第二十条第（一）项",
                &["规章", "行政规范性文件"],
                &[&["本年制发件数"], &["本年废止件数"], &["现行有效件数"]],
                false,
            ),
            (
                "二（五）",
                "第二十条第（五）项",
                &["行政许可"],
                &[&["本年处理决定数量"]],
                true,
            ),
            (
                "二（六）",
                "第二十条第（六）项",
                &["行政处罚", "行政强制"],
                &[&["本年处理决定数量"]],
                true,
            ),
            (
                "二（八）",
                "第二十条第（八）项",
                &["行政事业性收费"],
                &[&["本年收费金额（单位：万元）"]],
                true,
            ),
        ],
        _ => vec![
            (
                "二（一）",
                "第二十条第（一）项",
                &["规章", "规范性文件"],
                &[
                    &["本年新制作数量"],
                    &["本年新公开数量"],
                    &["对外公开总数量"],
                ],
                false,
            ),
            (
                "二（五）",
                "第二十条第（五）项",
                &["行政许可", "其他对外管理服务事项"],
                &[&["上一年项目数量"], &["本年增/减"], &["处理决定数量"]],
                true,
            ),
            (
                "二（六）",
                "第二十条第（六）项",
                &["行政处罚", "行政强制"],
                &[&["上一年项目数量"], &["本年增/减"], &["处理决定数量"]],
                true,
            ),
            (
                "二（八）",
                "第二十条第（八）项",
                &["行政事业性收费"],
                &[&["上一年项目数量"], &["本年增/减"]],
                true,
            ),
            (
                "二（九）",
                "第二十条第（九）项",
                &["政府集中采购"],
                &[&["采购项目数量"], &["采购总金额"]],
                true,
            ),
        ],
    };
    specs
        .into_iter()
        .map(|(key, caption, rows, columns, reported)| {
            let mut table = Table::new(key, caption, paths(columns));
            table.reported = reported;
            for row in rows {
                table.row(&[row]);
            }
            table
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_three_has_the_official_rows_of_each_format() {
        let (table, _) = section_three(Format::Official2021);
        assert_eq!(table.rows.len(), 25);
        assert_eq!(table.columns.len(), 7);
        let (trial, rows) = section_three(Format::Trial2019);
        assert_eq!(trial.rows.len(), 23, "（六）其他处理 is one row in 2019");
        assert_eq!(rows[5], vec![rows[5][0]; 3]);
        assert!(table
            .row_at("三、本年度办理结果/（六）其他处理/1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
            .is_some());
        assert!(table
            .row_at("三、本年度办理结果/（三）不予公开/3.危及“三安全一稳定”")
            .is_some());
        assert_eq!(
            key(&table.columns[1]),
            "法人或其他组织/商业企业",
            "{:?}",
            table.columns
        );
    }

    #[test]
    fn section_four_has_fifteen_columns() {
        let table = section_four();
        assert_eq!(table.columns.len(), 15);
        assert_eq!(key(&table.columns[5]), "行政诉讼/未经复议直接起诉/结果维持");
        assert_eq!(key(&table.columns[14]), "行政诉讼/复议后起诉/总计");
    }

    #[test]
    fn formats_by_year() {
        assert_eq!(Format::of(2018), Format::Free);
        assert_eq!(Format::of(2020), Format::Trial2019);
        assert_eq!(Format::of(2021), Format::Official2021);
        assert_eq!(section_two(Format::Trial2019).len(), 5);
        assert_eq!(section_two(Format::Official2021).len(), 4);
    }
}
