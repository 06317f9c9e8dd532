//! CSV files as offices save them: UTF-8 with or without a byte order mark, or GB18030/GBK
//! (what Chinese Excel writes for "CSV (逗号分隔)"); LF, CRLF or CR line ends.
//!
//! Record boundaries come from csv-core's state machine, read in blocks (hashed on the
//! way). A block is parsed from a record start, so a record is never cut, whatever
//! happens later in parallel. csv-core finds *a* parse for any input; what it tolerates
//! but an office file never contains — a quote left open, text after a closing quote —
//! is refused here, with the line where the quote opened, because it is how rows vanish
//! into one field.

use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use csv_core::ReadRecordResult;
use encoding_rs::{Decoder, DecoderResult, GB18030};
use sha2::{Digest, Sha256};

use super::batch::{Batch, Span};
use crate::problem::{quote, Problem};

/// Bytes read per block.
const BLOCK: usize = 8 << 20;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// No record of the data contract comes near this (15 fields of at most 32,767
/// characters): a record still open after it is a quote left open.
const MAX_RECORD: usize = 4 << 20;

/// How a CSV file's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

impl Encoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8（带BOM）",
            Encoding::Gb18030 => "GB18030",
        }
    }
}

/// Chinese characters read as UTF-8 before a bad byte that make a file UTF-8: GBK text
/// hardly ever passes for a few UTF-8 characters in a row.
const UTF8_EVIDENCE: usize = 4;

const CONVERT: &str = "请用 WPS 或 Excel 打开后另存为“CSV UTF-8（逗号分隔）”";

/// Reads a CSV file block by block into batches of records.
pub(super) struct CsvReader {
    path: PathBuf,
    file: File,
    hasher: Sha256,
    /// `None` while every byte so far was ASCII, which reads the same in both encodings.
    encoding: Option<Encoding>,
    decoder: Option<Decoder>,
    /// The text from the start of the record in progress at the end of the last block: it
    /// is read again, whole, with the next block.
    pending: Vec<u8>,
    /// Buffers of blocks already read, to read the next ones into.
    spare: Box<Spare>,
    /// Line breaks before `pending`.
    lines: Lines,
    started: bool,
    eof: bool,
    /// Column names, once the header is read: problems name the field.
    header: Vec<String>,
    header_line: usize,
}

impl CsvReader {
    pub(super) fn open(path: &Path, file: File) -> CsvReader {
        CsvReader {
            path: path.to_path_buf(),
            file,
            hasher: Sha256::new(),
            encoding: None,
            decoder: None,
            pending: Vec::new(),
            spare: Box::default(),
            lines: Lines::default(),
            started: false,
            eof: false,
            header: Vec::new(),
            header_line: 1,
        }
    }

    /// The header's column names (empty until the first block is read) and its line.
    pub(super) fn header(&self) -> (&[String], usize) {
        (&self.header, self.header_line)
    }

    /// The encoding found (UTF-8 for a file with only ASCII in it).
    pub(super) fn encoding(&self) -> Encoding {
        self.encoding.unwrap_or(Encoding::Utf8)
    }

    /// The SHA-256 of every byte of the file.
    pub(super) fn sha256(&self) -> String {
        format!("{:x}", self.hasher.clone().finalize())
    }

    /// The next block's records; `None` after the last.
    pub(super) fn next_batch(&mut self) -> Result<Option<Batch>, Problem> {
        if self.eof && self.pending.is_empty() {
            return Ok(None);
        }
        // The record in progress, then the next block read straight after it.
        let mut input = std::mem::take(&mut self.spare.input);
        input.clear();
        input.extend_from_slice(&self.pending);
        let kept = input.len();
        self.read_block(&mut input)?;
        let mut hasher = std::mem::take(&mut self.hasher);
        let unhashed = self.decode_block(&mut input, kept, &mut hasher)?;
        // Hash the bytes read on another core while they are parsed.
        let (parsed, ()) = rayon::join(|| self.parse(&input), || hasher.update(&input[unhashed]));
        self.hasher = hasher;
        let parsed = parsed?;
        self.pending.clear();
        self.pending.extend_from_slice(&input[parsed.consumed..]);
        self.spare.input = input;
        if self.pending.len() > MAX_RECORD {
            return Err(self.oversized_record());
        }
        Ok(Some(Batch::new(
            parsed.out,
            parsed.ends,
            parsed.spans,
            parsed.refused,
        )))
    }

