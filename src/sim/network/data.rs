//! The image data sets of the network problems, each with a fixed split:
//!
//! * `digits` — the 8×8 handwritten digits (scikit-learn's `digits.csv.gz`, vendored in
//!   `data/digits/` with its licence), embedded in the binary and the wasm module;
//! * `mnist` — 10,000 real 28×28 MNIST digits (`data/mnist/`, see [`super::mnist`]), embedded in
//!   the native binary only; the web page fetches the file and installs it when it is chosen;
//! * `mnist` with `data=full` — the standard MNIST split, 60,000 training and 10,000 test images,
//!   read from the four original IDX files in `data/mnist-full/` (fetched by `./scripts/setup.sh`,
//!   never committed; see [`super::mnist::idx`]), native only. Its images stay `u8` in memory
//!   (47 MB); [`Split::image_into`] converts one image at a time.
//!
//! Files are parsed once and checked strictly: a damaged file is an error with a message, never a
//! panic or a silently partial data set.

use std::fmt;
use std::io::Read;
use std::sync::OnceLock;

/// Pixels per 8×8 digit.
pub const PIXELS: usize = 64;
/// The 8×8 digits' grey levels run 0…16.
pub const MAX_LEVEL: u8 = 16;
/// Classes.
pub const CLASSES: usize = 10;
/// Rows in the vendored file.
pub const ROWS: usize = 1797;
/// Row i is a test image when i mod `TEST_EVERY` = 0 (360 test, 1437 training images).
pub const TEST_EVERY: usize = 5;

static EMBEDDED: &[u8] = include_bytes!("../../../data/digits/digits.csv.gz");

/// Which image data set a network problem trains on; `Dataset::get` loads it (defined with the
/// loaders, in `mnist`, so this module depends on none of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// scikit-learn's 8×8 digits: 1437 training, 360 test images.
    Digits,
    /// 10,000 real MNIST digits, 28×28: 8000 training, 2000 test images.
    Mnist,
    /// The standard MNIST split, 28×28: 60,000 training, 10,000 test images (`data=full`).
    MnistFull,
}

impl Dataset {
    /// Image side in pixels.
    pub fn side(self) -> usize {
        match self {
            Dataset::Digits => 8,
            Dataset::Mnist | Dataset::MnistFull => 28,
        }
    }
    /// Pixels per image (the network's input width).
    pub fn pixels(self) -> usize {
        self.side() * self.side()
    }
    /// The largest grey level (inputs are level / max).
    pub fn max_level(self) -> u8 {
        match self {
            Dataset::Digits => MAX_LEVEL,
            Dataset::Mnist | Dataset::MnistFull => 255,
        }
    }
}

/// A labelled image set: grey levels, and (the small embedded sets) inputs scaled to [0, 1].
#[derive(Clone, Debug)]
pub struct Split {
    /// Row-major, `pixels` values per image, level / `max_level`. Filled for the digits and
    /// MNIST-10k only; **empty for full MNIST**, whose images stay `u8`: read any set through
    /// [`Split::image_into`].
    pub inputs: Vec<f64>,
    pub labels: Vec<u8>,
    /// The raw grey levels, row-major (the network's inputs are level / `max_level`).
    pub levels: Vec<u8>,
    /// Pixels per image.
    pub pixels: usize,
    /// The largest grey level (16 for the 8×8 digits, 255 for MNIST).
    pub max_level: u8,
}

impl Split {
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Image `n`'s inputs, stored as `f64` (the digits and MNIST-10k only; panics on full MNIST,
    /// which keeps no `f64` copy: use [`Split::image_into`]).
    pub fn image(&self, n: usize) -> &[f64] {
        &self.inputs[n * self.pixels..(n + 1) * self.pixels]
    }
    /// Writes image `n`'s inputs, level / `max_level` (bit for bit the values of
    /// [`Split::image`]), into `out` (`pixels` long). Works on every set.
    pub fn image_into(&self, n: usize, out: &mut [f64]) {
        assert_eq!(out.len(), self.pixels, "image_into: the output holds one image");
        let max = f64::from(self.max_level);
        for (x, &v) in out.iter_mut().zip(self.image_levels(n)) {
            *x = f64::from(v) / max;
        }
    }
    /// Image `n`'s grey levels.
    pub fn image_levels(&self, n: usize) -> &[u8] {
        &self.levels[n * self.pixels..(n + 1) * self.pixels]
    }
}

/// An image data set, split into training and test images.
#[derive(Clone, Debug)]
pub struct Digits {
    pub dataset: Dataset,
    pub train: Split,
    pub test: Split,
}

