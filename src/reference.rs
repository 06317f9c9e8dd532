//! References to a standard and a clause as evaluators type them: `204 5.3`,
//! `ZWGK-204 第5.3条`, `Q/RGZW 204-2019 5.3`, `rgzw 204`, `304的5.2`, `201 A.05`. The
//! letters before the number may be any prefix (or none), the year any year: the three
//! digits name the standard, the year at most picks one of its editions.

use crate::catalogue::half_width;

/// A query that is nothing but a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    /// The standard's three digits (`204`).
    pub digits: String,
    /// The year written after the number (`2018` in `Q/RGZW 204-2018`).
    pub year: Option<String>,
    /// The clause named (`5.3`, `A.05.1`).
    pub clause: Option<String>,
}

/// Parses a whole query as a reference, or None when it says anything more.
pub(crate) fn parse(query: &str) -> Option<Reference> {
    let folded: String = query.chars().map(half_width).collect();
    let mut rest = folded.trim();
    // Letters and slashes of a prefix (ZWGK, Q/RGZW, rgzw), then a dash or space.
    let prefix_end = rest
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '/'))
        .unwrap_or(rest.len());
    rest = rest[prefix_end..].trim_start_matches(['-', ' ']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() != 3 {
        return None;
    }
    rest = &rest[3..];
    let mut year = None;
    if let Some(after) = rest.strip_prefix('-') {
        let y: String = after.chars().take_while(char::is_ascii_digit).collect();
        if y.len() != 4 {
            return None;
        }
        year = Some(y);
        rest = &after[4..];
    }
    // The number ends at a separator (2048 is no reference to 204).
    if !(rest.is_empty() || rest.starts_with([' ', '的', '第'])) {
        return None;
    }
    let rest = rest.trim().trim_start_matches('的').trim_start();
    let clause = rest.trim_start_matches('第');
    let clause = clause.trim_end_matches(['条', '款']).trim();
    if clause.is_empty() {
        return Some(Reference {
            digits,
            year,
            clause: None,
        });
    }
    is_clause_number(clause).then(|| Reference {
        digits,
        year,
        clause: Some(clause.to_uppercase()),
    })
}

/// `5`, `5.3`, `6.1.2`, `A.05`, `A.05.1`: numbers with dots, optionally after an appendix
/// letter.
fn is_clause_number(text: &str) -> bool {
    let numbers = match text.split_once('.') {
        Some((letter, rest))
            if letter.len() == 1 && letter.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            rest
        }
        _ => text,
    };
    !numbers.is_empty()
        && numbers
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(digits: &str, year: Option<&str>, clause: Option<&str>) -> Option<Reference> {
        Some(Reference {
            digits: digits.into(),
            year: year.map(String::from),
            clause: clause.map(String::from),
        })
    }

    #[test]
    fn the_forms_evaluators_type_name_a_standard_and_clause() {
        for (query, want) in [
            ("204 5.3", reference("204", None, Some("5.3"))),
            ("ZWGK-204 第5.3条", reference("204", None, Some("5.3"))),
            (
                "Q/RGZW 204-2019 5.3",
                reference("204", Some("2019"), Some("5.3")),
            ),
            (
                "Q/RGZW 204-2018 第5.1条",
                reference("204", Some("2018"), Some("5.1")),
            ),
            ("rgzw 204", reference("204", None, None)),
            ("304的5.2", reference("304", None, Some("5.2"))),
            ("zwgk204 ５．３", reference("204", None, Some("5.3"))),
            ("201 a.05", reference("201", None, Some("A.05"))),
            ("Q/RGZW 204-2017", reference("204", Some("2017"), None)),
        ] {
            assert_eq!(parse(query), want, "{query}");
        }
    }

    #[test]
    fn anything_more_than_a_reference_is_a_question() {
        for query in [
            "204 答复期限",
            "2048",
            "20 5.3",
            "申请 5.3",
            "204 5.",
            "204-18 5.1",
            "",
        ] {
            assert_eq!(parse(query), None, "{query}");
        }
    }
}
