//! The layout of 党政机关公文格式 (GB/T 9704-2012) on docx-rs: A4 with a 156 × 225 mm
//! 版心 of 22 lines × 28 characters, body in 3号仿宋_GB2312, title in 2号小标宋, headings
//! in 黑体 and 楷体 by level, page numbers "— 1 —" in 4号半角宋体 outside the 版心.

use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer,
    InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Style, StyleType,
    Tab, TabValueType, Table, TableCell, TableCellMargins, TableLayoutType, TableRow, WidthType,
};
use unicode_width::UnicodeWidthStr;

/// Twips (1/1440 inch) in `mm` millimetres.
const fn mm(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4 + 0.5) as i32
}

const PAGE_WIDTH: i32 = mm(210.0);
const PAGE_HEIGHT: i32 = mm(297.0);
/// 天头 37 mm and 订口 28 mm; the 版心 is 156 × 225 mm.
const TOP: i32 = mm(37.0);
const LEFT: i32 = mm(28.0);
pub(super) const TEXT_WIDTH: i32 = mm(156.0);
const TEXT_HEIGHT: i32 = mm(225.0);
const LINES: i32 = 22;
const CHARS: i32 = 28;
/// One line of the grid: 225 mm / 22.
pub(super) const LINE: i32 = TEXT_HEIGHT / LINES;
/// One character of 3号 text on the grid: 156 mm / 28.
pub(super) const CHAR: i32 = TEXT_WIDTH / CHARS;
/// The page number's top edge sits 7 mm below the 版心; its line is about 5 mm high.
const FOOTER: i32 = mm(35.0 - 7.0 - 5.0);

/// Font sizes in half-points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt, 五号 10.5 pt.
pub(super) const SIZE_2: usize = 44;
pub(super) const SIZE_3: usize = 32;
pub(super) const SIZE_4: usize = 28;
pub(super) const SIZE_SMALL_4: usize = 24;
pub(super) const SIZE_5: usize = 21;

/// The faces named in the document; `package::FONT_TABLE` gives each a fallback.
pub(super) const XIAOBIAOSONG: &str = "方正小标宋简体";
pub(super) const FANGSONG: &str = "仿宋_GB2312";
pub(super) const HEITI: &str = "黑体";
pub(super) const KAITI: &str = "楷体_GB2312";
pub(super) const SONGTI: &str = "宋体";

const RED: &str = "FF0000";
/// Left and right cell margins of tables, in twips.
const CELL_MARGIN: i32 = 80;

/// Condensing 3号 type by a quarter point puts 28 characters on a line of the 版心
/// (156 mm / 28 = 15.79 pt a character). A character grid would do it too, but LibreOffice
/// snaps each 16 pt character to two cells of a condensed grid.
const CONDENSED: i32 = -5;

fn fonts(face: &str) -> RunFonts {
    RunFonts::new()
        .ascii(face)
        .hi_ansi(face)
        .east_asia(face)
        .cs(face)
}

pub(super) fn run(text: &str, face: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(face)).size(size)
}

/// An empty A4 公文 with its grid, margins, default face and page-number footers.
pub(super) fn page() -> Docx {
    let margin = PageMargin::new()
        .top(TOP)
        .bottom(PAGE_HEIGHT - TOP - TEXT_HEIGHT)
        .left(LEFT)
        .right(PAGE_WIDTH - LEFT - TEXT_WIDTH)
        .header(mm(15.0))
        .footer(FOOTER);
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH as u32, PAGE_HEIGHT as u32)
        .page_margin(margin)
        .default_fonts(fonts(FANGSONG))
        .default_size(SIZE_3)
        .default_spacing(CONDENSED)
        .footer(page_number(AlignmentType::Right))
        .even_footer(page_number(AlignmentType::Left));
    for style in TABLE_STYLES.map(|(kind, size)| table_style(kind, size)) {
        docx = docx.add_style(style);
    }
    docx.document.section_property = docx.document.section_property.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(LINE as usize),
    );
    docx
}

