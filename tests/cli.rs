//! The command line speaks Chinese: help, parse errors, and the promises of its flags
//! (`templates export --force`, `ZWGK_STANDARDS`).

use std::path::Path;

use crate::util::{assert_chinese, repo, shipped_standards, Sandbox};

/// clap's own English, which must not reach a Chinese help page.
const CLAP_WORDS: [&str; 8] = [
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print help",
    "Print version",
    "[default:",
    "[possible values:",
];

/// Every command path: `[]`, `["catalogue"]`, `["catalogue", "show"]` …
fn command_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in command.get_subcommands() {
            let mut sub_path = path.clone();
            sub_path.push(sub.get_name().to_string());
            walk(sub, sub_path, out);
        }
    }
    let mut paths = Vec::new();
    walk(&zwgk::cli::command(), Vec::new(), &mut paths);
    paths
}

fn assert_no_clap_english(text: &str, what: &str) {
    for word in CLAP_WORDS {
        assert!(!text.contains(word), "{what}: {word:?} in\n{text}");
    }
}

#[test]
fn help_of_every_command_is_chinese() {
    let sandbox = Sandbox::new();
    let paths = command_paths();
    assert!(paths.len() > 15, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        let what = format!("zwgk {}", args.join(" "));
        for flag in ["--help", "-h"] {
            args.push(flag);
            let out = sandbox.run(&args).ok();
            assert!(out.contains("用法：zwgk"), "{what} {flag}:\n{out}");
            assert!(out.contains("选项："), "{what} {flag}:\n{out}");
            assert!(out.contains("显示帮助"), "{what} {flag}:\n{out}");
            assert_no_clap_english(&out, &what);
            assert_chinese(&out);
            args.pop();
        }
    }
}

#[test]
fn help_lists_commands_and_the_version_flag_in_chinese() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["--help"]).ok();
    assert!(out.contains("命令："), "{out}");
    assert!(out.contains("显示版本"), "{out}");
    assert!(out.contains("用法：zwgk <命令>"), "{out}");
    let version = sandbox.run(&["--version"]).ok();
    assert!(version.starts_with("zwgk "), "{version}");
    // Positionals under 参数, defaults said in Chinese the way the parser reads them back.
    let audit = sandbox.run(&["audit", "--help"]).ok();
    assert!(audit.contains("参数："), "{audit}");
    assert!(audit.contains("默认：audits/2018-Q4"), "{audit}");
    assert!(audit.contains("ZWGK_STANDARDS"), "{audit}");
    let annual = sandbox.run(&["annual", "--help"]).ok();
    assert!(annual.contains("默认：1,1,1,1"), "{annual}");
}

/// The example default `--weights` help shows is one the parser accepts.
#[test]
fn annual_weights_default_shown_in_help_parses() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&[
        "annual",
        "--year",
        "2018",
        "--weights",
        "1,1,1,1",
        "nowhere",
    ]);
    // Past the parser: refused for the missing folder, not the weights.
    let err = run.stderr();
    assert!(!err.contains("--weights"), "{err}");
}

#[test]
fn help_subcommand_prints_the_help_of_the_command_named() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["help", "catalogue", "show"]).ok();
    assert!(out.contains("用法：zwgk catalogue show"), "{out}");
    assert_no_clap_english(&out, "zwgk help catalogue show");
    let nested = sandbox.run(&["catalogue", "help", "list"]).ok();
    assert!(nested.contains("用法：zwgk catalogue list"), "{nested}");
    let err = sandbox.run(&["help", "nosuch"]).refused_in_chinese(2);
    assert!(err.contains("没有命令 nosuch"), "{err}");
}

