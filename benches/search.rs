//! Search benchmarks against the targets: `cargo bench --bench search`.
//!
//! - catalogue index build (load + validate + index): target < 2 s
//! - warm query latency over the judged evaluator questions: p50 < 1 ms, p99 < 10 ms
//! - `zwgk search` as a cold process, index present, to its first printed result: < 30 ms

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use zwgk::catalogue::Catalogue;
use zwgk::index::CatalogueIndex;
use zwgk::search::SearchRequest;

mod common;

use common::judged_questions;

const BUILD_RUNS: usize = 5;
const QUERY_ROUNDS: usize = 40;
const COLD_RUNS: usize = 40;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let standards = repo.join("standards");
    let cache = tempfile::tempdir().expect("temp dir");
    let queries = judged_questions(&repo);

    let mut builds = Vec::new();
    for _ in 0..BUILD_RUNS {
        let started = Instant::now();
        let catalogue = Catalogue::load(&standards).expect("valid catalogue");
        CatalogueIndex::build(&catalogue, cache.path()).expect("index builds");
        builds.push(started.elapsed());
    }
    report(
        "index build (load + validate + index)",
        &mut builds,
        Duration::from_secs(2),
        None,
    );

    let (index, _) = CatalogueIndex::open(&standards, cache.path()).expect("index opens");
    let mut latencies = Vec::new();
    for _ in 0..QUERY_ROUNDS {
        for query in &queries {
            let request = SearchRequest {
                query: query.clone(),
                subsystem: None,
                status: None,
                area: None,
                limit: 5,
            };
            let started = Instant::now();
            let results = index.search(&request).expect("search");
            latencies.push(started.elapsed());
            std::hint::black_box(results);
        }
    }
    report(
        &format!("warm query ({} queries x {QUERY_ROUNDS})", queries.len()),
        &mut latencies,
        Duration::from_millis(1),
        Some(Duration::from_millis(10)),
    );

    let mut cold = Vec::new();
    for i in 0..COLD_RUNS {
        cold.push(first_result_time(
            &standards,
            cache.path(),
            &queries[i % queries.len()],
        ));
    }
    report(
        "cold process to first result",
        &mut cold,
        Duration::from_millis(30),
        None,
    );
}

/// Runs `zwgk search` and times it until its first line of output arrives.
fn first_result_time(standards: &Path, cache: &Path, query: &str) -> Duration {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zwgk"))
        .args(["search", query, "--standards"])
        .arg(standards)
        .env("ZWGK_CACHE_DIR", cache)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("zwgk runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut first)
        .expect("reads");
    let elapsed = started.elapsed();
    child.wait().expect("zwgk exits");
    assert!(!first.is_empty(), "no result for {query}");
    elapsed
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn report(
    name: &str,
    samples: &mut [Duration],
    p50_target: Duration,
    p99_target: Option<Duration>,
) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (p50, p99, max) = (
        percentile(samples, 50.0),
        percentile(samples, 99.0),
        samples[samples.len() - 1],
    );
    let verdict = |ok: bool| if ok { "ok" } else { "OVER TARGET" };
    let mut line = format!(
        "{name}: n={} p50 {:.3} ms (target < {:.0} ms: {})",
        samples.len(),
        ms(p50),
        ms(p50_target),
        verdict(p50 < p50_target)
    );
    match p99_target {
        Some(target) => line.push_str(&format!(
            ", p99 {:.3} ms (target < {:.0} ms: {})",
            ms(p99),
            ms(target),
            verdict(p99 < target)
        )),
        None => line.push_str(&format!(", p99 {:.3} ms", ms(p99))),
    }
    line.push_str(&format!(", max {:.3} ms", ms(max)));
    println!("{line}");
}
