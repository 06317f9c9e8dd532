//! Folding what is searched for and what is indexed to one form, so that evaluators find
//! a clause however they type it: traditional characters and variants to simplified
//! (OpenCC's t2s tables: 申請答覆 → 申请答复, 預決算 → 预决算), full-width letters and
//! digits to half-width (ＺＷＧＫ２０４ → zwgk204), Latin letters to lower case.

use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

/// The converter, built on first use: a search that needs no folding does not pay for it.
fn t2s() -> Option<&'static OpenCC> {
    static T2S: OnceLock<Option<OpenCC>> = OnceLock::new();
    T2S.get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// The text folded; plain ASCII and text with nothing to fold come back unchanged.
pub fn fold(text: &str) -> String {
    let width_and_case = width_and_case(text);
    if width_and_case.is_ascii() {
        return width_and_case;
    }
    match t2s() {
        Some(converter) => converter.convert(&width_and_case),
        None => width_and_case,
    }
}

/// Whether `text` holds anything traditional → simplified conversion changes. Most
/// catalogue texts hold nothing: their words then need only width and case folded, and
/// converting each word on its own (a snippet cuts every clause it shows) is most of a
/// warm search's time.
pub fn has_traditional(text: &str) -> bool {
    !text.is_ascii() && t2s().is_some_and(|converter| converter.convert(text) != text)
}

/// Full-width letters and digits to half-width, letters to lower case.
pub fn width_and_case(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fold, has_traditional};

    #[test]
    fn traditional_full_width_and_upper_case_fold_to_the_indexed_form() {
        assert_eq!(fold("申請答覆"), "申请答复");
        assert_eq!(fold("預決算公開"), "预决算公开");
        assert_eq!(fold("ＺＷＧＫ－２０４"), "zwgk－204");
        assert_eq!(fold("政务公开"), "政务公开");
        assert!(has_traditional("依申請公开") && !has_traditional("依申请公开"));
        assert_eq!(
            fold("（第5.3条）"),
            "（第5.3条）",
            "Chinese punctuation stays"
        );
    }
}