    /// Takes back the buffers of a batch that was read: the next batches are read into
    /// them instead of into memory fresh from the system.
    pub(super) fn recycle(&mut self, batch: Batch) {
        let (text, ends, spans) = batch.into_buffers();
        self.spare.text = text;
        self.spare.ends = ends;
        self.spare.spans = spans;
    }

    /// Appends the next block of the file's bytes to `input`.
    fn read_block(&mut self, input: &mut Vec<u8>) -> Result<(), Problem> {
        input.reserve(BLOCK);
        let read = (&mut self.file)
            .take(BLOCK as u64)
            .read_to_end(input)
            .map_err(|err| Problem::unreadable(&self.path, &err))?;
        if read < BLOCK {
            self.eof = true;
        }
        Ok(())
    }

    /// Makes the bytes just read (`input[kept..]`) UTF-8 text in place, deciding the
    /// encoding on the first block that is not all ASCII. Bytes that change on the way
    /// (a byte order mark, GB18030 text) are hashed here; the rest, returned, are hashed
    /// as they are.
    fn decode_block(
        &mut self,
        input: &mut Vec<u8>,
        kept: usize,
        hasher: &mut Sha256,
    ) -> Result<Range<usize>, Problem> {
        if !std::mem::replace(&mut self.started, true) && self.opening(&input[kept..])? {
            hasher.update(BOM);
            input.drain(kept..kept + BOM.len());
        }
        if self.encoding.is_none() && !input[kept..].is_ascii() {
            self.encoding = Some(self.detect(&input[..kept], &input[kept..])?);
        }
        if self.encoding != Some(Encoding::Gb18030) {
            return Ok(kept..input.len());
        }
        let raw = input.split_off(kept);
        hasher.update(&raw);
        self.decode(input, &raw)?;
        Ok(0..0)
    }

    /// Whether the file starts with a UTF-8 byte order mark; files that are not CSV text
    /// at all are refused by what they start with.
    fn opening(&mut self, raw: &[u8]) -> Result<bool, Problem> {
        if raw.starts_with(BOM) {
            self.encoding = Some(Encoding::Utf8Bom);
            return Ok(true);
        }
        let refuse = |message: String| Err(Problem::file(&self.path, message));
        if raw.starts_with(b"\xFF\xFE") || raw.starts_with(b"\xFE\xFF") {
            return refuse(format!(
                "文件是 UTF-16 编码（Excel 的“Unicode 文本”），不是 CSV；{CONVERT}"
            ));
        }
        if raw.starts_with(b"PK\x03\x04") {
            return refuse(format!(
                "这是 Excel 工作簿（.xlsx），不是 CSV 文本：请把扩展名改为 .xlsx，或{}",
                CONVERT.trim_start_matches('请')
            ));
        }
        Ok(false)
    }

    /// UTF-8 when the first non-ASCII block is UTF-8, else GB18030 when it decodes as that.
    /// Text that was UTF-8 for a while before a bad byte is a damaged UTF-8 file, not
    /// GB18030 (which would read it as nonsense without complaint).
    fn detect(&self, input: &[u8], raw: &[u8]) -> Result<Encoding, Problem> {
        let bad = match std::str::from_utf8(raw) {
            Ok(_) => return Ok(Encoding::Utf8),
            // A character cut by the end of the block, not a bad byte.
            Err(err) if err.error_len().is_none() && !self.eof => return Ok(Encoding::Utf8),
            Err(err) => err.valid_up_to(),
        };
        let line = self.lines.line() + Lines::count(input) + Lines::count(&raw[..bad]);
        let fail = |message: String| Problem {
            line: Some(line),
            ..Problem::file(&self.path, message)
        };
        let utf8_before = String::from_utf8_lossy(&raw[..bad])
            .chars()
            .filter(|c| !c.is_ascii())
            .count();
        if utf8_before >= UTF8_EVIDENCE {
            return Err(fail(format!(
                "文件是 UTF-8 编码，这一行却有不是 UTF-8 的字节（文件已损坏，或由两种编码拼成）；{CONVERT}"
            )));
        }
        let mut decoder = GB18030.new_decoder_without_bom_handling();
        if decode_into(&mut decoder, raw, &mut Vec::new(), self.eof) {
            return Ok(Encoding::Gb18030);
        }
        Err(fail(format!(
            "既不是 UTF-8 也不是 GB18030 编码，无法读取；{CONVERT}"
        )))
    }

