#include "engine/key_events.h"

#include <algorithm>

namespace engine {

namespace {
thread_local KeyEventLog* current_log = nullptr;
thread_local uint64_t current_author = 0;
}  // namespace

ChangeAuthor::ChangeAuthor(uint64_t id) : outer_(current_author) { current_author = id; }

ChangeAuthor::~ChangeAuthor() { current_author = outer_; }

uint64_t ChangeAuthor::Current() { return current_author; }

KeyEventLog::Scope::Scope(KeyEventLog* log) : outer_(current_log) { current_log = log; }

KeyEventLog::Scope::~Scope() { current_log = outer_; }

KeyEventLog* KeyEventLog::Current() { return current_log; }

void KeyEventLog::SortAt(uint32_t slot) {
  if (current_log != nullptr) current_log->slot_ = slot;
}

void KeyEventLog::Add(KeyEvents* sink, uint32_t event_class, std::string_view event,
                      std::string_view key, int db_index) {
  events_.push_back(
      Event{sink, event_class, db_index, phase_, slot_, std::string(event), std::string(key)});
}

void KeyEventLog::Raise(const Event& e) {
  if (current_log != nullptr) {
    current_log->Add(e.sink, e.event_class, e.event, e.key, e.db_index);
  } else {
    e.sink->Emit(e.event_class, e.event, e.key, e.db_index);
  }
}

void KeyEventLog::Report() {
  // Moved out first: reporting into this very log must not loop.
  std::vector<Event> events;
  events.swap(events_);
  for (const Event& e : events) Raise(e);
}

void KeyEventLog::ReportMerged(std::vector<KeyEventLog>& logs, uint32_t last_read_slot) {
  std::vector<Event> all;
  for (KeyEventLog& log : logs) {
    for (Event& e : log.events_) {
      if (e.event_class == kEventKeyMiss && e.slot > last_read_slot) continue;
      all.push_back(std::move(e));
    }
    log.events_.clear();
  }
  std::stable_sort(all.begin(), all.end(), [](const Event& a, const Event& b) {
    return a.phase != b.phase ? a.phase < b.phase : a.slot < b.slot;
  });
  for (const Event& e : all) Raise(e);
}

}  // namespace engine
