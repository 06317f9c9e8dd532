//! The circular and the rectification notices as Word documents in 公文 format
//! (GB/T 9704-2012), laid out from the same rendered Markdown as report.md and the notices:
//! 版头 (发文机关标志, 发文字号, red 分隔线), title, 主送机关, body with headings by level and
//! tables, 发文机关署名 and 成文日期, and the 版记.

mod gongwen;
mod markdown;
mod package;

use docx_rs::{Docx, Run};

use crate::error::Result;
use markdown::{plain, Block, Inline};

/// What the 版头 and the closing lines say, besides the Markdown's own text.
pub(crate) struct Letterhead<'a> {
    /// 发文机关: its 标志 is the name followed by 文件; it signs and prints the document.
    pub issuer: &'a str,
    /// 发文字号, e.g. 皋政务公开〔2019〕3号; none leaves the line empty above the rule.
    pub number: Option<&'a str>,
    /// 成文日期, e.g. 2019年1月15日.
    pub date: &'a str,
}

/// The Word document of a circular or notice rendered as `markdown`.
pub(crate) fn document(markdown: &str, letterhead: &Letterhead) -> Result<Vec<u8>> {
    let mut blocks = markdown::blocks(markdown);
    drop_closing_lines(&mut blocks, letterhead);
    let mut docx = gongwen::page()
        .add_paragraph(gongwen::mark(&format!("{}文件", letterhead.issuer)))
        .add_paragraph(gongwen::number_and_rule(letterhead.number));
    let mut after_title = false;
    let mut blocks = blocks.into_iter().peekable();
    while let Some(block) = blocks.next() {
        let before_table = matches!(blocks.peek(), Some(Block::Table(_)));
        docx = match block {
            Block::Heading(1, text) => {
                after_title = true;
                docx.add_paragraph(gongwen::title(&text))
            }
            Block::Paragraph(inlines) if after_title && is_recipient(&inlines) => {
                after_title = false;
                docx.add_paragraph(gongwen::recipient(runs(&inlines)))
            }
            block => {
                after_title = false;
                add_block(docx, block, before_table)
            }
        };
    }
    for paragraph in gongwen::signature(letterhead.issuer, letterhead.date) {
        docx = docx.add_paragraph(paragraph);
    }
    docx = docx.add_paragraph(gongwen::imprint(letterhead.issuer, letterhead.date));
    package::finish(docx.build())
}

/// Adds a heading, paragraph or table; a paragraph that introduces a table is kept on
/// its page.
fn add_block(docx: Docx, block: Block, before_table: bool) -> Docx {
    match block {
        Block::Heading(level, text) => docx.add_paragraph(gongwen::heading(level, &text)),
        Block::Paragraph(inlines) | Block::Item(inlines) => {
            docx.add_paragraph(gongwen::body(runs(&trim_indent(inlines))).keep_next(before_table))
        }
        Block::Table(table) => {
            let head = table.head.iter().map(|cell| plain(cell)).collect();
            let rows = table
                .rows
                .iter()
                .map(|row| {
                    row.iter()
                        .enumerate()
                        .map(|(i, cell)| (plain(cell), table.right.get(i) == Some(&true)))
                        .collect()
                })
                .collect();
            docx.add_table(gongwen::table(head, rows))
        }
    }
}

/// The templates end with the issuer and the date; the document sets them as its
/// signature block instead.
fn drop_closing_lines(blocks: &mut Vec<Block>, letterhead: &Letterhead) {
    let text = |block: &Block| match block {
        Block::Paragraph(inlines) => plain(inlines).trim().to_string(),
        _ => String::new(),
    };
    if let [.., issuer, date] = blocks.as_slice() {
        if text(issuer) == letterhead.issuer && text(date) == letterhead.date {
            blocks.truncate(blocks.len() - 2);
        }
    }
}

/// 主送机关 (各镇（区、街道），市各有关部门：/ 市公安局：): the line after the title that
/// ends with a colon and is not indented.
fn is_recipient(inlines: &[Inline]) -> bool {
    let text = plain(inlines);
    !text.starts_with('\u{3000}') && text.trim_end().ends_with('：')
}

/// The Markdown indents body text with two ideographic spaces; the document indents by
/// its paragraph format instead.
fn trim_indent(mut inlines: Vec<Inline>) -> Vec<Inline> {
    if let Some(Inline::Text(first)) = inlines.first_mut() {
        *first = first.trim_start_matches('\u{3000}').to_string();
    }
    inlines
}

/// Links are printed as their address: the document goes out on paper too.
fn runs(inlines: &[Inline]) -> Vec<Run> {
    inlines
        .iter()
        .map(|piece| match piece {
            Inline::Text(text) | Inline::Link(text) => {
                gongwen::run(text, gongwen::FANGSONG, gongwen::SIZE_3)
            }
        })
        .collect()
}
