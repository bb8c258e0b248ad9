#include "zarr/s3_store.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "tests/zarr/fake_http_server.hh"
#include "zarr/cancellation.hh"

namespace zarr {
namespace {

using namespace std::chrono_literals;
using testing::FakeHttpServer;
using testing::HttpReply;
using testing::HttpRequest;

constexpr std::uint64_t MiB = 1 << 20;

// The S3 requests S3Store sends, answered from objects in memory: PUT, GET,
// HEAD, DELETE, ListObjectsV2 in pages of `page_size` keys, and multipart
// uploads. `stall_when` / `fail_when` pick requests to never answer or to
// refuse with a 403.
struct InMemoryS3 {
  std::mutex mutex;
  std::map<std::string, std::string> objects;                 // full object key -> bytes
  std::map<std::string, std::map<int, std::string>> uploads;  // upload id -> part number -> bytes
  std::size_t page_size = 2;
  std::function<bool(const HttpRequest&)> stall_when = [](const HttpRequest&) { return false; };
  std::function<bool(const HttpRequest&)> fail_when = [](const HttpRequest&) { return false; };

  // Copies, under the lock the server's threads take.
  std::map<std::string, std::string> stored() {
    std::lock_guard lock(mutex);
    return objects;
  }
  std::size_t open_uploads() {
    std::lock_guard lock(mutex);
    return uploads.size();
  }

  HttpReply answer(const HttpRequest& request) {
    if (stall_when(request)) return testing::stalled_reply();
    if (fail_when(request)) return testing::s3_error_reply(403, "AccessDenied", "Access Denied");
    if (!request.path.starts_with("/bucket")) return testing::s3_error_reply(404, "NoSuchBucket", "No such bucket");
    const std::string key = request.path.size() > 8 ? request.path.substr(8) : "";
    std::lock_guard lock(mutex);
    if (request.method == "GET" && key.empty()) return list(request);
    if (request.method == "POST" && request.has_query("uploads")) {
      const std::string id = "upload-" + std::to_string(uploads.size() + 1);
      uploads[id];
      return {200, "<InitiateMultipartUploadResult><Bucket>bucket</Bucket><Key>" + key + "</Key><UploadId>" + id +
                       "</UploadId></InitiateMultipartUploadResult>"};
    }
    if (request.method == "PUT" && request.has_query("partNumber")) {
      const int number = std::stoi(request.query_value("partNumber"));
      uploads.at(request.query_value("uploadId"))[number] = request.body;
      return {200, "", {{"ETag", "\"etag-of-part-" + std::to_string(number) + "\""}}};
    }
    if (request.method == "POST" && request.has_query("uploadId")) return complete(key, request);
    if (request.method == "DELETE" && request.has_query("uploadId")) {
      uploads.erase(request.query_value("uploadId"));
      return {204};
    }
    if (request.method == "PUT") {
      objects[key] = request.body;
      return {200, "", {{"ETag", "\"x\""}}};
    }
    if (request.method == "GET" || request.method == "HEAD") {
      const auto found = objects.find(key);
      if (found == objects.end()) return testing::s3_error_reply(404, "NoSuchKey", "The key does not exist");
      return {200, found->second};
    }
    if (request.method == "DELETE") {
      objects.erase(key);
      return {204};
    }
    return testing::s3_error_reply(400, "NotImplemented", request.method);
  }

