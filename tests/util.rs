//! Test helpers: temporary copies of the shipped data and running the CLI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Finding codes of the automated checks (all but calendar-missing and the inspectors'
/// inspection-failed and unit-inspection-failed).
pub const CHECKED_FINDING_CODES: [&str; 12] = [
    "late-publication",
    "missing-publication",
    "missing-required-item",
    "stale-column",
    "late-reply",
    "unanswered",
    "missing-interpretation",
    "late-interpretation",
    "missing-elements",
    "missing-channel",
    "short-display",
    "unreviewed-publication",
];

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn shipped_standards() -> PathBuf {
    repo().join("standards")
}

/// The installed Chromium (or Chrome), if any.
pub fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// A scratch folder with a private index cache, removed when dropped.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cache(&self) -> PathBuf {
        self.path().join("cache")
    }

    /// Copies the shipped standards folder into the sandbox and returns the copy's path.
    pub fn copy_standards(&self) -> PathBuf {
        let target = self.path().join("standards");
        std::fs::create_dir_all(&target).unwrap();
        for entry in std::fs::read_dir(shipped_standards()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, target.join(path.file_name().unwrap())).unwrap();
        }
        target
    }

    /// Runs `zwgk ARGS` in the sandbox with its own cache folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Runs `zwgk ARGS` with these environment variables set too.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &Path)]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_zwgk"));
        command
            .args(args)
            .current_dir(self.path())
            .env("ZWGK_CACHE_DIR", self.cache())
            .env_remove("ZWGK_STANDARDS")
            .env("NO_COLOR", "1");
        for (key, value) in env {
            command.env(key, value);
        }
        Run(command.output().expect("run zwgk"))
    }
}

/// A finished run with readable output.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exited normally")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).expect("utf-8 stdout")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8(self.0.stderr.clone()).expect("utf-8 stderr")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.0.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout()))
    }

    /// Asserts success and returns stdout.
    pub fn ok(&self) -> String {
        assert_eq!(
            self.code(),
            0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }
}

impl Sandbox {
    /// Runs `zwgk COMMAND DIR --standards <shipped> EXTRA…` (audit, sample) in the sandbox.
    pub fn on_folder(&self, command: &str, dir: &Path, extra: &[&str]) -> Run {
        let standards = shipped_standards();
        let mut args = vec![
            command,
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Copies a fixture folder (`tests/fixtures/NAME`) into the sandbox.
    pub fn fixture(&self, name: &str) -> PathBuf {
        let target = self.path().join(name);
        copy_dir(&repo().join("tests/fixtures").join(name), &target);
        target
    }

    /// Generates a quarter of data into the sandbox and returns its folder.
    pub fn generate(&self, period: &str, seed: u64, scale: f64) -> PathBuf {
        let out = self.path().join(period);
        let units = repo().join("audits/units.yaml");
        let standards = shipped_standards();
        self.run(&[
            "generate",
            "--period",
            period,
            "--seed",
            &seed.to_string(),
            "--scale",
            &scale.to_string(),
            "--out",
            out.to_str().unwrap(),
            "--units",
            units.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
        ])
        .ok();
        out
    }
}

impl Sandbox {
    /// Generates a whole year into `audits/` of the sandbox (quarters, documents.csv,
    /// YEAR-statistics.yaml) and returns that folder.
    pub fn generate_year(&self, year: i32, seed: u64, scale: f64) -> PathBuf {
        let out = self.path().join("audits");
        let units = repo().join("audits/units.yaml");
        let standards = shipped_standards();
        self.run(&[
            "generate",
            "--year",
            &year.to_string(),
            "--seed",
            &seed.to_string(),
            "--scale",
            &scale.to_string(),
            "--out",
            out.to_str().unwrap(),
            "--units",
            units.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
        ])
        .ok();
        out
    }
}

/// A CSV file's header and rows, each row keyed by column name.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<std::collections::BTreeMap<String, String>>) {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let record = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(record.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// Copies a folder and the folders in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_file() {
            std::fs::copy(&path, target).unwrap();
        } else if path.is_dir() {
            copy_dir(&path, &target);
        }
    }
}

/// Appends lines to a file and returns the line number of the first one.
pub fn append(path: &Path, lines: &[&str]) -> usize {
    let mut text = std::fs::read_to_string(path).unwrap();
    let first = text.lines().count() + 1;
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
    first
}

