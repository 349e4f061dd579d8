#include "taxii/responses.h"

#include <gtest/gtest.h>

namespace entente::taxii {
namespace {

TEST(Accept, AdmitsTaxiiWithOrWithoutVersionAndWildcards) {
  EXPECT_TRUE(AcceptsTaxii(std::nullopt));
  EXPECT_TRUE(AcceptsTaxii("application/taxii+json;version=2.1"));
  EXPECT_TRUE(AcceptsTaxii("application/taxii+json"));
  EXPECT_TRUE(AcceptsTaxii("Application/TAXII+json ; version=2.1"));
  EXPECT_TRUE(AcceptsTaxii("text/html, */*;q=0.8"));
  EXPECT_TRUE(AcceptsTaxii("application/*"));
  EXPECT_TRUE(AcceptsTaxii("application/json, application/taxii+json;version=2.1"));
}

TEST(Accept, RefusesOtherTypesAndVersions) {
  EXPECT_FALSE(AcceptsTaxii("application/json"));
  EXPECT_FALSE(AcceptsTaxii("application/taxii+json;version=2.0"));
  EXPECT_FALSE(AcceptsTaxii("text/html, application/xml"));
  EXPECT_FALSE(AcceptsTaxii("application/taxii+json;q=0"));
  EXPECT_FALSE(AcceptsTaxii("garbage"));
}

// TAXII 2.1 §1.6.8 makes the version parameter optional, and §3.1 says a media type
// defined for the endpoint MUST NOT result in 415.
TEST(ContentType, TaxiiWithVersion21OrNoVersion) {
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json;version=2.1"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json; version=2.1; charset=utf-8"));
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json"));
  EXPECT_TRUE(IsTaxiiContentType("Application/TAXII+JSON; charset=utf-8"));
  EXPECT_FALSE(IsTaxiiContentType("application/taxii+json;version=2.0"));
  EXPECT_FALSE(IsTaxiiContentType("application/json"));
  EXPECT_FALSE(IsTaxiiContentType("application/stix+json;version=2.1"));
  EXPECT_FALSE(IsTaxiiContentType(std::nullopt));
}

TEST(Errors, ResourceCarriesStatusAndAuthenticateHeader) {
  auto r = TaxiiError(401, "Unauthorized", "bad \"token\"");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body,
            "{\"title\":\"Unauthorized\",\"description\":\"bad \\\"token\\\"\",\"http_status\":"
            "\"401\"}");
  bool has_auth = false;
  for (const auto& [k, v] : r.headers) has_auth |= k == "WWW-Authenticate";
  EXPECT_TRUE(has_auth);
  EXPECT_EQ(TaxiiErrorFromStatus(Status::InvalidArgument("limit: x")).status, 400);
  EXPECT_EQ(TaxiiErrorFromStatus(Status::ResourceExhausted("x")).status, 413);
  EXPECT_EQ(TaxiiErrorFromStatus(Status::PermissionDenied("x")).status, 403);
  auto internal = TaxiiErrorFromStatus(Status::IoError("disk /secret/path failed"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("/secret/path"), std::string::npos);
}

}  // namespace
}  // namespace entente::taxii
