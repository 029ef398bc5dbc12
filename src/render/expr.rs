//! Disassembly of DWARF expressions (`DW_AT_location`, `DW_AT_frame_base`,
//! location list entries, ...).
//!
//! Each operation is shown by its `DW_OP_*` name followed by its operands in
//! decimal: `DW_OP_fbreg -24`, `DW_OP_breg7 8`, `DW_OP_piece 4`. Operations
//! are separated by `, ` and the whole expression is wrapped in brackets:
//! `[DW_OP_call_frame_cfa]`. Operands that are code or data addresses
//! (`DW_OP_addr`, `DW_OP_addrx`, `DW_OP_GNU_addr_index`) are shown as
//! `<addr>`; operands that refer to DIEs (`DW_OP_call2`, `DW_OP_convert`,
//! `DW_OP_const_type`, ...) are shown as `-> name` like reference attributes.
//! Nested expressions (`DW_OP_entry_value`) are disassembled recursively.
//! An operation whose operands are unknown or truncated ends the disassembly
//! with `<unknown operands>` or `<truncated>`; this never fails.

#![forbid(unsafe_code)]

use gimli::{constants as dw, Reader};

use super::R;

/// Maximum nesting of `DW_OP_entry_value` sub-expressions.
const MAX_NESTING: usize = 8;

/// How an operand that refers to a DIE is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DieRef {
    /// An offset relative to the start of the current unit.
    Unit(u64),
    /// An offset within `.debug_info`.
    Info(u64),
}

/// Disassembles `expr`, describing DIE operands with `resolve`.
pub(crate) fn disassemble(
    expr: R,
    encoding: gimli::Encoding,
    resolve: &dyn Fn(DieRef) -> String,
) -> String {
    let mut out = String::from("[");
    disassemble_into(expr, encoding, resolve, 0, &mut out);
    out.push(']');
    out
}

fn disassemble_into(
    mut expr: R,
    encoding: gimli::Encoding,
    resolve: &dyn Fn(DieRef) -> String,
    nesting: usize,
    out: &mut String,
) {
    let mut first = true;
    while !expr.is_empty() {
        if !first {
            out.push_str(", ");
        }
        first = false;
        let Ok(opcode) = expr.read_u8() else { return };
        let op = dw::DwOp(opcode);
        match op.static_string() {
            Some(name) => out.push_str(name),
            None => out.push_str(&format!("DW_OP_{opcode:#04x}")),
        }
        match operands(&mut expr, op, encoding, resolve, nesting) {
            Ok(Some(text)) => {
                out.push(' ');
                out.push_str(&text);
            }
            Ok(None) => {}
            Err(Stop::Unknown) => {
                out.push_str(" <unknown operands>");
                return;
            }
            Err(Stop::Truncated) => {
                out.push_str(" <truncated>");
                return;
            }
        }
    }
}

/// Why disassembly stops early.
enum Stop {
    Unknown,
    Truncated,
}

impl From<gimli::Error> for Stop {
    fn from(_: gimli::Error) -> Stop {
        Stop::Truncated
    }
}

