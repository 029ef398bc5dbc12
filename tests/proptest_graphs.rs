//! Property tests: random type graphs (cycles through pointers, arrays and
//! function types, broken by nominal structs), random scopes, variables and
//! location sequences — always valid API use. Every output must pass
//! `llvm-dwarfdump-19 --verify` and the gimli read-back (references resolve,
//! each named type defined once), and be byte-identical when produced twice.
//!
//! 64 cases (one `llvm-dwarfdump` process each); `PROPTEST_CASES=N` runs
//! more. Failing inputs are persisted in `tests/proptest_graphs.proptest-regressions`
//! and replayed before new cases.

mod common;

use common::*;
use dwarfsmith::{
    BaseEncoding, CodeRow, DebugContext, FieldDesc, FrontendTy, FunctionDesc, GimliBackend,
    TypeDesc, TypeSource, VarLocation,
};
use proptest::prelude::*;

/// Handles of the two base types; generated types start at 2.
const I64: usize = 0;
const U8: usize = 1;
/// Alias handles: `ALIAS + i` describes the same type as `i`.
const ALIAS: u64 = 1000;

/// One generated type, referring to others by index.
#[derive(Debug, Clone)]
enum Ty {
    Base,
    /// Points to any struct (possibly later: a cycle) or any earlier type.
    Pointer(usize),
    Array(usize, u64),
    Function(Vec<usize>, Option<usize>),
    Tuple(Vec<usize>),
    Struct(Vec<usize>),
}

/// Raw material for one type: a kind and reference choices.
type Raw = (u8, Vec<u16>, u8);

/// Turns raw choices into a valid graph: by-value parts are earlier,
/// non-function types (so sizes are known and finite); only pointers may
/// name later types, and only structs.
fn graph(raw: &[Raw]) -> Vec<Ty> {
    let n = raw.len() + 2;
    let kinds: Vec<u8> = raw.iter().map(|r| r.0 % 5).collect();
    let is_struct = |j: usize| j >= 2 && kinds[j - 2] == 4;
    let is_fn = |j: usize| j >= 2 && kinds[j - 2] == 2;
    let mut out = vec![Ty::Base, Ty::Base];
    for (k, (_, refs, len)) in raw.iter().enumerate() {
        let i = k + 2;
        let value = |r: u16| {
            let j = r as usize % i;
            if is_fn(j) {
                I64
            } else {
                j
            }
        };
        let first = refs.first().copied().unwrap_or(0);
        out.push(match kinds[k] {
            0 => {
                let j = first as usize % n;
                Ty::Pointer(if is_struct(j) || j < i { j } else { j % i })
            }
            1 => Ty::Array(value(first), u64::from(*len % 4)),
            2 => Ty::Function(
                refs.iter().skip(1).map(|r| value(*r)).collect(),
                (first % 2 == 0).then(|| value(first / 2)),
            ),
            3 => Ty::Tuple(refs.iter().map(|r| value(*r)).collect()),
            _ => Ty::Struct(refs.iter().map(|r| value(*r)).collect()),
        });
    }
    out
}

/// A table frontend over a generated graph, with sizes and alignments.
struct Graph {
    tys: Vec<Ty>,
    layout: Vec<(u64, u32)>,
}

impl Graph {
    fn new(tys: Vec<Ty>) -> Graph {
        let mut layout: Vec<(u64, u32)> = Vec::new();
        for (i, t) in tys.iter().enumerate() {
            let l = match t {
                Ty::Base if i == U8 => (1, 1),
                Ty::Base | Ty::Pointer(_) => (8, 8),
                Ty::Array(e, len) => (layout[*e].0 * len, layout[*e].1),
                Ty::Function(..) => (0, 1),
                Ty::Tuple(es) | Ty::Struct(es) => {
                    let (size, align) = Self::fields(&layout, es).1;
                    (size, align)
                }
            };
            layout.push(l);
        }
        Graph { tys, layout }
    }

