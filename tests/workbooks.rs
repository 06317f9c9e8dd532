//! Every workbook zwgk writes, read back part by part with an XML parser (not the writer's
//! own crate): A4 landscape one page wide, the header rows repeated, the title and page
//! numbers in the page header and footer, links for web addresses only, numbers and dates
//! as numbers and dates, rows as tall as their wrapped text, a sentence on a sheet with no
//! rows, fixed document properties; and the worksheet read back by the audit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

use crate::util::{mini_year, package_parts, read_json, repo, shipped_standards, Sandbox};

const FOOTER: &str = "&C第 &P 页 / 共 &N 页";
/// Excel's default row height, in points.
const DEFAULT_HEIGHT: f64 = 15.0;

/// A workbook's XML parts by name.
struct Book {
    parts: BTreeMap<String, String>,
}

impl Book {
    fn open(path: &Path) -> Book {
        Book {
            parts: package_parts(path),
        }
    }

    fn part(&self, name: &str) -> &str {
        self.parts
            .get(name)
            .unwrap_or_else(|| panic!("no part {name}"))
    }

    /// Sheet names in workbook order.
    fn sheet_names(&self) -> Vec<String> {
        let doc = roxmltree::Document::parse(self.part("xl/workbook.xml")).unwrap();
        elements(&doc, "sheet")
            .map(|s| s.attribute("name").unwrap().to_string())
            .collect()
    }

    /// The XML of the sheet named `name`: the writer numbers sheet parts in order.
    fn sheet(&self, name: &str) -> &str {
        let index = self
            .sheet_names()
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no sheet {name}"));
        self.part(&format!("xl/worksheets/sheet{}.xml", index + 1))
    }

    /// `_xlnm.Print_Titles` of the sheet at `index`: `'name'!$1:$1`.
    fn print_titles(&self, index: usize) -> Option<String> {
        let doc = roxmltree::Document::parse(self.part("xl/workbook.xml")).unwrap();
        let titles = elements(&doc, "definedName")
            .find(|d| {
                d.attribute("name") == Some("_xlnm.Print_Titles")
                    && d.attribute("localSheetId") == Some(index.to_string().as_str())
            })
            .and_then(|d| d.text().map(String::from));
        titles
    }

    /// The number format code of cell style `s`.
    fn number_format(&self, style: usize) -> String {
        let doc = roxmltree::Document::parse(self.part("xl/styles.xml")).unwrap();
        let xf = elements(&doc, "cellXfs")
            .next()
            .unwrap()
            .children()
            .filter(|n| n.has_tag_name("xf"))
            .nth(style)
            .unwrap();
        let id = xf.attribute("numFmtId").unwrap_or("0");
        let code = elements(&doc, "numFmt")
            .find(|f| f.attribute("numFmtId") == Some(id))
            .and_then(|f| f.attribute("formatCode"))
            .map_or_else(|| format!("built-in {id}"), String::from);
        code
    }

    fn core(&self) -> &str {
        self.part("docProps/core.xml")
    }
}

fn elements<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    tag: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    doc.descendants().filter(move |n| n.has_tag_name(tag))
}

/// Asserts every sheet of the workbook at `path` prints on A4 landscape, one page wide,
/// its rows `titles` (`$1:$1`) repeated, the page header holding its title and the footer
/// the page numbers.
fn assert_prints_well(path: &Path, titles: impl Fn(&str) -> String) {
    let book = Book::open(path);
    for (index, name) in book.sheet_names().iter().enumerate() {
        let at = format!("{} {name}", path.display());
        let doc = roxmltree::Document::parse(book.sheet(name)).unwrap();
        let setup = elements(&doc, "pageSetup").next().expect(&at);
        assert_eq!(setup.attribute("orientation"), Some("landscape"), "{at}");
        assert_eq!(setup.attribute("paperSize"), Some("9"), "{at}: A4");
        // fitToWidth is 1 when not written (ECMA-376 §18.3.1.64).
        assert_eq!(setup.attribute("fitToWidth").unwrap_or("1"), "1", "{at}");
        assert_eq!(setup.attribute("fitToHeight"), Some("0"), "{at}");
        let fit = elements(&doc, "pageSetUpPr").next().expect(&at);
        assert_eq!(fit.attribute("fitToPage"), Some("1"), "{at}");
        let header = elements(&doc, "oddHeader").next().expect(&at);
        assert!(header.text().unwrap().starts_with("&C"), "{at}");
        assert!(header.text().unwrap().len() > 10, "{at}: a title");
        let footer = elements(&doc, "oddFooter").next().expect(&at);
        assert_eq!(footer.text(), Some(FOOTER), "{at}");
        // The sheet's name is quoted only where Excel needs it (三 is, 问题清单 not).
        let printed = book.print_titles(index).expect(&at).replace('\'', "");
        assert_eq!(printed, format!("{name}!{}", titles(name)), "{at}");
        let margins = elements(&doc, "pageMargins").next().expect(&at);
        let left: f64 = margins.attribute("left").unwrap().parse().unwrap();
        assert!((0.25..=1.0).contains(&left), "{at}: margin {left}");
        let printed_lines = elements(&doc, "printOptions")
            .next()
            .is_some_and(|o| o.attribute("gridLines") == Some("1"));
        let bordered = book.part("xl/styles.xml").contains("<left style=\"thin\">");
        assert!(printed_lines || bordered, "{at}: gridlines or borders");
    }
}

