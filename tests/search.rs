//! `zwgk search` and `zwgk index` as an evaluator runs them.

use crate::util::Sandbox;

fn search(sandbox: &Sandbox, standards: &str, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["search", "--standards", standards, "--format", "json"];
    all.extend_from_slice(args);
    sandbox.run(&all).json()
}

fn ids(results: &serde_json::Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_question_without_spaces_lands_on_the_clause() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let results = search(&sandbox, dir.to_str().unwrap(), &["低保名单公示几天"]);
    assert_eq!(results["mode"], "all-terms");
    assert_eq!(
        results["terms"],
        serde_json::json!(["低保", "名单", "公示"])
    );
    let first = &results["hits"][0];
    assert_eq!(first["id"], "ZWGK-215");
    let snippet = first["clauses"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("<em>低保</em>") || snippet.contains("<em>公示</em>"),
        "{snippet}"
    );
    insta::assert_json_snapshot!("search_dibao_display", results, {
        ".hits[].score" => "[score]",
        ".hits[].clauses[].score" => "[score]",
    });
}

#[test]
fn ids_and_numbers_go_straight_to_the_standard() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    for name in [
        "204",
        "ZWGK-204",
        "zwgk204",
        "Q/RGZW 204-2018",
        "Q/RGZW 204",
    ] {
        let results = search(&sandbox, dir.to_str().unwrap(), &[name]);
        assert_eq!(results["mode"], "exact", "{name}");
        assert_eq!(ids(&results), vec!["ZWGK-204"], "{name}");
        assert_eq!(
            results["hits"][0]["clauses"][0]["no"], "1",
            "{name}: scope first"
        );
    }
}

#[test]
fn filters_restrict_sub_system_and_status() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let dir = dir.to_str().unwrap();
    let results = search(
        &sandbox,
        dir,
        &["公示", "--subsystem", "监督与评价", "--limit", "20"],
    );
    let hits = results["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|h| h["subsystem"] == "监督与评价"),
        "{results}"
    );
    let repealed = search(&sandbox, dir, &["公示", "--status", "废止"]);
    assert!(ids(&repealed).is_empty());
    let text = sandbox
        .run(&["search", "--standards", dir, "公示", "--status", "废止"])
        .ok();
    assert!(text.contains("没有找到"), "{text}");
    let run = sandbox.run(&["search", "--standards", dir, "公示", "--status", "作废"]);
    run.refused_in_chinese(2);
    assert!(run.stderr().contains("没有状态 作废"), "{}", run.stderr());
}

#[test]
fn text_output_marks_matches_and_groups_clauses_by_standard() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let out = sandbox
        .run(&[
            "search",
            "--standards",
            dir.to_str().unwrap(),
            "申请公开多久必须答复",
            "--limit",
            "2",
        ])
        .ok();
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with("1. ZWGK-204  依申请公开办理规范"),
        "{out}"
    );
    assert!(out.contains("【答复】"), "{out}");
    assert!(out.contains("5.1 答复期限"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("2. ")), "{out}");
}

#[test]
fn the_index_is_rebuilt_when_the_catalogue_changes() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let d = dir.to_str().unwrap();
    let first = sandbox.run(&["search", "--standards", d, "中间库"]);
    assert!(
        first.stderr().contains("已重建搜索索引"),
        "{}",
        first.stderr()
    );
    let second = sandbox.run(&["search", "--standards", d, "中间库"]);
    assert!(second.stderr().is_empty(), "reused: {}", second.stderr());

    let path = dir.join("ZWGK-110.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("scope: ", "scope: 本标准同时规定数据沙盘推演要求。", 1),
    )
    .unwrap();
    let third = sandbox.run(&["search", "--standards", d, "--format", "json", "沙盘推演"]);
    assert!(
        third.stderr().contains("已重建搜索索引"),
        "{}",
        third.stderr()
    );
    assert_eq!(ids(&third.json())[0], "ZWGK-110");

    let forced = sandbox.run(&["index", "--standards", d]).ok();
    assert!(forced.contains("已为 39 项标准建立索引"), "{forced}");
}

