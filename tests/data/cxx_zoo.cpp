struct Flags { unsigned a : 3; unsigned b : 5; int c; };
struct WithAnon { int tag; union { int i; float f; }; };
struct Flex { int n; int data[]; };
struct Outer { struct Inner { int x; }; Inner in; };
enum class Color : unsigned char { Red = 1, Green = 2 };
class Shape {
public:
  virtual double area();
  static int count;
  int id;
protected:
  int prot;
private:
  int priv;
};
double Shape::area() { return 0; }
int Shape::count = 3;
class Circle : public Shape { public: double r; double area(); };
double Circle::area() { return r; }
struct V { int v; };
struct D : virtual V { int d; };
template <typename T, int N> struct Arr { T items[N]; };
Flags flags; WithAnon wa; Flex flex; Outer outer; Color color; Circle circle; D dd; Arr<int, 4> arr;
const volatile int cvi = 1; int grid[2][3]; int (*vf)(int, ...);
int &ref = grid[0][0]; int &&rref = 5;
class Holder { public: typedef int count_t; count_t c; private: typedef double real_t; real_t r; };
Holder holder;
int Shape::*pm = &Shape::id;
enum class Opaque : int;
Opaque *op;
_Complex double cd;
// Member templates, variadic methods, virtual destructors (no vtable slot)
// and constructors/destructors with g++'s __in_chrg and __vtt_parm.
struct Tmpl { int x; template <typename U, int N> U get(U u) const { return u + N + x; } };
long tmpl_use(Tmpl &t) { return t.get<long, 3>(4L); }
struct Va { int n; int sum(int n, ...); };
int Va::sum(int n, ...) { return n; }
typedef int (Va::*va_pmf)(int, ...);
struct VB { int v; virtual ~VB(); };
VB::~VB() {}
struct VD : virtual VB { int d; VD(); ~VD(); };
VD::VD() : d(1) {}
VD::~VD() {}
Tmpl tmpl; Va va; va_pmf vpm = &Va::sum; VD vd;
void *vp; const void *cvp; typedef void vtype; vtype *vtp;
decltype(nullptr) np;
typedef struct { int quot; int rem; } div_like; div_like dl;
class Order { public: typedef int a_t; typedef double b_t; a_t a; b_t b; };
Order::b_t ob; Order order;
// An explicit constructor and an explicit conversion operator (DW_AT_explicit).
struct Ex { int v; explicit Ex(int x); explicit operator bool() const; };
Ex::Ex(int x) : v(x) {}
Ex::operator bool() const { return v != 0; }
Ex ex(1);
