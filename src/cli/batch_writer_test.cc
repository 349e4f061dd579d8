// BatchWriter writes every submitted batch in order, counts duplicates, and stops at the
// first store error, reporting it from Submit or Finish.
#include "cli/batch_writer.h"

#include <gtest/gtest.h>

#include "taxii/testing/memory_store.h"

namespace entente::cli {
namespace {

std::vector<store::NewObject> Batch(int from, int count) {
  std::vector<store::NewObject> batch;
  for (int i = from; i < from + count; ++i) {
    store::NewObject& o = batch.emplace_back();
    o.id = "indicator--" + std::to_string(i);
    o.type = "indicator";
    o.spec_version = "2.1";
    o.version = "2020-01-01T00:00:00.000Z";
    o.version_us = 1;
    o.json = "{}";
    o.labels.owner_org = "org-a";
  }
  return batch;
}

class BatchWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.PutCollection({"c-1", "api", "T", "", policy::Tlp::kAmber, {}, {}}).ok());
  }
  taxii::testing::MemoryStore store_;
};

TEST_F(BatchWriterTest, WritesEveryBatchAndCountsDuplicates) {
  BatchWriter writer(store_, "c-1");
  for (int b = 0; b < 10; ++b) ASSERT_TRUE(writer.Submit(Batch(b * 100, 100)).ok());
  ASSERT_TRUE(writer.Submit(Batch(0, 50)).ok());  // already stored
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.added(), 1000);
  EXPECT_EQ(writer.duplicate(), 50);
  auto count = store_.CountObjects("c-1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1000);
}

TEST_F(BatchWriterTest, FirstStoreErrorStopsTheWriter) {
  BatchWriter writer(store_, "no-such-collection");
  Status first = writer.Submit(Batch(0, 10));
  Status later = Status::Ok();
  for (int b = 1; b < 5 && later.ok(); ++b) later = writer.Submit(Batch(b * 10, 10));
  Status end = writer.Finish();
  EXPECT_TRUE(first.ok());  // queued before the writer found out
  EXPECT_EQ(end.code(), StatusCode::kNotFound) << end.ToString();
  EXPECT_EQ(writer.added(), 0);
}

TEST_F(BatchWriterTest, SeveralBatchesPerTransactionAreAllWrittenAndCounted) {
  BatchWriter writer(store_, "c-1", /*objects_per_transaction=*/250);
  for (int b = 0; b < 10; ++b) ASSERT_TRUE(writer.Submit(Batch(b * 100, 100)).ok());
  ASSERT_TRUE(writer.Submit(Batch(950, 100)).ok());  // 50 already stored
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(writer.added(), 1050);
  EXPECT_EQ(writer.duplicate(), 50);
  auto count = store_.CountObjects("c-1");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1050);
}

TEST_F(BatchWriterTest, FinishWithNothingSubmittedIsOk) {
  BatchWriter writer(store_, "c-1");
  EXPECT_TRUE(writer.Finish().ok());
  EXPECT_TRUE(writer.Finish().ok());
}

}  // namespace
}  // namespace entente::cli
