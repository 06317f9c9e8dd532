//! A seeded mutation test of every input loader: the mini fixture's files (tables,
//! worksheet, YAML, a standard) are damaged thousands of ways — bytes flipped, quotes,
//! commas and line ends inserted, ranges cut or doubled, files truncated, re-encoded,
//! made huge — and loaded. No load may panic or hang, and none may succeed on a CSV file
//! that ends inside a quoted field.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{inspections, load_units, AuditConfig, Dataset, LoadOptions};
use crate::catalogue::Catalogue;

const SEED: u64 = 20_181_231;
/// Mutations per file; with 8 files of the fixture and the worksheet.
const ROUNDS: usize = 400;
/// Standards files of a catalogue are slower to load: fewer rounds.
const CATALOGUE_ROUNDS: usize = 60;
/// The longest any one load may take (debug build, shared machine).
const SLOW: Duration = Duration::from_secs(5);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One damage done to a file, drawn from `rng`.
fn mutate(rng: &mut ChaCha8Rng, original: &[u8]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    let mut pick = |n: usize| (rng.next_u64() % n.max(1) as u64) as usize;
    let at = pick(bytes.len() + 1);
    match pick(12) {
        0 => {
            if let Some(b) = bytes.get_mut(at) {
                *b ^= 1 << pick(8);
            }
        }
        1 | 2 => {
            let inserted = [b'"', b',', b'\r', b'\n', 0xFF, 0, b'"', b'\''][pick(8)];
            bytes.insert(at, inserted);
        }
        3 => {
            // A quote opening a field: after a comma or at a line start.
            let starts: Vec<usize> = (0..bytes.len())
                .filter(|&i| i == 0 || matches!(bytes[i - 1], b',' | b'\n'))
                .collect();
            if !starts.is_empty() {
                bytes.insert(starts[pick(starts.len())], b'"');
            }
        }
        4 => {
            let end = (at + pick(200)).min(bytes.len());
            bytes.drain(at.min(end)..end);
        }
        5 => {
            let end = (at + pick(200)).min(bytes.len());
            let copy = bytes[at.min(end)..end].to_vec();
            insert(&mut bytes, at, &copy);
        }
        6 => bytes.truncate(at),
        7 => {
            if let Ok(text) = std::str::from_utf8(&bytes) {
                bytes = encoding_rs::GB18030.encode(text).0.into_owned();
            }
        }
        8 => {
            bytes = String::from_utf8_lossy(&bytes)
                .replace('\n', "\r\n")
                .into_bytes()
        }
        9 => insert(&mut bytes, at, &[b'x'; 40_000]),
        10 => insert(&mut bytes, at, "长".repeat(20_000).as_bytes()),
        _ => insert(&mut bytes, at, &[b'\n'; 100_000]),
    }
    bytes
}

fn insert(bytes: &mut Vec<u8>, at: usize, inserted: &[u8]) {
    bytes.splice(at..at, inserted.iter().copied());
}

/// Whether a CSV file ends inside a quoted field, read as RFC 4180 quotes fields (a quote
/// opens only at a field's start, `""` inside is one quote).
fn ends_inside_quotes(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (mut field_start, mut quoted) = (true, false);
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if quoted {
            if byte == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if byte == b'"' && field_start {
            quoted = true;
        }
        field_start = !quoted && matches!(byte, b',' | b'\n' | b'\r');
        i += 1;
    }
    quoted
}

