//! Reading YAML input within bounds.
//!
//! Every YAML file zwgk reads goes through [`read`] (or [`read_bytes`]) and [`parse`].
//! serde_yaml's parser (libyaml) takes time quadratic in the nesting depth, and serde_yaml
//! deserialises every alias by replaying the node it names: 200 KB of nested brackets kept
//! it busy for half a minute, and a list of 1,000 areas aliased by 10,000 units took 580 MB
//! (memory grows with the list times the aliases). So before
//! serde_yaml sees a text, one streaming pass of yaml-rust2's event parser checks it
//! against the bounds below and stops at the first breach; the same pass records the lines
//! of the fields for the validators ([`Locator`]).
//!
//! The bounds are far above what the shipped files need (the largest is 23 KB, 1,614 nodes;
//! none is more than 5 levels deep):
//! - [`MAX_BYTES`] per file. yaml-rust2 reads a flow collection (`[…]`, `{…}`) to its end
//!   before it reports the collection's first event, keeping every token (a 10 MB flow
//!   list took 3.5 s and 680 MB), so the file size is what bounds that look-ahead;
//! - [`MAX_DEPTH`] levels of collections inside collections;
//! - [`MAX_NODES`] nodes, an alias counting as the nodes of the node it names, expanded
//!   (aliases inside that node included): what deserialising the document costs.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::ScanError;

use crate::locate::{serde_problem, Locator, Walker};
use crate::problem::{Problem, Problems};

/// Largest YAML file read: 1 MiB.
pub(crate) const MAX_BYTES: u64 = 1 << 20;
/// Deepest nesting of collections.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most nodes in a document, aliases expanded.
pub(crate) const MAX_NODES: u64 = 100_000;

/// Reads a YAML file as text; see [`read_bytes`].
pub(crate) fn read(path: &Path) -> Result<String, Problems> {
    let bytes = read_bytes(path).map_err(Problems::one)?;
    String::from_utf8(bytes)
        .map_err(|_| Problems::one(Problem::file(path, "无法读取：不是 UTF-8 文本")))
}

/// Reads a YAML file, refusing it beyond [`MAX_BYTES`] without reading further.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Problem> {
    let cannot = |err: std::io::Error| Problem::unreadable(path, &err);
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_big(path));
    }
    Ok(bytes)
}

/// Deserialises `source`, read from `path`, and locates its fields, once it is within the
/// bounds. A breach or a syntax error is one problem, at its line.
pub(crate) fn parse<T: DeserializeOwned>(
    path: &Path,
    source: &str,
) -> Result<(T, Locator), Problems> {
    if source.len() as u64 > MAX_BYTES {
        return Err(Problems::one(too_big(path)));
    }
    let locator = walk(source).map_err(|refusal| {
        Problems::one(Problem {
            file: path.to_path_buf(),
            line: Some(refusal.line),
            field: String::new(),
            message: refusal.message,
        })
    })?;
    let value =
        serde_yaml::from_str(source).map_err(|err| Problems::one(serde_problem(path, &err)))?;
    Ok((value, locator))
}

/// Why a text was refused, and the line where it happened.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub line: usize,
    pub message: String,
}

/// One pass over the events of `source`: each is checked against the bounds, then located.
/// yaml-rust2's syntax errors are refused too, as serde_yaml would otherwise parse the rest
/// of a text that was never checked.
pub(crate) fn walk(source: &str) -> Result<Locator, Refusal> {
    let mut parser = Parser::new_from_str(source);
    let mut bounds = Bounds::default();
    let mut walker = Walker::default();
    loop {
        let (event, mark) = parser.next_token().map_err(syntax_refusal)?;
        if event == Event::StreamEnd {
            return Ok(walker.finish());
        }
        bounds.admit(&event).map_err(|message| Refusal {
            line: mark.line(),
            message,
        })?;
        walker.on_event(event, mark.line());
    }
}

/// The totals the bounds are checked on, kept as the events stream by.
#[derive(Default)]
struct Bounds {
    /// Nodes so far, each alias counted as the expanded size of the node it names.
    nodes: u64,
    /// The open collections: the anchor each defines (0 for none) and `nodes` before it.
    open: Vec<(usize, u64)>,
    /// Expanded size of every anchored node that has ended, by anchor id.
    sizes: HashMap<usize, u64>,
}

