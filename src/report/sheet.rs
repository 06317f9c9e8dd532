//! What every workbook zwgk writes shares, so that it prints and reads as office software's
//! own do: A4 landscape pages one page wide with the header rows repeated, the title in the
//! page header and page numbers in the footer; rows tall enough for their wrapped text
//! (LibreOffice does not grow rows to fit, it shows a wrapped cell's last line only);
//! links for web addresses only; a sentence instead of a sheet with only a header; and
//! document properties that do not change from run to run.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Url, Worksheet,
};
use unicode_width::UnicodeWidthChar;

use crate::data::is_web_url;
use crate::error::Result;

/// Excel's paper size code for A4.
const A4: u8 = 9;
/// Page margins in inches: left and right, top and bottom, header and footer.
const SIDE_MARGIN: f64 = 0.5;
const END_MARGIN: f64 = 0.75;
const HEADER_MARGIN: f64 = 0.3;
const FOOTER: &str = "&C第 &P 页 / 共 &N 页";
/// Excel drops a page header longer than 255 characters, codes included.
const MAX_HEADER: usize = 240;

/// Points a line of wrapped 11 pt text takes. Excel's default row is 15 pt, but
/// LibreOffice 7.4 sets a line of 11 pt text mixing CJK and latin at about 17.3 pt
/// (measured in its PDF export), and a row a little too tall reads better than a line cut.
pub(crate) const LINE_HEIGHT: f64 = 17.5;
/// Excel's tallest row, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;
/// The share of a column's width text may fill, the cell's padding taking the rest.
/// (LibreOffice fits 30 CJK characters on a line of a 60-wide column; this counts 28.)
const FILL: f64 = 0.95;

/// How the cells of a printed table are told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// The sheet's gridlines are printed.
    Gridlines,
    /// The cells carry their own borders (merged forms); gridlines would cross merges.
    Borders,
}

/// A4 landscape, one page wide and as many long as needed, rows `header_rows` (first and
/// last, 0-based) repeated on every page, `title` in the page header and "第 N 页 / 共 M
/// 页" in the footer.
pub(crate) fn set_up_printing(
    sheet: &mut Worksheet,
    title: &str,
    header_rows: (u32, u32),
    rules: Rules,
) -> Result<()> {
    sheet
        .set_paper_size(A4)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_margins(
            SIDE_MARGIN,
            SIDE_MARGIN,
            END_MARGIN,
            END_MARGIN,
            HEADER_MARGIN,
            HEADER_MARGIN,
        )
        .set_print_center_horizontally(true)
        .set_header(page_header(title))
        .set_footer(FOOTER)
        .set_print_gridlines(rules == Rules::Gridlines);
    sheet.set_repeat_rows(header_rows.0, header_rows.1)?;
    Ok(())
}

/// The page header's code: the title centred, `&` doubled (it starts a code), cut to
/// what Excel keeps.
fn page_header(title: &str) -> String {
    let mut code = String::from("&C");
    for c in title.chars().filter(|c| !c.is_control()) {
        if code.chars().count() >= MAX_HEADER {
            break;
        }
        code.push(c);
        if c == '&' {
            code.push('&');
        }
    }
    code
}

/// The cell formats tables share.
pub(crate) struct Formats {
    /// The bold, shaded header cell every table starts with.
    pub header: Format,
    /// A body cell: text at the top, so that a tall row reads from its first line.
    pub cell: Format,
    /// A body cell whose text wraps within the column.
    pub wrap: Format,
    /// A date shown as `2018-10-31`.
    pub date: Format,
    /// A score shown with two decimals.
    pub score: Format,
    /// A count or rank shown as a whole number.
    pub integer: Format,
}

impl Formats {
    pub(crate) fn new() -> Formats {
        let cell = Format::new().set_align(FormatAlign::Top);
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("#D9E1F2")
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_border(FormatBorder::Thin),
            wrap: cell.clone().set_text_wrap(),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            score: cell.clone().set_num_format("0.00"),
            integer: cell.clone().set_num_format("0"),
            cell,
        }
    }
}

/// Document properties: the title and the issuer as author, created "on" `created` (a
/// date of the data, not now, so the same data give the same file).
pub(crate) fn properties(title: &str, author: &str, created: NaiveDate) -> Result<DocProperties> {
    let created = ExcelDateTime::from_ymd(
        created.year() as u16,
        created.month() as u8,
        created.day() as u8,
    )?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author(author)
        .set_creation_datetime(&created))
}

