//! The GDB JIT interface (gdb manual, "JIT Compilation Interface"; lldb's
//! `plugin.jit-loader.gdb`): a descriptor the debugger finds by its symbol
//! name, a doubly linked list of in-memory object files, and a function the
//! debugger puts a breakpoint on, called after every change to the list.
//!
//! The only `unsafe` of the `jit` module is here: the descriptor is a
//! `static mut` the debugger reads by name, and the list holds raw pointers.
//! Every access goes through [`LOCK`], so the list is only changed by one
//! thread at a time, and an entry lives (boxed, never moved) until it is
//! unlinked.

#![allow(unsafe_code)]

use std::ptr;
use std::sync::Mutex;

use crate::error::{err, ErrorKind, Result};

const JIT_NOACTION: u32 = 0;
const JIT_REGISTER_FN: u32 = 1;
const JIT_UNREGISTER_FN: u32 = 2;

/// One registered object file (the interface's `struct jit_code_entry`).
#[repr(C)]
struct JitCodeEntry {
    next_entry: *mut JitCodeEntry,
    prev_entry: *mut JitCodeEntry,
    symfile_addr: *const u8,
    symfile_size: u64,
}

/// The interface's `struct jit_descriptor`.
#[repr(C)]
pub struct JitDescriptor {
    version: u32,
    action_flag: u32,
    relevant_entry: *mut JitCodeEntry,
    first_entry: *mut JitCodeEntry,
}

/// The descriptor debuggers read (by this name; version 1).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static mut __jit_debug_descriptor: JitDescriptor = JitDescriptor {
    version: 1,
    action_flag: JIT_NOACTION,
    relevant_entry: ptr::null_mut(),
    first_entry: ptr::null_mut(),
};

/// Debuggers put a breakpoint here; it is called after each change to the
/// descriptor. Never inlined, and its empty `asm!` is an opaque side effect,
/// so neither the function nor a call to it is optimized away.
#[no_mangle]
#[inline(never)]
pub extern "C" fn __jit_debug_register_code() {
    // SAFETY: an empty assembly block: it reads and writes nothing; it only
    // keeps the compiler from treating the function as removable.
    unsafe { std::arch::asm!("", options(nostack, preserves_flags)) };
}

/// Entry addresses, for [`announce_foreign_entries`].
struct Entries {
    /// Linked by this module (live `Registered`s).
    own: Vec<usize>,
    /// Linked by another JIT and announced already.
    announced: Vec<usize>,
}

/// Serializes every change to the descriptor and its list.
static LOCK: Mutex<Entries> = Mutex::new(Entries {
    own: Vec::new(),
    announced: Vec::new(),
});

/// An image linked into the descriptor's list; unlinked on drop.
pub(super) struct Registered {
    entry: *mut JitCodeEntry,
    bytes: Box<[u8]>,
}

// SAFETY: the entry is owned by this value alone (the debugger only reads
// it while the process is stopped); the list it is linked into is only
// changed under LOCK, from whichever thread drops or creates a Registered.
unsafe impl Send for Registered {}
// SAFETY: shared references only read `bytes`; the entry is not touched
// through `&Registered`.
unsafe impl Sync for Registered {}

impl Registered {
    /// Links `bytes` (an ELF file) at the head of the list and tells the
    /// debugger.
    pub(super) fn new(bytes: Box<[u8]>) -> Result<Registered> {
        let Ok(mut entries) = LOCK.lock() else {
            return err(
                ErrorKind::Backend,
                "the JIT registration lock is poisoned (a thread panicked while registering): the debugger's list may be inconsistent",
            );
        };
        let entry = Box::into_raw(Box::new(JitCodeEntry {
            next_entry: ptr::null_mut(),
            prev_entry: ptr::null_mut(),
            symfile_addr: bytes.as_ptr(),
            symfile_size: bytes.len() as u64,
        }));
        // SAFETY: LOCK is held, so nothing else reads or writes the
        // descriptor or the list; `entry` is a fresh, valid allocation and
        // the old head (if any) is a live entry owned by another Registered
        // (entries are unlinked before they are freed).
        unsafe {
            let d = &raw mut __jit_debug_descriptor;
            let head = (*d).first_entry;
            (*entry).next_entry = head;
            if !head.is_null() {
                (*head).prev_entry = entry;
            }
            (*d).first_entry = entry;
            (*d).relevant_entry = entry;
            (*d).action_flag = JIT_REGISTER_FN;
            __jit_debug_register_code();
            (*d).action_flag = JIT_NOACTION;
        }
        entries.own.push(entry as usize);
        Ok(Registered { entry, bytes })
    }

    /// The registered ELF file.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Announces (action `JIT_REGISTER_FN`, then a call of
/// `__jit_debug_register_code`) every entry of the list this module did not
/// link and has not announced yet; returns how many. Such entries come from
/// another JIT in the process whose own copy of the interface resolved its
/// descriptor to this one (an executable's exported data symbol interposes
/// a shared library's) but calls its own `__jit_debug_register_code`, so a
/// debugger that follows only this copy (lldb) never hears of them.
pub(super) fn announce_foreign_entries() -> usize {
    let mut entries = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let mut n = 0;
    // SAFETY: LOCK is held, so this module changes nothing meanwhile; the
    // caller guarantees (see `jit::announce_foreign_registrations`) that
    // the other JIT is not changing the list now. Entries are only read,
    // and the descriptor's action fields written, as the protocol allows.
    unsafe {
        let d = &raw mut __jit_debug_descriptor;
        let mut e = (*d).first_entry;
        let mut steps = 0usize;
        while !e.is_null() && steps < 1 << 20 {
            steps += 1;
            let addr = e as usize;
            if !entries.own.contains(&addr) && !entries.announced.contains(&addr) {
                (*d).relevant_entry = e;
                (*d).action_flag = JIT_REGISTER_FN;
                __jit_debug_register_code();
                (*d).action_flag = JIT_NOACTION;
                entries.announced.push(addr);
                n += 1;
            }
            e = (*e).next_entry;
        }
    }
    n
}

impl Drop for Registered {
    fn drop(&mut self) {
        // A poisoned lock still excludes other threads; unlink regardless,
        // since freeing a linked entry would leave the debugger a dangling
        // pointer.
        let mut entries = LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let addr = self.entry as usize;
        entries.own.retain(|&a| a != addr);
        // SAFETY: LOCK is held; `self.entry` came from Box::into_raw in
        // `new` and is still linked (only this drop unlinks it); its
        // neighbours are live linked entries. After unlinking, no pointer
        // to it remains in the list, so it is freed exactly once.
        unsafe {
            let d = &raw mut __jit_debug_descriptor;
            let e = self.entry;
            let prev = (*e).prev_entry;
            let next = (*e).next_entry;
            if prev.is_null() {
                (*d).first_entry = next;
            } else {
                (*prev).next_entry = next;
            }
            if !next.is_null() {
                (*next).prev_entry = prev;
            }
            (*d).relevant_entry = e;
            (*d).action_flag = JIT_UNREGISTER_FN;
            __jit_debug_register_code();
            (*d).action_flag = JIT_NOACTION;
            (*d).relevant_entry = ptr::null_mut();
            drop(Box::from_raw(e));
        }
    }
}
