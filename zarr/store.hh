// Where a dataset's bytes go. Keys are '/'-separated paths relative to the
// dataset root ("0/.zarray", "0/3/0/1/2"). Everything above this interface
// is the same for every kind of storage (a filesystem, an S3 bucket).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zarr {

class Store {
 public:
  virtual ~Store() = default;

  // Stores `bytes` under `key`, replacing any previous value, atomically: a
  // reader sees the old value or the new one, never a part. Safe to call
  // from several threads for different keys. Throws zarr::Error.
  void put(const std::string& key, std::span<const std::byte> bytes) { put_parts(key, {&bytes, 1}); }
  // The same for a value given as consecutive parts (a shard's chunks and
  // its index), stored without first joining them in memory.
  virtual void put_parts(const std::string& key, std::span<const std::span<const std::byte>> parts) = 0;
  // The value under `key`, or nothing when there is none. Throws zarr::Error.
  virtual std::optional<std::vector<std::byte>> get(const std::string& key) const = 0;
  // Keys starting with `prefix` ("" = all), in no particular order, at most
  // `max_keys` of them (1 answers "is there anything?" cheaply).
  virtual std::vector<std::string> list(const std::string& prefix, std::size_t max_keys = SIZE_MAX) const = 0;
  // Removes every key starting with `prefix` ("" = the whole dataset).
  virtual void remove(const std::string& prefix) = 0;
  virtual bool exists(const std::string& key) const = 0;

  // Makes everything put so far durable (survives a power cut). Throws zarr::Error.
  virtual void flush() = 0;

  // For messages: where a key lives ("/data/run.zarr/0/.zarray").
  virtual std::string describe(const std::string& key) const = 0;
};

}  // namespace zarr
