//! The canonical form in which the parity test compares the two backends'
//! DIE trees: the rendering parsed into a tree, attributes normalised for
//! the differences inherent to the two writers, and the unit's top-level
//! DIEs keyed by name.

use std::collections::BTreeMap;

/// A DIE of the rendered tree: its tag line, attribute lines, children.
#[derive(Debug, Default, Clone)]
pub struct Die {
    tag: String,
    attrs: Vec<String>,
    children: Vec<Die>,
}

/// The DIE tree of the first unit of a rendering (the unit DIE).
pub fn parse(text: &str) -> Die {
    let mut stack: Vec<(usize, Die)> = Vec::new();
    let mut root = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let depth = line.len() - trimmed.len();
        if trimmed.starts_with("unit #") {
            if root.is_some() || !stack.is_empty() {
                break;
            }
            continue;
        }
        if trimmed.starts_with("DW_TAG_") {
            while stack.last().is_some_and(|(d, _)| *d >= depth) {
                let (_, done) = stack.pop().unwrap();
                match stack.last_mut() {
                    Some((_, parent)) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            stack.push((
                depth,
                Die {
                    tag: trimmed.to_owned(),
                    ..Die::default()
                },
            ));
        } else if trimmed.starts_with("DW_AT_") {
            stack.last_mut().unwrap().1.attrs.push(trimmed.to_owned());
        }
    }
    while let Some((_, done)) = stack.pop() {
        match stack.last_mut() {
            Some((_, parent)) => parent.children.push(done),
            None => root = Some(done),
        }
    }
    root.expect("a unit DIE")
}

/// Unsigned LEB128 values of a `DW_AT_discr_list` block, expanded: every
/// value of every label and range.
fn discr_list_values(hex: &str) -> Vec<u128> {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let mut it = bytes.into_iter();
    let leb = |it: &mut std::vec::IntoIter<u8>| {
        let (mut v, mut shift) = (0u128, 0);
        loop {
            let b = it.next().unwrap();
            v |= u128::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                return v;
            }
        }
    };
    let mut out = Vec::new();
    while let Some(kind) = it.next() {
        let lo = leb(&mut it);
        let hi = if kind == 1 { leb(&mut it) } else { lo };
        out.extend(lo..=hi);
    }
    out
}

/// A 16-byte little-endian block as the u128 the renderer shows for
/// `DW_FORM_data16`.
fn block_as_u128(hex: &str) -> String {
    let mut bytes: Vec<&str> = (0..hex.len()).step_by(2).map(|i| &hex[i..i + 2]).collect();
    bytes.reverse();
    format!("0x{}", bytes.concat())
}

