//! The Tantivy index over the catalogue: one document per clause, per catalogue row and per
//! standard's scope, cached outside the catalogue and rebuilt when any catalogue file changes.

pub mod fold;
pub mod tokenizer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDate};
use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tantivy::schema::Value;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::catalogue::synonyms::expansions;
use crate::catalogue::{
    content_hash, lookup_keys, Catalogue, CatalogueItem, Clause, InForce, Standard, SynonymGroups,
};
use crate::search::question::query_only_words;
use tokenizer::Entry;

/// Bumped whenever the schema or the documents change shape, so old caches are rebuilt.
const FORMAT: u32 = 9;
const MANIFEST: &str = "zwgk-index.json";
/// Names of the fast fields, which tantivy reads by name.
pub const STANDARD: &str = "standard";
pub const IN_FORCE_FROM: &str = "in_force_from";
pub const IN_FORCE_TO: &str = "in_force_to";
pub const ROLE: &str = "role";

/// What a document is to ranking (the fast field [`ROLE`]): a clause (or scope), a
/// catalogue row, which restates a clause for one disclosure, or a foreword (前言), which
/// says what an edition changed, not what it requires.
pub const ROLE_CLAUSE: u64 = 0;
pub const ROLE_ROW: u64 = 1;
pub const ROLE_FOREWORD: u64 = 2;
/// A clause with sub-clauses (A.08 over A.08.1 …): an overview of what they state.
pub const ROLE_OVERVIEW: u64 = 3;

/// A day as the in-force fields hold it.
pub fn day_number(day: NaiveDate) -> u64 {
    day.num_days_from_ce().max(0) as u64
}

/// What a document of the index stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// The standard's scope and normative references.
    Scope,
    Clause,
    /// A catalogue row (公开事项).
    Row,
}

impl DocKind {
    pub fn name(self) -> &'static str {
        match self {
            DocKind::Scope => "scope",
            DocKind::Clause => "clause",
            DocKind::Row => "row",
        }
    }

    fn parse(name: &str) -> DocKind {
        match name {
            "scope" => DocKind::Scope,
            "row" => DocKind::Row,
            _ => DocKind::Clause,
        }
    }
}

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub std_id: Field,
    pub number: Field,
    pub subsystem: Field,
    pub status: Field,
    pub kind: Field,
    pub no: Field,
    /// The number of the earlier edition a clause is from; empty for the current edition.
    pub edition: Field,
    /// Normalised names a standard is looked up by (see `catalogue::lookup_keys`).
    pub lookup: Field,
    /// The standard's title, on each of its documents.
    pub title: Field,
    /// Clause title, row name (一级 / 二级), or 范围.
    pub heading: Field,
    pub body: Field,
    /// The standard's keywords, on each of its documents.
    pub keywords: Field,
    /// Character bigrams of title, heading, body and keywords, for recall.
    pub bigrams: Field,
    /// The standard's place in the catalogue (fast), to group hits without reading them.
    pub standard: Field,
    /// When the document's text was in force (fast, days from the Common Era; 0 and
    /// `u64::MAX` for open ends): a clause of an earlier edition ends before today.
    pub in_force_from: Field,
    pub in_force_to: Field,
    /// One of the `ROLE_*` values (fast).
    pub role: Field,
    /// The standard's dates (YYYY-MM-DD), on each of its documents.
    pub issued: Field,
    pub effective: Field,
    /// The areas (领域) of the standard's catalogue rows, on each of its documents.
    pub area: Field,
}

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let words = |stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(tokenizer::WORDS)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            if stored {
                options.set_stored()
            } else {
                options
            }
        };
        let bigram_indexing = TextFieldIndexing::default()
            .set_tokenizer(tokenizer::BIGRAMS)
            .set_index_option(IndexRecordOption::WithFreqs);
        let fields = Fields {
            std_id: b.add_text_field("std_id", STRING | STORED),
            number: b.add_text_field("number", STORED),
            subsystem: b.add_text_field("subsystem", STRING | STORED),
            status: b.add_text_field("status", STRING | STORED),
            kind: b.add_text_field("kind", STRING | STORED),
            no: b.add_text_field("no", STORED),
            edition: b.add_text_field("edition", STORED),
            lookup: b.add_text_field("lookup", STRING),
            title: b.add_text_field("title", words(true)),
            heading: b.add_text_field("heading", words(true)),
            body: b.add_text_field("body", words(true)),
            keywords: b.add_text_field("keywords", words(false)),
            bigrams: b.add_text_field(
                "bigrams",
                TextOptions::default().set_indexing_options(bigram_indexing),
            ),
            standard: b.add_u64_field(STANDARD, FAST),
            in_force_from: b.add_u64_field(IN_FORCE_FROM, FAST),
            in_force_to: b.add_u64_field(IN_FORCE_TO, FAST),
            role: b.add_u64_field(ROLE, FAST),
            issued: b.add_text_field("issued", STORED),
            effective: b.add_text_field("effective", STORED),
            area: b.add_text_field("area", STRING),
        };
        (b.build(), fields)
    }
}

