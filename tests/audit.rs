//! `zwgk audit` and `zwgk generate`: generated quarters audited against their planted
//! truth, the shipped demo, a small hand-written fixture, bad input and exit codes.

use std::collections::BTreeSet;
use std::path::Path;

use crate::util::{
    append, findings, read_json, repo, set_circular, shipped_standards, Sandbox,
    CHECKED_FINDING_CODES,
};

fn finding_ids(results: &serde_json::Value) -> BTreeSet<String> {
    findings(results)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn planted(truth: &serde_json::Value, key: &str) -> BTreeSet<String> {
    let list = truth[key].as_array().unwrap();
    list.iter()
        .map(|p| {
            p.as_str()
                .map(String::from)
                .unwrap_or_else(|| p["finding"].as_str().unwrap().to_string())
        })
        .collect()
}

/// Every planted defect found, nothing else: precision and recall 1.0. Returns the
/// finding codes seen.
fn assert_matches_truth(dir: &Path, results: &serde_json::Value) -> BTreeSet<String> {
    let truth = read_json(&dir.join("truth.json"));
    let want = planted(&truth, "findings");
    let got = finding_ids(results);
    let missed: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {missed:?}\nnot planted {extra:?}"
    );
    assert!(
        want.len() > 50,
        "a quarter plants dozens of defects, got {}",
        want.len()
    );
    let boundary = planted(&truth, "boundary_passes");
    assert!(!boundary.is_empty());
    assert!(
        boundary.is_disjoint(&got),
        "instances on their deadline must pass"
    );
    for waived in planted(&truth, "waived") {
        assert!(!got.contains(&waived), "{waived} is waived");
    }
    findings(results)
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn assert_every_kind(codes: &BTreeSet<String>) {
    for code in CHECKED_FINDING_CODES {
        assert!(codes.contains(code), "no {code} finding planted and found");
    }
}

#[test]
fn generated_quarters_are_audited_exactly() {
    let sandbox = Sandbox::new();
    // 2018-Q4 (National Day with adjusted weekends), 2019-Q2 (the regulation changes on
    // 15 May), 2020-Q1 (the extended Spring Festival).
    for (period, seed) in [("2018-Q4", 11), ("2019-Q2", 12), ("2020-Q1", 13)] {
        let dir = sandbox.generate(period, seed, 0.5);
        let out = sandbox.path().join(format!("{period}-report"));
        sandbox
            .run(&[
                "audit",
                dir.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-q",
            ])
            .ok();
        let results = read_json(&out.join("results.json"));
        assert_eq!(results["units"].as_array().unwrap().len(), 60);
        assert_matches_truth(&dir, &results);
    }
}

#[test]
fn the_shipped_demo_matches_its_truth_and_shows_trends() {
    let sandbox = Sandbox::new();
    let out = sandbox.path().join("report");
    let dir = repo().join("audits/2018-Q4");
    let run = sandbox.run(&[
        "audit",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary = run.ok();
    assert!(
        summary.contains("如皋市2018年第四季度政务公开考核：60个单位"),
        "{summary}"
    );
    assert!(
        run.stderr().contains("尚未生成：先核查"),
        "Q3 audited for the trend: {}",
        run.stderr()
    );
    let results = read_json(&out.join("results.json"));
    assert_every_kind(&assert_matches_truth(&dir, &results));
    assert_eq!(results["previous"]["period"], "2018-Q3");
    assert!(results["summary"]["previous_average"].is_number());
    assert!(results["units"][0]["previous_score"].is_number());
    let repeats = findings(&results).filter(|f| f["repeat"] == true).count();
    // Column staleness and monthly counts recur by id across quarters only by chance;
    // the flag must be computed, not constant.
    assert!(repeats < finding_ids(&results).len());
}

#[test]
fn output_is_byte_identical_run_to_run() {
    let sandbox = Sandbox::new();
    let dir = sandbox.generate("2018-Q4", 3, 0.3);
    let (a, b) = (sandbox.path().join("a"), sandbox.path().join("b"));
    for out in [&a, &b] {
        sandbox
            .run(&[
                "audit",
                dir.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "-q",
            ])
            .ok();
    }
    assert_eq!(
        std::fs::read(a.join("results.json")).unwrap(),
        std::fs::read(b.join("results.json")).unwrap()
    );
    // The same seed generates the same data.
    let other = Sandbox::new();
    let again = other.generate("2018-Q4", 3, 0.3);
    assert_eq!(
        std::fs::read(dir.join("items.csv")).unwrap(),
        std::fs::read(again.join("items.csv")).unwrap()
    );
}

#[test]
fn mini_fixture_results_snapshot() {
    let sandbox = Sandbox::new();
    let dir = sandbox.audited_fixture("mini");
    let results = read_json(&dir.join("report/results.json"));
    insta::assert_json_snapshot!("mini_results", results, {
        ".catalogue.sha256" => "[catalogue hash]",
        ".tool" => "[version]",
    });
}

#[test]
fn fail_under_sets_exit_code_one() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let standards = shipped_standards();
    let d = dir.to_str().unwrap();
    let s = standards.to_str().unwrap();
    assert_eq!(sandbox.run(&["audit", d, "--standards", s, "-q"]).code(), 0);
    // 如城街道 is vetoed: any --fail-under fails.
    assert_eq!(
        sandbox
            .run(&["audit", d, "--standards", s, "-q", "--fail-under", "0"])
            .code(),
        1
    );
}

/// `--fail-under` used to exit 1 without saying which units fell short.
#[test]
fn fail_under_names_the_units_below_it() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let standards = shipped_standards();
    let (d, s) = (dir.to_str().unwrap(), standards.to_str().unwrap());
    let run = sandbox.run(&["audit", d, "--standards", s, "-q", "--fail-under", "0"]);
    let err = run.refused_in_chinese(1);
    let results = read_json(&dir.join("report/results.json"));
    let vetoed = results["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| !u["vetoes"].as_array().unwrap().is_empty())
        .expect("a vetoed unit");
    let name = vetoed["name"].as_str().unwrap();
    assert!(err.contains("--fail-under 0"), "{err}");
    assert!(err.contains(&format!("{name}（")), "{err}");
    assert!(err.contains("单项否决"), "{err}");
    // A threshold above every score names every unit, each with its score.
    let run = sandbox.run(&["audit", d, "--standards", s, "-q", "--fail-under", "100.5"]);
    let err = run.refused_in_chinese(1);
    let scored = |u: &&serde_json::Value| {
        u["score"].is_number() || !u["vetoes"].as_array().unwrap().is_empty()
    };
    for unit in results["units"].as_array().unwrap().iter().filter(scored) {
        let score = unit["score"]
            .as_f64()
            .map_or("—".to_string(), |v| format!("{v:.2}"));
        let line = format!("{}（{score}", unit["name"].as_str().unwrap());
        assert!(err.contains(&line), "missing {line} in {err}");
    }
}

#[test]
fn bad_rows_are_reported_with_file_line_and_column() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let items = append(
        &dir.join("items.csv"),
        &[
            "X1,U99,,工作动态,标题,政府网站,2018-10-08,,,,,是,,,",
            "X2,U01,,工作动态,标题,政府网站,2018-13-01,,,,,是,,,",
            "X3,U01,,工作动态,,政府网站,2018-10-08,,,,,是,,,",
            "X4,U01,202-03,政策文件,标题,政府网站,2018-10-08,2018-10-09,,,,是,,,",
            "X5,U01,,工作动态,标题,微信群,2018-10-08,,,,,是,,,",
            "X6,U01,999-99,工作动态,标题,政府网站,2018-10-08,,,,,也许,,,",
            "N1,U01,,工作动态,重复编号,政府网站,2018-10-08,,,,,是,,,",
            "X7,U01,,工作动态,标题,政府网站,2019-01-03,,,,,是,,,",
        ],
    );
    let apps = append(
        &dir.join("applications.csv"),
        &[
            "Y1,U01,2018-10-10,2018-10-09,否,予以公开,自然人",
            "Y2,U01,2031-01-05,,否,,自然人",
            "Y3,U01,2018-10-10,2018-10-20,否,同意公开,自然人",
        ],
    );
    let register = append(
        &dir.join("register.csv"),
        &["Z1,U01,202-99,标题,2018-10-01,"],
    );
    let standards = shipped_standards();
    let run = sandbox.run(&[
        "audit",
        dir.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    let err = run.stderr();
    let expect = [
        format!("items.csv:{}: unit（第2列）: 未知单位 “U99”（见 units.yaml）", items),
        format!("items.csv:{}: published_on（第7列）: “2018-13-01”不是日期", items + 1),
        format!("items.csv:{}: title（第5列）: 不能为空", items + 2),
        format!("items.csv:{}: published_on（第7列）: 2018-10-08 早于 formed_on 2018-10-09", items + 3),
        format!("items.csv:{}: channel（第6列）: 未知渠道 “微信群”", items + 4),
        format!("items.csv:{}: item_code（第3列）: 目录中没有事项 “999-99”", items + 5),
        format!("items.csv:{}: reviewed（第12列）: “也许”应为“是”或“否”", items + 5),
        format!("items.csv:{}: id（第1列）: 编号 “N1” 重复：第", items + 6),
        format!("items.csv:{}: published_on（第7列）: 2019-01-03 晚于考核期末（2018-12-31）", items + 7),
        format!("applications.csv:{}: replied_on（第4列）: 2018-10-09 早于 received_on 2018-10-10", apps),
        format!("applications.csv:{}: received_on（第3列）: 2031-01-05 不在工作日历的年份内（2018—2026年）", apps + 1),
        format!("applications.csv:{}: outcome（第6列）: “同意公开”不是年度报告的办理结果", apps + 2),
        format!("register.csv:{}: item_code（第3列）: 目录中没有事项 “202-99”", register),
    ];
    for line in &expect {
        assert!(err.contains(line.as_str()), "missing {line:?} in:\n{err}");
    }
    assert!(err.contains("未评分"), "{err}");
    assert!(
        !dir.join("report/results.json").exists(),
        "no results written on bad input"
    );

    // --keep-going skips the bad rows and says so in the results.
    let run = sandbox.run(&[
        "audit",
        dir.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
        "--keep-going",
        "-q",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    // It says how many rows it skipped, and where they are listed.
    let err = run.stderr();
    assert!(err.contains("跳过了 13 行"), "{err}");
    assert!(err.contains("results.json 的 skipped_rows"), "{err}");
    let results = read_json(&dir.join("report/results.json"));
    assert_eq!(
        results["skipped_rows"].as_array().unwrap().len(),
        13,
        "{}",
        results["skipped_rows"]
    );
    assert_eq!(
        results["summary"]["items"], 18,
        "the good rows are all kept"
    );
}

#[test]
fn bad_files_and_configuration_are_clear_errors() {
    let sandbox = Sandbox::new();
    let standards = shipped_standards();
    let s = standards.to_str().unwrap();

    let dir = sandbox.fixture("mini");
    let header = std::fs::read_to_string(dir.join("messages.csv"))
        .unwrap()
        .replacen("replied_on", "answered_on", 1);
    std::fs::write(dir.join("messages.csv"), header).unwrap();
    let err = sandbox
        .run(&["audit", dir.to_str().unwrap(), "--standards", s])
        .stderr();
    assert!(
        err.contains("messages.csv:1: 表头: 未知的列 “answered_on”（第5列）；缺少列 replied_on"),
        "{err}"
    );

    let dir = sandbox.path().join("w");
    crate::util::copy_dir(&repo().join("tests/fixtures/mini"), &dir);
    let line = append(&dir.join("waivers.yaml"), &["- {unit: U01, rule: ZWGK-204/reply-in-time, reason: x, approver: y, expires: 2019-01-01}"]);
    let waivers = std::fs::read_to_string(dir.join("waivers.yaml")).unwrap();
    let index = waivers.lines().filter(|l| l.starts_with("- ")).count() - 1;
    let err = sandbox
        .run(&["audit", dir.to_str().unwrap(), "--standards", s])
        .stderr();
    assert!(
        err.contains(&format!(
            "waivers.yaml:{line}: [{index}].rule: no requirement ZWGK-204/reply-in-time"
        )),
        "{err}"
    );

    let dir = sandbox.path().join("p");
    crate::util::copy_dir(&repo().join("tests/fixtures/mini"), &dir);
    let audit = std::fs::read_to_string(dir.join("audit.yaml"))
        .unwrap()
        .replace("2018-Q4", "2018-Q5");
    std::fs::write(dir.join("audit.yaml"), audit).unwrap();
    let run = sandbox.run(&["audit", dir.to_str().unwrap(), "--standards", s]);
    run.refused_in_chinese(2);
    assert!(
        run.stderr()
            .contains("audit.yaml:3: period: 期间 \"2018-Q5\" 不是 YYYY-Qn"),
        "{}",
        run.stderr()
    );

    let run = sandbox.run(&["audit", "no-such-folder", "--standards", s]);
    run.refused_in_chinese(2);
    assert!(
        run.stderr()
            .contains("no-such-folder/audit.yaml: 无法读取：文件或文件夹不存在"),
        "{}",
        run.stderr()
    );
}

/// `rectification_working_days: 4294967295` used to wrap to a deadline before the
/// circular in release builds; numbers of audit.yaml are now checked where it is read.
#[test]
fn audit_yaml_numbers_out_of_range_are_refused_at_their_line() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let first = set_circular(
        &dir.join("audit.yaml"),
        "rectification_working_days: 4294967295",
    );
    append(
        &dir.join("audit.yaml"),
        &["sampling: {confidence: 1.5, tolerable_rate: .nan, seed: 18446744073709551615}"],
    );
    let standards = shipped_standards();
    let run = sandbox.run(&[
        "audit",
        dir.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    let err = run.stderr();
    let expected = [
        format!("audit.yaml:{first}: circular.rectification_working_days: 取值 4294967295 超出允许范围 1–3650"),
        format!("audit.yaml:{}: sampling.confidence: 取值 1.5 超出允许范围：应大于 0 且小于 1", first + 1),
        format!("audit.yaml:{}: sampling.tolerable_rate: 取值 NaN 超出允许范围", first + 1),
    ];
    for line in &expected {
        assert!(err.contains(line.as_str()), "missing {line:?} in:\n{err}");
    }
    assert!(err.contains("输入中有 3 个问题"), "{err}");
}

/// results.json listed the sub-systems alphabetically (公开与运行 first) because their
/// weights were kept in a sorted map; catalogue.yaml's order is what the circular prints.
#[test]
fn subsystem_weights_keep_catalogue_order() {
    let sandbox = Sandbox::new();
    let dir = sandbox.audited_fixture("mini");
    let text = std::fs::read_to_string(dir.join("report/results.json")).unwrap();
    let weights = &text[text.find("\"subsystem_weights\"").unwrap()..];
    let position = |name: &str| weights.find(name).unwrap();
    assert!(position("支持与保障") < position("公开与运行"));
    assert!(position("公开与运行") < position("监督与评价"));
}

/// A full disk or an unwritable folder used to exit 2, the code for bad input; the input
/// here is good and the run could not finish, which is exit 3.
#[test]
fn outputs_that_cannot_be_written_exit_3_not_2() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let standards = shipped_standards();
    let blocker = sandbox.path().join("blocker");
    std::fs::write(&blocker, "a file where the output folder should go").unwrap();
    let out = blocker.join("report");
    let run = sandbox.run(&[
        "audit",
        dir.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 3, "{}", run.stderr());
    assert!(run.stderr().contains("blocker"), "{}", run.stderr());
    // Bad input is still 2.
    std::fs::write(dir.join("audit.yaml"), "period: 2018-Q9\n").unwrap();
    let run = sandbox.run(&["audit", dir.to_str().unwrap(), "-q"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
}

/// A waiver expiring inside the period showed `expired: false` and nothing else.
#[test]
fn a_waiver_lapsing_inside_the_period_is_reported_on_its_date() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let text = std::fs::read_to_string(dir.join("waivers.yaml")).unwrap();
    std::fs::write(
        dir.join("waivers.yaml"),
        text.replace("2019-06-30", "2018-11-15"),
    )
    .unwrap();
    let standards = shipped_standards();
    sandbox
        .run(&[
            "audit",
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "-q",
            "--no-reports",
        ])
        .ok();
    let results = read_json(&dir.join("report/results.json"));
    let waivers = results["waivers"].as_array().unwrap();
    assert_eq!(waivers[0]["expired"], false);
    assert_eq!(waivers[0]["lapsed_on"], "2018-11-15");
    assert!(
        waivers[1]["lapsed_on"].is_null(),
        "expired before the period"
    );
}

/// Auditing 2026-Q4 failed on the default circular date, which needs 2027, with only the
/// calendar's message.
#[test]
fn the_last_quarter_of_the_calendar_says_to_set_the_circular_date() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let config = std::fs::read_to_string(dir.join("audit.yaml")).unwrap();
    std::fs::write(dir.join("audit.yaml"), config.replace("2018-Q4", "2026-Q4")).unwrap();
    let standards = shipped_standards();
    let args = [
        "audit",
        dir.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
        "-q",
    ];
    let run = sandbox.run(&args);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("工作日历没有2027年（现有2018—2026年）：请在 audit.yaml 中写明 circular: {date: YYYY-MM-DD}"),
        "{}",
        run.stderr()
    );
    set_circular(&dir.join("audit.yaml"), "date: 2026-12-15");
    sandbox.run(&args).ok();
    let results = read_json(&dir.join("report/results.json"));
    assert_eq!(results["rectification_deadline"], "2026-12-29");
}

type Row = std::collections::BTreeMap<String, String>;

/// The four quarters of a generated year: each audits to exactly its truth, and what is
/// open at a quarter's end goes on, unchanged, into the next — applications (same id,
/// unit, dates, extension, applicant) replied there, and review and litigation cases
/// until concluded. Nothing else in Q2–Q4 was received before the quarter began.
#[test]
fn a_generated_year_is_consistent_quarter_to_quarter_and_audited_exactly() {
    let sandbox = Sandbox::new();
    let audits = sandbox.generate_year(2018, 21, 0.3);
    let starts = ["2018-01-01", "2018-04-01", "2018-07-01", "2018-10-01"];
    let ends = ["2018-03-31", "2018-06-30", "2018-09-30", "2018-12-31"];
    // Every application seen so far, as last listed.
    let mut seen: std::collections::BTreeMap<String, Row> = Default::default();
    let mut before: Option<(Vec<Row>, Vec<Row>)> = None;
    let mut all_cases: Vec<Row> = Vec::new();
    for q in 0..4 {
        let dir = audits.join(format!("2018-Q{}", q + 1));
        let (start, end) = (starts[q], ends[q]);
        sandbox.run(&["audit", dir.to_str().unwrap(), "-q"]).ok();
        let results = read_json(&dir.join("report/results.json"));
        assert_matches_truth(&dir, &results);
        let audit = std::fs::read_to_string(dir.join("audit.yaml")).unwrap();
        if q > 0 {
            assert!(
                audit.contains(&format!("previous: ../2018-Q{q}/report/results.json")),
                "{audit}"
            );
        }

        let (_, applications) = crate::util::read_csv(&dir.join("applications.csv"));
        let (header, cases) = crate::util::read_csv(&dir.join("cases.csv"));
        assert_eq!(
            header,
            [
                "id",
                "unit",
                "application",
                "kind",
                "filed_on",
                "result",
                "concluded_on"
            ]
        );
        let truth = read_json(&dir.join("truth.json"));
        assert_eq!(truth["counts"]["cases"], cases.len());

        let by_id = |rows: &[Row]| -> std::collections::BTreeMap<String, Row> {
            rows.iter().map(|r| (r["id"].clone(), r.clone())).collect()
        };
        let now = by_id(&applications);
        if let Some((old_applications, old_cases)) = &before {
            let old = by_id(old_applications);
            for a in applications
                .iter()
                .filter(|a| a["received_on"].as_str() < start)
            {
                let o = old.get(&a["id"]).unwrap_or_else(|| {
                    panic!(
                        "{} received before {start}: not in the quarter before",
                        a["id"]
                    )
                });
                assert!(o["replied_on"].is_empty(), "{} was replied before", a["id"]);
                for column in ["unit", "received_on", "extended", "applicant_type"] {
                    assert_eq!(a[column], o[column], "{} {column}", a["id"]);
                }
                assert!(!a["replied_on"].is_empty() && !a["outcome"].is_empty());
            }
            for o in old_applications
                .iter()
                .filter(|o| o["replied_on"].is_empty())
            {
                assert!(now.contains_key(&o["id"]), "{} open and gone", o["id"]);
            }
            let old_cases = by_id(old_cases);
            let listed = by_id(&cases);
            for (id, o) in &old_cases {
                match (o["result"].is_empty(), listed.get(id)) {
                    (true, Some(c)) => {
                        for column in ["unit", "application", "kind", "filed_on"] {
                            assert_eq!(c[column], o[column], "{id} {column}");
                        }
                    }
                    (true, None) => panic!("{id} pending and gone"),
                    (false, Some(_)) => panic!("{id} concluded and listed again"),
                    (false, None) => {}
                }
            }
            for c in &cases {
                if !old_cases.contains_key(&c["id"]) {
                    assert!(
                        c["filed_on"].as_str() >= start,
                        "{} new, filed before",
                        c["id"]
                    );
                }
            }
        } else {
            // 2018 is the calendar's first year: nothing can be carried in.
            assert!(applications
                .iter()
                .all(|a| a["received_on"].as_str() >= start));
        }
        seen.extend(now);
        for c in &cases {
            assert!(
                ["行政复议", "直接起诉", "复议后起诉"].contains(&c["kind"].as_str()),
                "{c:?}"
            );
            assert!(
                ["", "维持", "纠正", "其他"].contains(&c["result"].as_str()),
                "{c:?}"
            );
            assert_eq!(
                c["result"].is_empty(),
                c["concluded_on"].is_empty(),
                "{c:?}"
            );
            assert!(c["filed_on"].as_str() <= end && c["concluded_on"].as_str() <= end);
            if !c["concluded_on"].is_empty() {
                assert!(c["concluded_on"] >= c["filed_on"], "{c:?}");
            }
            if !c["application"].is_empty() {
                let a = seen
                    .get(&c["application"])
                    .unwrap_or_else(|| panic!("{c:?}: no such application"));
                assert_eq!(a["unit"], c["unit"], "{c:?}");
                assert!(
                    !a["replied_on"].is_empty() && c["filed_on"] > a["replied_on"],
                    "{c:?} filed before the reply {a:?}"
                );
            }
            if c["kind"] == "复议后起诉" {
                let review = all_cases.iter().chain(&cases).find(|r| {
                    r["kind"] == "行政复议"
                        && r["application"] == c["application"]
                        && r["result"] == "维持"
                        && r["concluded_on"] < c["filed_on"]
                });
                assert!(review.is_some(), "{c:?}: no review upheld before it");
            }
        }
        all_cases.extend(cases.iter().cloned());
        before = Some((applications, cases));
    }
    let (applications, cases) = before.unwrap();
    assert!(
        applications.iter().any(|a| a["replied_on"].is_empty()),
        "some applications are carried into the next year"
    );
    assert!(
        cases.iter().any(|c| c["result"].is_empty()),
        "some cases are pending at the year's end"
    );

    let (header, documents) = crate::util::read_csv(&audits.join("documents.csv"));
    assert_eq!(
        header,
        [
            "id",
            "unit",
            "kind",
            "doc_no",
            "title",
            "issued_on",
            "published_on",
            "repealed_on"
        ]
    );
    assert!(documents.iter().all(|d| d["kind"] == "规范性文件"));
    assert!(documents
        .iter()
        .any(|d| d["issued_on"].starts_with("2018") && d["doc_no"].contains("〔2018〕")));
    let statistics: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(audits.join("2018-statistics.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(statistics["year"], 2018);
    assert!(statistics["city"]["总体情况"]
        .as_str()
        .unwrap()
        .contains("2018年"));
    assert_eq!(statistics["units"].as_mapping().unwrap().len(), 60);
}

/// The shipped 2018 is a whole year at the model city's scale (775 applications, 68 of
/// them refused; 62 reviews and 124 lawsuits; 12 规范性文件 issued, all published).
#[test]
fn the_shipped_year_has_the_model_citys_proportions() {
    let audits = repo().join("audits");
    let mut applications: std::collections::BTreeMap<String, Row> = Default::default();
    let mut cases: std::collections::BTreeMap<String, Row> = Default::default();
    for q in 1..=4 {
        let dir = audits.join(format!("2018-Q{q}"));
        for a in crate::util::read_csv(&dir.join("applications.csv")).1 {
            applications.insert(a["id"].clone(), a);
        }
        for c in crate::util::read_csv(&dir.join("cases.csv")).1 {
            cases.insert(c["id"].clone(), c);
        }
    }
    let count = |rows: &std::collections::BTreeMap<String, Row>, keep: &dyn Fn(&Row) -> bool| {
        rows.values().filter(|r| keep(r)).count()
    };
    let received = count(&applications, &|a| a["received_on"].starts_with("2018"));
    assert!((740..=810).contains(&received), "{received} received");
    let refused = count(&applications, &|a| a["outcome"].starts_with("不予公开/"));
    assert!((55..=85).contains(&refused), "{refused} refused");
    // Every category of the annual report's section 三: 2 + 8 + 3 + 5 + 3.
    let outcomes: BTreeSet<&str> = applications
        .values()
        .map(|a| a["outcome"].as_str())
        .filter(|o| !o.is_empty())
        .collect();
    assert_eq!(outcomes.len(), 21, "{outcomes:?}");
    let applicants: BTreeSet<&str> = applications
        .values()
        .map(|a| a["applicant_type"].as_str())
        .collect();
    assert_eq!(applicants.len(), 6, "{applicants:?}");
    let citizens = count(&applications, &|a| a["applicant_type"] == "自然人");
    assert!((0.75..=0.85).contains(&(citizens as f64 / applications.len() as f64)));
    assert!(
        count(&applications, &|a| a["replied_on"].is_empty()) > 0,
        "结转下年度"
    );

    let kind = |k: &str| count(&cases, &|c| c["kind"] == k);
    assert!(
        (50..=75).contains(&kind("行政复议")),
        "{}",
        kind("行政复议")
    );
    assert!(
        (80..=120).contains(&kind("直接起诉")),
        "{}",
        kind("直接起诉")
    );
    assert!(
        (15..=35).contains(&kind("复议后起诉")),
        "{}",
        kind("复议后起诉")
    );
    for result in ["维持", "纠正", "其他", ""] {
        assert!(count(&cases, &|c| c["result"] == result) > 0, "{result:?}");
    }

    let (_, documents) = crate::util::read_csv(&audits.join("documents.csv"));
    let issued: Vec<&Row> = documents
        .iter()
        .filter(|d| d["issued_on"].starts_with("2018"))
        .collect();
    assert_eq!(issued.len(), 12);
    assert!(issued.iter().all(|d| d["published_on"].starts_with("2018")));
    assert!(documents
        .iter()
        .any(|d| d["repealed_on"].starts_with("2018")));
    let statistics: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(audits.join("2018-statistics.yaml")).unwrap(),
    )
    .unwrap();
    assert_eq!(statistics["units"].as_mapping().unwrap().len(), 60);
}
