//! `zwgk serve` as an evaluator's browser meets it: every route's status and content, the
//! API against the CLI's JSON, hostile requests, and a catalogue edited while it runs.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::server::{encode, Server};
use crate::util::Sandbox;

fn demo_server(sandbox: &Sandbox) -> Server {
    let standards = sandbox.copy_standards();
    let audits = sandbox.demo_quarters(&["2018-Q3", "2018-Q4"]);
    let mut command = Command::new(env!("CARGO_BIN_EXE_zwgk"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--standards"])
        .arg(standards)
        .arg("--audits")
        .arg(audits)
        .env("ZWGK_CACHE_DIR", sandbox.cache())
        .current_dir(sandbox.path());
    Server::start(command)
}

#[test]
fn every_page_answers_with_its_content() {
    let sandbox = Sandbox::new();
    let server = demo_server(&sandbox);

    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        home.contains(r#"id="q""#) && home.contains("/assets/app.js"),
        "{home}"
    );
    assert!(home.contains("<option value=\"社会救助\">"), "area filter");

    let (status, found) = server.get(&format!("/?q={}", encode("低保名单公示几天")));
    assert_eq!(status, 200);
    assert!(
        found.contains(r##"href="/standards/ZWGK-215#5.2""##),
        "{found}"
    );
    assert!(found.contains("<em>公示</em>"));

    let (status, fragment) = server.get(&format!("/search/results?q={}", encode("低保")));
    assert_eq!(status, 200);
    assert!(fragment.contains(r#"class="hit""#) && !fragment.contains("<html"));

    let (status, list) = server.get("/standards");
    assert_eq!(status, 200);
    assert!(list.contains("标准体系（39 项标准）"), "{list}");

    let (status, standard) = server.get("/standards/ZWGK-204");
    assert_eq!(status, 200);
    for part in [
        r#"id="5.3""#,
        "考核要求",
        "历次版本：Q/RGZW 204-2018",
        r#"id="Q-RGZW-204-2018-5.5""#,
    ] {
        assert!(standard.contains(part), "{part}");
    }
    let (_, rows) = server.get("/standards/ZWGK-215");
    assert!(rows.contains(r#"id="row-215-01""#) && rows.contains(r#"id="row-area""#));

    let (status, periods) = server.get("/periods");
    assert_eq!(status, 200);
    assert!(periods.contains("2018年第四季度") && periods.contains("2018年第三季度"));

    let (status, circular) = server.get("/periods/2018-Q4/report.html");
    assert_eq!(status, 200);
    assert!(circular.contains("<svg"), "the circular with its charts");

    let (status, period) = server.get("/periods/2018-Q4");
    assert_eq!(status, 200);
    assert!(period.contains(r#"href="/periods/2018-Q4/units/U07""#));

    let (status, unit) = server.get("/periods/2018-Q4/units/U07");
    assert_eq!(status, 200);
    assert!(
        unit.contains("各考核期得分") && unit.contains("2018年第三季度"),
        "trend"
    );
    assert!(
        unit.contains(r#"class="finding" id="U07/"#),
        "findings with ids"
    );
    assert!(unit.contains(r#"class="clause" href="/standards/ZWGK-"#));
}

#[test]
fn a_findings_address_leads_to_it_on_its_units_page() {
    let sandbox = Sandbox::new();
    let server = demo_server(&sandbox);
    let (_, unit) = server.get("/api/periods/2018-Q4/units/U07");
    let unit: serde_json::Value = serde_json::from_str(&unit).unwrap();
    let id = unit["findings"][0]["id"].as_str().unwrap().to_string();
    let answer = server.raw(&format!("/periods/2018-Q4/findings/{id}"));
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    assert!(
        answer.contains(&format!("location: /periods/2018-Q4/units/U07#{id}")),
        "{answer}"
    );
    let (status, _) = server.get("/periods/2018-Q4/findings/U07/NOPE/none/1");
    assert_eq!(status, 404);
}

#[test]
fn the_search_api_returns_what_the_cli_prints() {
    let sandbox = Sandbox::new();
    let standards = sandbox.copy_standards();
    let server = demo_server(&sandbox);
    for query in ["低保名单公示几天", "204 5.3", "申請答覆期限"] {
        let (status, api) = server.get(&format!("/api/search?q={}&limit=5", encode(query)));
        assert_eq!(status, 200);
        let cli = sandbox.run(&[
            "search",
            query,
            "--format",
            "json",
            "--standards",
            standards.to_str().unwrap(),
        ]);
        assert_eq!(api, cli.ok(), "{query}");
    }
    let (status, standard) = server.get("/api/standards/ZWGK-204");
    assert_eq!(status, 200);
    let standard: serde_json::Value = serde_json::from_str(&standard).unwrap();
    assert_eq!(standard["id"], "ZWGK-204");
    let (_, periods) = server.get("/api/periods");
    let periods: serde_json::Value = serde_json::from_str(&periods).unwrap();
    assert_eq!(periods[1]["period"], "2018-Q4");
    assert!(periods[1]["units"].as_array().unwrap().len() > 50);
}

#[test]
fn hostile_requests_get_4xx_and_values_are_escaped() {
    let sandbox = Sandbox::new();
    let server = demo_server(&sandbox);
    for target in [
        "/../../etc/passwd",
        "/assets/../../Cargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/standards/..%2F..%2Fetc%2Fpasswd",
        "/standards/%2e%2e/%2e%2e/etc/passwd",
        "/periods/..%2F2018-Q4/units/U07",
        "/periods/2018-Q4/units/..%2F..%2Fsecret",
    ] {
        let answer = server.raw(target);
        let status: u16 = answer[9..12].parse().unwrap_or(0);
        assert!((400..500).contains(&status), "{target}: {answer}");
        assert!(
            !answer.contains("root:") && !answer.contains("[package]"),
            "{target}"
        );
    }
    for path in [
        "/standards/ZWGK-999",
        "/periods/2030-Q1",
        "/api/standards/nope",
    ] {
        assert_eq!(server.get(path).0, 404, "{path}");
    }
    let long = "公".repeat(201);
    assert_eq!(server.get(&format!("/?q={}", encode(&long))).0, 400);
    assert_eq!(
        server.get(&format!("/api/search?q={}", encode(&long))).0,
        400
    );
    assert_eq!(server.get("/api/search?q=a&limit=100000").0, 400);
    assert_eq!(server.get("/api/search").0, 400);

    let (status, page) = server.get(&format!("/?q={}", encode("<script>alert(1)</script>公示")));
    assert_eq!(status, 200);
    assert!(!page.contains("<script>alert"), "query escaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;公示"));
}

#[test]
fn an_edited_catalogue_is_served_without_a_restart() {
    let sandbox = Sandbox::new();
    let server = demo_server(&sandbox);
    let path = sandbox.path().join("standards/ZWGK-110.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (_, before) = server.get("/standards/ZWGK-110");
    assert!(!before.contains("数据沙盘推演"));
    std::fs::write(
        &path,
        text.replacen("scope: ", "scope: 本标准同时规定数据沙盘推演要求。", 1),
    )
    .unwrap();
    let started = Instant::now();
    loop {
        let (_, page) = server.get("/standards/ZWGK-110");
        if page.contains("数据沙盘推演") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not reloaded within a minute"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    let (_, found) = server.get(&format!("/api/search?q={}", encode("沙盘推演")));
    assert!(found.contains("ZWGK-110"), "the index is rebuilt too");
}

/// An evaluator at the browser: types a question and sees results appear, opens a clause,
/// opens a unit's page and follows a finding to the clause it breaks; no page logs an
/// error. Screenshots of each step go to `target/test-artifacts/serve-*.png`.
#[test]
fn an_evaluator_searches_opens_a_clause_and_follows_a_finding_in_chromium() {
    let Some(browser) = crate::cdp::Browser::launch() else {
        return;
    };
    let sandbox = Sandbox::new();
    let server = demo_server(&sandbox);
    let artifacts = crate::util::repo().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let wait = Duration::from_secs(15);

    let search = browser.open(&format!("{}/", server.base));
    search.type_into("#q", "低保名单公示几天");
    assert!(
        search.wait_for("#results article.hit a.clause", wait),
        "results appear while typing"
    );
    assert!(search.text("#results").contains("ZWGK-215"));
    assert!(search.url().contains("q="), "the address follows the query");
    search.screenshot(&artifacts.join("serve-search.png"));
    search.click("#results article.hit a.clause");
    assert!(
        search.url().contains("/standards/ZWGK-215#"),
        "{}",
        search.url()
    );
    let target = "document.getElementById(decodeURIComponent(location.hash.slice(1))) !== null";
    assert_eq!(
        search.eval(target),
        serde_json::json!(true),
        "the clause's anchor"
    );
    search.screenshot(&artifacts.join("serve-clause.png"));
    assert_eq!(search.console_errors(), Vec::<String>::new());

    let unit = browser.open(&format!("{}/periods/2018-Q4/units/U07", server.base));
    assert!(unit.wait_for("li.finding a.clause", wait));
    unit.screenshot(&artifacts.join("serve-unit.png"));
    unit.click("li.finding a.clause");
    assert!(unit.url().contains("/standards/ZWGK-"), "{}", unit.url());
    assert_eq!(
        unit.eval(target),
        serde_json::json!(true),
        "the broken clause"
    );
    assert_eq!(unit.console_errors(), Vec::<String>::new());

    let rows = browser.open(&format!("{}/standards/ZWGK-201", server.base));
    let all = rows.text("#row-count");
    rows.eval("const s = document.getElementById('row-area'); s.selectedIndex = 1; s.dispatchEvent(new Event('change'));");
    assert_ne!(rows.text("#row-count"), all, "the area filter hides rows");
    assert_eq!(rows.console_errors(), Vec::<String>::new());
}
