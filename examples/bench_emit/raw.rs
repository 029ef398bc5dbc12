//! The baseline: the workload's DIEs, line rows and relocations built
//! directly with `gimli::write` and `object`, with no type map, no interning
//! and no validation — what a frontend that knows its own program and writes
//! gimli by hand would do. It is the floor for any gimli-based writer, and it
//! produces an object byte-identical to the gimli backend's (checked by
//! `tests/bench_workload.rs`), so both variants do exactly the same output
//! work.

#![allow(dead_code)]

use gimli::write::{
    Address, AttributeValue, DwarfUnit, EndianVec, Expression, LineProgram, LineString, Range,
    RangeList, RelocateWriter, Relocation, RelocationTarget, Sections, UnitEntryId, Writer,
};
use gimli::{constants as c, Encoding, Format, LineEncoding, LittleEndian, SectionId};
use object::{RelocationEncoding, RelocationFlags, RelocationKind, SectionKind};

use super::workload::{self as w, RowScope};

/// A section being written and its relocations.
#[derive(Clone)]
struct RelocSection {
    data: EndianVec<LittleEndian>,
    relocs: Vec<Relocation>,
}

impl RelocateWriter for RelocSection {
    type Writer = EndianVec<LittleEndian>;
    fn writer(&self) -> &Self::Writer {
        &self.data
    }
    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.data
    }
    fn relocate(&mut self, r: Relocation) {
        self.relocs.push(r);
    }
}

/// The DIEs of one type group, by kind.
#[derive(Clone, Copy)]
struct Group([UnitEntryId; w::KINDS as usize]);

struct Raw {
    unit: DwarfUnit,
    files: Vec<gimli::write::FileId>,
    bases: Vec<UnitEntryId>,
    groups: Vec<Group>,
    index_type: Option<UnitEntryId>,
}

impl Raw {
    fn add(&mut self, parent: UnitEntryId, tag: gimli::DwTag) -> UnitEntryId {
        self.unit.unit.add(parent, tag)
    }

    fn set(&mut self, die: UnitEntryId, at: gimli::DwAt, v: AttributeValue) {
        self.unit.unit.get_mut(die).set(at, v);
    }

    fn name(&mut self, die: UnitEntryId, name: &str) {
        let s = self.unit.strings.add(name);
        self.set(die, c::DW_AT_name, AttributeValue::StringRef(s));
    }

    fn decl(&mut self, die: UnitEntryId, file: u64, line: u32) {
        let f = self.files[file as usize];
        self.set(die, c::DW_AT_decl_file, AttributeValue::FileIndex(Some(f)));
        self.set(die, c::DW_AT_decl_line, AttributeValue::Udata(line.into()));
    }

    fn ty(&self, t: gimli::write::UnitEntryId) -> AttributeValue {
        AttributeValue::UnitRef(t)
    }

    /// The DIE of a workload handle (any alias).
    fn die_of(&self, t: dwarfsmith::FrontendTy) -> UnitEntryId {
        if t.0 < w::BASE_END {
            return self.bases[(t.0 / w::ALIASES) as usize];
        }
        let x = (t.0 - w::BASE_END) / w::ALIASES;
        self.groups[(x / w::KINDS) as usize].0[(x % w::KINDS) as usize]
    }

    fn member(&mut self, parent: UnitEntryId, name: &str, t: UnitEntryId, off: u64) -> UnitEntryId {
        let m = self.add(parent, c::DW_TAG_member);
        self.name(m, name);
        self.set(m, c::DW_AT_type, self.ty(t));
        self.set(m, c::DW_AT_data_member_location, AttributeValue::Udata(off));
        m
    }

    fn structure(
        &mut self,
        parent: UnitEntryId,
        tag: gimli::DwTag,
        name: &str,
        size: u64,
    ) -> UnitEntryId {
        let d = self.add(parent, tag);
        if !name.is_empty() {
            self.name(d, name);
        }
        self.set(d, c::DW_AT_byte_size, AttributeValue::Udata(size));
        // Every composite of the workload is 8-aligned (DWARF 5 writes it).
        self.set(d, c::DW_AT_alignment, AttributeValue::Udata(8));
        d
    }

    fn pointer(&mut self, to: UnitEntryId) -> UnitEntryId {
        let root = self.unit.unit.root();
        let d = self.add(root, c::DW_TAG_pointer_type);
        self.set(d, c::DW_AT_type, self.ty(to));
        self.set(d, c::DW_AT_byte_size, AttributeValue::Udata(8));
        d
    }

