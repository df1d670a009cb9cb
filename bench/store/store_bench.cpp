// Store benchmark: single-document upserts per second (one call each, and batched through
// update_each), and find_one by an indexed field (p50/p99 latency), on any store URI.
//
//   store_bench <uri> [--docs N] [--batch B] [--finds F]
//
// Prints one JSON object. Upserts run on keys 0..N/2-1 twice (the first pass inserts, the second
// updates), each `{$set: {name, seen}, $inc: {visits: 1}}` filtered on the indexed field `tg_id`.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "corebot/store.hpp"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

json::object upsert_filter(std::int64_t key) { return {{"tg_id", key}}; }
json::object upsert_update(std::int64_t i) {
  return {{"$set", {{"name", "user " + std::to_string(i)}, {"seen", i}}},
          {"$inc", {{"visits", 1}}}};
}

corebot::Collection& fresh(corebot::DocumentStore& store, const std::string& name) {
  store.drop_collection(name);
  auto& coll = store.collection(name);
  coll.create_index({"tg_id", false});
  return coll;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: store_bench <uri> [--docs N] [--batch B] [--finds F]\n";
    return 2;
  }
  const std::string uri = argv[1];
  std::int64_t docs = 2000;
  std::int64_t batch = 100;
  std::int64_t finds = 2000;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::int64_t value = std::atoll(argv[i + 1]);
    if (flag == "--docs") docs = value;
    if (flag == "--batch") batch = value;
    if (flag == "--finds") finds = value;
  }
  if (docs < 2 || batch < 1 || finds < 1) {
    std::cerr << "store_bench: --docs >= 2, --batch >= 1, --finds >= 1\n";
    return 2;
  }
  try {
    auto store = corebot::open_store(uri);
    const std::int64_t keys = docs / 2;

    auto& single = fresh(*store, "bench.single");
    auto start = Clock::now();
    for (std::int64_t i = 0; i < docs; ++i) {
      single.update_one(upsert_filter(i % keys), upsert_update(i), {.upsert = true});
    }
    const double single_rate = static_cast<double>(docs) / seconds_since(start);

    auto& batched = fresh(*store, "bench.batched");
    start = Clock::now();
    for (std::int64_t first = 0; first < docs; first += batch) {
      std::vector<corebot::UpdateSpec> specs;
      for (std::int64_t i = first; i < std::min(docs, first + batch); ++i) {
        specs.push_back({upsert_filter(i % keys), upsert_update(i), true});
      }
      batched.update_each(specs);
    }
    const double batched_rate = static_cast<double>(docs) / seconds_since(start);
    if (batched.count({}) != keys || single.count({}) != keys) {
      std::cerr << "store_bench: unexpected document count\n";
      return 1;
    }

    std::mt19937_64 rng(42);
    std::uniform_int_distribution<std::int64_t> pick(0, keys - 1);
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(finds));
    for (std::int64_t i = 0; i < finds; ++i) {
      const auto t = Clock::now();
      const auto doc = single.find_one(upsert_filter(pick(rng)));
      micros.push_back(seconds_since(t) * 1e6);
      if (!doc) {
        std::cerr << "store_bench: a document is missing\n";
        return 1;
      }
    }
    std::sort(micros.begin(), micros.end());
    auto percentile = [&](double p) {
      return micros[std::min(micros.size() - 1, static_cast<std::size_t>(p * micros.size()))];
    };
    store->drop_collection("bench.single");
    store->drop_collection("bench.batched");

    const json::object out{
        {"backend", store->health().backend},
        {"docs", docs},
        {"keys", keys},
        {"batch", batch},
        {"finds", finds},
        {"upserts_per_s_one_by_one", std::llround(single_rate)},
        {"upserts_per_s_batched", std::llround(batched_rate)},
        {"find_indexed_p50_us", std::llround(percentile(0.50))},
        {"find_indexed_p99_us", std::llround(percentile(0.99))},
    };
    std::cout << json::serialize(out) << "\n";
  } catch (const corebot::StoreError& e) {
    std::cerr << "store_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
