// A Store in an S3 bucket (AWS, Ceph RADOS Gateway, MinIO...): the dataset
// root is a key prefix, each key one object. A PUT replaces an object
// atomically, as the filesystem store's rename does; objects above the
// multipart threshold go up in parts (and the upload is aborted on failure,
// so no half object ever appears). Requests run on the calling thread (the
// writer's workers): the writer's rows-in-flight limit bounds what is in
// memory, as on a filesystem. A Cancellation, when given, interrupts them
// (see S3Client).
#pragma once

#include "zarr/s3_client.hh"
#include "zarr/store.hh"

namespace zarr {

class S3Store final : public Store {
 public:
  // `cancellation` (nullptr = never cancelled) must outlive the store.
  S3Store(const S3Options& options, S3Location location, S3Credentials credentials, S3RetryPolicy retry = {},
          const Cancellation* cancellation = nullptr);

  void put_parts(const std::string& key, std::span<const std::span<const std::byte>> parts) override;
  std::optional<std::vector<std::byte>> get(const std::string& key) const override;
  std::vector<std::string> list(const std::string& prefix, std::size_t max_keys = SIZE_MAX) const override;
  void remove(const std::string& prefix) override;
  bool exists(const std::string& key) const override;
  void flush() override;
  std::string describe(const std::string& key) const override;

 private:
  void put_multipart(const std::string& object_key, const S3Body& whole);
  void abort_multipart(const std::string& object_key, const std::string& upload_id);

  S3Client client_;
  std::uint64_t multipart_threshold_;
};

}  // namespace zarr