    /// Group `g`, in the order the type map creates its DIEs.
    fn group(&mut self, g: u64) {
        let root = self.unit.unit.root();
        let placeholder = root;
        let mut k = [placeholder; w::KINDS as usize];
        let (i64_, i32_, u8_, u64_) = (self.bases[0], self.bases[1], self.bases[2], self.bases[3]);
        // S{g} stub, *S{g}, then S{g}'s members.
        let s = self.structure(root, c::DW_TAG_structure_type, &format!("S{g}"), 32);
        self.decl(s, 0, w::type_line(g));
        let p = self.pointer(s);
        k[w::K_STRUCT as usize] = s;
        k[w::K_PTR as usize] = p;
        self.groups.push(Group(k));
        let up = self.die_of(w::ty(g.saturating_sub(1), w::K_PTR, 0));
        for (name, t, off) in [
            ("value", i64_, 0),
            ("next", p, 8),
            ("up", up, 16),
            ("count", i32_, 24),
        ] {
            self.member(s, name, t, off);
        }
        // [*S{g}; 4].
        let idx = match self.index_type {
            Some(i) => i,
            None => {
                let d = self.add(root, c::DW_TAG_base_type);
                self.name(d, "__ARRAY_SIZE_TYPE__");
                self.set(
                    d,
                    c::DW_AT_encoding,
                    AttributeValue::Encoding(c::DW_ATE_unsigned),
                );
                self.set(d, c::DW_AT_byte_size, AttributeValue::Udata(8));
                self.index_type = Some(d);
                d
            }
        };
        let a = self.add(root, c::DW_TAG_array_type);
        self.set(a, c::DW_AT_type, self.ty(p));
        let sub = self.add(a, c::DW_TAG_subrange_type);
        self.set(sub, c::DW_AT_type, self.ty(idx));
        self.set(sub, c::DW_AT_count, AttributeValue::Udata(4));
        // fn(*S{g}, i32) -> i64 and a pointer to it.
        let f = self.add(root, c::DW_TAG_subroutine_type);
        self.set(f, c::DW_AT_prototyped, AttributeValue::Flag(true));
        self.set(f, c::DW_AT_type, self.ty(i64_));
        for t in [p, i32_] {
            let pd = self.add(f, c::DW_TAG_formal_parameter);
            self.set(pd, c::DW_AT_type, self.ty(t));
        }
        let fp = self.pointer(f);
        // Opt{g}.
        let t = self.structure(root, c::DW_TAG_structure_type, &format!("Opt{g}"), 16);
        self.decl(t, 0, w::type_line(g));
        if w::cpp_like(g) {
            let tag = self.add(t, c::DW_TAG_enumeration_type);
            self.name(tag, "Tag");
            self.set(tag, c::DW_AT_type, self.ty(u8_));
            self.set(tag, c::DW_AT_byte_size, AttributeValue::Udata(1));
            for (name, v) in [("None", 0), ("Some", 1)] {
                let e = self.add(tag, c::DW_TAG_enumerator);
                self.name(e, name);
                self.set(e, c::DW_AT_const_value, AttributeValue::Udata(v));
            }
            let u = self.structure(t, c::DW_TAG_union_type, "", 8);
            let none = self.structure(t, c::DW_TAG_structure_type, "None", 8);
            let some = self.structure(t, c::DW_TAG_structure_type, "Some", 8);
            self.member(some, "value", p, 0);
            self.member(u, "None", none, 0);
            self.member(u, "Some", some, 0);
            self.member(t, "tag", tag, 0);
            self.member(t, "payload", u, 8);
        } else {
            let none = self.structure(t, c::DW_TAG_structure_type, "None", 16);
            let some = self.structure(t, c::DW_TAG_structure_type, "Some", 16);
            self.member(some, "value", p, 8);
            let part = self.add(t, c::DW_TAG_variant_part);
            let discr = self.member(part, "tag", u8_, 0);
            self.set(discr, c::DW_AT_artificial, AttributeValue::Flag(true));
            self.set(part, c::DW_AT_discr, AttributeValue::UnitRef(discr));
            for (d, name, st) in [(0, "None", none), (1, "Some", some)] {
                let v = self.add(part, c::DW_TAG_variant);
                self.set(v, c::DW_AT_discr_value, AttributeValue::Udata(d));
                self.member(v, name, st, 0);
            }
        }
        // Vec<S{g}>.
        let v = self.structure(root, c::DW_TAG_structure_type, &format!("Vec<S{g}>"), 24);
        self.decl(v, 0, w::type_line(g));
        for (name, ty, off) in [("ptr", p, 0), ("len", u64_, 8), ("cap", u64_, 16)] {
            self.member(v, name, ty, off);
        }
        k[w::K_ARRAY as usize] = a;
        k[w::K_FN as usize] = f;
        k[w::K_FNPTR as usize] = fp;
        k[w::K_TAGGED as usize] = t;
        k[w::K_GENERIC as usize] = v;
        self.groups[g as usize] = Group(k);
    }

