//! Chinese tokenization for the index: jieba word segmentation (search mode) behind a
//! shared dictionary, and a character-bigram analyzer for recall.
//!
//! The jieba dictionary is built once per process and shared through an `Arc`: tantivy
//! clones a field's tokenizer for every segment writer and snippet generator, and cloning a
//! `jieba_rs::Jieba` (as tantivy-jieba's tokenizer does for a custom dictionary) copies the
//! whole dictionary — about 10 ms each time, which alone would break the 2 ms query budget.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jieba_rs::{Jieba, TokenizeMode};

use super::fold::{fold, has_traditional, width_and_case};
use tantivy::tokenizer::{LowerCaser, NgramTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Frequency given to dictionary terms so that jieba prefers them over their parts.
const USER_TERM_FREQ: usize = 200_000;

/// Name under which the jieba analyzer is registered with tantivy.
pub const WORDS: &str = "zh_words";
/// Name under which the character-bigram analyzer is registered with tantivy.
pub const BIGRAMS: &str = "zh_bigrams";

/// jieba's default dictionary plus the catalogue's own terms and synonyms it does not
/// know. A word it knows keeps its frequency: 群众 (a synonym of 老百姓) given a term's
/// would cut 群众利益 in two.
pub fn jieba_with_terms(terms: &[String]) -> Arc<Jieba> {
    let mut jieba = Jieba::new();
    for term in terms {
        if !jieba.has_word(term) {
            jieba.add_word(term, Some(USER_TERM_FREQ), None);
        }
    }
    Arc::new(jieba)
}

/// A dictionary word with its jieba frequency.
pub type Entry = (String, usize);

/// Stands for every word of the full dictionary a search dictionary leaves out; a
/// noncharacter, so no text ever contains it.
const REST_OF_DICTIONARY: &str = "\u{FDD0}";

/// What a search needs of `jieba`'s dictionary: `words` with the frequencies it gives
/// them, and one entry holding the frequency of all its other words, so that each word
/// keeps its probability and a text is cut as the whole dictionary cuts it. Loading
/// jieba's 350,000 words is most of a cold search; the index holds a few thousand.
///
/// jieba shows a frequency only to within one (see [`frequency`]), which decides a near
/// tie; so each of `texts` is cut with both, and a word only the whole dictionary cut is
/// given its other candidate frequency until the two agree.
pub fn search_dictionary(jieba: &Jieba, words: &[&str], texts: &[&str]) -> Vec<Entry> {
    let mut frequencies: BTreeMap<&str, usize> = words
        .iter()
        .filter(|w| jieba.has_word(w))
        .map(|w| (*w, frequency(jieba, w)))
        .collect();
    let kept: usize = frequencies.values().sum();
    let rest = total_frequency(jieba).saturating_sub(kept).max(1);
    let entries = |frequencies: &BTreeMap<&str, usize>| -> Vec<Entry> {
        let mut entries: Vec<Entry> = frequencies
            .iter()
            .map(|(w, f)| (w.to_string(), *f))
            .collect();
        entries.push((REST_OF_DICTIONARY.to_string(), rest));
        entries
    };
    let cut = |jieba: &Jieba, text: &str| -> Vec<String> {
        jieba
            .tokenize(text, TokenizeMode::Search, true)
            .iter()
            .map(|t| t.word.to_string())
            .collect()
    };
    let mut raised: BTreeSet<String> = BTreeSet::new();
    loop {
        let search = jieba_from(&entries(&frequencies));
        let mut missed = Vec::new();
        for text in texts {
            let (whole, searched) = (cut(jieba, text), cut(&search, text));
            if whole != searched {
                missed.extend(whole.into_iter().filter(|w| !searched.contains(w)));
            }
        }
        missed.retain(|w| frequencies.contains_key(w.as_str()) && !raised.contains(w));
        if missed.is_empty() {
            return entries(&frequencies);
        }
        for word in missed {
            if let Some(f) = frequencies.get_mut(word.as_str()) {
                *f += 1;
            }
            raised.insert(word);
        }
    }
}

/// A jieba holding just `entries` (see [`search_dictionary`]).
pub fn jieba_from(entries: &[Entry]) -> Arc<Jieba> {
    let mut jieba = Jieba::empty();
    for (word, freq) in entries {
        jieba.add_word(word, Some(*freq), None);
    }
    Arc::new(jieba)
}

/// The words of `text` a search dictionary needs to cut it as `jieba` does, as written
/// (not folded): the words of jieba's best route through it (the single characters it
/// hands its HMM included, their frequencies choose the route), the words it is finally
/// cut into, and the dictionary words the route leaves as single characters (不待 in
/// 不待公民申请), since jieba hands such a run to its HMM only when it is not a word.
pub fn dictionary_words(jieba: &Jieba, text: &str) -> Vec<String> {
    let route: Vec<&str> = jieba.cut(text, false).iter().map(|t| t.word).collect();
    let mut found: Vec<String> = jieba
        .tokenize(text, TokenizeMode::Search, true)
        .iter()
        .map(|t| t.word)
        .chain(route.iter().copied())
        .map(String::from)
        .collect();
    let mut run = String::new();
    for word in route.iter().chain([&""]) {
        // jieba cuts blocks of characters separately (words, letters, digits and
        // +#&._%-); punctuation and spaces end a block, and with it a run.
        let mut chars = word.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_alphanumeric() || "+#&._%-".contains(c) => run.push(c),
            _ => {
                if run.chars().count() > 1 && jieba.has_word(&run) {
                    found.push(run.clone());
                }
                run.clear();
            }
        }
    }
    found
}

