//! `zwgk disclosure-report`: the statutory annual report counted from a year's records,
//! its consistency checks, and the check of a published report against the records.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{read_json, shipped_standards, Sandbox};

const NEW: &str = "一、本年新收政府信息公开申请数量";
const CARRIED_IN: &str = "二、上年结转政府信息公开申请数量";
const CARRIED_OUT: &str = "四、结转下年度继续办理";
const TOTAL: &str = "三、本年度办理结果/（七）总计";

/// Runs the report on `audits` for `year` with the shipped standards.
fn report(sandbox: &Sandbox, audits: &Path, year: &str, extra: &[&str]) -> crate::util::Run {
    let standards = shipped_standards();
    let mut args = vec![
        "disclosure-report",
        "--year",
        year,
        audits.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sandbox.run(&args)
}

/// Section 三's columns, in the official order.
const COLUMNS: [&str; 7] = [
    "自然人",
    "法人或其他组织/商业企业",
    "法人或其他组织/科研机构",
    "法人或其他组织/社会公益组织",
    "法人或其他组织/法律服务机构",
    "法人或其他组织/其他",
    "总计",
];

/// Section 三's row as seven numbers (自然人 … 总计).
fn row(json: &Value, label: &str) -> Vec<i64> {
    let cells = &json["tables"]["三"][label];
    COLUMNS
        .iter()
        .map(|c| {
            cells[c]
                .as_i64()
                .unwrap_or_else(|| panic!("no cell {label} {c}"))
        })
        .collect()
}

fn written(sandbox: &Sandbox, audits: &Path, year: &str) -> PathBuf {
    let out = sandbox.path().join("out");
    report(
        sandbox,
        audits,
        year,
        &["--all", "--out", out.to_str().unwrap()],
    )
    .ok();
    out
}

#[test]
fn every_application_is_counted_once_in_the_2021_format() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    let out = written(&sandbox, &audits, "2021");
    let city = read_json(&out.join("全市.json"));
    assert_eq!(city["title"], "2021年如皋市政府信息公开工作年度报告");
    assert_eq!(row(&city, NEW), [2, 1, 1, 1, 1, 1, 7]);
    // O1 of 2021-open-cases.csv, received in December, concluded in January.
    assert_eq!(row(&city, CARRIED_IN), [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(
        row(&city, "三、本年度办理结果/（一）予以公开"),
        [2, 0, 0, 0, 0, 0, 2]
    );
    // A3 was pending in Q3 and concluded in Q4: counted once, with Q4's outcome.
    assert_eq!(
        row(
            &city,
            "三、本年度办理结果/（四）无法提供/1.本机关不掌握相关政府信息"
        ),
        [0, 0, 0, 0, 1, 0, 1]
    );
    // A4's abbreviated outcome of older data counts under the official label.
    assert_eq!(
        row(
            &city,
            "三、本年度办理结果/（六）其他处理/1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
        ),
        [1, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(row(&city, TOTAL), [3, 1, 0, 1, 1, 1, 7]);
    assert_eq!(row(&city, CARRIED_OUT), [0, 0, 1, 0, 0, 0, 1]);
    let four = &city["tables"]["四"]["件数"];
    assert_eq!(four["行政复议/结果维持"], 1, "C1 concluded in Q4");
    assert_eq!(four["行政复议/总计"], 1);
    assert_eq!(four["行政诉讼/未经复议直接起诉/结果纠正"], 1);
    assert_eq!(four["行政诉讼/复议后起诉/尚未审结"], 1);
    let documents = &city["tables"]["二（一）"]["行政规范性文件"];
    assert_eq!(documents["本年制发件数"], 2);
    assert_eq!(documents["本年废止件数"], 1);
    assert_eq!(documents["现行有效件数"], 2);
    assert_eq!(
        city["tables"]["二（五）"]["行政许可"]["本年处理决定数量"],
        150
    );
    assert_eq!(
        city["tables"]["二（八）"]["行政事业性收费"]["本年收费金额（单位：万元）"],
        1.75
    );
    assert_eq!(city["checks"]["failed"], serde_json::json!([]));
    let notes = city["notes"].to_string();
    assert!(notes.contains("缺少2021-Q1、2021-Q2的数据"), "{notes}");
    assert!(
        notes.contains("2021-Q3/applications.csv：1行办理结果用的是旧简称"),
        "{notes}"
    );

    let u01 = read_json(&out.join("U01.json"));
    assert_eq!(u01["title"], "2021年如皋市民政局政府信息公开工作年度报告");
    assert_eq!(row(&u01, NEW), [1, 1, 1, 0, 0, 0, 3]);
    assert_eq!(row(&u01, CARRIED_OUT), [0, 0, 1, 0, 0, 0, 1]);
    for name in ["全市.md", "全市.html", "全市.xlsx", "U02.md", "U03.html"] {
        assert!(out.join(name).is_file(), "{name}");
    }
    // The file as written: cells in the official order.
    let text = std::fs::read_to_string(out.join("全市.json")).unwrap();
    insta::assert_snapshot!("disclosure_2021_city", text);
    let md = std::fs::read_to_string(out.join("全市.md")).unwrap();
    insta::assert_snapshot!("disclosure_2021_city_md", md);
}

#[test]
fn the_html_draws_the_national_layout_with_merged_cells() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    let out = written(&sandbox, &audits, "2021");
    let html = std::fs::read_to_string(out.join("全市.html")).unwrap();
    assert!(
        html.contains(r#"<th colspan="5" rowspan="1">法人或其他组织</th>"#),
        "{html}"
    );
    assert!(html.contains(r#"<th class="row" colspan="1" rowspan="22">三、本年度办理结果</th>"#));
    assert!(html.contains("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"));
    assert!(html.contains("<h2>六、其他需要报告的事项</h2>"));
}

/// The fixture moved to 2020: the 2019 trial format applies.
#[test]
fn the_2019_trial_format_applies_to_2020() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    shift_year(&audits, "2021", "2020");
    let out = written(&sandbox, &audits, "2020");
    let city = read_json(&out.join("全市.json"));
    let three = city["tables"]["三"].as_object().unwrap();
    assert_eq!(three.len(), 23, "（六）其他处理 is one row");
    assert_eq!(
        row(&city, "三、本年度办理结果/（六）其他处理"),
        [1, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(row(&city, TOTAL), [3, 1, 0, 1, 1, 1, 7]);
    let documents = &city["tables"]["二（一）"]["规范性文件"];
    assert_eq!(documents["本年新制作数量"], 2);
    assert_eq!(documents["本年新公开数量"], 1, "D3 was never published");
    assert_eq!(
        documents["对外公开总数量"], 1,
        "D1 was repealed, D3 unpublished"
    );
    assert!(city["tables"]["二（九）"].is_object());
    assert_eq!(city["checks"]["failed"], serde_json::json!([]));
}

/// Rewrites every date and file name of `from` into `to` (a year's shift).
fn shift_year(audits: &Path, from: &str, to: &str) {
    let before = (from.parse::<i32>().unwrap() - 1).to_string();
    let earlier = (to.parse::<i32>().unwrap() - 1).to_string();
    for entry in walk(audits) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let text = text
            .replace(&format!("{before}-"), &format!("{earlier}-"))
            .replace(from, to);
        std::fs::write(&entry, text).unwrap();
        let name = entry.file_name().unwrap().to_str().unwrap();
        if name.contains(from) {
            std::fs::rename(&entry, entry.with_file_name(name.replace(from, to))).unwrap();
        }
    }
    for q in ["Q3", "Q4"] {
        let dir = audits.join(format!("{from}-{q}"));
        std::fs::rename(&dir, audits.join(format!("{to}-{q}"))).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn check_mode_names_every_cell_a_published_report_gets_wrong() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    let out = written(&sandbox, &audits, "2021");
    let published = sandbox.path().join("published.json");
    std::fs::copy(out.join("U01.json"), &published).unwrap();
    let clean = report(
        &sandbox,
        &audits,
        "2021",
        &["--unit", "U01", "--check", published.to_str().unwrap()],
    );
    assert!(
        clean.ok().contains("所报数字与台账一致"),
        "{}",
        clean.stdout()
    );

    // The published report leaves out the application carried to next year.
    let mut figures = read_json(&published);
    figures["tables"]["三"][CARRIED_OUT]["法人或其他组织/科研机构"] = 0.into();
    std::fs::write(&published, serde_json::to_vec(&figures).unwrap()).unwrap();
    let run = report(
        &sandbox,
        &audits,
        "2021",
        &["--unit", "U01", "--check", published.to_str().unwrap()],
    );
    assert_eq!(run.code(), 1, "{}", run.stdout());
    let stdout = run.stdout();
    assert!(
        stdout.contains(
            "不一致：三 · 四、结转下年度继续办理 · 法人或其他组织/科研机构：报告 0，台账 1"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("勾稽关系不符：三 · 四、结转下年度继续办理 · 法人或其他组织/科研机构"),
        "{stdout}"
    );
}

#[test]
fn check_mode_reads_figures_typed_in_yaml_with_short_labels() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    let published = sandbox.path().join("published.yaml");
    std::fs::write(
        &published,
        "四:\n  件数: {行政复议/结果维持: 0, 行政复议/总计: 1}\n三:\n  一、本年新收政府信息公开申请数量: {自然人: 1, 商业企业: 1, 科研机构: 1, 总计: 3}\n",
    )
    .unwrap();
    let run = report(
        &sandbox,
        &audits,
        "2021",
        &["--unit", "U01", "--check", published.to_str().unwrap()],
    );
    assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
    let stdout = run.stdout();
    assert!(
        stdout.contains("不一致：四 · 件数 · 行政复议/结果维持：报告 0，台账 1"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("一、本年新收政府信息公开申请数量 · 自然人"),
        "{stdout}"
    );

    std::fs::write(&published, "三:\n  一、本年新收申请: {自然人: 1}\n").unwrap();
    let run = report(
        &sandbox,
        &audits,
        "2021",
        &["--unit", "U01", "--check", published.to_str().unwrap()],
    );
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("一、本年新收申请 不是2021年报告格式中的表、行或列"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_bad_case_row_is_named_with_file_line_and_field() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    crate::util::append(
        &audits.join("2021-Q4/cases.csv"),
        &["C4,U01,A1,行政起诉,2021-12-02,维持,"],
    );
    let run = report(&sandbox, &audits, "2021", &[]);
    assert_eq!(run.code(), 2);
    let stderr = run.stderr();
    assert!(stderr.contains("cases.csv:5: kind"), "{stderr}");
    assert!(stderr.contains("行政起诉"), "{stderr}");
    assert!(stderr.contains("已有审结结果，须填写审结日期"), "{stderr}");
}

#[test]
fn a_counted_application_without_applicant_type_stops_the_report() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    crate::util::append(
        &audits.join("2021-Q4/applications.csv"),
        &["A8,U02,2021-12-01,2021-12-10,否,予以公开,"],
    );
    let run = report(&sandbox, &audits, "2021", &[]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("申请 A8 计入2021年度报告，但未填申请人类型"),
        "{}",
        run.stderr()
    );
    assert!(!audits.join("2021-disclosure").exists());
}

#[test]
fn yearly_inputs_are_validated_with_their_lines() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    let statistics = audits.join("2021-statistics.yaml");
    let mut text = std::fs::read_to_string(&statistics).unwrap();
    text.push_str("  U09:\n    行政许可: {处理决定数量: 3}\n");
    std::fs::write(&statistics, &text).unwrap();
    crate::util::append(
        &audits.join("documents.csv"),
        &["D4,U02,规范性文件,皋城规〔2021〕1号,如城街道村务公开办法,2021-06-01,2021-05-01,"],
    );
    let run = report(&sandbox, &audits, "2021", &[]);
    assert_eq!(run.code(), 2);
    let stderr = run.stderr();
    assert!(stderr.contains("documents.csv:5: published_on"), "{stderr}");
    assert!(stderr.contains("早于制发日期"), "{stderr}");

    // With the register put right, the statistics file's unknown unit is named.
    let shipped = crate::util::repo().join("tests/fixtures/disclosure/documents.csv");
    std::fs::copy(shipped, audits.join("documents.csv")).unwrap();
    let run = report(&sandbox, &audits, "2021", &[]);
    assert_eq!(run.code(), 2);
    let stderr = run.stderr();
    assert!(
        stderr.contains("2021-statistics.yaml:18: units.U09"),
        "{stderr}"
    );
    assert!(stderr.contains("未知单位"), "{stderr}");
}

/// A published workbook filled in the report's own layout, with one figure wrong.
#[test]
fn check_mode_reads_a_filled_workbook_in_the_reports_layout() {
    let sandbox = Sandbox::new();
    let audits = sandbox.fixture("disclosure");
    let published = sandbox.path().join("published.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("四").unwrap();
    // Title on row 1, three header rows, the one row of figures on row 6.
    sheet.write_string(5, 0, "件数").unwrap();
    let figures = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2];
    for (c, n) in figures.iter().enumerate() {
        sheet.write_number(5, c as u16 + 1, *n as f64).unwrap();
    }
    workbook.save(&published).unwrap();
    let run = report(
        &sandbox,
        &audits,
        "2021",
        &["--unit", "U01", "--check", published.to_str().unwrap()],
    );
    assert_eq!(run.code(), 1, "{}{}", run.stdout(), run.stderr());
    let stdout = run.stdout();
    assert!(
        stdout.contains("不一致：四 · 件数 · 行政诉讼/复议后起诉/尚未审结：报告 2，台账 1"),
        "{stdout}"
    );

    // A row moved down is refused, naming the cell, rather than read one row off.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("四").unwrap();
    sheet.write_string(6, 0, "件数").unwrap();
    workbook.save(&published).unwrap();
    let run = report(
        &sandbox,
        &audits,
        "2021",
        &["--unit", "U01", "--check", published.to_str().unwrap()],
    );
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("工作表“四”A6 应是行“件数”"),
        "{}",
        run.stderr()
    );
}
