// A small HTTP/1.1 server inside the test process, for the S3 client and
// store tests: it listens on 127.0.0.1 on an ephemeral port, records every
// request it reads (method, target, headers, body) and answers what the
// test's responder says, or never answers (a stalled gateway). One thread
// per connection (keep-alive, as libcurl expects); every thread ends when
// the server is destroyed, and none lives longer than `max_life` (then
// connections are closed and refused: a test whose client hangs fails).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zarr::testing {

struct HttpRequest {
  std::string method;
  std::string path;                            // decoded, without the query: "/bucket/run.zarr/0/.zarray"
  std::string query;                           // as sent, without the '?': "partNumber=1&uploadId=u1"
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  std::string header(const std::string& name) const;
  // The value of `name` in the query (decoded), "" when absent.
  std::string query_value(const std::string& name) const;
  bool has_query(const std::string& name) const;
};

struct HttpReply {
  HttpReply(int status = 200, std::string body = {}, std::vector<std::pair<std::string, std::string>> headers = {})
      : status(status), body(std::move(body)), headers(std::move(headers)) {}

  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool stall = false;  // read the request, then never answer
};

class FakeHttpServer {
 public:
  using Responder = std::function<HttpReply(const HttpRequest&)>;

  explicit FakeHttpServer(Responder respond, std::chrono::seconds max_life = std::chrono::seconds(10));
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::string endpoint() const;  // "http://127.0.0.1:<port>"
  std::vector<HttpRequest> requests() const;
  // True once `count` requests were read (a stalled one included).
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void accept_loop();
  void serve(int connection);
  bool stopping() const;

  const Responder respond_;
  const std::chrono::steady_clock::time_point give_up_;
  int listener_ = -1;
  int port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable request_arrived_;
  std::vector<HttpRequest> requests_;
  bool stop_ = false;
  std::vector<std::thread> connection_threads_;
  std::thread accept_thread_;
};

// Reads the request and never answers.
HttpReply stalled_reply();

// S3's answer to a failed request: "<Error><Code>code</Code><Message>message</Message></Error>".
HttpReply s3_error_reply(int status, const std::string& code, const std::string& message);

}  // namespace zarr::testing