/// jieba's frequency of a dictionary word, or one less. jieba shows it only through the
/// frequency it suggests, which for a word it cuts whole is the word's own plus one, or
/// plus nothing when floating point rounds `exp(ln f)` below `f`. A word its own parts
/// outweigh is never cut whole anywhere (its parts win in every context), so its
/// frequency changes no cut; it only has to stay in the dictionary for the sub-words of
/// search mode.
fn frequency(jieba: &Jieba, word: &str) -> usize {
    let cut = jieba.cut(word, false);
    if cut.len() == 1 {
        jieba.suggest_freq(word).saturating_sub(1).max(1)
    } else {
        1
    }
}

/// jieba's total frequency, also private: it shows in the frequency suggested for a
/// string it cuts into two frequent characters, ⌊f(a)·f(b)/total⌋ + 1. With 的 (over
/// 300,000) the estimate is within 0.05 %.
fn total_frequency(jieba: &Jieba) -> usize {
    let de = frequency(jieba, "的") as f64;
    let suggested = jieba.suggest_freq("的的") as f64;
    (de * de / (suggested - 0.5)) as usize
}

/// A word as cut from a text: its text (lower case), byte range and character position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub from: usize,
    pub to: usize,
    /// Position in characters from the start of the text; overlapping sub-words of a long
    /// word (search mode) share the character space, so phrase offsets are character gaps.
    pub position: usize,
}

/// Cuts `text` into words, dropping white space and punctuation. `search` adds the
/// dictionary sub-words of long words (依申请公开 → 申请, 公开), as indexed.
pub fn words(jieba: &Jieba, text: &str, search: bool) -> Vec<Word> {
    let mode = if search {
        TokenizeMode::Search
    } else {
        TokenizeMode::Default
    };
    let traditional = has_traditional(text);
    let mut words: Vec<Word> = jieba
        .tokenize(text, mode, true)
        .into_iter()
        .filter(|t| t.word.chars().any(char::is_alphanumeric))
        .map(|t| {
            let from = t.word.as_ptr() as usize - text.as_ptr() as usize;
            Word {
                // Folded as queries are, so a traditional or full-width word in the text
                // is indexed in the form searched for.
                text: if traditional {
                    fold(t.word)
                } else {
                    width_and_case(t.word)
                },
                from,
                to: from + t.word.len(),
                position: t.start,
            }
        })
        .collect();
    // tantivy needs each term's positions in increasing order; search mode emits a long
    // word after its sub-words.
    words.sort_by_key(|w| (w.position, w.to));
    words
}

/// tantivy tokenizer over a shared jieba instance.
#[derive(Clone)]
pub struct WordTokenizer {
    jieba: Arc<Jieba>,
}

