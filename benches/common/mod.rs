//! What the benchmarks share.

use std::path::Path;

/// The judged evaluator questions (tests/fixtures/judged/questions.yaml), in order.
pub fn judged_questions(repo: &Path) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Judged {
        q: String,
    }
    let path = repo.join("tests/fixtures/judged/questions.yaml");
    let text = std::fs::read_to_string(path).expect("judged questions");
    let judged: Vec<Judged> = serde_yaml::from_str(&text).expect("judged questions parse");
    judged.into_iter().map(|j| j.q).collect()
}
