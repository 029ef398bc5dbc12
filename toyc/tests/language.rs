//! The run-time semantics toyc's README.md states, checked by compiling and
//! running small programs with every backend under test: `print`'s
//! formatting, wrapping integer arithmetic, division by zero, `main`'s
//! result as the exit status, literals typed by context, `else if` and
//! shadowing, forward references and lexical path lookup across modules,
//! `new`, `&`, function pointers and `match`, and the niche and
//! single-variant enum layouts.

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

/// The niche layout (LANGUAGE.md v2): `Link` is its pointer alone, null
/// meaning the payload-less variant whichever variant is declared first;
/// `match` tests the pointer, values pass and return by value, `More(null)`
/// is `End`, and an array of `Link`s is an array of pointers.
#[test]
fn niche_enums_are_their_pointer() {
    check(
        "niche",
        r#"struct Node { value: i64, next: Link }
enum Link { End, More(*Node) }
enum Opt { Some(*Node), None }
const NOTHING: Link = Link::End;
fn sum(l: Link) -> i64 {
    match l {
        Link::End => { return 0; }
        Link::More(n) => { return n.value + sum(n.next); }
    }
}
fn first(l: Link) -> Opt {
    match l {
        Link::More(n) => { return Opt::Some(n); }
        Link::End => { return Opt::None; }
    }
}
fn show(o: Opt) -> i64 {
    match o {
        Opt::None => { return -1; }
        Opt::Some(n) => { return n.value; }
    }
}
fn main() -> i32 {
    let c = new Node { value: 30, next: Link::End };
    let b = new Node { value: 20, next: Link::More(c) };
    let list = Link::More(new Node { value: 10, next: Link::More(b) });
    print(sum(list), " ", sum(NOTHING), " ", sum(Link::More(null)));
    print(show(first(list)), " ", show(first(Link::End)), " ", show(Opt::Some(null)));
    let bare = *(&list as **Node);
    print(bare.value, " ", *(&NOTHING as *u64));
    let links = [Link::More(b), Link::End, Link::More(c)];
    let ptrs = &links as *[*Node; 3];
    print(ptrs[0].value, " ", ptrs[2].value, " ", ptrs[1] == null);
    return 0;
}
"#,
        "60 0 0\n10 -1 -1\n10 0\n20 30 true\n",
        0,
    );
}

/// A single-variant enum (LANGUAGE.md v2) has no tag: it is laid out as
/// its payload (C struct layout from offset 0), matches without a test,
/// and passes, returns and initialises consts like that payload.
#[test]
fn single_variant_enums_are_their_payload() {
    check(
        "single",
        r#"enum Wrap { W(i64) }
enum Pair { P(i32, f64) }
enum Shape { Circle(f64), Rect(f64, f64) }
const SEVEN: Wrap = Wrap::W(7);
fn twice(p: Pair) -> Pair {
    match p {
        Pair::P(a, b) => { return Pair::P(a * 2, b * 2.0); }
    }
}
fn get(w: Wrap) -> i64 {
    match w {
        Wrap::W(v) => { return v; }
    }
}
fn main() -> i32 {
    let w = Wrap::W(42);
    print(get(w) + get(SEVEN), " ", *(&w as *i64), " ", *(&SEVEN as *i64));
    let pairs = [Pair::P(1, 1.5), twice(Pair::P(3, 2.25))];
    let raw = &pairs as *[f64; 4];
    print(raw[1], " ", raw[3], " ", *(&pairs[1] as *i32));
    match pairs[1] {
        Pair::P(a, b) => { print(a, " ", b); }
    }
    let s = Shape::Rect(1.0, 2.0);
    print(*(&s as *u32));
    return 0;
}
"#,
        "49 42 7\n1.5 4.5 6\n6 4.5\n1\n",
        0,
    );
}
