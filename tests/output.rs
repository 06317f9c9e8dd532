//! What zwgk writes is opened in a browser, Excel/WPS and Word and sent out: nothing written
//! outside its folder, nothing that runs (links, formulas, markup), inspectors' work never
//! overwritten or silently dropped. The tests are named after the cases they reproduce.

use std::path::Path;

use crate::util::{read_json, shipped_standards, Run, Sandbox};

fn audit(sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> Run {
    sandbox.on_folder("audit", dir, &[&["-q"], extra].concat())
}

fn sample(sandbox: &Sandbox, dir: &Path, extra: &[&str]) -> Run {
    sandbox.on_folder("sample", dir, extra)
}

fn set_unit_name(dir: &Path, id: &str, name: &str) {
    let path = dir.join("units.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains(&format!("id: {id},")))
        .unwrap();
    let old = line
        .split("name: ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let quoted = serde_json::to_string(name).unwrap();
    std::fs::write(&path, text.replace(line, &line.replacen(old, &quoted, 1))).unwrap();
}

#[test]
fn a_unit_named_with_dot_dot_writes_nothing_outside_the_output_folder() {
    // `../../../../tmp/PWNED` made the audit write /tmp/PWNED.md.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    set_unit_name(&dir, "U01", "../../escaped");
    audit(&sandbox, &dir, &[]).ok();
    assert!(!dir.join("escaped.md").exists() && !sandbox.path().join("escaped.md").exists());
    assert!(dir.join("report/notices/U01-escaped.md").exists());
}

#[test]
fn a_unit_id_that_is_not_letters_digits_dash_or_underscore_is_refused() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let path = dir.join("units.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("id: U03,", "id: \"../U03\",")).unwrap();
    let run = audit(&sandbox, &dir, &[]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("units.yaml:5: units[2].id: 单位编号 “../U03” 不合规"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_javascript_url_is_a_row_problem_at_load() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let line = crate::util::append(
        &dir.join("items.csv"),
        &["X1,U01,,工作动态,标题,政府网站,2018-10-08,,,,,是,,javascript:alert(1),"],
    );
    let run = audit(&sandbox, &dir, &[]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains(&format!(
            "items.csv:{line}: url（第14列）: “javascript:alert(1)”不是 http 或 https 网址"
        )),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_javascript_url_in_results_is_never_a_link() {
    // `zwgk report` renders any results.json: the circular must not make it clickable.
    let sandbox = Sandbox::new();
    let dir = sandbox.audited_fixture("mini");
    let results_path = dir.join("report/results.json");
    let text = std::fs::read_to_string(&results_path).unwrap();
    let url = text
        .split("\"url\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a finding with a url")
        .to_string();
    std::fs::write(&results_path, text.replace(&url, "javascript:alert(1)")).unwrap();
    let out = sandbox.path().join("again");
    sandbox
        .run(&[
            "report",
            results_path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(html.contains("javascript:alert(1)"), "shown as text");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(!md.contains("](<javascript"), "{md}");
    assert!(html.contains("href=\"http"), "http links stay links");
}

#[test]
fn names_with_markdown_and_html_stay_text_in_report_md_and_notices() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    set_unit_name(&dir, "U03", "## 假标题|<script>alert(1)</script>");
    audit(&sandbox, &dir, &[]).ok();
    let md = std::fs::read_to_string(dir.join("report/report.md")).unwrap();
    let notice = std::fs::read_dir(dir.join("report/notices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("U03") && p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let notice = std::fs::read_to_string(notice).unwrap();
    for text in [&md, &notice] {
        assert!(!text.contains("<script>"), "{text}");
        assert!(!text.lines().any(|l| l.starts_with("## 假标题")), "{text}");
        assert!(text.contains("假标题\\|&lt;script&gt;"), "{text}");
    }
    // Every ranking row still has its five cells.
    let row = md.lines().find(|l| l.contains("假标题")).unwrap();
    assert_eq!(row.matches(" | ").count() + 2, 6, "{row}");
}

/// Gives the one item of the mini fixture's smallest unit (always drawn whole at level III)
/// a formula-like id and title.
fn formula_item(dir: &Path) {
    let path = dir.join("items.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "W1,U03,211-03,招标投标,如皋市城南社区服务中心改造工程中标结果公告",
        "-W1,U03,211-03,招标投标,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点击\"\")\"",
    );
    std::fs::write(&path, text).unwrap();
}

#[test]
fn formula_cells_of_worksheet_csv_are_neutralised_and_read_back() {
    // `=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)` in a title became live formulas in Excel/WPS.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    formula_item(&dir);
    sample(&sandbox, &dir, &["--level", "III"]).ok();
    let csv = std::fs::read_to_string(dir.join("sample/worksheet.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let mut rows = 0;
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a live formula: {cell}"
            );
        }
        rows += 1;
    }
    assert!(
        csv.contains("'=HYPERLINK") && csv.contains(",'-W1,"),
        "{csv}"
    );
    // Filled in and read back, the neutralised id matches the sample again.
    let filled = csv.replacen(",,,,\n", ",合格,,张某某,2019-01-08\n", 1000);
    std::fs::write(dir.join("inspections.csv"), filled).unwrap();
    audit(&sandbox, &dir, &["--no-reports"]).ok();
    let spot = &read_json(&dir.join("report/results.json"))["spot_check"];
    assert_eq!(spot["passed"].as_u64().unwrap() as usize, rows, "{spot}");
}

#[test]
fn sample_refuses_to_overwrite_a_filled_worksheet_without_force() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    sample(&sandbox, &dir, &[]).ok();
    let path = dir.join("sample/worksheet.csv");
    let blank = std::fs::read_to_string(&path).unwrap();
    // Drawing again over blank worksheets is fine.
    sample(&sandbox, &dir, &[]).ok();
    std::fs::write(
        &path,
        blank.replacen(",,,,\n", ",合格,,张某某,2019-01-08\n", 1),
    )
    .unwrap();
    let run = sample(&sandbox, &dir, &["--seed", "7"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("已填有核查结论"), "{}", run.stderr());
    assert!(
        std::fs::read_to_string(&path).unwrap().contains("张某某"),
        "kept"
    );
    sample(&sandbox, &dir, &["--seed", "7", "--force"]).ok();
    assert!(!std::fs::read_to_string(&path).unwrap().contains("张某某"));
}

#[test]
fn two_filled_worksheets_are_an_error_unless_one_is_chosen() {
    // With inspections.csv and worksheet.xlsx both filled, one silently won.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    sample(&sandbox, &dir, &[]).ok();
    let blank = std::fs::read_to_string(dir.join("sample/worksheet.csv")).unwrap();
    let fill = |verdict: &str| blank.replace(",,,,\n", &format!(",{verdict},,张某某,2019-01-08\n"));
    std::fs::write(dir.join("inspections.csv"), fill("合格")).unwrap();
    std::fs::write(dir.join("sample/worksheet.csv"), fill("不合格")).unwrap();
    let run = audit(&sandbox, &dir, &["--no-reports"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("都填有核查结论"), "{}", run.stderr());
    let chosen = dir.join("inspections.csv");
    audit(
        &sandbox,
        &dir,
        &["--no-reports", "--inspections", chosen.to_str().unwrap()],
    )
    .ok();
    let spot = &read_json(&dir.join("report/results.json"))["spot_check"];
    assert_eq!(spot["failed"], 0, "{spot}");
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    // `zwgk catalogue list --format json | head -c 10` panicked (exit 101).
    let sandbox = Sandbox::new();
    for args in [
        &["catalogue", "list", "--format", "json"][..],
        &["catalogue", "show", "ZWGK-204"],
        &["search", "低保"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zwgk"))
            .args(args)
            .arg("--standards")
            .arg(shipped_standards())
            .current_dir(sandbox.path())
            .env("ZWGK_CACHE_DIR", sandbox.cache())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("error") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn worksheet_xlsx_is_the_same_from_run_to_run() {
    // It held the clock's time as its creation time.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    sample(&sandbox, &dir, &[]).ok();
    let first = std::fs::read(dir.join("sample/worksheet.xlsx")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    sample(&sandbox, &dir, &[]).ok();
    assert!(first == std::fs::read(dir.join("sample/worksheet.xlsx")).unwrap());
}

#[test]
fn no_reports_does_not_claim_the_circular_was_written() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let standards = shipped_standards();
    let out = sandbox
        .run(&[
            "audit",
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "--no-reports",
        ])
        .ok();
    assert!(
        out.contains("results.json（未生成通报：--no-reports）"),
        "{out}"
    );
    assert!(!out.contains("report.md"), "{out}");
}

/// Every file below `dir`, by path relative to it.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn restore(dir: &Path, files: &std::collections::BTreeMap<String, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(dir);
    for (relative, bytes) in files {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

#[test]
fn killed_at_any_moment_the_folder_holds_the_old_set_or_the_new_one() {
    // kill -9 during an audit left a new results.json beside an old report.md, or 17 of
    // 60 notices.
    let sandbox = Sandbox::new();
    let dir = sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4");
    let out = dir.join("report");
    audit(&sandbox, &dir, &[]).ok();
    let old = snapshot(&out);
    assert!(old.len() > 40, "results, circular and notices");
    // The next audit differs in every file: another circular date.
    crate::util::set_circular(&dir.join("audit.yaml"), "date: 2019-01-21");
    let standards = shipped_standards();
    let started = std::time::Instant::now();
    audit(&sandbox, &dir, &[]).ok();
    let full = started.elapsed();
    let new = snapshot(&out);
    assert_ne!(old, new);
    let (mut saw_old, mut saw_new) = (0, 0);
    for k in 0..24u32 {
        restore(&out, &old);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zwgk"))
            .args(["audit", dir.to_str().unwrap(), "--standards"])
            .arg(&standards)
            .arg("-q")
            .current_dir(sandbox.path())
            .env("ZWGK_CACHE_DIR", sandbox.cache())
            .spawn()
            .unwrap();
        // From a third of the run (still loading) to past its end.
        std::thread::sleep(full * (8 + k) / 24);
        let _ = child.kill();
        let _ = child.wait();
        let seen = snapshot(&out);
        if seen == old {
            saw_old += 1;
        } else if seen == new {
            saw_new += 1;
        } else {
            let differ: Vec<&String> = old.keys().filter(|k| seen.get(*k) != old.get(*k)).collect();
            panic!(
                "kill {k}: a mix of sets ({} files, {} differ from the old)",
                seen.len(),
                differ.len()
            );
        }
    }
    assert!(saw_old > 0 && saw_new > 0, "old {saw_old}, new {saw_new}");
    // What a killed run left beside the folder is cleared by the next one.
    audit(&sandbox, &dir, &[]).ok();
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_second_run_into_the_same_folder_fails_at_once() {
    // Two audits into one --out both exited 0 with a mixed set.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    audit(&sandbox, &dir, &[]).ok();
    let held = std::fs::File::open(dir.join(".report.lock")).unwrap();
    held.try_lock().expect("the first run has ended");
    let run = audit(&sandbox, &dir, &[]);
    run.refused_in_chinese(3);
    assert!(
        run.stderr().contains("另一个 zwgk 正在写入"),
        "{}",
        run.stderr()
    );
    drop(held);
    audit(&sandbox, &dir, &[]).ok();
}

#[test]
fn a_render_failure_leaves_the_previous_set_whole() {
    // A template that fails while rendering (not compiling) failed after results.json and
    // some files were written.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    audit(&sandbox, &dir, &[]).ok();
    let before = snapshot(&dir.join("report"));
    let templates = sandbox.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    // Strict mode: a field the model does not have fails at render time.
    std::fs::write(templates.join("notice.md.hbs"), "{{unit.no_such_field}}").unwrap();
    crate::util::set_circular(&dir.join("audit.yaml"), "date: 2019-01-21");
    let run = audit(
        &sandbox,
        &dir,
        &["--templates", templates.to_str().unwrap()],
    );
    run.refused_in_chinese(2);
    assert!(
        before == snapshot(&dir.join("report")),
        "the old set, untouched"
    );
}

/// A small tmpfs mounted for one test, unmounted when dropped; `None` where this machine
/// does not let the tests mount one (not root, no tmpfs).
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(at: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(at).ok()?;
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then(|| SmallDisk(at.to_path_buf()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_the_previous_set_whole_and_no_partial_files() {
    // A full disk left a partial `.results.json.PID.tmp` that kept the disk full.
    let sandbox = Sandbox::new();
    let Some(disk) = SmallDisk::mount(&sandbox.path().join("disk"), "1m") else {
        eprintln!("skipped: this machine does not let the tests mount a tmpfs");
        return;
    };
    let out = disk.0.join("report");
    let mini = sandbox.fixture("mini");
    audit(&sandbox, &mini, &["--out", out.to_str().unwrap()]).ok();
    let before = snapshot(&out);
    let free = || {
        let listing = std::process::Command::new("df")
            .arg("--output=avail")
            .arg(&disk.0)
            .output()
            .unwrap();
        String::from_utf8_lossy(&listing.stdout)
            .lines()
            .last()
            .unwrap()
            .trim()
            .to_string()
    };
    let free_before = free();
    // The shipped quarter's results.json alone is 2 MB: it cannot fit.
    let quarter = sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4");
    let run = audit(&sandbox, &quarter, &["--out", out.to_str().unwrap()]);
    run.refused_in_chinese(3);
    assert!(before == snapshot(&out), "the previous set, whole");
    assert_eq!(free(), free_before, "nothing partial left on the disk");
}

#[test]
fn unjudged_sampled_items_are_counted_listed_and_can_be_required() {
    // A worksheet with rows deleted and verdicts blank was accepted; the circular never
    // mentioned the unjudged items.
    let sandbox = Sandbox::new();
    let dir = sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4");
    sample(&sandbox, &dir, &[]).ok();
    let blank = std::fs::read_to_string(dir.join("sample/worksheet.csv")).unwrap();
    let mut lines: Vec<String> = blank.lines().map(String::from).collect();
    let total = lines.len() - 1;
    // The last 51 rows deleted, the first 10 left blank, the rest judged.
    lines.truncate(lines.len() - 51);
    for line in lines.iter_mut().skip(1 + 10) {
        *line = line.replacen(",,,,", ",合格,,张某某,2019-01-08", 1);
    }
    std::fs::write(dir.join("inspections.csv"), lines.join("\n") + "\n").unwrap();
    audit(&sandbox, &dir, &[]).ok();
    let spot = &read_json(&dir.join("report/results.json"))["spot_check"];
    let unjudged = spot["unjudged"].as_array().unwrap();
    assert_eq!(unjudged.len(), 51 + 10, "{spot}");
    assert_eq!(spot["passed"].as_u64().unwrap() as usize, total - 61);
    let md = std::fs::read_to_string(dir.join("report/report.md")).unwrap();
    assert!(md.contains("另有61条样本未填写核查结论"), "{md}");

    let run = audit(&sandbox, &dir, &["--require-complete"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("有 61 条样本未填写核查结论"),
        "{}",
        run.stderr()
    );
}

fn search(sandbox: &Sandbox) -> Run {
    let standards = shipped_standards();
    sandbox.run(&["search", "低保", "--standards", standards.to_str().unwrap()])
}

/// The cached index folder of the shipped standards, built by a first search.
fn index_folder(sandbox: &Sandbox) -> std::path::PathBuf {
    search(sandbox).ok();
    std::fs::read_dir(sandbox.cache())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("index-")
        })
        .unwrap()
}

/// Replaces the index in `dir` by one of another shape holding as many documents, as a
/// build of another version under the same format number leaves; the manifest stays.
fn another_schema(dir: &Path) {
    use tantivy::schema::{Schema, TEXT};
    let manifest = std::fs::read(dir.join("zwgk-index.json")).unwrap();
    let documents = serde_json::from_slice::<serde_json::Value>(&manifest).unwrap()["documents"]
        .as_u64()
        .unwrap();
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::create_dir(dir).unwrap();
    let mut schema = Schema::builder();
    let text = schema.add_text_field("text", TEXT);
    let index = tantivy::Index::create_in_dir(dir, schema.build()).unwrap();
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for _ in 0..documents {
        writer.add_document(tantivy::doc!(text => "公示")).unwrap();
    }
    writer.commit().unwrap();
    std::fs::write(dir.join("zwgk-index.json"), manifest).unwrap();
}

#[test]
fn a_damaged_index_cache_is_rebuilt_once_with_a_note() {
    // A corrupt, emptied or replaced cache broke every search until `zwgk index`.
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 5] = [
        ("a segment file cut to 5 bytes", |dir| {
            let file = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|e| e == "term"))
                .unwrap();
            std::fs::write(file, b"12345").unwrap();
        }),
        ("meta.json overwritten", |dir| {
            std::fs::write(dir.join("meta.json"), b"garbage").unwrap()
        }),
        ("the folder emptied", |dir| {
            for entry in std::fs::read_dir(dir).unwrap() {
                std::fs::remove_file(entry.unwrap().path()).unwrap();
            }
        }),
        ("a file in the folder's place", |dir| {
            std::fs::remove_dir_all(dir).unwrap();
            std::fs::write(dir, b"x").unwrap();
        }),
        (
            "an index of another schema with as many documents",
            another_schema,
        ),
    ];
    for (what, damage) in damages {
        let sandbox = Sandbox::new();
        let dir = index_folder(&sandbox);
        damage(&dir);
        let run = search(&sandbox);
        assert!(run.ok().contains("ZWGK-215"), "{what}");
        assert!(
            run.stderr().contains("搜索索引缓存已损坏，已重新建立"),
            "{what}: {}",
            run.stderr()
        );
        let again = search(&sandbox);
        assert!(again.ok().contains("ZWGK-215"));
        assert_eq!(again.stderr(), "", "{what}: rebuilt once");
    }
}

#[test]
fn an_unwritable_cache_searches_from_an_index_in_memory() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.cache(), b"not a folder").unwrap();
    let run = search(&sandbox);
    assert!(run.ok().contains("ZWGK-215"));
    assert!(
        run.stderr().contains("本次在内存中建立索引"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_current_folder_is_refused_as_an_output_folder() {
    // The output folder is exchanged whole; `--out .` would swap away the shell's folder.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let standards = shipped_standards();
    let run = sandbox.run(&[
        "audit",
        dir.to_str().unwrap(),
        "--standards",
        standards.to_str().unwrap(),
        "--out",
        ".",
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("是当前文件夹或其上级"),
        "{}",
        run.stderr()
    );
    assert!(sandbox.path().join("mini").exists(), "nothing moved");
}