    /// Appends `raw` decoded from GB18030 to `input`.
    fn decode(&mut self, input: &mut Vec<u8>, raw: &[u8]) -> Result<(), Problem> {
        let decoder = self
            .decoder
            .get_or_insert_with(|| GB18030.new_decoder_without_bom_handling());
        if decode_into(decoder, raw, input, self.eof) {
            return Ok(());
        }
        Err(Problem {
            line: Some(self.lines.line() + Lines::count(input)),
            ..Problem::file(
                &self.path,
                format!("文件按 GB18030 编码读取，但这一行有无法识别的字节；{CONVERT}"),
            )
        })
    }

    /// Splits `input` into records with csv-core, from its start; stops before a record
    /// that the block does not finish (unless the file ends).
    fn parse(&mut self, input: &[u8]) -> Result<Parsed, Problem> {
        let mut reader = csv_core::Reader::new();
        let mut parsed = Parsed {
            out: std::mem::take(&mut self.spare.text),
            ends: std::mem::take(&mut self.spare.ends),
            spans: std::mem::take(&mut self.spare.spans),
            ..Parsed::default()
        };
        // Unquoted text is never longer than the input; what is left of a recycled
        // buffer needs no clearing, as only what csv-core writes is kept.
        parsed.out.resize(parsed.out.len().max(input.len() + 1), 0);
        parsed.ends.clear();
        parsed.spans.clear();
        let mut fields = vec![0usize; 32];
        let (mut pos, mut out_len, mut nfields) = (0, 0, 0);
        let (mut record_start, mut out_start) = (0, 0);
        loop {
            if pos == input.len() && !self.eof {
                break;
            }
            let (result, nin, nout, nend) = reader.read_record(
                &input[pos..],
                &mut parsed.out[out_len..],
                &mut fields[nfields..],
            );
            pos += nin;
            out_len += nout;
            nfields += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => parsed.out.resize(parsed.out.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => fields.resize(fields.len() * 2, 0),
                ReadRecordResult::Record => {
                    let raw = &input[record_start..pos];
                    self.record(&mut parsed, raw, out_start, &fields[..nfields])?;
                    (record_start, out_start, nfields) = (pos, out_len, 0);
                }
                ReadRecordResult::End => break,
            }
        }
        parsed.out.truncate(out_start);
        // Line ends before the record in progress are done with (a file of blank lines
        // must not pile up); at the end of the file, nothing else can follow.
        let breaks = leading_breaks(&input[record_start..]);
        self.lines.advance_line_ends(breaks);
        parsed.consumed = if self.eof {
            input.len()
        } else {
            record_start + breaks.len()
        };
        Ok(parsed)
    }

    /// Adds one record, or refuses it when its quoting is broken.
    fn record(
        &mut self,
        parsed: &mut Parsed,
        raw: &[u8],
        out_start: usize,
        fields: &[usize],
    ) -> Result<(), Problem> {
        // csv-core skips line ends before a record (blank lines, the LF of a CRLF).
        let breaks = leading_breaks(raw);
        self.lines.advance_line_ends(breaks);
        let line = self.lines.line();
        let body = &raw[breaks.len()..];
        if self.lines.advance(body) {
            if let Err(broken) = check_quotes(body) {
                let problem = self.quote_problem(line, body, broken);
                // Without its header a file cannot be read at all.
                return match broken {
                    QuoteError::TextAfter { .. } if !self.header.is_empty() => {
                        parsed.refused.push(problem);
                        Ok(())
                    }
                    _ => Err(problem),
                };
            }
        }
        if self.header.is_empty() {
            self.header = header_names(&parsed.out[out_start..], fields);
            self.header_line = line;
            return Ok(());
        }
        let from = parsed.ends.len();
        parsed.ends.extend(fields.iter().map(|&end| end as u32));
        parsed.spans.push(Span {
            start: out_start,
            ends_from: from,
            ends_to: parsed.ends.len(),
            line,
        });
        Ok(())
    }

