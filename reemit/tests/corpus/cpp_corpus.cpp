// Corpus for the re-emission test: libstdc++ and C++'s class features.
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace zoo {

enum class Kind : unsigned char { Cat = 1, Dog = 2, Bird = 200 };

class Animal {
  public:
    Animal(int legs) : legs_(legs) {}
    virtual ~Animal() {}
    virtual int speak() const = 0;
    int legs() const { return legs_; }
    static int count;
    static const int max_legs = 8;

  protected:
    int legs_;

  private:
    unsigned flags_ : 3;
    unsigned more_ : 5;
};

int Animal::count = 0;

class Cat : public Animal {
  public:
    Cat() : Animal(4) {}
    int speak() const override { return 1; }
    struct Whisker {
        float length;
    };
    Whisker whiskers[4];
};

struct Base1 { int a; };
struct Base2 : virtual Base1 { int b; };
struct Base3 : virtual Base1 { int c; };
struct Diamond : Base2, Base3 { int d; };

template <typename T, int N> struct Buffer {
    T items[N];
    int used;
    T &at(int i) { return items[i]; }
};

struct Refs {
    int &ref;
    int &&rref;
    const std::string &name;
};

} // namespace zoo

int use(void *p) { return p != nullptr; }

int main() {
    std::vector<int> v{1, 2, 3};
    std::map<std::string, double> m{{"a", 1.0}};
    std::string s = "hello";
    std::variant<int, std::string, double> var = 2.5;
    std::function<int(int)> fn = [](int x) { return x * 2; };
    std::unique_ptr<zoo::Cat> cat = std::make_unique<zoo::Cat>();
    std::shared_ptr<zoo::Animal> animal = std::make_shared<zoo::Cat>();
    zoo::Diamond d;
    zoo::Buffer<long, 4> buf{};
    zoo::Kind k = zoo::Kind::Bird;
    int x = 1;
    zoo::Refs refs{x, std::move(x), s};
    int total = use(&v) + use(&m) + use(&s) + use(&var) + fn(2) + use(&cat) + use(&animal) +
                use(&d) + use(&buf) + use(&k) + use(&refs) + cat->speak() + buf.at(0);
    std::printf("%d\n", total);
    return 0;
}