/// A copy of the mini fixture with a drawn sample and its worksheets as inspections.csv
/// and unit_inspections.csv.
fn fixture(dir: &Path, catalogue: &Catalogue) {
    let mini = repo().join("tests/fixtures/mini");
    for entry in std::fs::read_dir(&mini).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let config = AuditConfig::load(dir).unwrap();
    let data = Dataset::load(dir, config, catalogue, LoadOptions::default()).unwrap();
    let options = crate::sample::SampleOptions {
        level: super::Level::III,
        confidence: 0.95,
        tolerable: 0.1,
        seed: SEED,
        focus: Vec::new(),
        rule: catalogue
            .sample_rule()
            .expect("the shipped catalogue marks one"),
    };
    let plan = crate::sample::draw(catalogue, &data, &options).unwrap();
    let worksheet = crate::sample::worksheet_csv(&plan, catalogue, &data).unwrap();
    std::fs::create_dir_all(dir.join("sample")).unwrap();
    std::fs::write(
        dir.join("sample/sample.json"),
        serde_json::to_vec(&plan).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("inspections.csv"), worksheet).unwrap();
    let units = crate::sample::unit_worksheet_csv(&plan, catalogue)
        .unwrap()
        .expect("the shipped catalogue has unit-level requirements");
    std::fs::write(dir.join("unit_inspections.csv"), units).unwrap();
}

/// The sample and both worksheets of the fixture in `dir`.
fn found(dir: &Path, items: Option<&str>) -> inspections::Found {
    inspections::Found {
        plan: dir.join("sample/sample.json"),
        items: items.map(|name| dir.join(name)),
        units: Some(dir.join("unit_inspections.csv")),
    }
}

/// What one load said: `Ok` read, `Err` refused (a panic fails the test).
type Outcome = Result<(), String>;

/// Loads everything an audit of `dir` reads.
fn load_all(dir: &Path, catalogue: &Catalogue) -> Outcome {
    let config = AuditConfig::load(dir).map_err(|p| p.to_string())?;
    let keep_going = LoadOptions { keep_going: true };
    Dataset::load(dir, config.clone(), catalogue, keep_going).map_err(|p| p.to_string())?;
    Dataset::load(dir, config, catalogue, LoadOptions::default()).map_err(|p| p.to_string())?;
    load_units(&dir.join("units.yaml"), catalogue).map_err(|p| p.to_string())?;
    inspections::load(&found(dir, Some("inspections.csv")), catalogue)
        .map_err(|p| p.to_string())?;
    Ok(())
}

/// Runs `body` on a thread and fails if it does not finish in `limit`, naming the round
/// it was in (a hang must fail the suite, not stall it).
fn within(limit: Duration, body: impl FnOnce(Arc<AtomicUsize>) + Send + 'static) {
    let round = Arc::new(AtomicUsize::new(0));
    let (done, finished) = mpsc::channel();
    let reached = Arc::clone(&round);
    std::thread::spawn(move || {
        let result = catch_unwind(AssertUnwindSafe(|| body(reached)));
        let _ = done.send(result);
    });
    match finished.recv_timeout(limit) {
        Ok(Ok(())) => {}
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("hung in round {}", round.load(Ordering::SeqCst)),
    }
}

#[test]
fn mutated_inputs_never_panic_hang_or_pass_with_an_open_quote() {
    within(Duration::from_secs(120), |round| {
        let catalogue = Catalogue::load(&repo().join("standards")).unwrap();
        let scratch = tempfile::tempdir().unwrap();
        let dir = scratch.path();
        fixture(dir, &catalogue);
        let files = [
            "items.csv",
            "register.csv",
            "applications.csv",
            "messages.csv",
            "inspections.csv",
            "unit_inspections.csv",
            "units.yaml",
            "audit.yaml",
            "waivers.yaml",
        ];
        let mut rng = ChaCha8Rng::seed_from_u64(SEED);
        let (mut refused, mut open_quotes) = (0, 0);
        for (f, file) in files.iter().enumerate() {
            let path = dir.join(file);
            let original = std::fs::read(&path).unwrap();
            for r in 0..ROUNDS {
                round.store(f * ROUNDS + r, Ordering::SeqCst);
                let mutated = mutate(&mut rng, &original);
                std::fs::write(&path, &mutated).unwrap();
                let started = Instant::now();
                let outcome = catch_unwind(AssertUnwindSafe(|| load_all(dir, &catalogue)))
                    .unwrap_or_else(|_| panic!("{file}, round {r}: a loader panicked"));
                assert!(started.elapsed() < SLOW, "{file}, round {r}: slow load");
                refused += outcome.is_err() as usize;
                if file.ends_with(".csv") && ends_inside_quotes(&mutated) {
                    open_quotes += 1;
                    assert!(
                        outcome.is_err(),
                        "{file}, round {r}: read although it ends inside a quoted field"
                    );
                }
            }
            std::fs::write(&path, &original).unwrap();
        }
        // The mutations did reach the checks: many files refused, many open quotes tried.
        assert!(refused > files.len() * ROUNDS / 4, "only {refused} refused");
        assert!(open_quotes > 100, "only {open_quotes} open quotes");
    });
}

