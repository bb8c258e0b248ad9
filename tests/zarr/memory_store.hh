// An in-memory Store for unit tests. Its puts can be held at a gate (a slow
// store, a store that hangs) or made to fail, key by key.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "zarr/error.hh"
#include "zarr/store.hh"

namespace zarr::testing {

using KeyFilter = std::function<bool(const std::string& key)>;

// Chunk and shard keys, not metadata (".zarray", ".zattrs", "zarr.json"...).
inline bool is_chunk_key(const std::string& key) {
  const std::string name = key.substr(key.rfind('/') + 1);
  return !name.empty() && name[0] != '.' && name != "zarr.json";
}

class MemoryStore : public Store {
 public:
  void put_parts(const std::string& key, std::span<const std::span<const std::byte>> parts) override {
    std::unique_lock lock(mutex_);
    if (held_ && held_(key)) {
      ++waiting_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !held_ || !held_(key); });
      --waiting_;
    }
    if (failing_ && failing_(key)) throw Error(ErrorCode::write_failed, "cannot write memory:" + key, "memory:" + key);
    std::vector<std::byte>& value = values_[key];
    value.clear();
    for (const auto& part : parts) value.insert(value.end(), part.begin(), part.end());
    ++puts_;
    changed_.notify_all();
  }
  std::optional<std::vector<std::byte>> get(const std::string& key) const override {
    std::lock_guard lock(mutex_);
    const auto found = values_.find(key);
    if (found == values_.end()) return std::nullopt;
    return found->second;
  }
  std::vector<std::string> list(const std::string& prefix, std::size_t max_keys = SIZE_MAX) const override {
    std::lock_guard lock(mutex_);
    std::vector<std::string> keys;
    for (const auto& [key, value] : values_)
      if (key.starts_with(prefix) && keys.size() < max_keys) keys.push_back(key);
    return keys;
  }
  void remove(const std::string& prefix) override {
    std::lock_guard lock(mutex_);
    std::erase_if(values_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
  }
  bool exists(const std::string& key) const override { return get(key).has_value(); }
  void flush() override {
    std::lock_guard lock(mutex_);
    ++flushes_;
  }
  std::string describe(const std::string& key) const override { return "memory:" + key; }

  // Puts of the keys `held` selects wait until open_gate().
  void close_gate(KeyFilter held) {
    std::lock_guard lock(mutex_);
    held_ = std::move(held);
  }
  void open_gate() {
    std::lock_guard lock(mutex_);
    held_ = nullptr;
    changed_.notify_all();
  }
  // Waits until `count` puts wait at the gate; false after `timeout`.
  bool wait_until_held(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return waiting_ >= count; });
  }
  // Waits until `key` is stored; false after `timeout`.
  bool wait_until_stored(const std::string& key, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return values_.contains(key); });
  }
  // Puts of the keys `failing` selects throw Error(write_failed).
  void fail_puts(KeyFilter failing) {
    std::lock_guard lock(mutex_);
    failing_ = std::move(failing);
  }

  // A stored JSON document (metadata), or null when the key is missing.
  nlohmann::json json(const std::string& key) const {
    const auto value = get(key);
    if (!value) return nullptr;
    return nlohmann::json::parse(std::string(reinterpret_cast<const char*>(value->data()), value->size()));
  }
  std::vector<std::string> chunk_keys() const {
    std::vector<std::string> keys = list("");
    std::erase_if(keys, [](const std::string& key) { return !is_chunk_key(key); });
    return keys;
  }
  std::size_t flushes() const {
    std::lock_guard lock(mutex_);
    return flushes_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<std::byte>> values_;
  KeyFilter held_, failing_;
  std::size_t waiting_ = 0, puts_ = 0, flushes_ = 0;
};

// Declared after a writer, or after a future of a call blocked on the
// store: a test failing with the gate closed then fails instead of hanging
// in a destructor that waits for the store.
struct OpenGateAtExit {
  MemoryStore& store;
  ~OpenGateAtExit() { store.open_gate(); }
};

// Lends a MemoryStore to a writer that owns its store, so that the test
// can still read it once the writer is gone.
class BorrowedStore : public Store {
 public:
  explicit BorrowedStore(MemoryStore& store) : store_(store) {}
  void put_parts(const std::string& key, std::span<const std::span<const std::byte>> parts) override {
    store_.put_parts(key, parts);
  }
  std::optional<std::vector<std::byte>> get(const std::string& key) const override { return store_.get(key); }
  std::vector<std::string> list(const std::string& prefix, std::size_t max_keys = SIZE_MAX) const override {
    return store_.list(prefix, max_keys);
  }
  void remove(const std::string& prefix) override { store_.remove(prefix); }
  bool exists(const std::string& key) const override { return store_.exists(key); }
  void flush() override { store_.flush(); }
  std::string describe(const std::string& key) const override { return store_.describe(key); }

 private:
  MemoryStore& store_;
};

}  // namespace zarr::testing
