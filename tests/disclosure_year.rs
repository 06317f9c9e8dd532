//! A generated year: every cell of sections 三 and 四, for every unit and the city, equals
//! a count made here, independently, over the quarters' CSV files — in the 2019 trial and
//! the 2021 format.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::util::{read_csv, read_json, shipped_standards, Sandbox};

type Row = BTreeMap<String, String>;

/// Each id once, the latest quarter's row winning.
fn union(audits: &Path, year: i32, file: &str) -> Vec<Row> {
    let mut by_id: BTreeMap<String, Row> = BTreeMap::new();
    for q in 1..=4 {
        let path = audits.join(format!("{year}-Q{q}")).join(file);
        if path.exists() {
            for row in read_csv(&path).1 {
                by_id.insert(row["id"].clone(), row);
            }
        }
    }
    by_id.into_values().collect()
}

const TYPES: [&str; 6] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

fn column_key(kind: &str) -> String {
    if kind == "自然人" {
        kind.into()
    } else {
        format!("法人或其他组织/{kind}")
    }
}

/// Expected section 三 of the applications of `unit` (all when `None`): row key of the
/// report → column key → count. Outcome rows are found by their label in the report.
fn expected_three(
    apps: &[Row],
    unit: Option<&str>,
    year: i32,
    three: &Value,
) -> BTreeMap<(String, String), i64> {
    let (first, last) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let rows: Vec<&String> = three.as_object().unwrap().keys().collect();
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut add = |row: &str, kind: &str| {
        for column in [column_key(kind), "总计".to_string()] {
            *counts.entry((row.to_string(), column)).or_default() += 1;
        }
    };
    for app in apps.iter().filter(|a| unit.is_none_or(|u| a["unit"] == u)) {
        let (received, replied) = (&app["received_on"], &app["replied_on"]);
        if received.as_str() > last.as_str()
            || (!replied.is_empty() && replied.as_str() < first.as_str())
        {
            continue;
        }
        let kind = app["applicant_type"].as_str();
        if received.as_str() >= first.as_str() {
            add("一、本年新收政府信息公开申请数量", kind);
        } else {
            add("二、上年结转政府信息公开申请数量", kind);
        }
        if replied.is_empty() || replied.as_str() > last.as_str() {
            add("四、结转下年度继续办理", kind);
            continue;
        }
        add("三、本年度办理结果/（七）总计", kind);
        let outcome = app["outcome"].as_str();
        let (major, minor) = outcome.split_once('/').unwrap_or((outcome, ""));
        let row = rows
            .iter()
            .find(|key| {
                let parts: Vec<&str> = key.split('/').collect();
                parts.len() >= 2
                    && parts[1].contains(major)
                    && (parts.len() == 2 || parts[2].ends_with(minor) && !minor.is_empty())
            })
            .unwrap_or_else(|| panic!("no row for {outcome}"));
        add(row, kind);
    }
    counts
}

fn expected_four(cases: &[Row], unit: Option<&str>, year: i32) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    let last = format!("{year}-12-31");
    for case in cases.iter().filter(|c| unit.is_none_or(|u| c["unit"] == u)) {
        if !case["filed_on"].starts_with(&year.to_string()) {
            continue;
        }
        let group = match case["kind"].as_str() {
            "行政复议" => "行政复议",
            "直接起诉" => "行政诉讼/未经复议直接起诉",
            _ => "行政诉讼/复议后起诉",
        };
        let concluded = !case["concluded_on"].is_empty() && case["concluded_on"] <= last;
        let column = if concluded {
            format!("结果{}", case["result"]).replace("结果其他", "其他结果")
        } else {
            "尚未审结".into()
        };
        *counts.entry(format!("{group}/{column}")).or_default() += 1;
        *counts.entry(format!("{group}/总计")).or_default() += 1;
    }
    counts
}

fn compare(report: &Value, apps: &[Row], cases: &[Row], unit: Option<&str>, year: i32) {
    let three = &report["tables"]["三"];
    let expected = expected_three(apps, unit, year, three);
    let mut cells = 0;
    for (row, columns) in three.as_object().unwrap() {
        for (column, value) in columns.as_object().unwrap() {
            let want = expected
                .get(&(row.clone(), column.clone()))
                .copied()
                .unwrap_or(0);
            assert_eq!(
                value.as_i64().unwrap(),
                want,
                "{year} {unit:?} 三 {row} {column}"
            );
            cells += 1;
        }
    }
    assert_eq!(cells, three.as_object().unwrap().len() * 7);
    let four = &report["tables"]["四"]["件数"];
    let expected = expected_four(cases, unit, year);
    for (column, value) in four.as_object().unwrap() {
        let want = expected.get(column).copied().unwrap_or(0);
        assert_eq!(value.as_i64().unwrap(), want, "{year} {unit:?} 四 {column}");
    }
    assert_eq!(
        report["checks"]["failed"],
        serde_json::json!([]),
        "{year} {unit:?}"
    );
}

fn counted_independently(year: i32) {
    let sandbox = Sandbox::new();
    let audits = sandbox.generate_year(year, 7, 0.3);
    let out = sandbox.path().join("out");
    let standards = shipped_standards();
    sandbox
        .run(&[
            "disclosure-report",
            "--year",
            &year.to_string(),
            audits.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "--all",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    let apps = union(&audits, year, "applications.csv");
    let cases = union(&audits, year, "cases.csv");
    assert!(
        apps.len() > 100 && !cases.is_empty(),
        "{} {}",
        apps.len(),
        cases.len()
    );
    for kind in TYPES {
        assert!(
            apps.iter().any(|a| a["applicant_type"] == kind)
                || kind == "科研机构"
                || kind == "社会公益组织"
        );
    }
    compare(
        &read_json(&out.join("全市.json")),
        &apps,
        &cases,
        None,
        year,
    );
    let units = read_csv(&audits.join("documents.csv")).1;
    assert!(!units.is_empty());
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        if stem != "全市" {
            compare(&read_json(&path), &apps, &cases, Some(&stem), year);
        }
    }
}

#[test]
fn a_generated_2021_is_counted_cell_by_cell_as_the_csv_files_say() {
    counted_independently(2021);
}

#[test]
fn a_generated_2019_is_counted_cell_by_cell_as_the_csv_files_say() {
    counted_independently(2019);
}
