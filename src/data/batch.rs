//! Records read from a table file, as text, whatever the file was (CSV in any encoding,
//! a sheet): a batch holds many records in one buffer, so that reading allocates per
//! batch, not per record or field.

use crate::problem::Problem;

/// Records in one text buffer: record `i`'s fields end at `ends[records[i].ends]`,
/// counted from the record's `start` in `text`.
#[derive(Debug, Default)]
pub(super) struct Batch {
    text: String,
    ends: Vec<u32>,
    records: Vec<Span>,
    /// Rows the reader already refused (bad quoting, an error cell), one problem each.
    pub refused: Vec<Problem>,
    /// Rows with no value in any field, which carry no data and are left out.
    pub blank: usize,
}

/// Where one record's text and field ends are.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    /// Offset of the record's text in the batch's text.
    pub start: usize,
    /// Its field ends in the batch's ends.
    pub ends_from: usize,
    pub ends_to: usize,
    /// First physical line of the record (CSV), or its row (sheet).
    pub line: usize,
}

/// One record of a batch.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawRecord<'a> {
    text: &'a str,
    ends: &'a [u32],
    /// First physical line of the record (CSV), or its row (sheet).
    pub line: usize,
}

impl Batch {
    /// The records `spans` of `text`, leaving out (and counting) rows with no value in
    /// any field: they carry no data.
    pub(super) fn new(text: String, ends: Vec<u32>, mut records: Vec<Span>) -> Batch {
        let before = records.len();
        records.retain(|span| {
            let end = span.start
                + ends[span.ends_from..span.ends_to]
                    .last()
                    .map_or(0, |e| *e as usize);
            // Fields are stored without separators: a record is blank when its text is.
            !text[span.start..end].trim().is_empty()
        });
        Batch {
            blank: before - records.len(),
            text,
            ends,
            records,
            refused: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    pub(super) fn record(&self, i: usize) -> RawRecord<'_> {
        let span = self.records[i];
        let ends = &self.ends[span.ends_from..span.ends_to];
        let end = span.start + ends.last().map_or(0, |e| *e as usize);
        RawRecord {
            text: &self.text[span.start..end],
            ends,
            line: span.line,
        }
    }
}

impl<'a> RawRecord<'a> {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn field(&self, i: usize) -> &'a str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub(super) fn fields(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.field(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, ends: std::ops::Range<usize>, line: usize) -> Span {
        Span {
            start,
            ends_from: ends.start,
            ends_to: ends.end,
            line,
        }
    }

    #[test]
    fn records_share_one_buffer_and_blank_rows_are_counted() {
        // "a","1" | "bc" | " ","　" (blank: a space and an ideographic space)
        let text = "a1bc \u{3000}".to_string();
        let ends = vec![1, 2, 2, 1, 4];
        let batch = Batch::new(
            text,
            ends,
            vec![span(0, 0..2, 1), span(2, 2..3, 2), span(4, 3..5, 3)],
        );
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.blank, 1);
        assert_eq!(batch.record(0).fields().collect::<Vec<_>>(), ["a", "1"]);
        assert_eq!(batch.record(1).field(0), "bc");
        assert_eq!(batch.record(1).line, 2);
    }
}
