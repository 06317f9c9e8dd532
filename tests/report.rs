//! The circular: Markdown and HTML snapshots for the three-unit fixture, template
//! overrides, re-rendering from results.json, the XLSX read back, notices.

use std::path::Path;

use calamine::{open_workbook, Data, DataType, Reader, Xlsx};

use crate::util::{mini_year, read_json, Sandbox};

/// Audits the mini fixture into the sandbox and returns its report folder.
fn audited_mini(sandbox: &Sandbox) -> std::path::PathBuf {
    sandbox.audited_fixture("mini").join("report")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn markdown_and_html_snapshots() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    let md = read(&report.join("report.md"));
    assert!(
        md.starts_with("# 关于如皋市2018年第四季度政务公开考核情况的通报"),
        "{md}"
    );
    insta::assert_snapshot!("mini_report_md", md);
    let html = read(&report.join("report.html"));
    assert!(html.contains("<svg") && html.contains("chart-trend"));
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "self-contained, no scripts"
    );
    insta::assert_snapshot!("mini_report_html", html);
}

#[test]
fn the_circular_reads_like_one() {
    let sandbox = Sandbox::new();
    let md = read(&audited_mini(&sandbox).join("report.md"));
    for section in [
        "## 一、总体情况",
        "## 二、考核排名",
        "## 三、单项否决情况",
        "## 四、存在的主要问题",
        "## 五、各单位问题清单",
        "## 六、工作要求",
        "## 附：考核方法说明",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    // 如城街道 is vetoed for a message unanswered for over three months.
    assert!(
        md.contains("如城街道：互动回应差：留言超过3个月未答复或未办理")
            || md.contains("如城街道："),
        "{md}"
    );
    // Rectification deadline: the circular goes out on the 10th working day after
    // 2018-12-31 (2019-01-15), and rectification is due 10 working days later.
    assert!(md.contains("2019年1月29日前"), "{md}");
    // A reply due under the 2008 regulation breaks the edition then in force, cited by its
    // number.
    assert!(
        md.contains("| 3 | 新增 | 超期答复 | 《依申请公开办理规范》（Q/RGZW 204-2018）第5.1条 |"),
        "{md}"
    );
}

#[test]
fn templates_can_be_exported_overridden_and_are_checked() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    let templates = sandbox.path().join("templates");
    let out = sandbox
        .run(&["templates", "export", templates.to_str().unwrap()])
        .ok();
    assert_eq!(out.lines().count(), 9, "{out}");
    let md = templates.join("circular.md.hbs");
    std::fs::write(
        &md,
        format!("如皋市政务公开办公室（自定义）\n\n{}", read(&md)),
    )
    .unwrap();
    let results = report.join("results.json");
    let again = sandbox.path().join("again");
    sandbox
        .run(&[
            "report",
            results.to_str().unwrap(),
            "--format",
            "md",
            "--templates",
            templates.to_str().unwrap(),
            "--out",
            again.to_str().unwrap(),
        ])
        .ok();
    assert!(read(&again.join("report.md")).starts_with("如皋市政务公开办公室（自定义）"));
    assert!(
        !again.join("report.html").exists(),
        "--format md writes Markdown only"
    );

    std::fs::write(
        templates.join("circular.html.hbs"),
        "<html>{{#each units}}<p>{{name}}</p></html>",
    )
    .unwrap();
    let run = sandbox.run(&[
        "report",
        results.to_str().unwrap(),
        "--templates",
        templates.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("circular.html.hbs"),
        "{}",
        run.stderr()
    );
}

#[test]
fn re_rendering_gives_the_same_circular() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    let again = sandbox.path().join("again");
    sandbox
        .run(&[
            "report",
            report.join("results.json").to_str().unwrap(),
            "--out",
            again.to_str().unwrap(),
        ])
        .ok();
    for file in ["report.md", "report.html"] {
        assert_eq!(read(&report.join(file)), read(&again.join(file)), "{file}");
    }
    assert_eq!(
        std::fs::read(report.join("findings.xlsx")).unwrap(),
        std::fs::read(again.join("findings.xlsx")).unwrap()
    );
}