/// The `c` element at `reference` (`A2`).
fn cell<'a, 'i>(doc: &'a roxmltree::Document<'i>, reference: &str) -> roxmltree::Node<'a, 'i> {
    elements(doc, "c")
        .find(|c| c.attribute("r") == Some(reference))
        .unwrap_or_else(|| panic!("no cell {reference}"))
}

/// Asserts the cell holds a number (no string type) and returns its style's format.
fn number_cell(book: &Book, sheet: &str, reference: &str) -> String {
    let doc = roxmltree::Document::parse(book.sheet(sheet)).unwrap();
    let c = cell(&doc, reference);
    assert!(
        matches!(c.attribute("t"), None | Some("n")),
        "{sheet}!{reference} is {:?}, not a number",
        c.attribute("t")
    );
    assert!(
        elements(&doc, "v").any(|v| v.parent() == Some(c)),
        "{sheet}!{reference} has a value"
    );
    book.number_format(c.attribute("s").map_or(0, |s| s.parse().unwrap()))
}

/// Cells of `sheet` that carry a hyperlink.
fn linked_cells(book: &Book, sheet: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(book.sheet(sheet)).unwrap();
    elements(&doc, "hyperlink")
        .map(|h| h.attribute("ref").unwrap().to_string())
        .collect()
}

/// Rows given their own height, as (row number, height).
fn custom_heights(book: &Book, sheet: &str) -> Vec<(u32, f64)> {
    let doc = roxmltree::Document::parse(book.sheet(sheet)).unwrap();
    elements(&doc, "row")
        .filter(|r| r.attribute("customHeight") == Some("1"))
        .map(|r| {
            (
                r.attribute("r").unwrap().parse().unwrap(),
                r.attribute("ht").unwrap().parse().unwrap(),
            )
        })
        .collect()
}

fn first_row(_: &str) -> String {
    "$1:$1".into()
}

/// The text of a sheet's cell, through calamine.
fn text_at(path: &Path, sheet: &str, (row, column): (usize, usize)) -> String {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .nth(row)
        .and_then(|r| r.get(column))
        .map(|c| c.to_string())
        .unwrap_or_default()
}

