//! Writing a JIT image's ELF file (x86-64, `ET_DYN`, no program headers):
//! `.text` as `SHT_NOBITS` sections at the code's real addresses (the bytes
//! stay in the JIT's memory, where debuggers read them), the relocated
//! debug sections, and a symbol table of the functions and globals (these
//! in `SHT_NOBITS` `.data` sections at their addresses).

#![forbid(unsafe_code)]

use object::elf;
use object::write::elf::{FileHeader, SectionHeader, SectionIndex, Sym, Writer};
use object::Endianness;

use super::image::{DataSymbol, MergedSection};
use super::JitFunction;
use crate::error::{Error, ErrorKind, Result};

/// Functions closer than this share one `.text` section.
const CLUSTER_GAP: u64 = 1 << 20;

/// Address ranges of the `.text` (or `.data`) sections: runs of
/// `(address, size)` ranges, sorted by address, with small gaps between
/// them. An empty range counts as one byte, so its symbol has a section.
fn clusters(ranges: impl Iterator<Item = (u64, u64)>) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (address, size) in ranges {
        let end = address.saturating_add(size.max(1));
        match out.last_mut() {
            Some((_, e)) if address <= e.saturating_add(CLUSTER_GAP) => *e = (*e).max(end),
            _ => out.push((address, end)),
        }
    }
    out
}

/// The index of the cluster holding `address`.
fn cluster_of(clusters: &[(u64, u64)], address: u64) -> Result<usize> {
    clusters
        .iter()
        .position(|&(s, e)| address >= s && address < e)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Backend,
                "internal: a symbol outside every section",
            )
        })
}

fn write_err(e: object::write::Error) -> Error {
    Error::new(
        ErrorKind::Backend,
        format!("object could not write the JIT image: {e}"),
    )
}

pub(super) fn write(
    sections: &[MergedSection],
    functions: &[JitFunction],
    data_symbols: &[DataSymbol],
) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut w = Writer::new(Endianness::Little, true, &mut buf);
    w.reserve_file_header();
    w.reserve_null_section_index();
    let text_clusters = clusters(functions.iter().map(|f| (f.address, f.size)));
    let text_name = w.add_section_name(b".text");
    let text: Vec<SectionIndex> = text_clusters
        .iter()
        .map(|_| w.reserve_section_index())
        .collect();
    let mut by_address: Vec<&DataSymbol> = data_symbols.iter().collect();
    by_address.sort_by_key(|d| d.1);
    let data_clusters = clusters(by_address.iter().map(|d| (d.1, d.2)));
    let data_name = w.add_section_name(b".data");
    let data: Vec<SectionIndex> = data_clusters
        .iter()
        .map(|_| w.reserve_section_index())
        .collect();
    let debug: Vec<_> = sections
        .iter()
        .map(|s| {
            let name = w.add_section_name(s.id.name().as_bytes());
            (name, w.reserve_section_index())
        })
        .collect();
    w.reserve_null_symbol_index();
    let mut syms = Vec::with_capacity(functions.len() + data_symbols.len());
    for f in functions {
        let section = text.get(cluster_of(&text_clusters, f.address)?).copied();
        let name = w.add_string(f.name.as_bytes());
        w.reserve_symbol_index(section);
        syms.push(Sym {
            name: Some(name),
            section,
            st_info: (elf::STB_GLOBAL << 4) | elf::STT_FUNC,
            st_other: elf::STV_DEFAULT,
            st_shndx: 0,
            st_value: f.address,
            st_size: f.size,
        });
    }
    for (n, a, size) in data_symbols {
        let section = data.get(cluster_of(&data_clusters, *a)?).copied();
        let name = w.add_string(n.as_bytes());
        w.reserve_symbol_index(section);
        syms.push(Sym {
            name: Some(name),
            section,
            st_info: (elf::STB_GLOBAL << 4) | elf::STT_OBJECT,
            st_other: elf::STV_DEFAULT,
            st_shndx: 0,
            st_value: *a,
            st_size: *size,
        });
    }
    w.reserve_symtab_section_index();
    w.reserve_strtab_section_index();
    w.reserve_shstrtab_section_index();
    let offsets: Vec<usize> = sections
        .iter()
        .map(|s| w.reserve(s.data.len(), 8))
        .collect();
    w.reserve_symtab();
    w.reserve_strtab();
    w.reserve_shstrtab();
    w.reserve_section_headers();

    w.write_file_header(&FileHeader {
        os_abi: elf::ELFOSABI_NONE,
        abi_version: 0,
        e_type: elf::ET_DYN,
        e_machine: elf::EM_X86_64,
        e_entry: 0,
        e_flags: 0,
    })
    .map_err(write_err)?;
    for s in sections {
        w.write_align(8);
        w.write(&s.data);
    }
    w.write_null_symbol();
    for s in &syms {
        w.write_symbol(s);
    }
    w.write_strtab();
    w.write_shstrtab();
    w.write_null_section_header();
    let text_flags = u64::from(elf::SHF_ALLOC | elf::SHF_EXECINSTR);
    let data_flags = u64::from(elf::SHF_ALLOC | elf::SHF_WRITE);
    let loaded = text_clusters
        .iter()
        .map(|c| (c, text_name, text_flags))
        .chain(data_clusters.iter().map(|c| (c, data_name, data_flags)));
    for (&(start, end), name, flags) in loaded {
        w.write_section_header(&SectionHeader {
            name: Some(name),
            sh_type: elf::SHT_NOBITS,
            sh_flags: flags,
            sh_addr: start,
            sh_offset: 0,
            sh_size: end - start,
            sh_link: 0,
            sh_info: 0,
            sh_addralign: 1,
            sh_entsize: 0,
        });
    }
    for ((s, (name, _)), off) in sections.iter().zip(&debug).zip(&offsets) {
        w.write_section_header(&SectionHeader {
            name: Some(*name),
            sh_type: elf::SHT_PROGBITS,
            sh_flags: 0,
            sh_addr: 0,
            sh_offset: *off as u64,
            sh_size: s.data.len() as u64,
            sh_link: 0,
            sh_info: 0,
            sh_addralign: if s.id == gimli::SectionId::DebugFrame {
                8
            } else {
                1
            },
            sh_entsize: 0,
        });
    }
    w.write_symtab_section_header(1);
    w.write_strtab_section_header();
    w.write_shstrtab_section_header();
    debug_assert_eq!(w.reserved_len(), w.len());
    Ok(buf)
}
