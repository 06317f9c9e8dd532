//! `zwgk sample`: sample sizes, reproducible draws, strata, focus, worksheets.

use std::collections::BTreeSet;

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::util::{findings, read_json, repo, Sandbox};

fn draw(sandbox: &Sandbox, out: &str, args: &[&str]) -> serde_json::Value {
    let dir = repo().join("audits/2018-Q4");
    let out = sandbox.path().join(out);
    let mut all = vec![
        "sample",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    sandbox.run(&all).ok();
    read_json(&out.join("sample.json"))
}

fn units(plan: &serde_json::Value) -> Vec<String> {
    plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sizes_follow_iso_2859_and_strata_are_proportional() {
    let sandbox = Sandbox::new();
    for (level, n) in [("I", 5), ("II", 13), ("III", 20)] {
        let plan = draw(&sandbox, level, &["--level", level]);
        assert_eq!(units(&plan).len(), n, "level {level}");
    }
    let plan = draw(&sandbox, "ii", &["--level", "ii"]);
    assert_eq!(plan["strata"][0]["sampled"], 10);
    assert_eq!(plan["strata"][1]["sampled"], 3);
    // About 250 items a unit: the hypergeometric size at 95 % / 10 %.
    for unit in plan["units"].as_array().unwrap() {
        let population = unit["population"].as_u64().unwrap();
        let drawn = unit["items"].as_array().unwrap().len() as u64;
        assert!((23..=29).contains(&drawn) || drawn == population, "{unit}");
    }
}

#[test]
fn the_same_seed_draws_the_same_sample_and_another_seed_another() {
    let sandbox = Sandbox::new();
    let a = draw(&sandbox, "a", &["--seed", "7"]);
    let b = draw(&sandbox, "b", &["--seed", "7"]);
    let c = draw(&sandbox, "c", &["--seed", "8"]);
    assert_eq!(a, b);
    assert_ne!(units(&a), units(&c));
    assert_eq!(a["population"]["sha256"], c["population"]["sha256"]);
}

#[test]
fn focus_limits_the_population() {
    let sandbox = Sandbox::new();
    let plan = draw(&sandbox, "focus", &["--focus", "ZWGK-212"]);
    let drawn: BTreeSet<&str> = plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| {
            u["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_str().unwrap())
        })
        .collect();
    let items = std::fs::read_to_string(repo().join("audits/2018-Q4/items.csv")).unwrap();
    for line in items.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        if drawn.contains(fields[0]) {
            assert!(fields[2].starts_with("212-"), "{line}");
        }
    }
    assert!(!drawn.is_empty());
    let sandbox_err = sandbox.run(&[
        "sample",
        repo().join("audits/2018-Q4").to_str().unwrap(),
        "--focus",
        "天文",
        "--out",
        "x",
    ]);
    assert_eq!(sandbox_err.code(), 2);
    assert!(
        sandbox_err.stderr().contains("--focus 天文"),
        "{}",
        sandbox_err.stderr()
    );
}

#[test]
fn worksheets_list_the_sampled_items() {
    let sandbox = Sandbox::new();
    let plan = draw(&sandbox, "w", &[]);
    let total: usize = plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["items"].as_array().unwrap().len())
        .sum();
    let csv = std::fs::read(sandbox.path().join("w/worksheet.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "Excel needs the BOM to read UTF-8"
    );
    assert_eq!(String::from_utf8(csv).unwrap().lines().count(), total + 1);
    let mut book: Xlsx<_> = open_workbook(sandbox.path().join("w/worksheet.xlsx")).unwrap();
    let sheet = book.worksheet_range("抽查工作底稿").unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), total + 1);
    assert_eq!(rows[0][10], Data::String("核查结论".into()));
    assert_eq!(
        rows[1][3],
        Data::String(plan["units"][0]["items"][0].as_str().unwrap().into())
    );
    assert!(matches!(&rows[1][8], Data::String(s) if s.contains("第6.1条")));
}

/// A copy of the shipped 2018-Q4 folder (with units.yaml beside it) and its drawn sample.
fn sampled_copy(sandbox: &Sandbox) -> (std::path::PathBuf, serde_json::Value) {
    let dir = sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4");
    sandbox.on_folder("sample", &dir, &[]).ok();
    let plan = read_json(&dir.join("sample/sample.json"));
    (dir, plan)
}

fn audit(sandbox: &Sandbox, dir: &std::path::Path) -> crate::util::Run {
    sandbox.on_folder("audit", dir, &["-q", "--no-reports"])
}

