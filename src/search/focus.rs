//! How closely a document answers the whole question: the share of the query's words
//! (weighted by how rare they are) that one of its sentences holds together with its
//! context, the standard's title and the clause heading. BM25 sums each word's matches
//! over the whole document, so a clause that repeats one word of the question outranks
//! the clause whose one sentence states what was asked; the focus puts that sentence's
//! clause first.

use super::snippet::sentences;

/// One word of the query: the forms that count as it (as typed and its synonyms, folded)
/// and its weight (inverse document frequency).
pub(super) struct FocusWord {
    pub forms: Vec<String>,
    pub weight: f32,
}

/// The share, from 0 to 1, of the words' weight that the context and the body's best
/// sentence hold between them.
pub(super) fn focus(context: &str, body: &str, words: &[FocusWord]) -> f32 {
    let total: f32 = words.iter().map(|w| w.weight).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let holds = |text: &str, word: &FocusWord| word.forms.iter().any(|f| text.contains(f));
    let in_context: Vec<bool> = words.iter().map(|w| holds(context, w)).collect();
    let best = sentences(body)
        .into_iter()
        .map(|sentence| {
            let sentence = &body[sentence];
            words
                .iter()
                .zip(&in_context)
                .filter(|(word, in_context)| **in_context || holds(sentence, word))
                .map(|(word, _)| word.weight)
                .sum::<f32>()
        })
        .fold(0.0, f32::max);
    best / total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(forms: &[&str], weight: f32) -> FocusWord {
        FocusWord {
            forms: forms.iter().map(|f| f.to_string()).collect(),
            weight,
        }
    }

    #[test]
    fn the_sentence_holding_every_word_is_full_focus() {
        let words = [word(&["整改期限"], 2.0), word(&["整改报告"], 2.0)];
        let body =
            "一般问题应在10个工作日内整改完成。应在整改期限届满之日起2个工作日内报送整改报告。";
        assert_eq!(focus("整改报告", body, &words), 1.0);
        assert_eq!(focus("", body, &words), 1.0);
    }

    #[test]
    fn words_spread_over_sentences_count_only_as_the_best_one() {
        let words = [word(&["整改期限"], 3.0), word(&["整改报告"], 1.0)];
        let body = "整改期限为10个工作日。整改完成后报送整改报告。";
        assert_eq!(focus("整改", body, &words), 0.75);
    }

    #[test]
    fn a_synonym_counts_as_the_word_and_the_context_as_every_sentence() {
        let words = [word(&["拆迁", "房屋征收"], 1.0), word(&["公示"], 1.0)];
        assert_eq!(focus("房屋征收", "补偿方案应当公示。", &words), 1.0);
        assert_eq!(focus("", "", &words), 0.0);
        assert_eq!(focus("", "无关内容", &[]), 0.0);
    }
}
