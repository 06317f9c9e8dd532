//! Searching the catalogue as evaluators ask: a Chinese question typed without spaces, a
//! few keywords, or a standard's id or number.
//!
//! A query is cut into words with the index's own jieba dictionary; question words
//! (多久, 几天, 什么 …) are dropped. Each remaining word matches the standard title,
//! clause heading, keywords and text (titles weigh more) or, for recall when the text was
//! segmented differently, all of its character bigrams. Documents matching every word rank
//! first; documents matching only some follow. Within a tier a document gains by its
//! focus: how much of the question one of its sentences answers (see `focus`). Adjacent
//! words found next to each other get a phrase boost. Fuzzy matching is used only for
//! Latin words and long numbers: on Chinese two-character words it would match almost
//! anything. Hits are grouped by standard, each with its best clauses and a highlighted
//! snippet.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use chrono::NaiveDate;

use crate::error::Result;
use serde::Serialize;
use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::catalogue::lookup_key;
use crate::index::fold::{fold, width_and_case};
use crate::index::tokenizer::{bigrams, words, Word};
use crate::index::{
    day_number, doc_kind, stored, CatalogueIndex, DocKind, Fields, IN_FORCE_FROM, IN_FORCE_TO,
    ROLE, ROLE_FOREWORD, ROLE_OVERVIEW, ROLE_ROW, STANDARD,
};
use crate::reference::{self, Reference};

mod focus;
pub mod question;
pub mod snippet;

use focus::{focus, FocusWord};
use question::{
    asks_how_long, asks_what_content, day_asked, without_dates, without_particles,
    without_question_numbers, without_yes_no, DURATION_BOOST, DURATION_WORDS, QUESTION_WORDS,
};
use snippet::{snippet, Wanted};

const TITLE_BOOST: f32 = 3.0;
const HEADING_BOOST: f32 = 2.5;
const KEYWORD_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;
const BIGRAM_BOOST: f32 = 0.3;
const PHRASE_BOOST: f32 = 1.5;
/// Clause documents fetched per tier before grouping by standard.
const DOCS_PER_TIER: usize = 100;
/// Clauses shown under each standard.
const CLAUSES_PER_STANDARD: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchRequest {
    pub query: String,
    pub subsystem: Option<String>,
    /// Status label: 现行 | 即将实施 | 废止.
    pub status: Option<String>,
    /// Only standards with catalogue rows in this area (领域).
    pub area: Option<String>,
    pub limit: usize,
}