/// "— 1 —": odd pages on the right, even pages on the left, one character in from the
/// edge of the 版心.
fn page_number(side: AlignmentType) -> Footer {
    let one_character = (SIZE_4 * 10) as i32;
    let (left, right) = match side {
        AlignmentType::Left => (Some(one_character), None),
        _ => (None, Some(one_character)),
    };
    let field = Run::new()
        .fonts(fonts(SONGTI))
        .size(SIZE_4)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(side)
            .indent(left, None, right, None)
            .snap_to_grid(false)
            .add_run(run("— ", SONGTI, SIZE_4))
            .add_run(field)
            .add_run(run(" —", SONGTI, SIZE_4)),
    )
}

/// Space before a paragraph, in grid lines (空N行).
fn lines_before(lines: i32) -> LineSpacing {
    LineSpacing::new().before((lines * LINE) as u32)
}

/// Lines of large type (the mark, the title) one grid line apart, not two.
fn exact_lines(spacing: LineSpacing, line: i32) -> LineSpacing {
    spacing.line_rule(LineSpacingType::Exact).line(line)
}

/// 发文机关标志: red 小标宋, centred, 35 mm below the top of the 版心, as large as fits.
pub(super) fn mark(text: &str) -> Paragraph {
    let characters = text.chars().count().max(1) as i32;
    // Half-points that fit `characters` across the 版心, at most 48 pt.
    let size = ((TEXT_WIDTH / characters) / 10).min(96) as usize;
    Paragraph::new()
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .line_spacing(exact_lines(
            LineSpacing::new().before(mm(35.0) as u32),
            (size * 15) as i32,
        ))
        .add_run(run(text, XIAOBIAOSONG, size).color(RED))
}

/// 发文字号, two lines below the mark, over the red 分隔线 4 mm below it, as wide as the 版心.
pub(super) fn number_and_rule(number: Option<&str>) -> Paragraph {
    let rule = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(BorderType::Single)
        .size(12)
        .space(11)
        .color(RED);
    let mut paragraph = Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(lines_before(2));
    paragraph.property = paragraph
        .property
        .set_borders(ParagraphBorders::with_empty().set(rule));
    match number {
        Some(number) => paragraph.add_run(run(number, FANGSONG, SIZE_3)),
        None => paragraph,
    }
}

/// 标题: 2号小标宋, centred, two lines below the rule; a long title breaks where its
/// words allow (see `title_lines`).
pub(super) fn title(text: &str) -> Paragraph {
    let lines = title_lines(
        text,
        (TEXT_WIDTH / (SIZE_2 as i32 * 10 + CONDENSED)) as usize,
    );
    let mut paragraph = Paragraph::new()
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .line_spacing(exact_lines(lines_before(2), LINE));
    for (i, line) in lines.iter().enumerate() {
        let mut piece = Run::new().fonts(fonts(XIAOBIAOSONG)).size(SIZE_2);
        if i > 0 {
            piece = piece.add_break(BreakType::TextWrapping);
        }
        paragraph = paragraph.add_run(piece.add_text(line));
    }
    paragraph
}

/// A title longer than a line, in two lines of `per_line` characters at most, broken as
/// near the middle as a word ends (GB/T 9704: 回行时词意完整): after the jurisdiction
/// (市, 县, 区), the period (年, 年度, 季度) or 的 — never inside 年度. A title with no such place
/// is left to wrap.
fn title_lines(text: &str, per_line: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let width = |part: &[char]| part.iter().collect::<String>().width().div_ceil(2);
    if width(&chars) <= per_line {
        return vec![text.to_string()];
    }
    let ends_word = |i: usize| {
        let next = chars.get(i + 1);
        match chars[i] {
            '市' | '县' | '区' | '的' => true,
            '年' => next != Some(&'度'),
            '度' => i > 0 && matches!(chars[i - 1], '季' | '年'),
            _ => false,
        }
    };
    let middle = width(&chars) / 2;
    (0..chars.len() - 1)
        .filter(|&i| ends_word(i))
        .map(|i| chars.split_at(i + 1))
        .filter(|(first, second)| width(first) <= per_line && width(second) <= per_line)
        .min_by_key(|(first, _)| width(first).abs_diff(middle))
        .map_or_else(
            || vec![text.to_string()],
            |(first, second)| vec![first.iter().collect(), second.iter().collect()],
        )
}

