#include "zarr/s3_xml.hh"

#include <gtest/gtest.h>

namespace zarr {
namespace {

TEST(S3Xml, ErrorBody) {
  const S3ErrorBody e = parse_s3_error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket "
      "does not exist &amp; never did</Message><BucketName>x</BucketName></Error>");
  EXPECT_EQ(e.code, "NoSuchBucket");
  EXPECT_EQ(e.message, "The specified bucket does not exist & never did");
}

TEST(S3Xml, NotAnErrorBody) {
  EXPECT_EQ(parse_s3_error("").code, "");
  EXPECT_EQ(parse_s3_error("<html><body>502 Bad Gateway</body></html>").code, "");
  EXPECT_EQ(parse_s3_error("<Error><Code>Trunc").code, "");
}

TEST(S3Xml, ListPageWithNamespace) {
  const auto page = parse_s3_list(
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<IsTruncated>true</IsTruncated><NextContinuationToken>tok/en==</NextContinuationToken>"
      "<Contents><Key>run.zarr/.zgroup</Key><Size>24</Size></Contents>"
      "<Contents><Key>run.zarr/a &amp; b</Key></Contents></ListBucketResult>");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->keys, (std::vector<std::string>{"run.zarr/.zgroup", "run.zarr/a & b"}));
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "tok/en==");
}

TEST(S3Xml, EmptyAndForeignListings) {
  const auto empty = parse_s3_list("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->keys.empty());
  EXPECT_FALSE(empty->truncated);
  EXPECT_FALSE(parse_s3_list("<Error><Code>AccessDenied</Code></Error>"));
  EXPECT_FALSE(parse_s3_list("not xml"));
}

TEST(S3Xml, UploadId) {
  EXPECT_EQ(parse_s3_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                               "<UploadId>2~abc.DEF</UploadId></InitiateMultipartUploadResult>"),
            "2~abc.DEF");
  EXPECT_EQ(parse_s3_upload_id("<Error><Code>NoSuchBucket</Code></Error>"), "");
}

TEST(S3Xml, Escape) { EXPECT_EQ(xml_escape("\"a\"&<b>"), "&quot;a&quot;&amp;&lt;b&gt;"); }

}  // namespace
}  // namespace zarr