/// How the results were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchMode {
    /// The query named a standard (id, number).
    Exact,
    /// Every word matched in one document.
    AllTerms,
    /// All words but one matched in one document (queries of three words or more).
    MostTerms,
    /// Some of the words matched.
    AnyTerm,
    /// Nothing matched.
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// The words searched for, after dropping question words.
    pub terms: Vec<String>,
    pub mode: MatchMode,
    pub hits: Vec<StandardHit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StandardHit {
    pub id: String,
    pub number: String,
    pub title: String,
    pub subsystem: String,
    pub status: String,
    pub issued: String,
    pub effective: String,
    pub score: f32,
    /// How well the standard's best document matched the query's words.
    pub matched: MatchMode,
    pub clauses: Vec<ClauseHit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClauseHit {
    pub kind: DocKind,
    /// Clause number, or row code for a catalogue row.
    pub no: String,
    /// The earlier (废止) edition the clause is from, by number; absent for the current one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    pub title: String,
    pub score: f32,
    /// The best passage, matched words marked with `<em>…</em>` (HTML-escaped).
    pub snippet: String,
    #[serde(skip)]
    pub fragment: String,
    #[serde(skip)]
    pub highlighted: Vec<Range<usize>>,
}

/// One word of the query and the sub-query that matches it.
struct QueryWord {
    word: Word,
    /// Dictionary words of two or more characters must match (in the all-words tier);
    /// single characters and words jieba guessed (HMM) only add to the score.
    required: bool,
    query: Box<dyn Query>,
}

/// The tiers searched for `n` required words, best first, with the number of words each
/// needs: all of them, all but one (from three words on), then any.
fn tiers(n: usize) -> Vec<(MatchMode, usize)> {
    let mut tiers = vec![(MatchMode::AllTerms, n)];
    if n >= 3 {
        tiers.push((MatchMode::MostTerms, n - 1));
    }
    if n >= 2 {
        tiers.push((MatchMode::AnyTerm, 1));
    }
    if n == 0 {
        tiers.clear();
    }
    tiers
}

impl CatalogueIndex {
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        let f = &self.fields;
        let filters = self.filters(request);

        // Matched in folded form (simplified, half-width, lower case); reported as typed.
        let folded = fold(&request.query);
        let reference = reference::parse(&folded);
        let named = match &reference {
            Some(r) => self.exact_lookup(&searcher, &r.digits, Some(r), &filters)?,
            None => self.exact_lookup(&searcher, &folded, None, &filters)?,
        };
        if let Some(hits) = named {
            return Ok(SearchResults {
                query: request.query.clone(),
                terms: vec![lookup_key(&folded)],
                mode: MatchMode::Exact,
                hits,
            });
        }

        let query_words = self.query_words(&self.subject(&folded));
        let terms: Vec<String> = query_words.iter().map(|w| w.word.text.clone()).collect();
        let (required, optional): (Vec<&QueryWord>, Vec<&QueryWord>) =
            query_words.iter().partition(|w| w.required);
        // A query made only of optional words (a single character) still searches them.
        let required = if required.is_empty() {
            optional.clone()
        } else {
            required
        };
        let mut boosts: Vec<Box<dyn Query>> = self.phrase_boosts(&query_words);
        boosts.extend(optional.iter().map(|w| w.query.box_clone()));
        let how_long = asks_how_long(&self.jieba, &folded);
        let day = day_asked(&folded);
        // A catalogue row restates a clause's rule for one disclosure: the clause answers
        // a question first, the row one asking what a disclosure holds.
        let row_weight = if asks_what_content(&folded) {
            ROW_FOR_CONTENT
        } else {
            ROW
        };
        if how_long {
            boosts.extend(DURATION_WORDS.iter().flat_map(|word| {
                [f.heading, f.body].map(|field| boosted(word_term(field, word), DURATION_BOOST))
            }));
        }

        let ranking = Ranking {
            day,
            row_weight,
            focus: self.focus_words(&searcher, &required),
            fields: f,
        };
        let mut groups = Groups::default();
        let mut mode = MatchMode::None;
        for (tier, min) in tiers(required.len()) {
            let mut words = BooleanQuery::new(
                required
                    .iter()
                    .map(|w| (Occur::Should, w.query.box_clone()))
                    .collect(),
            );
            words.set_minimum_number_should_match(min);
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(words))];
            clauses.extend(boosts.iter().map(|q| (Occur::Should, q.box_clone())));
            clauses.extend(filters.iter().map(|q| (Occur::Must, q.box_clone())));
            let found = searcher.search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(DOCS_PER_TIER).order_by_score(),
            )?;
            if mode == MatchMode::None && !found.is_empty() {
                mode = tier;
            }
            groups.add_tier(&searcher, &found, tier, &ranking)?;
        }
        let mut marked: Vec<String> = terms.clone();
        for term in &terms {
            marked.extend(self.synonyms.get(term).into_iter().flatten().cloned());
        }
        let prefer: &[&str] = if how_long { DURATION_WORDS } else { &[] };
        let wanted = Wanted {
            terms: &marked,
            prefer,
        };
        let hits = groups.into_hits(&searcher, f, &wanted, request.limit)?;
        Ok(SearchResults {
            query: request.query.clone(),
            terms,
            mode,
            hits,
        })
    }

    fn filters(&self, request: &SearchRequest) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        [
            (f.subsystem, &request.subsystem),
            (f.status, &request.status),
            (f.area, &request.area),
        ]
        .into_iter()
        .filter_map(|(field, value)| value.as_ref().map(|v| exact_term(field, v)))
        .collect()
    }

    /// When the whole query names a standard, that standard with its clauses in order; a
    /// reference to one of its clauses puts that clause first (of the edition whose year
    /// the reference gives, else of the edition in force).
    fn exact_lookup(
        &self,
        searcher: &Searcher,
        query: &str,
        reference: Option<&Reference>,
        filters: &[Box<dyn Query>],
    ) -> Result<Option<Vec<StandardHit>>> {
        let f = &self.fields;
        let mut clauses = vec![(Occur::Must, exact_term(f.lookup, &lookup_key(query)))];
        clauses.extend(filters.iter().map(|q| (Occur::Must, q.box_clone())));
        let found = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = found.first() else {
            return Ok(None);
        };
        let scope: TantivyDocument = searcher.doc(*address)?;
        let id = stored(&scope, f.std_id).to_string();
        // Documents of a standard are added in order: scope, clauses, rows.
        let addresses = searcher.search(&*exact_term(f.std_id, &id), &DocSetCollector)?;
        let mut addresses: Vec<DocAddress> = addresses.into_iter().collect();
        addresses.sort();
        // A clause named may be anywhere in the standard; otherwise its first documents do.
        let wanted = match reference.and_then(|r| r.clause.as_ref()) {
            Some(_) => addresses.len(),
            None => CLAUSES_PER_STANDARD + 1,
        };
        let mut documents = Vec::with_capacity(wanted);
        for address in addresses.into_iter().take(wanted) {
            documents.push(searcher.doc::<TantivyDocument>(address)?);
        }
        if let Some(named) = reference.and_then(|r| named_clause(&documents, f, r)) {
            let document = documents.remove(named);
            documents.insert(0, document);
        }
        let mut hit = standard_hit(&scope, f, 1.0, MatchMode::Exact);
        for document in documents.into_iter().take(CLAUSES_PER_STANDARD + 1) {
            let opening = Wanted {
                terms: &[],
                prefer: &[],
            };
            hit.clauses.push(clause_hit(&document, f, 1.0, &opening));
        }
        Ok(Some(vec![hit]))
    }

    /// What a question asks about: the query without its dates, yes-or-no questions and
    /// question numbers, which say how it asks.
    fn subject(&self, query: &str) -> String {
        let subject = without_yes_no(&without_dates(query));
        without_question_numbers(&self.jieba, &subject)
    }

    fn query_words(&self, query: &str) -> Vec<QueryWord> {
        let f = &self.fields;
        let mut seen = Vec::new();
        words(&self.jieba, query, false)
            .into_iter()
            .map(|w| without_particles(&self.jieba, w))
            .filter(|w| !QUESTION_WORDS.contains(&w.text.as_str()))
            .filter(|w| {
                let new = !seen.contains(&w.text);
                seen.push(w.text.clone());
                new
            })
            .map(|word| {
                let mut alternatives: Vec<(Occur, Box<dyn Query>)> = [
                    (f.title, TITLE_BOOST),
                    (f.heading, HEADING_BOOST),
                    (f.keywords, KEYWORD_BOOST),
                    (f.body, BODY_BOOST),
                ]
                .into_iter()
                .map(|(field, boost)| (Occur::Should, boosted(word_term(field, &word.text), boost)))
                .collect();
                if let Some(q) = bigram_query(f, &word.text) {
                    alternatives.push((Occur::Should, boosted(q, BIGRAM_BOOST)));
                }
                // Another way of saying it (synonyms.yaml) counts as the word itself, a
                // little less than the words typed.
                for other in self.synonyms.get(&word.text).into_iter().flatten() {
                    alternatives.extend(
                        [
                            (f.title, TITLE_BOOST),
                            (f.heading, HEADING_BOOST),
                            (f.body, BODY_BOOST),
                        ]
                        .into_iter()
                        .map(|(field, boost)| {
                            let q = boosted(word_term(field, other), boost * SYNONYM_WEIGHT);
                            (Occur::Should, q)
                        }),
                    );
                }
                if fuzzy_allowed(&word.text) {
                    let term = Term::from_field_text(f.body, &word.text);
                    alternatives
                        .push((Occur::Should, Box::new(FuzzyTermQuery::new(term, 1, true))));
                }
                let required = word.text.chars().count() >= 2
                    && (self.jieba.has_word(&word.text) || word.text.is_ascii());
                QueryWord {
                    word,
                    required,
                    query: Box::new(BooleanQuery::new(alternatives)),
                }
            })
            .collect()
    }

    /// The required words as the focus weighs them: each with its synonyms, weighted by
    /// its inverse document frequency in clause bodies.
    fn focus_words(&self, searcher: &Searcher, required: &[&QueryWord]) -> Vec<FocusWord> {
        let documents = searcher.num_docs() as f32;
        required
            .iter()
            .map(|w| {
                let term = Term::from_field_text(self.fields.body, &w.word.text);
                let frequency = searcher.doc_freq(&term).unwrap_or(0) as f32;
                let mut forms = vec![w.word.text.clone()];
                forms.extend(
                    self.synonyms
                        .get(&w.word.text)
                        .into_iter()
                        .flatten()
                        .cloned(),
                );
                FocusWord {
                    forms,
                    weight: (1.0 + (documents - frequency + 0.5) / (frequency + 0.5)).ln(),
                }
            })
            .collect()
    }

    /// Adjacent query words found next to each other in a heading or body rank higher.
    fn phrase_boosts(&self, query_words: &[QueryWord]) -> Vec<Box<dyn Query>> {
        let f = &self.fields;
        let mut boosts = Vec::new();
        for pair in query_words.windows(2) {
            let (a, b) = (&pair[0].word, &pair[1].word);
            let gap = b.position.saturating_sub(a.position);
            if gap == 0 || gap != a.text.chars().count() {
                continue; // not adjacent in the query
            }
            for field in [f.heading, f.body] {
                let phrase = PhraseQuery::new_with_offset(vec![
                    (0, Term::from_field_text(field, &a.text)),
                    (gap, Term::from_field_text(field, &b.text)),
                ]);
                boosts.push(boosted(Box::new(phrase), PHRASE_BOOST));
            }
        }
        boosts
    }
}

