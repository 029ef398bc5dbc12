// Template parameter packs and defaulted template arguments, as g++ writes
// them (DW_TAG_GNU_template_parameter_pack, DW_AT_default_value); read by
// tests/cxx_templates.rs.
template <class T, class U = int> struct Def { T t; U u; };
template <class T, int N = 3> struct Arr { T a[N]; };
template <class... Ts> struct Pack { int n; };
template <int... Ns> struct VPack { int n; };
Def<char> df;
Def<char, long> dl;
Arr<short> ar;
Pack<int, char> pk;
Pack<> p0;
VPack<1, 2, 3> vp;