    fn field_name(&self, index: usize) -> String {
        match self.header.get(index) {
            Some(name) => format!("{name}（第{}列）", index + 1),
            None if self.header.is_empty() => "表头".into(),
            None => format!("第{}列", index + 1),
        }
    }

    fn quote_problem(&self, line: usize, body: &[u8], broken: QuoteError) -> Problem {
        let line_at = |offset: usize| line + Lines::count(&body[..offset]);
        let (field, message) = match broken {
            QuoteError::Unclosed { field, open } => (
                field,
                format!(
                    "第{}行这个字段以引号开头，但直到文件结束都没有闭合的引号：请补上闭合的引号",
                    line_at(open)
                ),
            ),
            QuoteError::TextAfter { field, open, close } => {
                let after = String::from_utf8_lossy(&body[close..body.len().min(close + 300)]);
                let (open_line, close_line) = (line_at(open), line_at(close));
                let mut message = format!(
                    "引号闭合后又接着文字 {}：字段中的引号要写成两个（\"\"），并把整个字段用引号括起来",
                    quote(after.lines().next().unwrap_or_default())
                );
                if close_line > open_line {
                    message = format!(
                        "引号从第{open_line}行开始，到第{close_line}行才闭合，其后又接着文字：多半是第{open_line}行少了闭合的引号，其间各行都读成了这一个字段"
                    );
                }
                (field, message)
            }
        };
        Problem {
            file: self.path.clone(),
            line: Some(line_at(broken.open())),
            field: self.field_name(field),
            message,
        }
    }

    fn oversized_record(&self) -> Problem {
        let (line, body) = (self.lines.line(), &self.pending[..]);
        match check_quotes(body) {
            Err(broken @ QuoteError::Unclosed { .. }) => self.quote_problem(line, body, broken),
            _ => Problem {
                line: Some(line),
                ..Problem::file(
                    &self.path,
                    format!(
                        "从这一行开始的一条记录超过 {} MB 仍未结束，不是正常的数据",
                        MAX_RECORD >> 20
                    ),
                )
            },
        }
    }
}

/// Buffers to read blocks into.
#[derive(Default)]
struct Spare {
    input: Vec<u8>,
    text: Vec<u8>,
    ends: Vec<u32>,
    spans: Vec<Span>,
}

/// What parsing one block gave.
#[derive(Default)]
struct Parsed {
    out: Vec<u8>,
    ends: Vec<u32>,
    spans: Vec<Span>,
    refused: Vec<Problem>,
    /// Bytes of whole records (the rest starts the next block).
    consumed: usize,
}

/// The header's column names (a byte order mark is not part of the first).
fn header_names(record: &[u8], fields: &[usize]) -> Vec<String> {
    let mut start = 0;
    fields
        .iter()
        .map(|&end| {
            let name = String::from_utf8_lossy(&record[start..end]);
            start = end;
            name.trim_start_matches('\u{feff}').trim().to_string()
        })
        .collect()
}

/// Decodes `raw` onto `out`; `false` at the first malformed byte (what was decoded
/// before it is kept, so its line can be told).
fn decode_into(decoder: &mut Decoder, mut raw: &[u8], out: &mut Vec<u8>, last: bool) -> bool {
    loop {
        let room = decoder
            .max_utf8_buffer_length_without_replacement(raw.len())
            .unwrap_or(raw.len() * 3);
        let mut text = String::with_capacity(room);
        let (result, read) = decoder.decode_to_string_without_replacement(raw, &mut text, last);
        out.extend_from_slice(text.as_bytes());
        raw = &raw[read..];
        match result {
            DecoderResult::InputEmpty => return true,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(..) => return false,
        }
    }
}

/// Physical lines: CRLF, LF and a lone CR each end one.
#[derive(Debug, Default, Clone, Copy)]
struct Lines {
    breaks: usize,
    after_cr: bool,
}

impl Lines {
    /// The 1-based line at the position reached.
    fn line(&self) -> usize {
        self.breaks + 1
    }

