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
        message: clip(&message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(
            problem.message.contains("invalid type"),
            "{}",
            problem.message
        );
    }
}
