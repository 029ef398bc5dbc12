// Corpus for the re-emission test: types rustc describes in many ways.
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Debug;
use std::num::NonZeroU32;
use std::rc::Rc;

pub struct Point {
    pub x: i32,
    pub y: i32,
}

pub enum Shape {
    Circle { center: Point, radius: f64 },
    Rect(Point, Point),
    Empty,
}

pub enum Color {
    Red,
    Green = 7,
    Blue,
}

pub enum List<T> {
    Cons(T, Box<List<T>>),
    Nil,
}

pub struct Tree {
    pub value: u128,
    pub signed: i128,
    pub children: Vec<Rc<RefCell<Tree>>>,
}

pub enum Wrap {
    Only(i64),
}

pub enum Never {}

pub trait Speak: Debug {
    fn speak(&self) -> String;
}

#[derive(Debug)]
pub struct Dog(u8);

impl Speak for Dog {
    fn speak(&self) -> String {
        format!("woof {}", self.0)
    }
}

pub struct Holder<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
    pub speaker: &'a dyn Speak,
    pub boxed: Box<dyn Speak>,
    pub maybe_ref: Option<&'a u32>,
    pub maybe_box: Option<Box<Point>>,
    pub maybe_nz: Option<NonZeroU32>,
    pub unit: (),
    pub tuple: (u8, u16, char),
    pub array: [[u16; 3]; 2],
    pub func: fn(i32) -> i32,
}

#[inline(never)]
fn consume<T>(t: &T) -> usize {
    std::hint::black_box(t as *const T as usize)
}

fn main() {
    let mut map: HashMap<String, Vec<i32>> = HashMap::new();
    map.insert("a".into(), vec![1, 2]);
    let mut bt: BTreeMap<u64, Option<String>> = BTreeMap::new();
    bt.insert(1, Some("x".into()));
    let hs: HashSet<char> = ['a', 'b'].into_iter().collect();
    let dq: VecDeque<f32> = VecDeque::from(vec![1.0]);
    let shape = Shape::Circle { center: Point { x: 1, y: 2 }, radius: 3.0 };
    let shapes = [Shape::Rect(Point { x: 0, y: 0 }, Point { x: 1, y: 1 }), Shape::Empty];
    let list = List::Cons(1u8, Box::new(List::Nil));
    let tree = Rc::new(RefCell::new(Tree { value: u128::MAX, signed: -1, children: vec![] }));
    let dog = Dog(3);
    let n = 5u32;
    let holder = Holder {
        name: "name",
        bytes: b"abc",
        speaker: &dog,
        boxed: Box::new(Dog(4)),
        maybe_ref: Some(&n),
        maybe_box: Some(Box::new(Point { x: 3, y: 4 })),
        maybe_nz: NonZeroU32::new(9),
        unit: (),
        tuple: (1, 2, 'c'),
        array: [[1, 2, 3], [4, 5, 6]],
        func: |x| x + 1,
    };
    let offset = 10;
    let closure = move |x: i32| x + offset;
    let r: Result<u8, String> = Ok(1);
    let w = Wrap::Only(7);
    let c = Color::Green;
    let never: Option<Never> = None;
    let sum = consume(&map)
        + consume(&bt)
        + consume(&hs)
        + consume(&dq)
        + consume(&shape)
        + consume(&shapes)
        + consume(&list)
        + consume(&tree)
        + consume(&holder)
        + consume(&closure)
        + consume(&r)
        + consume(&w)
        + consume(&c)
        + consume(&never)
        + holder.speaker.speak().len();
    println!("{}", sum % 2);
}
