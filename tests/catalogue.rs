//! `zwgk catalogue check | list | show` on the shipped catalogue and on broken copies.

use std::path::Path;

use crate::util::Sandbox;

/// Replaces the `n`-th (1-based) occurrence of `from` in a file of the copied catalogue.
fn edit(dir: &Path, file: &str, from: &str, to: &str, n: usize) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text
        .match_indices(from)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("{from} not in {file}"))
        .0;
    let edited = format!("{}{to}{}", &text[..at], &text[at + from.len()..]);
    std::fs::write(&path, edited).unwrap();
}

/// `FILE:LINE` of the first line at or after the `n`-th (1-based) occurrence of `anchor`
/// that contains `text`, in a file of the copied catalogue: where a problem is reported,
/// found by content so that the tests survive edits of the shipped files.
fn at(dir: &Path, file: &str, anchor: &str, n: usize, text: &str) -> String {
    let source = std::fs::read_to_string(dir.join(file)).unwrap();
    let start = source
        .match_indices(anchor)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("{anchor} not in {file}"))
        .0;
    let start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = source[..start].matches('\n').count()
        + source[start..]
            .lines()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{text} not after {anchor} in {file}"));
    format!("{file}:{}", line + 1)
}

#[test]
fn shipped_catalogue_is_clean() {
    let sandbox = Sandbox::new();
    let standards = sandbox.copy_standards();
    let out = sandbox
        .run(&[
            "catalogue",
            "check",
            "--standards",
            standards.to_str().unwrap(),
        ])
        .ok();
    assert!(out.contains("标准 39 项"), "{out}");
    assert!(out.contains("没有问题"), "{out}");
}

#[test]
fn check_reports_every_problem_with_file_line_and_field() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    // A second version of the current edition's reply limit whose window overlaps it.
    edit(
        &dir,
        "ZWGK-204.yaml",
        "requirements:\n  - id: reply-within-limit-2019",
        "requirements:\n  - id: reply-early\n    title: 答复期限\n    clause: \"5.1\"\n    check: response\n    source: applications\n    limit: {working_days: 20, extension_working_days: 20}\n    in_force: {from: 2019-05-01}\n    weight: 3\n  - id: reply-within-limit-2019",
        1,
    );
    // A requirement naming a clause that does not exist.
    edit(
        &dir,
        "ZWGK-204.yaml",
        "clause: \"5.3\"\n    check: manual",
        "clause: \"9.9\"\n    check: manual",
        1,
    );
    // A duplicate catalogue row code.
    edit(
        &dir,
        "ZWGK-215.yaml",
        "code: \"215-02\"",
        "code: \"215-01\"",
        1,
    );
    // A requirement naming a row that does not exist.
    edit(&dir, "ZWGK-203.yaml", "\"202-09\"]", "\"202-99\"]", 1);
    // A standard filed under the wrong sub-system (also breaks the declared counts).
    edit(
        &dir,
        "ZWGK-105.yaml",
        "subsystem: 支持与保障",
        "subsystem: 公开与运行",
        1,
    );
    // A copy of a standard under another name: duplicate id, file name mismatch.
    std::fs::copy(dir.join("ZWGK-301.yaml"), dir.join("ZWGK-399.yaml")).unwrap();

    let run = sandbox.run(&["catalogue", "check", "--standards", dir.to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stdout());
    let out = run.stdout();
    let subsystems = |n| at(&dir, "catalogue.yaml", "subsystems:", 1, n);
    let expected = [
        format!(
            "{}: requirements[1].in_force: 与 reply-early 同时对条款 5.1 有效",
            at(
                &dir,
                "ZWGK-204.yaml",
                "id: reply-within-limit-2019",
                1,
                "id:"
            )
        ),
        format!(
            "{}: requirements[2].clause: ZWGK-204 没有条款 9.9",
            at(&dir, "ZWGK-204.yaml", "clause: \"9.9\"", 1, "clause")
        ),
        format!(
            "{}: items[1].code: 事项编码 215-01 重复",
            at(&dir, "ZWGK-215.yaml", "code: \"215-01\"", 2, "code")
        ),
        // …which leaves two requirements naming the row that is gone.
        format!(
            "{}: requirements[0].codes[1]: 没有编码为 215-02 的目录事项",
            at(&dir, "ZWGK-215.yaml", "\"215-02\"", 1, "215-02")
        ),
        format!(
            "{}: requirements[1].codes[1]: 没有编码为 215-02 的目录事项",
            at(&dir, "ZWGK-215.yaml", "\"215-02\"", 2, "215-02")
        ),
        format!(
            "{}: requirements[0].codes[6]: 没有编码为 202-99 的目录事项",
            at(&dir, "ZWGK-203.yaml", "\"202-99\"", 1, "202-99")
        ),
        "ZWGK-105.yaml:4: subsystem: 按编号 ZWGK-105 属于 支持与保障，不属于 公开与运行".into(),
        format!(
            "{}: subsystems[0].standards: 支持与保障 声明有 12 项标准，但文件夹中有 11 项",
            subsystems("支持与保障")
        ),
        format!(
            "{}: subsystems[1].standards: 公开与运行 声明有 18 项标准，但文件夹中有 19 项",
            subsystems("公开与运行")
        ),
        format!(
            "{}: subsystems[2].standards: 监督与评价 声明有 9 项标准，但文件夹中有 10 项",
            subsystems("监督与评价")
        ),
        "ZWGK-399.yaml:1: id: 编号 ZWGK-301 与文件名 ZWGK-399.yaml 不符".into(),
        "ZWGK-399.yaml:1: id: 编号 ZWGK-301 重复".into(),
    ];
    for line in &expected {
        assert!(out.contains(line.as_str()), "missing {line:?} in:\n{out}");
    }
    assert_eq!(out.lines().count(), expected.len(), "{out}");
    assert!(run.stderr().contains("中有 12 个问题"), "{}", run.stderr());
}

