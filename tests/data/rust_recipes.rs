#![allow(dead_code)]
use std::num::NonZeroU32;
pub trait Shape { fn area(&self) -> f64; }
pub struct Sq(pub f64);
impl Shape for Sq { fn area(&self) -> f64 { self.0 * self.0 } }
pub enum Wrap { W(i64) }
pub enum Void {}
pub enum Light { Off, On(u8) }
impl Light { pub fn level(&self) -> u8 { match self { Light::Off => 0, Light::On(l) => *l } } }
#[repr(u128)] pub enum Big { A = 0, B = 0xffff_ffff_ffff_ffff_ffff }
#[no_mangle] pub static OPT_NONE: Option<&u32> = None;
#[no_mangle] pub static OPT_SOME: Option<&u32> = Some(&7);
#[no_mangle] pub static OPT_BOX: Option<Box<u8>> = None;
#[no_mangle] pub static NZ: Option<NonZeroU32> = NonZeroU32::new(5);
#[no_mangle] pub static STR: &str = "hi";
#[no_mangle] pub static SLICE: &[i32] = &[1, 2, 3];
#[no_mangle] pub static W: Wrap = Wrap::W(9);
#[no_mangle] pub static BIGV: Big = Big::B;
#[no_mangle] pub static U: u128 = u128::MAX;
#[no_mangle] pub static OPT_U32: Option<u32> = Some(4);
#[no_mangle] pub static LIGHT: Light = Light::On(3);
pub fn main() {
    let b: Box<dyn Shape> = Box::new(Sq(2.0));
    let k = 3;
    let c = |x: i32| x + k;
    println!("{} {} {}", b.area(), c(1), LIGHT.level());
    let v: Option<Void> = None; let _ = v;
    std::hint::black_box((&OPT_NONE, &OPT_SOME, &OPT_BOX, &NZ, &STR, &SLICE, &W, &BIGV, &U, &OPT_U32));
}
