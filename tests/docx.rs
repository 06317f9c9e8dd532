//! report.docx and notices/*.docx read back with an independent reader (the zip and the
//! WordprocessingML, not the writer's library): the 公文 layout of GB/T 9704-2012.

use std::path::Path;

use roxmltree::{Document, Node};

use crate::util::{package_parts, Sandbox};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The parts of a .docx, by name.
struct Package(std::collections::BTreeMap<String, String>);

impl Package {
    fn open(path: &Path) -> Package {
        Package(package_parts(path))
    }

    fn part(&self, name: &str) -> &str {
        self.0
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in {:?}", self.0.keys()))
    }
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name((W, name)))
}

fn descendant<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.descendants().find(|n| n.has_tag_name((W, name)))
}

fn text(node: Node) -> String {
    node.descendants()
        .filter(|n| n.has_tag_name((W, "t")))
        .filter_map(|n| n.text())
        .collect()
}

/// A paragraph's first run: (east-Asian face, size in half-points, colour).
fn first_run(paragraph: Node) -> (String, String, String) {
    let run = child(paragraph, "r").expect("a run");
    let properties = child(run, "rPr").expect("run properties");
    let get = |tag: &str, name: &str| {
        child(properties, tag)
            .and_then(|n| attr(n, name))
            .unwrap_or("")
            .to_string()
    };
    (
        get("rFonts", "eastAsia"),
        get("sz", "val"),
        get("color", "val"),
    )
}

fn cells<'a, 'i>(row: Node<'a, 'i>) -> Vec<Node<'a, 'i>> {
    row.children()
        .filter(|n| n.has_tag_name((W, "tc")))
        .collect()
}

fn body_paragraphs<'a, 'i>(document: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    let body = descendant(document.root_element(), "body").expect("a body");
    body.children()
        .filter(|n| n.has_tag_name((W, "p")))
        .collect()
}

fn paragraph_with<'a, 'i>(paragraphs: &[Node<'a, 'i>], wanted: &str) -> Node<'a, 'i> {
    *paragraphs
        .iter()
        .find(|p| text(**p) == wanted)
        .unwrap_or_else(|| panic!("no paragraph {wanted:?}"))
}