/// The mini fixture audited, its results.json edited by `edit`, and the circular
/// re-rendered from it: the new report folder.
fn rerendered(sandbox: &Sandbox, edit: impl Fn(&mut Value)) -> PathBuf {
    let report = sandbox.audited_fixture("mini").join("report");
    let mut results = read_json(&report.join("results.json"));
    edit(&mut results);
    let edited = sandbox.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_vec(&results).unwrap()).unwrap();
    let out = sandbox.path().join("again");
    sandbox
        .run(&[
            "report",
            edited.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    out
}

/// The `n`th finding of the results, counting unit by unit.
fn nth_finding(results: &mut Value, n: usize) -> &mut Value {
    results["units"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|u| u["findings"].as_array_mut().unwrap().iter_mut())
        .nth(n)
        .unwrap()
}

/// Regression: LibreOffice showed only the last line of a wrapped cell (rows kept the
/// default height), and a `javascript:` address was written like any other.
#[test]
fn findings_xlsx_prints_links_only_web_addresses_and_grows_rows_for_wrapped_text() {
    let sandbox = Sandbox::new();
    let long_url = format!("https://www.rugao.gov.cn/{}", "a".repeat(3000));
    let out = rerendered(&sandbox, |results| {
        for unit in results["units"].as_array_mut().unwrap() {
            for finding in unit["findings"].as_array_mut().unwrap() {
                finding["evidence"]["url"] = Value::Null;
            }
        }
        nth_finding(results, 0)["evidence"]["url"] = "javascript:alert(1)".into();
        nth_finding(results, 1)["evidence"]["url"] = "http://www.rugao.gov.cn/a.html".into();
        nth_finding(results, 2)["evidence"]["url"] = long_url.clone().into();
        nth_finding(results, 3)["evidence"]["url"] = "/etc/passwd".into();
        nth_finding(results, 4)["message"] = "逾期未答复".repeat(60).into();
    });
    let path = out.join("findings.xlsx");
    assert_prints_well(&path, first_row);
    let book = Book::open(&path);
    // Only the http address is a link; the rest stay text, the long one whole.
    assert_eq!(linked_cells(&book, "问题清单"), ["L3"]);
    assert_eq!(text_at(&path, "问题清单", (1, 11)), "javascript:alert(1)");
    assert_eq!(text_at(&path, "问题清单", (3, 11)), long_url);
    // 序号 and the ranking's counts are whole numbers, the scores two decimals.
    assert_eq!(number_cell(&book, "问题清单", "A2"), "0");
    assert_eq!(number_cell(&book, "问题清单", "H2"), "yyyy-mm-dd");
    assert_eq!(number_cell(&book, "考核排名", "A2"), "0");
    assert_eq!(number_cell(&book, "考核排名", "E2"), "0.00");
    assert_eq!(number_cell(&book, "考核排名", "H2"), "0");
    // 300 CJK characters in a 60-wide column: many lines, not one.
    let heights = custom_heights(&book, "问题清单");
    let tall = heights.iter().find(|(row, _)| *row == 6).expect("row 6");
    assert!(tall.1 >= 8.0 * DEFAULT_HEIGHT, "{heights:?}");
    assert!(book
        .core()
        .contains("<dc:creator>如皋市政务公开办公室</dc:creator>"));
    assert!(book.core().contains("政务公开考核问题清单</dc:title>"));
    // Created on the circular's date (the mini fixture's), not the day of the run.
    assert!(book.core().contains("2019-01-15T"), "{}", book.core());
}

#[test]
fn findings_xlsx_without_findings_says_so_instead_of_an_empty_table() {
    let sandbox = Sandbox::new();
    let out = rerendered(&sandbox, |results| {
        for unit in results["units"].as_array_mut().unwrap() {
            unit["findings"] = Value::Array(Vec::new());
        }
    });
    let path = out.join("findings.xlsx");
    assert_eq!(text_at(&path, "问题清单", (1, 0)), "本期无扣分问题。");
    assert_prints_well(&path, first_row);
}

/// Two quarters of the mini fixture's results, Q3 without findings: none unrectified.
fn annual(sandbox: &Sandbox) -> PathBuf {
    let audits = mini_year(sandbox, |q3| {
        for unit in q3["units"].as_array_mut().unwrap() {
            unit["findings"] = Value::Array(Vec::new());
        }
    });
    sandbox
        .run(&["annual", "--year", "2018", audits.to_str().unwrap()])
        .ok();
    audits.join("2018-annual/annual.xlsx")
}

#[test]
fn annual_xlsx_prints_scores_with_two_decimals_and_says_when_nothing_is_unrectified() {
    let sandbox = Sandbox::new();
    let path = annual(&sandbox);
    assert_prints_well(&path, first_row);
    let book = Book::open(&path);
    assert_eq!(number_cell(&book, "年度排名", "B2"), "0", "rank");
    // 类别, 排名, 单位, then the two quarters and the annual score.
    for score in ["D2", "E2", "F2"] {
        assert_eq!(number_cell(&book, "年度排名", score), "0.00", "{score}");
    }
    assert_eq!(
        text_at(&path, "未整改问题", (1, 0)),
        "本年度无连续未整改问题。"
    );
    assert!(book
        .core()
        .contains("<dc:creator>如皋市政务公开办公室</dc:creator>"));
    assert!(book.core().contains("2019-01-15T"), "{}", book.core());
    // The same results, the same bytes.
    let first = std::fs::read(&path).unwrap();
    let other = Sandbox::new();
    assert_eq!(first, std::fs::read(annual(&other)).unwrap());
}

/// `zwgk sample` on the shipped 2018-Q4 into `out` of the sandbox: the workbook.
fn sampled_workbook(sandbox: &Sandbox, out: &str) -> PathBuf {
    let out = sandbox.path().join(out);
    let dir = repo().join("audits/2018-Q4");
    sandbox
        .run(&[
            "sample",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    out.join("worksheet.xlsx")
}

#[test]
fn worksheet_xlsx_holds_numbers_dates_and_links_and_prints_well() {
    let sandbox = Sandbox::new();
    let path = sampled_workbook(&sandbox, "w");
    assert_prints_well(&path, first_row);
    let book = Book::open(&path);
    assert_eq!(book.sheet_names(), ["抽查工作底稿", "单位核查"]);
    for sheet in ["抽查工作底稿", "单位核查"] {
        assert_eq!(number_cell(&book, sheet, "A2"), "0", "{sheet} 序号");
        assert!(
            !custom_heights(&book, sheet).is_empty(),
            "{sheet}: wrapped rows are sized"
        );
    }
    assert_eq!(number_cell(&book, "抽查工作底稿", "G2"), "yyyy-mm-dd");
    let links = linked_cells(&book, "抽查工作底稿");
    assert!(links.contains(&"F2".to_string()), "{links:?}");
    assert!(book.core().contains("政务公开随机抽查工作底稿</dc:title>"));
    assert!(book.core().contains("2018-12-31"), "{}", book.core());
    let again = sampled_workbook(&sandbox, "again");
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(again).unwrap());
}

/// An inspector's copy keeps what zwgk wrote as it was typed (序号 a number, 发布日期 a
/// date) and types a date into 核查日期: the audit reads it all back.
#[test]
fn a_worksheet_with_numbers_and_dates_reads_back_into_the_audit() {
    let sandbox = Sandbox::new();
    let dir = sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4");
    sandbox.on_folder("sample", &dir, &[]).ok();
    let mut book: Xlsx<_> = open_workbook(dir.join("sample/worksheet.xlsx")).unwrap();
    let range = book.worksheet_range("抽查工作底稿").unwrap();
    let mut filled = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let sheet = filled.add_worksheet().set_name("抽查工作底稿").unwrap();
    for (r, row) in range.rows().enumerate() {
        let r = r as u32;
        for (c, value) in row.iter().enumerate() {
            let c = c as u16;
            match value {
                Data::Float(n) => sheet.write_number(r, c, *n).map(|_| ()),
                Data::DateTime(d) => sheet
                    .write_datetime_with_format(r, c, d.as_datetime().unwrap(), &date)
                    .map(|_| ()),
                Data::Empty => Ok(()),
                other => sheet.write_string(r, c, other.to_string()).map(|_| ()),
            }
            .unwrap();
        }
        if r > 0 {
            let verdict = if r == 1 { "不合格" } else { "合格" };
            sheet.write_string(r, 10, verdict).unwrap();
        }
    }
    let checked = chrono::NaiveDate::from_ymd_opt(2019, 1, 5).unwrap();
    sheet.write_string(1, 12, "张三").unwrap();
    sheet
        .write_datetime_with_format(1, 13, checked, &date)
        .unwrap();
    filled.save(dir.join("worksheet.xlsx")).unwrap();
    assert!(matches!(range.get((1, 0)), Some(Data::Float(_))), "序号");
    assert!(
        matches!(range.get((1, 6)), Some(Data::DateTime(_))),
        "发布日期"
    );

    sandbox
        .on_folder("audit", &dir, &["-q", "--no-reports"])
        .ok();
    let results = read_json(&dir.join("report/results.json"));
    assert_eq!(results["spot_check"]["failed"], 1);
    let failed = crate::util::findings(&results)
        .find(|f| f["code"] == "inspection-failed")
        .expect("the failed item");
    let message = failed["message"].as_str().unwrap();
    assert!(message.contains("（核查人张三，2019-01-05）"), "{message}");
}

/// The disclosure report of the fixture's year into `out` of the sandbox.
fn disclosure_workbook(sandbox: &Sandbox, out: &str) -> PathBuf {
    let audits = sandbox.fixture("disclosure");
    let standards = shipped_standards();
    let out = sandbox.path().join(out);
    sandbox
        .run(&[
            "disclosure-report",
            "--year",
            "2021",
            audits.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    out.join("全市.xlsx")
}

/// Regression: the disclosure workbook (and annual.xlsx) carried the time it was written,
/// so two runs on the same records differed.
#[test]
fn the_disclosure_workbook_repeats_its_header_rows_and_stays_the_same() {
    let sandbox = Sandbox::new();
    let path = disclosure_workbook(&sandbox, "out");
    let book = Book::open(&path);
    // Row 1 the title, the header from row 3: as many rows as the table's header has.
    let header_rows = |name: &str| {
        let doc = roxmltree::Document::parse(book.sheet(name)).unwrap();
        let first_body = elements(&doc, "c")
            .filter(|c| c.attribute("t").is_none() && c.children().any(|v| v.has_tag_name("v")))
            .map(|c| {
                let r = c.attribute("r").unwrap();
                r.trim_start_matches(char::is_alphabetic)
                    .parse::<u32>()
                    .unwrap()
            })
            .min()
            .expect("a figure");
        format!("$3:${}", first_body - 1)
    };
    assert_prints_well(&path, header_rows);
    assert!(book.core().contains("<dc:creator>如皋市</dc:creator>"));
    assert!(book.core().contains("2021-12-31"), "{}", book.core());
    let other = Sandbox::new();
    let again = disclosure_workbook(&other, "out");
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(again).unwrap());
}
