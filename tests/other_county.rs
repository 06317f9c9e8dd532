//! Another county's catalogue (tests/fixtures/other-county: other ids, numbers, areas,
//! channels, weights and grades) goes through every command unchanged: nothing in the
//! tool may assume 如皋市.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::util::*;

fn standards() -> PathBuf {
    repo().join("tests/fixtures/other-county/standards")
}

fn generated(sandbox: &Sandbox) -> PathBuf {
    let out = sandbox.path().join("2021-Q2");
    let units = repo().join("tests/fixtures/other-county/units.yaml");
    sandbox
        .run(&[
            "generate",
            "--standards",
            standards().to_str().unwrap(),
            "--period",
            "2021-Q2",
            "--seed",
            "7",
            "--units",
            units.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    out
}

#[test]
fn another_countys_catalogue_checks_and_searches() {
    let sandbox = Sandbox::new();
    let check = sandbox.run(&[
        "catalogue",
        "check",
        "--standards",
        standards().to_str().unwrap(),
    ]);
    assert!(
        check
            .ok()
            .contains("临江县政务公开标准体系 2021.1：标准 7 项"),
        "{}",
        check.stdout()
    );
    let search = sandbox.run(&[
        "search",
        "依申请公开答复期限",
        "--standards",
        standards().to_str().unwrap(),
        "--format",
        "json",
    ]);
    let hits = search.json();
    assert_eq!(hits["hits"][0]["id"], "LJGK-202");
    assert_eq!(hits["hits"][0]["number"], "DB/LJ 202-2020");
}

#[test]
fn another_countys_generated_quarter_audits_to_its_truth_and_renders_in_its_own_names() {
    let sandbox = Sandbox::new();
    let dir = generated(&sandbox);
    let out = sandbox.path().join("out");
    let run = sandbox.run(&[
        "audit",
        dir.to_str().unwrap(),
        "--standards",
        standards().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        run.ok()
            .contains("临江县2021年第二季度政务公开考核：8个单位"),
        "{}",
        run.stdout()
    );
    let results = read_json(&out.join("results.json"));
    let truth = read_json(&dir.join("truth.json"));
    let want: BTreeSet<String> = truth["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["finding"].as_str().unwrap().to_string())
        .collect();
    let got: BTreeSet<String> = findings(&results)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let grades: BTreeSet<&str> = results["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["grade"].as_str().unwrap())
        .collect();
    assert!(
        grades.is_subset(&BTreeSet::from(["好", "较好", "一般"])),
        "{grades:?}"
    );

    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.starts_with("# 关于临江县2021年第二季度政务公开考核情况的通报"));
    assert!(
        report.contains("各乡镇（街道），县各有关部门："),
        "{report}"
    );
    assert!(
        report.contains("根据《政务公开考核办法》（DB/LJ 301-2020）"),
        "{report}"
    );
    assert!(report.contains("### （一）县级部门"), "{report}");
    let mut texts = vec![
        report,
        std::fs::read_to_string(out.join("report.html")).unwrap(),
    ];
    for file in [
        "items.csv",
        "register.csv",
        "messages.csv",
        "applications.csv",
    ] {
        texts.push(std::fs::read_to_string(dir.join(file)).unwrap());
    }
    // The Word documents too: their words are in document.xml.
    texts.push(package_parts(&out.join("report.docx"))["word/document.xml"].clone());
    for entry in std::fs::read_dir(out.join("notices")).unwrap() {
        let path = entry.unwrap().path();
        texts.push(match path.extension().and_then(|e| e.to_str()) {
            Some("docx") => package_parts(&path)["word/document.xml"].clone(),
            _ => std::fs::read_to_string(&path).unwrap(),
        });
    }
    for text in &texts {
        for word in [
            "如皋",
            "皋",
            "ZWGK",
            "RGZW",
            "全市",
            "市级部门",
            "政府网站",
            "rugao",
        ] {
            assert!(!text.contains(word), "{word} in another county's output");
        }
    }
}

#[test]
fn another_countys_sample_uses_its_own_spot_check_rule() {
    let sandbox = Sandbox::new();
    let dir = generated(&sandbox);
    sandbox
        .run(&[
            "sample",
            dir.to_str().unwrap(),
            "--standards",
            standards().to_str().unwrap(),
        ])
        .ok();
    let plan = read_json(&dir.join("sample/sample.json"));
    assert_eq!(plan["rule"], "LJGK-301/spot-check");
    assert_eq!(plan["jurisdiction"], "临江县");
}
