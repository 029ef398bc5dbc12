//! Stress and robustness tests: deep chains, deep nesting, bad bytes and
//! a mutation fuzz loop that must never panic.

use crate::front::compile_front;
use crate::front::tests::pipeline::{compile, err_of};

const MAIN: &str = "fn main() -> i32 { return 0; }\n";

#[test]
fn by_value_chain_20000() {
    let n = 20_000;
    let mut src = String::from(MAIN);
    for i in 0..n - 1 {
        src.push_str(&format!("struct S{i} {{ x: S{} }}\n", i + 1));
    }
    src.push_str(&format!("struct S{} {{ v: i64 }}\n", n - 1));
    src.push_str("fn f(s: *S0) -> i64 { return 0; }\n");
    let p = compile(&src).expect("chain compiles");
    assert_eq!(p.structs.len(), n);
    assert!(p.structs.iter().all(|s| s.size == 8 && s.align == 8));
    // A cycle at the end of a long chain is still found iteratively.
    let mut bad = src.replace(
        &format!("struct S{} {{ v: i64 }}", n - 1),
        &format!("struct S{} {{ v: S0 }}", n - 1),
    );
    bad.push('\n');
    let e = err_of(&bad);
    assert!(
        e.starts_with("2:8: error: struct S0 contains itself by value: S0 -> S1 -> "),
        "{}",
        &e[..80]
    );
}

#[test]
fn alias_and_const_chains() {
    let n = 20_000;
    let mut src = String::from(MAIN);
    for i in 0..n - 1 {
        src.push_str(&format!(
            "type T{i} = *T{};\nconst C{i}: i64 = C{} + 1;\n",
            i + 1,
            i + 1
        ));
    }
    src.push_str(&format!(
        "type T{} = i64;\nconst C{}: i64 = 1;\n",
        n - 1,
        n - 1
    ));
    src.push_str("fn f(p: T0) -> T0 { let q: T0 = p; return q; }\n");
    let p = compile(&src).expect("chains compile");
    let c0 = p.globals.iter().find(|g| g.path.name == "C0").expect("C0");
    assert_eq!(c0.init, 20_000i64.to_le_bytes().to_vec());
    // Mismatch against a deep canonical type still reports by name.
    let bad = format!("{src}fn g(p: T0) -> i64 {{ return p; }}\n");
    let e = err_of(&bad);
    assert!(
        e.ends_with("error: mismatched types: expected `i64`, found `T0`"),
        "{e}"
    );
}

#[test]
fn nesting_within_limit_compiles() {
    let d = 200;
    let src = format!(
        "{MAIN}fn f(x: i64) -> i64 {{ {} return {}x{}; {} }}\n",
        "{ ".repeat(20),
        "(".repeat(d),
        ")".repeat(d),
        "} ".repeat(20)
    );
    compile(&src).expect("deep but within limit");
    let neg = format!(
        "{MAIN}fn f(x: i64) -> i64 {{ return {}x; }}\n",
        "-".repeat(200)
    );
    compile(&neg).expect("unary chain within limit");
}

#[test]
fn nesting_beyond_limit_is_an_error() {
    let n = 100_000;
    let cases = [
        format!(
            "{MAIN}fn f() -> i64 {{ return {}1{}; }}",
            "(".repeat(n),
            ")".repeat(n)
        ),
        format!("{MAIN}fn f() -> i64 {{ return {}1; }}", "-".repeat(n)),
        format!("{MAIN}fn f() -> i64 {{ return {}1; }}", "1 + ".repeat(n)),
        format!(
            "{MAIN}struct S {{ s: *S }} fn f(s: S) {{ let x = s{}; }}",
            ".s".repeat(n)
        ),
        format!(
            "{MAIN}fn f(a: [i64; 2]) {{ let x = a{}; }}",
            "[0]".repeat(n)
        ),
        format!("{MAIN}fn f() {{ let x = {}; }}", "[".repeat(n)),
        format!("{MAIN}fn f() {}{}", "{".repeat(n), "}".repeat(n)),
        format!("{MAIN}{}", "mod m { ".repeat(n)),
        format!("{MAIN}fn f(x: {}i64) {{}}", "*".repeat(n)),
        format!(
            "{MAIN}fn f(x: {}i64{}) {{}}",
            "[".repeat(n),
            "; 1]".repeat(n)
        ),
        format!(
            "{MAIN}fn f(x: i64) {{ if x > 0 {{ }} {} }}",
            "else if x > 1 { } ".repeat(n / 10)
        ),
    ];
    for (i, src) in cases.iter().enumerate() {
        let e = err_of(src);
        assert!(
            e.contains("nested too deeply (limit 256") || (i == 10 && e == "no error"),
            "case {i}: {e}"
        );
    }
}

