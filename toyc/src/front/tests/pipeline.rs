//! Tests of the front end on good programs and stress inputs.

use crate::front::compile_front;
use crate::front::diag::Diagnostic;
use crate::front::hir::*;

/// Runs `f` on a thread with the 8 MiB stack of a main thread.
pub(crate) fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("join")
}

/// Compiles `src` as `t.toy` on a big stack.
pub(crate) fn compile(src: &str) -> Result<Program, Diagnostic> {
    let src = src.as_bytes().to_vec();
    big_stack(move || compile_front(std::path::Path::new("t.toy"), &src))
}

/// The diagnostic for `src` as `LINE:COL: error: MSG`.
pub(crate) fn err_of(src: &str) -> String {
    match compile(src) {
        Ok(_) => "no error".to_string(),
        Err(d) => {
            let full = d.to_string();
            full.strip_prefix("t.toy:").unwrap_or(&full).to_string()
        }
    }
}

fn ok(src: &str) -> Program {
    match compile(src) {
        Ok(p) => p,
        Err(d) => panic!("unexpected error: {d}\n{src}"),
    }
}

fn func<'a>(p: &'a Program, name: &str) -> &'a Function {
    p.functions
        .iter()
        .find(|f| f.path.to_string() == name)
        .expect("function")
}

fn local_names(f: &Function, s: ScopeId) -> Vec<String> {
    f.scopes[s.idx()]
        .locals
        .iter()
        .map(|l| f.locals[l.idx()].name.clone())
        .collect()
}

#[test]
fn struct_layout() {
    let p = ok("struct P { a: u8, b: i64, c: u16, d: [u8; 3] }\n\
                struct Q { x: bool, p: P }\n\
                fn main() -> i32 { return 0; }");
    let s = &p.structs[0];
    let offs: Vec<u64> = s.fields.iter().map(|f| f.offset).collect();
    assert_eq!(offs, vec![0, 8, 16, 18]);
    assert_eq!((s.size, s.align), (24, 8));
    assert_eq!(s.pos, Pos::new(1, 8));
    assert_eq!(s.fields[1].pos, Pos::new(1, 19));
    assert_eq!(p.structs[1].fields[1].offset, 8);
    assert_eq!(p.structs[1].size, 32);
    assert_eq!(p.types.size_of(p.structs[1].ty), 32);
}

#[test]
fn enum_layout() {
    let p = ok(
        "enum C { A, B, C }\nenum S { Circle(f64), Rect(f32, u8), Empty }\n\
                enum T { X(u8), Y(u16) }\nfn main() -> i32 { return 0; }",
    );
    let c = &p.enums[0];
    assert!(c.c_like);
    assert_eq!((c.size, c.align), (4, 4));
    let s = &p.enums[1];
    assert!(!s.c_like);
    assert_eq!(s.payload_offset, 8);
    assert_eq!(s.variants[0].payload[0].offset, 8);
    assert_eq!(s.variants[1].payload[0].offset, 8);
    assert_eq!(s.variants[1].payload[1].offset, 12);
    assert_eq!((s.size, s.align), (16, 8));
    let t = &p.enums[2];
    assert_eq!(t.payload_offset, 4);
    assert_eq!((t.size, t.align), (8, 4));
}