  // The parts named in the completion, with the ETags handed out, in order.
  HttpReply complete(const std::string& key, const HttpRequest& request) {
    const auto upload = uploads.find(request.query_value("uploadId"));
    if (upload == uploads.end()) return testing::s3_error_reply(404, "NoSuchUpload", "no such upload");
    const std::regex part(R"(<Part><PartNumber>(\d+)</PartNumber><ETag>&quot;etag-of-part-(\d+)&quot;</ETag></Part>)");
    std::string joined;
    int expected = 1;
    for (auto it = std::sregex_iterator(request.body.begin(), request.body.end(), part); it != std::sregex_iterator();
         ++it, ++expected) {
      const int number = std::stoi((*it)[1]);
      if (number != expected || std::stoi((*it)[2]) != number || !upload->second.contains(number))
        return testing::s3_error_reply(400, "InvalidPart", "part " + std::to_string(number));
      joined += upload->second[number];
    }
    if (expected - 1 != int(upload->second.size())) return testing::s3_error_reply(400, "InvalidPart", "parts missing");
    objects[key] = joined;
    uploads.erase(upload);
    return {200, "<CompleteMultipartUploadResult><Key>" + key + "</Key></CompleteMultipartUploadResult>"};
  }

  HttpReply list(const HttpRequest& request) {
    if (request.query_value("list-type") != "2") return testing::s3_error_reply(400, "InvalidArgument", "list-type");
    const std::string prefix = request.query_value("prefix");
    std::vector<std::string> keys;
    for (const auto& [key, _] : objects)
      if (key.starts_with(prefix)) keys.push_back(key);
    const std::size_t start =
        request.has_query("continuation-token") ? std::stoul(request.query_value("continuation-token")) : 0;
    const std::size_t count = std::min({page_size, std::size_t(std::stoul(request.query_value("max-keys"))),
                                        keys.size() - std::min(start, keys.size())});
    const bool truncated = start + count < keys.size();
    std::string body = "<ListBucketResult><Name>bucket</Name><IsTruncated>" +
                       std::string(truncated ? "true" : "false") + "</IsTruncated>";
    if (truncated) body += "<NextContinuationToken>" + std::to_string(start + count) + "</NextContinuationToken>";
    for (std::size_t i = start; i < start + count; ++i) body += "<Contents><Key>" + keys[i] + "</Key></Contents>";
    return {200, body + "</ListBucketResult>"};
  }
};

struct S3StoreTest : ::testing::Test {
  InMemoryS3 s3;
  FakeHttpServer server{[this](const HttpRequest& request) { return s3.answer(request); }};
  Cancellation cancellation;

  S3Store store(std::uint64_t multipart_threshold = 64 * MiB) {
    S3Options options;
    options.endpoint = server.endpoint();
    options.multipart_threshold = multipart_threshold;
    return S3Store(options, S3Location{"bucket", "run.zarr"}, S3Credentials{"AKTESTKEY", "test/secret", "", "test"},
                   S3RetryPolicy{3, 1ms}, &cancellation);
  }

