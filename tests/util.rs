//! Test helpers: temporary copies of the shipped data and running the CLI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn shipped_standards() -> PathBuf {
    repo().join("standards")
}

/// A scratch folder with a private index cache, removed when dropped.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cache(&self) -> PathBuf {
        self.path().join("cache")
    }

    /// Copies the shipped standards folder into the sandbox and returns the copy's path.
    pub fn copy_standards(&self) -> PathBuf {
        let target = self.path().join("standards");
        std::fs::create_dir_all(&target).unwrap();
        for entry in std::fs::read_dir(shipped_standards()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, target.join(path.file_name().unwrap())).unwrap();
        }
        target
    }

    /// Runs `zwgk ARGS` in the sandbox with its own cache folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_zwgk"))
            .args(args)
            .current_dir(self.path())
            .env("ZWGK_CACHE_DIR", self.cache())
            .env_remove("ZWGK_STANDARDS")
            .env("NO_COLOR", "1")
            .output()
            .expect("run zwgk");
        Run(output)
    }
}

/// A finished run with readable output.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("exited normally")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).expect("utf-8 stdout")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8(self.0.stderr.clone()).expect("utf-8 stderr")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.0.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout()))
    }

    /// Asserts success and returns stdout.
    pub fn ok(&self) -> String {
        assert_eq!(
            self.code(),
            0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self.stdout()
    }
}