/// One attribute line, normalised for the differences that are inherent to
/// the two writers (each is a different encoding of the same information):
///
/// * LLVM writes a 128-bit constant as `DW_FORM_block` (16 bytes, little
///   endian; LLVM 22 every discriminant of a 128-bit tag), gimli as
///   `DW_FORM_data16` (DWARF 5) or the same block (4): compared as numbers;
/// * vtable slot 0: gimli `DW_OP_lit0`, LLVM `DW_OP_constu 0`;
/// * a virtual base's location: gimli `DW_OP_consts -24; DW_OP_plus`, LLVM
///   `DW_OP_constu 24; DW_OP_minus` (the same address).
fn normalise_attr(a: &str) -> String {
    let mut a = a.to_owned();
    let constant = a.starts_with("DW_AT_const_value") || a.starts_with("DW_AT_discr_value");
    if let Some(i) = a.find(" block 0x") {
        let hex = a[i + 9..].to_owned();
        if constant && hex.len() == 32 {
            a = format!("{} {}", &a[..i], block_as_u128(&hex));
        }
    }
    // A 16-byte constant (data16 or a block) in decimal, as smaller ones.
    if let Some(i) = a.find(" 0x").filter(|_| constant) {
        if let Ok(v) = u128::from_str_radix(&a[i + 3..], 16) {
            a = format!("{} {v}", &a[..i]);
        }
    }
    if let Some(i) = a.find("DW_OP_lit") {
        let n: String = a[i + 9..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        a = a.replacen(&format!("DW_OP_lit{n}"), &format!("DW_OP_constu {n}"), 1);
    }
    if let Some(i) = a.find("DW_OP_constu ") {
        let rest = &a[i + 13..];
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if rest[n.len()..].starts_with(", DW_OP_minus") {
            let from = format!("DW_OP_constu {n}, DW_OP_minus");
            a = a.replacen(&from, &format!("DW_OP_consts -{n}, DW_OP_plus"), 1);
        }
    }
    a
}

/// Whether an attribute is left out of the comparison of a DIE with tag
/// `tag`, and why:
///
/// * `DW_AT_alignment`: LLVM writes it on members and enumerations and in
///   DWARF 4 too; gimli only on structs, classes and unions in DWARF 5 (a
///   member's type carries the alignment);
/// * pointer and reference types: gimli writes `DW_AT_byte_size 8`, LLVM
///   `DW_AT_address_class DW_ADDR_none` (an address size is implied);
/// * `DW_AT_lower_bound 0` of a subrange: the C/C++ default, which LLVM
///   spells out in DWARF 4;
/// * `DW_AT_object_pointer` of a method *declaration*: LLVM 19 and 22 write
///   it only on definitions (the declaration's `this` is still the first,
///   artificial parameter in both);
/// * `DW_AT_prototyped` of a subroutine type: LLVM writes it only in C
///   units (every C++ function type is prototyped), gimli in every unit;
/// * code and data placement (`DW_AT_frame_base`, `DW_AT_location`, pc
///   ranges) belongs to each backend's code generator and object writer
///   (`DW_OP_addr` vs `DW_OP_addrx`, CFA vs frame register).
fn skipped(tag: &str, attr: &str, version: u16, in_class: bool) -> bool {
    let name = attr.split(' ').next().unwrap_or("");
    let pointer = matches!(
        tag,
        "DW_TAG_pointer_type" | "DW_TAG_reference_type" | "DW_TAG_rvalue_reference_type"
    );
    let aggregate = matches!(
        tag,
        "DW_TAG_structure_type" | "DW_TAG_class_type" | "DW_TAG_union_type"
    );
    (name == "DW_AT_alignment" && (version < 5 || !aggregate))
        || (pointer && (name == "DW_AT_byte_size" || name == "DW_AT_address_class"))
        || attr == "DW_AT_lower_bound 0"
        || (in_class && tag == "DW_TAG_subprogram" && name == "DW_AT_object_pointer")
        || (tag == "DW_TAG_subroutine_type" && name == "DW_AT_prototyped")
        || matches!(
            name,
            "DW_AT_frame_base" | "DW_AT_location" | "DW_AT_low_pc" | "DW_AT_high_pc"
        )
}

/// A DIE and its children as sorted text (DIE and attribute order differ
/// between the writers and mean nothing here). A gimli `DW_TAG_variant`
/// with a `DW_AT_discr_list` becomes one variant per value, as the LLVM
/// backend writes it (LLVM has no `DW_AT_discr_list`; DESIGN.md).
fn canonical(d: &Die, version: u16, in_class: bool) -> Vec<String> {
    if d.tag == "DW_TAG_variant" {
        if let Some(list) = d.attrs.iter().find(|a| a.starts_with("DW_AT_discr_list")) {
            let hex = list.rsplit("0x").next().unwrap();
            return discr_list_values(hex)
                .into_iter()
                .flat_map(|v| {
                    let mut attrs: Vec<String> = d
                        .attrs
                        .iter()
                        .filter(|a| !a.starts_with("DW_AT_discr_list"))
                        .cloned()
                        .collect();
                    attrs.push(format!("DW_AT_discr_value {v}"));
                    let one = Die {
                        tag: d.tag.clone(),
                        attrs,
                        children: d.children.clone(),
                    };
                    canonical(&one, version, in_class)
                })
                .collect();
        }
    }
    let mut attrs: Vec<String> = d
        .attrs
        .iter()
        .filter(|a| !skipped(&d.tag, a, version, in_class))
        .map(|a| normalise_attr(a))
        .collect();
    attrs.sort();
    let class = matches!(
        d.tag.as_str(),
        "DW_TAG_class_type" | "DW_TAG_structure_type" | "DW_TAG_union_type"
    );
    let mut kids: Vec<String> = d
        .children
        .iter()
        .flat_map(|k| canonical(k, version, class))
        .collect();
    kids.sort();
    vec![format!(
        "{} [{}] {{{}}}",
        d.tag,
        attrs.join(", "),
        kids.join("; ")
    )]
}

/// The unit's top-level DIEs by name (`tag name`), canonical; unnamed
/// ones under `tag <unnamed> -> target` keys.
pub fn top_level(unit: &Die, version: u16) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &unit.children {
        let name = d
            .attrs
            .iter()
            .find(|a| a.starts_with("DW_AT_name "))
            .cloned()
            .or_else(|| {
                d.attrs
                    .iter()
                    .find(|a| a.starts_with("DW_AT_specification"))
                    .cloned()
            })
            .unwrap_or_else(|| {
                let target = d.attrs.iter().find(|a| a.starts_with("DW_AT_type"));
                format!("<unnamed> {}", target.map_or("", |s| s.as_str()))
            });
        m.entry(format!("{} {name}", d.tag))
            .or_default()
            .extend(canonical(d, version, false));
    }
    for v in m.values_mut() {
        // LLVM writes `Widget *` twice: once as the object pointer type of
        // the method declaration's `this` (`createObjectPointerType`), once
        // for the definition's `this`; identical DIEs count once.
        v.sort();
        v.dedup();
    }
    m
}