fn results(dir: &std::path::Path) -> serde_json::Value {
    read_json(&dir.join("report/results.json"))
}

/// Fills the CSV worksheet: `verdict(row index, item id)` gives each row's verdict.
fn fill_csv(dir: &std::path::Path, verdict: impl Fn(usize, &str) -> &'static str) {
    let text = std::fs::read_to_string(dir.join("sample/worksheet.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for (i, record) in reader.records().enumerate() {
        let mut row: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if i > 0 {
            row[10] = verdict(i, &row[3]).into();
            row[11] = if row[10] == "不合格" {
                "链接打开后内容与标题不符".into()
            } else {
                String::new()
            };
            row[12] = "张某某".into();
            row[13] = "2019-01-08".into();
        }
        writer.write_record(&row).unwrap();
    }
    std::fs::write(dir.join("inspections.csv"), writer.into_inner().unwrap()).unwrap();
}

#[test]
fn verdicts_come_back_as_findings_with_agreement_figures() {
    let sandbox = Sandbox::new();
    let (dir, plan) = sampled_copy(&sandbox);
    // Without verdicts the spot check is absent and the rule notchecked.
    audit(&sandbox, &dir).ok();
    assert!(results(&dir)["spot_check"].is_null());

    // Inspectors agree with the automated checks on every item but fail one item that
    // the checks passed.
    // Items the automated checks failed: by item id, or through their register entry.
    let before = results(&dir);
    let records: BTreeSet<String> = findings(&before)
        .filter_map(|f| f["evidence"]["record"].as_str())
        .map(|r| r.split('（').next().unwrap().to_string())
        .collect();
    let items = std::fs::read_to_string(dir.join("items.csv")).unwrap();
    let failing: std::collections::BTreeSet<String> = items
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|f| records.contains(f[0]) || records.contains(f[8]))
        .map(|f| f[0].to_string())
        .collect();
    let first = plan["units"][0]["items"][0].as_str().unwrap().to_string();
    fill_csv(&dir, |_, item| {
        if failing.contains(item) || item == first {
            "不合格"
        } else {
            "合格"
        }
    });
    audit(&sandbox, &dir).ok();
    let after = results(&dir);
    let spot = &after["spot_check"];
    let sampled = spot["items_sampled"].as_u64().unwrap();
    assert_eq!(
        spot["passed"].as_u64().unwrap() + spot["failed"].as_u64().unwrap(),
        sampled
    );
    assert_eq!(
        spot["compared"].as_u64().unwrap(),
        sampled,
        "every item has an automated result (review)"
    );
    assert_eq!(spot["deviations"], 1, "{spot}");
    assert_eq!(
        spot["accepted"], true,
        "1 deviation in {sampled}: bound under 10 %"
    );
    let unit = plan["units"][0]["id"].as_str().unwrap();
    let id = format!("{unit}/ZWGK-302/spot-check-item/{first}");
    let finding = findings(&after)
        .find(|f| f["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no finding {id}"));
    assert_eq!(finding["code"], "inspection-failed");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("核查人张某某"),
        "{finding}"
    );

    // The circular reports the spot check.
    let out = sandbox.path().join("circular");
    let results_path = dir.join("report/results.json");
    sandbox
        .run(&[
            "report",
            results_path.to_str().unwrap(),
            "--format",
            "md",
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains(
            "随机抽查情况：按GB/T 2828.1（ISO 2859-1）一般检查水平II从60个单位中分层抽取13个单位"
        ),
        "{md}"
    );
    assert!(md.contains("偏差1条"), "{md}");
    assert!(md.contains("自动检查结果可以信赖"), "{md}");
}

#[test]
fn a_filled_xlsx_worksheet_is_read_too() {
    use rust_xlsxwriter::Workbook;
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    let mut book: Xlsx<_> = open_workbook(dir.join("sample/worksheet.xlsx")).unwrap();
    let range = book.worksheet_range("抽查工作底稿").unwrap();
    let mut filled = Workbook::new();
    let sheet = filled.add_worksheet().set_name("抽查工作底稿").unwrap();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, cell.to_string())
                .unwrap();
        }
        if r > 0 {
            sheet
                .write_string(r as u32, 10, if r == 1 { "不合格" } else { "合格" })
                .unwrap();
        }
    }
    filled.save(dir.join("worksheet.xlsx")).unwrap();
    audit(&sandbox, &dir).ok();
    let spot = &results(&dir)["spot_check"];
    assert_eq!(spot["failed"], 1);
    assert_eq!(spot["file"], "worksheet.xlsx");
}

