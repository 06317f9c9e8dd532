//! The judged evaluator questions (`tests/fixtures/judged/questions.yaml`, written blind,
//! every third question held out): the search against a plain, untuned BM25 over the same
//! clauses (jieba words, one document per scope, clause and catalogue row, standards
//! ranked by their best document), on both splits. The held-out split is only ever
//! reported as figures: tune on the `tune` split alone.

use std::collections::HashMap;

use jieba_rs::{Jieba, TokenizeMode};
use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, Value, STORED, STRING, TEXT};
use tantivy::{doc, Index, TantivyDocument, Term};
use zwgk::catalogue::Catalogue;
use zwgk::index::{row_text, CatalogueIndex};
use zwgk::search::SearchRequest;

use crate::util::{repo, shipped_standards, Sandbox};

#[derive(Deserialize)]
struct Question {
    q: String,
    kind: String,
    standards: Vec<String>,
    #[serde(default)]
    clause: Option<String>,
    split: String,
}

/// A ranking: standards best first, each with the clause (or row code) it ranks first.
type Ranked = Vec<(String, String)>;

#[derive(Default)]
struct Tally {
    questions: usize,
    reciprocal_ranks: f64,
    with_clause: usize,
    clause_first: usize,
}

impl Tally {
    fn add(&mut self, question: &Question, ranked: &Ranked) {
        self.questions += 1;
        let first = ranked
            .iter()
            .take(10)
            .position(|(id, _)| question.standards.contains(id));
        self.reciprocal_ranks += first.map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0));
        if let Some(clause) = &question.clause {
            self.with_clause += 1;
            let top = ranked.first();
            if top.is_some_and(|(id, no)| *id == question.standards[0] && no == clause) {
                self.clause_first += 1;
            }
        }
    }

    fn mrr(&self) -> f64 {
        self.reciprocal_ranks / self.questions.max(1) as f64
    }

    fn clause_share(&self) -> f64 {
        self.clause_first as f64 / self.with_clause.max(1) as f64
    }
}

/// The plain baseline: one text field, jieba words (search mode, as indexed), default
/// BM25, every query word optional.
struct Bm25 {
    index: Index,
    jieba: Jieba,
}

impl Bm25 {
    fn new(catalogue: &Catalogue) -> Bm25 {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING | STORED);
        let no = schema.add_text_field("no", STRING | STORED);
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let jieba = Jieba::new();
        let mut writer = index.writer_with_num_threads(1, 30_000_000).unwrap();
        let words = |t: &str| Bm25::words(&jieba, t).join(" ");
        for s in &catalogue.standards {
            let add = |n: &str, body: String| {
                writer
                    .add_document(doc!(id => s.id.as_str(), no => n, text => words(&body)))
                    .unwrap();
            };
            add("1", format!("{} {}", s.title, s.scope));
            for c in &s.clauses {
                add(&c.no, format!("{} {}", c.title, c.text));
            }
            for i in &s.items {
                add(&i.code, format!("{} {}", i.name(), row_text(i)));
            }
        }
        writer.commit().unwrap();
        Bm25 { index, jieba }
    }

    fn words(jieba: &Jieba, text: &str) -> Vec<String> {
        jieba
            .tokenize(text, TokenizeMode::Search, true)
            .into_iter()
            .filter(|t| t.word.chars().any(char::is_alphanumeric))
            .map(|t| t.word.to_lowercase())
            .collect()
    }

    fn rank(&self, query: &str) -> Ranked {
        let schema = self.index.schema();
        let (id, no, text) = (
            schema.get_field("id").unwrap(),
            schema.get_field("no").unwrap(),
            schema.get_field("text").unwrap(),
        );
        let terms: Vec<(Occur, Box<dyn Query>)> = Bm25::words(&self.jieba, query)
            .into_iter()
            .map(|w| {
                let term = Term::from_field_text(text, &w);
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                (Occur::Should, q)
            })
            .collect();
        let searcher = self.index.reader().unwrap().searcher();
        let found = searcher
            .search(
                &BooleanQuery::new(terms),
                &TopDocs::with_limit(200).order_by_score(),
            )
            .unwrap();
        let mut ranked: Ranked = Vec::new();
        for (_, address) in found {
            let d: TantivyDocument = searcher.doc(address).unwrap();
            let get = |f| {
                d.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let standard = get(id);
            if !ranked.iter().any(|(s, _)| *s == standard) {
                ranked.push((standard, get(no)));
            }
        }
        ranked
    }
}

