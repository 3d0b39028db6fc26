//! A figure set: every panel of a scenario as SVG and PNG plus its link, in one zip archive (the
//! page's "Figure set" button and `playground figure --all --out set.zip`).

use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// The archive of `files` (name, bytes), in the given order. SVG and text are deflated; PNG is
/// stored (it is compressed already). Entries carry no clock time, so the same files give the
/// same bytes.
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        let method = if name.ends_with(".png") { CompressionMethod::Stored } else { CompressionMethod::Deflated };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644);
        archive.start_file(name.as_str(), options).map_err(|e| format!("{name}: {e}"))?;
        archive.write_all(bytes).map_err(|e| format!("{name}: {e}"))?;
    }
    archive.finish().map(|c| c.into_inner()).map_err(|e| e.to_string())
}

/// The link file of a set: the scenario's relative permalink.
pub fn link_file(query: &str) -> (String, Vec<u8>) {
    ("scenario.txt".to_string(), format!("?{query}\n").into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_every_file_and_is_the_same_each_time() {
        let files = vec![
            ("a.svg".to_string(), b"<svg>aaaaaaaaaaaaaaaaaaaaaaaa</svg>".to_vec()),
            ("a.png".to_string(), vec![0x89, b'P', b'N', b'G']),
            link_file("tau=0.5"),
        ];
        let bytes = zip_files(&files).unwrap();
        assert_eq!(bytes, zip_files(&files).unwrap(), "deterministic");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 3);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("scenario.txt").unwrap(), &mut text).unwrap();
        assert_eq!(text, "?tau=0.5\n");
        let mut svg = Vec::new();
        std::io::Read::read_to_end(&mut archive.by_name("a.svg").unwrap(), &mut svg).unwrap();
        assert_eq!(svg, files[0].1);
    }
}
