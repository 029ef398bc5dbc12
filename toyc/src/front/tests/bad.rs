//! Bad programs: each must fail with exactly the given diagnostic.

use crate::front::tests::pipeline::err_of;

const MAIN: &str = "fn main() -> i32 { return 0; }\n";

fn check(body: &str, expected: &str) {
    let src = format!("{MAIN}{body}");
    let got = err_of(&src);
    assert_eq!(got, expected, "program:\n{src}");
}

#[test]
fn syntax_errors() {
    check(
        "fn f() { let x = 1 }",
        "2:20: error: expected `;`, found `}`",
    );
    check(
        "fn f( { }",
        "2:7: error: expected parameter name, found `{`",
    );
    check(
        "struct S { x i64 }",
        "2:14: error: expected `:`, found `i64`",
    );
    check("let x = 1;", "2:1: error: expected item, found `let`");
    check(
        "fn f() { x = ; }",
        "2:14: error: expected expression, found `;`",
    );
    check("fn f() {", "2:9: error: expected `}`, found end of file");
    check(
        "fn f() { let t: [i64 3] = 0; }",
        "2:22: error: expected `;`, found integer literal `3`",
    );
}

#[test]
fn lexical_errors() {
    check(
        "fn f() { print(\"abc); }",
        "2:16: error: unterminated string literal",
    );
    check(
        "fn f() { print(\"a\\q\"); }",
        "2:18: error: unknown escape sequence `\\q`",
    );
    check(
        "fn f() { let x = 1 @ 2; }",
        "2:20: error: unexpected character '@'",
    );
    check(
        "fn f() { let x = 999999999999999999999999999999999999999999; }",
        "2:18: error: integer literal is too large",
    );
    check(
        "fn f() { let x = 12abc; }",
        "2:20: error: invalid character in number literal",
    );
}

#[test]
fn name_errors() {
    check("fn f() { let x = y; }", "2:18: error: unknown name `y`");
    check("fn f(p: Foo) {}", "2:9: error: unknown type `Foo`");
    check("fn f() { g(); }", "2:10: error: unknown function `g`");
    check(
        "struct S {} struct S {}",
        "2:20: error: duplicate definition of `S`",
    );
    check(
        "struct S { a: i64, a: i64 }",
        "2:20: error: duplicate field `a` in struct `S`",
    );
    check(
        "enum E { A, B } fn f() { let e = E::C; }",
        "2:34: error: enum `E` has no variant `C`",
    );
    check(
        "mod m { } fn f() { let x = m::q; }",
        "2:28: error: unknown name `m::q`",
    );
    check(
        "fn f() -> i64 { let x = f::y; return 0; }",
        "2:25: error: `f` is not a module",
    );
    check(
        "struct S { x: i64 } fn f() { let s = S { y: 1 }; }",
        "2:42: error: struct `S` has no field `y`",
    );
    check(
        "struct S { x: i64, y: i64 } fn f() { let s = S { x: 1 }; }",
        "2:46: error: missing field `y` in initializer of `S`",
    );
    check(
        "struct S { x: i64 } fn f(s: S) { s.z = 1; }",
        "2:36: error: type `S` has no field `z`",
    );
    check(
        "fn f(a: i64, a: i64) {}",
        "2:14: error: duplicate parameter `a`",
    );
}

#[test]
fn type_errors() {
    check(
        "fn f() { let x: i32 = true; }",
        "2:23: error: mismatched types: expected `i32`, found `bool`",
    );
    check(
        "fn f() { let x: i32 = 1; let y: i64 = x; }",
        "2:39: error: mismatched types: expected `i64`, found `i32`",
    );
    check(
        "fn f(a: i32, b: i64) -> i32 { return a + b; }",
        "2:42: error: mismatched types: expected `i32`, found `i64`",
    );
    check(
        "fn f() { if 1 { } }",
        "2:13: error: mismatched types: expected `bool`, found `i64`",
    );
    check(
        "fn g(a: i64) {} fn f() { g(1, 2); }",
        "2:26: error: function `g` takes 1 argument but 2 were given",
    );
    check(
        "fn f() { let x: u8 = 300; }",
        "2:22: error: integer literal `300` out of range for `u8`",
    );
    check(
        "fn f() { let x: i8 = -129; }",
        "2:22: error: integer literal `-129` out of range for `i8`",
    );
    check(
        "fn f() { let x = 9223372036854775808; }",
        "2:18: error: integer literal `9223372036854775808` out of range for `i64`",
    );
    check(
        "fn f() { let x: f32 = 1e300; }",
        "2:23: error: float literal out of range for `f32`",
    );
    check(
        "fn f() { let b = true; let x = b as i32; }",
        "2:34: error: cannot cast `bool` as `i32`",
    );
    check(
        "fn f() { let x = 1; x(); }",
        "2:21: error: cannot call a value of type `i64`",
    );
    check(
        "struct S { x: i64 } fn f() { S(); }",
        "2:30: error: `S` is not a function",
    );
    check(
        "fn f() { let s = \"hi\"; }",
        "2:18: error: string literals are only allowed as arguments of `print`",
    );
    check(
        "fn f() { 1 = 2; }",
        "2:10: error: cannot assign to this expression (it is not a place)",
    );
    check(
        "fn f() { let p = null; }",
        "2:18: error: cannot infer the pointer type of `null`",
    );
    check(
        "fn f() { let x = 1; let y = *x; }",
        "2:29: error: cannot dereference a value of type `i64`",
    );
    check(
        "fn f() { let x: u32 = 1; let y = -x; }",
        "2:34: error: operator `-` cannot be applied to type `u32`",
    );
    check(
        "fn f() { let x = true + false; }",
        "2:23: error: operator `+` cannot be applied to type `bool`",
    );
    check(
        "fn f() { let a = [1, 2]; let b = a[2]; }",
        "2:36: error: index 2 is out of bounds for an array of length 2",
    );
    check(
        "fn f() { return 1; }",
        "2:17: error: function `f` has no return type but returns a value",
    );
    check(
        "fn f() -> i32 { return; }",
        "2:17: error: `return` without a value in a function returning `i32`",
    );
    check(
        "fn g() {} fn f() { let x = g(); }",
        "2:28: error: expression has no value",
    );
    check(
        "const C: i64 = 1; fn f() { C = 2; }",
        "2:28: error: cannot assign to constant `C`",
    );
    check(
        "fn f() { print(f); }",
        "2:16: error: cannot print a value of type `fn()`",
    );
    check(
        "enum E { A(i64) } fn f() { let e = E::A; }",
        "2:36: error: variant `E::A` takes 1 value; use `E::A(...)`",
    );
}

