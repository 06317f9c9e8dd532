//! The HTML circular in a real browser: headless Chromium loads the demo circular with no
//! console errors, every chart has drawn shapes, and a screenshot is kept in
//! `target/test-artifacts/report.png` to look at.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{chromium, repo, Sandbox};

fn headless(chromium: &PathBuf, profile: &std::path::Path) -> Command {
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Chromium, or `None` (the test is skipped, saying so) on a machine without it; CI has it.
fn installed_chromium(test: &str) -> Option<std::path::PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs chromium: .ci/run installs it"
        );
        eprintln!("chromium not installed: {test} skipped (apt-get install chromium)");
    }
    found
}

#[test]
fn the_html_circular_renders_in_chromium() {
    let Some(chromium) = installed_chromium("browser test") else {
        return;
    };
    let sandbox = Sandbox::new();
    let out = sandbox.audited_demo();
    let url = format!("file://{}", out.join("report.html").display());

    let dom = headless(&chromium, &sandbox.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let log = String::from_utf8_lossy(&dom.stderr);
    let console_errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("ERROR") || l.contains("Uncaught")))
        .collect();
    assert!(
        console_errors.is_empty(),
        "console errors: {console_errors:?}"
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    for (chart, shape) in [
        ("chart-distribution", "<rect"),
        ("chart-subsystems", "<rect"),
        ("chart-trend", "<polyline"),
    ] {
        let start = dom
            .find(&format!("id=\"{chart}\""))
            .unwrap_or_else(|| panic!("{chart} missing"));
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap()];
        let drawn = figure.matches(shape).count();
        assert!(drawn >= 3, "{chart}: {drawn} shapes");
        assert!(
            !figure.contains("height=\"NaN\"") && !figure.contains("points=\"\""),
            "{chart} has empty shapes"
        );
    }

    let artifacts = repo().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let run = headless(&chromium, &sandbox.path().join("profile-shot"))
        .arg("--window-size=1000,3000")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 50_000,
        "screenshot {} is {size} bytes",
        shot.display()
    );
}

/// Pages of a PDF as Chromium writes it: one `/Type /Page` dictionary per page (the page
/// tree's nodes are `/Type /Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let marker = b"/Type /Page";
    pdf.windows(marker.len() + 1)
        .filter(|w| w.starts_with(marker) && w[marker.len()] != b's')
        .count()
}

/// The office printed report.html to PDF: each of the 60 units began a page (87 A4 pages,
/// most nearly empty) and no page had a number.
#[test]
fn the_printed_circular_is_compact_and_numbered() {
    let Some(chromium) = installed_chromium("print test") else {
        return;
    };
    let sandbox = Sandbox::new();
    let out = sandbox.audited_demo();
    let pdf = sandbox.path().join("report.pdf");
    let run = headless(&chromium, &sandbox.path().join("profile-pdf"))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let pages = pdf_pages(&std::fs::read(&pdf).unwrap());
    // 60 unit sections and 392 findings listed: about 50 pages when units follow one another.
    assert!((20..60).contains(&pages), "{pages} pages");

    // The page numbers are printed by the @page margin box, so they are in the text.
    let Ok(text) = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
    else {
        eprintln!(
            "pdftotext not installed: page numbers not checked (apt-get install poppler-utils)"
        );
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout);
    // pdftotext spaces the dashes as the layout falls: compare without spaces.
    let numbered = text
        .split('\u{c}')
        .map(|page| page.split_whitespace().collect::<String>())
        .enumerate()
        .filter(|(i, page)| page.contains(&format!("—{}—", i + 1)))
        .count();
    assert_eq!(numbered, pages, "every page carries its number");
}
