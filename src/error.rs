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
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    /// Reading or writing a file failed.
    #[error("{action} {}: {source}", path.display())]
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
    rust_xlsxwriter::XlsxError => "writing a workbook",
    tantivy::TantivyError => "search index",
    tantivy::query::QueryParserError => "search query",
    serde_json::Error => "writing JSON",
    csv::Error => "writing CSV",
}

/// Returns an [`Error::Invalid`] with a formatted message.
macro_rules! bail_invalid {
    ($($message:tt)*) => {
        return Err($crate::error::Error::Invalid(format!($($message)*)))
    };
}
pub(crate) use bail_invalid;
