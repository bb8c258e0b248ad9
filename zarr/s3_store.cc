#include "zarr/s3_store.hh"

#include <algorithm>

#include "zarr/s3_key.hh"
#include "zarr/s3_xml.hh"

namespace zarr {

namespace {

constexpr std::uint64_t max_parts = 10000;             // S3's limit per upload
constexpr std::uint64_t preferred_part = 16ull << 20;  // fewer requests than 5 MiB parts, still little to resend

bool ok(const S3Response& response) { return response.status >= 200 && response.status < 300; }

}  // namespace

S3Store::S3Store(const S3Options& options, S3Location location, S3Credentials credentials, S3RetryPolicy retry,
                 const Cancellation* cancellation)
    : client_(options, std::move(location), std::move(credentials), retry, cancellation),
      multipart_threshold_(options.multipart_threshold) {}

void S3Store::put_parts(const std::string& key, std::span<const std::span<const std::byte>> parts) {
  const std::string object_key = client_.location().object_key(key);
  S3Body body{parts, 0, 0};
  for (auto part : parts) body.size += part.size();
  if (body.size > multipart_threshold_) return put_multipart(object_key, body);
  const S3Response response = client_.send("PUT", object_key, "", body, ErrorCode::write_failed, "cannot write");
  if (!ok(response)) client_.fail(response, ErrorCode::write_failed, "cannot write", object_key);
}

// Initiate, upload parts, complete. Until completion nothing is visible
// under the key; on a failure the upload is aborted so the gateway frees
// the parts (best effort: the failure being reported matters more). Not on
// a cancel: the abort is one more request to a gateway that may be the one
// stalling, and a cancel must end at once. The parts then stay, invisible,
// until the bucket's AbortIncompleteMultipartUpload lifecycle rule removes
// them, as for a killed process (docs/object-storage.md).
void S3Store::put_multipart(const std::string& object_key, const S3Body& whole) {
  const std::string action = "cannot write";
  const S3Response started =
      client_.send("POST", object_key, s3_query({{"uploads", ""}}), {}, ErrorCode::write_failed, action);
  if (!ok(started)) client_.fail(started, ErrorCode::write_failed, action, object_key);
  const std::string upload_id = parse_s3_upload_id(started.body);
  if (upload_id.empty())
    throw Error(ErrorCode::write_failed, action + " s3://" + client_.location().bucket + "/" + object_key +
                                             ": no UploadId in the answer to starting a multipart upload");
  try {
    const std::uint64_t part_size = std::max(
        {min_multipart_part, std::min(multipart_threshold_, preferred_part), (whole.size + max_parts - 1) / max_parts});
    std::string completion = "<CompleteMultipartUpload>";
    std::uint64_t number = 1;
    for (std::uint64_t offset = 0; offset < whole.size; offset += part_size, ++number) {
      const S3Body part{whole.parts, offset, std::min(part_size, whole.size - offset)};
      const std::string query = s3_query({{"partNumber", std::to_string(number)}, {"uploadId", upload_id}});
      const S3Response sent = client_.send("PUT", object_key, query, part, ErrorCode::write_failed, action);
      if (!ok(sent)) client_.fail(sent, ErrorCode::write_failed, action, object_key);
      if (sent.etag.empty())
        throw Error(ErrorCode::write_failed, action + " s3://" + client_.location().bucket + "/" + object_key +
                                                 ": no ETag in the answer to part " + std::to_string(number));
      completion += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + xml_escape(sent.etag) +
                    "</ETag></Part>";
    }
    completion += "</CompleteMultipartUpload>";
    const std::span<const std::byte> completion_bytes{reinterpret_cast<const std::byte*>(completion.data()),
                                                      completion.size()};
    const S3Body completion_body{{&completion_bytes, 1}, 0, completion.size()};
    const S3Response completed = client_.send("POST", object_key, s3_query({{"uploadId", upload_id}}), completion_body,
                                              ErrorCode::write_failed, action);
    // S3 may answer 200 and still report an error in the body.
    if (!ok(completed) || !parse_s3_error(completed.body).code.empty())
      client_.fail(completed, ErrorCode::write_failed, action, object_key);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::cancelled) abort_multipart(object_key, upload_id);
    throw;
  } catch (...) {
    abort_multipart(object_key, upload_id);
    throw;
  }
}

