//! The output directory: files collected in memory, then written; files the generator no
//! longer produces are removed (except the key cache in `keys/`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use trustpath_testgen::{Error, Result};

/// Files to write, by path relative to the output directory.
pub struct Output {
    dir: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    /// An empty output for `dir`.
    pub fn new(dir: &Path) -> Self {
        Output { dir: dir.to_path_buf(), files: BTreeMap::new() }
    }

    /// Adds (or replaces) a file.
    pub fn file(&mut self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.to_string(), bytes.into());
    }

    /// Whether a file was added.
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Writes every file (only those whose content changed) and removes stale ones. Returns
    /// the number of files.
    pub fn write_all(&self) -> Result<usize> {
        for (path, bytes) in &self.files {
            let full = self.dir.join(path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if std::fs::read(&full).ok().as_deref() != Some(bytes.as_slice()) {
                std::fs::write(&full, bytes)?;
            }
        }
        self.remove_stale(&self.dir.clone())?;
        Ok(self.files.len())
    }

    fn remove_stale(&self, dir: &Path) -> Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let rel = path
                .strip_prefix(&self.dir)
                .map_err(|e| Error::msg(e.to_string()))?
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if rel == "keys" {
                    continue;
                }
                self.remove_stale(&path)?;
                if std::fs::read_dir(&path)?.next().is_none() {
                    std::fs::remove_dir(&path)?;
                }
            } else if !self.files.contains_key(&rel) {
                eprintln!("removing stale {}", path.display());
                std::fs::remove_file(&path)?;
            }
        }
        Ok(())
    }
}
