// A DocumentStore whose every operation fails as an unreachable backend does, for the paths that
// must survive a store that is down (sessions, leads, users). `failures` counts the attempts.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "corebot/store.hpp"

namespace corebot::testing {

class FailingCollection final : public Collection {
 public:
  explicit FailingCollection(std::atomic<int>& failures) : failures_(failures) {}
  const std::string& name() const override { return name_; }
  boost::json::value insert_one(boost::json::object) override { fail(); }
  std::vector<boost::json::value> insert_many(std::vector<boost::json::object>) override { fail(); }
  std::vector<boost::json::object> find(const boost::json::object&, const FindOptions&) override {
    fail();
  }
  std::optional<boost::json::object> find_one(const boost::json::object&,
                                              const FindOptions&) override {
    fail();
  }
  std::unique_ptr<Cursor> find_cursor(const boost::json::object&, const FindOptions&) override {
    fail();
  }
  std::int64_t count(const boost::json::object&) override { fail(); }
  UpdateResult update_one(const boost::json::object&, const boost::json::object&,
                          const UpdateOptions&) override {
    fail();
  }
  UpdateResult update_many(const boost::json::object&, const boost::json::object&,
                           const UpdateOptions&) override {
    fail();
  }
  std::vector<UpdateResult> update_each(const std::vector<UpdateSpec>&) override { fail(); }
  UpdateResult replace_one(const boost::json::object&, boost::json::object,
                           const UpdateOptions&) override {
    fail();
  }
  std::int64_t delete_one(const boost::json::object&) override { fail(); }
  std::int64_t delete_many(const boost::json::object&) override { fail(); }
  void create_index(const IndexSpec&) override { fail(); }

 private:
  [[noreturn]] void fail() {
    ++failures_;
    throw StoreError(StoreErrorKind::kUnavailable, name_, "", "the database is unreachable");
  }
  std::atomic<int>& failures_;
  std::string name_ = "any";
};

class FailingStore final : public DocumentStore {
 public:
  Collection& collection(std::string_view) override { return collection_; }
  std::vector<std::string> list_collections() override { return {}; }
  void drop_collection(std::string_view) override {}
  std::atomic<int> failures{0};

 private:
  FailingCollection collection_{failures};
};

}  // namespace corebot::testing