#[test]
fn files_that_do_not_read_are_each_reported() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    // An unknown field, an impossible date, a YAML syntax error, a wrong type.
    edit(
        &dir,
        "ZWGK-106.yaml",
        "title: 政府信息公开保密审查规范\n",
        "title: 政府信息公开保密审查规范\nowner: 市保密局\n",
        1,
    );
    edit(
        &dir,
        "ZWGK-107.yaml",
        "effective: 2018-06-01",
        "effective: 2018-13-01",
        1,
    );
    edit(&dir, "ZWGK-109.yaml", "title: 政务", "title: \"政务", 1);
    edit(&dir, "ZWGK-204.yaml", "weight: 3", "weight: heavy", 1);
    edit(&dir, "catalogue.yaml", "weight: 60", "weight: sixty", 1);

    let run = sandbox.run(&["catalogue", "check", "--standards", dir.to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stdout());
    let out = run.stdout();
    let expected = [
        format!(
            "{}: subsystems[1].weight: 类型不对：应为 数，实际是 字符串 \"sixty\"",
            at(&dir, "catalogue.yaml", "weight: sixty", 1, "sixty")
        ),
        "ZWGK-106.yaml:4: 没有字段 owner，可用的有：".into(),
        "ZWGK-107.yaml:7: effective: 日期超出范围".into(),
        // An unclosed quote is reported on the line that opens it.
        "ZWGK-109.yaml:3: YAML 语法错误：引号内的缩进不对".into(),
        format!(
            "{}: requirements[0].weight: 类型不对：应为 整数，实际是 字符串 \"heavy\"",
            at(&dir, "ZWGK-204.yaml", "weight: heavy", 1, "heavy")
        ),
    ];
    for line in &expected {
        assert!(out.contains(line.as_str()), "missing {line:?} in:\n{out}");
    }
    assert_eq!(out.lines().count(), expected.len(), "{out}");
}