#[test]
fn edited_rows_and_bad_verdicts_are_errors() {
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_csv(&dir, |i, _| if i == 2 { "基本合格" } else { "合格" });
    let text = std::fs::read_to_string(dir.join("inspections.csv")).unwrap();
    let edited = text.replacen(",U", ",X", 1);
    std::fs::write(dir.join("inspections.csv"), edited).unwrap();
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2);
    let err = run.stderr();
    assert!(
        err.contains("inspections.csv:2: 信息编号（第4列）: X"),
        "{err}"
    );
    assert!(err.contains("不在以种子 20181231 抽取的样本中"), "{err}");
    assert!(
        err.contains(
            "inspections.csv:3: 核查结论（第11列）: “基本合格”不是 合格、不合格、不适用 之一"
        ),
        "{err}"
    );
}

#[test]
fn switching_state_carries_from_the_previous_quarter() {
    let sandbox = Sandbox::new();
    let audits = sandbox.demo_quarters(&["2018-Q3", "2018-Q4"]);
    let standards = crate::util::shipped_standards();
    for period in ["2018-Q3", "2018-Q4"] {
        let dir = audits.join(period);
        sandbox
            .run(&[
                "sample",
                dir.to_str().unwrap(),
                "--standards",
                standards.to_str().unwrap(),
            ])
            .ok();
        // Inspectors fail every item: most disagree with the automated checks.
        fill_csv(&dir, |_, _| "不合格");
    }
    let q4 = audits.join("2018-Q4");
    audit(&sandbox, &q4).ok();
    let spot = &results(&q4)["spot_check"];
    assert_eq!(spot["history"], serde_json::json!([false, false]), "{spot}");
    assert_eq!(spot["severity"], "normal");
    assert_eq!(spot["next_severity"], "tightened");
    assert!(
        spot["recommendation"]
            .as_str()
            .unwrap()
            .contains("加严检查"),
        "{spot}"
    );
}

/// Writes the drawn worksheet back as `worksheet.xlsx`, every row judged 合格 except that
/// `verdict(row)` may write the verdict cell itself.
fn fill_xlsx(
    dir: &std::path::Path,
    verdict: impl Fn(&mut rust_xlsxwriter::Worksheet, u32) -> bool,
) {
    let mut book: Xlsx<_> = open_workbook(dir.join("sample/worksheet.xlsx")).unwrap();
    let range = book.worksheet_range("抽查工作底稿").unwrap();
    let mut filled = rust_xlsxwriter::Workbook::new();
    let sheet = filled.add_worksheet().set_name("抽查工作底稿").unwrap();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet
                .write_string(r as u32, c as u16, cell.to_string())
                .unwrap();
        }
        if r > 0 && !verdict(sheet, r as u32) {
            sheet.write_string(r as u32, 10, "合格").unwrap();
        }
    }
    filled.save(dir.join("worksheet.xlsx")).unwrap();
}

#[test]
fn a_formula_in_a_verdict_cell_is_an_error_naming_the_cell() {
    // It read as blank: the verdict silently dropped.
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_xlsx(&dir, |sheet, row| {
        row == 3 && {
            sheet
                .write_formula(row, 10, "=IF(1,\"合格\",\"不合格\")")
                .unwrap();
            true
        }
    });
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains("worksheet.xlsx:4: 核查结论（抽查工作底稿!K4）: 单元格是公式"),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_empty_or_header_only_worksheet_is_an_error() {
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    std::fs::write(dir.join("inspections.csv"), "").unwrap();
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("inspections.csv: 文件是空的"),
        "{}",
        run.stderr()
    );

    let header = std::fs::read_to_string(dir.join("sample/worksheet.csv")).unwrap();
    let header = header.lines().next().unwrap().to_string();
    std::fs::write(dir.join("inspections.csv"), header + "\r\n").unwrap();
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("工作底稿只有表头"),
        "{}",
        run.stderr()
    );
}

