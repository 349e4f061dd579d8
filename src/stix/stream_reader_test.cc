// StreamReader hands over exactly the items Boost.JSON's whole-document parse finds, in
// order, whatever the chunking; keeps the bundle's other members; and reports malformed
// input with its offset.
#include "stix/stream_reader.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace entente::stix {
namespace {

namespace json = boost::json;

struct Read {
  Status status;
  DocumentShape shape = DocumentShape::kUnknown;
  std::vector<json::value> items;
  json::object envelope;
};

Read ReadInChunks(std::string_view text, size_t chunk, const ParseLimits& limits = {}) {
  Read out;
  StreamReader reader(
      [&](const json::value& item, size_t index) {
        EXPECT_EQ(index, out.items.size());
        out.items.push_back(item);
        return Status::Ok();
      },
      limits);
  for (size_t at = 0; at < text.size() && out.status.ok(); at += chunk) {
    out.status = reader.Write(text.substr(at, chunk));
  }
  if (out.status.ok()) out.status = reader.Finish();
  out.shape = reader.shape();
  out.envelope = reader.envelope();
  return out;
}

const char* kBundle = R"({"type":"bundle","id":"bundle--1","objects":[
  {"type":"indicator","id":"indicator--1","name":"caf\u00e9 \"quoted\"","n":[1,2,[3,{"x":null}]]},
  {"type":"malware","id":"malware--2","is_family":true,"score":1.5e3,"big":18446744073709551615},
  42, "a string item", [1,2]
 ],"x_extra":{"k":[true,false]}})";

TEST(StreamReaderTest, BundleItemsAndEnvelopeWhateverTheChunking) {
  json::value whole = json::parse(kBundle);
  json::object expected_envelope = whole.get_object();
  expected_envelope.erase("objects");
  for (size_t chunk : {1, 2, 3, 7, 64, 100000}) {
    SCOPED_TRACE(chunk);
    Read r = ReadInChunks(kBundle, chunk);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.shape, DocumentShape::kBundle);
    ASSERT_EQ(r.items.size(), 5u);
    for (size_t i = 0; i < r.items.size(); ++i) EXPECT_EQ(r.items[i], whole.at("objects").at(i));
    EXPECT_EQ(r.envelope, expected_envelope);
  }
}

TEST(StreamReaderTest, ObjectsBeforeTypeGiveTheSameItemsAtFinish) {
  const char* text = R"({"objects":[{"id":"a"},{"id":"b"}],"id":"bundle--2","type":"bundle"})";
  Read r = ReadInChunks(text, 5);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.shape, DocumentShape::kBundle);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[1], json::parse(R"({"id":"b"})"));
  EXPECT_EQ(r.envelope, json::parse(R"({"id":"bundle--2","type":"bundle"})").get_object());
}

TEST(StreamReaderTest, ArrayDocumentStreamsItsElements) {
  Read r = ReadInChunks(R"([{"type":"indicator"}, 7, [], {"a":{"b":[1]}}])", 3);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.shape, DocumentShape::kArray);
  ASSERT_EQ(r.items.size(), 4u);
  EXPECT_EQ(r.items[3], json::parse(R"({"a":{"b":[1]}})"));
  EXPECT_TRUE(r.envelope.empty());
}

TEST(StreamReaderTest, SingleObjectIsTheOneItem) {
  const char* text = R"({"type":"campaign","objects":[1,2],"id":"campaign--1"})";
  Read r = ReadInChunks(text, 4);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.shape, DocumentShape::kObject);
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0], json::parse(text));
}

TEST(StreamReaderTest, ScalarDocumentIsOneNonObjectItem) {
  Read r = ReadInChunks("  12345  ", 2);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(r.items[0], json::value(12345));
}

TEST(StreamReaderTest, BundleWhoseObjectsIsNotAnArrayKeepsItInTheEnvelope) {
  Read r = ReadInChunks(R"({"type":"bundle","objects":{"not":"a list"}})", 100);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.shape, DocumentShape::kBundle);
  EXPECT_TRUE(r.items.empty());
  EXPECT_TRUE(r.envelope.contains("objects"));
}

