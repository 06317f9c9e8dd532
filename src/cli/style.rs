//! Terminal styling and layout.

use std::io::IsTerminal;

use unicode_width::UnicodeWidthStr;

use crate::search::mark;

/// Pads to `width` terminal columns: a Chinese character takes two, `…·—` take one.
pub(super) fn pad(text: &str, width: usize) -> String {
    let used = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}

/// Terminal styling: ANSI only when stdout is a terminal and NO_COLOR is unset.
#[derive(Clone, Copy)]
pub(super) struct Style {
    color: bool,
}

impl Style {
    pub(super) fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stdout().is_terminal() && !no_color,
        }
    }

    pub(super) fn bold(self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub(super) fn highlight(self, text: &str, ranges: &[std::ops::Range<usize>]) -> String {
        if self.color {
            mark(text, ranges, "\x1b[1;31m", "\x1b[0m", str::to_string)
        } else {
            mark(text, ranges, "【", "】", str::to_string)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pad;

    /// Every non-ASCII character used to count as two columns, so `…` and `—` padded short.
    #[test]
    fn pad_counts_display_columns() {
        assert_eq!(pad("如皋", 6), "如皋  ");
        assert_eq!(pad("a…b", 5), "a…b  ");
        assert_eq!(pad("—·", 4), "—·  ");
        assert_eq!(pad("太长的文字", 4), "太长的文字");
    }
}
