#include "engine/key_journal.h"

#include "engine/runtime.h"
#include "engine/shard_set.h"
#include "gtest/gtest.h"

namespace engine {
namespace {

std::string StringOf(Db& db, std::string_view key) {
  KeyRef ref = db.Find(key, 1000);
  if (!ref) return "<missing>";
  char scratch[24];
  return std::string(static_cast<const StringObject*>(ref.obj())->View(scratch));
}

class KeyJournalTest : public ::testing::Test {
 protected:
  CdsRuntime runtime_;
  CdsThreadScope scope_;
  ShardSet set_{2};
};

TEST_F(KeyJournalTest, UndoRestoresValuesTtlsAndAbsence) {
  Shard& s0 = set_.shard(0);
  Shard& s1 = set_.shard(1);
  s0.db(0).Set("kept", StringObject::Create("old"), 5000, false, 1000);
  s1.db(3).Set("other", StringObject::Create("1"), 0, false, 1000);
  KeyJournal journal;
  journal.Save(s0, 0, "kept", 1000);
  journal.Save(s0, 0, "new", 1000);
  journal.Save(s1, 3, "other", 1000);
  // The work: overwrite (dropping the TTL), create, delete.
  s0.db(0).Set("kept", StringObject::Create("changed"), 0, false, 1000);
  journal.Save(s0, 0, "kept", 1000);  // a second save of a key keeps the first image
  s0.db(0).Set("new", StringObject::Create("x"), 0, false, 1000);
  s1.db(3).Erase("other");
  EXPECT_EQ(journal.size(), 3u);
  journal.Undo(1000);
  EXPECT_EQ(StringOf(s0.db(0), "kept"), "old");
  EXPECT_EQ(s0.db(0).Find("kept", 1000).entry->expire_ms.load(), 5000);
  EXPECT_EQ(StringOf(s0.db(0), "new"), "<missing>");
  EXPECT_EQ(StringOf(s1.db(3), "other"), "1");
  EXPECT_EQ(journal.size(), 0u);
}

TEST_F(KeyJournalTest, ClearKeepsTheWork) {
  Shard& s0 = set_.shard(0);
  s0.db(0).Set("k", StringObject::Create("a"), 0, false, 1000);
  KeyJournal journal;
  journal.Save(s0, 0, "k", 1000);
  s0.db(0).Set("k", StringObject::Create("b"), 0, false, 1000);
  journal.Clear();
  journal.Undo(1000);  // nothing left to undo
  EXPECT_EQ(StringOf(s0.db(0), "k"), "b");
}

TEST_F(KeyJournalTest, ExpiredKeysCountAsAbsent) {
  Shard& s0 = set_.shard(0);
  s0.db(0).Set("gone", StringObject::Create("a"), 500, false, 100);
  KeyJournal journal;
  journal.Save(s0, 0, "gone", 1000);  // expired by now
  s0.db(0).Set("gone", StringObject::Create("b"), 0, false, 1000);
  journal.Undo(1000);
  EXPECT_EQ(StringOf(s0.db(0), "gone"), "<missing>");
}

}  // namespace
}  // namespace engine