#[test]
fn findings_xlsx_reads_back() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    let results: serde_json::Value = read_json(&report.join("results.json"));
    let mut workbook: Xlsx<_> = open_workbook(report.join("findings.xlsx")).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["问题清单".to_string(), "考核排名".to_string()]
    );
    let findings = workbook.worksheet_range("问题清单").unwrap();
    let rows: Vec<_> = findings.rows().collect();
    assert_eq!(rows[0][2], Data::String("单位".into()));
    assert_eq!(rows[0][5], Data::String("问题类型".into()));
    assert_eq!(
        rows.len() - 1,
        results["summary"]["findings"].as_u64().unwrap() as usize
    );
    // Dates are dates, not text.
    let late = rows
        .iter()
        .find(|r| r[13] == Data::String("U01/ZWGK-204/reply-within-limit/A1".into()))
        .expect("A1 row");
    assert_eq!(
        late[7].as_date(),
        chrono::NaiveDate::from_ymd_opt(2018, 9, 28)
    );
    assert_eq!(
        late[8].as_date(),
        chrono::NaiveDate::from_ymd_opt(2018, 10, 25)
    );
    let ranking = workbook.worksheet_range("考核排名").unwrap();
    assert_eq!(
        ranking
            .rows()
            .filter(|r| matches!(r[0], Data::Float(_) | Data::Int(_)))
            .count(),
        3
    );
}

#[test]
fn notices_list_every_finding_of_a_unit() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    let notice = read(&report.join("notices/U02-如城街道.md"));
    assert!(
        notice.starts_with("# 政务公开问题整改通知书\n\n如城街道："),
        "{notice}"
    );
    assert!(notice.contains("存在以下8个问题"), "{notice}");
    assert_eq!(
        notice
            .lines()
            .filter(|l| l.starts_with("| ") && l.contains("新增"))
            .count(),
        8
    );
}

#[test]
fn the_demo_circular_stays_small() {
    let sandbox = Sandbox::new();
    let out = sandbox.audited_demo();
    let html = std::fs::metadata(out.join("report.html")).unwrap().len();
    assert!(html < 600_000, "report.html is {html} bytes");
    let md = read(&out.join("report.md"));
    assert!(
        md.contains("另有"),
        "long lists are capped, the rest is in the XLSX"
    );
}

#[test]
fn annual_roll_up_combines_quarters_and_lists_unrectified_findings() {
    let sandbox = Sandbox::new();
    let audits = mini_year(&sandbox, |q3| q3["units"][0]["score"] = 50.0.into());
    let out = sandbox
        .run(&[
            "annual",
            "--year",
            "2018",
            audits.to_str().unwrap(),
            "--weights",
            "1,1,1,3",
        ])
        .ok();
    assert_eq!(out.lines().count(), 4, "{out}");
    let md = read(&audits.join("2018-annual/annual.md"));
    assert!(
        md.contains("2018年第一季度、2018年第二季度无考核结果未计入"),
        "{md}"
    );
    assert!(
        md.contains("2018年第三季度（权重1，") || md.contains("2018年第三季度（权重1.0，"),
        "{md}"
    );
    // 市民政局: 50 in Q3 (weight 1), 62.33 in Q4 (weight 3): (50 + 3 × 62.33) / 4 = 59.25.
    assert!(
        md.contains("| 市民政局 | 50.00 | 62.33 | 59.25 | 不合格 |"),
        "{md}"
    );
    // Every Q4 finding was also found in Q3: all 21 are unrectified.
    let annual: serde_json::Value = read_json(&audits.join("2018-annual/annual.json"));
    assert_eq!(annual["unrectified"].as_array().unwrap().len(), 21);
    assert_eq!(
        annual["unrectified"][0]["quarters"],
        "2018年第三季度、2018年第四季度"
    );
    let mut workbook: Xlsx<_> = open_workbook(audits.join("2018-annual/annual.xlsx")).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["年度排名".to_string(), "未整改问题".to_string()]
    );
    assert_eq!(
        workbook
            .worksheet_range("未整改问题")
            .unwrap()
            .rows()
            .count(),
        22
    );
}

