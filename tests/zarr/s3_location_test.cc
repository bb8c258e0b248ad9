#include "zarr/s3_location.hh"

#include <gtest/gtest.h>

#include "zarr/error.hh"

namespace zarr {
namespace {

void expect_rejected(const std::string& location, const std::string& fragment) {
  try {
    parse_s3_location(location);
    ADD_FAILURE() << location << " accepted; expected an error about " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_NE(std::string(e.what()).find("location"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(S3Location, BucketAndPrefix) {
  const S3Location l = parse_s3_location("s3://my-bucket.data/path/to/run.zarr");
  EXPECT_EQ(l.bucket, "my-bucket.data");
  EXPECT_EQ(l.prefix, "path/to/run.zarr");
  EXPECT_EQ(l.object_key("0/.zarray"), "path/to/run.zarr/0/.zarray");
  EXPECT_EQ(l.object_key(""), "path/to/run.zarr/");  // a listing of run.zarr/ never sees run.zarr2/
  EXPECT_EQ(l.uri("0/0/0/0/0"), "s3://my-bucket.data/path/to/run.zarr/0/0/0/0/0");
  EXPECT_EQ(l.uri(""), "s3://my-bucket.data/path/to/run.zarr");
}

TEST(S3Location, TrailingSlashAndBucketRoot) {
  EXPECT_EQ(parse_s3_location("s3://bkt/run.zarr/").prefix, "run.zarr");
  const S3Location root = parse_s3_location("s3://bkt");
  EXPECT_EQ(root.bucket, "bkt");
  EXPECT_EQ(root.prefix, "");
  EXPECT_EQ(root.object_key(""), "");
  EXPECT_EQ(root.object_key("zarr.json"), "zarr.json");
  EXPECT_EQ(parse_s3_location("s3://bkt/").prefix, "");
}

TEST(S3Location, KeepsUnusualCharactersInThePath) {
  EXPECT_EQ(parse_s3_location("s3://bkt/my run+1 %/\xC3\xA9.zarr").prefix, "my run+1 %/\xC3\xA9.zarr");
}

TEST(S3Location, RejectsBadBuckets) {
  expect_rejected("s3://", "no bucket");
  expect_rejected("s3:///run.zarr", "no bucket");
  expect_rejected("s3://ab/run.zarr", "2 characters");
  expect_rejected("s3://" + std::string(64, 'a') + "/x", "64 characters");
  expect_rejected("s3://My_Bucket/x", "invalid bucket name");
  expect_rejected("s3://-bucket/x", "invalid bucket name");
  expect_rejected("s3://bucket-/x", "invalid bucket name");
  expect_rejected("s3://a..b/x", "invalid bucket name");
  expect_rejected("s3://192.168.1.1/x", "IP address");
}

TEST(S3Location, RejectsEmptyAndDotSegments) {
  expect_rejected("s3://bkt/a//b", "path segment");
  expect_rejected("s3://bkt/a/../b", "path segment");
  expect_rejected("s3://bkt/./b", "path segment");
}

TEST(S3Location, Scheme) {
  EXPECT_TRUE(is_s3_location("s3://bkt/x"));
  EXPECT_FALSE(is_s3_location("/data/s3://x"));
  EXPECT_FALSE(is_s3_location("S3://bkt/x"));
}

}  // namespace
}  // namespace zarr
