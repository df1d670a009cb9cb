// MongoDB's ordering of values across types, for JSON: null < numbers < strings < objects < arrays
// < booleans. Numbers compare by value whatever their representation (int64, uint64, double).
#pragma once

#include <boost/json.hpp>

namespace corebot::store {

// The canonical type rank: values of different ranks never match a range operator ($gt on a
// number never matches a string), and sort by rank.
enum class TypeRank { kNull = 0, kNumber = 1, kString = 2, kObject = 3, kArray = 4, kBool = 5 };

TypeRank type_rank(const boost::json::value& v);

// <0, 0, >0. Objects compare field by field (rank, name, value), arrays element by element.
int compare_values(const boost::json::value& a, const boost::json::value& b);

inline bool values_equal(const boost::json::value& a, const boost::json::value& b) {
  return compare_values(a, b) == 0;
}

}  // namespace corebot::store