/// Why the data could not be read (the message names the data set).
#[derive(Clone, Debug, PartialEq)]
pub struct DataError(pub String);

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn digits_error(message: String) -> DataError {
    DataError(format!("digits data: {message}"))
}

impl std::error::Error for DataError {}

impl Digits {
    /// The embedded data set (parsed on first use).
    pub fn embedded() -> &'static Digits {
        static DIGITS: OnceLock<Digits> = OnceLock::new();
        DIGITS.get_or_init(|| Digits::from_gzip(EMBEDDED).expect("the vendored digits file is valid (tested)"))
    }

    /// Parses a gzip-compressed CSV of `ROWS` rows of 64 grey levels and a label.
    pub fn from_gzip(bytes: &[u8]) -> Result<Digits, DataError> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| digits_error(format!("cannot decompress ({e})")))?;
        Digits::from_csv(&text)
    }

    /// Parses the CSV text; every row must have 64 levels in 0…16 and a label in 0…9.
    pub fn from_csv(text: &str) -> Result<Digits, DataError> {
        let empty = || Split {
            inputs: Vec::new(),
            labels: Vec::new(),
            levels: Vec::new(),
            pixels: PIXELS,
            max_level: MAX_LEVEL,
        };
        let (mut train, mut test) = (empty(), empty());
        let mut rows = 0;
        for (r, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.trim().split(',').collect();
            if fields.len() != PIXELS + 1 {
                return Err(digits_error(format!("row {}: {} fields, expected {}", r + 1, fields.len(), PIXELS + 1)));
            }
            let parse = |s: &str, max: u8| s.trim().parse::<u8>().ok().filter(|v| *v <= max);
            let split = if rows % TEST_EVERY == 0 { &mut test } else { &mut train };
            for f in &fields[..PIXELS] {
                let v = parse(f, MAX_LEVEL)
                    .ok_or_else(|| digits_error(format!("row {}: pixel {f:?} is not a level 0…{MAX_LEVEL}", r + 1)))?;
                split.levels.push(v);
                split.inputs.push(v as f64 / MAX_LEVEL as f64);
            }
            let label = parse(fields[PIXELS], 9)
                .ok_or_else(|| digits_error(format!("row {}: label {:?} is not a digit", r + 1, fields[PIXELS])))?;
            split.labels.push(label);
            rows += 1;
        }
        if rows != ROWS {
            return Err(digits_error(format!("{rows} rows, expected {ROWS} (truncated file?)")));
        }
        Ok(Digits { dataset: Dataset::Digits, train, test })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_file_has_the_documented_split() {
        let d = Digits::embedded();
        assert_eq!(d.train.len(), 1437);
        assert_eq!(d.test.len(), 360);
        assert_eq!(d.train.inputs.len(), 1437 * PIXELS);
        assert!(d.train.inputs.iter().all(|x| (0.0..=1.0).contains(x)));
        // Every class is present in both parts, with 26 to 48 test images each.
        for c in 0..10u8 {
            let n = d.test.labels.iter().filter(|&&l| l == c).count();
            assert!((25..=50).contains(&n), "class {c}: {n} test images");
        }
        // The first row of the file (a 0) is the first test image.
        assert_eq!(d.test.labels[0], 0);
        assert_eq!(&d.test.levels[..8], &[0, 0, 5, 13, 9, 1, 0, 0]);
        // The per-image conversion gives the stored inputs bit for bit.
        let mut x = vec![f64::NAN; PIXELS];
        for n in [0, 7, d.train.len() - 1] {
            d.train.image_into(n, &mut x);
            assert_eq!(x.as_slice(), d.train.image(n));
        }
    }

    #[test]
    fn damaged_files_are_refused_with_a_message() {
        let gz = EMBEDDED;
        let e = Digits::from_gzip(&gz[..gz.len() / 2]).unwrap_err();
        assert!(e.to_string().contains("digits data"), "{e}");
        let e = Digits::from_gzip(b"not gzip at all").unwrap_err();
        assert!(e.0.contains("decompress"), "{e}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz).read_to_string(&mut text).unwrap();
        let truncated: String = text.lines().take(100).map(|l| format!("{l}\n")).collect();
        assert!(Digits::from_csv(&truncated).unwrap_err().0.contains("100 rows"));
        let bad_pixel = text.replacen("0,0,5,13", "0,0,5,17", 1);
        assert!(Digits::from_csv(&bad_pixel).unwrap_err().0.contains("row 1: pixel \"17\""));
        let bad_label = text.replacen(",0\n", ",x\n", 1);
        assert!(Digits::from_csv(&bad_label).unwrap_err().0.contains("label"));
        let short = text.replacen("0,0,5,13,", "0,0,5,", 1);
        assert!(Digits::from_csv(&short).unwrap_err().0.contains("64 fields"));
    }
}
