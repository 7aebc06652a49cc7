//! Reading a file, or standard input, within a size limit, decoded to text (UTF-8, or
//! UTF-16 with a byte-order mark).

use super::*;

/// The path that names standard input.
pub const STDIN: &str = "-";

/// The bytes of the file at `path`, or its size if that is over `max` bytes (checked
/// before reading and while reading, so a file that grows is not read past the limit).
/// The file is opened once.
pub(super) fn read_limited(path: &Path, max: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read;
    if path.as_os_str() == STDIN {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(max.saturating_add(1))
            .read_to_end(&mut bytes)?;
        let read = bytes.len() as u64;
        return Ok(if read > max { Err(read) } else { Ok(bytes) });
    }
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max {
        return Ok(Err(len));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    let read = bytes.len() as u64;
    Ok(if read > max { Err(read) } else { Ok(bytes) })
}

/// The UTF-8 text of the file at `path` (BOM stripped), at most `max` bytes; the error
/// says why not.
pub fn read_text_limited(path: &Path, max: u64) -> Result<String, String> {
    match read_limited(path, max) {
        Ok(Ok(bytes)) => match String::from_utf8(bytes) {
            Ok(t) => Ok(strip_bom(&t).to_string()),
            Err(e) => Err(format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )),
        },
        Ok(Err(len)) => Err(format!("file is {len} bytes, over the {max}-byte limit")),
        Err(e) => Err(format!("cannot read: {e}")),
    }
}

/// The text of a file: UTF-8 (a BOM is kept, and stripped later), or UTF-16 with a
/// byte-order mark (what PowerShell's `>` writes), re-encoded as UTF-8 with a BOM so
/// positions are counted as in the original; anything else is an error.
pub(super) fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |be: bool| -> Result<String, String> {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let pair = [c[0], *c.get(1).unwrap_or(&0)];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units)
            .map(|t| format!("\u{feff}{t}"))
            .map_err(|_| "UTF-16 text with an invalid surrogate".to_string())
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, ..] => utf16(false),
        [0xFE, 0xFF, ..] => utf16(true),
        _ => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            )
        }),
    }
}
