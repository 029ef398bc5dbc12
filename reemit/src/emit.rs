//! Re-emission: every type DIE resolved through one [`DebugContext`], a
//! global of each named type, and the summary of what could not be
//! expressed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use dwarfsmith::{
    Backend, CompileUnit, DebugContext, Error, FrontendTy, GlobalDesc, Language, TypeRef,
};
use gimli::constants as dw;

use crate::dies::Dies;
use crate::source::DieSource;

/// What one re-emission did.
#[derive(Debug, Default)]
pub struct Summary {
    /// DIEs in the input.
    pub dies: usize,
    /// Type DIEs in the input.
    pub type_dies: usize,
    /// Type DIEs resolved without error.
    pub described: usize,
    /// Named types emitted (one global each).
    pub emitted: usize,
    /// Refusals (type DIEs the library or this tool refused, and a failed
    /// finish), by reason.
    pub errors: BTreeMap<String, u64>,
    /// Parts of accepted types not expressed, by reason.
    pub dropped: BTreeMap<String, u64>,
    /// A few full error messages, for the reader.
    pub samples: Vec<String>,
    /// The globals: (symbol, size in bytes).
    pub globals: Vec<(String, u64)>,
    /// Type DIEs not resolved because they refer to a refused one.
    pub skipped: usize,
    /// Type DIEs of units in another language than the output unit's (Rust
    /// vs C and C++: one output unit has one language, and primitives are
    /// identified by name, so a C++ `char` is not Rust's); not re-emitted.
    pub other_language: usize,
    /// Passes needed (a pass is repeated without the types whose failure
    /// left the context unfinishable).
    pub passes: u32,
}

/// Gives a global (symbol name, size in bytes) its storage in the
/// backend's output.
pub type Storage<'a, B> = dyn FnMut(&mut DebugContext<B>, &str, u64) -> Result<(), Error> + 'a;

/// Whether `tag` is a type DIE.
pub fn is_type(tag: dw::DwTag) -> bool {
    matches!(
        tag,
        dw::DW_TAG_base_type
            | dw::DW_TAG_pointer_type
            | dw::DW_TAG_reference_type
            | dw::DW_TAG_rvalue_reference_type
            | dw::DW_TAG_const_type
            | dw::DW_TAG_volatile_type
            | dw::DW_TAG_restrict_type
            | dw::DW_TAG_atomic_type
            | dw::DW_TAG_typedef
            | dw::DW_TAG_array_type
            | dw::DW_TAG_subroutine_type
            | dw::DW_TAG_enumeration_type
            | dw::DW_TAG_structure_type
            | dw::DW_TAG_class_type
            | dw::DW_TAG_union_type
            | dw::DW_TAG_ptr_to_member_type
            | dw::DW_TAG_unspecified_type
            | dw::DW_TAG_string_type
            | dw::DW_TAG_set_type
            | dw::DW_TAG_subrange_type
            | dw::DW_TAG_immutable_type
    )
}

/// The output unit's language: the most common among the input's units.
pub fn language(dies: &Dies) -> Language {
    let mut count: HashMap<u16, usize> = HashMap::new();
    for u in &dies.units {
        *count.entry(u.language).or_default() += 1;
    }
    let code = count
        .into_iter()
        .max_by_key(|&(l, n)| (n, l))
        .map_or(0x1d, |(l, _)| l);
    match code {
        0x1c => Language::Rust,
        0x21 => Language::CPlusPlus14,
        0x0c => Language::C99,
        0x1d => Language::C11,
        c => Language::Other(c),
    }
}

/// The compile unit the output gets: named after the input's first.
pub fn unit(dies: &Dies) -> CompileUnit {
    let (name, dir) = dies
        .units
        .first()
        .map(|u| (u.name.clone(), u.comp_dir.clone()))
        .unwrap_or_default();
    let name = if name.is_empty() {
        "reemit".into()
    } else {
        name
    };
    let dir = if dir.is_empty() { "/".into() } else { dir };
    CompileUnit::new(name, dir)
        .language(language(dies))
        .producer("reemit (dwarfsmith)")
}

