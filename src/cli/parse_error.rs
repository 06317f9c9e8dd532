//! clap's parse errors, said in Chinese: what was wrong (naming the argument and the
//! value), the usage line of the command, and where to find its help.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::Command;

use super::help::usage;

/// The message for a refused command line: a sentence, the usage line and a hint.
pub(super) fn message(err: &clap::Error, root: &Command, args: &[OsString]) -> String {
    let command = addressed(root, args);
    let name = command.get_bin_name().unwrap_or("zwgk");
    let hint = if std::ptr::eq(command, root) {
        format!("运行 {name} --help 查看全部命令，运行 {name} <命令> --help 查看某个命令的帮助")
    } else {
        format!("运行 {name} --help 查看帮助")
    };
    format!(
        "错误：{}\n\n用法：{}\n\n{hint}",
        sentence(err),
        usage(command)
    )
}

/// The deepest subcommand named on the command line (the root when none is).
fn addressed<'a>(root: &'a Command, args: &[OsString]) -> &'a Command {
    let mut command = root;
    for arg in args.iter().skip(1) {
        let Some(arg) = arg.to_str() else { break };
        if arg == "--" {
            break;
        }
        if let Some(sub) = command.find_subcommand(arg) {
            command = sub;
        }
    }
    command
}

/// One context value as text: lists joined with 、.
fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    let text = match err.get(kind)? {
        ContextValue::String(value) => value.clone(),
        ContextValue::Strings(values) => values.join("、"),
        ContextValue::StyledStr(value) => value.to_string(),
        ContextValue::StyledStrs(values) => values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(_) | ContextValue::None => return None,
        // ContextValue is non-exhaustive.
        _ => return None,
    };
    Some(text)
}

/// What was wrong, in one Chinese sentence.
fn sentence(err: &clap::Error) -> String {
    let get = |kind| context(err, kind).unwrap_or_default();
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let suggestion = |kind| {
        context(err, kind)
            .map(|s| format!("；是否想用 {s}？"))
            .unwrap_or_default()
    };
    match err.kind() {
        ErrorKind::UnknownArgument => format!(
            "不认识的参数 {arg}{}",
            suggestion(ContextKind::SuggestedArg)
        ),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation if value.is_empty() => {
            format!("参数 {arg} 需要一个值")
        }
        ErrorKind::InvalidValue => {
            let valid = context(err, ContextKind::ValidValue)
                .map(|v| format!("；可选值：{v}"))
                .unwrap_or_default();
            format!(
                "参数 {arg} 的值 {value} 无效{valid}{}",
                suggestion(ContextKind::SuggestedValue)
            )
        }
        ErrorKind::InvalidSubcommand => format!(
            "没有命令 {}{}",
            get(ContextKind::InvalidSubcommand),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::MissingSubcommand => format!(
            "{} 需要一个子命令：{}",
            get(ContextKind::InvalidSubcommand),
            get(ContextKind::ValidSubcommand)
        ),
        ErrorKind::ArgumentConflict => match context(err, ContextKind::PriorArg) {
            Some(prior) if prior != arg => format!("参数 {arg} 不能与 {prior} 同时使用"),
            _ => format!("参数 {arg} 只能给一次"),
        },
        ErrorKind::ValueValidation => {
            format!("参数 {arg} 的值 {value} 无效：{}", validation_reason(err))
        }
        ErrorKind::TooManyValues => format!("参数 {arg} 多给了一个值 {value}"),
        ErrorKind::TooFewValues => format!(
            "参数 {arg} 至少需要 {} 个值，只给了 {} 个",
            get(ContextKind::MinValues),
            get(ContextKind::ActualNumValues)
        ),
        ErrorKind::WrongNumberOfValues => format!(
            "参数 {arg} 需要 {} 个值，给了 {} 个",
            get(ContextKind::ExpectedNumValues),
            get(ContextKind::ActualNumValues)
        ),
        ErrorKind::NoEquals => format!("参数 {arg} 的值须用等号连接，如 {arg}=值"),
        ErrorKind::InvalidUtf8 => "命令行参数不是有效的 UTF-8 文本".to_string(),
        _ => "命令行参数有误".to_string(),
    }
}

/// Why a value parser refused a value: the standard parsers' reasons in Chinese, our own
/// parsers' (already Chinese) as they are.
fn validation_reason(err: &clap::Error) -> String {
    let Some(source) = std::error::Error::source(err) else {
        return "格式不对".to_string();
    };
    if source.is::<std::num::ParseFloatError>() {
        "不是数字".to_string()
    } else if source.is::<std::num::ParseIntError>() {
        "不是整数，或超出范围".to_string()
    } else if source.is::<std::net::AddrParseError>() {
        "不是“地址:端口”，如 127.0.0.1:8080".to_string()
    } else if source.to_string().contains(" is not in ") {
        // clap's ranged integer parsers.
        "超出范围".to_string()
    } else {
        source.to_string()
    }
}