/// Documents grouped by standard, in the order the tiers found them. Only the documents
/// shown are read; grouping uses the fast fields.
#[derive(Default)]
struct Groups {
    order: Vec<u64>,
    by_standard: HashMap<u64, Group>,
    seen: HashSet<DocAddress>,
    /// Documents already read for their focus, read again for no hit.
    read: HashMap<DocAddress, TantivyDocument>,
}

/// The fast fields of one segment.
struct DocColumns {
    standard: Column<u64>,
    from: Column<u64>,
    to: Column<u64>,
    role: Column<u64>,
}

/// What weighs a document's score beyond its words' BM25.
struct Ranking<'a> {
    /// The day asked about: the edition in force then answers first.
    day: Option<NaiveDate>,
    /// How much a catalogue row counts against a clause.
    row_weight: f32,
    focus: Vec<FocusWord>,
    fields: &'a Fields,
}

struct Group {
    matched: MatchMode,
    docs: Vec<(DocAddress, f32)>,
}

impl Groups {
    /// Adds a tier's documents; a document already added by an earlier tier keeps its place.
    fn add_tier(
        &mut self,
        searcher: &Searcher,
        found: &[(f32, DocAddress)],
        matched: MatchMode,
        ranking: &Ranking,
    ) -> Result<()> {
        let mut columns = HashMap::new();
        for (rank, (score, address)) in found.iter().enumerate() {
            if !self.seen.insert(*address) {
                continue;
            }
            let columns = match columns.entry(address.segment_ord) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => {
                    let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                    new.insert(DocColumns {
                        standard: fast.u64(STANDARD)?,
                        from: fast.u64(IN_FORCE_FROM)?,
                        to: fast.u64(IN_FORCE_TO)?,
                        role: fast.u64(ROLE)?,
                    })
                }
            };
            let doc = address.doc_id;
            let id = columns.standard.first(doc).unwrap_or_default();
            // The edition in force answers first (on the day asked about, else today); a
            // clause of another edition only after it.
            let from = columns.from.first(doc).unwrap_or(0);
            let to = columns.to.first(doc).unwrap_or(u64::MAX);
            let in_force = match ranking.day {
                Some(day) => (from..=to).contains(&day_number(day)),
                None => to == u64::MAX,
            };
            let mut score = if in_force {
                *score
            } else {
                score * EARLIER_EDITION
            };
            score *= match columns.role.first(doc) {
                Some(ROLE_ROW) => ranking.row_weight,
                Some(ROLE_FOREWORD) => FOREWORD,
                Some(ROLE_OVERVIEW) => OVERVIEW,
                _ => 1.0,
            };
            if rank < FOCUS_DOCS {
                let document: TantivyDocument = searcher.doc(*address)?;
                score *= 1.0 + FOCUS_WEIGHT * document_focus(&document, ranking);
                self.read.insert(*address, document);
            }
            let group = self.by_standard.entry(id).or_insert_with(|| {
                self.order.push(id);
                Group {
                    matched,
                    docs: Vec::new(),
                }
            });
            group.docs.push((*address, score));
        }
        Ok(())
    }

    fn into_hits(
        mut self,
        searcher: &Searcher,
        f: &Fields,
        wanted: &Wanted,
        limit: usize,
    ) -> Result<Vec<StandardHit>> {
        let mut ranked: Vec<(u64, Group)> = self
            .order
            .iter()
            .filter_map(|id| self.by_standard.remove(id).map(|g| (*id, g)))
            .collect();
        // Standards with an all-words document first; then by best clause, with a little
        // credit for further matching clauses.
        let score = |g: &Group| {
            let mut s: Vec<f32> = g.docs.iter().map(|(_, s)| *s).collect();
            s.sort_by(|a, b| b.total_cmp(a));
            s.first().copied().unwrap_or(0.0) + 0.1 * s.iter().skip(1).take(2).sum::<f32>()
        };
        ranked.sort_by(|(ia, a), (ib, b)| {
            a.matched
                .cmp(&b.matched)
                .then(score(b).total_cmp(&score(a)))
                .then(ia.cmp(ib))
        });

        let mut hits = Vec::new();
        for (_, mut group) in ranked.into_iter().take(limit) {
            group.docs.sort_by(|a, b| b.1.total_cmp(&a.1));
            let mut hit: Option<StandardHit> = None;
            for (address, doc_score) in group.docs.iter().take(CLAUSES_PER_STANDARD) {
                let document = match self.read.remove(address) {
                    Some(document) => document,
                    None => searcher.doc(*address)?,
                };
                let hit = hit.get_or_insert_with(|| {
                    standard_hit(&document, f, score(&group), group.matched)
                });
                hit.clauses
                    .push(clause_hit(&document, f, *doc_score, wanted));
            }
            hits.extend(hit);
        }
        Ok(hits)
    }
}

