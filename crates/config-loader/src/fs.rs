//! The injected view of the file system.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// A view of the file system: the real one, one rooted in a folder, or an in-memory map.
///
/// Every signet crate reads files (config files, web identity tokens, SSO caches) through an
/// `Fs`, so that tests never touch the real home directory. Cloning is cheap and clones share
/// the same files; `Debug` lists paths only, never contents.
///
/// ```
/// use signet_config_loader::Fs;
/// use std::path::Path;
///
/// let fs = Fs::from_map([("/home/me/.aws/config", "[default]\nregion = eu-west-1\n")]);
/// let text = fs.read(Path::new("/home/me/.aws/config"))?;
/// assert!(text.starts_with(b"[default]"));
/// assert_eq!(fs.read(Path::new("/nope")).unwrap_err().kind(), std::io::ErrorKind::NotFound);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Fs {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Real,
    Rooted(Arc<Path>),
    Memory(Arc<Mutex<BTreeMap<PathBuf, Vec<u8>>>>),
}

impl Fs {
    /// The real file system.
    pub fn real() -> Self {
        Self { inner: Inner::Real }
    }

    /// The real file system seen through `root`: the absolute path `/home/.aws/config` is read
    /// from `root/home/.aws/config`. Paths that climb out with `..` are refused. This is how the
    /// scenario test folders (`<case>/fs/...`) are mounted.
    pub fn rooted(root: impl Into<PathBuf>) -> Self {
        Self { inner: Inner::Rooted(Arc::from(root.into())) }
    }

    /// An in-memory file system holding exactly these files.
    pub fn from_map<P, C>(files: impl IntoIterator<Item = (P, C)>) -> Self
    where
        P: Into<PathBuf>,
        C: Into<Vec<u8>>,
    {
        let map = files.into_iter().map(|(p, c)| (p.into(), c.into())).collect();
        Self { inner: Inner::Memory(Arc::new(Mutex::new(map))) }
    }

    /// Reads a whole file. A missing file is an error of kind [`io::ErrorKind::NotFound`].
    pub fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        match &self.inner {
            Inner::Real => std::fs::read(path),
            Inner::Rooted(root) => std::fs::read(rooted_path(root, path)?),
            Inner::Memory(files) => {
                let files = files.lock().unwrap_or_else(PoisonError::into_inner);
                files.get(path).cloned().ok_or_else(|| not_found(path))
            }
        }
    }

    /// Writes a whole file, replacing it (SSO token caches are written back this way).
    pub fn write(&self, path: &Path, contents: &[u8]) -> io::Result<()> {
        match &self.inner {
            Inner::Real => std::fs::write(path, contents),
            Inner::Rooted(root) => std::fs::write(rooted_path(root, path)?, contents),
            Inner::Memory(files) => {
                let mut files = files.lock().unwrap_or_else(PoisonError::into_inner);
                files.insert(path.to_owned(), contents.to_owned());
                Ok(())
            }
        }
    }
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{} does not exist", path.display()))
}

fn rooted_path(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let mut out = root.to_owned();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::RootDir | Component::Prefix(_) | Component::CurDir => {}
            Component::ParentDir => {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!("{} leaves the file system root", path.display()),
                ));
            }
        }
    }
    Ok(out)
}

impl fmt::Debug for Fs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Real => f.write_str("Fs::Real"),
            Inner::Rooted(root) => f.debug_tuple("Fs::Rooted").field(root).finish(),
            Inner::Memory(files) => {
                let files = files.lock().unwrap_or_else(PoisonError::into_inner);
                f.debug_tuple("Fs::Memory").field(&files.keys()).finish()
            }
        }
    }
}
