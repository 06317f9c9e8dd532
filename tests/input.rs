//! Input as offices really produce it: CSV saved by Excel, WPS and LibreOffice (GB18030,
//! CRLF, CR, stray quotes, Excel's dates), workbooks instead of CSV, and broken or hostile
//! files. Each case reads exactly right or is refused with file, line and field, exit 2,
//! and nothing written. The tests are named after the cases they reproduce.

use std::path::Path;

use crate::util::{findings, read_json, repo, shipped_standards, Run, Sandbox};

fn audit(sandbox: &Sandbox, dir: &Path) -> Run {
    audit_with(sandbox, dir, &[])
}

fn audit_with(sandbox: &Sandbox, dir: &Path, env: &[(&str, &str)]) -> Run {
    let standards = shipped_standards();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_zwgk"));
    command
        .args(["audit", dir.to_str().unwrap(), "--standards"])
        .arg(&standards)
        .args(["--no-reports", "-q"])
        .current_dir(sandbox.path())
        .env("ZWGK_CACHE_DIR", sandbox.cache());
    for (key, value) in env {
        command.env(key, value);
    }
    Run(command.output().expect("run zwgk"))
}

/// Asserts a refused input: exit 2, every `expected` text on stderr, no results written.
fn refused(run: &Run, dir: &Path, expected: &[&str]) -> String {
    let err = run.refused_in_chinese(2);
    for text in expected {
        assert!(err.contains(text), "missing {text:?} in:\n{err}");
    }
    assert!(
        !dir.join("report/results.json").exists(),
        "no results on refused input"
    );
    err
}

fn edit(path: &Path, edit: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, edit(text)).unwrap();
}

/// Replaces line `n` (1-based) of a file.
fn edit_line(path: &Path, n: usize, edit_one: impl FnOnce(&str) -> String) {
    edit(path, |text| {
        let mut lines: Vec<String> = text.split('\n').map(String::from).collect();
        lines[n - 1] = edit_one(&lines[n - 1]);
        lines.join("\n")
    });
}

/// The shipped 2018-Q4 quarter, copied.
fn shipped_quarter(sandbox: &Sandbox) -> std::path::PathBuf {
    sandbox.demo_quarters(&["2018-Q4"]).join("2018-Q4")
}

#[test]
fn unclosed_quote_in_register_is_refused_not_swallowed() {
    // `sed -i '101s/,$/,"/' register.csv`: 3,135 entries became 100, silently.
    let sandbox = Sandbox::new();
    let dir = shipped_quarter(&sandbox);
    edit_line(&dir.join("register.csv"), 101, |line| format!("{line}\""));
    let run = audit(&sandbox, &dir);
    refused(
        &run,
        &dir,
        &["register.csv:101: doc_no（第6列）", "没有闭合的引号"],
    );
}

#[test]
fn unclosed_quote_in_items_is_refused_not_swallowed() {
    let sandbox = Sandbox::new();
    let dir = shipped_quarter(&sandbox);
    let items = dir.join("items.csv");
    let text = std::fs::read_to_string(&items).unwrap();
    let n = 1 + text.lines().position(|l| l.contains(",要闻,")).unwrap();
    edit_line(&items, n, |line| line.replacen(",要闻,", ",要闻,\"", 1));
    let run = audit(&sandbox, &dir);
    refused(
        &run,
        &dir,
        &[&format!("items.csv:{n}: title（第5列）"), "没有闭合的引号"],
    );
}

/// A few items rows of the mini fixture with quoted multi-line text, as Excel writes them.
fn with_multiline_text(dir: &Path) -> usize {
    crate::util::append(
        &dir.join("items.csv"),
        &[
            "M1,U01,,工作动态,多行正文一,政府网站,2018-10-08,,,,,是,,,\"第一行\n第二行\"",
            "M2,U01,,工作动态,\"带逗号,的标题\",政府网站,2018-10-09,,,,,是,,,\"引号\"\"在内\"\"\n再一行\"",
            "M3,U01,,工作动态,多行正文三,政府网站,2018-10-10,,,,,是,,,",
        ],
    )
}

