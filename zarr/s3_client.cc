#include "zarr/s3_client.hh"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <thread>

#include "zarr/s3_key.hh"
#include "zarr/s3_xml.hh"

namespace zarr {

namespace {

// Streams an S3Body to libcurl; rewinds when libcurl asks (a retried send).
struct BodyReader {
  const S3Body* body;
  std::uint64_t position = 0;  // within [0, body->size)

  std::size_t read(char* out, std::size_t capacity) {
    std::size_t written = 0;
    std::uint64_t skip = body->offset + position;  // bytes of the concatenation before the cursor
    for (std::span<const std::byte> part : body->parts) {
      if (written == capacity || position == body->size) break;
      if (skip >= part.size()) {
        skip -= part.size();
        continue;
      }
      const std::size_t n =
          std::size_t(std::min<std::uint64_t>({part.size() - skip, capacity - written, body->size - position}));
      std::memcpy(out + written, part.data() + skip, n);
      written += n;
      position += n;
      skip = 0;
    }
    return written;
  }
};

std::size_t read_body(char* out, std::size_t size, std::size_t count, void* reader) {
  return static_cast<BodyReader*>(reader)->read(out, size * count);
}

int seek_body(void* reader, curl_off_t offset, int origin) {
  auto* r = static_cast<BodyReader*>(reader);
  if (origin != SEEK_SET || offset < 0 || std::uint64_t(offset) > r->body->size) return CURL_SEEKFUNC_CANTSEEK;
  r->position = std::uint64_t(offset);
  return CURL_SEEKFUNC_OK;
}

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* response) {
  static_cast<S3Response*>(response)->body.append(data, size * count);
  return size * count;
}

std::size_t collect_header(char* data, std::size_t size, std::size_t count, void* response) {
  const std::string_view line(data, size * count);
  constexpr std::string_view name = "etag:";
  if (line.size() > name.size() && std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    std::string_view value = line.substr(name.size());
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    static_cast<S3Response*>(response)->etag = value;
  }
  return size * count;
}

// One transfer as its progress callback sees it. A cancel aborts a transfer
// that has moved no byte for stall_limit (half a second), and leaves one that is moving: a
// stop that finishes the recording still completes every healthy upload,
// while a gateway that accepted the connection and went silent is given up.
struct TransferWatch {
  static constexpr std::chrono::milliseconds stall_limit{500};
  const Cancellation* cancellation;
  curl_off_t bytes_moved = -1;
  std::chrono::steady_clock::time_point last_movement = std::chrono::steady_clock::now();
};

// libcurl's progress callback: a non-zero answer aborts the transfer
// (CURLE_ABORTED_BY_CALLBACK). libcurl calls it about once a second even
// while the server sends nothing, which bounds how long a cancel waits.
int abort_when_cancelled_and_stalled(void* data, curl_off_t, curl_off_t down_now, curl_off_t, curl_off_t up_now) {
  auto& watch = *static_cast<TransferWatch*>(data);
  const auto now = std::chrono::steady_clock::now();
  if (down_now + up_now != watch.bytes_moved) {
    watch.bytes_moved = down_now + up_now;
    watch.last_movement = now;
  }
  return watch.cancellation->cancelled() && now - watch.last_movement >= TransferWatch::stall_limit ? 1 : 0;
}

// Worth another try: the connection broke or could not be made, or the
// server was overloaded. A host that does not resolve, a bad URL or TLS
// certificate problems will not get better by waiting.
bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

bool is_transient(const S3Response& response) {
  if (response.status >= 500 || response.status == 429) return true;
  // S3 answers 400 RequestTimeout when the body came too slowly.
  return response.status == 400 && parse_s3_error(response.body).code == "RequestTimeout";
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& header) {
    curl_slist* grown = curl_slist_append(list, header.c_str());
    if (!grown) throw std::bad_alloc();
    list = grown;
  }
};

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string s3_endpoint(const S3Options& options) {
  std::string endpoint =
      options.endpoint.empty() ? "https://s3." + options.region + ".amazonaws.com" : options.endpoint;
  while (endpoint.ends_with('/')) endpoint.pop_back();
  return endpoint;
}

S3Client::S3Client(const S3Options& options, S3Location location, S3Credentials credentials, S3RetryPolicy retry,
                   const Cancellation* cancellation)
    : location_(std::move(location)),
      credentials_(std::move(credentials)),
      retry_(retry),
      cancellation_(cancellation),
      endpoint_(s3_endpoint(options)),
      signing_("aws:amz:" + options.region + ":s3") {
  global_init();
}

