//! Line numbers for fields of a YAML document.
//!
//! serde_yaml reports positions for syntax and type errors but keeps none for values that
//! deserialise fine and are wrong only in context (a duplicate id, a clause that does not
//! exist). The locator records where each node of the same text starts, from the events of
//! yaml-rust2's parser (driven by [`crate::yaml`], which also bounds the input), so
//! validation can name the line.
//!
//! Nodes are kept as a tree, each under its parent with its key or index, rather than as
//! full path strings: the memory and time are then proportional to the number of nodes
//! whatever the depth or the length of the keys.

use std::collections::HashMap;
use std::path::Path;

use yaml_rust2::parser::Event;

use crate::problem::{clip, Problem};

/// Maps field paths such as `requirements[2].clause` to 1-based lines.
#[derive(Debug, Default)]
pub(crate) struct Locator {
    /// Each node's child by key or index; the document's root is node 0.
    children: HashMap<(usize, Step), usize>,
    /// The line of each node, by node number.
    lines: Vec<usize>,
}

/// How a node is reached from its parent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

impl Locator {
    /// Line of the field, falling back to its nearest located parent.
    pub(crate) fn line(&self, path: &str) -> Option<usize> {
        let mut node = 0;
        let mut line = self.lines.first().copied();
        for (i, step) in steps(path).enumerate() {
            match self.children.get(&(node, step)) {
                Some(&child) => {
                    node = child;
                    line = Some(self.lines[child]);
                }
                // A top-level field that is not there has no line at all.
                None if i == 0 => return None,
                None => break,
            }
        }
        line
    }

    /// The node under `parent` reached by `step`; the first one recorded there wins.
    fn child(&mut self, parent: usize, step: Step, line: usize) -> usize {
        let next = self.lines.len();
        let node = *self.children.entry((parent, step)).or_insert(next);
        if node == next {
            self.lines.push(line);
        }
        node
    }
}

/// The keys and indices of a path: `units[3].areas[0]` → units, 3, areas, 0. Keys are field
/// names, which hold neither `.` nor `[`.
fn steps(path: &str) -> impl Iterator<Item = Step> + '_ {
    path.split('.')
        .filter(|part| !part.is_empty())
        .flat_map(|part| {
            let (key, indices) = part.split_at(part.find('[').unwrap_or(part.len()));
            let key = (!key.is_empty()).then(|| Step::Key(key.to_string()));
            let indices = indices
                .split(['[', ']'])
                .filter(|i| !i.is_empty())
                .map(|i| Step::Index(i.parse().unwrap_or(usize::MAX)));
            key.into_iter().chain(indices)
        })
}

/// Builds a [`Locator`] from a document's events, in order.
#[derive(Default)]
pub(crate) struct Walker {
    /// The open collections: their node (`None` when not located, e.g. under a complex key)
    /// and where they are.
    stack: Vec<(Option<usize>, Frame)>,
    locator: Locator,
}

enum Frame {
    Map(Key),
    Seq { next: usize },
}

/// Where a mapping is between its entries.
enum Key {
    /// The next node is a key.
    Expected,
    /// The key just read and its line: the next node is its value.
    Named(String, usize),
    /// A key that is a collection or an alias: its value has no path.
    Complex,
}