#[test]
fn unclosed_quote_closed_by_a_later_field_is_refused() {
    // The quote left open ends at the next quote in the file, a later row's opening quote:
    // every line between is read as one field.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let first = with_multiline_text(&dir);
    edit_line(&dir.join("items.csv"), first - 1, |line| {
        let mut fields: Vec<String> = line.split(',').map(String::from).collect();
        fields[4].insert(0, '"');
        fields.join(",")
    });
    let run = audit(&sandbox, &dir);
    refused(
        &run,
        &dir,
        &[
            &format!("items.csv:{}: title（第5列）", first - 1),
            &format!("多半是第{}行少了闭合的引号", first - 1),
        ],
    );
}

#[test]
fn stray_quote_in_an_unquoted_title_is_a_character() {
    // `关于“十三五"规划的通知` typed into a cell: the quote is part of the title, and the
    // quoted multi-line text fields after it are still read whole.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    edit_line(&dir.join("items.csv"), 2, |line| {
        let mut fields: Vec<&str> = line.split(',').collect();
        fields[4] = "关于“十三五\"规划的通知";
        fields.join(",")
    });
    with_multiline_text(&dir);
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let results = read_json(&dir.join("report/results.json"));
    assert_eq!(results["summary"]["items"], 21, "18 rows and the 3 added");
}

#[test]
fn line_numbers_do_not_depend_on_the_number_of_threads() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let first = with_multiline_text(&dir);
    // A bad date after the multi-line rows: physical line 3 lines past the first added row
    // plus one line per line break inside the quoted fields before it.
    let bad = crate::util::append(
        &dir.join("items.csv"),
        &["B1,U01,,工作动态,标题,政府网站,2018-13-01,,,,,是,,,"],
    );
    assert_eq!(bad, first + 5, "M1 and M2 take two lines each");
    for threads in ["1", "2", "3"] {
        let run = audit_with(&sandbox, &dir, &[("RAYON_NUM_THREADS", threads)]);
        refused(
            &run,
            &dir,
            &[&format!("items.csv:{bad}: published_on（第7列）")],
        );
    }
}

#[test]
fn crlf_and_cr_only_files_report_physical_lines() {
    // Excel, WPS and Python's csv module write CRLF: lines were reported one too low; old
    // Mac line ends (CR) reported everything at line 1.
    for line_end in ["\r\n", "\r"] {
        let sandbox = Sandbox::new();
        let dir = sandbox.fixture("mini");
        let bad = crate::util::append(
            &dir.join("items.csv"),
            &["B1,U01,,工作动态,标题,政府网站,2018-13-01,,,,,是,,,"],
        );
        edit(&dir.join("items.csv"), |text| text.replace('\n', line_end));
        refused(
            &audit(&sandbox, &dir),
            &dir,
            &[&format!("items.csv:{bad}: published_on（第7列）")],
        );
    }
}

#[test]
fn evidence_lines_are_physical_lines_in_crlf_files() {
    let sandbox = Sandbox::new();
    let lf = sandbox.fixture("handmade");
    let crlf = sandbox.path().join("crlf");
    crate::util::copy_dir(&lf, &crlf);
    for table in ["items", "register", "applications", "messages"] {
        edit(&crlf.join(format!("{table}.csv")), |text| {
            text.replace('\n', "\r\n")
        });
    }
    let lines = |dir: &Path| -> Vec<(String, serde_json::Value)> {
        assert_eq!(audit(&sandbox, dir).code(), 0);
        let results = read_json(&dir.join("report/results.json"));
        findings(&results)
            .map(|f| (f["id"].to_string(), f["evidence"]["line"].clone()))
            .collect()
    };
    let (a, b) = (lines(&lf), lines(&crlf));
    assert!(
        a.iter().any(|(_, line)| line.is_u64()),
        "findings cite lines"
    );
    assert_eq!(a, b);
}

/// Writes the four tables of `dir` as Chinese Excel saves "CSV (逗号分隔)": GB18030, CRLF,
/// dates as 2019/3/20.
fn save_as_excel_csv(dir: &Path) {
    for table in ["items", "register", "applications", "messages"] {
        let path = dir.join(format!("{table}.csv"));
        let text = std::fs::read_to_string(&path).unwrap();
        let text = excel_dates(&text).replace('\n', "\r\n");
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable);
        std::fs::write(&path, bytes).unwrap();
    }
}

