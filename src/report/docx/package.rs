//! Two parts of the package that docx-rs writes in a fixed form, set here before packing:
//! the font table, which names a fallback for each 公文 face, and the header rows of
//! tables, repeated on each page. The package is then deflated, as Word writes it.

use std::io::{Cursor, Read, Seek};

use docx_rs::XMLDocx;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

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
    let mut stored = Cursor::new(Vec::new());
    xml.pack(&mut stored)
        .map_err(|e| Error::internal("写入 Word 文档", e))?;
    deflated(stored).map_err(|e| Error::internal("压缩 Word 文档", e))
}

/// The same parts, deflated. docx-rs stores every part uncompressed: the shipped quarter's
/// circular would be 0.96 MB to send instead of 60 KB. Dated 1980-01-01 as docx-rs
/// dates them, so the same results give the same bytes.
fn deflated(stored: impl Read + Seek) -> zip::result::ZipResult<Vec<u8>> {
    let mut package = ZipArchive::new(stored)?;
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::DEFAULT)
        .unix_permissions(0o644);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..package.len() {
        let mut part = package.by_index(index)?;
        // Word writes no folder entries; a part's name carries its folder.
        if part.is_dir() {
            continue;
        }
        out.start_file(part.name(), options)?;
        std::io::copy(&mut part, &mut out)?;
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

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

    #[test]
    fn every_part_is_deflated_and_keeps_its_content() {
        let mut stored = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
        stored.add_directory("word/", options).unwrap();
        stored.start_file("word/document.xml", options).unwrap();
        let document = "<w:p>通报</w:p>".repeat(1000);
        stored.write_all(document.as_bytes()).unwrap();
        let stored = stored.finish().unwrap();

        let bytes = deflated(stored).unwrap();
        assert!(bytes.len() < document.len() / 10, "{} bytes", bytes.len());
        let mut package = ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(package.len(), 1, "no folder entries");
        let mut part = package.by_name("word/document.xml").unwrap();
        assert_eq!(part.compression(), CompressionMethod::Deflated);
        let mut content = String::new();
        part.read_to_string(&mut content).unwrap();
        assert_eq!(content, document);
    }
}
