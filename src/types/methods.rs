//! Method declarations of structs, classes and tagged unions: their
//! resolved signatures and template parameters, and the backend's view of
//! them (`MethodInfo`).

#![forbid(unsafe_code)]

use super::{TypeEnv, TypeMap};
use crate::backend::{Backend, DeclSite, DiscrValue, MethodInfo, TemplateParamInfo, TypeIdx};
use crate::desc::{MethodDesc, TypeSource};
use crate::error::Result;

/// A method declaration's resolved types.
pub(super) struct Method {
    ret: Option<TypeIdx>,
    params: Vec<TypeIdx>,
    this: Option<TypeIdx>,
    decl: Option<DeclSite>,
    template_params: Vec<(TypeIdx, Option<DiscrValue>)>,
}

impl TypeMap {
    /// Resolves the types of the methods declared in composite or tagged
    /// union `n` and their declaration sites; records how many there are,
    /// so a definition's `method_of` index can be checked.
    pub(super) fn methods<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        ms: &[MethodDesc],
    ) -> Result<Vec<Method>> {
        let mut out = Vec::with_capacity(ms.len());
        for m in ms {
            let ret = m
                .ret
                .map(|t| self.member_type(env, source, t))
                .transpose()?;
            // Returning `void` itself is returning nothing.
            let ret = ret.filter(|r| !self.nodes[r.index()].is_void);
            let mut params = Vec::with_capacity(m.params.len());
            for &p in &m.params {
                let p = self.member_type(env, source, p)?;
                self.not_void(p, &format!("a parameter of method `{}`", m.name))?;
                params.push(p);
            }
            let this = m
                .this
                .map(|t| self.member_type(env, source, t))
                .transpose()?;
            if let Some(t) = this {
                self.not_void(t, &format!("`this` of method `{}`", m.name))?;
            }
            let decl = env.decl(m.decl)?;
            let template_params = self.template_params(env, source, &m.template_params)?;
            out.push(Method {
                ret,
                params,
                this,
                decl,
                template_params,
            });
        }
        self.nodes[n.index()].methods = u32::try_from(ms.len()).unwrap_or(u32::MAX);
        for (i, m) in ms.iter().enumerate() {
            if m.variadic {
                self.variadic_methods
                    .insert((n, u32::try_from(i).unwrap_or(u32::MAX)));
            }
        }
        Ok(out)
    }

    /// The backend's view of resolved methods.
    pub(super) fn method_infos<'a>(
        ms: &'a [MethodDesc],
        resolved: &'a [Method],
        tparams: &'a [Vec<TemplateParamInfo<'a>>],
    ) -> Vec<MethodInfo<'a>> {
        ms.iter()
            .zip(resolved)
            .zip(tparams)
            .map(|((d, m), tparams)| MethodInfo {
                name: &d.name,
                linkage_name: d.linkage_name.as_deref(),
                ret: m.ret,
                params: &m.params,
                this: m.this,
                access: d.access,
                virtuality: d.virtuality,
                artificial: d.artificial,
                decl: m.decl,
                template_params: tparams,
                variadic: d.variadic,
                artificial_params: &d.artificial_params,
                explicit: d.explicit,
            })
            .collect()
    }

    /// The backend's view of each resolved method's template parameters
    /// (borrowed by [`Self::method_infos`]).
    pub(super) fn method_template_infos<'a>(
        ms: &'a [MethodDesc],
        resolved: &[Method],
    ) -> Vec<Vec<TemplateParamInfo<'a>>> {
        ms.iter()
            .zip(resolved)
            .map(|(d, m)| Self::template_infos(&d.template_params, &m.template_params))
            .collect()
    }
}