/// The focus of `document` on the ranking's words.
fn document_focus(document: &TantivyDocument, ranking: &Ranking) -> f32 {
    let f = ranking.fields;
    let context = format!(
        "{} {}",
        stored(document, f.title),
        stored(document, f.heading)
    );
    // Catalogue texts are simplified Chinese: only width and case need folding (converting
    // each document would double a warm search's time).
    let (context, body) = (
        width_and_case(&context),
        width_and_case(stored(document, f.body)),
    );
    focus(&context, &body, &ranking.focus)
}

/// A document as shown under its standard, with the snippet `wanted` chooses.
fn clause_hit(document: &TantivyDocument, f: &Fields, score: f32, wanted: &Wanted) -> ClauseHit {
    let shown = snippet(stored(document, f.body), wanted);
    ClauseHit {
        kind: doc_kind(document, f),
        no: stored(document, f.no).to_string(),
        edition: edition_of(document, f),
        title: stored(document, f.heading).to_string(),
        score,
        snippet: mark(
            &shown.fragment,
            &shown.highlighted,
            "<em>",
            "</em>",
            escape_html,
        ),
        fragment: shown.fragment,
        highlighted: shown.highlighted,
    }
}

/// Where among a standard's documents the clause a reference names is: of the edition
/// whose number ends in the reference's year, else of the edition in force, else of any.
fn named_clause(documents: &[TantivyDocument], f: &Fields, reference: &Reference) -> Option<usize> {
    let clause = reference.clause.as_deref()?;
    let candidates: Vec<(usize, &str)> = documents
        .iter()
        .enumerate()
        .filter(|(_, d)| doc_kind(d, f) == DocKind::Clause && stored(d, f.no) == clause)
        .map(|(i, d)| (i, stored(d, f.edition)))
        .collect();
    let of_year = reference.year.as_ref().and_then(|year| {
        candidates
            .iter()
            .find(|(_, edition)| !edition.is_empty() && edition.ends_with(year.as_str()))
    });
    of_year
        .or_else(|| candidates.iter().find(|(_, edition)| edition.is_empty()))
        .or(candidates.first())
        .map(|(i, _)| *i)
}

