// Stands in for libcds 2.3.3's <cds/compiler/feature_tsan.h> in
// ThreadSanitizer builds only: third_party:libcds puts this directory ahead of
// /usr/include when //tools/sanitizers:sanitizer is "tsan".
//
// Why: under -fsanitize=thread libcds and abseil both declare TSan's
// AnnotateRWLock* entry points as extern "C", libcds with `void*` and abseil
// with `const volatile void*`, and g++ rejects the second declaration in every
// file that includes both (all of engine/ and server/). This copy declares
// them as abseil does; the macros are libcds's own, unchanged, so its
// header-only containers (split lists, michael lists) still tell TSan about
// their happens-before edges.
//
// Derived from libcds (Copyright (c) 2006-2018 Maxim Khizhinsky, Boost
// Software License 1.0, http://www.boost.org/LICENSE_1_0.txt).

#ifndef CDSLIB_COMPILER_FEATURE_TSAN_H
#define CDSLIB_COMPILER_FEATURE_TSAN_H

#include <cstddef>

#ifdef CDS_THREAD_SANITIZER_ENABLED
#define CDS_TSAN_ANNOTATE_HAPPENS_BEFORE(addr) \
  AnnotateHappensBefore(__FILE__, __LINE__, reinterpret_cast<void*>(addr))
#define CDS_TSAN_ANNOTATE_HAPPENS_AFTER(addr) \
  AnnotateHappensAfter(__FILE__, __LINE__, reinterpret_cast<void*>(addr))

#define CDS_TSAN_ANNOTATE_IGNORE_READS_BEGIN AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define CDS_TSAN_ANNOTATE_IGNORE_READS_END AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#define CDS_TSAN_ANNOTATE_IGNORE_WRITES_BEGIN AnnotateIgnoreWritesBegin(__FILE__, __LINE__)
#define CDS_TSAN_ANNOTATE_IGNORE_WRITES_END AnnotateIgnoreWritesEnd(__FILE__, __LINE__)
#define CDS_TSAN_ANNOTATE_IGNORE_RW_BEGIN \
  CDS_TSAN_ANNOTATE_IGNORE_READS_BEGIN;   \
  CDS_TSAN_ANNOTATE_IGNORE_WRITES_BEGIN
#define CDS_TSAN_ANNOTATE_IGNORE_RW_END \
  CDS_TSAN_ANNOTATE_IGNORE_WRITES_END;  \
  CDS_TSAN_ANNOTATE_IGNORE_READS_END
#define CDS_TSAN_ANNOTATE_NEW_MEMORY(addr, sz) \
  AnnotateNewMemory(__FILE__, __LINE__, reinterpret_cast<void*>(addr), sz)

#define CDS_TSAN_ANNOTATE_MUTEX_CREATE(addr) \
  AnnotateRWLockCreate(__FILE__, __LINE__, reinterpret_cast<void*>(addr))
#define CDS_TSAN_ANNOTATE_MUTEX_DESTROY(addr) \
  AnnotateRWLockDestroy(__FILE__, __LINE__, reinterpret_cast<void*>(addr))
// After the actual acquire / before the actual release.
#define CDS_TSAN_ANNOTATE_MUTEX_ACQUIRED(addr) \
  AnnotateRWLockAcquired(__FILE__, __LINE__, reinterpret_cast<void*>(addr), 1)
#define CDS_TSAN_ANNOTATE_MUTEX_RELEASED(addr) \
  AnnotateRWLockReleased(__FILE__, __LINE__, reinterpret_cast<void*>(addr), 1)

// Provided by the TSan runtime. Pointer parameters as in
// <absl/base/dynamic_annotations.h>, the one change from libcds's original.
extern "C" {
void AnnotateHappensBefore(const char* f, int l, const volatile void* addr);
void AnnotateHappensAfter(const char* f, int l, const volatile void* addr);
void AnnotateIgnoreReadsBegin(const char* f, int l);
void AnnotateIgnoreReadsEnd(const char* f, int l);
void AnnotateIgnoreWritesBegin(const char* f, int l);
void AnnotateIgnoreWritesEnd(const char* f, int l);
void AnnotateNewMemory(const char* f, int l, const volatile void* mem, std::size_t size);
void AnnotateRWLockCreate(const char* f, int l, const volatile void* m);
void AnnotateRWLockDestroy(const char* f, int l, const volatile void* m);
void AnnotateRWLockAcquired(const char* f, int l, const volatile void* m, long is_w);  // NOLINT
void AnnotateRWLockReleased(const char* f, int l, const volatile void* m, long is_w);  // NOLINT
}

#else  // CDS_THREAD_SANITIZER_ENABLED

#define CDS_TSAN_ANNOTATE_HAPPENS_BEFORE(addr)
#define CDS_TSAN_ANNOTATE_HAPPENS_AFTER(addr)
#define CDS_TSAN_ANNOTATE_IGNORE_READS_BEGIN
#define CDS_TSAN_ANNOTATE_IGNORE_READS_END
#define CDS_TSAN_ANNOTATE_IGNORE_WRITES_BEGIN
#define CDS_TSAN_ANNOTATE_IGNORE_WRITES_END
#define CDS_TSAN_ANNOTATE_IGNORE_RW_BEGIN
#define CDS_TSAN_ANNOTATE_IGNORE_RW_END
#define CDS_TSAN_ANNOTATE_NEW_MEMORY(addr, sz)
#define CDS_TSAN_ANNOTATE_MUTEX_CREATE(addr)
#define CDS_TSAN_ANNOTATE_MUTEX_DESTROY(addr)
#define CDS_TSAN_ANNOTATE_MUTEX_ACQUIRED(addr)
#define CDS_TSAN_ANNOTATE_MUTEX_RELEASED(addr)

#endif  // CDS_THREAD_SANITIZER_ENABLED
#endif  // CDSLIB_COMPILER_FEATURE_TSAN_H
