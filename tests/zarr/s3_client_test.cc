#include "zarr/s3_client.hh"

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <regex>
#include <thread>

#include "tests/zarr/fake_http_server.hh"
#include "zarr/cancellation.hh"

namespace zarr {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::FakeHttpServer;
using testing::HttpReply;
using testing::HttpRequest;

const S3Location location{"bucket", "run.zarr"};
const std::string object_key = "run.zarr/0/0/0";
const std::string object_uri = "s3://bucket/run.zarr/0/0/0";

S3Client client_of(const FakeHttpServer& server, S3RetryPolicy retry = {3, 1ms},
                   const Cancellation* cancellation = nullptr, std::string session_token = "") {
  S3Options options;
  options.endpoint = server.endpoint();
  options.region = "eu-test-1";
  return S3Client(options, location, S3Credentials{"AKTESTKEY", "test/secret", session_token, "test"}, retry,
                  cancellation);
}

std::span<const std::byte> bytes_of(const std::string& text) {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

// A one-byte PUT, the request most tests send.
S3Response put_one_byte(const S3Client& client) {
  static const std::string byte = "x";
  const std::span<const std::byte> part = bytes_of(byte);
  return client.send("PUT", object_key, "", S3Body{{&part, 1}, 0, 1}, ErrorCode::write_failed, "cannot write");
}

// Runs put_one_byte, cancelling once the server has read `requests_before_cancel`
// requests and `then` has passed; returns the Error and how long after the
// cancel it came.
std::pair<Error, Clock::duration> put_cancelled(const S3Client& client, const FakeHttpServer& server,
                                                Cancellation& cancellation, std::size_t requests_before_cancel,
                                                Clock::duration then) {
  Clock::time_point cancelled_at;
  std::thread canceller([&] {
    server.wait_for_requests(requests_before_cancel, 10s);
    std::this_thread::sleep_for(then);
    cancelled_at = Clock::now();
    cancellation.cancel();
  });
  try {
    put_one_byte(client);
  } catch (const Error& error) {
    const Clock::time_point returned_at = Clock::now();
    canceller.join();
    return {error, returned_at - cancelled_at};
  }
  canceller.join();
  throw std::logic_error("the cancelled request returned without an error");
}

TEST(S3Client, PutSendsTheBodySignedWithSigV4) {
  FakeHttpServer server([](const HttpRequest&) { return HttpReply{200, "", {{"ETag", "\"etag-1\""}}}; });
  const S3Client client = client_of(server);
  // Bytes [3, 15) of "hello " + "world, this is", across both parts.
  const std::string first = "hello ", second = "world, this is";
  const std::span<const std::byte> parts[] = {bytes_of(first), bytes_of(second)};
  const S3Response response =
      client.send("PUT", object_key, "", S3Body{parts, 3, 12}, ErrorCode::write_failed, "cannot write");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.etag, "\"etag-1\"");

  const std::vector<HttpRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const HttpRequest& put = requests[0];
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.path, "/bucket/run.zarr/0/0/0");
  EXPECT_EQ(put.query, "");
  EXPECT_EQ(put.body, "lo world, th");
  EXPECT_EQ(put.header("content-length"), "12");
  EXPECT_EQ(put.header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(std::regex_match(put.header("x-amz-date"), std::regex(R"(\d{8}T\d{6}Z)"))) << put.header("x-amz-date");
  std::smatch signed_headers;
  const std::string authorization = put.header("authorization");
  ASSERT_TRUE(std::regex_match(authorization, signed_headers,
                               std::regex(R"(AWS4-HMAC-SHA256 Credential=AKTESTKEY/\d{8}/eu-test-1/s3/aws4_request, ?)"
                                          R"(SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64})")))
      << authorization;
  for (const char* name : {"host", "x-amz-content-sha256", "x-amz-date"})
    EXPECT_NE((";" + signed_headers[1].str() + ";").find(std::string(";") + name + ";"), std::string::npos)
        << name << " is not signed: " << authorization;
  EXPECT_EQ(authorization.find("test/secret"), std::string::npos);
}

TEST(S3Client, SessionTokenIsSentAndSigned) {
  FakeHttpServer server([](const HttpRequest&) { return HttpReply{}; });
  const S3Client client = client_of(server, {3, 1ms}, nullptr, "the-token");
  put_one_byte(client);
  const std::vector<HttpRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].header("x-amz-security-token"), "the-token");
  EXPECT_NE(requests[0].header("authorization").find("x-amz-security-token"), std::string::npos);
}

