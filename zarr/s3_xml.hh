// The XML answers of S3 that the store needs: error bodies, ListObjectsV2
// pages, the upload id of a multipart upload. Read with libxml2 rather than
// GLib's GMarkup: the zarr/ library does not otherwise depend on GLib, and
// libxml2 handles namespaces, entities and malformed bodies (a proxy's HTML
// error page) without surprises.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zarr {

struct S3ErrorBody {
  std::string code;     // "NoSuchBucket", "SignatureDoesNotMatch"; empty when the body was not an S3 error
  std::string message;  // S3's own sentence, may be empty
};
S3ErrorBody parse_s3_error(std::string_view body);

struct S3ListPage {
  std::vector<std::string> keys;
  bool truncated = false;
  std::string next_continuation_token;
};
// Nothing when the body is not a ListBucketResult.
std::optional<S3ListPage> parse_s3_list(std::string_view body);

// The UploadId of an InitiateMultipartUploadResult; empty when there is none.
std::string parse_s3_upload_id(std::string_view body);

// Text escaped for an XML element (the CompleteMultipartUpload body).
std::string xml_escape(std::string_view text);

}  // namespace zarr