/// `zwgk annual` gave 优秀 to 53 of 60 units while citing Q/RGZW 301-2018, which caps
/// 优秀 at 30 % of the units.
#[test]
fn annual_grades_keep_the_catalogue_cap_and_say_so() {
    let sandbox = Sandbox::new();
    let audits = sandbox.demo_quarters(&["2018-Q3", "2018-Q4"]);
    let standards = crate::util::shipped_standards();
    sandbox
        .run(&[
            "annual",
            "--year",
            "2018",
            audits.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
        ])
        .ok();
    let annual: serde_json::Value = read_json(&audits.join("2018-annual/annual.json"));
    let excellent = annual["grades"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g[0] == "优秀")
        .unwrap()[1]
        .as_u64()
        .unwrap();
    assert_eq!(excellent, 18, "30 % of 60");
    let md = read(&audits.join("2018-annual/annual.md"));
    assert!(
        md.contains("优秀等次单位数量不超过考核单位总数的30%（60个单位中至多18个）"),
        "{md}"
    );
    assert!(md.contains("年终集中考核得分未录入"), "{md}");
}

/// Q/RGZW 301-2018: the annual score is the quarterly average at 50 % and the year-end
/// review (年终集中考核) at 50 %; the review scores come from `YEAR-review.csv`.
#[test]
fn annual_scores_combine_the_year_end_review_in_the_catalogue_proportions() {
    let sandbox = Sandbox::new();
    let audits = sandbox.demo_quarters(&["2018-Q3", "2018-Q4"]);
    let units = std::fs::read_to_string(audits.join("units.yaml")).unwrap();
    let ids: Vec<&str> = units
        .lines()
        .filter_map(|l| l.split("id: ").nth(1))
        .map(|rest| rest.split(',').next().unwrap().trim())
        .collect();
    assert_eq!(ids.len(), 60);
    let review = |ids: &[&str]| {
        let rows: Vec<String> = ids
            .iter()
            .map(|id| format!("{id},{}", if *id == "U01" { 100 } else { 80 }))
            .collect();
        std::fs::write(
            audits.join("2018-review.csv"),
            format!("unit,score\r\n{}\r\n", rows.join("\r\n")),
        )
        .unwrap();
    };
    let standards = crate::util::shipped_standards();
    let args = [
        "annual",
        "--year",
        "2018",
        audits.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
    ];

    review(&ids[1..]);
    let run = sandbox.run(&args);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("年终集中考核得分缺少1个单位：U01"),
        "{}",
        run.stderr()
    );

    review(&ids);
    sandbox.run(&args).ok();
    let annual: serde_json::Value = read_json(&audits.join("2018-annual/annual.json"));
    assert_eq!(annual["columns"][2], "年终集中考核");
    let row = annual["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["rows"].as_array().unwrap())
        .find(|r| r["id"] == "U01")
        .unwrap();
    let cell = |i: usize| row["cells"][i].as_str().unwrap().parse::<f64>().unwrap();
    let expected = 0.5 * (cell(0) + cell(1)) / 2.0 + 0.5 * 100.0;
    let score: f64 = row["score"].as_str().unwrap().parse().unwrap();
    assert!((score - expected).abs() < 0.006, "{score} vs {expected}");
    let md = read(&audits.join("2018-annual/annual.md"));
    assert!(
        md.contains("年度得分为季度考核平均分的50%与年终集中考核得分的50%之和"),
        "{md}"
    );
}

/// The circular cited Q/RGZW 301 and 302 from its template: another county's catalogue has
/// other standards. The basis is catalogue data now.
#[test]
fn the_circular_cites_the_catalogue_basis_not_a_built_in_one() {
    let sandbox = Sandbox::new();
    let standards = sandbox.copy_standards();
    let path = standards.join("catalogue.yaml");
    let meta = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        meta.replace(
            "circular_basis: [ZWGK-301, ZWGK-302]",
            "circular_basis: [ZWGK-302]",
        ),
    )
    .unwrap();
    let dir = sandbox.fixture("mini");
    sandbox
        .run(&[
            "audit",
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "-q",
        ])
        .ok();
    let md = read(&dir.join("report/report.md"));
    assert!(
        md.contains(
            "根据《政务公开日常监测与随机抽查规范》（Q/RGZW 302-2018），如皋市政务公开办公室"
        ),
        "{md}"
    );
    assert!(!md.contains("301-2018）"), "{md}");

    std::fs::write(
        &path,
        meta.replace(
            "circular_basis: [ZWGK-301, ZWGK-302]",
            "circular_basis: [ZWGK-999]",
        ),
    )
    .unwrap();
    let run = sandbox.run(&[
        "catalogue",
        "check",
        "--standards",
        standards.to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stdout()
            .contains("circular_basis[0]: 目录中没有标准 ZWGK-999"),
        "{}",
        run.stdout()
    );
}