#[test]
fn niche_and_single_variant_layouts() {
    let p = ok("struct N { v: i64 }\ntype NP = *N;\n\
                enum Link { End, More(*N) }\nenum Opt { Some(NP), None }\n\
                enum Wrap { W(i64) }\nenum Pair { P(u8, f32, u8) }\nenum Byte { B(u8) }\n\
                enum Two { A(*N), B(*N) }\nenum F { A, B(fn(i64) -> i64) }\nenum G { A, B(*N, u8) }\n\
                fn main() -> i32 { return 0; }");
    let e = |name: &str| {
        p.enums
            .iter()
            .find(|e| e.path.name == name)
            .unwrap_or_else(|| panic!("no enum {name}"))
    };
    let link = e("Link");
    let niche = |null_variant, ptr_variant| EnumLayout::Niche {
        null_variant,
        ptr_variant,
    };
    assert_eq!(link.layout, niche(0, 1));
    assert_eq!((link.size, link.align), (8, 8));
    assert_eq!(link.variants[1].payload[0].offset, 0);
    // Either order, and through an alias of a pointer.
    assert_eq!(e("Opt").layout, niche(1, 0));
    assert_eq!((e("Opt").size, e("Opt").align), (8, 8));
    for (name, size, align) in [("Wrap", 8, 8), ("Pair", 12, 4), ("Byte", 1, 1)] {
        let d = e(name);
        assert_eq!(d.layout, EnumLayout::Single, "{name}");
        assert_eq!((d.size, d.align), (size, align), "{name}");
    }
    let pair = &e("Pair").variants[0].payload;
    let offs: Vec<u64> = pair.iter().map(|f| f.offset).collect();
    assert_eq!(offs, vec![0, 4, 8]);
    // Not niches: two payloads, a function pointer, a pointer and more.
    for (name, size) in [("Two", 16), ("F", 16), ("G", 24)] {
        assert_eq!(e(name).layout, EnumLayout::Tagged, "{name}");
        assert_eq!(e(name).size, size, "{name}");
    }
}

#[test]
fn aliases_are_distinct_but_transparent() {
    let p = ok("type Id = i64;\ntype P = *Id;\n\
                fn f(x: Id) -> i64 { let y: i64 = x; let q: P = &y; return *q + x; }\n\
                fn main() -> i32 { return 0; }");
    let id = p.aliases[0].ty;
    assert_ne!(id, TypeId::I64);
    assert_eq!(p.resolve_alias(id), TypeId::I64);
    assert_eq!(p.types.name(p.aliases[1].target), "*Id");
    let f = func(&p, "f");
    assert_eq!(f.params[0].ty, id);
    assert_eq!(p.types.size_of(id), 8);
}

#[test]
fn modules_and_paths() {
    let p = ok(
        "mod a { struct P { x: i64 }\n mod b { fn g(p: P) -> i64 { return a::h() + p.x; } }\n\
                fn h() -> i64 { return 1; } }\n\
                fn main() -> i32 { let v = a::b::g(a::P { x: 2 }); return v as i32; }",
    );
    assert_eq!(p.structs[0].path.to_string(), "a::P");
    let g = func(&p, "a::b::g");
    assert_eq!(g.path.module, vec!["a".to_string(), "b".to_string()]);
    assert!(p.modules.contains(&vec!["a".to_string(), "b".to_string()]));
    assert!(p.functions[p.main.idx()].is_main);
}

#[test]
fn const_images() {
    let p = ok("struct S { a: u8, b: i32 }\nenum E { A, B(u16) }\n\
                const X: i64 = -2 * 3 + 0x10;\nconst Y: S = S { b: X as i32, a: 255 };\n\
                const Z: [u16; 2] = [1, 0xff_ff];\nconst W: E = E::B(7);\n\
                const F: f32 = 1.5;\nconst T: bool = X > 5 && !false;\nconst N: *S = null;\n\
                const V: i64 = Y.b as i64 + Z[1] as i64;\nconst SH: u8 = 1 << 9;\n\
                fn main() -> i32 { return 0; }");
    let g = |n: &str| {
        p.globals
            .iter()
            .find(|g| g.path.name == n)
            .map(|g| g.init.clone())
            .expect("global")
    };
    assert_eq!(g("X"), 10i64.to_le_bytes().to_vec());
    assert_eq!(g("Y"), vec![255, 0, 0, 0, 10, 0, 0, 0]);
    assert_eq!(g("Z"), vec![1, 0, 255, 255]);
    assert_eq!(g("W"), vec![1, 0, 0, 0, 7, 0, 0, 0]);
    assert_eq!(g("F"), 1.5f32.to_le_bytes().to_vec());
    assert_eq!(g("T"), vec![1]);
    assert_eq!(g("N"), vec![0; 8]);
    assert_eq!(g("V"), 65545i64.to_le_bytes().to_vec());
    assert_eq!(g("SH"), vec![2]);
}

