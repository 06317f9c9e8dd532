//! Writing output files: each file whole or not at all, and only inside the output folder.

use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// an interrupted run never leaves a half-written file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes).map_err(|e| Error::io("writing", &temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| Error::io("moving into place", path, e))?;
    Ok(())
}

/// Characters that make a spreadsheet read a cell as a formula (or, tab and CR, that hide
/// one), the OWASP list.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell of a CSV file zwgk writes: one Excel or WPS would run as a formula is made text
/// with a leading `'`. [`csv_cell_read`] takes it off again.
pub(crate) fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A cell of a CSV file zwgk wrote, as it was before [`csv_cell`].
pub(crate) fn csv_cell_read(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Longest name part of a file, in characters.
const NAME_CHARS: usize = 40;

/// `text` made safe as part of a file name on every system: no path separators, no
/// characters Windows forbids, no control characters, no leading or trailing dots or
/// spaces; at most [`NAME_CHARS`] characters.
pub(crate) fn file_name_part(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
        .take(NAME_CHARS)
        .collect();
    kept.trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string()
}

/// Whether `relative` names a file below its folder: only plain parts, no `..`, no root.
pub(crate) fn stays_inside(relative: &Path) -> bool {
    relative
        .components()
        .all(|part| matches!(part, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_written_as_text_and_read_back() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "-1",
            "\tx",
        ] {
            let written = csv_cell(formula);
            assert!(written.starts_with('\''), "{formula}");
            assert_eq!(csv_cell_read(&written), formula);
        }
        assert_eq!(csv_cell("市环保局"), "市环保局");
        assert_eq!(
            csv_cell_read("'引号开头"),
            "'引号开头",
            "an apostrophe of the value stays"
        );
    }

    #[test]
    fn file_name_parts_cannot_leave_their_folder() {
        assert_eq!(file_name_part("市环保局"), "市环保局");
        assert_eq!(file_name_part("../../../../tmp/PWNED"), "tmpPWNED");
        assert_eq!(file_name_part("a/b\\c\nd"), "abcd");
        assert_eq!(file_name_part(".."), "");
        assert_eq!(file_name_part(&"局".repeat(100)).chars().count(), 40);
        assert!(stays_inside(Path::new("notices/U01-市环保局.md")));
        assert!(!stays_inside(Path::new("notices/../../x.md")));
        assert!(!stays_inside(Path::new("/tmp/x.md")));
    }
}