/// Documents of each tier weighed by their focus (the best first), and how much a
/// document gains whose title, heading and one sentence hold every word between them.
const FOCUS_DOCS: usize = 20;
const FOCUS_WEIGHT: f32 = 1.0;

/// How much a synonym's match counts against the word typed.
const SYNONYM_WEIGHT: f32 = 0.8;

/// How much a catalogue row counts against a clause: for most questions, and for one
/// asking what a disclosure holds.
const ROW: f32 = 0.7;
const ROW_FOR_CONTENT: f32 = 1.5;

/// How much a foreword counts against a clause: it names what an edition changed, the
/// clause states the rule.
const FOREWORD: f32 = 0.3;

/// How much a clause with sub-clauses counts against a clause: the sub-clause states
/// the rule asked about, the overview only names it among others.
const OVERVIEW: f32 = 0.8;

/// How much a clause not in force (on the day asked about, else today) counts against
/// one in force.
const EARLIER_EDITION: f32 = 0.5;

fn edition_of(document: &TantivyDocument, f: &Fields) -> Option<String> {
    Some(stored(document, f.edition))
        .filter(|e| !e.is_empty())
        .map(String::from)
}

fn standard_hit(
    document: &TantivyDocument,
    f: &Fields,
    score: f32,
    matched: MatchMode,
) -> StandardHit {
    StandardHit {
        id: stored(document, f.std_id).to_string(),
        number: stored(document, f.number).to_string(),
        title: stored(document, f.title).to_string(),
        subsystem: stored(document, f.subsystem).to_string(),
        status: stored(document, f.status).to_string(),
        issued: stored(document, f.issued).to_string(),
        effective: stored(document, f.effective).to_string(),
        score,
        matched,
        clauses: Vec::new(),
    }
}