    /// Function `i`: DIEs, ranges, line sequence, variable locations.
    fn function(&mut self, ns: UnitEntryId, i: u64, n: u64) {
        let sym = i as usize;
        let file = i % w::FILES;
        let line = w::fn_line(i);
        let d = self.add(ns, c::DW_TAG_subprogram);
        self.name(d, &format!("f{i}"));
        let link = self.unit.strings.add(format!("bench::f{i}"));
        self.set(d, c::DW_AT_linkage_name, AttributeValue::StringRef(link));
        self.decl(d, file, line);
        self.set(d, c::DW_AT_type, self.ty(self.die_of(w::ret_ty(i))));
        self.set(d, c::DW_AT_prototyped, AttributeValue::Flag(true));
        self.set(d, c::DW_AT_external, AttributeValue::Flag(true));
        let mut fb = Expression::new();
        fb.op(c::DW_OP_call_frame_cfa);
        self.set(d, c::DW_AT_frame_base, AttributeValue::Exprloc(fb));
        let vars = w::variables(i, n);
        let mut dies = Vec::with_capacity(vars.len());
        let var = |r: &mut Raw, parent: UnitEntryId, v: &w::Var| {
            let tag = if v.arg.is_some() {
                c::DW_TAG_formal_parameter
            } else {
                c::DW_TAG_variable
            };
            let vd = r.add(parent, tag);
            r.name(vd, v.name);
            r.decl(vd, file, line + v.line);
            r.set(
                vd,
                c::DW_AT_decl_column,
                AttributeValue::Udata(v.col.into()),
            );
            r.set(vd, c::DW_AT_type, r.ty(r.die_of(v.ty)));
            vd
        };
        for v in vars.iter().filter(|v| v.arg.is_some()) {
            dies.push(var(self, d, v));
        }
        let b1 = self.add(d, c::DW_TAG_lexical_block);
        let b2 = self.add(b1, c::DW_TAG_lexical_block);
        for v in vars.iter().filter(|v| v.arg.is_none()) {
            let parent = match v.scope {
                RowScope::Block1 => b1,
                RowScope::Block2 => b2,
                _ => d,
            };
            dies.push(var(self, parent, v));
        }
        // Code: subprogram range, block ranges, line rows.
        let at = |off: u64| Address::Symbol {
            symbol: sym,
            addend: off as i64,
        };
        self.set(d, c::DW_AT_low_pc, AttributeValue::Address(at(0)));
        self.set(d, c::DW_AT_high_pc, AttributeValue::Udata(w::CODE_SIZE));
        let (mut r1, mut r2): (Ranges, Ranges) = (Vec::new(), Vec::new());
        let push = |v: &mut Vec<(u64, u64)>, s: u64, e: u64| match v.last_mut() {
            Some(l) if l.1 >= s => l.1 = l.1.max(e),
            _ => v.push((s, e)),
        };
        for j in 1..w::ROWS {
            let (s, e) = (w::row_offset(j), w::row_offset(j + 1).min(w::CODE_SIZE));
            match w::row_scope(j) {
                RowScope::Block1 => push(&mut r1, s, e),
                RowScope::Block2 => {
                    push(&mut r2, s, e);
                    push(&mut r1, s, e);
                }
                _ => {}
            }
        }
        for (b, r) in [(b1, r1), (b2, r2)] {
            if let [(s, e)] = r[..] {
                self.set(b, c::DW_AT_low_pc, AttributeValue::Address(at(s)));
                self.set(b, c::DW_AT_high_pc, AttributeValue::Udata(e - s));
            } else {
                let list = r.iter().map(|(s, e)| Range::StartLength {
                    begin: at(*s),
                    length: e - s,
                });
                let id = self.unit.unit.ranges.add(RangeList(list.collect()));
                self.set(b, c::DW_AT_ranges, AttributeValue::RangeListRef(id));
            }
        }
        let fid = self.files[file as usize];
        let prog = &mut self.unit.unit.line_program;
        prog.begin_sequence(Some(at(0)));
        let mut prev_line = line;
        for j in 0..w::ROWS {
            let (l, col, stmt, pe) = match w::row_scope(j) {
                RowScope::Prologue => (line, 0, true, false),
                RowScope::Cleared => (0, 0, false, false),
                _ => {
                    let (l, col) = w::row_line_col(i, j);
                    (l, col, l != prev_line || j == 1, j == 1)
                }
            };
            prev_line = l;
            let row = prog.row();
            row.address_offset = w::row_offset(j);
            row.file = fid;
            row.line = l.into();
            row.column = col.into();
            row.is_statement = stmt;
            row.prologue_end = pe;
            prog.generate_row();
        }
        prog.end_sequence(w::CODE_SIZE);
        for (vd, v) in dies.iter().zip(vars.iter()) {
            let mut e = Expression::new();
            match v.loc {
                dwarfsmith::VarLocation::FrameOffset(o) => e.op_fbreg(o),
                dwarfsmith::VarLocation::Register(r) => e.op_reg(gimli::Register(r)),
            }
            self.set(*vd, c::DW_AT_location, AttributeValue::Exprloc(e));
        }
    }
}