void S3Store::abort_multipart(const std::string& object_key, const std::string& upload_id) {
  try {
    client_.send("DELETE", object_key, s3_query({{"uploadId", upload_id}}), {}, ErrorCode::write_failed,
                 "cannot abort the upload of");
  } catch (...) {
  }
}

std::optional<std::vector<std::byte>> S3Store::get(const std::string& key) const {
  const std::string object_key = client_.location().object_key(key);
  const S3Response response = client_.send("GET", object_key, "", {}, ErrorCode::open_failed, "cannot read");
  if (response.status == 404 && parse_s3_error(response.body).code != "NoSuchBucket") return std::nullopt;
  if (!ok(response)) client_.fail(response, ErrorCode::open_failed, "cannot read", object_key);
  const auto* bytes = reinterpret_cast<const std::byte*>(response.body.data());
  return std::vector<std::byte>(bytes, bytes + response.body.size());
}

std::vector<std::string> S3Store::list(const std::string& prefix, std::size_t max_keys) const {
  // object_key("") ends in '/': "run.zarr/" does not match "run.zarr2/...".
  const std::string full_prefix = client_.location().object_key(prefix);
  const std::size_t root_length = client_.location().object_key("").size();
  std::vector<std::string> keys;
  std::string token;
  while (keys.size() < max_keys) {
    std::vector<std::pair<std::string, std::string>> parameters = {
        {"list-type", "2"},
        {"max-keys", std::to_string(std::min<std::size_t>(max_keys - keys.size(), 1000))},
        {"prefix", full_prefix}};
    if (!token.empty()) parameters.emplace_back("continuation-token", token);
    const S3Response response = client_.send("GET", "", s3_query(std::move(parameters)), {}, ErrorCode::open_failed,
                                             "cannot list", full_prefix);
    if (!ok(response)) client_.fail(response, ErrorCode::open_failed, "cannot list", full_prefix);
    std::optional<S3ListPage> page = parse_s3_list(response.body);
    if (!page)
      throw Error(ErrorCode::open_failed,
                  "cannot list " + client_.location().uri(prefix) +
                      ": the answer is not a ListBucketResult (is the endpoint an S3 service?)");
    for (std::string& key : page->keys)
      if (keys.size() < max_keys && key.size() >= root_length) keys.push_back(key.substr(root_length));
    if (!page->truncated || page->next_continuation_token.empty()) break;
    token = page->next_continuation_token;
  }
  return keys;
}

void S3Store::remove(const std::string& prefix) {
  for (const std::string& key : list(prefix)) {
    const std::string object_key = client_.location().object_key(key);
    const S3Response response = client_.send("DELETE", object_key, "", {}, ErrorCode::write_failed, "cannot remove");
    if (!ok(response) && response.status != 404)
      client_.fail(response, ErrorCode::write_failed, "cannot remove", object_key);
  }
}

bool S3Store::exists(const std::string& key) const {
  const std::string object_key = client_.location().object_key(key);
  const S3Response response = client_.send("HEAD", object_key, "", {}, ErrorCode::open_failed, "cannot read");
  if (response.status == 404) return false;
  if (!ok(response)) client_.fail(response, ErrorCode::open_failed, "cannot read", object_key);
  return true;
}

// Nothing to do: an object exists, durably, once its PUT (or the completion
// of its multipart upload) was answered 200, and every put waits for that.
void S3Store::flush() {}

std::string S3Store::describe(const std::string& key) const { return client_.location().uri(key); }

}  // namespace zarr