/// `calendar_days: 4000000000` fits a u32 and used to pass the check, then panic in the
/// audit (exit 101) when the deadline overflowed the date type.
#[test]
fn a_time_limit_out_of_range_fails_check_and_audit_instead_of_panicking() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    edit(
        &dir,
        "ZWGK-212.yaml",
        "limit: {calendar_days: 20}",
        "limit: {calendar_days: 4000000000}",
        1,
    );
    let line = at(
        &dir,
        "ZWGK-212.yaml",
        "calendar_days: 4000000000",
        1,
        "limit",
    );
    let run = sandbox.run(&["catalogue", "check", "--standards", dir.to_str().unwrap()]);
    assert_eq!(run.code(), 2, "{}", run.stdout());
    assert!(
        run.stdout().contains(&format!(
            "{line}: requirements[0].limit.calendar_days: 取值 4000000000 超出允许范围 1–3650"
        )),
        "{}",
        run.stdout()
    );

    let audit = crate::util::repo().join("audits/2018-Q4");
    let run = sandbox.run(&[
        "audit",
        audit.to_str().unwrap(),
        "--standards",
        dir.to_str().unwrap(),
        "--out",
        sandbox.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(run.stderr().contains(&line), "{}", run.stderr());
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["catalogue", "check", "--standards", "nowhere"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stdout().contains("nowhere: 无法读取标准文件夹"),
        "{}",
        run.stdout()
    );
}

#[test]
fn list_filters_by_subsystem_and_prints_json() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let dir = dir.to_str().unwrap();
    for (subsystem, count) in [("支持与保障", 12), ("公开与运行", 18), ("监督与评价", 9)]
    {
        let run = sandbox.run(&[
            "catalogue",
            "list",
            "--standards",
            dir,
            "--subsystem",
            subsystem,
            "--format",
            "json",
        ]);
        let rows = run.json();
        assert_eq!(rows.as_array().unwrap().len(), count, "{subsystem}");
        assert!(rows
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["subsystem"] == subsystem));
    }
    let table = sandbox.run(&["catalogue", "list", "--standards", dir]).ok();
    assert!(
        table.contains("ZWGK-204") && table.contains("依申请公开办理规范"),
        "{table}"
    );
    assert!(table.contains("共 39 项标准"), "{table}");
    let run = sandbox.run(&[
        "catalogue",
        "list",
        "--standards",
        dir,
        "--subsystem",
        "公开运行",
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("没有子体系 公开运行"),
        "{}",
        run.stderr()
    );
}

#[test]
fn show_prints_clauses_rows_and_requirements() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let dir = dir.to_str().unwrap();
    let out = sandbox
        .run(&["catalogue", "show", "Q/RGZW 204-2018", "--standards", dir])
        .ok();
    // An earlier edition's number finds the standard; its editions follow the current one.
    assert!(out.contains("Q/RGZW 204-2019  依申请公开办理规范"), "{out}");
    assert!(out.contains("代替版本：Q/RGZW 204-2018"), "{out}");
    assert!(out.contains("5.1 答复期限"), "{out}");
    assert!(out.contains("ZWGK-204/reply-within-limit-2019"), "{out}");
    assert!(out.contains("历次版本：Q/RGZW 204-2018（废止）"), "{out}");
    assert!(out.contains("有效 –2019-05-14"), "{out}");
    let rows = sandbox
        .run(&["catalogue", "show", "215", "--standards", dir])
        .ok();
    assert!(
        rows.contains("[215-01]") && rows.contains("公示7个工作日"),
        "{rows}"
    );
    let json = sandbox
        .run(&[
            "catalogue",
            "show",
            "ZWGK-215",
            "--standards",
            dir,
            "--format",
            "json",
        ])
        .json();
    assert_eq!(json["items"][0]["time_limit"]["display_working_days"], 7);
    let run = sandbox.run(&["catalogue", "show", "999", "--standards", dir]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("中没有标准 999"), "{}", run.stderr());
}