#[test]
fn mutated_standards_and_workbooks_never_panic_or_hang() {
    within(Duration::from_secs(120), |round| {
        let scratch = tempfile::tempdir().unwrap();
        let standards = scratch.path().join("standards");
        std::fs::create_dir_all(&standards).unwrap();
        for entry in std::fs::read_dir(repo().join("standards")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, standards.join(path.file_name().unwrap())).unwrap();
        }
        let catalogue = Catalogue::load(&standards).unwrap();
        let workbook = scratch.path().join("audit");
        std::fs::create_dir_all(&workbook).unwrap();
        fixture(&workbook, &catalogue);
        let config = AuditConfig::load(&workbook).unwrap();
        let data = Dataset::load(&workbook, config, &catalogue, LoadOptions::default()).unwrap();
        let plan_path = workbook.join("sample/sample.json");
        let plan = serde_json::from_slice(&std::fs::read(&plan_path).unwrap()).unwrap();
        let xlsx = crate::sample::worksheet_xlsx(&plan, &catalogue, &data).unwrap();
        std::fs::remove_file(workbook.join("inspections.csv")).unwrap();
        std::fs::remove_file(workbook.join("unit_inspections.csv")).unwrap();

        let mut rng = ChaCha8Rng::seed_from_u64(SEED + 1);
        let standard = standards.join("ZWGK-204.yaml");
        let original = std::fs::read(&standard).unwrap();
        for r in 0..CATALOGUE_ROUNDS {
            round.store(r, Ordering::SeqCst);
            std::fs::write(&standard, mutate(&mut rng, &original)).unwrap();
            let started = Instant::now();
            let _ = catch_unwind(AssertUnwindSafe(|| Catalogue::load(&standards))).unwrap_or_else(
                |_| panic!("ZWGK-204.yaml, round {r}: the catalogue loader panicked"),
            );
            assert!(
                started.elapsed() < SLOW,
                "ZWGK-204.yaml, round {r}: slow load"
            );
        }
        let filled = workbook.join("worksheet.xlsx");
        for r in 0..ROUNDS {
            round.store(CATALOGUE_ROUNDS + r, Ordering::SeqCst);
            std::fs::write(&filled, mutate(&mut rng, &xlsx)).unwrap();
            let started = Instant::now();
            let both = inspections::Found {
                plan: plan_path.clone(),
                items: Some(filled.clone()),
                units: Some(filled.clone()),
            };
            let _ = catch_unwind(AssertUnwindSafe(|| inspections::load(&both, &catalogue)))
                .unwrap_or_else(|_| panic!("worksheet.xlsx, round {r}: the loader panicked"));
            assert!(
                started.elapsed() < SLOW,
                "worksheet.xlsx, round {r}: slow load"
            );
        }
    });
}

#[test]
fn the_open_quote_oracle_reads_quotes_as_rfc_4180() {
    assert!(!ends_inside_quotes(b"a,\"b\"\"c\",d\n"));
    assert!(!ends_inside_quotes("关于“十三五\"规划,x\n".as_bytes()));
    assert!(ends_inside_quotes(b"a,\"b\nc,d\n"));
    assert!(ends_inside_quotes(b"\xEF\xBB\xBF\"open"));
}