#[test]
fn match_errors() {
    check(
        "enum E { A, B, C } fn f(e: E) { match e { E::A => {} } }",
        "2:33: error: non-exhaustive match: missing `E::B`, `E::C`",
    );
    check(
        "enum E { A, B } fn f(e: E) { match e { E::A => {} E::A => {} E::B => {} } }",
        "2:51: error: variant `E::A` is matched more than once",
    );
    check(
        "enum E { A(i64, i64) } fn f(e: E) { match e { E::A(x) => {} } }",
        "2:47: error: variant `E::A` has 2 values but the pattern binds 1",
    );
    check(
        "fn f() { match 1 { } }",
        "2:16: error: cannot match on a value of type `i64` (expected an enum)",
    );
}

#[test]
fn item_errors() {
    check(
        "struct A { b: B } struct B { a: A }",
        "2:8: error: struct A contains itself by value: A -> B -> A",
    );
    check(
        "struct A { a: [A; 2] }",
        "2:8: error: struct A contains itself by value: A -> A",
    );
    check(
        "enum E { X(F) } struct F { e: E }",
        "2:24: error: struct F contains itself by value: F -> E -> F",
    );
    check(
        "type A = B; type B = *A;",
        "2:6: error: type alias `A` refers to itself: A -> B -> A",
    );
    check(
        "const A: i64 = B; const B: i64 = A + 1;",
        "2:7: error: constant `A` depends on itself: A -> B -> A",
    );
    check(
        "const A: i64 = 1 / 0;",
        "2:18: error: division by zero in constant expression",
    );
    check(
        "fn g() -> i64 { return 1; } const A: i64 = g();",
        "2:44: error: this expression is not allowed in a constant",
    );
    check(
        "fn f() { let x: [i64; 1000000000000000] = 0; }",
        "2:17: error: type `[i64; 1000000000000000]` is too large",
    );
}

#[test]
fn main_errors() {
    assert_eq!(
        err_of("fn f() {}"),
        "1:1: error: missing `fn main() -> i32`"
    );
    assert_eq!(
        err_of("fn main() { }"),
        "1:4: error: `main` must be declared as `fn main() -> i32`"
    );
    assert_eq!(
        err_of("fn main(a: i32) -> i32 { return a; }"),
        "1:4: error: `main` must be declared as `fn main() -> i32`"
    );
}

#[test]
fn condition_struct_literal() {
    check(
        "struct S { x: bool } fn f() { if S { x: true }.x { } }",
        "2:34: error: struct literal is not allowed directly as `if` condition; wrap it in parentheses",
    );
    check(
        "struct S { x: bool } fn f() { while S { x: true }.x { } }",
        "2:37: error: struct literal is not allowed directly as `while` condition; wrap it in parentheses",
    );
}

#[test]
fn nesting_errors() {
    let deep = format!(
        "fn f() -> i64 {{ return {}1{}; }}",
        "(".repeat(300),
        ")".repeat(300)
    );
    let got = err_of(&format!("{MAIN}{deep}"));
    assert!(
        got.contains("error: expression nested too deeply (limit 256"),
        "{got}"
    );
    let blocks = format!("fn f() {}{}", "{".repeat(300), "}".repeat(300));
    let got = err_of(&format!("{MAIN}{blocks}"));
    assert!(
        got.ends_with("error: blocks nested too deeply (limit 256)"),
        "{got}"
    );
}
