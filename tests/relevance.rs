//! Search quality on the judged query set in `tests/fixtures/relevance.yaml`: queries
//! phrased as evaluators ask them, each with the standards an evaluator accepts, written
//! before the ranking was tuned.

use serde::Deserialize;
use zwgk::index::CatalogueIndex;
use zwgk::search::SearchRequest;

use crate::util::{repo, shipped_standards, Sandbox};

#[derive(Deserialize)]
struct Judged {
    query: String,
    relevant: Vec<String>,
}

const MIN_MRR: f64 = 0.90;
const MIN_RECALL_AT_3: f64 = 0.95;

#[test]
fn mrr_and_recall_at_3_meet_the_bar() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/relevance.yaml")).unwrap();
    let judged: Vec<Judged> = serde_yaml::from_str(&text).unwrap();
    assert!(
        judged.len() >= 40,
        "the judged set needs at least 40 queries"
    );

    let sandbox = Sandbox::new();
    let (index, _) = CatalogueIndex::open(&shipped_standards(), &sandbox.cache()).unwrap();
    let mut reciprocal_ranks = 0.0;
    let mut recall_at_3 = 0.0;
    let mut misses = Vec::new();
    for j in &judged {
        let request = SearchRequest {
            query: j.query.clone(),
            subsystem: None,
            status: None,
            area: None,
            limit: 10,
        };
        let ids: Vec<String> = index
            .search(&request)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        let first = ids.iter().position(|id| j.relevant.contains(id));
        reciprocal_ranks += first.map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0));
        let found = j
            .relevant
            .iter()
            .filter(|r| ids.iter().take(3).any(|id| id == *r))
            .count();
        recall_at_3 += found as f64 / j.relevant.len() as f64;
        if first != Some(0) {
            misses.push(format!(
                "{} → {:?} (want {:?})",
                j.query,
                &ids[..ids.len().min(3)],
                j.relevant
            ));
        }
    }
    let n = judged.len() as f64;
    let (mrr, recall) = (reciprocal_ranks / n, recall_at_3 / n);
    println!(
        "queries {}  MRR {mrr:.3}  recall@3 {recall:.3}",
        judged.len()
    );
    for miss in &misses {
        println!("  not first: {miss}");
    }
    assert!(
        mrr >= MIN_MRR,
        "MRR {mrr:.3} < {MIN_MRR}; misses:\n{}",
        misses.join("\n")
    );
    assert!(
        recall >= MIN_RECALL_AT_3,
        "recall@3 {recall:.3} < {MIN_RECALL_AT_3}; misses:\n{}",
        misses.join("\n")
    );
}