impl WordTokenizer {
    pub fn new(jieba: Arc<Jieba>) -> WordTokenizer {
        WordTokenizer { jieba }
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let tokens = words(&self.jieba, text, true)
            .into_iter()
            .map(|w| Token {
                offset_from: w.from,
                offset_to: w.to,
                position: w.position,
                position_length: w.text.chars().count(),
                text: w.text,
            })
            .collect();
        WordStream {
            tokens,
            next: 0,
            current: Token::default(),
        }
    }
}

pub struct WordStream {
    tokens: Vec<Token>,
    next: usize,
    current: Token,
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        match self.tokens.get_mut(self.next) {
            Some(token) => {
                self.current = std::mem::take(token);
                self.next += 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

pub fn word_analyzer(jieba: Arc<Jieba>) -> TextAnalyzer {
    TextAnalyzer::from(WordTokenizer::new(jieba))
}

pub fn bigram_analyzer() -> TextAnalyzer {
    let bigrams = NgramTokenizer::new(2, 2, false).expect("2..=2 is a valid n-gram range");
    TextAnalyzer::builder(bigrams).filter(LowerCaser).build()
}

/// The character bigrams of a word, as the bigram analyzer indexes them.
pub fn bigrams(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    chars
        .windows(2)
        .map(|pair| pair.iter().collect::<String>().to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synonym_jieba_knows_does_not_cut_the_words_around_it() {
        let cut = |jieba: &Jieba| -> Vec<String> {
            words(jieba, "与人民群众利益密切相关的公共企事业单位", false)
                .into_iter()
                .map(|w| w.text)
                .collect()
        };
        let plain = cut(&Jieba::new());
        assert!(plain.contains(&"群众利益".to_string()), "{plain:?}");
        assert_eq!(cut(&jieba_with_terms(&["群众".to_string()])), plain);
    }

    #[test]
    fn user_terms_stay_whole_and_sub_words_are_added() {
        let jieba = jieba_with_terms(&["预决算".to_string()]);
        let cut: Vec<String> = words(&jieba, "部门预决算公开", false)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert!(cut.contains(&"预决算".to_string()), "{cut:?}");
        let search: Vec<(String, usize)> = words(&jieba, "依申请公开。", true)
            .into_iter()
            .map(|w| (w.text, w.position))
            .collect();
        assert!(search.contains(&("申请".to_string(), 1)), "{search:?}");
        assert!(
            search.iter().all(|(w, _)| w != "。"),
            "punctuation dropped: {search:?}"
        );
        let positions: Vec<usize> = search.iter().map(|(_, p)| *p).collect();
        assert!(positions.windows(2).all(|p| p[0] <= p[1]), "{positions:?}");
    }

    #[test]
    fn a_search_dictionary_cuts_its_words_as_the_whole_dictionary_does() {
        let full = jieba_with_terms(&["预决算".to_string()]);
        let text = "部门预决算应在批复后20日内公开，依申请公开的答复期限为20个工作日。";
        let cut = |jieba: &Jieba| -> Vec<(String, usize)> {
            words(jieba, text, true)
                .into_iter()
                .map(|w| (w.text, w.position))
                .collect()
        };
        let expected = cut(&full);
        let needed = dictionary_words(&full, text);
        let vocabulary: Vec<&str> = needed.iter().map(String::as_str).collect();
        let entries = search_dictionary(&full, &vocabulary, &[text]);
        assert!(entries.len() < 40, "{} entries", entries.len());
        assert_eq!(cut(&jieba_from(&entries)), expected);
    }

    #[test]
    fn jiebas_total_frequency_is_recovered() {
        // The default dictionary's frequencies add up to 60,101,964.
        let total = total_frequency(&Jieba::new()) as f64;
        assert!((total / 60_101_964.0 - 1.0).abs() < 5e-4, "{total}");
    }

    #[test]
    fn byte_offsets_point_at_the_word() {
        let jieba = jieba_with_terms(&[]);
        let text = "GB/T 2828.1 抽样";
        for w in words(&jieba, text, true) {
            assert_eq!(text[w.from..w.to].to_lowercase(), w.text);
        }
    }

    #[test]
    fn bigrams_of_a_word() {
        assert_eq!(bigrams("公示期"), vec!["公示", "示期"]);
        assert!(bigrams("公").is_empty());
    }
}
