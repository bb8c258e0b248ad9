#include "zarr/dimensions.hh"

#include <gtest/gtest.h>

#include "zarr/error.hh"

namespace zarr {
namespace {

// Expects the text refused about "dimensions", quoting `fragment`.
void expect_refused(const std::string& text, const std::string& fragment) {
  try {
    parse_dimensions(text);
    ADD_FAILURE() << "\"" << text << "\" accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_setting);
    EXPECT_EQ(e.setting(), "dimensions");
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Dimensions, TheIssuesExample) {
  const std::vector<Dimension> d = parse_dimensions("t,c:channel:2,z:space:50:10");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], (Dimension{"t", DimensionKind::time, 0, 0, 0}));  // unbounded, chunk and shard by rule
  EXPECT_EQ(d[1], (Dimension{"c", DimensionKind::channel, 2, 0, 0}));
  EXPECT_EQ(d[2], (Dimension{"z", DimensionKind::space, 50, 10, 0}));
}

TEST(Dimensions, KindsFromNamesAndEmptyFieldsTakeDefaults) {
  const std::vector<Dimension> d = parse_dimensions(" time:::4:2 , ch:3, angle:other:7:1:7");
  EXPECT_EQ(d[0], (Dimension{"time", DimensionKind::time, 0, 4, 2}));
  EXPECT_EQ(parse_dimensions("t::4")[0], (Dimension{"t", DimensionKind::time, 4, 0, 0}));  // size 4, not chunk
  EXPECT_EQ(d[1], (Dimension{"ch", DimensionKind::channel, 3, 0, 0}));
  EXPECT_EQ(d[2], (Dimension{"angle", DimensionKind::other, 7, 1, 7}));
  EXPECT_EQ(parse_dimensions("z")[0].kind, DimensionKind::space);
  EXPECT_EQ(parse_dimensions("pos")[0].kind, DimensionKind::other);
  EXPECT_EQ(parse_dimensions("t:time:10")[0].size, 10u);  // a bounded append dimension
  EXPECT_EQ(parse_dimensions("t,c")[1].size, 1u);         // the default layout: c of one channel
}

TEST(Dimensions, TextRoundTrips) {
  for (const char* text : {"t,c", "t,c:channel:2,z:space:50:10", "z:space::3:2,c:channel:4:2:2", "pos:other:9"}) {
    const std::vector<Dimension> d = parse_dimensions(text);
    EXPECT_EQ(parse_dimensions(to_text(d)), d) << text << " -> " << to_text(d);
  }
}

TEST(Dimensions, EachWrongPartIsNamed) {
  expect_refused("", "is empty");
  expect_refused("t,,z", "empty dimension");
  expect_refused("t,z:spce:5", "unknown kind \"spce\"");
  expect_refused("t,z:space:0", "\"z:space:0\": the size is 0");
  expect_refused("t,z:space:5:0", "the chunk is 0");
  expect_refused("t,z:space:5:6", "the chunk 6 is larger than the size 5");
  expect_refused("t,z:space:five", "\"z:space:five\"");
  expect_refused("t,z:space:-5", "\"-5\" is not a whole number");
  expect_refused("t,z:space:99999999999999999999", "is more than");
  expect_refused("t,z:space:5:1:70000", "shard");
  expect_refused("t,z,Z", "\"Z\" is named twice");
  expect_refused("t,y:space:4", "y and x are the frame's own axes");
  expect_refused("t,X", "y and x");
  expect_refused("t,2z", "is not a letter");
  expect_refused(":space:4", "has no name");
  expect_refused("t,c,z,q", "at most 3");
  expect_refused("t:time:1:1:1:1", "has 6 fields");
}

}  // namespace
}  // namespace zarr