TEST(StreamReaderTest, MalformedInputNamesTheOffset) {
  Read r = ReadInChunks(R"({"type":"bundle","objects":[{"a":1},{"b":]})", 4);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("byte offset"), std::string::npos) << r.status.message();
  EXPECT_EQ(r.items.size(), 1u);  // the complete first item was handed over
}

TEST(StreamReaderTest, IncompleteExtraAndTooDeepAreErrors) {
  EXPECT_EQ(ReadInChunks(R"({"type":"bundle","objects":[{"a":1})", 3).status.code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadInChunks(R"([1,2] [3])", 3).status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadInChunks("", 3).status.code(), StatusCode::kInvalidArgument);
  ParseLimits limits;
  limits.max_depth = 4;
  std::string deep = R"({"type":"bundle","objects":[{"a":{"b":{"c":{}}}}]})";
  EXPECT_EQ(ReadInChunks(deep, 5, limits).status.code(), StatusCode::kResourceExhausted);
  limits = {};
  limits.max_bytes = 10;
  EXPECT_EQ(ReadInChunks(R"([1,2,3,4,5,6,7])", 4, limits).status.code(),
            StatusCode::kResourceExhausted);
}

TEST(StreamReaderTest, RepeatedTopLevelMemberIsAnError) {
  Read r = ReadInChunks(R"({"type":"bundle","objects":[{"a":1}],"objects":[{"b":2}]})", 6);
  EXPECT_EQ(r.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status.message().find("\"objects\" twice"), std::string::npos) << r.status.message();
  // Repeated members inside an item are Boost.JSON's business, as in a whole parse.
  EXPECT_TRUE(ReadInChunks(R"([{"a":1,"a":2}])", 3).status.ok());
}

TEST(StreamReaderTest, CallbackErrorStopsTheReader) {
  int calls = 0;
  StreamReader reader([&](const json::value&, size_t) {
    ++calls;
    return Status::Unavailable("store is gone");
  });
  Status s = reader.Write(R"([{"a":1},{"b":2},{"c":3}])");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(reader.Finish().code(), StatusCode::kUnavailable);
}

TEST(JsonSyntaxCheckerTest, AgreesWithTheReaderOnWhatIsJson) {
  for (const char* text : {R"({"type":"bundle","objects":[{"a":1}]})", "[1, 2.5, \"x\"]", "7",
                           R"({"a":)", "[1,2] 3", "", R"({"a":"\q"})", "  -0.5e2 "}) {
    SCOPED_TRACE(text);
    JsonSyntaxChecker checker;
    Status s;
    const std::string_view all(text);
    for (size_t at = 0; at < all.size() && s.ok(); at += 2) s = checker.Write(all.substr(at, 2));
    if (s.ok()) s = checker.Finish();
    EXPECT_EQ(s.ok(), ReadInChunks(text, 2).status.ok()) << s.ToString();
  }
}

// Every real bundle in tests/data, cut at random places, reads as Boost.JSON parses it.
TEST(StreamReaderTest, RealBundlesAtRandomChunkSizes) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(ENTENTE_SHARED_DATA_DIR) / "stix";
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  std::mt19937 rng(20261123);
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().string());
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    json::value whole = json::parse(text);
    Read r;
    StreamReader reader([&](const json::value& item, size_t) {
      r.items.push_back(item);
      return Status::Ok();
    });
    for (size_t at = 0; at < text.size();) {
      size_t n = std::uniform_int_distribution<size_t>(1, 9000)(rng);
      ASSERT_TRUE(reader.Write(std::string_view(text).substr(at, n)).ok());
      at += n;
    }
    ASSERT_TRUE(reader.Finish().ok());
    if (whole.is_object() && whole.get_object().contains("objects")) {
      const json::array& objects = whole.at("objects").get_array();
      ASSERT_EQ(r.items.size(), objects.size());
      for (size_t i = 0; i < objects.size(); ++i) ASSERT_EQ(r.items[i], objects[i]);
    } else {
      ASSERT_EQ(r.items.size(), 1u);
      EXPECT_EQ(r.items[0], whole);
    }
    ++files;
  }
  EXPECT_GT(files, 5u);
}

}  // namespace
}  // namespace entente::stix
