//! The passage shown under a hit: the sentence that best answers the query, with its
//! neighbours while they fit, "…" where the text is cut, and the query's words (and their
//! synonyms) marked, never single characters.

use std::ops::Range;

/// Characters shown at most (about two lines of a terminal, one of a wide browser).
pub const SNIPPET_CHARS: usize = 120;

/// Where a sentence ends.
const SENTENCE_ENDS: &[char] = &['。', '；', '！', '？', '\n'];
/// Where a sentence too long to show whole may be cut.
const PHRASE_ENDS: &[char] = &['，', '、', '：'];

/// What a snippet looks for.
pub struct Wanted<'a> {
    /// The query's words and their synonyms, folded; words of one character are ignored.
    pub terms: &'a [String],
    /// Words that make a sentence the better answer (期限, 工作日 … for "how long"); they
    /// choose the sentence but are not marked.
    pub prefer: &'a [&'a str],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub fragment: String,
    /// Byte ranges of `fragment` to mark, in order, not overlapping.
    pub highlighted: Vec<Range<usize>>,
}

/// The snippet of `text` for `wanted`; the text's opening when nothing in it matches.
pub fn snippet(text: &str, wanted: &Wanted) -> Snippet {
    let matches = find_terms(text, wanted.terms);
    let sentences = sentences(text);
    let best = sentences
        .iter()
        .enumerate()
        .max_by(|(ia, a), (ib, b)| {
            let (sa, sb) = (
                sentence_score(text, a, &matches, wanted),
                sentence_score(text, b, &matches, wanted),
            );
            sa.total_cmp(&sb).then(ib.cmp(ia))
        })
        .map(|(i, _)| i)
        .unwrap_or(0);
    let window = window(text, &sentences, best, &matches);
    let mut fragment = String::new();
    let mut shift = 0isize;
    if window.start > 0 {
        fragment.push('…');
        shift = '…'.len_utf8() as isize;
    }
    fragment.push_str(&text[window.clone()]);
    if window.end < text.len() {
        fragment.push('…');
    }
    let highlighted = matches
        .iter()
        .filter(|m| m.start >= window.start && m.end <= window.end)
        .map(|m| {
            let at = |byte: usize| (byte as isize - window.start as isize + shift) as usize;
            at(m.start)..at(m.end)
        })
        .collect();
    Snippet {
        fragment,
        highlighted,
    }
}