#[test]
fn scopes_and_shadowing() {
    let src = "fn f(a: i64) -> i64 {\n  let x = a;\n  {\n    let x = 2.5;\n    let x = x as i64;\n  }\n  \
               if x > 0 { let y = 1; } else if x < 0 { let z = 2; } else { }\n  return x;\n}\n\
               fn main() -> i32 { return 0; }";
    let p = ok(src);
    let f = func(&p, "f");
    assert_eq!(f.params[0].local, LocalId(0));
    assert_eq!(f.locals[0].scope, None);
    assert_eq!(f.scopes[0].parent, None);
    assert_eq!(f.scopes[0].start, Pos::new(1, 21));
    assert_eq!(f.scopes[0].end, Pos::new(9, 1));
    assert_eq!(
        (f.body_open, f.body_close),
        (Pos::new(1, 21), Pos::new(9, 1))
    );
    assert_eq!(f.name_pos, Pos::new(1, 4));
    assert_eq!(local_names(f, ScopeId(0)), vec!["x"]);
    assert_eq!(local_names(f, ScopeId(1)), vec!["x", "x"]);
    assert_eq!(f.scopes[1].parent, Some(ScopeId(0)));
    assert_eq!(f.scopes[1].start, Pos::new(3, 3));
    let inner: Vec<TypeId> = f.scopes[1]
        .locals
        .iter()
        .map(|l| f.locals[l.idx()].ty)
        .collect();
    assert_eq!(inner, vec![TypeId::F64, TypeId::I64]);
    assert_eq!(f.locals[2].pos, Pos::new(4, 9));
    assert_eq!(f.body.stmts[2].pos, Pos::new(7, 3));
    match &f.body.stmts[2].kind {
        StmtKind::If {
            branches,
            else_block,
        } => {
            assert_eq!(branches.len(), 2);
            assert!(else_block.is_some());
        }
        k => panic!("{k:?}"),
    }
    assert!(!f.falls_through);
    match &f.body.stmts[3].kind {
        StmtKind::Return(Some(e)) => assert!(matches!(e.kind, ExprKind::Local(LocalId(1)))),
        k => panic!("{k:?}"),
    }
}

#[test]
fn match_bindings() {
    let p = ok("enum S { C(f64), R(f64, f64), E }\n\
                fn area(s: S) -> f64 {\n  match s {\n    S::C(r) => { return r * r; }\n    \
                R(w, h) => { return w * h; }\n    S::E => { return 0.0; }\n  }\n}\n\
                fn main() -> i32 { return 0; }");
    let f = func(&p, "area");
    let StmtKind::Match { arms, enum_id, .. } = &f.body.stmts[0].kind else {
        panic!()
    };
    assert_eq!(*enum_id, EnumId(0));
    assert_eq!(arms[1].variant, 1);
    assert_eq!(arms[1].bindings.len(), 2);
    let w = &f.locals[arms[1].bindings[0].idx()];
    assert_eq!(w.name, "w");
    assert_eq!(w.scope, Some(arms[1].block.scope));
    assert_eq!(w.kind, LocalKind::MatchBinding(0));
    assert_eq!(w.pos, Pos::new(5, 7));
    assert!(!f.falls_through);
}

#[test]
fn pointers_new_and_auto_deref() {
    let p = ok("struct Node { value: i64, next: *Node }\n\
                fn main() -> i32 {\n  let n = new Node { value: 1, next: null };\n  n.value = n.value + 1;\n  \
                let b: *[u8; 4] = new [0; 4];\n  b[1] = 3;\n  let q = &n.value;\n  *q = 5;\n  \
                let s = Node { value: 2, next: n };\n  let v = s.next.next;\n  return 0;\n}");
    let _ = p;
}