    /// Offsets of sequentially laid out members, and the (size, align).
    fn fields(layout: &[(u64, u32)], es: &[usize]) -> (Vec<u64>, (u64, u32)) {
        let (mut off, mut align, mut offs) = (0u64, 1u32, Vec::new());
        for e in es {
            let (s, a) = layout[*e];
            off = off.next_multiple_of(u64::from(a));
            offs.push(off);
            off += s;
            align = align.max(a);
        }
        (offs, (off.next_multiple_of(u64::from(align)), align))
    }

    fn members(&self, es: &[usize]) -> Vec<FieldDesc> {
        let (offs, _) = Self::fields(&self.layout, es);
        es.iter()
            .zip(offs)
            .enumerate()
            .map(|(k, (e, o))| field(&format!("m{k}"), *e as u64, o))
            .collect()
    }
}

impl TypeSource for Graph {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        let i = (ty.0 % ALIAS) as usize;
        let t = self.tys.get(i).ok_or("no such type")?;
        let (size, align) = self.layout[i];
        let h = |j: &usize| FrontendTy(*j as u64);
        Ok(match t {
            Ty::Base if i == U8 => base("u8", 1, BaseEncoding::Unsigned),
            Ty::Base => base("i64", 8, BaseEncoding::Signed),
            Ty::Pointer(p) => ptr(*p as u64),
            Ty::Array(e, len) => TypeDesc::Array {
                elem: h(e),
                len: *len,
                elem_size: self.layout[*e].0,
                align,
            },
            Ty::Function(ps, r) => TypeDesc::Function {
                params: ps.iter().map(h).collect(),
                ret: r.as_ref().map(h),
                variadic: false,
                artificial_params: Vec::new(),
            },
            Ty::Tuple(es) => TypeDesc::Tuple {
                elems: self.members(es),
                size,
                align,
            },
            Ty::Struct(es) => {
                let mut d = strukt(i as u64, &format!("S{i}"), size, self.members(es), None);
                if let TypeDesc::Struct(c) = &mut d {
                    c.align = align;
                }
                d
            }
        })
    }
}

/// A location operation of the generated function body. Code advances by
/// 0 or 1 byte per operation (rows may share an offset), so a function fits
/// the 16 bytes of code `object_with` gives it.
#[derive(Debug, Clone)]
enum Loc {
    /// Scope choice, line, column, code-offset advance.
    Set(u16, u32, u32, u8),
    /// Code-offset advance.
    Clear(u8),
}

/// One generated function: block parents, locals (scope, type) and body.
#[derive(Debug, Clone)]
struct Func {
    blocks: Vec<u16>,
    locals: Vec<(u16, u16)>,
    body: Vec<Loc>,
}

#[derive(Debug, Clone)]
struct Case {
    raw: Vec<Raw>,
    order: Vec<u16>,
    funcs: Vec<Func>,
    version: u16,
}

fn case() -> impl Strategy<Value = Case> {
    let raw = prop::collection::vec(
        (
            any::<u8>(),
            prop::collection::vec(any::<u16>(), 0..4),
            any::<u8>(),
        ),
        0..14,
    );
    let loc = prop_oneof![
        4 => (any::<u16>(), 1u32..40, 0u32..80, 0u8..2).prop_map(|(s, l, c, d)| Loc::Set(s, l, c, d)),
        1 => (0u8..2).prop_map(Loc::Clear),
    ];
    let func = (
        prop::collection::vec(any::<u16>(), 0..5),
        prop::collection::vec((any::<u16>(), any::<u16>()), 0..5),
        prop::collection::vec(loc, 0..12),
    )
        .prop_map(|(blocks, locals, body)| Func {
            blocks,
            locals,
            body,
        });
    (
        raw,
        prop::collection::vec(any::<u16>(), 1..8),
        prop::collection::vec(func, 1..4),
        prop_oneof![Just(4u16), Just(5u16)],
    )
        .prop_map(|(raw, order, funcs, version)| Case {
            raw,
            order,
            funcs,
            version,
        })
}

