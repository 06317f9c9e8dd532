//! `zwgk sample`: sample sizes, reproducible draws, strata, focus, worksheets.

use std::collections::BTreeSet;

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::util::{repo, Sandbox};

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
    serde_json::from_slice(&std::fs::read(out.join("sample.json")).unwrap()).unwrap()
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