/// The width `text` takes in column-width units: CJK and other wide characters 2, the
/// rest 1, control characters nothing.
fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The lines `text` wraps to in a column `column_width` characters wide: each line of the
/// text on its own, latin words kept whole where they fit, CJK characters breaking
/// anywhere.
pub(crate) fn wrapped_lines(text: &str, column_width: f64) -> usize {
    let room = ((column_width * FILL).floor() as usize).max(2);
    text.split('\n')
        .map(|line| line_wraps_to(line, room))
        .sum::<usize>()
        .max(1)
}

/// Characters a latin word may break after, as office software breaks
/// `ZWGK-215/aid-timeliness`.
const BREAKS_AFTER: [char; 2] = ['-', '/'];

/// Lines one paragraph takes in `room` width units, wrapped greedily.
fn line_wraps_to(paragraph: &str, room: usize) -> usize {
    let mut wrap = Wrap {
        room,
        lines: 1,
        used: 0,
    };
    let mut word = 0;
    for c in paragraph.chars() {
        let width = char_width(c);
        if c == ' ' || width != 1 {
            wrap.place(std::mem::take(&mut word));
            if c == ' ' {
                // A space at the end of a line does not start a new one.
                wrap.used = (wrap.used + 1).min(room);
            } else {
                wrap.place(width);
            }
        } else {
            word += width;
            if BREAKS_AFTER.contains(&c) {
                wrap.place(std::mem::take(&mut word));
            }
        }
    }
    wrap.place(word);
    wrap.lines
}

/// A greedy line filler: the lines begun and the width used on the last.
struct Wrap {
    room: usize,
    lines: usize,
    used: usize,
}

impl Wrap {
    /// Places a piece `width` wide that should stay on one line: on a new line when it
    /// does not fit on this one, split across lines when it fits on none.
    fn place(&mut self, width: usize) {
        if width == 0 {
            return;
        }
        if self.used > 0 && self.used + width > self.room {
            self.lines += 1;
            self.used = 0;
        }
        self.used += width;
        while self.used > self.room {
            self.lines += 1;
            self.used -= self.room;
        }
    }
}

/// The height a row needs for its wrapped cells, each (text, column width); `None` when
/// every one fits on a line (the row keeps the default height).
pub(crate) fn wrapped_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> Option<f64> {
    let lines = cells
        .into_iter()
        .map(|(text, width)| wrapped_lines(text, width))
        .max()
        .unwrap_or(1);
    (lines > 1).then(|| (lines as f64 * LINE_HEIGHT).min(MAX_ROW_HEIGHT))
}

/// Sets `row` tall enough for its wrapped cells, each (text, column width).
pub(crate) fn fit_row<'a>(
    sheet: &mut Worksheet,
    row: u32,
    cells: impl IntoIterator<Item = (&'a str, f64)>,
) -> Result<()> {
    if let Some(height) = wrapped_height(cells) {
        sheet.set_row_height(row, height)?;
    }
    Ok(())
}

/// Excel's limit of links on one worksheet.
const MAX_LINKS: usize = 65_530;

/// The links one worksheet may still take: past Excel's limit, addresses are text.
pub(crate) struct Links {
    left: usize,
}

impl Links {
    /// A new worksheet's.
    pub(crate) fn new() -> Links {
        Links { left: MAX_LINKS }
    }

    /// Writes `text` at (`row`, `column`): a link when it is an http(s) address Excel
    /// takes and the sheet has room for one more, plain text otherwise — a `javascript:`
    /// or `file:` address, a bare path, or one longer than Excel's limit alike, so that no
    /// address stops the workbook.
    pub(crate) fn write(
        &mut self,
        sheet: &mut Worksheet,
        (row, column): (u32, u16),
        text: &str,
        format: &Format,
    ) -> Result<()> {
        if self.left > 0 && is_web_url(text) {
            let link = Url::new(text.trim()).set_text(text);
            // Nothing is written when the address is refused: the text goes in its place.
            if sheet
                .write_url_with_format(row, column, link, format)
                .is_ok()
            {
                self.left -= 1;
                return Ok(());
            }
        }
        sheet.write_string_with_format(row, column, text, format)?;
        Ok(())
    }
}

/// The row a table with no rows gets instead: `sentence` (本期无扣分问题。) across its
/// `columns` columns, on `row`.
pub(crate) fn write_none(
    sheet: &mut Worksheet,
    row: u32,
    columns: u16,
    sentence: &str,
    formats: &Formats,
) -> Result<()> {
    if columns > 1 {
        sheet.merge_range(row, 0, row, columns - 1, sentence, &formats.cell)?;
    } else {
        sheet.write_string_with_format(row, 0, sentence, &formats.cell)?;
    }
    Ok(())
}

