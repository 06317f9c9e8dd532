//! Records read from a table file, whatever the file was (CSV in any encoding, a sheet):
//! a batch holds many records in one buffer, so that reading allocates per batch, not per
//! record or field.

use crate::problem::Problem;

/// Records in one buffer: record `i`'s fields end at `ends[records[i].ends_from..]`,
/// counted from the record's `start` in `text`. The text is checked as UTF-8 record by
/// record, when the record is read (on every core), not as the batch is built.
#[derive(Debug, Default)]
pub(super) struct Batch {
    text: Vec<u8>,
    ends: Vec<u32>,
    records: Vec<Span>,
    /// Rows the reader already refused (bad quoting, an error cell), one problem each.
    pub refused: Vec<Problem>,
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
    /// The records `records` of `text`, and the rows the reader refused.
    pub(super) fn new(
        text: Vec<u8>,
        ends: Vec<u32>,
        records: Vec<Span>,
        refused: Vec<Problem>,
    ) -> Batch {
        Batch {
            text,
            ends,
            records,
            refused,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.records.len()
    }

    /// The buffers, to read more records into.
    pub(super) fn into_buffers(self) -> (Vec<u8>, Vec<u32>, Vec<Span>) {
        (self.text, self.ends, self.records)
    }

    /// Record `i`, or `Err(line)` when its text is not UTF-8.
    pub(super) fn record(&self, i: usize) -> Result<RawRecord<'_>, usize> {
        let span = self.records[i];
        let ends = &self.ends[span.ends_from..span.ends_to];
        let end = span.start + ends.last().map_or(0, |e| *e as usize);
        let text =
            simdutf8::basic::from_utf8(&self.text[span.start..end]).map_err(|_| span.line)?;
        Ok(RawRecord {
            text,
            ends,
            line: span.line,
        })
    }
}

impl<'a> RawRecord<'a> {
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Fields are stored without separators: a record is blank when its text is.
    pub(super) fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Field `i`. Fields end where the file had a separator (an ASCII byte), so an end
    /// is always a character boundary of valid text.
    pub(super) fn field(&self, i: usize) -> &'a str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text
            .get(start..self.ends[i] as usize)
            .unwrap_or_default()
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
    fn records_share_one_buffer_and_are_checked_one_by_one() {
        // "a","1" | "bc" | " ","　" (blank: a space and an ideographic space) | not UTF-8
        let mut text = "a1bc \u{3000}".as_bytes().to_vec();
        text.push(0xff);
        let ends = vec![1, 2, 2, 1, 4, 1];
        let spans = vec![
            span(0, 0..2, 1),
            span(2, 2..3, 2),
            span(4, 3..5, 3),
            span(8, 5..6, 4),
        ];
        let batch = Batch::new(text, ends, spans, Vec::new());
        assert_eq!(batch.len(), 4);
        let first = batch.record(0).unwrap();
        assert_eq!(first.fields().collect::<Vec<_>>(), ["a", "1"]);
        assert_eq!(batch.record(1).unwrap().field(0), "bc");
        assert_eq!(batch.record(1).unwrap().line, 2);
        assert!(batch.record(2).unwrap().is_blank());
        assert_eq!(
            batch.record(3).unwrap_err(),
            4,
            "the line of a record that is not UTF-8"
        );
    }
}