/// Each common kind of usage error: a Chinese sentence naming the argument and value,
/// the usage line and the hint, exit 2.
#[test]
fn parse_errors_are_chinese_and_name_the_argument() {
    let sandbox = Sandbox::new();
    let cases: [(&[&str], &[&str]); 9] = [
        (
            &["audit", "--bogus"],
            &["不认识的参数 --bogus", "用法：zwgk audit"],
        ),
        (
            &["catalogue", "list", "--format", "xml"],
            &[
                "参数 --format <FORMAT> 的值 xml 无效",
                "可选值：table、json",
            ],
        ),
        (&["annual"], &["缺少必需的参数：--year <YEAR>"]),
        (&["frob"], &["没有命令 frob", "运行 zwgk <命令> --help"]),
        (
            &[
                "disclosure-report",
                "--year",
                "2018",
                "--unit",
                "U01",
                "--all",
            ],
            &["参数 --unit <UNIT> 不能与 --all 同时使用"],
        ),
        (
            &["audit", "--fail-under", "abc"],
            &["参数 --fail-under <SCORE> 的值 abc 无效：不是数字"],
        ),
        (&["audit", "-q", "-q"], &["参数 --quiet 只能给一次"]),
        (
            &["search", "--limit", "x", "y"],
            &["--limit <LIMIT> 的值 x 无效"],
        ),
        (&["templates", "export"], &["缺少必需的参数：<DIR>"]),
    ];
    for (args, expected) in cases {
        let err = sandbox.run(args).refused_in_chinese(2);
        for text in expected {
            assert!(err.contains(text), "{args:?}: missing {text:?} in\n{err}");
        }
        assert!(err.contains("--help 查看"), "{args:?}:\n{err}");
        assert_no_clap_english(&err, &format!("{args:?}"));
    }
}

fn export(sandbox: &Sandbox, dir: &Path, force: bool) -> crate::util::Run {
    let mut args = vec!["templates", "export", dir.to_str().unwrap()];
    if force {
        args.push("--force");
    }
    sandbox.run(&args)
}

/// `templates export` used to overwrite a user's edited templates without a word.
#[test]
fn templates_export_keeps_edited_templates_without_force() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path().join("templates");
    let written = export(&sandbox, &dir, false).ok();
    assert_eq!(written.lines().count(), 9, "{written}");
    // Identical files are fine to export over.
    export(&sandbox, &dir, false).ok();
    let edited = dir.join("circular.md.hbs");
    std::fs::write(&edited, "我改过的通报模板\n").unwrap();
    let err = export(&sandbox, &dir, false).refused_in_chinese(2);
    assert!(err.contains("circular.md.hbs"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&edited).unwrap(),
        "我改过的通报模板\n"
    );
    export(&sandbox, &dir, true).ok();
    assert_ne!(
        std::fs::read_to_string(&edited).unwrap(),
        "我改过的通报模板\n"
    );
}

#[test]
fn zwgk_standards_names_the_catalogue_for_search() {
    let sandbox = Sandbox::new();
    let standards = sandbox.path().join("elsewhere");
    std::fs::rename(sandbox.copy_standards(), &standards).unwrap();
    // No ./standards in the sandbox: only the variable can find the catalogue.
    let run = sandbox.run(&["search", "申请公开多久必须答复"]);
    run.refused_in_chinese(2);
    let env = [("ZWGK_STANDARDS", standards.as_path())];
    let out = sandbox
        .run_with_env(
            &["search", "申请公开多久必须答复", "--format", "json"],
            &env,
        )
        .json();
    assert!(!out["hits"].as_array().unwrap().is_empty(), "{out}");
}

#[test]
fn zwgk_standards_names_the_catalogue_for_audit() {
    let sandbox = Sandbox::new();
    let dir = sandbox.fixture("mini");
    let standards = shipped_standards();
    // audit.yaml's catalogue points nowhere the sandbox has; the variable overrides it.
    let audit_yaml = dir.join("audit.yaml");
    let text = std::fs::read_to_string(&audit_yaml).unwrap();
    let pointed = if text.contains("catalogue:") {
        text.lines()
            .map(|l| {
                if l.starts_with("catalogue:") {
                    "catalogue: nowhere"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        format!("{text}\ncatalogue: nowhere\n")
    };
    std::fs::write(&audit_yaml, pointed).unwrap();
    let d = dir.to_str().unwrap();
    sandbox
        .run(&["audit", d, "-q", "--no-reports"])
        .refused_in_chinese(2);
    let env = [("ZWGK_STANDARDS", standards.as_path())];
    let run = sandbox.run_with_env(&["audit", d, "-q", "--no-reports"], &env);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(dir.join("report/results.json").exists());
    assert!(repo().join("standards").is_dir());
}