/// A root type DIE that could not be resolved.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The DIE.
    pub root: u64,
    /// Why, as counted.
    pub reason: String,
    /// The DIEs the error names (`#N` in the library's message).
    pub culprits: Vec<u64>,
}

/// The frontend handles (`#N`) an error message names, and for other
/// than conflicts the type DIEs named as its backquoted type names.
fn culprits(e: &Error, names: &HashMap<&str, Vec<u64>>) -> Vec<u64> {
    let msg = e.to_string();
    let mut out: Vec<u64> = Vec::new();
    if e.kind() != dwarfsmith::ErrorKind::ConflictingDescription {
        for quoted in msg.split('`').skip(1).step_by(2) {
            out.extend(names.get(quoted).into_iter().flatten());
        }
    }
    out.extend(msg.split('#').skip(1).filter_map(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u64>().ok()
    }));
    out
}

fn reason(e: &Error, src: &DieSource<'_>, off: u64) -> String {
    match e.kind() {
        dwarfsmith::ErrorKind::DescribeFailed => {
            let why = src.last_refusal.clone().unwrap_or_default();
            let _ = off;
            format!("DescribeFailed: {why}")
        }
        k => format!("{k:?}"),
    }
}

/// Namespace `name` in `parent`, inline (`DW_AT_export_symbols`) or not.
fn register_namespace<B: Backend>(
    cx: &mut DebugContext<B>,
    parent: Option<dwarfsmith::NamespaceId>,
    name: &str,
    inline: bool,
) -> dwarfsmith::Result<dwarfsmith::NamespaceId> {
    if inline {
        cx.inline_namespace(parent, name)
    } else {
        cx.namespace(parent, name)
    }
}

/// Registers the namespaces, resolves every type DIE not in `skip`, and
/// defines a global for each named one; `storage` gives each global its
/// symbol in the backend. Returns the roots that failed.
pub fn drive<B: Backend>(
    cx: &mut DebugContext<B>,
    src: &mut DieSource<'_>,
    skip: &HashSet<u64>,
    sum: &mut Summary,
    storage: &mut Storage<'_, B>,
) -> Result<Vec<Failure>, Error> {
    let dies = src.dies;
    for &off in &dies.order {
        let Some(d) = dies.map.get(&off) else {
            continue;
        };
        if d.tag != dw::DW_TAG_namespace {
            continue;
        }
        let parent = d.parent.and_then(|p| src.namespaces.get(&p).copied());
        let name = d.name().unwrap_or("(anonymous namespace)");
        // g++ marks an inline namespace (`std::__cxx11`) with
        // DW_AT_export_symbols; one unit's copy without the mark is the
        // namespace registered first, counted.
        let inline = d.flag(dw::DW_AT_export_symbols);
        let ns = match register_namespace(cx, parent, name, inline) {
            Err(e) if e.kind() == dwarfsmith::ErrorKind::ConflictingDescription => {
                src.drop_part("DW_AT_export_symbols on one copy of a namespace only");
                register_namespace(cx, parent, name, !inline)?
            }
            r => r?,
        };
        src.namespaces.insert(off, ns);
    }
    let file = cx.file(Path::new(&unit(dies).name))?;
    let mut failed = Vec::new();
    let mut names: HashMap<&str, Vec<u64>> = HashMap::new();
    for &off in &dies.order {
        if let Some(d) = dies.map.get(&off).filter(|d| is_type(d.tag)) {
            if let Some(n) = d.name() {
                names.entry(n).or_default().push(off);
            }
        }
    }
    let mut globals: HashSet<TypeRef> = HashSet::new();
    let rust_output = language(dies) == Language::Rust;
    for &off in &dies.order {
        let Some(d) = dies.map.get(&off) else {
            continue;
        };
        if !is_type(d.tag) || d.tag == dw::DW_TAG_subrange_type {
            continue;
        }
        sum.type_dies += 1;
        let rust_unit = dies
            .units
            .get(d.unit as usize)
            .is_some_and(|u| u.language == 0x1c);
        if rust_unit != rust_output {
            sum.other_language += 1;
            continue;
        }
        if skip.contains(&off) {
            sum.skipped += 1;
            continue;
        }
        let t = match cx.resolve_type(src, FrontendTy(off)) {
            Ok(t) => t,
            Err(e) => {
                let r = reason(&e, src, off);
                if src.verbose {
                    eprintln!("refused DIE {off:#x}: {e}");
                }
                if sum.samples.len() < 12 && !sum.samples.iter().any(|s| s.starts_with(&r)) {
                    sum.samples.push(format!("{r} (DIE {off:#x}): {e}"));
                }
                failed.push(Failure {
                    root: off,
                    reason: r,
                    culprits: culprits(&e, &names),
                });
                continue;
            }
        };
        sum.described += 1;
        // A type naming `void` (`typedef void _IO_lock_t`) has no values:
        // no global of it.
        let named = d.name().is_some()
            && !d.flag(dw::DW_AT_declaration)
            && !src.names_void(off)
            && !matches!(d.tag, dw::DW_TAG_subroutine_type | dw::DW_TAG_array_type);
        if named && globals.insert(t) {
            let symbol = format!("reemit_{}", globals.len());
            let size = cx.type_size(t)?.max(1);
            storage(cx, &symbol, size)?;
            cx.define_global(&GlobalDesc::new(&symbol, &symbol, t, file, 1))?;
            sum.globals.push((symbol, size));
        }
    }
    sum.emitted = globals.len();
    Ok(failed)
}