/// Builds the whole compile unit; returns the object and the struct count.
fn emit(c: &Case) -> (Vec<u8>, usize, Vec<String>) {
    let mut g = Graph::new(graph(&c.raw));
    let n = g.tys.len();
    let mut cx: DebugContext<GimliBackend> = context(c.version);
    let file = cx.file("gen/prop.toy".as_ref()).unwrap();
    // Resolve in a random order, through real and alias handles.
    let mut types = Vec::new();
    for o in &c.order {
        let i = *o as usize % n;
        let h = if o & 0x100 != 0 {
            ALIAS + i as u64
        } else {
            i as u64
        };
        let _ = cx.resolve_type(&mut g, FrontendTy(h)).unwrap();
    }
    for i in 0..n {
        types.push(cx.resolve_type(&mut g, FrontendTy(i as u64)).unwrap());
    }
    let value_ty = |k: u16| {
        let i = k as usize % n;
        if matches!(g.tys[i], Ty::Function(..)) {
            types[I64]
        } else {
            types[i]
        }
    };
    let mut names = Vec::new();
    for (fi, f) in c.funcs.iter().enumerate() {
        let name = format!("f{fi}");
        let p = value_ty(fi as u16 * 7);
        let id = cx
            .define_function(&FunctionDesc {
                name: &name,
                linkage_name: &name,
                namespace: None,
                file,
                line: 1,
                ret: None,
                params: &[p],
                external: true,
                method_of: None,
            })
            .unwrap();
        let mut scopes = vec![cx.function_scope(id).unwrap()];
        for (bi, parent) in f.blocks.iter().enumerate() {
            let s = scopes[*parent as usize % scopes.len()];
            scopes.push(cx.lexical_block(s, file, 2 + bi as u32, 1).unwrap());
        }
        let mut vars = vec![cx.declare_parameter(id, "arg", 1, p, 1, 9).unwrap()];
        for (li, (s, t)) in f.locals.iter().enumerate() {
            let s = scopes[*s as usize % scopes.len()];
            let v = cx
                .declare_local(s, &format!("v{li}"), value_ty(*t), 3, 5)
                .unwrap();
            vars.push(v);
        }
        cx.enter_function(id).unwrap();
        cx.start_emitting_source_locations().unwrap();
        let (mut rows, mut off) = (
            vec![CodeRow {
                offset: 0,
                loc: None,
            }],
            0u64,
        );
        for op in &f.body {
            let (loc, adv) = match op {
                Loc::Set(s, line, col, adv) => {
                    let s = scopes[*s as usize % scopes.len()];
                    (cx.set_source_location(s, *line, *col).unwrap(), adv)
                }
                Loc::Clear(adv) => {
                    cx.clear_source_location().unwrap();
                    (None, adv)
                }
            };
            assert_eq!(loc, cx.current_location());
            off += u64::from(*adv);
            rows.push(CodeRow { offset: off, loc });
        }
        cx.exit_function().unwrap();
        cx.define_function_code(id, off + 1, &rows).unwrap();
        for (k, v) in vars.into_iter().enumerate() {
            cx.set_variable_location(v, VarLocation::FrameOffset(-8 * (k as i64 + 1)))
                .unwrap();
        }
        names.push(name);
    }
    let structs = g.tys.iter().filter(|t| matches!(t, Ty::Struct(_))).count();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let dwarf = cx.finish().unwrap();
    (object_with(&dwarf, &refs, &[]), structs, names)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        max_shrink_iters: 256,
        // Failing seeds are read from and saved to
        // tests/proptest_graphs.proptest-regressions (beside this file).
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::default()
    })]

    /// Random graphs, scopes and locations verify, read back with each type
    /// defined once, and are deterministic.
    #[test]
    fn random_units_verify_and_are_deterministic(c in case()) {
        let (bytes, structs, _) = emit(&c);
        let (again, _, _) = emit(&c);
        prop_assert!(bytes == again, "two runs differ");
        let s = check_object("proptest.o", &bytes);
        let named: Vec<_> = s
            .types
            .iter()
            .filter(|(tag, n)| tag == "DW_TAG_structure_type" && n.starts_with('S'))
            .collect();
        prop_assert_eq!(named.len(), structs);
    }
}