/// Written beside the index: which catalogue content it was built from.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u32,
    content_hash: String,
    /// The catalogue's tokenizer terms (with every synonym), so a search needs no YAML
    /// parsing.
    dictionary: Vec<String>,
    /// synonyms.yaml's groups, folded.
    #[serde(default)]
    synonyms: SynonymGroups,
    /// The words searches are cut into: the index's words and the question words, with
    /// jieba's frequencies (see `tokenizer::search_dictionary`).
    #[serde(default)]
    search_dictionary: Vec<Entry>,
    standards: usize,
    documents: u64,
}

/// An open index with its tokenizer.
pub struct CatalogueIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub jieba: Arc<Jieba>,
    /// Each synonym with the other terms of its group.
    pub synonyms: HashMap<String, Vec<String>>,
    pub dir: PathBuf,
    pub documents: u64,
}

/// How [`CatalogueIndex::open`] got its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    Reused,
    /// Built because the catalogue changed or there was none.
    Rebuilt,
    /// Built again because the cached one was damaged (emptied, cut, replaced).
    Repaired,
    /// Built in memory: the cache folder cannot be written.
    InMemory,
}

impl CatalogueIndex {
    /// Opens the cached index of `standards_dir`, building it first when missing, when
    /// any catalogue file changed since it was built, or when the cache is damaged; when
    /// the cache cannot be written, the index is built in memory for this run.
    pub fn open(standards_dir: &Path, cache_dir: &Path) -> Result<(CatalogueIndex, Freshness)> {
        let content_hash = content_hash(standards_dir)?;
        let dir = index_dir(standards_dir, cache_dir)?;
        let manifest = read_manifest(&dir);
        let current = manifest
            .as_ref()
            .filter(|m| m.format == FORMAT && m.content_hash == content_hash);
        if let Some(manifest) = current {
            if let Ok(index) = CatalogueIndex::open_dir(&dir, manifest) {
                return Ok((index, Freshness::Reused));
            }
        }
        // Something is there but no current index opens from it.
        let damaged = current.is_some() || (manifest.is_none() && dir.exists());
        let catalogue = load_catalogue(standards_dir)?;
        match CatalogueIndex::build(&catalogue, cache_dir) {
            Ok(index) if damaged => Ok((index, Freshness::Repaired)),
            Ok(index) => Ok((index, Freshness::Rebuilt)),
            Err(Error::Io { .. }) => {
                Ok((CatalogueIndex::in_memory(&catalogue)?, Freshness::InMemory))
            }
            Err(err) => Err(err),
        }
    }

