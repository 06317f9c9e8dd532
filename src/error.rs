//! The library's errors. Each kind says whether the input was wrong (exit 2) or the run
//! could not finish with good input (exit 3: a file could not be read or written, or
//! something failed inside).

use std::path::{Path, PathBuf};

use crate::calendar::MissingYear;
use crate::problem::Problems;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Every problem found in the input, each with file, line and field.
    #[error("{0}\n输入中有 {n} 个问题，未评分", n = .0.len())]
    Input(Problems),
    /// A date beyond the working-day calendar.
    #[error(transparent)]
    Calendar(#[from] MissingYear),
    /// A request the input cannot meet (an unknown rule, nothing to sample …).
    #[error("{0}")]
    Invalid(String),
    /// A template that does not compile or does not render.
    #[error("模板 {name}：{message}")]
    Template { name: String, message: String },
    /// Reading or writing a file failed. The action is a Chinese verb (读取, 写入 …); the
    /// reason is the OS's, in Chinese for the common kinds.
    #[error("{action} {} 失败：{}", path.display(), io_reason(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Another run is writing the same output folder.
    #[error("另一个 zwgk 正在写入 {}：请等它结束后再运行（或换一个 --out）", .0.display())]
    Busy(PathBuf),
    /// A library step failed (search index, spreadsheet or JSON writer).
    #[error("{context}: {message}")]
    Internal { context: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// 2: bad input; 3: could not finish.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Calendar(_) | Error::Invalid(_) | Error::Template { .. } => 2,
            Error::Io { .. } | Error::Busy(_) | Error::Internal { .. } => 3,
        }
    }

    pub(crate) fn io(action: &'static str, path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn internal(context: impl Into<String>, err: impl std::fmt::Display) -> Error {
        Error::Internal {
            context: context.into(),
            message: err.to_string(),
        }
    }
}

/// Why a file operation failed, in Chinese for the kinds a user meets; the OS's own text
/// for the rest.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let reason = match err.kind() {
        ErrorKind::NotFound => "文件或文件夹不存在",
        ErrorKind::PermissionDenied => "没有权限",
        ErrorKind::AlreadyExists => "已经存在",
        ErrorKind::IsADirectory => "这是文件夹，不是文件",
        ErrorKind::NotADirectory => "路径中有一项不是文件夹",
        ErrorKind::DirectoryNotEmpty => "文件夹不是空的",
        ErrorKind::StorageFull => "磁盘空间已满",
        ErrorKind::QuotaExceeded => "超出磁盘配额",
        ErrorKind::ReadOnlyFilesystem => "文件系统是只读的",
        ErrorKind::FileTooLarge => "文件太大",
        ErrorKind::InvalidData => "内容无效（不是 UTF-8 文本？）",
        ErrorKind::UnexpectedEof => "文件意外结束",
        ErrorKind::InvalidFilename => "文件名无效或太长",
        ErrorKind::CrossesDevices => "不能跨文件系统移动",
        ErrorKind::ResourceBusy => "文件正被占用",
        ErrorKind::AddrInUse => "地址已被占用",
        ErrorKind::AddrNotAvailable => "地址不可用",
        ErrorKind::BrokenPipe => "输出管道已关闭",
        ErrorKind::Interrupted => "操作被中断",
        ErrorKind::TimedOut => "操作超时",
        ErrorKind::OutOfMemory => "内存不足",
        _ => return err.to_string(),
    };
    reason.to_string()
}

/// A handlebars compile error in Chinese: where, and what, for the kinds a template
/// author makes.
pub(crate) fn template_compile_reason(err: &handlebars::TemplateError) -> String {
    use handlebars::TemplateErrorReason as Reason;
    let at = err
        .pos()
        .map(|(line, column)| format!("（第 {line} 行第 {column} 列）"))
        .unwrap_or_default();
    let what = match err.reason() {
        Reason::MismatchingClosedHelper(open, close) => {
            format!("{{{{#{open}}}}} 的结束标记写成了 {{{{/{close}}}}}")
        }
        Reason::MismatchingClosedDecorator(open, close) => {
            format!("装饰器 {open} 的结束标记写成了 {close}")
        }
        Reason::InvalidSyntax(_) => "Handlebars 语法错误".to_string(),
        Reason::InvalidParam(param) => format!("参数 {param} 无效"),
        Reason::NestedSubexpression => "不支持嵌套的子表达式".to_string(),
        other => other.to_string(),
    };
    format!("无法编译{at}：{what}")
}

