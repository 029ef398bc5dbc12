//! Lexer: turns source bytes into tokens with positions.

use crate::front::diag::{err, Pos, Res};
use std::fmt;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An identifier (not a keyword).
    Ident(String),
    /// An integer literal (value; too-large literals are rejected here).
    Int(u128),
    /// A float literal.
    Float(f64),
    /// A string literal with escapes processed.
    Str(Vec<u8>),
    /// A keyword.
    Kw(Kw),
    /// Punctuation or operator.
    P(&'static str),
    /// End of input.
    Eof,
}

/// Keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    /// `fn`
    Fn,
    /// `extern`
    Extern,
    /// `struct`
    Struct,
    /// `enum`
    Enum,
    /// `type`
    Type,
    /// `mod`
    Mod,
    /// `let`
    Let,
    /// `const`
    Const,
    /// `if`
    If,
    /// `else`
    Else,
    /// `while`
    While,
    /// `return`
    Return,
    /// `match`
    Match,
    /// `true`
    True,
    /// `false`
    False,
    /// `null`
    Null,
    /// `new`
    New,
    /// `as`
    As,
}

const KEYWORDS: &[(&str, Kw)] = &[
    ("fn", Kw::Fn),
    ("extern", Kw::Extern),
    ("struct", Kw::Struct),
    ("enum", Kw::Enum),
    ("type", Kw::Type),
    ("mod", Kw::Mod),
    ("let", Kw::Let),
    ("const", Kw::Const),
    ("if", Kw::If),
    ("else", Kw::Else),
    ("while", Kw::While),
    ("return", Kw::Return),
    ("match", Kw::Match),
    ("true", Kw::True),
    ("false", Kw::False),
    ("null", Kw::Null),
    ("new", Kw::New),
    ("as", Kw::As),
];

impl Kw {
    /// The keyword's spelling.
    pub fn text(self) -> &'static str {
        KEYWORDS
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(s, _)| *s)
            .unwrap_or("?")
    }
}

// Longest first so that maximal munch works.
const PUNCTS: &[&str] = &[
    "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "(", ")", "{", "}", "[", "]",
    ",", ";", ":", ".", "=", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!",
];

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Int(v) => write!(f, "integer literal `{v}`"),
            Tok::Float(_) => write!(f, "float literal"),
            Tok::Str(_) => write!(f, "string literal"),
            Tok::Kw(k) => write!(f, "`{}`", k.text()),
            Tok::P(p) => write!(f, "`{p}`"),
            Tok::Eof => write!(f, "end of file"),
        }
    }
}

/// A token with its start position.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The kind.
    pub tok: Tok,
    /// Where it starts.
    pub pos: Pos,
}

/// Computes the position of byte offset `off` in `src`.
pub fn pos_of(src: &[u8], off: usize) -> Pos {
    let mut line = 1u32;
    let mut col = 1u32;
    for &b in src.iter().take(off) {
        if b == b'\n' {
            line = line.saturating_add(1);
            col = 1;
        } else {
            col = col.saturating_add(1);
        }
    }
    Pos { line, col }
}

struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    i: usize,
    line: u32,
    col: u32,
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> u8 {
        self.src.get(self.i + k).copied().unwrap_or(0)
    }
    fn pos(&self) -> Pos {
        Pos::new(self.line, self.col)
    }
    fn bump(&mut self) {
        if let Some(&b) = self.src.get(self.i) {
            if b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.col = 1;
            } else {
                self.col = self.col.saturating_add(1);
            }
            self.i += 1;
        }
    }

    fn number(&mut self) -> Res<Tok> {
        let start = self.pos();
        let hex = self.peek(0) == b'0' && (self.peek(1) == b'x' || self.peek(1) == b'X');
        if hex {
            self.bump();
            self.bump();
            let mut v: u128 = 0;
            let mut digits = 0;
            loop {
                let c = self.peek(0);
                let d = match c {
                    b'_' => {
                        self.bump();
                        continue;
                    }
                    b'0'..=b'9' => c - b'0',
                    b'a'..=b'f' => c - b'a' + 10,
                    b'A'..=b'F' => c - b'A' + 10,
                    _ => break,
                };
                digits += 1;
                v = match v.checked_mul(16).and_then(|v| v.checked_add(u128::from(d))) {
                    Some(v) => v,
                    None => return err(start, "integer literal is too large"),
                };
                self.bump();
            }
            if digits == 0 {
                return err(start, "hexadecimal literal has no digits");
            }
            self.check_suffix()?;
            return Ok(Tok::Int(v));
        }
        let mut text = String::new();
        while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
            if self.peek(0) != b'_' {
                text.push(char::from(self.peek(0)));
            }
            self.bump();
        }
        let mut is_float = false;
        if self.peek(0) == b'.' && self.peek(1).is_ascii_digit() {
            is_float = true;
            text.push('.');
            self.bump();
            while self.peek(0).is_ascii_digit() || self.peek(0) == b'_' {
                if self.peek(0) != b'_' {
                    text.push(char::from(self.peek(0)));
                }
                self.bump();
            }
        }
        if matches!(self.peek(0), b'e' | b'E') {
            let sign = matches!(self.peek(1), b'+' | b'-');
            let first = if sign { self.peek(2) } else { self.peek(1) };
            if first.is_ascii_digit() {
                is_float = true;
                text.push('e');
                self.bump();
                if sign {
                    text.push(char::from(self.peek(0)));
                    self.bump();
                }
                while self.peek(0).is_ascii_digit() {
                    text.push(char::from(self.peek(0)));
                    self.bump();
                }
            }
        }
        self.check_suffix()?;
        if is_float {
            return match text.parse::<f64>() {
                Ok(v) => Ok(Tok::Float(v)),
                Err(_) => err(start, "invalid float literal"),
            };
        }
        let mut v: u128 = 0;
        for c in text.bytes() {
            v = match v
                .checked_mul(10)
                .and_then(|v| v.checked_add(u128::from(c - b'0')))
            {
                Some(v) => v,
                None => return err(start, "integer literal is too large"),
            };
        }
        Ok(Tok::Int(v))
    }

    fn check_suffix(&self) -> Res<()> {
        let c = self.peek(0);
        if c.is_ascii_alphanumeric() || c == b'_' {
            return err(self.pos(), "invalid character in number literal");
        }
        Ok(())
    }

    fn string(&mut self) -> Res<Tok> {
        let start = self.pos();
        self.bump();
        let mut out = Vec::new();
        loop {
            match self.src.get(self.i).copied() {
                None => return err(start, "unterminated string literal"),
                Some(b'"') => {
                    self.bump();
                    return Ok(Tok::Str(out));
                }
                Some(b'\\') => {
                    let p = self.pos();
                    self.bump();
                    let c = match self.src.get(self.i).copied() {
                        Some(b'n') => b'\n',
                        Some(b't') => b'\t',
                        Some(b'\\') => b'\\',
                        Some(b'"') => b'"',
                        None => return err(start, "unterminated string literal"),
                        Some(_) => {
                            let ch = self.text.get(self.i..).and_then(|s| s.chars().next());
                            let ch = ch.unwrap_or('?');
                            return err(p, format!("unknown escape sequence `\\{ch}`"));
                        }
                    };
                    out.push(c);
                    self.bump();
                }
                Some(b) => {
                    out.push(b);
                    self.bump();
                }
            }
        }
    }
}

/// Splits `src` into tokens; the last token is always `Tok::Eof`.
pub fn lex(src: &[u8]) -> Res<Vec<Token>> {
    let text = match std::str::from_utf8(src) {
        Ok(t) => t,
        Err(e) => return err(pos_of(src, e.valid_up_to()), "invalid UTF-8 in source"),
    };
    let mut lx = Lexer {
        src,
        text,
        i: 0,
        line: 1,
        col: 1,
    };
    let mut toks = Vec::new();
    loop {
        let c = lx.peek(0);
        if lx.i >= src.len() {
            toks.push(Token {
                tok: Tok::Eof,
                pos: lx.pos(),
            });
            return Ok(toks);
        }
        if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' {
            lx.bump();
            continue;
        }
        if c == b'/' && lx.peek(1) == b'/' {
            while lx.i < src.len() && lx.peek(0) != b'\n' {
                lx.bump();
            }
            continue;
        }
        let pos = lx.pos();
        let tok = if c.is_ascii_alphabetic() || c == b'_' {
            let s = lx.i;
            while lx.peek(0).is_ascii_alphanumeric() || lx.peek(0) == b'_' {
                lx.bump();
            }
            let word = text.get(s..lx.i).unwrap_or("");
            match KEYWORDS.iter().find(|(k, _)| *k == word) {
                Some((_, k)) => Tok::Kw(*k),
                None => Tok::Ident(word.to_string()),
            }
        } else if c.is_ascii_digit() {
            lx.number()?
        } else if c == b'"' {
            lx.string()?
        } else {
            let rest = src.get(lx.i..).unwrap_or(&[]);
            match PUNCTS.iter().find(|p| rest.starts_with(p.as_bytes())) {
                Some(p) => {
                    for _ in 0..p.len() {
                        lx.bump();
                    }
                    Tok::P(p)
                }
                None => {
                    let ch = text.get(lx.i..).and_then(|s| s.chars().next());
                    let ch = ch.unwrap_or('?');
                    return err(pos, format!("unexpected character {ch:?}"));
                }
            }
        };
        toks.push(Token { tok, pos });
    }
}
