#include "tests/zarr/fake_http_server.hh"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace zarr::testing {

namespace {

constexpr int poll_interval_ms = 20;  // how soon a thread notices the server stopping

std::string lower(std::string text) {
  for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string percent_decode(const std::string& text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      decoded += char(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

std::vector<std::pair<std::string, std::string>> query_pairs(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string item = query.substr(start, end - start);
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos)
      pairs.emplace_back(percent_decode(item), "");
    else
      pairs.emplace_back(percent_decode(item.substr(0, equals)), percent_decode(item.substr(equals + 1)));
    start = end + 1;
  }
  return pairs;
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

bool send_all(int connection, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(connection, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += std::size_t(n);
  }
  return true;
}

}  // namespace

std::string HttpRequest::header(const std::string& name) const {
  const auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

std::string HttpRequest::query_value(const std::string& name) const {
  for (const auto& [key, value] : query_pairs(query))
    if (key == name) return value;
  return "";
}

bool HttpRequest::has_query(const std::string& name) const {
  const auto pairs = query_pairs(query);
  return std::any_of(pairs.begin(), pairs.end(), [&](const auto& pair) { return pair.first == name; });
}

HttpReply stalled_reply() {
  HttpReply reply;
  reply.stall = true;
  return reply;
}

HttpReply s3_error_reply(int status, const std::string& code, const std::string& message) {
  return {status,
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message +
              "</Message><RequestId>test</RequestId></Error>",
          {{"Content-Type", "application/xml"}}};
}

FakeHttpServer::FakeHttpServer(Responder respond, std::chrono::seconds max_life)
    : respond_(std::move(respond)), give_up_(std::chrono::steady_clock::now() + max_life) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error("fake HTTP server: socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // ephemeral
  socklen_t length = sizeof address;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listener_);
    throw std::runtime_error("fake HTTP server: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { accept_loop(); });
}

FakeHttpServer::~FakeHttpServer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  accept_thread_.join();
  for (std::thread& thread : connection_threads_) thread.join();
}

std::string FakeHttpServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<HttpRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

bool FakeHttpServer::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return request_arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

bool FakeHttpServer::stopping() const {
  std::lock_guard lock(mutex_);
  return stop_ || std::chrono::steady_clock::now() > give_up_;
}

void FakeHttpServer::accept_loop() {
  while (!stopping()) {
    pollfd waiting{listener_, POLLIN, 0};
    if (::poll(&waiting, 1, poll_interval_ms) <= 0) continue;
    const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection >= 0) connection_threads_.emplace_back([this, connection] { serve(connection); });
  }
  // Refused from now on, so that a client still trying fails at once.
  ::close(listener_);
}

// Requests one after the other on a kept-alive connection, until the client
// closes it or the server stops.
void FakeHttpServer::serve(int connection) {
  std::string buffer;
  // Appends what arrives to `buffer`; false when the connection or the server ends.
  const auto receive = [&] {
    while (!stopping()) {
      pollfd waiting{connection, POLLIN, 0};
      if (::poll(&waiting, 1, poll_interval_ms) <= 0) continue;
      char chunk[65536];
      const ssize_t n = ::recv(connection, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, std::size_t(n));
      return true;
    }
    return false;
  };

  for (;;) {
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos)
      if (!receive()) return void(::close(connection));

    HttpRequest request;
    const std::string head = buffer.substr(0, header_end);
    buffer.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const std::size_t first_space = request_line.find(' ');
    const std::size_t second_space = request_line.find(' ', first_space + 1);
    request.method = request_line.substr(0, first_space);
    const std::string target = request_line.substr(first_space + 1, second_space - first_space - 1);
    const std::size_t question = target.find('?');
    request.path = percent_decode(target.substr(0, question));
    if (question != std::string::npos) request.query = target.substr(question + 1);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      request.headers[lower(line.substr(0, colon))] = value;
    }

    if (lower(request.header("expect")) == "100-continue" && !send_all(connection, "HTTP/1.1 100 Continue\r\n\r\n"))
      return void(::close(connection));
    const std::string length_text = request.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoull(length_text);
    while (buffer.size() < length)
      if (!receive()) return void(::close(connection));
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);

    const HttpReply reply = respond_(request);
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    request_arrived_.notify_all();

    if (reply.stall) {
      // Read and drop whatever comes, never answer, until the client gives up.
      while (receive()) buffer.clear();
      return void(::close(connection));
    }
    std::string answer = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
    answer += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    for (const auto& [name, value] : reply.headers) answer += name + ": " + value + "\r\n";
    answer += "\r\n";
    if (request.method != "HEAD") answer += reply.body;
    if (!send_all(connection, answer)) return void(::close(connection));
  }
}

}  // namespace zarr::testing