/// `2019-03-20` → `2019/3/20`, as Excel shows and saves a date it recognised.
fn excel_dates(text: &str) -> String {
    let mut out = String::new();
    for field in split_keep(text) {
        let parts: Vec<&str> = field.split('-').collect();
        let is_date = parts.len() == 3
            && parts[0].len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if is_date {
            let n = |p: &str| p.parse::<u32>().unwrap();
            out.push_str(&format!("{}/{}/{}", parts[0], n(parts[1]), n(parts[2])));
        } else {
            out.push_str(field);
        }
    }
    out
}

/// The text cut before and after each comma and line end, separators kept.
fn split_keep(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == ',' || c == '\n' {
            pieces.push(&text[start..i]);
            pieces.push(&text[i..i + 1]);
            start = i + 1;
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// Writes each table of `dir` as `NAME.xlsx` (the CSV removed): dates as Excel dates, the
/// rest as text, as an office keeps its 台账 in Excel.
fn save_as_workbooks(dir: &Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for table in ["items", "register", "applications", "messages"] {
        let csv_path = dir.join(format!("{table}.csv"));
        let mut reader = csv::Reader::from_path(&csv_path).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("台账").unwrap();
        for (c, name) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, name).unwrap();
        }
        for (r, record) in reader.records().enumerate() {
            for (c, value) in record.unwrap().iter().enumerate() {
                let (row, col) = (r as u32 + 1, c as u16);
                if value.is_empty() {
                    continue;
                }
                match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                    Ok(day) if header[c].ends_with("_on") => sheet
                        .write_datetime_with_format(row, col, day, &date)
                        .unwrap(),
                    _ => sheet.write_string(row, col, value).unwrap(),
                };
            }
        }
        book.save(dir.join(format!("{table}.xlsx"))).unwrap();
        std::fs::remove_file(csv_path).unwrap();
    }
}

#[test]
fn the_same_quarter_as_utf8_gb18030_crlf_and_xlsx_gives_identical_findings() {
    let sandbox = Sandbox::new();
    let utf8 = sandbox.fixture("handmade");
    let (excel_csv, workbooks) = (sandbox.path().join("gb"), sandbox.path().join("xlsx"));
    crate::util::copy_dir(&utf8, &excel_csv);
    crate::util::copy_dir(&utf8, &workbooks);
    save_as_excel_csv(&excel_csv);
    save_as_workbooks(&workbooks);
    let results = |dir: &Path| {
        let run = audit(&sandbox, dir);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        read_json(&dir.join("report/results.json"))
    };
    let (a, b, c) = (results(&utf8), results(&excel_csv), results(&workbooks));
    assert!(
        findings(&a).count() > 10,
        "the quarter has findings to compare"
    );
    // Ids, codes, evidence (lines included) and scores: everything but the inputs' hashes.
    assert_eq!(a["units"], b["units"], "GB18030/CRLF differs from UTF-8/LF");
    assert_eq!(a["units"], c["units"], "XLSX differs from UTF-8/LF");
    // The tables carry their encoding; waivers.yaml, listed after them, is read as UTF-8.
    let encodings: Vec<&str> = b["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["file"].as_str().unwrap().ends_with(".csv"))
        .map(|i| i["encoding"].as_str().unwrap())
        .collect();
    assert_eq!(encodings, ["GB18030"; 4]);
    assert_eq!(c["inputs"][0]["file"], "items.xlsx");
    assert_eq!(c["inputs"][0]["sheet"], "台账");
}

#[test]
fn excel_csv_in_gbk_is_read_not_flooded() {
    // A quarter saved by Chinese Excel printed 91,110 problems.
    let sandbox = Sandbox::new();
    let dir = shipped_quarter(&sandbox);
    save_as_excel_csv(&dir);
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let results = read_json(&dir.join("report/results.json"));
    assert_eq!(results["summary"]["items"], 15918);
}

#[test]
fn a_file_in_neither_encoding_is_one_problem() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let mut bytes = b"id,unit,channel,received_on,replied_on\nQ1,U01,".to_vec();
    bytes.extend_from_slice(b"\xff\xfe\xfd,2018-10-08,\n");
    std::fs::write(dir.join("messages.csv"), bytes).unwrap();
    let err = refused(
        &audit(&sandbox, &dir),
        &dir,
        &["messages.csv:2: 既不是 UTF-8 也不是 GB18030 编码", "另存为"],
    );
    assert!(err.contains("输入中有 1 个问题"), "{err}");
}

