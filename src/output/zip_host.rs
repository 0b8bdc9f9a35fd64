//! A workbook is a zip archive, and the zip writer records the system it
//! ran on in each entry's "version made by" (Unix on Linux and macOS, DOS
//! on Windows). That one byte per entry is all that differed between a
//! workbook made on Windows and on Linux; setting it to Unix everywhere
//! keeps the promise that the same inputs give the same bytes.

/// The "version made by" system of Unix, as Linux and macOS write it.
const UNIX: u8 = 3;
const END_SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
const ENTRY_SIGNATURE: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
/// The end record's fixed length; a comment of up to 65,535 bytes follows.
const END_LEN: usize = 22;
const ENTRY_LEN: usize = 46;

fn u16_at(b: &[u8], i: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], i: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize)
}

/// Marks every central-directory entry of the archive as made on Unix.
/// An archive it cannot read through is left as it is.
pub(crate) fn as_made_on_unix(mut zip: Vec<u8>) -> Vec<u8> {
    let Some(end) = (0..=zip.len().saturating_sub(END_LEN))
        .rev()
        .take(END_LEN + 65_535)
        .find(|&i| zip[i..].starts_with(&END_SIGNATURE))
    else {
        return zip;
    };
    let (Some(count), Some(mut at)) = (u16_at(&zip, end + 10), u32_at(&zip, end + 16)) else {
        return zip;
    };
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        if !zip
            .get(at..)
            .is_some_and(|b| b.starts_with(&ENTRY_SIGNATURE))
        {
            return zip;
        }
        let (Some(name), Some(extra), Some(comment)) = (
            u16_at(&zip, at + 28),
            u16_at(&zip, at + 30),
            u16_at(&zip, at + 32),
        ) else {
            return zip;
        };
        entries.push(at);
        at += ENTRY_LEN + name + extra + comment;
    }
    for entry in entries {
        zip[entry + 5] = UNIX;
    }
    zip
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn archive(system: zip::System) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .system(system)
            .unix_permissions(0o600)
            .last_modified_time(zip::DateTime::default());
        for (name, text) in [("[Content_Types].xml", "<a/>"), ("xl/workbook.xml", "<b/>")] {
            zip.start_file(name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.set_comment("made by a test").unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_made_on_windows_becomes_the_bytes_made_on_unix() {
        let (dos, unix) = (archive(zip::System::Dos), archive(zip::System::Unix));
        assert_ne!(dos, unix);
        assert_eq!(as_made_on_unix(dos), unix);
        assert_eq!(as_made_on_unix(unix.clone()), unix);
    }

    #[test]
    fn bytes_that_are_not_an_archive_are_left_alone() {
        for bytes in [Vec::new(), b"PK\x05\x06".to_vec(), vec![0x50; 100]] {
            assert_eq!(as_made_on_unix(bytes.clone()), bytes);
        }
        // An end record pointing past the end.
        let mut lying = archive(zip::System::Dos);
        let end = lying.windows(4).rposition(|w| w == END_SIGNATURE).unwrap();
        lying[end + 16..end + 20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(as_made_on_unix(lying.clone()), lying);
    }
}
