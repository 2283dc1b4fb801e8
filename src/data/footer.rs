//! A check of a Parquet file's footer before the reader decodes it. The footer (the file's
//! metadata, in Thrift's compact encoding) declares the length of every list and string
//! in it, and the reader reserves memory for what is declared before it reads: one flipped
//! byte in a damaged file can ask for gigabytes, and an allocation that fails aborts the
//! process. Here every length is walked and checked against the bytes that are actually
//! there, so a damaged footer is a clear error instead.
//!
//! The compact encoding (Apache Thrift, `TCompactProtocol`): a struct is a run of field
//! headers ending with a zero byte; a header's high four bits are the field id's delta (or
//! zero, and the id follows as a zigzag varint), its low four bits the field's type.
//! Lists and sets start with a byte holding the size (high four bits, or 15 and a varint
//! size after it) and the element type; maps with a varint size and a byte of key and
//! value types; strings with a varint length.

use crate::bi;
use crate::i18n::{Lang, Localize};

/// Why a footer is refused; `at` is a byte offset into the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FooterFault {
    /// The file does not end with the Parquet mark `PAR1`.
    NoEndMark,
    /// The footer's declared length does not fit in the file.
    Length { declared: u64, file_len: u64 },
    /// The footer ends in the middle of a value.
    Truncated { at: u64 },
    /// A list, map or string declares more entries or bytes than the footer has left.
    Count { at: u64, count: u64, room: u64 },
    /// Structures nested deeper than any Parquet footer nests them.
    TooDeep { at: u64 },
    /// A type code the encoding does not have.
    Type { at: u64, code: u8 },
}

impl Localize for FooterFault {
    fn localize(&self, lang: Lang) -> String {
        let lead = bi!(
            lang,
            "its footer (the file's metadata) is damaged",
            "文件尾部的元数据已损坏"
        );
        let why = match self {
            FooterFault::NoEndMark => {
                return bi!(
                    lang,
                    "it does not end with the Parquet mark PAR1 (cut short, or not Parquet)",
                    "文件末尾没有 Parquet 标记 PAR1（文件不完整，或不是 Parquet）"
                );
            }
            FooterFault::Length { declared, file_len } => bi!(
                lang,
                "it declares {declared} bytes in a file of {file_len}",
                "声明长度为 {declared} 字节，但文件只有 {file_len} 字节"
            ),
            FooterFault::Truncated { at } => {
                bi!(
                    lang,
                    "it ends inside a value at byte {at}",
                    "在第 {at} 字节处的值中途结束"
                )
            }
            FooterFault::Count { at, count, room } => bi!(
                lang,
                "at byte {at} it declares {count} entries or bytes with only {room} bytes left",
                "第 {at} 字节处声明了 {count} 个条目或字节，但只剩 {room} 字节"
            ),
            FooterFault::TooDeep { at } => bi!(
                lang,
                "it nests deeper than {MAX_DEPTH} levels at byte {at}",
                "在第 {at} 字节处嵌套超过 {MAX_DEPTH} 层"
            ),
            FooterFault::Type { at, code } => bi!(
                lang,
                "unknown type code {code} at byte {at}",
                "第 {at} 字节处有未知的类型代码 {code}"
            ),
        };
        bi!(lang, "{lead}: {why}", "{lead}：{why}")
    }
}

/// Deeper than Parquet's own nesting ever goes (Thrift's default recursion limit).
const MAX_DEPTH: usize = 64;

/// Check the footer of a whole Parquet file held in `bytes` (only the footer's bytes, at
/// the end, need to have been read).
pub fn check(bytes: &[u8]) -> Result<(), FooterFault> {
    let n = bytes.len();
    if n < 12 || &bytes[n - 4..] != b"PAR1" {
        return Err(FooterFault::NoEndMark);
    }
    let len = u32::from_le_bytes([bytes[n - 8], bytes[n - 7], bytes[n - 6], bytes[n - 5]]);
    // The file starts with its own 4-byte mark, so the footer has at most n - 12 bytes.
    let declared = u64::from(len);
    if declared > (n - 12) as u64 {
        return Err(FooterFault::Length {
            declared,
            file_len: n as u64,
        });
    }
    let start = n - 8 - len as usize;
    let mut w = Walker {
        buf: &bytes[start..n - 8],
        pos: 0,
        base: start as u64,
    };
    w.structure(0)
}