/// Re-emits `dies` into contexts from `make` until one finishes: a pass
/// whose roots failed leaves the context with unfinished types, so the
/// next pass skips every type DIE that reaches a refused one (at most six
/// passes). The summary is the last pass's, with every pass's refusals.
/// `linkage_names`: the backend writes linkage names of unnamed types.
pub fn reemit<B: Backend>(
    dies: &Dies,
    (verbose, linkage_names): (bool, bool),
    make: &mut dyn FnMut(&CompileUnit) -> Result<DebugContext<B>, Error>,
    storage: &mut Storage<'_, B>,
) -> (Result<B::Output, Error>, Summary) {
    let mut seeds: HashSet<u64> = HashSet::new();
    let mut skip: HashSet<u64> = HashSet::new();
    let mut refused: BTreeMap<u64, String> = BTreeMap::new();
    let mut samples = Vec::new();
    let mut graph = None;
    let mut last = Err(Error::new(dwarfsmith::ErrorKind::Backend, "no pass ran"));
    let mut sum = Summary::default();
    for pass in 1..=6 {
        sum = Summary {
            dies: dies.order.len(),
            passes: pass,
            ..Summary::default()
        };
        let mut src = DieSource::new(dies);
        src.verbose = verbose;
        src.linkage_names = linkage_names;
        src.poisoned = skip.clone();
        let result = make(&unit(dies)).and_then(|mut cx| {
            let failed = drive(&mut cx, &mut src, &skip, &mut sum, storage)?;
            Ok((cx, failed))
        });
        sum.dropped = std::mem::take(&mut src.dropped);
        samples.append(&mut sum.samples);
        let (cx, failed) = match result {
            Ok(r) => r,
            Err(e) => {
                samples.push(format!("fatal: {e}"));
                last = Err(e);
                break;
            }
        };
        if failed.is_empty() {
            last = cx.finish();
            if let Err(e) = &last {
                samples.push(format!("finish (pass {pass}): {e}"));
            }
            break;
        }
        for f in failed {
            // The root itself only when the error names no other culprit
            // (or a pass has already failed with these seeds).
            if f.culprits.is_empty() || pass >= 3 {
                seeds.insert(f.root);
            }
            seeds.extend(f.culprits);
            refused.entry(f.root).or_insert(f.reason);
        }
        seeds.extend(src.refused.keys().copied());
        let g = graph.get_or_insert_with(|| crate::poison::referrers(&src));
        skip = crate::poison::closure(g, &seeds);
        last = Err(Error::new(
            dwarfsmith::ErrorKind::IncompleteStub,
            "types were still refused after six passes",
        ));
    }
    for r in refused.into_values() {
        *sum.errors.entry(r).or_default() += 1;
    }
    if let Err(e) = &last {
        *sum.errors
            .entry(format!("unfinished: {:?}", e.kind()))
            .or_default() += 1;
    }
    sum.samples = samples;
    (last, sum)
}