/// Sorted `[start, end)` code ranges of one block.
type Ranges = Vec<(u64, u64)>;

/// Relocations and bytes of one finished section.
type Out = (SectionId, Vec<u8>, Vec<Relocation>);

/// Builds the DWARF sections of the workload at scale `n`.
fn sections(n: u64) -> Vec<Out> {
    let enc = Encoding {
        format: Format::Dwarf32,
        version: 5,
        address_size: 8,
    };
    let mut r = Raw {
        unit: DwarfUnit::new(enc),
        files: Vec::new(),
        bases: Vec::new(),
        groups: Vec::new(),
        index_type: None,
    };
    let u = &mut r.unit;
    let wd = LineString::LineStringRef(u.line_strings.add(w::COMP_DIR));
    let cu = LineString::LineStringRef(u.line_strings.add(w::CU_NAME));
    u.unit.line_program = LineProgram::new(enc, LineEncoding::default(), wd, None, cu, None);
    let root = u.unit.root();
    for (at, s) in [
        (c::DW_AT_producer, w::PRODUCER),
        (c::DW_AT_language, ""),
        (c::DW_AT_name, w::CU_NAME),
        (c::DW_AT_comp_dir, w::COMP_DIR),
    ] {
        let v = if at == c::DW_AT_language {
            AttributeValue::Language(c::DW_LANG_Rust)
        } else {
            AttributeValue::StringRef(u.strings.add(s))
        };
        u.unit.get_mut(root).set(at, v);
    }
    u.unit
        .get_mut(root)
        .set(c::DW_AT_stmt_list, AttributeValue::LineProgramRef);
    for k in 0..w::FILES {
        let path = w::file_path(k);
        let (dir, name) = path.rsplit_once('/').unwrap_or((".", &path));
        let u = &mut r.unit;
        let d = LineString::LineStringRef(u.line_strings.add(dir));
        let d = u.unit.line_program.add_directory(d);
        let f = LineString::LineStringRef(u.line_strings.add(name));
        r.files.push(r.unit.unit.line_program.add_file(f, d, None));
    }
    let ns = r.add(root, c::DW_TAG_namespace);
    r.name(ns, "bench");
    for (name, size, enc) in w::BASES {
        let d = r.add(root, c::DW_TAG_base_type);
        r.name(d, name);
        let ate = match enc {
            dwarfsmith::BaseEncoding::Signed => c::DW_ATE_signed,
            dwarfsmith::BaseEncoding::Unsigned => c::DW_ATE_unsigned,
            dwarfsmith::BaseEncoding::Float => c::DW_ATE_float,
            _ => c::DW_ATE_boolean,
        };
        r.set(d, c::DW_AT_encoding, AttributeValue::Encoding(ate));
        r.set(d, c::DW_AT_byte_size, AttributeValue::Udata(size));
        r.bases.push(d);
    }
    for g in 0..w::groups(n) {
        r.group(g);
    }
    for i in 0..n {
        r.function(ns, i, n);
    }
    // The compile unit's ranges.
    let u = &mut r.unit;
    let sym = |i: u64| Address::Symbol {
        symbol: i as usize,
        addend: 0,
    };
    if n == 1 {
        u.unit
            .get_mut(root)
            .set(c::DW_AT_low_pc, AttributeValue::Address(sym(0)));
        u.unit
            .get_mut(root)
            .set(c::DW_AT_high_pc, AttributeValue::Udata(w::CODE_SIZE));
    } else {
        let list = (0..n).map(|i| Range::StartLength {
            begin: sym(i),
            length: w::CODE_SIZE,
        });
        let id = u.unit.ranges.add(RangeList(list.collect()));
        u.unit.get_mut(root).set(
            c::DW_AT_low_pc,
            AttributeValue::Address(Address::Constant(0)),
        );
        u.unit
            .get_mut(root)
            .set(c::DW_AT_ranges, AttributeValue::RangeListRef(id));
    }
    let mut secs = Sections::new(RelocSection {
        data: EndianVec::new(LittleEndian),
        relocs: Vec::new(),
    });
    u.write(&mut secs).expect("gimli write");
    drop(r);
    let mut out = Vec::new();
    let _ = secs.for_each_mut(|id, s| -> Result<(), ()> {
        if !s.data.slice().is_empty() {
            out.push((id, s.data.take(), std::mem::take(&mut s.relocs)));
        }
        Ok(())
    });
    out.push(aranges(n));
    out
}