    /// Counts the line ends in `bytes`; `true` when they hold a quote (found on the same
    /// pass, as every record is scanned anyway).
    fn advance(&mut self, bytes: &[u8]) -> bool {
        let mut quoted = false;
        for at in memchr::memchr3_iter(b'\r', b'\n', b'"', bytes) {
            if bytes[at] == b'"' {
                quoted = true;
                continue;
            }
            let after_cr = if at == 0 {
                self.after_cr
            } else {
                bytes[at - 1] == b'\r'
            };
            // The LF of a CRLF does not end another line.
            if bytes[at] == b'\r' || !after_cr {
                self.breaks += 1;
            }
        }
        if let Some(&last) = bytes.last() {
            self.after_cr = last == b'\r';
        }
        quoted
    }

    /// Counts a run of line ends (blank lines): byte by byte, which is faster than a
    /// search when every byte is a hit.
    fn advance_line_ends(&mut self, run: &[u8]) {
        for &byte in run {
            if byte == b'\r' || !self.after_cr {
                self.breaks += 1;
            }
            self.after_cr = byte == b'\r';
        }
    }

    /// Line breaks in `bytes` (read from a line start).
    fn count(bytes: &[u8]) -> usize {
        let mut lines = Lines::default();
        lines.advance(bytes);
        lines.breaks
    }
}

/// The line ends `bytes` starts with.
fn leading_breaks(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    &bytes[..n]
}

/// Quoting that csv-core reads anyway but that no office software writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteError {
    /// A field opened with a quote that never closes: every later line became part of it.
    Unclosed { field: usize, open: usize },
    /// Text after a field's closing quote (`"abc"def`): either a quote inside a value
    /// written alone, or a quote left open whose "closing" quote opened a later field.
    TextAfter {
        field: usize,
        open: usize,
        close: usize,
    },
}

impl QuoteError {
    fn open(self) -> usize {
        match self {
            QuoteError::Unclosed { open, .. } | QuoteError::TextAfter { open, .. } => open,
        }
    }
}

/// Walks one record's bytes (from its first field to its line end) the way RFC 4180
/// quotes fields. A quote inside an unquoted field is a character, as Excel reads it.
fn check_quotes(record: &[u8]) -> Result<(), QuoteError> {
    let mut at = 0;
    let mut field = 0;
    while at < record.len() {
        if record[at] == b'"' {
            let open = at;
            at += 1;
            loop {
                let Some(next) = memchr::memchr(b'"', &record[at..]) else {
                    return Err(QuoteError::Unclosed { field, open });
                };
                at += next + 1;
                if record.get(at) != Some(&b'"') {
                    break;
                }
                at += 1; // "" is one quote
            }
            match record.get(at) {
                None | Some(b'\r' | b'\n') => return Ok(()),
                Some(b',') => {}
                Some(_) => {
                    return Err(QuoteError::TextAfter {
                        field,
                        open,
                        close: at,
                    })
                }
            }
        } else {
            match memchr::memchr3(b',', b'\r', b'\n', &record[at..]) {
                Some(next) if record[at + next] == b',' => at += next,
                _ => return Ok(()),
            }
        }
        at += 1; // past the comma
        field += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_checked_as_rfc_4180_reads_them() {
        assert_eq!(check_quotes(b"a,\"b,\"\"c\"\"\",d\r\n"), Ok(()));
        assert_eq!(
            check_quotes("关于“十三五\"规划的通知,x\n".as_bytes()),
            Ok(())
        );
        assert_eq!(check_quotes(b"a,\"multi\nline\"\n"), Ok(()));
        assert_eq!(check_quotes(b"a,\"\"\n"), Ok(()));
        assert_eq!(
            check_quotes(b"a,b,\"open\nc,d\n"),
            Err(QuoteError::Unclosed { field: 2, open: 4 })
        );
        assert_eq!(
            check_quotes(b"a,\"b\"c,d\n"),
            Err(QuoteError::TextAfter {
                field: 1,
                open: 2,
                close: 5
            })
        );
    }

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        assert_eq!(Lines::count(b"a\nb\r\nc\rd"), 3);
        let mut lines = Lines::default();
        lines.advance(b"a\r");
        lines.advance(b"\nb\n");
        assert_eq!(
            lines.line(),
            3,
            "a CRLF split between reads is one line end"
        );
    }
}