    /// Builds the index of a loaded catalogue into its cache folder, replacing any older one.
    pub fn build(catalogue: &Catalogue, cache_dir: &Path) -> Result<CatalogueIndex> {
        let dir = index_dir(&catalogue.dir, cache_dir)?;
        // Build beside the final folder and swap it in, so an interrupted build never
        // leaves a half-written index where a search would open it.
        let staging = dir.with_extension(format!("building-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io("删除", &staging, e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| Error::io("创建索引文件夹", &staging, e))?;
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_dir(&staging, schema)
            .map_err(|e| Error::internal(format!("在 {} 建立索引", staging.display()), e))?;
        let manifest = fill(&index, &fields, catalogue)?;
        let manifest_path = staging.join(MANIFEST);
        std::fs::write(&manifest_path, serde_json::to_vec_pretty(&manifest)?)
            .map_err(|e| Error::io("写入", &manifest_path, e))?;
        drop(index);

        // A file in the folder's place is replaced too.
        let removed = if dir.is_dir() {
            std::fs::remove_dir_all(&dir)
        } else if dir.symlink_metadata().is_ok() {
            std::fs::remove_file(&dir)
        } else {
            Ok(())
        };
        removed.map_err(|e| Error::io("删除旧索引", &dir, e))?;
        std::fs::rename(&staging, &dir).map_err(|e| Error::io("移入新索引", &dir, e))?;
        CatalogueIndex::open_dir(&dir, &manifest)
    }

    /// The index of a loaded catalogue, in memory only.
    pub fn in_memory(catalogue: &Catalogue) -> Result<CatalogueIndex> {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        let manifest = fill(&index, &fields, catalogue)?;
        CatalogueIndex::with_reader(index, fields, PathBuf::new(), &manifest)
    }

    /// Opens the index in `dir`, refusing one whose files fail their checksums or that
    /// does not hold the documents its manifest says.
    fn open_dir(dir: &Path, manifest: &Manifest) -> Result<CatalogueIndex> {
        let opening =
            |e: tantivy::TantivyError| Error::internal(format!("打开索引 {}", dir.display()), e);
        let index = Index::open_in_dir(dir).map_err(opening)?;
        if has_cut_segment_file(dir) || !index.validate_checksum().map_err(opening)?.is_empty() {
            return Err(Error::internal(
                "打开索引",
                format!("{} 已损坏", dir.display()),
            ));
        }
        // An index of another shape (written by another version under the same format
        // number) would fail only at the first search.
        let (schema, fields) = Fields::schema();
        if index.schema() != schema {
            return Err(Error::internal(
                "打开索引",
                format!("{} 的结构与本版本不同", dir.display()),
            ));
        }
        let opened = CatalogueIndex::with_reader(index, fields, dir.to_path_buf(), manifest)?;
        if opened.reader.searcher().num_docs() != manifest.documents {
            return Err(Error::internal(
                "打开索引",
                format!("{} 不完整", dir.display()),
            ));
        }
        Ok(opened)
    }

    /// The index ready for searching, its words cut with the search dictionary.
    fn with_reader(
        index: Index,
        fields: Fields,
        dir: PathBuf,
        manifest: &Manifest,
    ) -> Result<CatalogueIndex> {
        let jieba = tokenizer::jieba_from(&manifest.search_dictionary);
        register_tokenizers(&index, &jieba);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(CatalogueIndex {
            index,
            reader,
            fields,
            jieba,
            synonyms: expansions(&manifest.synonyms),
            dir,
            documents: manifest.documents,
        })
    }
}

/// Whether a segment file (`<32 hex digits>.<part>`) is shorter than the 8-byte trailer
/// every one ends with: tantivy's checksum check reads the trailer without looking and
/// panics on such a file.
fn has_cut_segment_file(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return true;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let segment = name.len() > 33
            && name.as_bytes()[32] == b'.'
            && name[..32].bytes().all(|b| b.is_ascii_hexdigit());
        segment && entry.metadata().is_ok_and(|m| m.len() < 8)
    })
}

