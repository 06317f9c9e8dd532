//! The rendered Markdown of a circular or notice, read back as the blocks a 公文 is laid
//! out from: the templates stay the one source of the documents' words, so an edited
//! template changes the Word document too.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A piece of inline text: plain, or a link shown as its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Inline {
    Text(String),
    Link(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Block {
    /// `#` is the title, `##` 一级标题, `###` 二级标题.
    Heading(u8, String),
    Paragraph(Vec<Inline>),
    /// A list item, laid out as a paragraph of its own.
    Item(Vec<Inline>),
    Table(Table),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Table {
    /// Right-aligned columns (numbers), from the Markdown's `---:`.
    pub right: Vec<bool>,
    pub head: Vec<Vec<Inline>>,
    pub rows: Vec<Vec<Vec<Inline>>>,
}

/// The plain text of inline pieces.
pub(super) fn plain(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|piece| match piece {
            Inline::Text(text) | Inline::Link(text) => text.as_str(),
        })
        .collect()
}

/// Where the parser is: inline text goes to the innermost open container.
#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    table: Option<Table>,
    row: Vec<Vec<Inline>>,
    in_head: bool,
    /// Inside a link: its text is replaced by its target.
    link: Option<String>,
    /// Inside a list item (tight lists have no paragraph of their own).
    in_item: bool,
}

impl Reader {
    fn text(&mut self, text: &str) {
        if self.link.is_some() {
            return;
        }
        match self.inlines.last_mut() {
            Some(Inline::Text(last)) => last.push_str(text),
            _ => self.inlines.push(Inline::Text(text.to_string())),
        }
    }

    fn take(&mut self) -> Vec<Inline> {
        std::mem::take(&mut self.inlines)
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Table(alignments) => {
                self.table = Some(Table {
                    right: alignments
                        .iter()
                        .map(|a| *a == pulldown_cmark::Alignment::Right)
                        .collect(),
                    ..Table::default()
                })
            }
            Tag::TableHead => self.in_head = true,
            Tag::Link { dest_url, .. } => self.link = Some(dest_url.to_string()),
            Tag::Item => self.in_item = true,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                let text = plain(&self.take());
                self.blocks.push(Block::Heading(level as u8, text));
            }
            TagEnd::Paragraph if self.in_item => {}
            TagEnd::Paragraph => {
                let inlines = self.take();
                self.blocks.push(Block::Paragraph(inlines));
            }
            TagEnd::Item => {
                self.in_item = false;
                let inlines = self.take();
                self.blocks.push(Block::Item(inlines));
            }
            TagEnd::Link => {
                if let Some(target) = self.link.take() {
                    self.inlines.push(Inline::Link(target));
                }
            }
            TagEnd::TableCell => {
                let cell = self.take();
                self.row.push(cell);
            }
            TagEnd::TableHead => {
                self.in_head = false;
                let head = std::mem::take(&mut self.row);
                if let Some(table) = &mut self.table {
                    table.head = head;
                }
            }
            TagEnd::TableRow => {
                let row = std::mem::take(&mut self.row);
                if let Some(table) = &mut self.table {
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.blocks.push(Block::Table(table));
                }
            }
            _ => {}
        }
    }
}

/// The blocks of `markdown`, in order.
pub(super) fn blocks(markdown: &str) -> Vec<Block> {
    let mut reader = Reader::default();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(tag) => reader.start(tag),
            Event::End(tag) => reader.end(tag),
            Event::Text(text) | Event::Code(text) => reader.text(&text),
            Event::SoftBreak | Event::HardBreak => reader.text(" "),
            _ => {}
        }
    }
    reader.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_items_and_tables_are_read_in_order() {
        let markdown = "# 关于通报\n\n各单位：\n\n## 一、总体情况\n\n　　共考核60个单位。\n\n\
                        | 序号 | 单位 | 得分 |\n|---:|---|---:|\n| 1 | 市公安局 | 95.20 |\n\n\
                        - 评分模型：默认模型\n- 依据标准：目录\n";
        let blocks = blocks(markdown);
        assert_eq!(blocks[0], Block::Heading(1, "关于通报".into()));
        assert_eq!(
            blocks[1],
            Block::Paragraph(vec![Inline::Text("各单位：".into())])
        );
        assert_eq!(blocks[2], Block::Heading(2, "一、总体情况".into()));
        assert_eq!(
            plain(match &blocks[3] {
                Block::Paragraph(p) => p,
                other => panic!("{other:?}"),
            }),
            "　　共考核60个单位。"
        );
        let Block::Table(table) = &blocks[4] else {
            panic!("{:?}", blocks[4]);
        };
        assert_eq!(table.right, [true, false, true]);
        assert_eq!(plain(&table.head[1]), "单位");
        assert_eq!(plain(&table.rows[0][1]), "市公安局");
        assert_eq!(
            blocks[5],
            Block::Item(vec![Inline::Text("评分模型：默认模型".into())])
        );
        assert_eq!(blocks.len(), 7);
    }

    #[test]
    fn a_link_is_shown_as_its_target_and_escapes_are_undone() {
        let blocks = blocks("| 证据 |\n|---|\n| 缺要素\\|来源；[链接](<https://x.gov.cn/a b>) |\n");
        let Block::Table(table) = &blocks[0] else {
            panic!("{blocks:?}");
        };
        assert_eq!(
            table.rows[0][0],
            [
                Inline::Text("缺要素|来源；".into()),
                Inline::Link("https://x.gov.cn/a b".into())
            ]
        );
    }
}
