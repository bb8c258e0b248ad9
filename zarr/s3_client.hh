// Signed HTTP requests to one S3 bucket through libcurl: SigV4 signing by
// libcurl itself (CURLOPT_AWS_SIGV4), connections kept alive across requests,
// transient failures retried with exponential backoff. One client is shared
// by the writer's worker threads; each request borrows an idle CURL handle
// (its connection stays open for the next request), so there are never more
// handles than threads sending at once, and nothing is queued here.
// A Cancellation, when given, ends what only a recovering store would end:
// once it is set, a back-off sleep ends at once and no retry starts, and a
// transfer that has moved no byte for half a second aborts at libcurl's next
// progress call (within about two seconds of the cancel, even on a
// connection the server never answers). A transfer that is moving goes on,
// and so may new requests: a stop that finishes the recording writes
// everything while the store answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "zarr/cancellation.hh"
#include "zarr/error.hh"
#include "zarr/s3_credentials.hh"
#include "zarr/s3_location.hh"
#include "zarr/settings.hh"

namespace zarr {

struct S3RetryPolicy {
  int tries = 5;                               // in all, the first included
  std::chrono::milliseconds first_delay{100};  // then doubling: 100, 200, 400, 800 ms
};

// A request body: bytes [offset, offset + size) of the concatenated parts,
// streamed by libcurl's read callback, never joined.
struct S3Body {
  std::span<const std::span<const std::byte>> parts;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

struct S3Response {
  long status = 0;
  std::string body;
  std::string etag;  // the ETag header, quotes included
};

class S3Client {
 public:
  // `cancellation` (nullptr = never cancelled) must outlive the client.
  S3Client(const S3Options& options, S3Location location, S3Credentials credentials, S3RetryPolicy retry = {},
           const Cancellation* cancellation = nullptr);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Sends `method` for the object `object_key` ("" = the bucket) with an
  // already sorted and encoded `query`. Returns the first answer that is not
  // a transient failure, whatever its status; throws Error(failure) saying
  // "<action> s3://bucket/key: ..." when the endpoint cannot be reached or
  // every try failed transiently; throws Error(cancelled) saying the upload
  // (or request) was interrupted when the cancellation ends a stalled
  // transfer or a wait for a retry. Messages name `about` when given
  // (the listed prefix of a bucket request), else the object key.
  S3Response send(const char* method, const std::string& object_key, const std::string& query, const S3Body& body,
                  ErrorCode failure, const std::string& action, const std::string& about = {}) const;

  // Throws Error(failure): "<action> s3://bucket/key: HTTP 403 SignatureDoesNotMatch: <S3's sentence>".
  [[noreturn]] void fail(const S3Response& response, ErrorCode failure, const std::string& action,
                         const std::string& object_key) const;

  const S3Location& location() const { return location_; }
  const std::string& endpoint() const { return endpoint_; }

 private:
  void* acquire() const;
  void release(void* handle) const;
  std::string uri(const std::string& object_key) const;
  bool cancelled() const { return cancellation_ && cancellation_->cancelled(); }

  const S3Location location_;
  const S3Credentials credentials_;
  const S3RetryPolicy retry_;
  const Cancellation* const cancellation_;
  std::string endpoint_;  // without a trailing '/'
  std::string signing_;   // "aws:amz:<region>:s3"
  mutable std::mutex handles_mutex_;
  mutable std::vector<void*> idle_handles_;  // CURL*, kept alive for their connections
};

// "https://s3.<region>.amazonaws.com" unless an endpoint is set.
std::string s3_endpoint(const S3Options& options);

}  // namespace zarr