/// 主送机关: one line below the title, flush left.
pub(super) fn recipient(runs: Vec<Run>) -> Paragraph {
    runs.into_iter().fold(
        Paragraph::new().line_spacing(lines_before(1)),
        Paragraph::add_run,
    )
}

/// A body paragraph: two characters in, lines back to the margin.
pub(super) fn body(runs: Vec<Run>) -> Paragraph {
    runs.into_iter().fold(
        Paragraph::new().align(AlignmentType::Both).indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * CHAR)),
            None,
            None,
        ),
        Paragraph::add_run,
    )
}

/// 一级标题 in 黑体, 二级 in 楷体, further levels in bold 仿宋; kept with what follows.
pub(super) fn heading(level: u8, text: &str) -> Paragraph {
    let face = match level {
        0..=2 => HEITI,
        3 => KAITI,
        _ => FANGSONG,
    };
    let mut run = run(text, face, SIZE_3);
    if level > 3 {
        run = run.bold();
    }
    Paragraph::new()
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * CHAR)),
            None,
            None,
        )
        .keep_next(true)
        .add_run(run)
}

/// Width of `text` in characters of 3号 text (ASCII counts half).
fn characters(text: &str) -> i32 {
    (text.width() as i32 + 1) / 2
}

/// 发文机关署名 and 成文日期, one line below the body: the date four characters in from the
/// right, the issuer centred over it (the layout for a sealed document).
pub(super) fn signature(issuer: &str, date: &str) -> [Paragraph; 2] {
    let date_indent = 4 * CHAR;
    let issuer_indent = (date_indent + (characters(date) - characters(issuer)) * CHAR / 2).max(0);
    [
        Paragraph::new()
            .align(AlignmentType::Right)
            .line_spacing(lines_before(1))
            .indent(None, None, Some(issuer_indent), None)
            .add_run(run(issuer, FANGSONG, SIZE_3)),
        Paragraph::new()
            .align(AlignmentType::Right)
            .indent(None, None, Some(date_indent), None)
            .add_run(run(date, FANGSONG, SIZE_3)),
    ]
}

/// 版记: 印发机关 and 印发日期 in 4号仿宋 between two rules, one character in from each side.
pub(super) fn imprint(issuer: &str, date: &str) -> Paragraph {
    let rule = |position| {
        ParagraphBorder::new(position)
            .val(BorderType::Single)
            .size(8)
            .space(4)
    };
    let one_character = (SIZE_4 * 10) as i32;
    let mut paragraph = Paragraph::new()
        .line_spacing(lines_before(2))
        .snap_to_grid(false)
        .keep_lines(true)
        .indent(Some(one_character), None, Some(one_character), None)
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .pos((TEXT_WIDTH - 2 * one_character) as usize),
        )
        .add_run(run(issuer, FANGSONG, SIZE_4))
        .add_run(run("", FANGSONG, SIZE_4).add_tab())
        .add_run(run(&format!("{date}印发"), FANGSONG, SIZE_4));
    paragraph.property = paragraph.property.set_borders(
        ParagraphBorders::with_empty()
            .set(rule(ParagraphBorderPosition::Top))
            .set(rule(ParagraphBorderPosition::Bottom)),
    );
    paragraph
}