impl Walker {
    pub(crate) fn on_event(&mut self, event: Event, line: usize) {
        match event {
            Event::Scalar(value, ..) => {
                if let Some((_, Frame::Map(key @ Key::Expected))) = self.stack.last_mut() {
                    *key = Key::Named(value, line);
                } else {
                    self.enter_value(line);
                }
            }
            Event::Alias(_) => {
                self.enter_value(line);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let node = self.enter_value(line);
                let frame = if matches!(event, Event::MappingStart(..)) {
                    Frame::Map(Key::Expected)
                } else {
                    Frame::Seq { next: 0 }
                };
                self.stack.push((node, frame));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }

    pub(crate) fn finish(self) -> Locator {
        self.locator
    }

    /// Records the node that starts now under its parent, at its key's line in a mapping,
    /// and returns its number; `None` when it has no path (a key, or under one).
    fn enter_value(&mut self, line: usize) -> Option<usize> {
        let Some((parent, frame)) = self.stack.last_mut() else {
            // The document's root.
            if self.locator.lines.is_empty() {
                self.locator.lines.push(line);
            }
            return Some(0);
        };
        let (step, line) = match frame {
            Frame::Map(key) => match std::mem::replace(key, Key::Expected) {
                Key::Named(name, key_line) => (Step::Key(name), key_line),
                Key::Expected => {
                    *key = Key::Complex;
                    return None;
                }
                Key::Complex => return None,
            },
            Frame::Seq { next } => {
                *next += 1;
                (Step::Index(*next - 1), line)
            }
        };
        let parent = (*parent)?;
        Some(self.locator.child(parent, step, line))
    }
}

/// A serde_yaml error as a problem, with its line and the field it names when it has one.
pub(crate) fn serde_problem(path: &Path, err: &serde_yaml::Error) -> Problem {
    let message = err.to_string();
    // serde_yaml prefixes the field path ("requirements[1].weight: invalid type ...") and
    // suffixes the position; keep the message without the position, which we print apart.
    let message = match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message,
    };
    let (field, message) = match message.split_once(": ") {
        Some((field, rest)) if !field.contains(' ') => {
            (field.trim_start_matches('.').to_string(), rest.to_string())
        }
        _ => (String::new(), message),
    };
    Problem {
        file: path.to_path_buf(),
        line: err.location().map(|l| l.line()),
        field,
        message: clip(&serde_message_zh(&message)),
    }
}

/// serde's messages (`missing field `weight``, `invalid type: string "x", expected f64`
/// …) in Chinese; our own visitors' messages, already Chinese, as they are.
pub(crate) fn serde_message_zh(message: &str) -> String {
    let names = |list: &str| {
        list.replace('`', "")
            .replace(", ", "、")
            .replace(" or ", "、")
    };
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("缺少字段 {}", names(field));
    }
    if let Some(field) = message.strip_prefix("duplicate field ") {
        return format!("字段 {} 重复", names(field));
    }
    for (prefix, what) in [("unknown field ", "字段"), ("unknown variant ", "值")] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return match rest.split_once(", expected ") {
                Some((got, expected)) => {
                    let expected = expected.trim_start_matches("one of ");
                    format!("没有{what} {}，可用的有：{}", names(got), names(expected))
                }
                None => match rest.split_once(", there are no ") {
                    Some((got, _)) => format!("没有{what} {}", names(got)),
                    None => format!("没有{what} {}", names(rest)),
                },
            };
        }
    }
    for (prefix, what) in [
        ("invalid type: ", "类型不对"),
        ("invalid value: ", "值不对"),
    ] {
        if let Some((got, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(", expected "))
        {
            return format!(
                "{what}：应为{}，实际是{}",
                expected_zh(expected),
                unexpected_zh(got)
            );
        }
    }
    if let Some((got, expected)) = message
        .strip_prefix("invalid length ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        return format!("长度不对：应为{}，实际有 {got} 项", expected_zh(expected));
    }
    if let Some((_, zh)) = CHRONO_MESSAGES.iter().find(|(en, _)| *en == message) {
        return zh.to_string();
    }
    if let Some(name) = message.strip_prefix("data did not match any variant of untagged enum ") {
        return format!("内容不符合 {name} 的任何一种写法");
    }
    message.to_string()
}

/// chrono's date parse errors, which reach serde as custom messages.
const CHRONO_MESSAGES: [(&str, &str); 6] = [
    ("input is out of range", "日期超出范围"),
    (
        "input contains invalid characters",
        "日期中有无效字符，应为 YYYY-MM-DD",
    ),
    ("premature end of input", "日期不完整，应为 YYYY-MM-DD"),
    ("trailing input", "日期后面有多余的内容，应为 YYYY-MM-DD"),
    (
        "input is not enough for unique date and time",
        "日期不完整，应为 YYYY-MM-DD",
    ),
    ("no possible date and time matching input", "没有这个日期"),
];

/// What serde expected (`a string`, `f64`, `struct Standard` …), in Chinese.
fn expected_zh(expected: &str) -> String {
    let expected = expected.trim();
    let word = match expected {
        "a string" | "string" | "a borrowed string" | "a character" | "char" => "字符串",
        "f32" | "f64" | "a number" => "数",
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
        | "an integer" => "整数",
        "a boolean" | "bool" => "true 或 false",
        "a sequence" | "a list" => "列表",
        "a map" => "映射（键: 值）",
        "unit" => "空值",
        "a period, YYYY-Qn or YYYY" => "季度 YYYY-Qn 或年份 YYYY",
        other if other.starts_with("struct ") || other.starts_with("a map") => "映射（键: 值）",
        other if other.starts_with("a sequence") || other.starts_with("a tuple") => "列表",
        other if other.starts_with("enum ") || other.starts_with("variant ") => "可选值之一",
        other => return format!(" {other}"),
    };
    format!(" {word}")
}