#[test]
fn the_circular_docx_is_laid_out_as_a_gongwen() {
    let sandbox = Sandbox::new();
    let report = sandbox.audited_fixture("mini").join("report");
    let package = Package::open(&report.join("report.docx"));
    let document = Document::parse(package.part("word/document.xml")).unwrap();
    let paragraphs = body_paragraphs(&document);

    // 版头: the red mark, then the 发文字号 over the red rule.
    assert_eq!(text(paragraphs[0]), "如皋市政务公开办公室文件");
    let (face, _, colour) = first_run(paragraphs[0]);
    assert_eq!(
        (face.as_str(), colour.as_str()),
        ("方正小标宋简体", "FF0000")
    );
    assert_eq!(text(paragraphs[1]), "皋政务公开〔2019〕1号");
    let rule = descendant(paragraphs[1], "pBdr").and_then(|b| child(b, "bottom"));
    assert_eq!(rule.and_then(|r| attr(r, "color")), Some("FF0000"));

    // Title in 2号小标宋; 主送机关 flush left; headings by level.
    let title = paragraph_with(
        &paragraphs,
        "关于如皋市2018年第四季度政务公开考核情况的通报",
    );
    assert_eq!(first_run(title).0, "方正小标宋简体");
    assert_eq!(first_run(title).1, "44");
    let recipient = paragraph_with(&paragraphs, "各镇（区、街道），市各有关部门：");
    assert!(
        descendant(recipient, "ind").is_none(),
        "the recipient is not indented"
    );
    assert_eq!(
        first_run(paragraph_with(&paragraphs, "一、总体情况")).0,
        "黑体"
    );
    assert_eq!(
        first_run(paragraph_with(&paragraphs, "（一）市级部门")).0,
        "楷体_GB2312"
    );
    let body = paragraphs
        .iter()
        .find(|p| text(**p).starts_with("本季度共考核3个单位"))
        .expect("the overview paragraph");
    let indent = descendant(*body, "ind").expect("an indent");
    assert_eq!(attr(indent, "firstLine"), Some("630"), "two characters in");

    // Body type: 3号仿宋_GB2312 by default.
    let styles = Document::parse(package.part("word/styles.xml")).unwrap();
    let defaults = descendant(styles.root_element(), "rPrDefault").unwrap();
    assert_eq!(
        descendant(defaults, "sz").and_then(|n| attr(n, "val")),
        Some("32")
    );
    assert_eq!(
        descendant(defaults, "rFonts").and_then(|n| attr(n, "eastAsia")),
        Some("仿宋_GB2312")
    );

    // A4, 版心 156 × 225 mm (天头 37 mm, 订口 28 mm), 22 lines.
    let section = descendant(document.root_element(), "sectPr").unwrap();
    let size = child(section, "pgSz").unwrap();
    assert_eq!(
        (attr(size, "w"), attr(size, "h")),
        (Some("11906"), Some("16838"))
    );
    let margin = child(section, "pgMar").unwrap();
    let twips = |name| attr(margin, name).unwrap().parse::<i32>().unwrap();
    assert_eq!((twips("top"), twips("left")), (2098, 1587));
    assert_eq!(11906 - twips("left") - twips("right"), 8844);
    assert_eq!(16838 - twips("top") - twips("bottom"), 12756);
    assert_eq!(
        child(section, "docGrid").and_then(|g| attr(g, "linePitch")),
        Some("579")
    );

    // Page numbers "— 1 —" in 4号宋体, odd pages right and even pages left.
    let references: Vec<_> = section
        .children()
        .filter(|n| n.has_tag_name((W, "footerReference")))
        .map(|n| attr(n, "type").unwrap().to_string())
        .collect();
    assert_eq!(references, ["default", "even"]);
    assert!(package
        .part("word/settings.xml")
        .contains("evenAndOddHeaders"));
    for (footer, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let footer = Document::parse(package.part(footer)).unwrap();
        let root = footer.root_element();
        let instruction: String = root
            .descendants()
            .filter(|n| n.has_tag_name((W, "instrText")))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(instruction.trim(), "PAGE");
        assert!(text(root).starts_with("— ") && text(root).ends_with(" —"));
        assert_eq!(
            descendant(root, "jc").and_then(|j| attr(j, "val")),
            Some(side)
        );
        assert_eq!(
            descendant(root, "sz").and_then(|s| attr(s, "val")),
            Some("28")
        );
        assert_eq!(
            descendant(root, "rFonts").and_then(|f| attr(f, "eastAsia")),
            Some("宋体")
        );
    }

    // Tables as wide as the 版心, fixed, with a repeated header row; cells take face,
    // size and spacing from their style: 黑体 headers, 仿宋 bodies, in 小四 up to five
    // columns and in 五号 beyond.
    let tables: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .collect();
    assert!(
        tables.len() >= 4,
        "rankings, problems and the units' findings"
    );
    let cell_type = |cell: Node| {
        let paragraph = child(cell, "p").expect("a cell paragraph");
        let id = descendant(paragraph, "pStyle")
            .and_then(|s| attr(s, "val"))
            .expect("a cell style");
        let style = styles
            .descendants()
            .find(|n| n.has_tag_name((W, "style")) && attr(*n, "styleId") == Some(id))
            .unwrap_or_else(|| panic!("no style {id}"));
        let run = child(style, "rPr").expect("the style's run properties");
        let get = |tag: &str, name: &str| child(run, tag).and_then(|n| attr(n, name));
        (get("rFonts", "eastAsia"), get("sz", "val"))
    };
    for table in &tables {
        let width: i32 = table
            .descendants()
            .filter(|n| n.has_tag_name((W, "gridCol")))
            .map(|n| attr(n, "w").unwrap().parse::<i32>().unwrap())
            .sum();
        assert_eq!(width, 8844);
        assert_eq!(
            descendant(*table, "tblLayout").and_then(|l| attr(l, "type")),
            Some("fixed")
        );
        let rows: Vec<_> = table
            .children()
            .filter(|n| n.has_tag_name((W, "tr")))
            .collect();
        assert!(descendant(rows[0], "tblHeader").is_some());
        assert!(rows[1..]
            .iter()
            .all(|r| descendant(*r, "tblHeader").is_none()));
        let size = if cells(rows[0]).len() <= 5 {
            "24"
        } else {
            "21"
        };
        assert!(cells(rows[0])
            .into_iter()
            .all(|c| cell_type(c) == (Some("黑体"), Some(size))));
        assert!(rows[1..]
            .iter()
            .flat_map(|r| cells(*r))
            .all(|c| cell_type(c) == (Some("仿宋_GB2312"), Some(size))));
    }
    let ranking_head: Vec<String> = tables[0]
        .children()
        .find(|n| n.has_tag_name((W, "tr")))
        .map(cells)
        .unwrap()
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(ranking_head, ["排名", "单位", "得分", "等次", "名次变化"]);

    // 署名, 成文日期 and the 版记 close the document.
    let closing: Vec<String> = paragraphs[paragraphs.len() - 3..]
        .iter()
        .map(|p| text(*p))
        .collect();
    assert_eq!(closing[0], "如皋市政务公开办公室");
    assert_eq!(closing[1], "2019年1月15日");
    assert_eq!(closing[2], "如皋市政务公开办公室2019年1月15日印发");

    // Each face named has a fallback in the font table.
    let fonts = Document::parse(package.part("word/fontTable.xml")).unwrap();
    for face in [
        "方正小标宋简体",
        "仿宋_GB2312",
        "黑体",
        "楷体_GB2312",
        "宋体",
    ] {
        let font = fonts
            .descendants()
            .find(|n| n.has_tag_name((W, "font")) && attr(*n, "name") == Some(face))
            .unwrap_or_else(|| panic!("{face} not in the font table"));
        assert!(child(font, "altName").is_some(), "{face} has no fallback");
    }
}