/// A table as wide as the 版心: columns sized by their longest text, the first row a header
/// in 黑体 that never splits and repeats on each page (see `package`). Other rows may
/// break across pages: a finding's evidence can run to eight lines, and a whole row
/// carried over would leave most of a page empty.
pub(super) fn table(head: Vec<String>, rows: Vec<Vec<(String, bool)>>) -> Table {
    let size = if head.len() <= 5 {
        SIZE_SMALL_4
    } else {
        SIZE_5
    };
    let widths = column_widths(&head, &rows, size);
    // The face, size and spacing come from the cell's style: a notice of a thousand
    // findings would otherwise repeat them in each of its cells.
    let (head_style, body_style) = (
        table_style_id(CellKind::Head, size),
        table_style_id(CellKind::Body, size),
    );
    let cell = |text: &str, style: &str, width: i32, align: Option<AlignmentType>| {
        let mut paragraph = Paragraph::new()
            .style(style)
            .add_run(Run::new().add_text(text));
        if let Some(align) = align {
            paragraph = paragraph.align(align);
        }
        TableCell::new()
            .width(width as usize, WidthType::Dxa)
            .add_paragraph(paragraph)
    };
    let header = TableRow::new(
        head.iter()
            .zip(&widths)
            .map(|(text, &width)| cell(text, &head_style, width, None))
            .collect(),
    )
    .cant_split();
    let body = rows.iter().map(|row| {
        TableRow::new(
            row.iter()
                .zip(&widths)
                .map(|((text, right), &width)| {
                    let align = right.then_some(AlignmentType::Right);
                    cell(text, &body_style, width, align)
                })
                .collect(),
        )
    });
    Table::new(std::iter::once(header).chain(body).collect())
        .set_grid(widths.iter().map(|&w| w as usize).collect())
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        // The widths as set: an autofit table sizes itself by its longest words instead.
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(40, CELL_MARGIN as usize, 40, CELL_MARGIN as usize))
}

/// A table cell's text: the header row's, or the body's.
#[derive(Clone, Copy)]
enum CellKind {
    Head,
    Body,
}

/// The cell styles, by kind and size: tables of up to five columns are set in 小四, wider
/// ones in 五号.
const TABLE_STYLES: [(CellKind, usize); 4] = [
    (CellKind::Head, SIZE_SMALL_4),
    (CellKind::Body, SIZE_SMALL_4),
    (CellKind::Head, SIZE_5),
    (CellKind::Body, SIZE_5),
];

fn table_style_id(kind: CellKind, size: usize) -> String {
    match kind {
        CellKind::Head => format!("TableHead{size}"),
        CellKind::Body => format!("TableText{size}"),
    }
}

/// Headers in centred 黑体, the body in 仿宋 (left; numbers are set right where written),
/// single-spaced and off the page's line grid, so a row is as tall as its text.
fn table_style(kind: CellKind, size: usize) -> Style {
    let (name, face) = match kind {
        CellKind::Head => ("表格标题", HEITI),
        CellKind::Body => ("表格文字", FANGSONG),
    };
    let points = if size == SIZE_5 { "五号" } else { "小四" };
    let style = Style::new(table_style_id(kind, size), StyleType::Paragraph)
        .name(format!("{name}（{points}）"))
        .based_on("Normal")
        .fonts(fonts(face))
        .size(size)
        .snap_to_grid(false)
        .line_spacing(
            LineSpacing::new()
                .line_rule(LineSpacingType::Auto)
                .line(240),
        );
    match kind {
        CellKind::Head => style.align(AlignmentType::Center),
        CellKind::Body => style,
    }
}