/// `text` with each highlighted range wrapped in `open`/`close`, other text passed
/// through `escape`.
pub fn mark(
    text: &str,
    ranges: &[Range<usize>],
    open: &str,
    close: &str,
    escape: fn(&str) -> String,
) -> String {
    let mut out = String::new();
    let mut at = 0;
    for range in ranges {
        out.push_str(&escape(&text[at..range.start]));
        out.push_str(open);
        out.push_str(&escape(&text[range.clone()]));
        out.push_str(close);
        at = range.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn word_term(field: Field, word: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, word),
        IndexRecordOption::WithFreqs,
    ))
}

fn exact_term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    ))
}

/// All character bigrams of a word of three or more characters (two-character words are
/// their own bigram and already matched as words).
fn bigram_query(f: &Fields, word: &str) -> Option<Box<dyn Query>> {
    let grams = bigrams(word);
    if grams.len() < 2 {
        return None;
    }
    let clauses = grams
        .iter()
        .map(|g| (Occur::Must, exact_term(f.bigrams, g)))
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Fuzzy matching only where a typo is plausible and a near miss is not another word:
/// Latin words of four or more letters and numbers of five or more digits.
fn fuzzy_allowed(word: &str) -> bool {
    let ascii = word.chars().all(|c| c.is_ascii_alphanumeric());
    let letters = word.chars().any(|c| c.is_ascii_alphabetic());
    ascii && ((letters && word.len() >= 4) || (!letters && word.len() >= 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_only_for_latin_words_and_long_numbers() {
        assert!(fuzzy_allowed("xcccdf"));
        assert!(fuzzy_allowed("20181"));
        assert!(!fuzzy_allowed("公示"));
        assert!(!fuzzy_allowed("依申请公开"));
        assert!(!fuzzy_allowed("15"));
        assert!(!fuzzy_allowed("gb"));
    }

    #[test]
    fn marks_ranges_and_escapes_the_rest() {
        let text = "依申请公开的<答复>";
        assert_eq!(
            mark(text, &[0..15, 19..25], "<em>", "</em>", escape_html),
            "<em>依申请公开</em>的&lt;<em>答复</em>&gt;"
        );
    }
}