struct Walker<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf` in the file, for messages.
    base: u64,
}

/// The least number of bytes a value of a compact type code takes.
fn least_bytes(code: u8) -> Option<u64> {
    match code {
        // Booleans (as list elements, one byte each), bytes, varints, strings (a length),
        // lists, sets, maps and structs (at least a header or a stop byte).
        1..=6 | 8..=12 => Some(1),
        7 => Some(8),
        13 => Some(16),
        _ => None,
    }
}

impl Walker<'_> {
    fn at(&self) -> u64 {
        self.base + self.pos as u64
    }

    fn room(&self) -> u64 {
        (self.buf.len() - self.pos) as u64
    }

    fn byte(&mut self) -> Result<u8, FooterFault> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or(FooterFault::Truncated { at: self.at() })?;
        self.pos += 1;
        Ok(b)
    }

    fn skip(&mut self, k: u64) -> Result<(), FooterFault> {
        if k > self.room() {
            return Err(FooterFault::Truncated { at: self.at() });
        }
        self.pos += k as usize;
        Ok(())
    }

    fn varint(&mut self) -> Result<u64, FooterFault> {
        let at = self.at();
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(FooterFault::Truncated { at })
    }

    /// A declared count of entries each at least `each` bytes long, checked against what
    /// is left.
    fn count(&mut self, count: u64, each: u64) -> Result<u64, FooterFault> {
        let room = self.room();
        if count.saturating_mul(each) > room {
            return Err(FooterFault::Count {
                at: self.at(),
                count,
                room,
            });
        }
        Ok(count)
    }

    fn least(&self, code: u8) -> Result<u64, FooterFault> {
        least_bytes(code).ok_or(FooterFault::Type {
            at: self.at(),
            code,
        })
    }

    fn structure(&mut self, depth: usize) -> Result<(), FooterFault> {
        if depth > MAX_DEPTH {
            return Err(FooterFault::TooDeep { at: self.at() });
        }
        loop {
            let header = self.byte()?;
            if header == 0 {
                return Ok(());
            }
            if header >> 4 == 0 {
                self.varint()?; // the field id, given in full
            }
            match header & 0x0F {
                // A boolean field's value is its type code.
                1 | 2 => {}
                code => self.value(code, depth)?,
            }
        }
    }

    fn value(&mut self, code: u8, depth: usize) -> Result<(), FooterFault> {
        match code {
            1..=3 => self.skip(1),
            4..=6 => self.varint().map(drop),
            7 => self.skip(8),
            8 => {
                let k = self.varint()?;
                let k = self.count(k, 1)?;
                self.skip(k)
            }
            9 | 10 => {
                let head = self.byte()?;
                let elem = head & 0x0F;
                let size = match head >> 4 {
                    15 => self.varint()?,
                    s => u64::from(s),
                };
                let each = self.least(elem)?;
                for _ in 0..self.count(size, each)? {
                    self.value(elem, depth + 1)?;
                }
                Ok(())
            }
            11 => {
                let size = self.varint()?;
                if size == 0 {
                    return Ok(());
                }
                let kinds = self.byte()?;
                let (key, val) = (kinds >> 4, kinds & 0x0F);
                let each = self.least(key)? + self.least(val)?;
                for _ in 0..self.count(size, each)? {
                    self.value(key, depth + 1)?;
                    self.value(val, depth + 1)?;
                }
                Ok(())
            }
            12 => self.structure(depth + 1),
            13 => self.skip(16),
            _ => Err(FooterFault::Type {
                at: self.at(),
                code,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of the given footer bytes: mark, footer, its length, mark.
    fn file(footer: &[u8]) -> Vec<u8> {
        let mut f = b"PAR1".to_vec();
        f.extend_from_slice(footer);
        f.extend_from_slice(&(footer.len() as u32).to_le_bytes());
        f.extend_from_slice(b"PAR1");
        f
    }

    #[test]
    fn a_real_footer_passes() {
        let sample = crate::data::sample_dir().join("prices.parquet");
        check(&std::fs::read(sample).unwrap()).unwrap();
    }

    #[test]
    fn hand_encoded_structures_pass() {
        // Field 1 (i32 = 5: zigzag 10), field 2 (string "ab"), field 3 (list of two i64),
        // field 4 (true), field 20 by full id (struct with one byte field), a map of one
        // i32 to a string, then stop.
        let footer = [
            0x15, 10, 0x18, 2, b'a', b'b', 0x19, 0x26, 2, 4, 0x11, 0x0C, 40, 0x13, 7, 0, 0x1B, 1,
            0x58, 2, 1, b'z', 0,
        ];
        check(&file(&footer)).unwrap();
    }

    #[test]
    fn declared_lengths_beyond_the_footer_are_refused() {
        // A list of structs declaring 2^33 entries in an 8-byte footer: the damaged file
        // the reader would reserve gigabytes for.
        let footer = [0x19, 0xFC, 0x80, 0x80, 0x80, 0x80, 0x20, 0];
        assert!(matches!(
            check(&file(&footer)),
            Err(FooterFault::Count {
                count: 8589934592,
                ..
            })
        ));
        // A string longer than what is left.
        assert!(matches!(
            check(&file(&[0x18, 100, b'a', 0])),
            Err(FooterFault::Count { count: 100, .. })
        ));
        // A map of 3 entries of (i32, double) needs 27 bytes at least.
        assert!(matches!(
            check(&file(&[0x1B, 3, 0x57, 0, 0, 0, 0])),
            Err(FooterFault::Count { count: 3, .. })
        ));
    }

    #[test]
    fn other_damage_is_named() {
        assert_eq!(check(b"PAR1 no end mark"), Err(FooterFault::NoEndMark));
        let mut f = file(&[0]);
        let n = f.len();
        f[n - 8..n - 4].copy_from_slice(&1000u32.to_le_bytes());
        assert!(matches!(
            check(&f),
            Err(FooterFault::Length { declared: 1000, .. })
        ));
        assert!(matches!(
            check(&file(&[0x15])),
            Err(FooterFault::Truncated { .. })
        ));
        assert!(matches!(
            check(&file(&[0x1E, 0])),
            Err(FooterFault::Type { code: 14, .. })
        ));
        let deep: Vec<u8> = std::iter::repeat_n(0x1C, 100).chain([0; 101]).collect();
        assert!(matches!(
            check(&file(&deep)),
            Err(FooterFault::TooDeep { .. })
        ));
    }
}