S3Client::~S3Client() {
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* S3Client::acquire() const {
  {
    std::lock_guard lock(handles_mutex_);
    if (!idle_handles_.empty()) {
      void* handle = idle_handles_.back();
      idle_handles_.pop_back();
      return handle;
    }
  }
  CURL* handle = curl_easy_init();
  if (!handle) throw std::bad_alloc();
  return handle;
}

void S3Client::release(void* handle) const {
  // curl_easy_reset clears the options but keeps the open connection.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard lock(handles_mutex_);
  idle_handles_.push_back(handle);
}

std::string S3Client::uri(const std::string& object_key) const {
  std::string key = object_key;
  if (!key.empty() && key.back() == '/') key.pop_back();
  return "s3://" + location_.bucket + (key.empty() ? "" : "/" + key);
}

S3Response S3Client::send(const char* method, const std::string& object_key, const std::string& query,
                          const S3Body& body, ErrorCode failure, const std::string& action,
                          const std::string& about) const {
  const std::string where = uri(about.empty() ? object_key : about);
  // Path-style addressing works with every endpoint (virtual hosts need DNS).
  std::string url = endpoint_ + "/" + location_.bucket;
  if (!object_key.empty()) url += "/" + s3_encode(object_key, true);
  if (!query.empty()) url += "?" + query;

  HeaderList headers;
  // Without it libcurl 7.88 signs the hash of an empty body and S3 refuses
  // every request with a body; the body's integrity is TCP's and TLS's job.
  headers.add("x-amz-content-sha256: UNSIGNED-PAYLOAD");
  if (!credentials_.session_token.empty()) headers.add("x-amz-security-token: " + credentials_.session_token);
  const std::string verb = method;
  if (verb == "POST") headers.add("Content-Type: application/xml");
  if (verb == "PUT") headers.add("Content-Type: application/octet-stream");  // else POST's form type (below)

  const auto interrupted = [&] {
    const char* what = verb == "PUT" || verb == "POST" ? "upload" : "request";
    return Error(ErrorCode::cancelled,
                 action + " " + where + ": the " + what + " was interrupted because the recording was cancelled",
                 where);
  };

  std::string last_problem;
  std::chrono::milliseconds delay = retry_.first_delay;
  for (int attempt = 1;; ++attempt) {
    // A retry waits for the store to recover: not once the recording is cancelled.
    if (attempt > 1 && cancelled()) throw interrupted();
    TransferWatch watch{cancellation_};
    CURL* curl = static_cast<CURL*>(acquire());
    BodyReader reader{&body};
    S3Response response;
    char error_text[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, signing_.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, credentials_.access_key_id.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, credentials_.secret_access_key.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    // A transfer that stalls for a minute is dead; a slow large one is not.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    if (cancellation_) {
      curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, abort_when_cancelled_and_stalled);
      curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &watch);
      curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    }
    // No wait for "100 Continue" before large bodies. (Removing the Expect
    // header with "Expect:" would do it too, but libcurl 7.88 then signs the
    // empty header and every request fails with SignatureDoesNotMatch.)
    curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
    if (verb == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (verb == "PUT") {
      // Sent as a POST whose method is PUT: libcurl 7.88 adds "Expect:
      // 100-continue" to every PUT (and cannot remove it, see above), and
      // the gateway's "100 Continue" before its answer then costs a
      // delayed-ACK wait, doubling the time of a 256 KB PUT; to a POST it
      // adds the header only above 1 MiB, where the wait does not matter.
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size));  // S3 refuses chunked uploads
    } else if (verb == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size));
    } else if (verb != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }
    if (verb == "PUT" || verb == "POST") {
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
      curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
      curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, seek_body);
      curl_easy_setopt(curl, CURLOPT_SEEKDATA, &reader);
    }

    const CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    release(curl);

    if (code == CURLE_ABORTED_BY_CALLBACK) throw interrupted();
    if (code != CURLE_OK) {
      last_problem = (error_text[0] ? std::string(error_text) : std::string(curl_easy_strerror(code))) + " (endpoint " +
                     endpoint_ + ")";
      if (!is_transient(code)) throw Error(failure, action + " " + where + ": " + last_problem, where);
    } else if (is_transient(response)) {
      const S3ErrorBody error = parse_s3_error(response.body);
      last_problem = "HTTP " + std::to_string(response.status) + (error.code.empty() ? "" : " " + error.code);
    } else {
      return response;
    }
    if (attempt >= retry_.tries)
      throw Error(failure,
                  action + " " + where + ": " + last_problem + ", " + std::to_string(attempt) + " tries in all", where);
    if (cancellation_) {
      if (!cancellation_->sleep_for(delay)) throw interrupted();
    } else {
      std::this_thread::sleep_for(delay);
    }
    delay *= 2;
  }
}

void S3Client::fail(const S3Response& response, ErrorCode failure, const std::string& action,
                    const std::string& object_key) const {
  const S3ErrorBody error = parse_s3_error(response.body);
  std::string message = action + " " + uri(object_key) + ": HTTP " + std::to_string(response.status);
  if (!error.code.empty()) message += " " + error.code;
  if (!error.message.empty()) message += ": " + error.message;
  if (response.status == 301 || error.code == "PermanentRedirect" || error.code == "AuthorizationHeaderMalformed")
    message += " (is the region or endpoint right? endpoint " + endpoint_ + ")";
  throw Error(failure, message, uri(object_key));
}

}  // namespace zarr
