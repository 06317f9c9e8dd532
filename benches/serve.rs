//! Load test of `zwgk serve` on loopback: `cargo bench --bench serve`.
//!
//! Starts the release server on a free port over the shipped standards and audits, then
//! 32 clients send 2,000 searches between them (`/api/search`, the judged evaluator
//! questions in turn) and stop; twice: as evaluators ask (the 191 questions come round
//! again, and the server remembers a search), then with every request new (each asks for
//! another number of standards), so that each is searched. Target: no errors, p99 < 20 ms.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
// The tests' server; the load test only starts it and sends its own requests.
#[path = "../tests/server.rs"]
#[allow(dead_code)]
mod server;

use common::judged_questions;
use server::{encode, Server};

const CLIENTS: usize = 32;
const SEARCHES: usize = 2_000;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().expect("temp dir");
    let questions = Arc::new(judged_questions(&repo));
    let mut command = Command::new(env!("CARGO_BIN_EXE_zwgk"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(&repo)
        .env("ZWGK_CACHE_DIR", cache.path());
    let server = Server::start(command);
    let base = server.base.clone();

    for (name, distinct) in [("repeated questions", false), ("every request new", true)] {
        let (mut latencies, errors, wall) = load(&base, &questions, distinct);
        latencies.sort();
        let at = |p: f64| latencies[((p / 100.0) * latencies.len() as f64).ceil() as usize - 1];
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let p99 = at(99.0);
        println!(
            "serve load, {name}: {SEARCHES} searches, {CLIENTS} clients, {:.2} s, {:.0} searches/s; p50 {:.2} ms, p99 {:.2} ms (target < 20 ms: {}), max {:.2} ms; errors {errors} (target 0: {})",
            wall.as_secs_f64(),
            SEARCHES as f64 / wall.as_secs_f64(),
            ms(at(50.0)),
            ms(p99),
            if p99 < Duration::from_millis(20) { "ok" } else { "OVER TARGET" },
            ms(*latencies.last().expect("latencies")),
            if errors == 0 { "ok" } else { "ERRORS" },
        );
    }
    drop(server);
}

/// Sends the searches from the clients; every latency, the number of failed requests and
/// the wall time.
fn load(
    base: &str,
    questions: &Arc<Vec<String>>,
    distinct: bool,
) -> (Vec<Duration>, usize, Duration) {
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (next, errors, questions, base) = (
                next.clone(),
                errors.clone(),
                questions.clone(),
                base.to_string(),
            );
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_global(Some(Duration::from_secs(10)))
                    .build()
                    .into();
                let mut latencies = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= SEARCHES {
                        return latencies;
                    }
                    let question = encode(&questions[n % questions.len()]);
                    // 191 questions × 50 limits: no request of the 2,000 repeats another.
                    let limit = if distinct { 1 + n / questions.len() } else { 5 };
                    let url = format!("{base}/api/search?q={question}&limit={limit}");
                    let asked = Instant::now();
                    let ok = agent
                        .get(&url)
                        .call()
                        .ok()
                        .and_then(|mut r| r.body_mut().read_to_string().ok())
                        .is_some_and(|body| body.contains("\"hits\""));
                    latencies.push(asked.elapsed());
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    let latencies = clients
        .into_iter()
        .flat_map(|c| c.join().expect("client"))
        .collect();
    (latencies, errors.load(Ordering::Relaxed), started.elapsed())
}