/// Reads the operands of `op` and renders them (`None` when it has none).
fn operands(
    expr: &mut R,
    op: dw::DwOp,
    encoding: gimli::Encoding,
    resolve: &dyn Fn(DieRef) -> String,
    nesting: usize,
) -> Result<Option<String>, Stop> {
    // A reference to a DIE, as a unit offset; 0 means "generic type".
    let type_ref = |offset: u64| {
        if offset == 0 {
            "generic".to_string()
        } else {
            format!("-> {}", resolve(DieRef::Unit(offset)))
        }
    };
    // DWARF 2 wrote DW_FORM_ref_addr-sized operands with the address size.
    let ref_addr = |expr: &mut R| -> Result<u64, Stop> {
        if encoding.version <= 2 {
            Ok(expr.read_address(encoding.address_size)?)
        } else {
            Ok(expr.read_offset(encoding.format)? as u64)
        }
    };
    let text = match op.0 {
        0x03 => {
            expr.read_address(encoding.address_size)?;
            "<addr>".to_string()
        }
        0x08 => expr.read_u8()?.to_string(),
        0x09 => expr.read_i8()?.to_string(),
        0x0a => expr.read_u16()?.to_string(),
        0x0b => expr.read_i16()?.to_string(),
        0x0c => expr.read_u32()?.to_string(),
        0x0d => expr.read_i32()?.to_string(),
        0x0e => expr.read_u64()?.to_string(),
        0x0f => expr.read_i64()?.to_string(),
        // constu, plus_uconst, regx, piece
        0x10 | 0x23 | 0x90 | 0x93 => expr.read_uleb128()?.to_string(),
        // consts, breg0..breg31, fbreg
        0x11 | 0x70..=0x8f | 0x91 => expr.read_sleb128()?.to_string(),
        // pick, deref_size, xderef_size
        0x15 | 0x94 | 0x95 => expr.read_u8()?.to_string(),
        // skip, bra: a relative byte offset within the expression
        0x2f | 0x28 => format!("{:+}", expr.read_i16()?),
        0x92 => {
            let reg = expr.read_uleb128()?;
            let off = expr.read_sleb128()?;
            format!("{reg} {off}")
        }
        0x98 => format!("-> {}", resolve(DieRef::Unit(u64::from(expr.read_u16()?)))),
        0x99 => format!("-> {}", resolve(DieRef::Unit(u64::from(expr.read_u32()?)))),
        0x9a => format!("-> {}", resolve(DieRef::Info(ref_addr(expr)?))),
        0x9d => {
            let size = expr.read_uleb128()?;
            let offset = expr.read_uleb128()?;
            format!("{size} {offset}")
        }
        0x9e => {
            let len = expr.read_uleb128()?;
            hex_block(&expr.split(usize::try_from(len).map_err(|_| Stop::Truncated)?)?)
        }
        // implicit_pointer, GNU_implicit_pointer
        0xa0 | 0xf2 => {
            let target = resolve(DieRef::Info(ref_addr(expr)?));
            let offset = expr.read_sleb128()?;
            format!("-> {target} {offset}")
        }
        // addrx, GNU_addr_index
        0xa1 | 0xfb => {
            expr.read_uleb128()?;
            "<addr>".to_string()
        }
        // constx, GNU_const_index: an index into .debug_addr
        0xa2 | 0xfc => format!("index {}", expr.read_uleb128()?),
        // entry_value, GNU_entry_value
        0xa3 | 0xf3 => {
            let len = expr.read_uleb128()?;
            let sub = expr.split(usize::try_from(len).map_err(|_| Stop::Truncated)?)?;
            if nesting >= MAX_NESTING {
                return Err(Stop::Unknown);
            }
            let mut text = String::from("[");
            disassemble_into(sub, encoding, resolve, nesting + 1, &mut text);
            text.push(']');
            text
        }
        // const_type, GNU_const_type
        0xa4 | 0xf4 => {
            let ty = type_ref(expr.read_uleb128()?);
            let len = expr.read_u8()?;
            format!("{ty} {}", hex_block(&expr.split(usize::from(len))?))
        }
        // regval_type, GNU_regval_type
        0xa5 | 0xf5 => {
            let reg = expr.read_uleb128()?;
            format!("{reg} {}", type_ref(expr.read_uleb128()?))
        }
        // deref_type, xderef_type, GNU_deref_type
        0xa6 | 0xa7 | 0xf6 => {
            let size = expr.read_u8()?;
            format!("{size} {}", type_ref(expr.read_uleb128()?))
        }
        // convert, reinterpret, GNU_convert, GNU_reinterpret
        0xa8 | 0xa9 | 0xf7 | 0xf9 => type_ref(expr.read_uleb128()?),
        // GNU_parameter_ref
        0xfa => format!("-> {}", resolve(DieRef::Unit(u64::from(expr.read_u32()?)))),
        // GNU_variable_value
        0xfd => format!("-> {}", resolve(DieRef::Info(ref_addr(expr)?))),
        // WASM_location
        0xed => {
            let kind = expr.read_u8()?;
            let index = if kind == 3 {
                u64::from(expr.read_u32()?)
            } else {
                expr.read_uleb128()?
            };
            format!("{kind} {index}")
        }
        // Operations without operands: deref, dup..plus, lit*, reg*, nop,
        // push_object_address, form_tls_address, call_frame_cfa,
        // stack_value, GNU_push_tls_address, GNU_uninit.
        0x06
        | 0x12..=0x14
        | 0x16..=0x22
        | 0x24..=0x27
        | 0x29..=0x2e
        | 0x30..=0x6f
        | 0x96
        | 0x97
        | 0x9b
        | 0x9c
        | 0x9f
        | 0xe0
        | 0xf0 => return Ok(None),
        _ => return Err(Stop::Unknown),
    };
    Ok(Some(text))
}

/// Renders a block of bytes as `0x` followed by hex digits (`0x` alone for
/// an empty block).
fn hex_block(bytes: &R) -> String {
    let mut text = String::from("0x");
    for b in bytes.slice() {
        text.push_str(&format!("{b:02x}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc() -> gimli::Encoding {
        gimli::Encoding {
            format: gimli::Format::Dwarf32,
            version: 5,
            address_size: 8,
        }
    }

    fn dis(bytes: &[u8]) -> String {
        let r = gimli::EndianSlice::new(bytes, gimli::RunTimeEndian::Little);
        disassemble(r, enc(), &|_| "T".to_string())
    }

    #[test]
    fn common_operations() {
        assert_eq!(dis(&[0x91, 0x68]), "[DW_OP_fbreg -24]");
        assert_eq!(dis(&[0x9c]), "[DW_OP_call_frame_cfa]");
        assert_eq!(dis(&[0x56]), "[DW_OP_reg6]");
        assert_eq!(dis(&[0x03, 1, 2, 3, 4, 5, 6, 7, 8]), "[DW_OP_addr <addr>]");
        assert_eq!(
            dis(&[0x50, 0x93, 0x04, 0x51, 0x93, 0x04]),
            "[DW_OP_reg0, DW_OP_piece 4, DW_OP_reg1, DW_OP_piece 4]"
        );
        assert_eq!(
            dis(&[0xa3, 0x01, 0x55, 0x9f]),
            "[DW_OP_entry_value [DW_OP_reg5], DW_OP_stack_value]"
        );
        assert_eq!(dis(&[0xa8, 0x05]), "[DW_OP_convert -> T]");
    }

    #[test]
    fn malformed_expressions() {
        assert_eq!(dis(&[0x91]), "[DW_OP_fbreg <truncated>]");
        assert_eq!(dis(&[0xee, 0x01]), "[DW_OP_0xee <unknown operands>]");
        let mut nested = Vec::new();
        for _ in 0..20 {
            nested.push(0xa3);
            nested.push(0x7f);
        }
        let _ = dis(&nested);
    }
}