#[test]
fn a_broken_catalogue_stops_the_search_with_its_problems() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let path = dir.join("ZWGK-204.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("clause: \"5.3\"", "clause: \"9.9\"", 1),
    )
    .unwrap();
    let run = sandbox.run(&["search", "--standards", dir.to_str().unwrap(), "答复期限"]);
    assert_eq!(run.code(), 2);
    let line = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .position(|l| l.contains("9.9"))
        .unwrap()
        + 1;
    assert!(
        run.stderr().contains(&format!(
            "ZWGK-204.yaml:{line}: requirements[1].clause: ZWGK-204 没有条款 9.9"
        )),
        "{}",
        run.stderr()
    );
}

#[test]
fn show_renders_a_standard_for_the_terminal() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let out = sandbox
        .run(&[
            "catalogue",
            "show",
            "204",
            "--standards",
            dir.to_str().unwrap(),
        ])
        .ok();
    insta::assert_snapshot!("show_204", out);
}

/// `204 5.3`, `ZWGK-204 第5.3条` and `Q/RGZW 204-2018 5.3` ranked ZWGK-103 or ZWGK-101
/// first; a number with another year or without its prefix (`rgzw 204`) landed on ZWGK-101.
#[test]
fn a_reference_with_a_clause_lands_on_that_clause_of_the_edition_it_names() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let d = dir.to_str().unwrap();
    for (query, id, clause, edition) in [
        ("204 5.3", "ZWGK-204", "5.3", None),
        ("ZWGK-204 第5.3条", "ZWGK-204", "5.3", None),
        ("Q/RGZW 204-2019 5.3", "ZWGK-204", "5.3", None),
        (
            "Q/RGZW 204-2018 第5.1条",
            "ZWGK-204",
            "5.1",
            Some("Q/RGZW 204-2018"),
        ),
        ("304的5.2", "ZWGK-304", "5.2", None),
        ("201 A.05", "ZWGK-201", "A.05", None),
        ("rgzw 204", "ZWGK-204", "1", None),
        ("Q/RGZW 204-2017", "ZWGK-204", "1", None),
    ] {
        let results = search(&sandbox, d, &[query]);
        assert_eq!(results["mode"], "exact", "{query}");
        assert_eq!(ids(&results), vec![id], "{query}");
        let first = &results["hits"][0]["clauses"][0];
        assert_eq!(first["no"], clause, "{query}");
        assert_eq!(first["edition"].as_str(), edition, "{query}");
    }
}

/// 申請答覆 and 預決算 returned nothing.
#[test]
fn traditional_and_full_width_queries_find_what_the_simplified_ones_do() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let d = dir.to_str().unwrap();
    for (typed, simplified) in [
        ("申請答覆期限", "申请答复期限"),
        ("預決算公開", "预决算公开"),
        ("ＺＷＧＫ－２０４", "ZWGK-204"),
        ("政務公開體驗區", "政务公开体验区"),
    ] {
        let (a, b) = (
            search(&sandbox, d, &[typed]),
            search(&sandbox, d, &[simplified]),
        );
        assert!(!ids(&a).is_empty(), "{typed}");
        assert_eq!(ids(&a), ids(&b), "{typed} vs {simplified}");
        assert_eq!(a["query"], typed, "reported as typed");
    }
}

/// 拆迁 (房屋征收) and 办证 (行政许可) found nothing: no equivalence between the words
/// people use and the catalogue's.
#[test]
fn colloquial_words_find_the_official_terms_through_synonyms_yaml() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let d = dir.to_str().unwrap();
    let results = search(&sandbox, d, &["拆迁"]);
    let text = results.to_string();
    assert!(text.contains("房屋征收"), "{text}");
    // Without the list, 拆迁 is no word of the catalogue.
    std::fs::remove_file(dir.join("synonyms.yaml")).unwrap();
    let without = search(&sandbox, d, &["拆迁"]);
    assert!(!without.to_string().contains("房屋征收"), "{without}");
}