TEST(S3Client, A503IsRetried) {
  std::atomic<int> answered{0};
  FakeHttpServer server([&](const HttpRequest&) {
    return ++answered == 1 ? testing::s3_error_reply(503, "SlowDown", "Please reduce your request rate.")
                           : HttpReply{200, "", {{"ETag", "\"second\""}}};
  });
  const S3Client client = client_of(server);
  const S3Response response = put_one_byte(client);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.etag, "\"second\"");
  const std::vector<HttpRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].body, "x");  // the body was sent again
}

TEST(S3Client, GivesUpAfterTheTriesNamingTheKey) {
  FakeHttpServer server([](const HttpRequest&) { return testing::s3_error_reply(503, "SlowDown", "Slow down"); });
  const S3Client client = client_of(server, {4, 1ms});
  try {
    put_one_byte(client);
    FAIL() << "no error after 4 failed tries";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::write_failed);
    EXPECT_EQ(std::string(error.what()), "cannot write " + object_uri + ": HTTP 503 SlowDown, 4 tries in all");
    EXPECT_EQ(error.path(), object_uri);
  }
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(S3Client, AccessDeniedIsNotRetriedAndItsCodeIsInTheMessage) {
  FakeHttpServer server(
      [](const HttpRequest&) { return testing::s3_error_reply(403, "AccessDenied", "Access Denied"); });
  const S3Client client = client_of(server);
  const S3Response response = put_one_byte(client);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(server.requests().size(), 1u);
  try {
    client.fail(response, ErrorCode::write_failed, "cannot write", object_key);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::write_failed);
    EXPECT_EQ(std::string(error.what()), "cannot write " + object_uri + ": HTTP 403 AccessDenied: Access Denied");
  }
}

TEST(S3Client, CancelEndsTheBackOffSleepAtOnce) {
  FakeHttpServer server([](const HttpRequest&) { return testing::s3_error_reply(503, "SlowDown", "Slow down"); });
  Cancellation cancellation;
  const S3Client client = client_of(server, {5, 5s}, &cancellation);
  // 50 ms after the first 503 the client is in its 5 s sleep.
  const auto [error, latency] = put_cancelled(client, server, cancellation, 1, 50ms);
  EXPECT_EQ(error.code(), ErrorCode::cancelled);
  EXPECT_EQ(std::string(error.what()),
            "cannot write " + object_uri + ": the upload was interrupted because the recording was cancelled");
  EXPECT_LT(latency, 100ms);
  EXPECT_EQ(server.requests().size(), 1u);  // no retry after the cancel
}

TEST(S3Client, CancelAbortsATransferTheServerNeverAnswers) {
  FakeHttpServer server([](const HttpRequest&) { return testing::stalled_reply(); });
  Cancellation cancellation;
  const S3Client client = client_of(server, {5, 1ms}, &cancellation);
  // On a silent connection libcurl asks its progress callback at about 0,
  // 200, 1200, 2200... ms: a cancel at 1250 ms waits the longest (~950 ms).
  for (const auto after : {100ms, 1250ms}) {
    cancellation.reset();
    const std::size_t before = server.requests().size();
    const auto [error, latency] = put_cancelled(client, server, cancellation, before + 1, after);
    EXPECT_EQ(error.code(), ErrorCode::cancelled);
    EXPECT_NE(std::string(error.what()).find(object_uri), std::string::npos) << error.what();
    EXPECT_LT(latency, 2s);
    std::cout << "cancel " << after.count() << " ms after a stalled PUT arrived: returned after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() << " ms\n";
    EXPECT_EQ(server.requests().size(), before + 1);  // not retried
  }
}

TEST(S3Client, ACancelLetsAMovingTransferFinish) {
  // A cancelled recording that finishes (stop policy finish) still sends
  // its requests while the store answers them.
  FakeHttpServer server([](const HttpRequest&) { return HttpReply{}; });
  Cancellation cancellation;
  cancellation.cancel();
  const S3Client client = client_of(server, {5, 1ms}, &cancellation);
  const S3Response response = client.send("GET", object_key, "", {}, ErrorCode::open_failed, "cannot read");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(server.wait_for_requests(1, 100ms));
}

TEST(S3Client, WithoutACancellationAStalledServerIsStillWaitedFor) {
  // The control for the cancel tests: the same stall without a cancel
  // keeps the request waiting.
  FakeHttpServer server([](const HttpRequest&) { return testing::stalled_reply(); }, 3s);
  const S3Client client = client_of(server, {1, 1ms});
  std::atomic<bool> returned{false};
  std::thread sender([&] {
    try {
      put_one_byte(client);
    } catch (const Error&) {
    }
    returned = true;
  });
  ASSERT_TRUE(server.wait_for_requests(1, 5s));
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(returned);
  sender.join();  // the server closes the connection when its 5 s life ends
}

}  // namespace
}  // namespace zarr
