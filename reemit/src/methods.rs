//! Method declarations of class and Rust enum DIEs: signatures, artificial
//! and variadic parameters, vtable slots, and template parameters (type,
//! value, defaulted, GNU packs), merged over every unit's copy of a type.

use dwarfsmith::{FrontendTy, MethodDesc, TemplateParam, Virtuality};
use gimli::constants as dw;

use crate::composite::{access, uleb};
use crate::dies::{Die, Val};
use crate::source::DieSource;

impl DieSource<'_> {
    /// The methods declared in every unit's copy of the type at `off`
    /// (rustc declares in each unit only the methods that unit uses), in
    /// first-seen order, each once (by name and linkage name).
    pub(crate) fn methods(&mut self, off: u64) -> Result<Vec<MethodDesc>, String> {
        let copies = self.copies(off);
        let group = copies.first().copied().unwrap_or(off);
        if let Some(m) = self.methods_of.get(&group) {
            return Ok(m.clone());
        }
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for copy in copies {
            let d = self.die(copy)?;
            for &co in &d.children {
                let m = self.die(co)?;
                if m.tag != dw::DW_TAG_subprogram || m.name().is_none() {
                    continue;
                }
                // Overloads without a linkage name (g++'s member template
                // instances) differ in their parameters.
                let sig = match m.str(dw::DW_AT_linkage_name) {
                    Some(_) => String::new(),
                    None => self.signature(m),
                };
                let id = (m.name(), m.str(dw::DW_AT_linkage_name), sig);
                if seen.insert(id) {
                    let first = !self.methods_read.contains(&co);
                    let method = self.method(co, m)?;
                    let mut refs = method.ret.iter().chain(&method.params).chain(&method.this);
                    if refs.any(|t| self.poisoned.contains(&t.0)) {
                        self.drop_part_if(first, "method whose signature refers to a refused type");
                    } else {
                        out.push(method);
                    }
                }
            }
        }
        self.methods_of.insert(group, out.clone());
        Ok(out)
    }

    /// A method's parameter types (`this` included) as text: the same in
    /// every unit's copy.
    fn signature(&self, m: &Die) -> String {
        let mut out = String::new();
        for &p in &m.children {
            if let Some(pd) = self.dies.map.get(&p) {
                if pd.tag == dw::DW_TAG_formal_parameter {
                    out.push_str(&self.type_text(pd.reference(dw::DW_AT_type), 8));
                    out.push(',');
                }
            }
        }
        out
    }

    /// The type at `off` as text: a named type by its qualified name, an
    /// unnamed one by its tag and target (to `depth` levels).
    fn type_text(&self, off: Option<u64>, depth: u32) -> String {
        let Some(d) = off.and_then(|o| self.dies.map.get(&o)) else {
            return "void".into();
        };
        match (d.name(), off) {
            (Some(_), Some(o)) => format!("{}:{}", d.tag, self.qualified(o)),
            _ if depth == 0 => d.tag.to_string(),
            _ => format!(
                "{}({})",
                d.tag,
                self.type_text(d.reference(dw::DW_AT_type), depth - 1)
            ),
        }
    }

    /// A method declaration; its unexpressed parts are counted the first
    /// time the DIE at `off` is read (every copy of a type reads them all).
    fn method(&mut self, off: u64, m: &Die) -> Result<MethodDesc, String> {
        let first = self.methods_read.insert(off);
        let name = m.name().ok_or("method without a name")?.to_string();
        let mut this = None;
        let mut params = Vec::new();
        let mut artificial_params = Vec::new();
        let mut variadic = false;
        let mut template_params = Vec::new();
        for &p in &m.children {
            let pd = self.die(p)?;
            match pd.tag {
                dw::DW_TAG_formal_parameter
                    if pd.flag(dw::DW_AT_artificial) && this.is_none() && params.is_empty() =>
                {
                    this = Some(self.type_of(pd, "this parameter")?)
                }
                dw::DW_TAG_formal_parameter => {
                    if pd.flag(dw::DW_AT_artificial) {
                        // g++'s `__in_chrg` and `__vtt_parm`.
                        artificial_params.push(params.len());
                    }
                    params.push(self.type_of(pd, "parameter")?)
                }
                dw::DW_TAG_unspecified_parameters => variadic = true,
                dw::DW_TAG_template_type_parameter
                | dw::DW_TAG_template_value_parameter
                | dw::DW_TAG_GNU_template_parameter_pack => {
                    template_params.extend(self.template_param(pd, first)?)
                }
                t if crate::emit::is_type(t) => {}
                t => self.drop_part_if(first, format!("method child {t}")),
            }
        }
        let slot = match m.attr(dw::DW_AT_vtable_elem_location) {
            Some(Val::Bytes(b)) if b.first() == Some(&dw::DW_OP_constu.0) => {
                let mut i = 1;
                uleb(b, &mut i).and_then(|v| u32::try_from(v).ok())
            }
            _ => None,
        };
        let virtuality = match (m.udata(dw::DW_AT_virtuality), slot) {
            (None | Some(0), _) => Virtuality::None,
            (Some(2), Some(s)) => Virtuality::PureVirtual(s),
            (Some(2), None) => Virtuality::PureVirtualWithoutSlot,
            (Some(_), Some(s)) => Virtuality::Virtual(s),
            (Some(_), None) => Virtuality::VirtualWithoutSlot,
        };
        Ok(MethodDesc {
            name,
            linkage_name: m
                .str(dw::DW_AT_linkage_name)
                .or(m.str(dw::DW_AT_MIPS_linkage_name))
                .map(str::to_string),
            ret: m.reference(dw::DW_AT_type).map(FrontendTy),
            params,
            this,
            access: access(m),
            virtuality,
            artificial: m.flag(dw::DW_AT_artificial),
            decl: None,
            template_params,
            variadic,
            artificial_params,
            explicit: m.flag(dw::DW_AT_explicit),
        })
    }

    /// A template parameter DIE: a type or value parameter (defaulted with
    /// `DW_AT_default_value`) or a GNU parameter pack of them; what it
    /// cannot express is counted when `first` (a method's parameters are
    /// read once per copy of its type).
    pub(crate) fn template_param(
        &mut self,
        m: &Die,
        first: bool,
    ) -> Result<Option<TemplateParam>, String> {
        let name = m.name().unwrap_or("").to_string();
        if m.tag == dw::DW_TAG_GNU_template_parameter_pack {
            let mut args = Vec::with_capacity(m.children.len());
            for &a in &m.children {
                let a = self.die(a)?;
                match a.tag {
                    dw::DW_TAG_template_type_parameter | dw::DW_TAG_template_value_parameter => {
                        match self.template_param(a, first)? {
                            Some(p) => args.push(p),
                            // An argument that cannot be described: the
                            // pack would name another instance.
                            None => return Ok(None),
                        }
                    }
                    t => self.drop_part_if(first, format!("template parameter pack child {t}")),
                }
            }
            return Ok(Some(TemplateParam::Pack { name, args }));
        }
        let ty = self.type_or_void(m);
        if self.poisoned.contains(&ty.0) {
            self.drop_part_if(first, "template parameter whose argument is a refused type");
            return Ok(None);
        }
        let p = if m.tag == dw::DW_TAG_template_type_parameter {
            TemplateParam::Type { name, ty }
        } else {
            let size = self.size_of(ty.0).unwrap_or(8);
            let signed = self.signed(ty.0);
            match m
                .attr(dw::DW_AT_const_value)
                .and_then(|v| DieSource::bits(v, signed, size))
            {
                Some(value) => TemplateParam::Value { name, ty, value },
                None => {
                    self.drop_part_if(first, "template value parameter without DW_AT_const_value");
                    return Ok(None);
                }
            }
        };
        Ok(Some(if m.flag(dw::DW_AT_default_value) {
            p.defaulted()
        } else {
            p
        }))
    }
}