#[test]
fn a_broken_synonyms_list_is_reported_by_catalogue_check() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    std::fs::write(
        dir.join("synonyms.yaml"),
        "- [房屋征收, 拆迁]\n- [低保]\n- [最低生活保障, 拆迁, 低 保]\n",
    )
    .unwrap();
    let run = sandbox.run(&["catalogue", "check", "--standards", dir.to_str().unwrap()]);
    assert_eq!(run.code(), 2);
    let out = run.stdout();
    for expected in [
        "synonyms.yaml:2: [1]: 一组同义词至少要有两个说法",
        "synonyms.yaml:3: [2][1]: “拆迁”已在第1组中，一个说法只能属于一组",
        "synonyms.yaml:3: [2][2]: 同义词不能为空，也不能含空格",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

/// A search loads only the index's words of jieba's dictionary (a cold search would
/// otherwise spend most of its time loading all of it); every catalogue text must still
/// be cut exactly as the whole dictionary cuts it, or snippets would mark other words.
#[test]
fn the_search_dictionary_cuts_every_catalogue_text_as_the_whole_dictionary_does() {
    use zwgk::catalogue::Catalogue;
    use zwgk::index::fold::fold;
    use zwgk::index::tokenizer::{jieba_with_terms, words};
    use zwgk::index::CatalogueIndex;

    let sandbox = Sandbox::new();
    let standards = crate::util::shipped_standards();
    let catalogue = Catalogue::load(&standards).unwrap();
    let (index, _) = CatalogueIndex::open(&standards, &sandbox.cache()).unwrap();
    let mut terms = catalogue.meta.dictionary.clone();
    terms.extend(catalogue.search_synonyms.iter().flatten().map(|t| fold(t)));
    let full = jieba_with_terms(&terms);
    let cut = |jieba: &jieba_rs::Jieba, text: &str| -> Vec<(String, usize)> {
        words(jieba, text, true)
            .into_iter()
            .map(|w| (w.text, w.position))
            .collect()
    };
    let mut texts = 0;
    for standard in &catalogue.standards {
        let clauses = standard
            .clauses
            .iter()
            .map(|c| format!("{} {}", c.title, c.text));
        for text in std::iter::once(standard.scope.clone()).chain(clauses) {
            let (searched, whole) = (cut(&index.jieba, &text), cut(&full, &text));
            let differ: Vec<_> = searched.iter().filter(|w| !whole.contains(w)).collect();
            let missing: Vec<_> = whole.iter().filter(|w| !searched.contains(w)).collect();
            assert_eq!(searched, whole, "{text}: {differ:?} instead of {missing:?}");
            texts += 1;
        }
    }
    assert!(texts > 400, "{texts} texts");
}

fn first_clauses(results: &serde_json::Value) -> Vec<(String, String, String)> {
    results["hits"][0]["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |key: &str| c[key].as_str().unwrap_or("").to_string();
            (text("no"), text("edition"), text("kind"))
        })
        .collect()
}

#[test]
fn a_question_about_a_day_before_the_2019_regulation_gets_the_edition_then_in_force() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let d = dir.to_str().unwrap();
    let then = search(&sandbox, d, &["2018年收到的依申请公开件，复制费能不能减免"]);
    assert_eq!(ids(&then)[0], "ZWGK-204");
    let clauses = first_clauses(&then);
    assert_eq!(clauses[0].0, "5.5");
    assert_eq!(clauses[0].1, "Q/RGZW 204-2018", "{clauses:?}");

    let now = search(&sandbox, d, &["依申请公开件复制费能不能减免"]);
    assert!(
        first_clauses(&now)
            .iter()
            .all(|(_, edition, _)| edition.is_empty()),
        "without a day, the edition in force today: {:?}",
        first_clauses(&now)
    );
}

