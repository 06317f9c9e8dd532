//! Chinese tokenization for the index: jieba word segmentation (search mode) behind a
//! shared dictionary, and a character-bigram analyzer for recall.
//!
//! The jieba dictionary is built once per process and shared through an `Arc`: tantivy
//! clones a field's tokenizer for every segment writer and snippet generator, and cloning a
//! `jieba_rs::Jieba` (as tantivy-jieba's tokenizer does for a custom dictionary) copies the
//! whole dictionary — about 10 ms each time, which alone would break the 2 ms query budget.

use std::sync::Arc;

use jieba_rs::{Jieba, TokenizeMode};

use super::fold::fold;
use tantivy::tokenizer::{LowerCaser, NgramTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Frequency given to dictionary terms so that jieba prefers them over their parts.
const USER_TERM_FREQ: usize = 200_000;

/// Name under which the jieba analyzer is registered with tantivy.
pub const WORDS: &str = "zh_words";
/// Name under which the character-bigram analyzer is registered with tantivy.
pub const BIGRAMS: &str = "zh_bigrams";

/// jieba's default dictionary plus the catalogue's own terms.
pub fn jieba_with_terms(terms: &[String]) -> Arc<Jieba> {
    let mut jieba = Jieba::new();
    for term in terms {
        jieba.add_word(term, Some(USER_TERM_FREQ), None);
    }
    Arc::new(jieba)
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
    let mut words: Vec<Word> = jieba
        .tokenize(text, mode, true)
        .into_iter()
        .filter(|t| t.word.chars().any(char::is_alphanumeric))
        .map(|t| {
            let from = t.word.as_ptr() as usize - text.as_ptr() as usize;
            Word {
                // Folded as queries are, so a traditional or full-width word in the text
                // is indexed in the form searched for.
                text: fold(t.word),
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
