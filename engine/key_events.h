#ifndef SHARDIS_ENGINE_KEY_EVENTS_H_
#define SHARDIS_ENGINE_KEY_EVENTS_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace engine {

// The classes of keyspace events, with Redis's bit values (its
// notify-keyspace-events letters in the comments).
enum KeyEventClass : uint32_t {
  kEventKeyspace = 1 << 0,  // K: publish to __keyspace@<db>__:<key>
  kEventKeyevent = 1 << 1,  // E: publish to __keyevent@<db>__:<event>
  kEventGeneric = 1 << 2,   // g
  kEventString = 1 << 3,    // $
  kEventList = 1 << 4,      // l
  kEventSet = 1 << 5,       // s
  kEventHash = 1 << 6,      // h
  kEventZset = 1 << 7,      // z
  kEventExpired = 1 << 8,   // x
  kEventEvicted = 1 << 9,   // e
  kEventStream = 1 << 10,   // t
  kEventKeyMiss = 1 << 11,  // m (not part of A)
  kEventModule = 1 << 13,   // d
  kEventNew = 1 << 14,      // n (not part of A)
  kEventAll = kEventGeneric | kEventString | kEventList | kEventSet | kEventHash | kEventZset |
              kEventExpired | kEventEvicted | kEventStream | kEventModule,
};

// Where a Db reports what happened to its keys (Redis's
// notifyKeyspaceEvent). The engine only reports; the server decides who
// hears it. `enabled` is the configured mask: a class outside it costs the
// reporting code one relaxed load.
class KeyEvents {
 public:
  virtual ~KeyEvents() = default;

  bool wants(uint32_t event_class) const {
    uint32_t mask = mask_.load(std::memory_order_relaxed);
    return (mask & event_class) != 0 && (mask & (kEventKeyspace | kEventKeyevent)) != 0;
  }
  uint32_t mask() const { return mask_.load(std::memory_order_relaxed); }
  void set_mask(uint32_t mask) { mask_.store(mask, std::memory_order_relaxed); }

  // Called on whichever thread changed the key (its shard's, or a script's
  // that holds the shard), only when wants(event_class).
  virtual void Emit(uint32_t event_class, std::string_view event, std::string_view key,
                    int db_index) = 0;

  // Client-side caching (CLIENT TRACKING): while some client tracks keys,
  // every change the engine or a write command notes (Db::NoteChanged)
  // comes here, on the thread that made it.
  bool tracking() const { return tracking_.load(std::memory_order_relaxed); }
  void set_tracking(bool on) { tracking_.store(on, std::memory_order_relaxed); }
  virtual void KeyChanged(std::string_view key) { (void)key; }

 private:
  std::atomic<uint32_t> mask_{0};
  std::atomic<bool> tracking_{false};
};

// Whose command makes the changes the calling thread makes (an id the
// embedder chooses, a client's; 0: nobody's - expiry, eviction), so a sink
// can tell a client about others' changes only (CLIENT TRACKING's NOLOOP).
// The embedder sets it around each command it runs; scopes nest.
class ChangeAuthor {
 public:
  explicit ChangeAuthor(uint64_t id);
  ~ChangeAuthor();
  ChangeAuthor(const ChangeAuthor&) = delete;
  ChangeAuthor& operator=(const ChangeAuthor&) = delete;
  static uint64_t Current();

 private:
  uint64_t outer_;
};

// Key events held back instead of reported at once. Work that runs on
// several threads at the same time (a multi-key command's phase on each of
// its shards, EXEC's rounds) logs each thread's events and reports them
// afterwards from one thread, in the order a one-threaded server raises them;
// a script logs its attempt's events so that an undone attempt reports none.
//
// A log belongs to one thread at a time: the one that installed it (Scope)
// or reports it.
class KeyEventLog {
 public:
  // While a Scope lives, the calling thread's events (Db::Notify) go into
  // `log` rather than out. Scopes nest: the inner log takes them.
  class Scope {
   public:
    explicit Scope(KeyEventLog* log);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    KeyEventLog* outer_;
  };

  // The log the calling thread's events go to, or nullptr.
  static KeyEventLog* Current();

  // The sort key of the events logged from now on: ReportMerged orders by
  // (phase, slot). A multi-key command's phase sets its index; its code sets
  // the slot (SortAt), usually the argument position of the key it handles.
  void SetPhase(uint32_t phase) {
    phase_ = phase;
    slot_ = 0;
  }
  // Sets the slot of the calling thread's current log, if any.
  static void SortAt(uint32_t slot);

  void Add(KeyEvents* sink, uint32_t event_class, std::string_view event, std::string_view key,
           int db_index);
  bool empty() const { return events_.empty(); }
  void Clear() { events_.clear(); }

  // Reports the events in the order they were logged, as if raised now on
  // the calling thread (into its current log when it has one), and empties
  // the log.
  void Report();
  // Reports the events of all `logs` ordered by (phase, slot) - among equal
  // keys, in log order then logging order - and empties them. "keymiss"
  // events of slots past `last_read_slot` are dropped: a command that stops
  // at one of its keys, as Redis's loops do at a WRONGTYPE key, never read
  // the keys after it (its shards did, at the same time).
  static void ReportMerged(std::vector<KeyEventLog>& logs, uint32_t last_read_slot = UINT32_MAX);

 private:
  struct Event {
    KeyEvents* sink;
    uint32_t event_class;
    int db_index;
    uint32_t phase;
    uint32_t slot;
    std::string event;
    std::string key;
  };
  static void Raise(const Event& e);

  std::vector<Event> events_;
  uint32_t phase_ = 0;
  uint32_t slot_ = 0;
};

}  // namespace engine

#endif  // SHARDIS_ENGINE_KEY_EVENTS_H_
