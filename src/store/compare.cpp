#include "store/compare.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace corebot::store {
namespace json = boost::json;

TypeRank type_rank(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return TypeRank::kNull;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return TypeRank::kNumber;
    case json::kind::string:
      return TypeRank::kString;
    case json::kind::object:
      return TypeRank::kObject;
    case json::kind::array:
      return TypeRank::kArray;
    case json::kind::bool_:
      return TypeRank::kBool;
  }
  return TypeRank::kNull;
}

namespace {

__extension__ typedef __int128 Int128;  // exact for every int64 and uint64

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Exact comparison of an integer with a double (no rounding through a cast of the integer).
// NaN sorts below every number, as in MongoDB.
int compare_int_double(Int128 i, double d) {
  if (std::isnan(d)) return 1;
  constexpr double kTwo64 = 18446744073709551616.0;
  if (d >= kTwo64) return -1;
  if (d < -kTwo64) return 1;
  const double whole = std::trunc(d);
  const auto t = static_cast<Int128>(whole);
  if (i != t) return i < t ? -1 : 1;
  const double frac = d - whole;
  return frac > 0 ? -1 : (frac < 0 ? 1 : 0);
}

int compare_numbers(const json::value& a, const json::value& b) {
  const bool a_double = a.is_double();
  const bool b_double = b.is_double();
  if (a_double && b_double) {
    const double x = a.get_double();
    const double y = b.get_double();
    if (std::isnan(x) || std::isnan(y)) return three_way(!std::isnan(x), !std::isnan(y));
    return three_way(x, y);
  }
  auto as_int = [](const json::value& v) -> Int128 {
    return v.is_int64() ? static_cast<Int128>(v.get_int64()) : static_cast<Int128>(v.get_uint64());
  };
  if (!a_double && !b_double) return three_way(as_int(a), as_int(b));
  if (a_double) return -compare_int_double(as_int(b), a.get_double());
  return compare_int_double(as_int(a), b.get_double());
}

int compare_objects(const json::object& a, const json::object& b) {
  auto ia = a.begin();
  auto ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    int c = three_way(static_cast<int>(type_rank(ia->value())),
                      static_cast<int>(type_rank(ib->value())));
    if (c != 0) return c;
    c = ia->key().compare(ib->key());
    if (c != 0) return c < 0 ? -1 : 1;
    c = compare_values(ia->value(), ib->value());
    if (c != 0) return c;
  }
  return three_way(ia != a.end(), ib != b.end());
}

int compare_arrays(const json::array& a, const json::array& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int c = compare_values(a[i], b[i]);
    if (c != 0) return c;
  }
  return three_way(a.size(), b.size());
}

}  // namespace

int compare_values(const json::value& a, const json::value& b) {
  const TypeRank ra = type_rank(a);
  const TypeRank rb = type_rank(b);
  if (ra != rb) return three_way(static_cast<int>(ra), static_cast<int>(rb));
  switch (ra) {
    case TypeRank::kNull:
      return 0;
    case TypeRank::kNumber:
      return compare_numbers(a, b);
    case TypeRank::kString: {
      // Byte-wise (UTF-8 code unit) order, MongoDB's default "simple" collation.
      const int c = a.get_string().subview().compare(b.get_string().subview());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeRank::kObject:
      return compare_objects(a.get_object(), b.get_object());
    case TypeRank::kArray:
      return compare_arrays(a.get_array(), b.get_array());
    case TypeRank::kBool:
      return three_way(a.get_bool(), b.get_bool());
  }
  return 0;
}

}  // namespace corebot::store