  // Method and query of every request, in order ("PUT partNumber=2&uploadId=upload-1").
  std::vector<std::string> requests_seen() const {
    std::vector<std::string> seen;
    for (const HttpRequest& request : server.requests())
      seen.push_back(request.method + " " + request.path + (request.query.empty() ? "" : "?" + request.query));
    return seen;
  }
};

// Bytes that differ from one position to the next, so a part in the wrong
// place or off by one byte shows.
std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = char((i * 7 + i / 251) % 256);
  return bytes;
}

std::span<const std::byte> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

TEST_F(S3StoreTest, SmallPutIsOnePutOfTheJoinedParts) {
  S3Store s = store();
  const std::string first = "{\"zarr_format\":", second = " 2}";
  const std::span<const std::byte> parts[] = {bytes_of(first), bytes_of(second)};
  s.put_parts("0/.zarray", parts);
  EXPECT_EQ(requests_seen(), std::vector<std::string>{"PUT /bucket/run.zarr/0/.zarray"});
  EXPECT_EQ(s3.stored().at("run.zarr/0/.zarray"), "{\"zarr_format\": 2}");
}

TEST_F(S3StoreTest, LargePutIsAMultipartUploadInOrder) {
  S3Store s = store(5 * MiB);
  const std::string data = pattern(11 * MiB + 1234);
  // Given in two pieces that do not end at a part boundary.
  const std::string first = data.substr(0, 3 * MiB + 17), second = data.substr(first.size());
  const std::span<const std::byte> parts[] = {bytes_of(first), bytes_of(second)};
  s.put_parts("0/0/0/0/0", parts);

  const std::string path = "/bucket/run.zarr/0/0/0/0/0";
  EXPECT_EQ(requests_seen(), (std::vector<std::string>{
                                 "POST " + path + "?uploads=",
                                 "PUT " + path + "?partNumber=1&uploadId=upload-1",
                                 "PUT " + path + "?partNumber=2&uploadId=upload-1",
                                 "PUT " + path + "?partNumber=3&uploadId=upload-1",
                                 "POST " + path + "?uploadId=upload-1",
                             }));
  const std::vector<HttpRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 5u);
  EXPECT_EQ(requests[1].body, data.substr(0, 5 * MiB));
  EXPECT_EQ(requests[2].body, data.substr(5 * MiB, 5 * MiB));
  EXPECT_EQ(requests[3].body, data.substr(10 * MiB));
  EXPECT_EQ(requests[4].body,
            "<CompleteMultipartUpload>"
            "<Part><PartNumber>1</PartNumber><ETag>&quot;etag-of-part-1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;etag-of-part-2&quot;</ETag></Part>"
            "<Part><PartNumber>3</PartNumber><ETag>&quot;etag-of-part-3&quot;</ETag></Part>"
            "</CompleteMultipartUpload>");
  EXPECT_TRUE(s3.stored().at("run.zarr/0/0/0/0/0") == data);  // not EXPECT_EQ: 11 MiB in a failure message
  EXPECT_EQ(s3.open_uploads(), 0u);
}

TEST_F(S3StoreTest, AFailedMultipartUploadIsAborted) {
  s3.fail_when = [](const HttpRequest& request) { return request.query_value("partNumber") == "2"; };
  S3Store s = store(5 * MiB);
  const std::string data = pattern(11 * MiB);
  try {
    s.put("0/0/0/0/0", bytes_of(data));
    FAIL() << "the refused part did not fail the put";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::write_failed);
    EXPECT_EQ(std::string(error.what()),
              "cannot write s3://bucket/run.zarr/0/0/0/0/0: HTTP 403 AccessDenied: Access Denied");
  }
  const std::vector<std::string> seen = requests_seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[3], "DELETE /bucket/run.zarr/0/0/0/0/0?uploadId=upload-1");
  EXPECT_EQ(s3.open_uploads(), 0u);
  EXPECT_FALSE(s3.stored().contains("run.zarr/0/0/0/0/0"));
}

TEST_F(S3StoreTest, ACancelledMultipartUploadEndsAtOnceAndIsLeftToTheLifecycleRule) {
  s3.stall_when = [](const HttpRequest& request) { return request.query_value("partNumber") == "2"; };
  S3Store s = store(5 * MiB);
  const std::string data = pattern(11 * MiB);
  std::atomic<std::chrono::steady_clock::rep> cancelled_at{0};
  std::thread canceller([&] {
    server.wait_for_requests(3, 5s);  // initiate, part 1, part 2 (stalled)
    cancelled_at = std::chrono::steady_clock::now().time_since_epoch().count();
    cancellation.cancel();
  });
  try {
    s.put("0/0/0/0/0", bytes_of(data));
    ADD_FAILURE() << "the cancelled put returned";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::cancelled);
    EXPECT_EQ(std::string(error.what()),
              "cannot write s3://bucket/run.zarr/0/0/0/0/0: the upload was interrupted "
              "because the recording was cancelled");
  }
  canceller.join();
  const std::chrono::steady_clock::time_point cancel_time{std::chrono::steady_clock::duration{cancelled_at.load()}};
  EXPECT_LT(std::chrono::steady_clock::now() - cancel_time, 2s) << "from the cancel to the put's return";
  const std::vector<std::string> seen = requests_seen();
  ASSERT_EQ(seen.size(), 3u);  // neither part 3 nor an abort
  EXPECT_EQ(seen[2], "PUT /bucket/run.zarr/0/0/0/0/0?partNumber=2&uploadId=upload-1");
  EXPECT_EQ(s3.open_uploads(), 1u);
  EXPECT_FALSE(s3.stored().contains("run.zarr/0/0/0/0/0"));
}

