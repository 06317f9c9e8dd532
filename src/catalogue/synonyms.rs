//! `standards/synonyms.yaml`: the search's equivalence list, which the office edits. Each
//! group names one thing several ways — the official term first, then colloquial forms,
//! old names and abbreviations (房屋征收, 拆迁, 征收拆迁); a search for any of them also
//! looks for the others. Optional: a folder without the file searches without synonyms.

use std::collections::HashMap;

use super::Sourced;
use crate::problem::Problem;

pub const SYNONYMS_FILE: &str = "synonyms.yaml";

/// Longest term, in characters: a group is words, not sentences.
const MAX_TERM_CHARS: usize = 20;

/// The groups as written; [`check`] reports what is wrong with them.
pub type SynonymGroups = Vec<Vec<String>>;

/// Every problem of the list: groups of fewer than two terms, empty or over-long terms,
/// white space, a term repeated in its group or named by two groups (which group would it
/// mean?).
pub(super) fn check(list: &Sourced<SynonymGroups>, out: &mut impl FnMut(Problem)) {
    let mut first_group: HashMap<&str, usize> = HashMap::new();
    for (g, group) in list.record.iter().enumerate() {
        if group.len() < 2 {
            out(list.problem(format!("[{g}]"), "一组同义词至少要有两个说法"));
        }
        for (t, term) in group.iter().enumerate() {
            let field = format!("[{g}][{t}]");
            if term.trim().is_empty() || term.chars().any(char::is_whitespace) {
                out(list.problem(field, "同义词不能为空，也不能含空格"));
            } else if term.chars().count() > MAX_TERM_CHARS {
                out(list.problem(field, format!("同义词“{term}”超过{MAX_TERM_CHARS}个字")));
            } else if let Some(other) = first_group.insert(term, g) {
                let message = if other == g {
                    format!("“{term}”在本组中重复")
                } else {
                    format!("“{term}”已在第{}组中，一个说法只能属于一组", other + 1)
                };
                out(list.problem(field, message));
            }
        }
    }
}

/// Each term with the other terms of its group that it does not contain: 规划 also
/// searches 城乡规划, but 城乡规划 does not widen to every 规划.
pub fn expansions(groups: &[Vec<String>]) -> HashMap<String, Vec<String>> {
    let mut map = HashMap::new();
    for group in groups {
        for term in group {
            let others = group
                .iter()
                .filter(|t| *t != term && !term.contains(t.as_str()))
                .cloned()
                .collect();
            map.insert(term.clone(), others);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::expansions;

    #[test]
    fn a_term_expands_to_its_group_but_not_to_the_words_it_contains() {
        let groups = vec![vec![
            "城乡规划".to_string(),
            "规划".into(),
            "规划许可".into(),
        ]];
        let map = expansions(&groups);
        assert_eq!(map["规划"], ["城乡规划", "规划许可"]);
        assert_eq!(map["城乡规划"], ["规划许可"]);
        assert_eq!(map["规划许可"], ["城乡规划"]);
    }
}