/// What serde found (`string "abc"`, `integer `5``, `sequence` …), in Chinese.
fn unexpected_zh(got: &str) -> String {
    let got = got.trim();
    let value = |rest: &str| rest.trim().trim_matches('`').to_string();
    let (word, shown) = if let Some(rest) = got.strip_prefix("string ") {
        ("字符串", rest.trim().to_string())
    } else if let Some(rest) = got.strip_prefix("integer ") {
        ("整数", value(rest))
    } else if let Some(rest) = got.strip_prefix("floating point ") {
        ("小数", value(rest))
    } else if let Some(rest) = got.strip_prefix("boolean ") {
        ("真假值", value(rest))
    } else if let Some(rest) = got.strip_prefix("char ") {
        ("字符", rest.trim().to_string())
    } else {
        let word = match got {
            "sequence" => "列表",
            "map" => "映射",
            "unit value" | "null" => "空值",
            "Option value" => "可选值",
            "newtype struct" | "tuple variant" | "struct variant" | "unit variant"
            | "newtype variant" | "enum" => "标签值",
            other => return format!(" {other}"),
        };
        (word, String::new())
    };
    if shown.is_empty() {
        format!(" {word}")
    } else {
        format!(" {word} {shown}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_read_in_chinese() {
        let cases = [
            ("missing field `weight`", "缺少字段 weight"),
            (
                "unknown field `owner`, expected one of `id`, `title`",
                "没有字段 owner，可用的有：id、title",
            ),
            (
                "invalid type: string \"heavy\", expected u32",
                "类型不对：应为 整数，实际是 字符串 \"heavy\"",
            ),
            (
                "unknown variant `x`, expected `a` or `b`",
                "没有值 x，可用的有：a、b",
            ),
            ("input is out of range", "日期超出范围"),
            ("已经是中文", "已经是中文"),
        ];
        for (english, chinese) in cases {
            assert_eq!(serde_message_zh(english), chinese);
        }
    }

    #[test]
    fn finds_lines_of_nested_fields() {
        let source = "id: A\nclauses:\n  - no: \"1\"\n    text: x\n  - no: \"2\"\n    title: y\nitems: []\nflow: {a: 1, b: [x, y]}\n";
        let loc = crate::yaml::walk(source).unwrap();
        assert_eq!(loc.line("id"), Some(1));
        assert_eq!(loc.line("clauses"), Some(2));
        assert_eq!(loc.line("clauses[0].no"), Some(3));
        assert_eq!(loc.line("clauses[1]"), Some(5));
        assert_eq!(loc.line("clauses[1].title"), Some(6));
        assert_eq!(loc.line("flow.b[1]"), Some(8));
        // Unknown leaf falls back to its parent.
        assert_eq!(loc.line("clauses[1].missing"), Some(5));
        assert_eq!(loc.line("nothing"), None);
    }

    #[test]
    fn long_keys_do_not_slow_the_locator() {
        // Full path strings would copy the 200 KB key into each of the 3,000 items' paths.
        let source = format!("? {}\n:\n{}", "k".repeat(200_000), "  - 1\n".repeat(3000));
        let start = std::time::Instant::now();
        let loc = crate::yaml::walk(&source).unwrap();
        assert!(start.elapsed().as_millis() < 1000, "{:?}", start.elapsed());
        assert_eq!(
            loc.line(&format!("{}[2999]", "k".repeat(200_000))),
            Some(3002)
        );
    }

    #[test]
    fn complex_keys_are_skipped_with_their_values() {
        let loc = crate::yaml::walk("? [a, b]\n: {x: 1}\nafter: 2\n").unwrap();
        assert_eq!(loc.line("after"), Some(3));
        assert_eq!(loc.line("x"), None);
    }

    #[test]
    fn serde_errors_keep_field_and_line() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct R {
            weight: u32,
        }
        let err = serde_yaml::from_str::<Vec<R>>("- weight: 1\n- weight: heavy\n").unwrap_err();
        let problem = serde_problem(Path::new("f.yaml"), &err);
        assert_eq!(problem.line, Some(2));
        assert_eq!(problem.field, "[1].weight");
        assert!(problem.message.contains("类型不对"), "{}", problem.message);
    }
}
