//! The run-time semantics toyc's README.md states, checked by compiling and
//! running small programs with every backend under test: `print`'s
//! formatting, wrapping integer arithmetic, division by zero, `main`'s
//! result as the exit status, literals typed by context, `else if` and
//! shadowing, forward references and lexical path lookup across modules,
//! `new`, `&`, function pointers and `match`.

#[allow(dead_code)] // toyc_path and backends are used here
mod debugger;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Compiles `src` as `NAME.toy` with `backend` and runs it.
fn run(name: &str, backend: &str, src: &str) -> Output {
    let toyc = debugger::toyc_path(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{e}"));
    let dir: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("language")
        .join(format!("{name}.{backend}"));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let file = dir.join(format!("{name}.toy"));
    let exe = dir.join(name);
    std::fs::write(&file, src).expect("write source");
    let o = Command::new(&toyc)
        .arg("build")
        .arg(&file)
        .arg("-o")
        .arg(&exe)
        .args(["--backend", backend])
        .output()
        .expect("run toyc");
    assert!(
        o.status.success(),
        "{name} ({backend}) does not compile:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    Command::new(&exe).output().expect("run the program")
}

/// Runs `src` with every backend; each must print `stdout` and exit with `code`.
fn check(name: &str, src: &str, stdout: &str, code: i32) {
    for backend in debugger::backends() {
        let o = run(name, backend, src);
        assert_eq!(
            String::from_utf8_lossy(&o.stdout),
            stdout,
            "{name} ({backend}) stdout"
        );
        assert_eq!(o.status.code(), Some(code), "{name} ({backend}) status");
    }
}

#[test]
fn print_formats_each_kind_of_value() {
    check(
        "print",
        r#"fn main() -> i32 {
    let a: i8 = -5;
    let b: u64 = 18446744073709551615;
    print("ints ", a, " ", b, " ", 0x2a, " ", 1_000);
    let g: f64 = 2;
    print("floats ", 1.5, " ", 2.0e3, " ", 0.1 as f32, " ", g);
    print("bools ", true, " ", 1 > 2);
    print("line\nnext line");
    print("tab\there \"quoted\" back\\slash 100%");
    return 3;
}
"#,
        "ints -5 18446744073709551615 42 1000\nfloats 1.5 2000 0.1 2\nbools true false\n\
         line\nnext line\ntab\there \"quoted\" back\\slash 100%\n",
        3,
    );
}

#[test]
fn integer_arithmetic_wraps() {
    check(
        "wrap",
        r#"fn main() -> i32 {
    let a: i8 = 127;
    let b: u8 = 255;
    let c: i64 = -9223372036854775807 - 1;
    let m: i64 = -1;
    print(a + 1, " ", b + 1, " ", c / m, " ", 7 % -3, " ", -7 / 2);
    return 0;
}
"#,
        "-128 0 -9223372036854775808 1 -3\n",
        0,
    );
}

#[test]
fn division_by_zero_aborts() {
    let src = r#"fn div(a: i64, b: i64) -> i64 { return a / b; }
fn main() -> i32 {
    print("before");
    return div(1, 0) as i32;
}
"#;
    for backend in debugger::backends() {
        let o = run("divzero", backend, src);
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(o.status.signal(), Some(6), "{backend}: SIGABRT");
    }
}

#[test]
fn items_refer_forward_and_paths_resolve_lexically() {
    check(
        "paths",
        r#"fn main() -> i32 {
    let p = outer::inner::make(4);
    return outer::inner::twice(p.v) as i32 + LIMIT;
}
const LIMIT: i32 = BASE * 2;
const BASE: i32 = 1;
mod outer {
    struct P { v: i64 }
    mod inner {
        fn make(v: i64) -> P { return P { v: v }; }
        fn twice(x: i64) -> i64 { return helper(x) * 2; }
    }
    fn helper(x: i64) -> i64 { return x; }
}
"#,
        "",
        10,
    );
}

#[test]
fn heap_pointers_fn_pointers_and_match() {
    check(
        "values",
        r#"struct Node { value: i64, next: *Node }
enum Shape { Circle(f64), Rect(f64, f64), Empty }
fn double(x: i64) -> i64 { return x * 2; }
fn area(s: Shape) -> f64 {
    match s {
        Shape::Circle(r) => { return 3.0 * r * r; }
        Shape::Rect(w, h) => { return w * h; }
        Shape::Empty => { return 0.0; }
    }
}
fn main() -> i32 {
    let n = new Node { value: 1, next: new Node { value: 2, next: null } };
    let arr = new [7; 4];
    arr[2] = 9;
    let f: fn(i64) -> i64 = double;
    let x = 5;
    let px = &x;
    *px = 6;
    print(n.next.value, " ", arr[2] + arr[3], " ", f(x), " ", area(Shape::Rect(2.0, 3.5)));
    return 0;
}
"#,
        "2 16 12 7\n",
        0,
    );
}

#[test]
fn else_if_chains_and_shadowing() {
    check(
        "shadow",
        r#"fn grade(n: i64) -> i64 {
    if n > 10 { return 3; } else if n > 5 { return 2; } else { return 1; }
}
fn main() -> i32 {
    let x = 1;
    let y = x + 10;
    let x = y * 2;
    {
        let x = 100;
        print(x);
    }
    print(x, " ", grade(11), grade(6), grade(0));
    return 0;
}
"#,
        "100\n22 321\n",
        0,
    );
}