#[test]
fn pointers_new_and_auto_deref_flags() {
    let p = ok("struct Node { value: i64, next: *Node }\n\
                fn main() -> i32 {\n  let n = new Node { value: 1, next: null };\n  n.value = 2;\n  \
                let b: *[u8; 4] = new [0; 4];\n  b[1] = 3;\n  let x = b[2];\n  let y = n.value;\n  \
                let s = Node { value: 2, next: n };\n  let z = s.value;\n  return 0;\n}");
    let f = &p.functions[0];
    let ty = |i: usize| match &f.body.stmts[i].kind {
        StmtKind::Let { init, .. } => init.clone(),
        k => panic!("{k:?}"),
    };
    let n = ty(0);
    assert!(matches!(n.kind, ExprKind::NewStruct(StructId(0), _)));
    assert_eq!(p.types.name(n.ty), "*Node");
    match &f.body.stmts[1].kind {
        StmtKind::Assign { place, .. } => match &place.kind {
            PlaceKind::Field(b, _, 0) => assert!(matches!(b.kind, PlaceKind::Deref(_))),
            k => panic!("{k:?}"),
        },
        k => panic!("{k:?}"),
    }
    let b = ty(2);
    assert_eq!(p.types.name(b.ty), "*[u8; 4]");
    assert!(matches!(b.kind, ExprKind::NewArray(_, 4)));
    assert!(matches!(
        ty(4).kind,
        ExprKind::Index {
            through_ptr: true,
            len: 4,
            ..
        }
    ));
    assert!(matches!(
        ty(5).kind,
        ExprKind::Field {
            through_ptr: true,
            ..
        }
    ));
    assert!(matches!(
        ty(7).kind,
        ExprKind::Field {
            through_ptr: false,
            ..
        }
    ));
}

#[test]
fn function_pointers_and_calls() {
    let p = ok("extern fn abs(x: i32) -> i32;\nfn double(x: f64) -> f64 { return x * 2.0; }\n\
                fn apply(f: fn(f64) -> f64, v: f64) -> f64 { return f(v); }\n\
                fn main() -> i32 {\n  let f: fn(f64) -> f64 = double;\n  let r = apply(double, 1.0);\n  \
                let g = abs;\n  return abs(-3) + g(1);\n}");
    let apply = func(&p, "apply");
    let StmtKind::Return(Some(e)) = &apply.body.stmts[0].kind else {
        panic!()
    };
    assert!(matches!(e.kind, ExprKind::CallIndirect(..)));
    let m = func(&p, "main");
    let StmtKind::Let { init, .. } = &m.body.stmts[0].kind else {
        panic!()
    };
    assert!(matches!(init.kind, ExprKind::FnRef(Callee::Fn(FnId(0)))));
    let StmtKind::Return(Some(e)) = &m.body.stmts[3].kind else {
        panic!()
    };
    let ExprKind::Binary(BinOp::Add, l, r) = &e.kind else {
        panic!()
    };
    assert!(matches!(l.kind, ExprKind::ExternCall(ExternId(0), _)));
    assert!(matches!(r.kind, ExprKind::CallIndirect(..)));
    assert_eq!(p.externs[0].path.name, "abs");
}

