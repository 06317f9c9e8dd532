//! Line numbers for fields of a YAML document.
//!
//! serde_yaml reports positions for syntax and type errors but keeps none for values that
//! deserialise fine and are wrong only in context (a duplicate id, a clause that does not
//! exist). The locator walks the same text with yaml-rust2's event parser and records where
//! each field path starts, so validation can name the line.

use std::collections::HashMap;
use std::path::Path;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::problem::Problem;

/// Maps field paths such as `requirements[2].clause` to 1-based lines.
#[derive(Debug, Default)]
pub(crate) struct Locator {
    lines: HashMap<String, usize>,
}

impl Locator {
    /// Records the position of every node; a document that fails to parse yields an empty
    /// locator (its syntax error is reported by serde_yaml, with its position).
    pub(crate) fn new(source: &str) -> Locator {
        let mut walker = Walker::default();
        let mut parser = Parser::new_from_str(source);
        if parser.load(&mut walker, false).is_err() {
            return Locator::default();
        }
        Locator {
            lines: walker.lines,
        }
    }

    /// Line of the field, falling back to its nearest located parent.
    pub(crate) fn line(&self, path: &str) -> Option<usize> {
        let mut path = path;
        loop {
            if let Some(line) = self.lines.get(path) {
                return Some(*line);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

enum Frame {
    /// In a mapping: the key just read and its line, waiting for its value.
    Map {
        key: Option<(String, usize)>,
    },
    Seq {
        next: usize,
    },
}

#[derive(Default)]
struct Walker {
    stack: Vec<(Frame, String)>,
    lines: HashMap<String, usize>,
}

impl Walker {
    /// The path of the node that starts now and the line it is reported at (its key's line
    /// in a mapping), advancing the parent's position.
    fn enter_value(&mut self, line: usize) -> Option<(String, usize)> {
        let (frame, base) = self.stack.last_mut()?;
        let join = |child: &str| {
            if base.is_empty() {
                child.to_string()
            } else {
                format!("{base}.{child}")
            }
        };
        match frame {
            Frame::Map { key } => key.take().map(|(k, key_line)| (join(&k), key_line)),
            Frame::Seq { next } => {
                *next += 1;
                Some((format!("{base}[{}]", *next - 1), line))
            }
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let line = mark.line();
        match event {
            Event::Scalar(value, ..) => {
                // A scalar in key position is a key, not a value.
                if let Some((Frame::Map { key: key @ None }, _)) = self.stack.last_mut() {
                    *key = Some((value, line));
                    return;
                }
                if let Some((path, line)) = self.enter_value(line) {
                    self.lines.entry(path).or_insert(line);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let (path, line) = if self.stack.is_empty() {
                    (String::new(), line)
                } else {
                    self.enter_value(line).unwrap_or_default()
                };
                self.lines.entry(path.clone()).or_insert(line);
                let frame = if matches!(event, Event::MappingStart(..)) {
                    Frame::Map { key: None }
                } else {
                    Frame::Seq { next: 0 }
                };
                self.stack.push((frame, path));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                let _ = self.enter_value(line);
            }
            _ => {}
        }
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
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_of_nested_fields() {
        let source = "id: A\nclauses:\n  - no: \"1\"\n    text: x\n  - no: \"2\"\n    title: y\nitems: []\nflow: {a: 1, b: [x, y]}\n";
        let loc = Locator::new(source);
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
        assert!(
            problem.message.contains("invalid type"),
            "{}",
            problem.message
        );
    }
}
