//! Writing a command's files all or nothing: new files are created exclusively (never over an
//! existing one), private keys readable by their owner only, replaced files are written to a
//! temporary file renamed over the old one; when a write fails, the files this command created
//! are removed again.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::CliError;

/// The files one command has created so far.
#[derive(Debug, Default)]
pub struct Writer {
    created: Vec<PathBuf>,
}

fn failed(path: &Path, e: std::io::Error) -> CliError {
    CliError::Input(format!("{}: cannot write: {e}", path.display()))
}

/// An error unless `path` does not exist yet.
pub fn must_not_exist(path: &Path) -> Result<(), CliError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::Input(format!("{}: {e}", path.display()))),
        Ok(_) => Err(CliError::Input(format!("{}: already exists, not overwritten", path.display()))),
    }
}

fn open_new(path: &Path, private: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    options.open(path)
}

impl Writer {
    /// Creates `path`, which must not exist, holding `bytes`; `private` files (keys) are
    /// readable and writable by their owner only.
    pub fn create(&mut self, path: &Path, bytes: &[u8], private: bool) -> Result<(), CliError> {
        let mut file = open_new(path, private).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                CliError::Input(format!("{}: already exists, not overwritten", path.display()))
            }
            _ => failed(path, e),
        })?;
        self.created.push(path.to_path_buf());
        file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| failed(path, e))
    }

    /// Replaces `path` (or creates it) with `bytes`, through a temporary file in the same
    /// directory renamed over it, so that readers see the old or the new content.
    pub fn replace(&mut self, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        let result = open_new(&temp, false)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
            .and_then(|()| std::fs::rename(&temp, path));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temp);
            return Err(failed(path, e));
        }
        Ok(())
    }

    /// Removes the files created so far (after a failed write).
    pub fn roll_back(self) {
        for path in self.created.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Runs `write` with a [`Writer`]; if it fails, the files it created are removed.
pub fn all_or_nothing(write: impl FnOnce(&mut Writer) -> Result<(), CliError>) -> Result<(), CliError> {
    let mut writer = Writer::default();
    match write(&mut writer) {
        Ok(()) => Ok(()),
        Err(e) => {
            writer.roll_back();
            Err(e)
        }
    }
}