#[test]
fn a_damaged_utf8_file_names_the_bad_line_and_is_not_read_as_gb18030() {
    // A UTF-8 file with one broken character also decodes as GB18030 — into nonsense.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let line = crate::util::append(&dir.join("messages.csv"), &["Q9,U01,政府网站,2018-10-08,"]);
    let mut bytes = std::fs::read(dir.join("messages.csv")).unwrap();
    let at = bytes.len() - "站,2018-10-08,\n".len();
    bytes.remove(at + 1);
    std::fs::write(dir.join("messages.csv"), bytes).unwrap();
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &[&format!(
            "messages.csv:{line}: 文件是 UTF-8 编码，这一行却有不是 UTF-8 的字节"
        )],
    );
}

#[test]
fn a_utf16_file_is_one_problem() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let text = std::fs::read_to_string(dir.join("messages.csv")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    std::fs::write(dir.join("messages.csv"), bytes).unwrap();
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &["messages.csv: 文件是 UTF-16 编码"],
    );
}

#[test]
fn a_flood_prints_fifty_problems_per_file_and_writes_them_all() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let rows: Vec<String> = (0..120)
        .map(|i| format!("F{i},U99,,工作动态,标题,政府网站,2018-13-01,,,,,是,,,"))
        .collect();
    let first = crate::util::append(
        &dir.join("items.csv"),
        &rows.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let err = refused(&audit(&sandbox, &dir), &dir, &["输入中有 240 个问题"]);
    assert_eq!(err.matches("items.csv:").count(), 50, "{err}");
    assert!(
        err.contains("items.csv 另有 190 个问题未列出：published_on 95 个、unit 95 个"),
        "{err}"
    );
    let problems = std::fs::read_to_string(dir.join("report/problems.csv")).unwrap();
    assert!(problems.starts_with("\u{feff}文件,行,字段,问题"));
    assert_eq!(
        problems.lines().count(),
        241,
        "the header and every problem"
    );
    assert!(problems.contains(&format!(",{},unit（第2列）,", first + 119)));
    assert!(err.contains("problems.csv"), "{err}");

    // Fixed, the next audit removes the stale problems file.
    std::fs::copy(
        repo().join("tests/fixtures/mini/items.csv"),
        dir.join("items.csv"),
    )
    .unwrap();
    assert_eq!(audit(&sandbox, &dir).code(), 0);
    assert!(!dir.join("report/problems.csv").exists());
}

#[test]
fn a_forty_thousand_character_title_is_refused_at_load() {
    // It passed the loader and failed later (Excel's 32,767 limit), after some outputs.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let title = "长".repeat(40_000);
    let line = crate::util::append(
        &dir.join("items.csv"),
        &[&format!(
            "L1,U01,,工作动态,{title},政府网站,2018-10-08,,,,,是,,,"
        )],
    );
    let err = refused(
        &audit(&sandbox, &dir),
        &dir,
        &[&format!(
            "items.csv:{line}: title（第5列）: 有 40000 个字符，超过单元格上限 32767 个"
        )],
    );
    assert!(err.len() < 2_000, "the value is not quoted whole");
}

#[test]
fn long_bad_values_are_quoted_short() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let unit = "U".repeat(10_000);
    crate::util::append(
        &dir.join("items.csv"),
        &[&format!(
            "L1,{unit},,工作动态,标题,政府网站,2018-10-08,,,,,是,,,"
        )],
    );
    let err = refused(&audit(&sandbox, &dir), &dir, &["（共 10000 字）"]);
    assert!(err.len() < 1_000, "{} bytes of message", err.len());
}