/// Writes every document of `catalogue` into `index`; returns the manifest describing
/// what was written.
fn fill(index: &Index, fields: &Fields, catalogue: &Catalogue) -> Result<Manifest> {
    // Synonyms are matched folded, as queries are, and are dictionary terms too, so that
    // a multi-word one (房屋征收) is indexed whole.
    let synonyms: SynonymGroups = catalogue
        .search_synonyms
        .iter()
        .map(|group| group.iter().map(|t| fold::fold(t)).collect())
        .collect();
    let mut dictionary = catalogue.meta.dictionary.clone();
    dictionary.extend(synonyms.iter().flatten().cloned());
    dictionary.sort();
    dictionary.dedup();
    let jieba = tokenizer::jieba_with_terms(&dictionary);
    register_tokenizers(index, &jieba);
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 30_000_000)?;
    let mut documents = 0u64;
    let mut needed = Vec::new();
    let mut texts = Vec::new();
    for (ordinal, standard) in catalogue.standards.iter().enumerate() {
        for document in documents_of(standard, ordinal as u64, fields) {
            for field in [fields.title, fields.heading, fields.body, fields.keywords] {
                for text in document.get_all(field).filter_map(|v| v.as_str()) {
                    needed.extend(tokenizer::dictionary_words(&jieba, text));
                    texts.push(text.to_string());
                }
            }
            writer.add_document(document)?;
            documents += 1;
        }
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    let mut search_words: Vec<&str> = query_only_words().collect();
    search_words.extend(needed.iter().chain(&dictionary).map(String::as_str));
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let search_dictionary = tokenizer::search_dictionary(&jieba, &search_words, &texts);
    Ok(Manifest {
        format: FORMAT,
        content_hash: catalogue.sha256.clone(),
        search_dictionary,
        dictionary,
        synonyms,
        standards: catalogue.standards.len(),
        documents,
    })
}

fn load_catalogue(dir: &Path) -> Result<Catalogue> {
    match Catalogue::load(dir) {
        Ok(catalogue) => Ok(catalogue),
        Err(problems) => crate::error::bail_invalid!(
            "{} 中的标准目录有 {} 个问题，请先改正再检索：\n{problems}",
            dir.display(),
            problems.len()
        ),
    }
}

fn register_tokenizers(index: &Index, jieba: &Arc<Jieba>) {
    let manager = index.tokenizers();
    manager.register(tokenizer::WORDS, tokenizer::word_analyzer(jieba.clone()));
    manager.register(tokenizer::BIGRAMS, tokenizer::bigram_analyzer());
}

fn documents_of(standard: &Standard, ordinal: u64, f: &Fields) -> Vec<TantivyDocument> {
    let keywords = standard.keywords.join(" ");
    let mut areas: Vec<&str> = standard
        .items
        .iter()
        .filter_map(|i| i.area.as_deref())
        .collect();
    areas.sort();
    areas.dedup();
    let base =
        |kind: DocKind, no: &str, heading: &str, body: &str, edition: &str, window: InForce| {
            let mut document = doc!(
                f.std_id => standard.id.as_str(),
                f.number => standard.number.as_str(),
                f.subsystem => standard.subsystem.as_str(),
                f.status => standard.status.label(),
                f.kind => kind.name(),
                f.no => no,
                f.edition => edition,
                f.title => standard.title.as_str(),
                f.heading => heading,
                f.body => body,
                f.keywords => keywords.as_str(),
                f.bigrams => format!("{}\n{heading}\n{body}\n{keywords}", standard.title),
                f.standard => ordinal,
                f.in_force_from => window.from.map_or(0, day_number),
                f.in_force_to => window.to.map_or(u64::MAX, day_number),
                f.role => role(standard, kind, no, heading),
                f.issued => standard.issued.to_string(),
                f.effective => standard.effective.to_string(),
            );
            for area in &areas {
                document.add_text(f.area, area);
            }
            if kind == DocKind::Scope {
                for key in lookup_keys(standard) {
                    document.add_text(f.lookup, key);
                }
            }
            document
        };

    let mut scope = standard.scope.clone();
    if !standard.references.is_empty() {
        scope.push_str(&format!(
            "\n规范性引用文件：{}",
            standard.references.join("；")
        ));
    }
    let always = InForce::default();
    let mut documents = vec![base(DocKind::Scope, "1", "范围", &scope, "", always)];
    for clause in &standard.clauses {
        documents.push(base(
            DocKind::Clause,
            &clause.no,
            &clause.title,
            &clause.text,
            "",
            current_clause_window(standard, clause),
        ));
    }
    for item in &standard.items {
        documents.push(base(
            DocKind::Row,
            &item.code,
            &item.name(),
            &row_text(item),
            "",
            always,
        ));
    }
    // Earlier editions last, so the documents of the current one keep their order; only
    // clauses the current edition words differently, the others would repeat its answers.
    for (e, edition) in standard.editions.iter().enumerate() {
        let changed = edition
            .clauses
            .iter()
            .filter(|c| standard.clause(&c.no).is_none_or(|now| now.text != c.text));
        for clause in changed {
            documents.push(base(
                DocKind::Clause,
                &clause.no,
                &clause.title,
                &clause.text,
                &edition.number,
                standard.edition_window(e),
            ));
        }
    }
    documents
}