TEST_F(S3StoreTest, ListFollowsContinuationTokensWithinTheDataset) {
  for (const char* key : {"run.zarr/.zgroup", "run.zarr/0/.zarray", "run.zarr/0/0/0/0/0", "run.zarr/0/1/0/0/0",
                          "run.zarr/1/.zarray", "run.zarr2/.zgroup", "other/run.zarr/.zgroup"})
    s3.objects[key] = "x";
  S3Store s = store();
  std::vector<std::string> all = s.list("");
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<std::string>{".zgroup", "0/.zarray", "0/0/0/0/0", "0/1/0/0/0", "1/.zarray"}));
  EXPECT_EQ(server.requests().size(), 3u);  // pages of 2, 2 and 1 keys
  EXPECT_EQ(server.requests()[1].query_value("continuation-token"), "2");
  EXPECT_EQ(server.requests()[0].query_value("prefix"), "run.zarr/");

  std::vector<std::string> array = s.list("0/");
  std::sort(array.begin(), array.end());
  EXPECT_EQ(array, (std::vector<std::string>{"0/.zarray", "0/0/0/0/0", "0/1/0/0/0"}));
  EXPECT_EQ(s.list("", 1).size(), 1u);
  EXPECT_EQ(s.list("2/"), std::vector<std::string>{});
}

TEST_F(S3StoreTest, RemoveDeletesEveryObjectUnderThePrefixOnly) {
  for (const char* key : {"run.zarr/.zgroup", "run.zarr/0/.zarray", "run.zarr/0/0/0/0/0", "run.zarr/0/1/0/0/0",
                          "run.zarr/1/.zarray", "run.zarr2/0/.zarray"})
    s3.objects[key] = "x";
  S3Store s = store();
  s.remove("0/");
  std::vector<std::string> left;
  for (const auto& [key, _] : s3.stored()) left.push_back(key);
  EXPECT_EQ(left, (std::vector<std::string>{"run.zarr/.zgroup", "run.zarr/1/.zarray", "run.zarr2/0/.zarray"}));
  s.remove("");
  left.clear();
  for (const auto& [key, _] : s3.stored()) left.push_back(key);
  EXPECT_EQ(left, std::vector<std::string>{"run.zarr2/0/.zarray"});
}

TEST_F(S3StoreTest, GetAndExistsTellAMissingObjectFromAStoredOne) {
  s3.objects["run.zarr/.zgroup"] = "{\"zarr_format\": 2}";
  S3Store s = store();
  EXPECT_TRUE(s.exists(".zgroup"));
  EXPECT_FALSE(s.exists(".zattrs"));
  EXPECT_EQ(s.get(".zattrs"), std::nullopt);
  const std::optional<std::vector<std::byte>> got = s.get(".zgroup");
  ASSERT_TRUE(got);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(got->data()), got->size()), "{\"zarr_format\": 2}");
  EXPECT_EQ(s.describe("0/.zarray"), "s3://bucket/run.zarr/0/.zarray");
}

TEST_F(S3StoreTest, AMissingBucketIsAnErrorNotAMissingObject) {
  S3Options options;
  options.endpoint = server.endpoint();
  S3Store s(options, S3Location{"elsewhere", "run.zarr"}, S3Credentials{"AKTESTKEY", "test/secret", "", "test"},
            S3RetryPolicy{3, 1ms});
  try {
    s.get(".zgroup");
    FAIL() << "a missing bucket read as a missing object";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::open_failed);
    EXPECT_NE(std::string(error.what()).find("NoSuchBucket"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace zarr