/// A handlebars render error in Chinese.
pub(crate) fn template_render_reason(err: &handlebars::RenderError) -> String {
    use handlebars::RenderErrorReason as Reason;
    let at = match (err.line_no, err.column_no) {
        (Some(line), Some(column)) => format!("（第 {line} 行第 {column} 列）"),
        _ => String::new(),
    };
    let what = match err.reason() {
        Reason::TemplateNotFound(name) => format!("找不到模板 {name}"),
        Reason::PartialNotFound(name) => format!("找不到局部模板 {name}"),
        Reason::MissingVariable(Some(name)) => format!("数据中没有 {name}"),
        Reason::MissingVariable(None) => "数据中没有该变量".to_string(),
        Reason::HelperNotFound(name) => format!("没有辅助函数 {name}"),
        Reason::DecoratorNotFound(name) => format!("没有装饰器 {name}"),
        Reason::InvalidJsonPath(path) => format!("数据路径 {path} 无效"),
        Reason::ParamNotFoundForIndex(helper, index) => {
            format!("{helper} 缺少第 {} 个参数", index + 1)
        }
        Reason::ParamNotFoundForName(helper, name) => format!("{helper} 缺少参数 {name}"),
        Reason::InvalidParamType(expected) => format!("参数类型不对，应为 {expected}"),
        Reason::TemplateError(compile) => return template_compile_reason(compile),
        Reason::Other(text) => text.clone(),
        other => other.to_string(),
    };
    format!("无法生成{at}：{what}")
}

impl From<Problems> for Error {
    fn from(problems: Problems) -> Error {
        Error::Input(problems)
    }
}

/// Library errors that valid input cannot cause: reported as internal, with the library's
/// own message.
macro_rules! internal_from {
    ($($source:ty => $context:literal),* $(,)?) => {$(
        impl From<$source> for Error {
            fn from(err: $source) -> Error {
                Error::internal($context, err)
            }
        }
    )*};
}

internal_from! {
    rust_xlsxwriter::XlsxError => "写入工作簿",
    tantivy::TantivyError => "搜索索引",
    tantivy::query::QueryParserError => "解析检索词",
    serde_json::Error => "写入 JSON",
    csv::Error => "写入 CSV",
}

/// Returns an [`Error::Invalid`] with a formatted message.
macro_rules! bail_invalid {
    ($($message:tt)*) => {
        return Err($crate::error::Error::Invalid(format!($($message)*)))
    };
}
pub(crate) use bail_invalid;

#[cfg(test)]
mod tests {
    use super::*;

    /// The OS's English ("No such file or directory") used to reach the user.
    #[test]
    fn io_errors_read_in_chinese() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let err = Error::io("读取", Path::new("audits/items.csv"), missing);
        assert_eq!(
            err.to_string(),
            "读取 audits/items.csv 失败：文件或文件夹不存在"
        );
        assert_eq!(err.exit_code(), 3);
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(io_reason(&denied), "没有权限");
        let other = std::io::Error::other("磁盘坏了");
        assert_eq!(io_reason(&other), "磁盘坏了");
    }

    #[test]
    fn template_errors_read_in_chinese() {
        let mut registry = handlebars::Handlebars::new();
        let err = registry
            .register_template_string("t", "{{#if x}}open")
            .unwrap_err();
        let message = template_compile_reason(&err);
        assert!(message.starts_with("无法编译"), "{message}");
        registry.set_strict_mode(true);
        registry
            .register_template_string("u", "{{nothing}}")
            .unwrap();
        let err = registry.render("u", &serde_json::json!({})).unwrap_err();
        let message = template_render_reason(&err);
        assert!(message.contains("数据中没有 nothing"), "{message}");
    }
}