/// Every place a term of two or more characters occurs, overlapping ones merged.
fn find_terms(text: &str, terms: &[String]) -> Vec<Range<usize>> {
    // Lower case keeps every byte offset for ASCII, which is all that differs in case.
    let lowered = text.to_ascii_lowercase();
    let mut found: Vec<Range<usize>> = terms
        .iter()
        .filter(|t| t.chars().count() >= 2)
        .flat_map(|t| {
            lowered
                .match_indices(t.as_str())
                .map(|(at, m)| at..at + m.len())
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in found {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// The sentences of `text` as byte ranges, each with its closing mark.
pub(super) fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if SENTENCE_ENDS.contains(&c) {
            let end = at + c.len_utf8();
            sentences.push(start..end);
            start = end;
        }
    }
    if start < text.len() {
        sentences.push(start..text.len());
    }
    if sentences.is_empty() {
        sentences.push(0..0);
    }
    sentences
}

/// How well a sentence answers: the length of the distinct terms it holds (a long term
/// says more than a short one), and one more if it holds a preferred word.
fn sentence_score(
    text: &str,
    sentence: &Range<usize>,
    matches: &[Range<usize>],
    wanted: &Wanted,
) -> f32 {
    let body = &text[sentence.clone()];
    let mut held: Vec<&str> = matches
        .iter()
        .filter(|m| m.start >= sentence.start && m.end <= sentence.end)
        .map(|m| &text[m.clone()])
        .collect();
    held.sort();
    held.dedup();
    let terms: usize = held.iter().map(|t| t.chars().count()).sum();
    let preferred = wanted.prefer.iter().any(|w| body.contains(w));
    terms as f32 + if preferred { 2.0 } else { 0.0 }
}

/// The bytes shown: the best sentence, then its neighbours (the next first) while the
/// whole stays within [`SNIPPET_CHARS`]; a sentence longer than that is cut at a comma
/// around its first match.
fn window(
    text: &str,
    sentences: &[Range<usize>],
    best: usize,
    matches: &[Range<usize>],
) -> Range<usize> {
    let chars = |r: &Range<usize>| text[r.clone()].chars().count();
    let mut window = sentences[best].clone();
    if chars(&window) > SNIPPET_CHARS {
        return cut_long(text, window, matches);
    }
    let (mut before, mut after) = (best, best + 1);
    loop {
        let mut grew = false;
        if after < sentences.len() && chars(&(window.start..sentences[after].end)) <= SNIPPET_CHARS
        {
            window.end = sentences[after].end;
            after += 1;
            grew = true;
        }
        if before > 0 && chars(&(sentences[before - 1].start..window.end)) <= SNIPPET_CHARS {
            before -= 1;
            window.start = sentences[before].start;
            grew = true;
        }
        if !grew {
            return window;
        }
    }
}

/// [`SNIPPET_CHARS`] of a long sentence, starting after the last comma at least a few
/// characters before its first match (or at the sentence's start).
fn cut_long(text: &str, sentence: Range<usize>, matches: &[Range<usize>]) -> Range<usize> {
    let first = matches
        .iter()
        .find(|m| m.start >= sentence.start && m.end <= sentence.end)
        .map_or(sentence.start, |m| m.start);
    let lead = &text[sentence.start..first];
    let start = lead
        .char_indices()
        .filter(|(_, c)| PHRASE_ENDS.contains(c))
        .map(|(at, c)| sentence.start + at + c.len_utf8())
        .find(|&at| text[at..first].chars().count() <= SNIPPET_CHARS / 3)
        .unwrap_or_else(|| {
            // No comma near: start a third of the window before the match.
            let back = lead.chars().count().saturating_sub(SNIPPET_CHARS / 4);
            sentence.start + lead.char_indices().nth(back).map_or(0, |(at, _)| at)
        });
    let end = text[start..sentence.end]
        .char_indices()
        .nth(SNIPPET_CHARS)
        .map_or(sentence.end, |(at, _)| start + at);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn marked(s: &Snippet) -> String {
        crate::search::mark(&s.fragment, &s.highlighted, "[", "]", |t| t.to_string())
    }

    const LIMITS: &str = "行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复。\
        不能当场答复的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，\
        应当经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。\
        申请人对答复不服的，可以依法申请行政复议或者提起行政诉讼。本条自2019年5月15日起施行，\
        此前收到的申请按原规定的15个工作日办理。";

    #[test]
    fn the_window_is_whole_sentences_around_the_best_match_with_ellipses() {
        let wanted = Wanted {
            terms: &terms(&["延长", "答复"]),
            prefer: &[],
        };
        let s = snippet(LIMITS, &wanted);
        assert!(s.fragment.starts_with('…'), "{}", s.fragment);
        assert!(s.fragment.contains("不能当场答复的"), "{}", s.fragment);
        assert!(s.fragment.chars().count() <= SNIPPET_CHARS + 2);
        let inner = s.fragment.trim_start_matches('…').trim_end_matches('…');
        assert!(LIMITS.contains(inner));
        assert!(inner.ends_with('。'), "ends at a sentence: {inner}");
    }

    #[test]
    fn a_how_long_question_shows_the_sentence_stating_the_limit() {
        let wanted = Wanted {
            terms: &terms(&["申请"]),
            prefer: &["工作日"],
        };
        let s = snippet(LIMITS, &wanted);
        assert!(s.fragment.contains("20个工作日内"), "{}", s.fragment);
    }

    #[test]
    fn only_the_query_words_are_marked_never_single_characters() {
        let wanted = Wanted {
            terms: &terms(&["答复期限", "的", "期限"]),
            prefer: &[],
        };
        let s = snippet(LIMITS, &wanted);
        let marked = marked(&s);
        assert!(marked.contains("[答复期限]"), "{marked}");
        assert!(!marked.contains("[的]"), "{marked}");
        assert!(!marked.contains("[期限]的"), "overlaps merged: {marked}");
    }

    #[test]
    fn a_long_sentence_is_cut_at_a_comma_before_the_match() {
        let long = format!(
            "{}，应在收到申请后及时登记并核对答复。",
            "各单位".repeat(60)
        );
        let wanted = Wanted {
            terms: &terms(&["登记"]),
            prefer: &[],
        };
        let s = snippet(&long, &wanted);
        assert!(s.fragment.starts_with("…应在收到申请后"), "{}", s.fragment);
        assert!(marked(&s).contains("[登记]"));
    }

    #[test]
    fn without_a_match_the_opening_sentences_are_shown() {
        let wanted = Wanted {
            terms: &terms(&["沙盘"]),
            prefer: &[],
        };
        let s = snippet(LIMITS, &wanted);
        assert!(s.fragment.starts_with("行政机关收到"), "{}", s.fragment);
        assert!(s.fragment.ends_with('…'));
        assert!(s.highlighted.is_empty());
    }
}
