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

#[test]
fn the_html_circular_renders_in_chromium() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs chromium: .ci/run installs it"
        );
        eprintln!("chromium not installed: browser test skipped (apt-get install chromium)");
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