#[test]
fn asking_what_a_disclosure_holds_puts_its_catalogue_row_before_the_clause() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let d = dir.to_str().unwrap();
    let content = first_clauses(&search(&sandbox, d, &["征收土地预公告要写哪些内容"]));
    assert_eq!(content[0], ("210-27".into(), String::new(), "row".into()));
    let limit = first_clauses(&search(&sandbox, d, &["征收土地预公告多久发布"]));
    assert_eq!(limit[0].2, "clause", "{limit:?}");
}

#[test]
fn snippets_show_whole_sentences_and_mark_synonyms_of_the_query_words() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let results = search(
        &sandbox,
        dir.to_str().unwrap(),
        &["拆迁补偿方案要公示多少天"],
    );
    let clause = &results["hits"][0]["clauses"][0];
    let snippet = clause["snippet"].as_str().unwrap();
    // 拆迁 is written 房屋征收 in the catalogue: the synonym is marked, the typed word
    // found nowhere.
    assert!(snippet.contains("<em>房屋征收</em>"), "{snippet}");
    let plain = snippet.replace("<em>", "").replace("</em>", "");
    let inner = plain.trim_start_matches('…').trim_end_matches('…');
    assert!(
        inner.ends_with(['。', '；']) || !plain.ends_with('…'),
        "cut at a sentence end: {plain}"
    );
    assert!(!snippet.contains("<em>的</em>"), "{snippet}");
}

/// The standard and clause a question lands on first, and the words it searched.
fn first_answer(sandbox: &Sandbox, standards: &str, query: &str) -> (String, String, Vec<String>) {
    let results = search(sandbox, standards, &[query]);
    let first = &results["hits"][0];
    let terms = results["terms"].as_array().unwrap();
    (
        first["id"].as_str().unwrap().to_string(),
        first["clauses"][0]["no"].as_str().unwrap().to_string(),
        terms
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect(),
    )
}

#[test]
fn a_common_misspelling_finds_the_word_meant() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let (id, clause, terms) =
        first_answer(&sandbox, dir.to_str().unwrap(), "对考核结果有意义怎么办");
    assert_eq!((id.as_str(), clause.as_str()), ("ZWGK-301", "4.10"));
    assert!(!terms.iter().any(|t| t == "怎么" || t == "办"), "{terms:?}");
}

#[test]
fn yes_or_no_questions_and_colloquial_forms_are_understood() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let (id, clause, terms) = first_answer(
        &sandbox,
        dir.to_str().unwrap(),
        "网站老是打不开会不会被一票否决",
    );
    assert_eq!((id.as_str(), clause.as_str()), ("ZWGK-304", "4.2"));
    assert!(
        !terms.iter().any(|t| t.contains('不') && t != "打不开"),
        "{terms:?}"
    );
}

#[test]
fn dates_and_question_numbers_are_not_searched_as_words() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let dir = dir.to_str().unwrap();
    let (_, _, terms) = first_answer(&sandbox, dir, "2021年度年报要不要写信息处理费");
    assert_eq!(terms, ["年报", "写", "信息处理费"]);
    let (_, _, terms) = first_answer(&sandbox, dir, "投诉举报查实了扣几分");
    assert_eq!(terms, ["投诉举报", "查实", "扣分"]);
}

#[test]
fn a_foreword_does_not_answer_before_the_clause_it_summarises() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let query = "现在依申请公开还能收检索、复印、邮寄的成本费吗";
    let (id, clause, _) = first_answer(&sandbox, dir.to_str().unwrap(), query);
    assert_eq!(id, "ZWGK-204");
    assert_ne!(clause, "0", "前言 ranked first");
}

#[test]
fn a_sub_clause_answers_before_the_overview_above_it() {
    let sandbox = Sandbox::new();
    let dir = sandbox.copy_standards();
    let query = "拆迁补偿方案出来要让老百姓提意见，至少挂多少天";
    let (id, clause, _) = first_answer(&sandbox, dir.to_str().unwrap(), query);
    assert_eq!((id.as_str(), clause.as_str()), ("ZWGK-201", "A.08.1"));
}