/// `.debug_aranges`, one entry per function.
fn aranges(n: u64) -> Out {
    let mut s = RelocSection {
        data: EndianVec::new(LittleEndian),
        relocs: Vec::new(),
    };
    let res: gimli::write::Result<()> = (|| {
        s.write_u32(0)?;
        s.write_u16(2)?;
        s.write_offset(0, SectionId::DebugInfo, 4)?;
        s.write_u8(8)?;
        s.write_u8(0)?;
        s.write(&[0; 4])?;
        for i in 0..n {
            s.write_address(
                Address::Symbol {
                    symbol: i as usize,
                    addend: 0,
                },
                8,
            )?;
            s.write_u64(w::CODE_SIZE)?;
        }
        s.write_u64(0)?;
        s.write_u64(0)?;
        let len = (s.len() - 4) as u32;
        s.write_u32_at(0, len)
    })();
    res.expect("aranges");
    (SectionId::DebugAranges, s.data.into_vec(), s.relocs)
}

/// The whole baseline variant: workload → ELF bytes.
pub fn run_raw(n: u64) -> Vec<u8> {
    let secs = sections(n);
    let mut obj = w::text_object(n);
    let syms: Vec<_> = (0..n)
        .map(|i| {
            obj.symbol_id(format!("bench::f{i}").as_bytes())
                .expect("symbol")
        })
        .collect();
    let mut placed = Vec::with_capacity(secs.len());
    let mut relocs = Vec::with_capacity(secs.len());
    for (id, data, rel) in secs {
        let sid = obj.add_section(
            Vec::new(),
            id.name().as_bytes().to_vec(),
            SectionKind::Debug,
        );
        obj.set_section_data(sid, data, 1);
        placed.push((id, sid));
        relocs.push(rel);
    }
    for (&(_, sid), rel) in placed.iter().zip(relocs) {
        for r in rel {
            let (symbol, addend) = match r.target {
                RelocationTarget::Symbol(i) => (syms[i], r.addend),
                RelocationTarget::Section(t) => {
                    let tsid = placed.iter().find(|p| p.0 == t).expect("section").1;
                    (obj.section_symbol(tsid), r.addend)
                }
            };
            let flags = RelocationFlags::Generic {
                kind: RelocationKind::Absolute,
                encoding: RelocationEncoding::Generic,
                size: r.size * 8,
            };
            let rel = object::write::Relocation {
                offset: r.offset as u64,
                symbol,
                addend,
                flags,
            };
            obj.add_relocation(sid, rel).expect("relocation");
        }
    }
    obj.add_section(
        Vec::new(),
        b".note.GNU-stack".to_vec(),
        SectionKind::Elf(object::elf::SHT_PROGBITS),
    );
    obj.write().expect("object write")
}
