#include "zarr/s3_key.hh"

#include <gtest/gtest.h>

namespace zarr {
namespace {

TEST(S3Encode, KeepsOnlyUnreservedBytes) {
  EXPECT_EQ(s3_encode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(s3_encode("a b", true), "a%20b");
  EXPECT_EQ(s3_encode("1+1", true), "1%2B1");
  EXPECT_EQ(s3_encode("100%", true), "100%25");
  EXPECT_EQ(s3_encode("~user", true), "~user");
  EXPECT_EQ(s3_encode("a=b&c", false), "a%3Db%26c");
}

TEST(S3Encode, SlashKeptInPathsOnly) {
  EXPECT_EQ(s3_encode("run.zarr/0/.zarray", true), "run.zarr/0/.zarray");
  EXPECT_EQ(s3_encode("run.zarr/0/", false), "run.zarr%2F0%2F");
}

TEST(S3Encode, UnicodeAsUppercaseUtf8Bytes) {
  EXPECT_EQ(s3_encode("\xC3\xA9t\xC3\xA9", true), "%C3%A9t%C3%A9");  // "été"
  EXPECT_EQ(s3_encode("\xE2\x82\xAC", true), "%E2%82%AC");           // "€"
}

TEST(S3Query, SortedEveryNameWithEquals) {
  EXPECT_EQ(s3_query({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(s3_query({{"uploadId", "x y"}, {"partNumber", "2"}}), "partNumber=2&uploadId=x%20y");
  EXPECT_EQ(s3_query({{"prefix", "a b/c+"}, {"max-keys", "1"}, {"list-type", "2"}, {"continuation-token", "t/=="}}),
            "continuation-token=t%2F%3D%3D&list-type=2&max-keys=1&prefix=a%20b%2Fc%2B");
}

}  // namespace
}  // namespace zarr