#[test]
fn an_inspections_row_with_an_extra_or_missing_field_is_an_error() {
    // Rows were read with their columns shifted.
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_csv(&dir, |_, _| "合格");
    let text = std::fs::read_to_string(dir.join("inspections.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[2].push_str(",多余");
    let cut = lines[4].rfind(',').unwrap();
    lines[4].truncate(cut);
    std::fs::write(dir.join("inspections.csv"), lines.join("\n") + "\n").unwrap();
    let err = audit(&sandbox, &dir).stderr();
    assert!(
        err.contains("inspections.csv:3: 有 15 个字段，比表头多 1 个"),
        "{err}"
    );
    assert!(
        err.contains("inspections.csv:5: 只有 13 个字段，表头有 14 个"),
        "{err}"
    );
}

#[test]
fn inspections_lines_are_physical_after_a_multiline_note_and_gbk_is_read() {
    // After a multi-line cell, inspections.csv reported record numbers, not lines; a GBK
    // file got a raw parser message.
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_csv(&dir, |i, _| match i {
        1 => "不合格",
        3 => "基本合格",
        _ => "合格",
    });
    let text = std::fs::read_to_string(dir.join("inspections.csv")).unwrap();
    let text = text.replacen(
        "链接打开后内容与标题不符",
        "\"链接打开后\r\n内容与标题不符\"",
        1,
    );
    let (gbk, _, _) = encoding_rs::GB18030.encode(text.trim_start_matches('\u{feff}'));
    std::fs::write(dir.join("inspections.csv"), gbk).unwrap();
    let err = audit(&sandbox, &dir).stderr();
    assert!(
        err.contains("inspections.csv:5: 核查结论（第11列）: “基本合格”不是"),
        "row 3 starts on line 5 after the two-line note: {err}"
    );
}

#[test]
fn a_worksheet_with_a_cell_at_xfd1048576_is_refused_before_reading() {
    // One stray cell made the reader allocate the whole range: a 512 GB abort.
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_xlsx(&dir, |sheet, row| {
        if row == 1 {
            sheet.write_string(1_048_575, 16_383, "x").unwrap();
        }
        false
    });
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains("worksheet.xlsx: 工作表“抽查工作底稿”声明的范围到 XFD1048576，超出合理范围"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_sample_rule_comes_from_the_catalogue_not_from_code() {
    // `--rule ZWGK-302/spot-check-item` was built in: another county's catalogue has other
    // ids.
    let sandbox = Sandbox::new();
    let dir = sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4");
    let standards = sandbox.copy_standards();
    let draw = |extra: &[&str]| {
        let mut args = vec![
            "sample",
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "--force",
        ];
        args.extend_from_slice(extra);
        sandbox.run(&args)
    };
    draw(&[]).ok();
    assert_eq!(
        read_json(&dir.join("sample/sample.json"))["rule"],
        "ZWGK-302/spot-check-item"
    );

    let path = standards.join("ZWGK-302.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("    sample: true\n", "")).unwrap();
    let run = draw(&[]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("目录中没有标记 sample: true 的人工核查要求"),
        "{}",
        run.stderr()
    );
    draw(&["--rule", "ZWGK-302/spot-check-item"]).ok();

    // Two requirements marked: the catalogue check refuses the second.
    std::fs::write(&path, &text).unwrap();
    let other = standards.join("ZWGK-103.yaml");
    let marked = std::fs::read_to_string(&other).unwrap().replacen(
        "check: manual\n",
        "check: manual\n    sample: true\n",
        1,
    );
    std::fs::write(&other, marked).unwrap();
    let run = sandbox.run(&[
        "catalogue",
        "check",
        "--standards",
        standards.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    let printed = run.stdout() + &run.stderr();
    assert!(
        printed.contains("抽查样本的核查结论只能记在一个要求下：ZWGK-"),
        "{printed}"
    );
}

#[test]
fn an_area_focus_keeps_the_items_of_that_areas_catalogue_rows_only() {
    let sandbox = Sandbox::new();
    let plan = draw(&sandbox, "focus-area", &["--focus", "社会救助"]);
    let csv = std::fs::read_to_string(repo().join("audits/2018-Q4/items.csv")).unwrap();
    // id, unit, item_code: the first three fields hold no commas.
    let code_of: std::collections::HashMap<&str, &str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut fields = l.split(',');
            Some((fields.next()?, fields.nth(1)?))
        })
        .collect();
    let drawn: Vec<&str> = plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| u["items"].as_array().unwrap().iter())
        .map(|i| i.as_str().unwrap())
        .collect();
    assert!(!drawn.is_empty());
    for id in drawn {
        assert!(code_of[id].starts_with("215-"), "{id} is {}", code_of[id]);
    }
}

// The unit sheet (单位核查): every sampled unit × unit-level manual requirement.

/// Columns of the unit sheet.
const UNIT_UNIT: usize = 1;
const UNIT_RULE: usize = 3;
const UNIT_SEEN: usize = 7;
const UNIT_VERDICT: usize = 8;

/// The requirement whose 不合格 the unit tests check.
const TRAINING: &str = "ZWGK-104/annual-training-hours";

/// Fills the unit sheet and writes it back as `unit_inspections.csv`:
/// `verdict(unit, requirement)` gives each row's verdict ("" leaves it blank).
fn fill_unit_csv(dir: &std::path::Path, verdict: impl Fn(&str, &str) -> &'static str) {
    let text = std::fs::read_to_string(dir.join("sample/unit_worksheet.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for (i, record) in reader.records().enumerate() {
        let mut row: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if i > 0 {
            row[UNIT_VERDICT] = verdict(&row[UNIT_UNIT], &row[UNIT_RULE]).into();
            if row[UNIT_VERDICT] == "不合格" {
                row[UNIT_SEEN] = "培训签到表缺第三季度".into();
                row[9] = "兼职信息员培训不足12学时".into();
            }
            row[10] = "李某某".into();
            row[11] = "2019-01-09".into();
        }
        writer.write_record(&row).unwrap();
    }
    std::fs::write(
        dir.join("unit_inspections.csv"),
        writer.into_inner().unwrap(),
    )
    .unwrap();
}

/// The outcomes of `rule` for `unit` in a results.json.
fn outcomes(results: &serde_json::Value, unit: &str, rule: &str) -> serde_json::Value {
    let unit = results["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == unit)
        .unwrap_or_else(|| panic!("no unit {unit}"));
    let line = unit["trace"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rule"] == rule)
        .unwrap_or_else(|| panic!("no trace line {rule}"));
    line["outcomes"].clone()
}

fn requirements(unit: &serde_json::Value) -> Vec<&str> {
    unit["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect()
}

#[test]
fn the_unit_sheet_lists_every_sampled_unit_s_manual_requirements() {
    let sandbox = Sandbox::new();
    let (dir, plan) = sampled_copy(&sandbox);
    let units = plan["units"].as_array().unwrap();
    let first = requirements(&units[0]);
    // Every manual requirement of the catalogue but the spot-check rule.
    assert!(first.contains(&"ZWGK-103/org-staff-in-place"), "{first:?}");
    assert!(first.contains(&TRAINING));
    assert!(
        !first.contains(&"ZWGK-302/spot-check-item"),
        "judged item by item"
    );
    let pairs: usize = units.iter().map(|u| requirements(u).len()).sum();

    let csv = std::fs::read(dir.join("sample/unit_worksheet.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), pairs + 1);
    let mut book: Xlsx<_> = open_workbook(dir.join("sample/worksheet.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["抽查工作底稿", "单位核查"],
        "items first"
    );
    let sheet = book.worksheet_range("单位核查").unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows.len(), pairs + 1);
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        header,
        [
            "序号",
            "单位编号",
            "单位名称",
            "要求编号",
            "标准",
            "要求",
            "核查内容",
            "核查所见（证据）",
            "结论",
            "说明",
            "核查人",
            "核查日期"
        ]
    );
    let row: Vec<String> = rows[1].iter().map(|c| c.to_string()).collect();
    assert_eq!(row[1], units[0]["id"].as_str().unwrap());
    assert_eq!(row[3], first[0]);
    assert_eq!(
        row[4], "Q/RGZW 103-2018 政务公开组织机构与职责 第8条",
        "{row:?}"
    );
    assert_eq!(row[5], "领导小组、分管领导、政务公开办及专职人员落实");
    assert!(
        row[6].starts_with("检查本单位是否成立政务公开领导小组"),
        "{row:?}"
    );
    assert!(
        row[7..].iter().all(String::is_empty),
        "left for the inspector"
    );
}

#[test]
fn unit_verdicts_become_the_manual_requirements_outcomes() {
    let sandbox = Sandbox::new();
    let (dir, plan) = sampled_copy(&sandbox);
    let sampled = plan["units"][0]["id"].as_str().unwrap().to_string();
    let other = plan["units"][1]["id"].as_str().unwrap().to_string();
    let drawn: BTreeSet<&str> = plan["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    let unsampled = (1..=60)
        .map(|n| format!("U{n:02}"))
        .find(|u| !drawn.contains(u.as_str()))
        .unwrap();
    // Without verdicts every manual requirement is notchecked.
    audit(&sandbox, &dir).ok();
    let before = results(&dir);
    assert_eq!(
        outcomes(&before, &sampled, TRAINING),
        serde_json::json!({"notchecked": 1})
    );

    // The first unit fails training and finds the budget requirement not applicable; the
    // second unit's rows are left blank; every other row passes.
    fill_unit_csv(&dir, |unit, rule| match (unit == sampled, rule) {
        (true, TRAINING) => "不合格",
        (true, "ZWGK-105/budget-and-ledger") => "不适用",
        _ if unit == other => "",
        _ => "合格",
    });
    audit(&sandbox, &dir).ok();
    let after = results(&dir);
    let expect = |unit: &str, rule: &str, outcome: serde_json::Value| {
        assert_eq!(outcomes(&after, unit, rule), outcome, "{unit} {rule}");
    };
    expect(&sampled, TRAINING, serde_json::json!({"fail": 1}));
    expect(
        &sampled,
        "ZWGK-105/budget-and-ledger",
        serde_json::json!({"notapplicable": 1}),
    );
    expect(
        &sampled,
        "ZWGK-103/org-staff-in-place",
        serde_json::json!({"pass": 1}),
    );
    expect(&other, TRAINING, serde_json::json!({"notchecked": 1}));
    expect(&unsampled, TRAINING, serde_json::json!({"notchecked": 1}));
    // The spot-check rule itself still waits for the item worksheet.
    expect(
        &sampled,
        "ZWGK-302/spot-check-item",
        serde_json::json!({"notchecked": 1}),
    );

    let id = format!("{sampled}/{TRAINING}/2018-Q4");
    let finding = findings(&after)
        .find(|f| f["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no finding {id}"));
    assert_eq!(finding["code"], "unit-inspection-failed");
    assert_eq!(
        finding["message"],
        "单位核查“年度培训学时和培训记录”不合格：兼职信息员培训不足12学时（核查人李某某，2019-01-09）"
    );
    assert_eq!(finding["evidence"]["seen"], "培训签到表缺第三季度");

    let spot = &after["spot_check"];
    let units = &spot["unit_verdicts"];
    let pairs = |i: usize| requirements(&plan["units"][i]).len() as u64;
    let total: u64 = (0..plan["units"].as_array().unwrap().len())
        .map(pairs)
        .sum();
    assert_eq!(units["sampled"], total);
    assert_eq!(units["failed"], 1);
    assert_eq!(units["not_applicable"], 1);
    assert_eq!(units["passed"], total - pairs(1) - 2, "{units}");
    assert_eq!(units["unjudged"].as_array().unwrap().len() as u64, pairs(1));
    assert_eq!(
        units["unjudged"][0],
        format!("{other}/ZWGK-103/org-staff-in-place")
    );
    assert_eq!(units["file"], "unit_inspections.csv");
    // The item statistics are about items only: none came back, and an item lot that was
    // not inspected does not enter the switching history.
    assert_eq!(spot["passed"], 0);
    assert_eq!(spot["compared"], 0);
    assert_eq!(spot["file"], "");
    assert_eq!(spot["history"], serde_json::json!([]));
    assert_eq!(spot["next_severity"], "normal");
}

/// Writes the drawn workbook back as `worksheet.xlsx` with both sheets, every item row
/// judged 合格 and every unit row `unit_verdict(row)`.
fn fill_workbook(dir: &std::path::Path, unit_verdict: impl Fn(u32) -> &'static str) {
    let mut book: Xlsx<_> = open_workbook(dir.join("sample/worksheet.xlsx")).unwrap();
    let mut filled = rust_xlsxwriter::Workbook::new();
    for (name, verdict_column) in [("抽查工作底稿", 10), ("单位核查", UNIT_VERDICT as u16)]
    {
        let range = book.worksheet_range(name).unwrap();
        let sheet = filled.add_worksheet().set_name(name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet
                    .write_string(r as u32, c as u16, cell.to_string())
                    .unwrap();
            }
            if r > 0 {
                let verdict = if verdict_column == 10 {
                    "合格"
                } else {
                    unit_verdict(r as u32)
                };
                sheet
                    .write_string(r as u32, verdict_column, verdict)
                    .unwrap();
            }
        }
    }
    filled.save(dir.join("worksheet.xlsx")).unwrap();
}

#[test]
fn both_sheets_of_a_filled_workbook_are_read_and_counted_apart() {
    let sandbox = Sandbox::new();
    let (dir, plan) = sampled_copy(&sandbox);
    fill_workbook(&dir, |row| if row == 2 { "不合格" } else { "合格" });
    sandbox.on_folder("audit", &dir, &["-q"]).ok();
    let after = results(&dir);
    let spot = &after["spot_check"];
    assert_eq!(spot["file"], "worksheet.xlsx");
    assert_eq!(spot["unit_verdicts"]["file"], "worksheet.xlsx");
    assert_eq!(spot["unit_verdicts"]["failed"], 1, "{spot}");
    assert_eq!(spot["unit_verdicts"]["unjudged"], serde_json::json!([]));
    // Unit verdicts have no automated counterpart: the items alone are compared.
    assert_eq!(spot["passed"], spot["items_sampled"]);
    assert_eq!(spot["failed"], 0);
    assert_eq!(spot["compared"], spot["items_sampled"]);
    assert_eq!(spot["history"].as_array().unwrap().len(), 1);
    // Row 2 of the unit sheet: the first unit's second requirement.
    let unit = plan["units"][0]["id"].as_str().unwrap();
    let rule = requirements(&plan["units"][0])[1];
    assert_eq!(outcomes(&after, unit, rule), serde_json::json!({"fail": 1}));
    // The circular reports the unit sheet beside the items.
    let pairs = spot["unit_verdicts"]["sampled"].as_u64().unwrap();
    let md = std::fs::read_to_string(dir.join("report/report.md")).unwrap();
    assert!(
        md.contains(&format!(
            "单位核查{pairs}项，合格{}项、不合格1项、不适用0项。与自动检查结果比对",
            pairs - 1
        )),
        "{md}"
    );
    // The method appendix lists the workbook among the files read, once.
    let sampled = spot["items_sampled"].as_u64().unwrap();
    assert!(
        md.contains(&format!(
            "worksheet.xlsx（抽查工作底稿，核查结论{sampled}条；单位核查表，核查结论{pairs}项）"
        )),
        "{md}"
    );
}

/// Runs the audit on a unit sheet whose rows `edit` changed; returns stderr after
/// checking that it was refused (exit 2).
fn refused_unit_sheet(edit: impl Fn(usize, &mut Vec<String>)) -> String {
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_unit_csv(&dir, |_, _| "合格");
    let text = std::fs::read_to_string(dir.join("unit_inspections.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut writer = csv::Writer::from_writer(Vec::new());
    for (i, record) in reader.records().enumerate() {
        let mut row: Vec<String> = record.unwrap().iter().map(String::from).collect();
        edit(i, &mut row);
        writer.write_record(&row).unwrap();
    }
    std::fs::write(
        dir.join("unit_inspections.csv"),
        writer.into_inner().unwrap(),
    )
    .unwrap();
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        !dir.join("report/results.json").exists(),
        "no results from a refused sheet"
    );
    run.stderr()
}

#[test]
fn a_unit_verdict_not_one_of_the_three_is_an_error_naming_the_line_and_field() {
    let err = refused_unit_sheet(|i, row| {
        if i == 3 {
            row[UNIT_VERDICT] = "基本合格".into();
        }
    });
    assert!(
        err.contains(
            "unit_inspections.csv:4: 结论（第9列）: “基本合格”不是 合格、不合格、不适用 之一"
        ),
        "{err}"
    );
}

#[test]
fn an_unknown_requirement_id_in_the_unit_sheet_is_an_error() {
    let err = refused_unit_sheet(|i, row| {
        if i == 2 {
            row[UNIT_RULE] = "ZWGK-104/annual-training".into();
        }
    });
    assert!(
        err.contains("unit_inspections.csv:3: 要求编号（第4列）: “ZWGK-104/annual-training”不是目录中人工核查要求的编号"),
        "{err}"
    );
}

#[test]
fn a_unit_sheet_row_not_in_the_sample_is_an_error() {
    // An unsampled unit, and a requirement of the catalogue the sample did not draw (the
    // item rule).
    let err = refused_unit_sheet(|i, row| match i {
        1 => row[UNIT_UNIT] = "U60".into(),
        5 => row[UNIT_RULE] = "ZWGK-302/spot-check-item".into(),
        _ => {}
    });
    assert!(
        err.contains("unit_inspections.csv:2: 单位编号（第2列）: U60 ZWGK-103/org-staff-in-place 不在以种子 20181231 抽取的样本中"),
        "{err}"
    );
    assert!(
        err.contains(
            "unit_inspections.csv:6: 要求编号（第4列）: ZWGK-302/spot-check-item 逐条抽查信息"
        ),
        "{err}"
    );
}

#[test]
fn a_changed_unit_sheet_header_is_an_error() {
    let err = refused_unit_sheet(|i, row| {
        if i == 0 {
            row[UNIT_VERDICT] = "核查结论".into();
        }
    });
    assert!(
        err.contains("unit_inspections.csv:1: 表头: 未知的列 “核查结论”（第9列）；缺少列 结论"),
        "{err}"
    );
}

#[test]
fn a_formula_in_a_unit_verdict_cell_names_the_cell_of_the_unit_sheet() {
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_workbook(&dir, |_| "合格");
    // Rewrite row 3's verdict as a formula.
    let mut book: Xlsx<_> = open_workbook(dir.join("worksheet.xlsx")).unwrap();
    let mut filled = rust_xlsxwriter::Workbook::new();
    for name in ["抽查工作底稿", "单位核查"] {
        let range = book.worksheet_range(name).unwrap();
        let sheet = filled.add_worksheet().set_name(name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet
                    .write_string(r as u32, c as u16, cell.to_string())
                    .unwrap();
            }
        }
        if name == "单位核查" {
            sheet.write_formula(2, 8, "=\"合格\"").unwrap();
        }
    }
    filled.save(dir.join("worksheet.xlsx")).unwrap();
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr()
            .contains("worksheet.xlsx:3: 结论（单位核查!I3）: 单元格是公式"),
        "{}",
        run.stderr()
    );
}

#[test]
fn two_filled_unit_sheets_are_an_error_unless_one_is_chosen() {
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_unit_csv(&dir, |_, _| "不合格");
    std::fs::copy(
        dir.join("unit_inspections.csv"),
        dir.join("sample/unit_worksheet.csv"),
    )
    .unwrap();
    fill_unit_csv(&dir, |_, _| "合格");
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("的单位核查表都填有结论，不知该以哪一个为准：请只保留一个，或用 --unit-inspections 指定"),
        "{}",
        run.stderr()
    );
    let chosen = dir.join("unit_inspections.csv");
    sandbox
        .on_folder(
            "audit",
            &dir,
            &[
                "-q",
                "--no-reports",
                "--unit-inspections",
                chosen.to_str().unwrap(),
            ],
        )
        .ok();
    assert_eq!(results(&dir)["spot_check"]["unit_verdicts"]["failed"], 0);
}

#[test]
fn require_complete_refuses_unjudged_unit_requirements() {
    let sandbox = Sandbox::new();
    let (dir, plan) = sampled_copy(&sandbox);
    fill_csv(&dir, |_, _| "合格");
    let last = plan["units"][12]["id"].as_str().unwrap().to_string();
    fill_unit_csv(&dir, |unit, _| if unit == last { "" } else { "合格" });
    let run = sandbox.on_folder("audit", &dir, &["-q", "--no-reports", "--require-complete"]);
    assert_eq!(run.code(), 2);
    let pairs = requirements(&plan["units"][12]).len();
    assert!(
        run.stderr().contains(&format!(
            "unit_inspections.csv 中有 {pairs} 项单位核查未填写结论（第一项：{last}/ZWGK-103/org-staff-in-place）"
        )),
        "{}",
        run.stderr()
    );
    fill_unit_csv(&dir, |_, _| "合格");
    sandbox
        .on_folder("audit", &dir, &["-q", "--no-reports", "--require-complete"])
        .ok();
}

#[test]
fn a_sample_drawn_before_the_unit_sheet_still_loads() {
    // sample.json without units[].requirements, as zwgk wrote it before.
    let sandbox = Sandbox::new();
    let (dir, mut plan) = sampled_copy(&sandbox);
    for unit in plan["units"].as_array_mut().unwrap() {
        unit.as_object_mut().unwrap().remove("requirements");
    }
    std::fs::write(
        dir.join("sample/sample.json"),
        serde_json::to_vec_pretty(&plan).unwrap(),
    )
    .unwrap();
    std::fs::remove_file(dir.join("sample/unit_worksheet.csv")).unwrap();
    fill_csv(&dir, |_, _| "合格");
    audit(&sandbox, &dir).ok();
    let spot = &results(&dir)["spot_check"];
    assert_eq!(spot["passed"], spot["items_sampled"]);
    assert!(spot["unit_verdicts"].is_null(), "{spot}");
}

#[test]
fn sample_refuses_to_overwrite_a_filled_unit_sheet_without_force() {
    let sandbox = Sandbox::new();
    let (dir, _) = sampled_copy(&sandbox);
    fill_unit_csv(&dir, |_, _| "合格");
    let path = dir.join("sample/unit_worksheet.csv");
    std::fs::copy(dir.join("unit_inspections.csv"), &path).unwrap();
    std::fs::remove_file(dir.join("unit_inspections.csv")).unwrap();
    let run = sandbox.on_folder("sample", &dir, &["--seed", "7"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("unit_worksheet.csv 已填有核查结论"),
        "{}",
        run.stderr()
    );
    assert!(
        std::fs::read_to_string(&path).unwrap().contains("李某某"),
        "kept"
    );
    sandbox
        .on_folder("sample", &dir, &["--seed", "7", "--force"])
        .ok();
    assert!(!std::fs::read_to_string(&path).unwrap().contains("李某某"));
}