/// The document's `ROLE_*`: clause `no` of `standard` is an overview when another of its
/// clauses is numbered below it (A.08.1 below A.08).
fn role(standard: &Standard, kind: DocKind, no: &str, heading: &str) -> u64 {
    let below = |c: &Clause| {
        c.no.strip_prefix(no)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    match kind {
        DocKind::Row => ROLE_ROW,
        DocKind::Scope => ROLE_CLAUSE,
        _ if heading == "前言" => ROLE_FOREWORD,
        _ if standard.clauses.iter().any(below) => ROLE_OVERVIEW,
        _ => ROLE_CLAUSE,
    }
}

/// Since when a clause of the current edition has read as it does: from the first of the
/// editions before that word it the same.
fn current_clause_window(standard: &Standard, clause: &Clause) -> InForce {
    let mut first = standard.editions.len();
    while first > 0
        && standard.editions[first - 1]
            .clause(&clause.no)
            .is_some_and(|c| c.text == clause.text)
    {
        first -= 1;
    }
    InForce {
        from: standard.edition_window(first).from,
        to: None,
    }
}

/// A catalogue row as one line of text, in the order of a printed catalogue.
pub fn row_text(item: &CatalogueItem) -> String {
    let join = |v: &[String]| v.join("、");
    let labels = |v: Vec<&str>| v.join("、");
    format!(
        "公开内容：{}；公开依据：{}；公开时限：{}；公开主体：{}；公开渠道和载体：{}；公开对象：{}；公开方式：{}；公开层级：{}",
        join(&item.elements),
        join(&item.basis),
        item.time_limit.raw,
        item.subject,
        join(&item.channels),
        labels(item.audience.iter().map(|a| a.label()).collect()),
        labels(item.mode.iter().map(|m| m.label()).collect()),
        labels(item.level.iter().map(|l| l.label()).collect()),
    )
}

/// Each standards folder gets its own index folder under the cache, named by its path.
fn index_dir(standards_dir: &Path, cache_dir: &Path) -> Result<PathBuf> {
    let canonical = standards_dir
        .canonicalize()
        .map_err(|e| Error::io("查找标准文件夹", standards_dir, e))?;
    let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
    let name = format!("index-{:x}", digest);
    Ok(cache_dir.join(&name[..22]))
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The folder caches go in: `ZWGK_CACHE_DIR`-style override first, then the user's cache
/// folder, then the system temporary folder.
pub fn default_cache_dir() -> PathBuf {
    dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("zwgk")
}

/// Reads a stored text field of a document.
pub fn stored(document: &TantivyDocument, field: Field) -> &str {
    use tantivy::schema::Value;
    document
        .get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

pub(crate) fn doc_kind(document: &TantivyDocument, fields: &Fields) -> DocKind {
    DocKind::parse(stored(document, fields.kind))
}