#[test]
fn bad_bytes_and_long_lines() {
    let mut src = MAIN.as_bytes().to_vec();
    src.extend_from_slice(b"fn f() { let x = 1; } // caf\xff\n");
    let d = compile_front(std::path::Path::new("b.toy"), &src).expect_err("bad utf8");
    assert_eq!(d.to_string(), "b.toy:2:29: error: invalid UTF-8 in source");
    let e = err_of(&format!("{MAIN}fn f() {{ let é = 1; }}"));
    assert_eq!(e, "2:14: error: unexpected character 'é'");
    let long = format!("{MAIN}fn f() -> i64 {{ return {}1; }}", "1 + ".repeat(200));
    assert!(compile(&long).is_ok());
    let wide = format!("{MAIN}fn f() {{ {} }}", "let x = 1; ".repeat(50_000));
    assert!(compile(&wide).is_ok());
    let huge = format!("{MAIN}fn f() {{ let x = {}; }}", "9".repeat(10_000));
    assert_eq!(err_of(&huge), "2:18: error: integer literal is too large");
    let fl = format!("{MAIN}fn f() {{ let x = {}.0; }}", "9".repeat(400));
    assert_eq!(
        err_of(&fl),
        "2:18: error: float literal out of range for `f64`"
    );
    assert_eq!(err_of(""), "1:1: error: missing `fn main() -> i32`");
    assert_eq!(
        err_of("fn main() -> i32 { print(\"abc"),
        "1:26: error: unterminated string literal"
    );
}

const SAMPLE: &str = "// sample\nextern fn abort();\nstruct Node { value: i64, next: *Node }\n\
enum Shape { Circle(f64), Rect(f64, f64), Empty }\nenum Color { Red, Green }\ntype Id = i64;\n\
mod geo { struct P { x: f64, y: f64 } fn area(s: Shape) -> f64 { match s { Shape::Circle(r) => { return r * r; } \
Shape::Rect(w, h) => { return w * h; } Shape::Empty => { return 0.0; } } } }\n\
const LIMIT: Id = 10 * 2 + 1;\nconst O: geo::P = geo::P { x: 1.5, y: -2.0 };\n\
fn double(x: f64) -> f64 { return x * 2.0; }\n\
fn push(l: *Node, v: Id) -> *Node { return new Node { value: v, next: l }; }\n\
fn main() -> i32 {\n  let x = 1;\n  let f: fn(f64) -> f64 = double;\n  let l: *Node = null;\n  l = push(l, 5);\n  \
l.value = l.value + 1;\n  let a = new [0; 8];\n  a[2] = 7;\n  let c = Color::Green;\n  \
if c == Color::Red { print(\"red\"); } else if x > 0 { print(\"x=\", x, f(1.0)); } else { abort(); }\n  \
{ let x = 2.5; let x = x as i32; print(x); }\n  while x < LIMIT { x = x + 1; }\n  let p = &x;\n  *p = 3;\n  \
print(geo::area(Shape::Rect(1.0, 2.0)), O.x);\n  match c { Color::Red => {} Color::Green => { return 1; } }\n  return 0;\n}\n";

#[test]
fn sample_compiles() {
    compile(SAMPLE).expect("sample");
}

#[test]
fn fuzz_mutations_never_panic() {
    let base = SAMPLE.as_bytes().to_vec();
    let result = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
            let mut next = move || {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed
            };
            let tokens: &[&[u8]] = &[
                b"{",
                b"}",
                b"(",
                b")",
                b"[",
                b"]",
                b";",
                b"::",
                b"*",
                b"&",
                b"-",
                b"as i8",
                b"null",
                b"new",
                b"match",
                b"0xffffffffffffffffffff",
                b"\"",
                b"\xff",
                b"1e999",
                b"Node",
                b"S",
                b"x",
                b"=",
                b"==",
                b",",
                b"struct",
                b"fn",
                b"->",
                b"<<",
                b".",
            ];
            for i in 0..3000 {
                let mut src = base.clone();
                match i % 4 {
                    0 => src.truncate((next() as usize) % (base.len() + 1)),
                    1 => {
                        let at = (next() as usize) % src.len();
                        src.remove(at);
                    }
                    2 => {
                        let at = (next() as usize) % src.len();
                        let t = tokens[(next() as usize) % tokens.len()];
                        src.splice(at..at, t.iter().copied());
                    }
                    _ => {
                        for _ in 0..3 {
                            let at = (next() as usize) % src.len();
                            src[at] = (next() % 128) as u8;
                        }
                    }
                }
                let r = std::panic::catch_unwind(|| {
                    let _ = compile_front(std::path::Path::new("f.toy"), &src);
                });
                assert!(
                    r.is_ok(),
                    "panic on input:\n{}",
                    String::from_utf8_lossy(&src)
                );
            }
        })
        .expect("spawn")
        .join();
    assert!(result.is_ok());
}