impl Bounds {
    /// Counts one event; the message says which bound it breaks.
    fn admit(&mut self, event: &Event) -> Result<(), String> {
        match *event {
            Event::Scalar(_, _, anchor, _) => {
                self.add(1, false)?;
                if anchor > 0 {
                    self.sizes.insert(anchor, 1);
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return Err(too_deep());
                }
                self.open.push((anchor, self.nodes));
                self.add(1, false)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, before)) = self.open.pop() {
                    if anchor > 0 {
                        self.sizes.insert(anchor, self.nodes - before);
                    }
                }
            }
            Event::Alias(anchor) => {
                // yaml-rust2 refuses unknown anchors, so one without a size is still open:
                // the alias is inside the node it names and would expand without end.
                let size = self.sizes.get(&anchor).copied().ok_or_else(|| {
                    "别名（*引用）出现在它所引用的锚点（&）内部，展开没有尽头：请删除这个别名"
                        .to_string()
                })?;
                self.add(size, true)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn add(&mut self, nodes: u64, alias: bool) -> Result<(), String> {
        self.nodes += nodes;
        if self.nodes <= MAX_NODES {
            return Ok(());
        }
        Err(if alias {
            format!(
                "别名（*引用）展开后超过 {MAX_NODES} 个节点：请减少别名的层层引用，或直接写出内容"
            )
        } else {
            format!("节点超过 {MAX_NODES} 个（每个值、列表、映射各算一个）：请精简或拆分文件")
        })
    }
}

fn syntax_refusal(err: ScanError) -> Refusal {
    // yaml-rust2 gives up at 256 nested flow collections, before it reports any event of
    // them: the depth bound, found by the scanner.
    let message = if err.info() == "recursion limit exceeded" {
        too_deep()
    } else {
        format!("YAML 语法错误：{}", scan_message_zh(err.info()))
    };
    Refusal {
        line: err.marker().line(),
        message,
    }
}

/// yaml-rust2's commonest syntax errors in Chinese, with what usually causes them; the
/// others as they are.
fn scan_message_zh(info: &str) -> String {
    const KNOWN: [(&str, &str); 9] = [
        (
            "invalid indentation in quoted scalar",
            "引号内的缩进不对（引号是否没有闭合？）",
        ),
        ("unclosed quoted scalar", "引号没有闭合"),
        (
            "mapping values are not allowed in this context",
            "这里不能写“键: 值”（冒号后的内容是否应加引号？）",
        ),
        (
            "did not find expected key",
            "缺少应有的键（缩进是否对齐？）",
        ),
        ("did not find expected node content", "缺少应有的内容"),
        (
            "did not find expected ',' or ']'",
            "列表缺少逗号或右方括号 ]",
        ),
        (
            "did not find expected ',' or '}'",
            "映射缺少逗号或右花括号 }",
        ),
        (
            "found character that cannot start any token",
            "有不能作为开头的字符（是否用了制表符缩进？）",
        ),
        (
            "found unexpected end of stream",
            "文件意外结束（引号或括号是否没有闭合？）",
        ),
    ];
    KNOWN
        .iter()
        .find(|(en, _)| info.starts_with(en))
        .map_or_else(|| info.to_string(), |(_, zh)| zh.to_string())
}

fn too_deep() -> String {
    format!(
        "嵌套层级超过 {MAX_DEPTH} 层：这些文件只需几层缩进或括号，请检查括号是否成对、缩进是否正确"
    )
}

fn too_big(path: &Path) -> Problem {
    Problem::file(
        path,
        format!(
            "文件超过 {MAX_BYTES} 字节（1 MiB），不是手工维护的 YAML 文件应有的大小：请确认文件是否选对，或精简、拆分内容"
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn refusal(source: &str) -> Refusal {
        walk(source).expect_err("refused")
    }

    /// Refused in well under a second, even in a debug build.
    fn refused_quickly(source: &str) -> Refusal {
        let start = Instant::now();
        let refusal = refusal(source);
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        refusal
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let n = 100_000;
        let flow = format!("key: {}{}\n", "[".repeat(n), "]".repeat(n));
        let block_sequences = format!("key:\n  {}1\n", "- ".repeat(n));
        let flow_mappings = format!("{}1{}\n", "{a: ".repeat(n), "}".repeat(n));
        for source in [flow, block_sequences, flow_mappings] {
            let refusal = refused_quickly(&source);
            assert!(
                refusal.message.contains("嵌套层级超过 64 层"),
                "{refusal:?}"
            );
            assert!(refusal.line <= 2, "{refusal:?}");
        }
    }

    #[test]
    fn nesting_up_to_the_limit_is_accepted() {
        let at_limit = format!("{}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(walk(&at_limit).is_ok());
        let over = format!(
            "{}{}\n",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(walk(&over).is_err());
    }

    #[test]
    fn alias_bomb_is_refused() {
        // Nine levels of ten aliases each: a billion nodes once expanded.
        let mut source =
            String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..9 {
            let aliases = vec![format!("*l{}", level - 1); 10].join(", ");
            source.push_str(&format!("l{level}: &l{level} [{aliases}]\n"));
        }
        let refusal = refused_quickly(&source);
        assert!(
            refusal
                .message
                .contains("别名（*引用）展开后超过 100000 个节点"),
            "{refusal:?}"
        );
        // 10^5 nodes are passed on line 5, by the aliases of the level-4 list.
        assert_eq!(refusal.line, 5, "{refusal:?}");
    }

    #[test]
    fn an_anchored_list_aliased_ten_thousand_times_is_refused() {
        let list = vec!["社会救助"; 1000].join(", ");
        let mut source = format!("first: &a [{list}]\nrest:\n");
        source.push_str(&"  - *a\n".repeat(10_000));
        let refusal = refused_quickly(&source);
        assert!(refusal.message.contains("别名"), "{refusal:?}");
        // The first list has 1001 nodes; the 99th alias takes the total past 10^5.
        assert_eq!(refusal.line, 2 + 99, "{refusal:?}");
    }

    #[test]
    fn a_few_aliases_are_fine() {
        let source =
            "base: &base {kind: town, areas: [扶贫, 救灾]}\nunits:\n  - *base\n  - *base\n";
        assert!(walk(source).is_ok());
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_refused() {
        let refusal = refusal("a: &a [1, *a]\n");
        assert!(refusal.message.contains("展开没有尽头"), "{refusal:?}");
    }

    #[test]
    fn too_many_plain_nodes_are_refused_where_the_limit_is_passed() {
        let source = "- 1\n".repeat(MAX_NODES as usize + 10);
        let refusal = refused_quickly(&source);
        assert!(
            refusal.message.contains("节点超过 100000 个"),
            "{refusal:?}"
        );
        // The sequence is node 1, so the 100,000th item breaks the bound.
        assert_eq!(refusal.line, MAX_NODES as usize, "{refusal:?}");
    }

    #[test]
    fn syntax_errors_are_refused_with_their_line() {
        let refusal = refusal("id: A\ntitle: \"open\nnext: x\n");
        assert!(
            refusal.message.starts_with("YAML 语法错误："),
            "{refusal:?}"
        );
        assert_eq!(refusal.line, 2, "{refusal:?}");
    }

    #[test]
    fn oversized_files_are_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        let line = "- 一行内容\n";
        std::fs::write(&path, line.repeat(MAX_BYTES as usize / line.len() + 1)).unwrap();
        let problem = read_bytes(&path).unwrap_err();
        assert!(
            problem.message.contains("文件超过 1048576 字节"),
            "{problem}"
        );
        let problems = parse::<serde_yaml::Value>(&path, &std::fs::read_to_string(&path).unwrap())
            .unwrap_err();
        assert!(problems.to_string().contains("文件超过"), "{problems}");
    }

    #[test]
    fn shipped_files_are_well_within_the_bounds() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<_> = std::fs::read_dir(root.join("standards"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.push(root.join("audits/units.yaml"));
        for path in files {
            let source = read(&path).unwrap();
            let mut bounds = Bounds::default();
            let mut deepest = 0;
            let mut parser = Parser::new_from_str(&source);
            loop {
                let (event, _) = parser.next_token().unwrap();
                if event == Event::StreamEnd {
                    break;
                }
                bounds.admit(&event).unwrap();
                deepest = deepest.max(bounds.open.len());
            }
            // The largest shipped file, ZWGK-201 with the catalogue rows of 16 areas, must
            // be able to grow fourfold within the bounds.
            assert!(
                bounds.nodes < MAX_NODES / 4,
                "{}: {}",
                path.display(),
                bounds.nodes
            );
            // editions[].requirements[].applies_to.areas[] is the deepest: 7.
            assert!(deepest <= 8, "{}: {deepest}", path.display());
            assert!(source.len() < MAX_BYTES as usize / 4, "{}", path.display());
        }
    }
}
