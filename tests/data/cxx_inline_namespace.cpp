// An inline namespace, as libstdc++'s std::__cxx11: g++ marks it
// DW_AT_export_symbols; read by tests/cxx_inline_namespace.rs.
namespace lib {
inline namespace v1 {
struct Widget { int x; };
}
}
struct Holder { lib::Widget w; lib::Widget *p; };
Holder h;
