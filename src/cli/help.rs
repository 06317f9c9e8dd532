//! `--help` in Chinese. clap writes its own words into the help (headings, the help and
//! version flags, the `help` subcommand, `[default: …]`, `[OPTIONS]`): this rewrites the
//! command tree so that every one of them reads in Chinese, and prints help for
//! `zwgk help COMMAND…`.

use std::io::{IsTerminal, Write};

use anyhow::{bail, Result};
use clap::builder::StyledStr;
use clap::{Arg, ArgAction, ArgMatches, Command};

/// clap's default template with the usage heading in Chinese.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";
const COMMANDS: &str = "命令";
const ARGUMENTS: &str = "参数";
const OPTIONS: &str = "选项";
/// Our own `help` subcommand: clap's says "Print this message or the help of …".
const HELP_COMMAND: &str = "help";
const HELP_COMMAND_ARG: &str = "command";

/// clap still writes a few words itself: the `:` after a heading and `[OPTIONS]` in the
/// usage line. Each pair is (clap's text, ours).
const CLAP_WORDS: [(&str, &str); 5] = [
    ("命令:", "命令："),
    ("参数:", "参数："),
    ("选项:", "选项："),
    ("[OPTIONS]", "[选项]"),
    ("Usage: ", "用法："),
];

/// The command tree with Chinese help throughout, built (so every subcommand knows its
/// full name, `zwgk catalogue show`, for its usage line).
pub(super) fn localized(root: Command) -> Command {
    let mut root = localize_command(root).disable_version_flag(true).arg(flag(
        "version",
        'V',
        ArgAction::Version,
        "显示版本",
    ));
    root.build();
    root
}

fn localize_command(command: Command) -> Command {
    let has_subcommands = command.has_subcommands();
    let mut command = command
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading(COMMANDS)
        .subcommand_value_name(COMMANDS)
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .mut_args(localize_arg)
        .arg(flag("help", 'h', ArgAction::Help, "显示帮助"));
    if has_subcommands {
        command = command
            .mut_subcommands(localize_command)
            .subcommand(localize_command(help_command()));
    }
    command
}

fn flag(id: &'static str, short: char, action: ArgAction, help: &'static str) -> Arg {
    Arg::new(id)
        .short(short)
        .long(id)
        .action(action)
        .help(help)
        .help_heading(OPTIONS)
}

fn help_command() -> Command {
    Command::new(HELP_COMMAND)
        .about("显示本命令或其子命令的帮助")
        .arg(
            Arg::new(HELP_COMMAND_ARG)
                .value_name(COMMANDS)
                .num_args(0..)
                .action(ArgAction::Append)
                .help("要查看帮助的子命令，如 audit 或 catalogue show"),
        )
}

/// Moves what clap would append in English (`[default: …]`, `[env: …]`, `[possible
/// values: …]`) into the argument's help, in Chinese, and files the argument under a
/// Chinese heading.
fn localize_arg(arg: Arg) -> Arg {
    let notes = arg_notes(&arg);
    let heading = if arg.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    let mut arg = arg.help_heading(heading).hide_env(true);
    if arg.get_action().takes_values() {
        arg = arg.hide_default_value(true).hide_possible_values(true);
    }
    let with_notes = |help: &StyledStr| with_notes(&help.to_string(), &notes);
    if let Some(long) = arg.get_long_help().map(with_notes) {
        arg = arg.long_help(long);
    }
    let short = arg
        .get_help()
        .map(with_notes)
        .unwrap_or_else(|| notes.join("；"));
    arg.help(short)
}

/// `考核文件夹（含 audit.yaml）` and `默认：audits` make `考核文件夹（含 audit.yaml；默认：audits）`:
/// one parenthesis, and no full stop, as clap's own help lines.
fn with_notes(help: &str, notes: &[String]) -> String {
    let help = help.trim_end().trim_end_matches('。');
    match (notes.join("；"), help.strip_suffix('）')) {
        (notes, _) if notes.is_empty() => help.to_string(),
        (notes, Some(open)) => format!("{open}；{notes}）"),
        (notes, None) => format!("{help}（{notes}）"),
    }
}