#[test]
fn literal_typing_and_casts() {
    let p = ok("fn main() -> i32 {\n  let a: u8 = 255;\n  let b: f32 = 3;\n  let c = 1;\n  let d = 2.5;\n  \
                let e = a + 1;\n  let f = 1 + a;\n  let g = c as u8;\n  let h = a as i64;\n  let i = b as f64;\n  \
                let j = d as i32;\n  let k = g as i8;\n  let l = 0x7fff_ffff;\n  let m: i64 = -9223372036854775808;\n  \
                let n = c as f32;\n  return 0;\n}");
    let f = &p.functions[0];
    let init = |i: usize| match &f.body.stmts[i].kind {
        StmtKind::Let { init, .. } => init.clone(),
        k => panic!("{k:?}"),
    };
    assert_eq!(init(0).ty, TypeId::U8);
    assert!(matches!(init(1).kind, ExprKind::Float(v) if v == 3.0));
    assert_eq!(init(1).ty, TypeId::F32);
    assert_eq!(init(2).ty, TypeId::I64);
    assert_eq!(init(3).ty, TypeId::F64);
    assert_eq!(init(4).ty, TypeId::U8);
    assert_eq!(init(5).ty, TypeId::U8);
    let cast = |i: usize| match init(i).kind {
        ExprKind::Cast(k, _) => k,
        k => panic!("{k:?}"),
    };
    assert_eq!(cast(6), CastKind::IntTrunc);
    assert_eq!(cast(7), CastKind::IntZext);
    assert_eq!(cast(8), CastKind::FloatExt);
    assert_eq!(cast(9), CastKind::FloatToInt { signed: true });
    assert_eq!(cast(10), CastKind::Noop);
    assert_eq!(cast(13), CastKind::IntToFloat { signed: true });
    assert!(matches!(
        init(12).kind,
        ExprKind::Int {
            value: -9223372036854775808,
            bits: 0x8000_0000_0000_0000
        }
    ));
}

#[test]
fn print_while_and_falls_through() {
    let p = ok("fn f(n: i64) -> i64 { let i = 0; while i < n { i = i + 1; print(\"i=\", i, \" \", true, 1.5); } }\n\
                fn main() -> i32 { return 0; }");
    let f = func(&p, "f");
    assert!(f.falls_through);
    let StmtKind::While { body, .. } = &f.body.stmts[1].kind else {
        panic!()
    };
    let StmtKind::Expr(e) = &body.stmts[1].kind else {
        panic!()
    };
    let ExprKind::Print(args) = &e.kind else {
        panic!()
    };
    assert!(matches!(&args[0].kind, ExprKind::Str(s) if s == b"i="));
    assert_eq!(e.ty, TypeId::UNIT);
}

#[test]
fn items_in_any_order_and_interning() {
    let p = ok("fn main() -> i32 { let l = List { head: null }; return g(l); }\n\
                fn g(l: List) -> i32 { return 0; }\nstruct List { head: *Item }\nstruct Item { v: [*Item; 4] }");
    let a = p.structs[0].fields[0].ty;
    let mut t = p.types.clone();
    let b = t.ptr(p.structs[1].ty);
    assert_eq!(a, b);
    assert_eq!(p.structs[1].size, 32);
}

#[test]
fn diagnostic_display() {
    let d = compile_front(
        std::path::Path::new("dir/x.toy"),
        b"fn main() -> i32 { return x; }",
    )
    .expect_err("error");
    assert_eq!(d.to_string(), "dir/x.toy:1:27: error: unknown name `x`");
    assert_eq!((d.line, d.col), (1, 27));
}

/// Regression: `const A: i32 = 1 << 2;` evaluated to 1. Root cause: the shift
/// amount literal is typed `i64`, and the constant evaluator sized it with
/// `TypeTable::layout`, which only knew layouts computed by `ensure_layout`;
/// when no `i64` value was laid out elsewhere, the amount read as 0 bytes,
/// i.e. a shift by 0. Scalars now have an intrinsic layout.
#[test]
fn const_shift_amount_of_another_type() {
    let p = ok(
        "const A: i32 = 1 << 2;\nconst B: u16 = 16 >> 2;\nconst C: u8 = 3 << 2 << 1;\n\
                fn main() -> i32 { return 0; }",
    );
    let g = |n: &str| {
        p.globals
            .iter()
            .find(|g| g.path.name == n)
            .map(|g| g.init.clone())
            .expect("global")
    };
    assert_eq!(g("A"), 4i32.to_le_bytes().to_vec());
    assert_eq!(g("B"), 4u16.to_le_bytes().to_vec());
    assert_eq!(g("C"), vec![24]);
}