#[test]
fn every_notice_is_written_as_docx_beside_its_markdown() {
    let sandbox = Sandbox::new();
    let notices = sandbox.audited_fixture("mini").join("report/notices");
    let mut stems: Vec<(String, String)> = std::fs::read_dir(&notices)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            (stem, p.extension().unwrap().to_string_lossy().to_string())
        })
        .collect();
    stems.sort();
    let markdown: Vec<_> = stems
        .iter()
        .filter(|(_, e)| e == "md")
        .map(|(s, _)| s)
        .collect();
    let word: Vec<_> = stems
        .iter()
        .filter(|(_, e)| e == "docx")
        .map(|(s, _)| s)
        .collect();
    assert!(!markdown.is_empty());
    assert_eq!(markdown, word);
    for stem in word {
        let package = Package::open(&notices.join(format!("{stem}.docx")));
        let document = Document::parse(package.part("word/document.xml")).unwrap();
        let paragraphs = body_paragraphs(&document);
        // A notice has no 发文字号: the line above the rule is empty.
        assert_eq!(text(paragraphs[1]), "");
        assert_eq!(text(paragraphs[2]), "政务公开问题整改通知书");
        let unit = stem.split_once('-').map(|(_, name)| name).unwrap_or(stem);
        assert_eq!(text(paragraphs[3]), format!("{unit}："));
    }
}

#[test]
fn rendering_one_format_keeps_the_others_notices_and_renders_the_same_bytes() {
    let sandbox = Sandbox::new();
    let report = sandbox.audited_fixture("mini").join("report");
    let results = report.join("results.json");
    let notice = std::fs::read_dir(report.join("notices"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "docx"))
        .unwrap();
    let before = std::fs::read(&notice).unwrap();
    let circular = std::fs::read(report.join("report.docx")).unwrap();
    sandbox
        .run(&["report", results.to_str().unwrap(), "--format", "md"])
        .ok();
    assert_eq!(
        std::fs::read(&notice).unwrap(),
        before,
        "md left the .docx notices alone"
    );
    assert!(report.join("report.docx").exists());

    std::fs::remove_file(report.join("report.md")).unwrap();
    let written = sandbox
        .run(&["report", results.to_str().unwrap(), "--format", "docx"])
        .ok();
    assert!(
        written.contains("report.docx") && !written.contains("report.md"),
        "{written}"
    );
    assert!(
        !report.join("report.md").exists(),
        "docx renders only .docx"
    );
    assert_eq!(
        std::fs::read(report.join("report.docx")).unwrap(),
        circular,
        "the same results render the same Word document"
    );
}

#[test]
fn a_document_number_with_its_year_in_square_brackets_is_refused() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let config = dir.join("audit.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("皋政务公开〔2019〕1号", "\"皋政务公开[2019]1号\""),
    )
    .unwrap();
    let run = sandbox.on_folder("audit", &dir, &["-q"]);
    assert_eq!(run.code(), 2, "{}", run.stderr());
    assert!(
        run.stderr().contains("circular.number") && run.stderr().contains("六角括号"),
        "{}",
        run.stderr()
    );
}
