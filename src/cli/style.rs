//! Terminal styling and layout.

use std::io::IsTerminal;

use crate::search::mark;

/// Pads by display width: a Chinese character takes two columns.
pub(super) fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    let ascii_width = text.chars().count();
    // `format!` pads by characters; ask for fewer when wide characters take two columns.
    format!("{text:<w$}", w = width.saturating_sub(used - ascii_width))
}

/// Terminal styling: ANSI only when stdout is a terminal and NO_COLOR is unset.
#[derive(Clone, Copy)]
pub(super) struct Style {
    color: bool,
}

impl Style {
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stdout().is_terminal() && !no_color,
        }
    }

    pub fn bold(self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn highlight(self, text: &str, ranges: &[std::ops::Range<usize>]) -> String {
        if self.color {
            mark(text, ranges, "\x1b[1;31m", "\x1b[0m", str::to_string)
        } else {
            mark(text, ranges, "【", "】", str::to_string)
        }
    }
}