/// 市民政局's 首页 rule is waived to 2019-03-31; the notice warned of its veto all the same.
#[test]
fn a_waived_rule_gives_no_veto_warning() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    let notice = read(&report.join("notices/U01-市民政局.md"));
    assert!(notice.contains("单项否决预警"), "{notice}");
    assert!(
        notice.contains("已有1个栏目超过14日未更新（通知公告），再有4个栏目即单项否决"),
        "{notice}"
    );
    assert!(!notice.contains("首页最近一次更新"), "{notice}");
}

/// The annual HTML had no issuer line, no addressees and no charts, and its 单项否决 column
/// named the quarters only.
#[test]
fn the_annual_html_reads_like_the_quarterly_one_and_gives_veto_reasons() {
    let sandbox = Sandbox::new();
    let audits = mini_year(&sandbox, |_| {});
    sandbox
        .run(&["annual", "--year", "2018", audits.to_str().unwrap()])
        .ok();
    let html = read(&audits.join("2018-annual/annual.html"));
    assert!(
        html.contains("<p class=\"issuer\">如皋市政务公开办公室　2019年1月15日</p>"),
        "{html}"
    );
    assert!(html.contains("各镇（区、街道），市各有关部门："), "{html}");
    for chart in ["chart-distribution", "chart-subsystems", "chart-trend"] {
        assert!(html.contains(&format!("id=\"{chart}\"")), "{chart} missing");
    }
    // 如城街道 is vetoed in both quarters for a message unanswered for over three months.
    let reason = "2018年第三季度：留言超过3个月未答复（互动回应差）1项不符合；2018年第四季度：留言超过3个月未答复（互动回应差）1项不符合";
    assert!(
        html.contains(&format!("<td class=\"veto-reason\">{reason}</td>")),
        "{html}"
    );
    let md = read(&audits.join("2018-annual/annual.md"));
    assert!(md.contains(&format!("| 不合格 | {reason} |")), "{md}");
}

/// The method appendix printed `评分模型：default` and left waivers.yaml out of the files
/// the audit read.
#[test]
fn the_method_appendix_names_the_model_in_chinese_and_every_file_read() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    for file in ["report.md", "report.html"] {
        let text = read(&report.join(file));
        let appendix = &text[text.find("附：考核方法说明").expect(file)..];
        assert!(
            appendix.contains("评分模型：默认模型（分层加权平均"),
            "{appendix}"
        );
        for english in ["default", "flat", "absolute"] {
            assert!(!appendix.contains(english), "{file}: {english}");
        }
        assert!(
            appendix.contains("waivers.yaml（8条，SHA-256 "),
            "{appendix}"
        );
    }
    let results = read_json(&report.join("results.json"));
    let files: Vec<&str> = results["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files.last(),
        Some(&"waivers.yaml"),
        "results.json lists it too"
    );
}

/// Findings cited `ZWGK-203 第5.1条`: an id the units do not know.
#[test]
fn findings_cite_the_standard_by_title_and_number() {
    let sandbox = Sandbox::new();
    let report = audited_mini(&sandbox);
    let html = read(&report.join("report.html"));
    assert!(
        html.contains("<td>《依申请公开办理规范》（Q/RGZW 204-2018）第5.1条</td>"),
        "{html}"
    );
    assert!(!html.contains("<td>ZWGK-"), "no finding cites a bare id");
    let notice = read(&report.join("notices/U01-市民政局.md"));
    assert!(notice.contains("| 《"), "{notice}");
    assert!(!notice.contains("| ZWGK-"), "{notice}");
}