/// Column headers on row 0 with their widths, the row as tall as the longest heading
/// needs, and frozen.
pub(crate) fn write_header(
    sheet: &mut Worksheet,
    columns: &[(&str, f64)],
    formats: &Formats,
) -> Result<()> {
    for (i, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *name, &formats.header)?;
        sheet.set_column_width(i as u16, *width)?;
    }
    fit_row(sheet, 0, columns.iter().copied())?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_takes_one_line_and_keeps_the_default_height() {
        assert_eq!(wrapped_lines("市民政局", 18.0), 1);
        assert_eq!(wrapped_lines("", 18.0), 1);
        assert_eq!(wrapped_height([("市民政局", 18.0), ("ok", 6.0)]), None);
    }

    #[test]
    fn cjk_characters_count_twice_latin_once() {
        // 60 columns hold 57 units: 28 CJK characters or 57 latin ones a line.
        assert_eq!(wrapped_lines(&"办".repeat(28), 60.0), 1);
        assert_eq!(wrapped_lines(&"办".repeat(29), 60.0), 2);
        assert_eq!(wrapped_lines(&"a".repeat(57), 60.0), 1);
        assert_eq!(wrapped_lines(&"a".repeat(58), 60.0), 2);
        assert_eq!(wrapped_lines(&"办".repeat(100), 60.0), 4);
    }

    #[test]
    fn latin_words_move_to_the_next_line_whole() {
        // 10 columns hold 9 units: "abcd efgh" fits, "abcd efghij" puts efghij below.
        assert_eq!(wrapped_lines("abcd efgh", 10.0), 1);
        assert_eq!(wrapped_lines("abcd efghij", 10.0), 2);
        // A word longer than a line is split.
        assert_eq!(wrapped_lines(&"x".repeat(20), 10.0), 3);
        // A rule id breaks after its dash or slash, not in the middle of a word.
        assert_eq!(wrapped_lines("（ZWGK-215/aid-statistics）", 10.0), 4);
        assert_eq!(wrapped_lines("ZWGK-215/aid", 10.0), 2);
    }

    #[test]
    fn line_breaks_in_the_text_start_lines() {
        assert_eq!(wrapped_lines("一\n二\n三", 30.0), 3);
        assert_eq!(wrapped_lines("一\n\n三", 30.0), 3);
    }

    #[test]
    fn the_tallest_wrapped_cell_sets_the_height() {
        let long = "问题描述".repeat(20);
        // 80 characters of 2 units, 28 a line: 3 lines.
        assert_eq!(
            wrapped_height([("短", 10.0), (long.as_str(), 60.0)]),
            Some(3.0 * LINE_HEIGHT)
        );
        let huge = "长".repeat(100_000);
        assert_eq!(
            wrapped_height([(huge.as_str(), 60.0)]),
            Some(MAX_ROW_HEIGHT)
        );
    }

    #[test]
    fn an_address_excel_refuses_is_written_as_text_and_the_workbook_still_saves() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        let formats = Formats::new();
        let long = format!("https://www.rugao.gov.cn/{}", "a".repeat(3000));
        let texts = [
            long.as_str(),
            "javascript:alert(1)",
            "file:///etc/passwd",
            "/srv/www/a.html",
            "https://www.rugao.gov.cn/a b.html",
        ];
        let mut links = Links::new();
        for (row, text) in texts.iter().enumerate() {
            links
                .write(sheet, (row as u32, 0), text, &formats.cell)
                .unwrap();
        }
        assert_eq!(links.left, MAX_LINKS - 1, "only the last is a link");
        assert!(workbook.save_to_buffer().is_ok());
    }

    #[test]
    fn past_excel_s_limit_of_links_a_sheet_gets_text() {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        let mut links = Links { left: 1 };
        let format = Formats::new().cell;
        for row in 0..2 {
            let url = format!("https://www.rugao.gov.cn/{row}.html");
            links.write(sheet, (row, 0), &url, &format).unwrap();
        }
        assert_eq!(links.left, 0);
        let bytes = workbook.save_to_buffer().unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        assert_eq!(xml.matches("<hyperlink ").count(), 1, "{xml}");
        assert!(
            xml.contains("r=\"A2\""),
            "the second address is still written"
        );
    }

    #[test]
    fn the_page_header_doubles_ampersands_and_stays_within_excel_s_limit() {
        assert_eq!(page_header("A&B 通报"), "&CA&&B 通报");
        assert!(page_header(&"长".repeat(1000)).chars().count() <= 255);
    }
}
