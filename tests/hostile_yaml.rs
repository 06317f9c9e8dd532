//! YAML built to exhaust the loaders (deep nesting, alias bombs, huge files) is refused
//! quickly with one problem at its file and line, and exit code 2.

use std::time::{Duration, Instant};

use crate::util::{shipped_standards, Run, Sandbox};

/// Runs zwgk and checks it took well under the half-minute these inputs used to take.
fn run_quickly(sandbox: &Sandbox, args: &[&str]) -> Run {
    let start = Instant::now();
    let run = sandbox.run(args);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    run
}

fn audit(sandbox: &Sandbox, dir: &std::path::Path) -> Run {
    let standards = shipped_standards();
    run_quickly(
        sandbox,
        &[
            "audit",
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "-q",
        ],
    )
}

#[test]
fn a_standard_nested_100000_deep_is_refused_at_its_line() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let path = dir.join("ZWGK-101.yaml");
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("keywords: ["))
        .unwrap()
        + 1;
    // The nested lists become the first keyword.
    let text = text.replacen("keywords: [", &format!("keywords: [{nested}, "), 1);
    std::fs::write(&path, text).unwrap();

    let run = run_quickly(
        &sandbox,
        &["catalogue", "check", "--standards", dir.to_str().unwrap()],
    );
    run.refused_in_chinese(2);
    let expected = format!("ZWGK-101.yaml:{line}: 嵌套层级超过 64 层");
    assert!(run.stdout().contains(&expected), "{}", run.stdout());
    assert_eq!(run.stdout().lines().count(), 1, "{}", run.stdout());
}

#[test]
fn a_calendar_of_deeply_indented_lists_is_refused() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let text = format!("years:\n  {}2018\n", "- ".repeat(100_000));
    std::fs::write(dir.join("calendar.yaml"), text).unwrap();
    let run = run_quickly(
        &sandbox,
        &["catalogue", "check", "--standards", dir.to_str().unwrap()],
    );
    run.refused_in_chinese(2);
    assert!(
        run.stdout().contains("calendar.yaml:2: 嵌套层级超过 64 层"),
        "{}",
        run.stdout()
    );
}

#[test]
fn units_with_an_alias_bomb_are_refused_at_the_alias() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    // A list of 1,000 areas anchored on line 3, then aliased by 10,000 units: ten million
    // strings once expanded (3 s and 580 MB in a debug build before the bound).
    let areas = vec!["社会救助"; 1000].join(", ");
    let mut text = format!(
        "jurisdiction: 如皋市\nunits:\n  - {{id: U01, name: 市民政局, kind: department, areas: &areas [{areas}]}}\n"
    );
    for i in 0..10_000 {
        text.push_str(&format!(
            "  - {{id: X{i}, name: 单位, kind: town, areas: *areas}}\n"
        ));
    }
    std::fs::write(dir.join("units.yaml"), text).unwrap();

    let run = audit(&sandbox, &dir);
    run.refused_in_chinese(2);
    // The first unit holds 1,014 nodes with the document's start and each aliasing unit
    // 1,009: the 99th, on line 3 + 99, passes 100,000.
    assert!(
        run.stderr()
            .contains("units.yaml:102: 别名（*引用）展开后超过 100000 个节点"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("输入中有 1 个问题"),
        "{}",
        run.stderr()
    );
}

#[test]
fn waivers_of_nested_aliases_are_refused() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    // The billion laughs: each list holds ten aliases of the one before.
    let mut text = String::from("- &l0 [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]\n");
    for level in 1..9 {
        let aliases = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("- &l{level} [{aliases}]\n"));
    }
    std::fs::write(dir.join("waivers.yaml"), text).unwrap();

    let run = audit(&sandbox, &dir);
    run.refused_in_chinese(2);
    assert!(
        run.stderr()
            .contains("waivers.yaml:5: 别名（*引用）展开后超过 100000 个节点"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_100_megabyte_audit_yaml_is_refused_unread() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    // A sparse file: 100 MB long without writing 100 MB.
    let file = std::fs::File::create(dir.join("audit.yaml")).unwrap();
    file.set_len(100 << 20).unwrap();

    let run = audit(&sandbox, &dir);
    run.refused_in_chinese(2);
    assert!(
        run.stderr()
            .contains("audit.yaml: 文件超过 1048576 字节（1 MiB）"),
        "{}",
        run.stderr()
    );
}
