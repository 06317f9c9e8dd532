//! Writing output files: each file whole or not at all, a set of files whole or not at
//! all, and only inside the output folder.
//!
//! A command's outputs (results.json, the circular, the notices …) are one set: they are
//! written into a staging folder beside the output folder, which is then exchanged with it
//! in one rename, so a reader sees the old set or the new one, never a mix, and the old
//! set survives any failure (a full disk, a kill, a template that fails). A lock file
//! beside the folder keeps a second run from writing into it at the same time.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// an interrupted run never leaves a half-written file; a failed write removes its
/// temporary file (on a full disk it would keep the disk full).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let (dir, name) = parent_and_name(path);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("创建", &dir, e))?;
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temporary, bytes)
        .map_err(|e| Error::io("写入", &temporary, e))
        .and_then(|()| std::fs::rename(&temporary, path).map_err(|e| Error::io("移入", path, e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Files published together into one folder.
pub(crate) type Files = Vec<(String, Vec<u8>)>;

/// An output folder claimed for one run: the lock is held while this lives.
#[derive(Debug)]
pub(crate) struct Claim {
    out: PathBuf,
    _lock: File,
}

/// Claims `out` for this run, failing at once when another run holds it, and clears what
/// a killed run left beside it (its staging folder).
pub(crate) fn claim(out: &Path) -> Result<Claim> {
    // The folder is exchanged whole: it cannot be the one a shell is standing in.
    if let (Ok(folder), Ok(here)) = (out.canonicalize(), std::env::current_dir()) {
        if here
            .canonicalize()
            .is_ok_and(|here| here.starts_with(&folder))
        {
            crate::error::bail_invalid!(
                "输出文件夹 {} 是当前文件夹或其上级，而输出会整体替换该文件夹：请用单独的文件夹，如 --out report",
                out.display()
            );
        }
    }
    let (parent, name) = parent_and_name(out);
    std::fs::create_dir_all(&parent).map_err(|e| Error::io("创建", &parent, e))?;
    let lock_path = parent.join(format!(".{name}.lock"));
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| Error::io("创建", &lock_path, e))?;
    if lock.try_lock().is_err() {
        return Err(Error::Busy(out.to_path_buf()));
    }
    let stale = format!(".{name}.staging-");
    if let Ok(entries) = std::fs::read_dir(&parent) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&stale) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(Claim {
        out: out.to_path_buf(),
        _lock: lock,
    })
}

impl Claim {
    /// Replaces, in the claimed folder, every top-level entry that `replaces` names by
    /// `files` — all of them or, on any failure, none; entries it does not name are kept.
    /// Returns the paths written.
    pub(crate) fn publish(
        &self,
        files: &Files,
        replaces: impl Fn(&str) -> bool,
    ) -> Result<Vec<PathBuf>> {
        let (parent, name) = parent_and_name(&self.out);
        let staging = Staging(parent.join(format!(".{name}.staging-{}", std::process::id())));
        let _ = std::fs::remove_dir_all(&staging.0);
        std::fs::create_dir_all(&staging.0).map_err(|e| Error::io("创建", &staging.0, e))?;
        if self.out.is_dir() {
            carry_over(&self.out, &staging.0, &replaces)?;
        }
        for (relative, bytes) in files {
            if !stays_inside(Path::new(relative)) {
                return Err(Error::internal("命名输出文件", relative));
            }
            let path = staging.0.join(relative);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io("创建", dir, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| Error::io("写入", &path, e))?;
        }
        swap_in(&staging.0, &self.out)?;
        Ok(files
            .iter()
            .map(|(relative, _)| self.out.join(relative))
            .collect())
    }
}

/// A staging folder, removed with whatever it holds when the run is done with it (after
/// the exchange it holds the old set; after a failure, the partial new one).
struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn parent_and_name(out: &Path) -> (PathBuf, String) {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    (parent, name)
}

/// Links (or copies) into `to` what `from` holds, but for what the new set replaces:
/// `replaces` names it by its path inside the folder (`report.md`,
/// `notices/U01-市政府办公室.docx`; a folder's name drops all of it).
fn carry_over(from: &Path, to: &Path, replaces: &impl Fn(&str) -> bool) -> Result<()> {
    carry_over_under(from, to, "", replaces)
}

fn carry_over_under(
    from: &Path,
    to: &Path,
    prefix: &str,
    replaces: &impl Fn(&str) -> bool,
) -> Result<()> {
    let entries = std::fs::read_dir(from).map_err(|e| Error::io("读取", from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("读取", from, e))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let relative = format!("{prefix}{text}");
        // A temporary file of an interrupted write is dropped, not kept.
        if replaces(&relative) || (text.starts_with('.') && text.ends_with(".tmp")) {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            let inside = to.join(&name);
            std::fs::create_dir_all(&inside).map_err(|e| Error::io("创建", &inside, e))?;
            carry_over_under(&path, &inside, &format!("{relative}/"), replaces)?;
        } else {
            keep_file(&path, &to.join(&name))?;
        }
    }
    Ok(())
}

fn keep_file(from: &Path, to: &Path) -> Result<()> {
    // A hard link costs nothing; across file systems, a copy.
    std::fs::hard_link(from, to)
        .or_else(|_| std::fs::copy(from, to).map(|_| ()))
        .map_err(|e| Error::io("保留", from, e))
}

/// Puts the staging folder in the output folder's place: exchanged in one rename where
/// the system can (Linux), so no moment shows neither set.
fn swap_in(staging: &Path, out: &Path) -> Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out).map_err(|e| Error::io("移入", out, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        if renameat_with(CWD, staging, CWD, out, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    let old = PathBuf::from(format!("{}.old", staging.display()));
    std::fs::rename(out, &old).map_err(|e| Error::io("移开", out, e))?;
    std::fs::rename(staging, out).map_err(|e| Error::io("移入", out, e))?;
    // The staging folder's guard removes the old set.
    std::fs::rename(&old, staging).map_err(|e| Error::io("移开", &old, e))
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