/// The defaults, choices and environment variable of an argument, in Chinese.
fn arg_notes(arg: &Arg) -> Vec<String> {
    let mut notes = Vec::new();
    let takes_values = arg.get_action().takes_values();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|value| value.to_string_lossy().into_owned())
        .collect();
    if takes_values && !defaults.is_empty() && !arg.is_hide_default_value_set() {
        // Written the way the parser reads it back: `1,1,1,1`, not clap's `1 1 1 1`.
        let separator = arg.get_value_delimiter().map_or(' ', |c| c);
        notes.push(format!("默认：{}", defaults.join(&separator.to_string())));
    }
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|value| !value.is_hide_set())
        .map(|value| value.get_name().to_string())
        .collect();
    if takes_values && !choices.is_empty() && !arg.is_hide_possible_values_set() {
        notes.push(format!("可选：{}", choices.join("、")));
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        notes.push(format!("也可用环境变量 {} 指定", env.to_string_lossy()));
    }
    notes
}

/// Replaces the words clap writes itself.
pub(super) fn localize_text(text: &str) -> String {
    CLAP_WORDS
        .iter()
        .fold(text.to_string(), |text, (clap, ours)| {
            text.replace(clap, ours)
        })
}

/// The usage line of a built command, without a heading: `zwgk audit [选项] [DIR]`.
pub(super) fn usage(command: &Command) -> String {
    let rendered = command.clone().render_usage().to_string();
    localize_text(&rendered)
        .trim_start_matches("用法：")
        .trim()
        .to_string()
}

/// Writes help (or the version) to stdout, styled when stdout is a terminal.
pub(super) fn print(styled: &StyledStr, out: &mut impl Write, terminal: bool) -> Result<()> {
    let text = if terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) {
        styled.ansi().to_string()
    } else {
        styled.to_string()
    };
    let text = localize_text(&text);
    // clap's rendered help has no final line end; a shell prompt would follow it.
    writeln!(out, "{}", text.trim_end_matches('\n'))?;
    Ok(())
}

/// For `zwgk [COMMAND…] help [NAME…]`: the command whose help was asked for.
pub(super) fn requested<'a>(
    root: &'a Command,
    matches: &ArgMatches,
) -> Result<Option<&'a Command>> {
    let mut command = root;
    let mut matches = matches;
    while let Some((name, sub_matches)) = matches.subcommand() {
        if name == HELP_COMMAND {
            let names = sub_matches
                .get_many::<String>(HELP_COMMAND_ARG)
                .into_iter()
                .flatten();
            for name in names {
                let Some(sub) = command.find_subcommand(name) else {
                    bail!(
                        "没有命令 {name}：运行 {} help 查看全部命令",
                        command.get_bin_name().unwrap_or("zwgk")
                    );
                };
                command = sub;
            }
            return Ok(Some(command));
        }
        let Some(sub) = command.find_subcommand(name) else {
            return Ok(None);
        };
        command = sub;
        matches = sub_matches;
    }
    Ok(None)
}

/// Prints the long help of `command` to stdout.
pub(super) fn print_help(command: &Command) -> Result<()> {
    let help = command.clone().render_long_help();
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    print(&help, &mut stdout.lock(), terminal)
}

/// Every subcommand, depth first, root included.
#[cfg(test)]
pub(super) fn walk(command: &Command) -> Vec<&Command> {
    let mut all = vec![command];
    for sub in command.get_subcommands() {
        all.extend(walk(sub));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::{localize_text, with_notes};

    #[test]
    fn notes_join_a_closing_parenthesis_and_drop_the_full_stop() {
        let notes = ["默认：audits".to_string()];
        assert_eq!(
            with_notes("考核文件夹（含 audit.yaml）。", &notes),
            "考核文件夹（含 audit.yaml；默认：audits）"
        );
        assert_eq!(with_notes("年份。", &notes), "年份（默认：audits）");
        assert_eq!(with_notes("年份。", &[]), "年份");
    }

    #[test]
    fn clap_words_become_chinese() {
        assert_eq!(
            localize_text("Usage: zwgk audit [OPTIONS] [DIR]\n\n选项:\n"),
            "用法：zwgk audit [选项] [DIR]\n\n选项：\n"
        );
    }
}