fn ours(index: &CatalogueIndex, query: &str) -> Ranked {
    let request = SearchRequest {
        query: query.to_string(),
        subsystem: None,
        status: None,
        area: None,
        limit: 10,
    };
    index
        .search(&request)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| {
            let first = h.clauses.first().map(|c| c.no.clone()).unwrap_or_default();
            (h.id, first)
        })
        .collect()
}

#[test]
fn judged_questions_against_plain_bm25_on_both_splits() {
    let text =
        std::fs::read_to_string(repo().join("tests/fixtures/judged/questions.yaml")).unwrap();
    let questions: Vec<Question> = serde_yaml::from_str(&text).unwrap();
    assert!(
        questions.len() >= 150,
        "the judged set needs at least 150 questions"
    );

    let sandbox = Sandbox::new();
    let catalogue = Catalogue::load(&shipped_standards()).unwrap();
    let (index, _) = CatalogueIndex::open(&shipped_standards(), &sandbox.cache()).unwrap();
    let baseline = Bm25::new(&catalogue);

    let mut tallies: HashMap<(&str, &str), Tally> = HashMap::new();
    let mut tune_misses = Vec::new();
    for question in &questions {
        let split = question.split.as_str();
        let (a, b) = (ours(&index, &question.q), baseline.rank(&question.q));
        tallies
            .entry((split, "zwgk"))
            .or_default()
            .add(question, &a);
        tallies
            .entry((split, "bm25"))
            .or_default()
            .add(question, &b);
        let first = a
            .iter()
            .take(10)
            .position(|(id, _)| question.standards.contains(id));
        let clause_missed = question.clause.as_ref().is_some_and(|clause| {
            first == Some(0)
                && a.first()
                    .is_some_and(|(id, no)| *id != question.standards[0] || no != clause)
        });
        if split == "tune" && (first != Some(0) || clause_missed) {
            let what = if clause_missed { "clause" } else { "standard" };
            tune_misses.push(format!(
                "{what:8} [{}] {} → {:?} (want {:?} {})",
                question.kind,
                question.q,
                &a[..a.len().min(3)],
                question.standards,
                question.clause.as_deref().unwrap_or("")
            ));
        }
    }
    for split in ["tune", "held-out"] {
        let (z, b) = (&tallies[&(split, "zwgk")], &tallies[&(split, "bm25")]);
        println!(
            "{split:9} {} questions  MRR@10 zwgk {:.3} bm25 {:.3}  right clause first zwgk {:.0}% bm25 {:.0}% (of {})",
            z.questions,
            z.mrr(),
            b.mrr(),
            100.0 * z.clause_share(),
            100.0 * b.clause_share(),
            z.with_clause
        );
    }
    for miss in &tune_misses {
        println!("  tune, not first: {miss}");
    }
    let (tune, held_out) = (&tallies[&("tune", "zwgk")], &tallies[&("held-out", "zwgk")]);
    let (tune_bm25, held_out_bm25) = (&tallies[&("tune", "bm25")], &tallies[&("held-out", "bm25")]);
    // Floors a little below the figures last measured (tune 0.967, held-out 0.952; BM25
    // 0.861 and 0.769; right clause first 86 % and 81 %), so that a change that loses
    // ground fails here. The bar of 85 % right clause first is not reached on the
    // held-out split.
    for (split, zwgk, bm25) in [
        ("tune", tune, tune_bm25),
        ("held-out", held_out, held_out_bm25),
    ] {
        assert!(
            zwgk.mrr() >= 0.94,
            "{split}: MRR@10 {:.3} < 0.94",
            zwgk.mrr()
        );
        assert!(
            zwgk.mrr() >= bm25.mrr() + 0.05,
            "{split}: MRR@10 {:.3} not 0.05 above plain BM25 {:.3}",
            zwgk.mrr(),
            bm25.mrr()
        );
        assert!(
            zwgk.clause_share() >= 0.79,
            "{split}: right clause first {:.2}",
            zwgk.clause_share()
        );
    }
}
