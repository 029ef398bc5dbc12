//! Namespace registration of [`DebugContext`]: plain and C++ inline
//! namespaces.

#![forbid(unsafe_code)]

use super::DebugContext;
use crate::backend::{Backend, NamespaceIdx};
use crate::check::check_name;
use crate::error::Result;
use crate::handles::NamespaceId;

impl<B: Backend> DebugContext<B> {
    /// A C++ inline namespace (`inline namespace __cxx11`), written with
    /// `DW_AT_export_symbols`: lldb leaves it out of the names of the types
    /// in it (`std::basic_string<char>`), as it does for g++'s output. Like
    /// [`namespace`](Self::namespace), the same parent and name give the
    /// same namespace; registering one namespace both inline and not is
    /// `ConflictingDescription`.
    pub fn inline_namespace(
        &mut self,
        parent: Option<NamespaceId>,
        name: &str,
    ) -> Result<NamespaceId> {
        self.namespace_with(parent, name, true)
    }

    /// Registers (or finds) namespace `name` in `parent`.
    pub(super) fn namespace_with(
        &mut self,
        parent: Option<NamespaceId>,
        name: &str,
        inline: bool,
    ) -> Result<NamespaceId> {
        self.live()?;
        check_name("namespace name", name)?;
        let parent = match parent {
            Some(p) => Some(NamespaceIdx(
                p.check(self.id, self.scopes.namespace_count())? as u32,
            )),
            None => None,
        };
        let ns = self
            .scopes
            .namespace(&mut self.backend, parent, name, inline)?;
        Ok(NamespaceId::new(self.id, ns.index()))
    }
}