#[test]
fn huge_file_of_blank_lines_is_read_in_bounded_memory() {
    // items.csv of 1 GiB of blank lines aborted on a 122 GB reserve; 40 MB shows the bound
    // without slowing the suite.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let mut text = std::fs::read_to_string(dir.join("messages.csv")).unwrap();
    text.push_str(&"\n".repeat(40 << 20));
    std::fs::write(dir.join("messages.csv"), text).unwrap();
    let run = audit(&sandbox, &dir);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let results = read_json(&dir.join("report/results.json"));
    assert_eq!(results["summary"]["messages"], 2);
}

#[test]
fn dangling_symlink_for_applications_is_an_error() {
    // It read as "no applications".
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    std::fs::remove_file(dir.join("applications.csv")).unwrap();
    std::os::unix::fs::symlink(
        "/nonexistent/applications.csv",
        dir.join("applications.csv"),
    )
    .unwrap();
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &["applications.csv: 无法读取"],
    );
}

#[test]
fn a_folder_named_like_a_table_is_an_error() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    std::fs::remove_file(dir.join("messages.csv")).unwrap();
    std::fs::create_dir(dir.join("messages.csv")).unwrap();
    refused(&audit(&sandbox, &dir), &dir, &["messages.csv: 不是文件"]);
}

#[test]
fn a_table_both_as_csv_and_xlsx_is_an_error() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    std::fs::copy(dir.join("messages.csv"), dir.join("messages.xlsx")).unwrap();
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &["messages.csv 与 messages.xlsx 同时存在"],
    );
}

#[test]
fn excel_trailing_columns_without_a_name_are_allowed_when_empty() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    edit(&dir.join("messages.csv"), |text| text.replace('\n', ",,\n"));
    assert_eq!(audit(&sandbox, &dir).code(), 0);
    std::fs::remove_dir_all(dir.join("report")).unwrap();
    edit_line(&dir.join("messages.csv"), 2, |line| format!("{line}备注"));
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &["messages.csv:2: （第7列）: 这一列没有列名，却有内容 “备注”"],
    );
}

#[test]
fn a_sheet_declaring_cells_to_xfd1048576_is_refused_before_reading() {
    // A 512 GB allocation abort.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    save_as_workbooks(&dir);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in ["id", "unit", "channel", "received_on", "replied_on"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *name).unwrap();
    }
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(dir.join("messages.xlsx")).unwrap();
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &["messages.xlsx: 工作表“Sheet1”声明的范围到 XFD1048576，超出合理范围"],
    );
}

#[test]
fn sheet_problems_name_the_sheet_row_and_column_letter() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let line = crate::util::append(
        &dir.join("items.csv"),
        &["B1,U01,,工作动态,标题,政府网站,2018-13-01,,,,,是,,,"],
    );
    save_as_workbooks(&dir);
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &[&format!(
            "items.xlsx:{line}: published_on（台账!G{line}）: “2018-13-01”不是日期"
        )],
    );
}

#[test]
fn a_workbook_declaring_more_shared_strings_than_it_holds_is_refused() {
    // The reader reserved room for the declared count first: a huge count aborted.
    use std::io::{Read, Write};
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    save_as_workbooks(&dir);
    let path = dir.join("messages.xlsx");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(bytes).unwrap();
            let at = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + text[at..].find('"').unwrap();
            bytes = format!("{}1000000000000{}", &text[..at], &text[end..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &["messages.xlsx: 工作簿的共享字符串表声明有 1000000000000 项"],
    );
}

#[test]
fn an_interpretation_of_no_item_is_a_row_problem() {
    // An `interprets` naming no policy item was accepted silently.
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let line = crate::util::append(
        &dir.join("items.csv"),
        &["J9,U01,202-04,政策解读,某政策解读,政府网站,2018-10-08,,,,P99,是,,,"],
    );
    refused(
        &audit(&sandbox, &dir),
        &dir,
        &[&format!(
            "items.csv:{line}: interprets: 解读对象 “P99” 不是本表中的信息编号"
        )],
    );
}