/// Column widths in twips summing to the 版心, for type of `size` half-points. Each column
/// gets at least its header and short values unwrapped (序号, 状态, 得分); what is left
/// goes to the columns whose text wraps, in proportion to their text's mean length, so a
/// long message wraps instead of squeezing the numbers.
fn column_widths(head: &[String], rows: &[Vec<(String, bool)>], size: usize) -> Vec<i32> {
    /// Width units (half a Chinese character) past which a column's text wraps anyway.
    const NATURAL_CAP: usize = 60;
    /// Values this short are never wrapped.
    const SHORT: usize = 8;
    let half_character = (size * 5) as i32;
    let padding = 2 * CELL_MARGIN;
    let twips = |units: usize| units as i32 * half_character + padding;
    let (least, natural): (Vec<i32>, Vec<i32>) = head
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let lengths: Vec<usize> = rows
                .iter()
                .filter_map(|row| row.get(i))
                .map(|(text, _)| text.width())
                .collect();
            let longest = lengths.iter().copied().max().unwrap_or(0);
            let mean = lengths.iter().sum::<usize>() / lengths.len().max(1);
            let least = twips(name.width().max(longest.min(SHORT)));
            (least, twips(mean.min(NATURAL_CAP)).max(least))
        })
        .unzip();
    let spare = TEXT_WIDTH - least.iter().sum::<i32>();
    let wanted: i32 = natural.iter().zip(&least).map(|(n, l)| n - l).sum();
    let mut widths: Vec<i32> = least
        .iter()
        .zip(&natural)
        .map(|(&l, &n)| match wanted {
            0 => l + spare / head.len().max(1) as i32,
            _ => l + (i64::from(spare) * i64::from(n - l) / i64::from(wanted)) as i32,
        })
        .collect();
    // Rounding leaves a few twips: the widest column takes them (or gives them back).
    let rest = TEXT_WIDTH - widths.iter().sum::<i32>();
    if let Some(widest) = widths.iter_mut().max() {
        *widest += rest;
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_22_lines_of_28_characters_on_a4() {
        // Each margin within a twip of its millimetres (rounding).
        assert!((PAGE_WIDTH - LEFT - TEXT_WIDTH - mm(26.0)).abs() <= 1);
        assert!((PAGE_HEIGHT - TOP - TEXT_HEIGHT - mm(35.0)).abs() <= 1);
        assert!((LINE * LINES - TEXT_HEIGHT).abs() < LINES);
        assert!((CHAR * CHARS - TEXT_WIDTH).abs() < CHARS);
        // 28 condensed 3号 characters fit the line; 29 do not.
        let pitch = SIZE_3 as i32 * 10 + CONDENSED;
        assert!(CHARS * pitch <= TEXT_WIDTH && (CHARS + 1) * pitch > TEXT_WIDTH);
    }

    #[test]
    fn columns_fill_the_text_width_and_follow_their_text() {
        let head = vec!["序号".to_string(), "问题描述".to_string()];
        let rows = vec![vec![
            ("1".to_string(), true),
            ("发布日期晚于法定期限二十个工作日".repeat(3), false),
        ]];
        let widths = column_widths(&head, &rows, SIZE_5);
        assert_eq!(widths.iter().sum::<i32>(), TEXT_WIDTH);
        assert!(widths[1] > 5 * widths[0], "{widths:?}");
        // 序号 itself fits on one line of 五号 type.
        assert!(
            widths[0] >= 4 * (SIZE_5 as i32 * 5) + 2 * CELL_MARGIN,
            "{widths:?}"
        );
    }

    #[test]
    fn a_long_title_breaks_after_a_whole_word_near_its_middle() {
        assert_eq!(
            title_lines("关于如皋市2018年第四季度政务公开考核情况的通报", 20),
            ["关于如皋市2018年第四季度", "政务公开考核情况的通报"]
        );
        assert_eq!(
            title_lines("关于如皋市2018年度政务公开工作年度考核评价结果的通报", 20),
            ["关于如皋市2018年度", "政务公开工作年度考核评价结果的通报"]
        );
        assert_eq!(
            title_lines("政务公开问题整改通知书", 20),
            ["政务公开问题整改通知书"]
        );
    }

    #[test]
    fn the_signature_centres_the_issuer_over_the_date() {
        // Ten characters over a date seven wide: the issuer reaches past the date's end.
        let [issuer, date] = signature("如皋市政务公开办公室", "2019年1月15日");
        let right = |p: &Paragraph| p.property.indent.as_ref().and_then(|i| i.end);
        assert_eq!(right(&date), Some(4 * CHAR));
        assert!(right(&issuer).unwrap() < 4 * CHAR);
    }
}
