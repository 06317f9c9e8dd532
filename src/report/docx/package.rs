//! Two parts of the package that docx-rs writes in a fixed form, set here before packing:
//! the font table, which names a fallback for each 公文 face, and the header rows of
//! tables, repeated on each page.

use docx_rs::XMLDocx;

use crate::error::{Error, Result};

use super::gongwen::{FANGSONG, HEITI, KAITI, SONGTI, XIAOBIAOSONG};

/// Each face with the one Word, WPS and LibreOffice fall back to where it is not
/// installed (`w:altName`), as a GB2312 (charset 86) face, so none shows in a Latin font.
const FACES: [(&str, &str); 5] = [
    (XIAOBIAOSONG, "宋体"),
    (FANGSONG, "仿宋"),
    (HEITI, "SimHei"),
    (KAITI, "楷体"),
    (SONGTI, "SimSun"),
];

fn font_table() -> Vec<u8> {
    let faces: String = FACES
        .iter()
        .map(|(name, fallback)| {
            format!(
                r#"<w:font w:name="{name}"><w:altName w:val="{fallback}"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{faces}<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>"#
    )
    .into_bytes()
}

/// Every table's first row is its header, the only row marked `cantSplit`
/// (`gongwen::table`): that mark gains `tblHeader`.
fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    const TABLE: &str = "<w:tbl>";
    const CANT_SPLIT: &str = "<w:cantSplit />";
    let text = String::from_utf8_lossy(document);
    let mut out = String::with_capacity(text.len() + 64);
    let mut pieces = text.split(TABLE);
    out.push_str(pieces.next().unwrap_or_default());
    for piece in pieces {
        out.push_str(TABLE);
        out.push_str(&piece.replacen(CANT_SPLIT, "<w:cantSplit /><w:tblHeader />", 1));
    }
    out.into_bytes()
}

/// The document's package, with the font table and header rows set.
pub(super) fn finish(mut xml: XMLDocx) -> Result<Vec<u8>> {
    xml.font_table = font_table();
    xml.document = repeat_header_rows(&xml.document);
    let mut bytes = std::io::Cursor::new(Vec::new());
    xml.pack(&mut bytes)
        .map_err(|e| Error::internal("写入 Word 文档", e))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_row_of_each_table_repeats() {
        let head = "<w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr>";
        let row = "<w:tr><w:trPr /></w:tr>";
        let document =
            format!("<w:body><w:tbl>{head}{row}</w:tbl><w:p/><w:tbl>{head}{row}</w:tbl></w:body>");
        let fixed = String::from_utf8(repeat_header_rows(document.as_bytes())).unwrap();
        assert_eq!(fixed.matches("<w:tblHeader />").count(), 2);
        assert!(fixed.starts_with("<w:body><w:tbl><w:tr><w:trPr><w:cantSplit /><w:tblHeader />"));
    }
}