/// Sets `circular:` in an audit.yaml to `fields` (`date: 2019-01-21`), keeping the
/// 发文字号 the file sets, on a last line of its own; returns that line's number.
pub fn set_circular(path: &Path, fields: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let (circular, rest): (Vec<&str>, Vec<&str>) =
        text.lines().partition(|l| l.starts_with("circular:"));
    let number = circular
        .iter()
        .find_map(|l| l.split_once("number: "))
        .map(|(_, n)| format!(", number: {}", n.trim_end_matches('}').trim()))
        .unwrap_or_default();
    let mut text = rest.join("\n");
    text.push_str(&format!("\ncircular: {{{fields}{number}}}\n"));
    std::fs::write(path, &text).unwrap();
    text.lines().count()
}

/// The XML parts (and relationships) of an Office Open XML package (.docx, .xlsx), by
/// name: read with the zip and nothing of the writers' crates.
pub fn package_parts(path: &Path) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).expect("a zip package");
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        if part.name().ends_with(".xml") || part.name().ends_with(".rels") {
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            parts.insert(part.name().to_string(), text);
        }
    }
    parts
}

/// A JSON file, parsed.
pub fn read_json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every finding of a results.json, unit by unit.
pub fn findings(results: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    results["units"]
        .as_array()
        .expect("units")
        .iter()
        .flat_map(|u| u["findings"].as_array().expect("findings"))
}

impl Sandbox {
    /// Copies the fixture `name`, audits it with the shipped standards and returns the copy
    /// (its report is in `report/`).
    pub fn audited_fixture(&self, name: &str) -> PathBuf {
        let dir = self.fixture(name);
        let standards = shipped_standards();
        self.run(&[
            "audit",
            dir.to_str().unwrap(),
            "--standards",
            standards.to_str().unwrap(),
            "-q",
        ])
        .ok();
        dir
    }

    /// Copies shipped quarters (with units.yaml beside them) into `audits/` of the
    /// sandbox; returns that folder.
    pub fn demo_quarters(&self, periods: &[&str]) -> PathBuf {
        let audits = self.path().join("audits");
        for period in periods {
            copy_dir(&repo().join("audits").join(period), &audits.join(period));
        }
        std::fs::copy(repo().join("audits/units.yaml"), audits.join("units.yaml")).unwrap();
        audits
    }

    /// Audits the shipped 2018-Q4 demo into the sandbox; returns its report folder.
    pub fn audited_demo(&self) -> PathBuf {
        let out = self.path().join("demo");
        let dir = repo().join("audits/2018-Q4");
        self.run(&[
            "audit",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .ok();
        out
    }
}

/// The mini fixture's results as 2018-Q4 and, with the same findings, as 2018-Q3 (changed
/// by `edit_q3`), under `audits/` of the sandbox; returns that folder.
pub fn mini_year(
    sandbox: &Sandbox,
    edit_q3: impl Fn(&mut serde_json::Value),
) -> std::path::PathBuf {
    let report = sandbox.audited_fixture("mini").join("report");
    let q4: serde_json::Value = read_json(&report.join("results.json"));
    let mut q3 = q4.clone();
    q3["period"] = "2018-Q3".into();
    q3["period_label"] = "2018年第三季度".into();
    edit_q3(&mut q3);
    let audits = sandbox.path().join("audits");
    for (period, results) in [("2018-Q3", &q3), ("2018-Q4", &q4)] {
        let dir = audits.join(period).join("report");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("results.json"),
            serde_json::to_vec(results).unwrap(),
        )
        .unwrap();
    }
    audits
}

/// English a Chinese official should not meet in the tool's messages.
const ENGLISH_WORDS: [&str; 12] = [
    "error:",
    "Error:",
    "reading",
    "writing",
    "creating",
    "failed",
    "No such file",
    "not found",
    "Usage",
    "problem(s)",
    "invalid type",
    "cannot",
];

/// Asserts a message the tool printed reads in Chinese: some CJK, none of the English words.
pub fn assert_chinese(text: &str) {
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "no Chinese in:\n{text}"
    );
    for word in ENGLISH_WORDS {
        assert!(!text.contains(word), "English {word:?} in:\n{text}");
    }
}

impl Run {
    /// Asserts the run failed with `code` and said why in Chinese; returns stderr.
    pub fn refused_in_chinese(&self, code: i32) -> String {
        let err = self.stderr();
        assert_eq!(
            self.code(),
            code,
            "stdout:\n{}\nstderr:\n{err}",
            self.stdout()
        );
        assert_chinese(&err);
        err
    }
}
