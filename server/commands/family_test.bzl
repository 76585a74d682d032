"""The test every command family has: its fixture test, and the same test
under ASan + UBSan and under TSan (the fixture runs a real 3-worker server
in the test process), all part of `bazel test //...` (docs/testing.md)."""

load("//tools/sanitizers:sanitized_test.bzl", "asan_test", "tsan_test")

def family_test(name, deps = []):
    """`name`.cc against the in-process fixture, plus name_asan and name_tsan."""
    native.cc_test(
        name = name,
        size = "small",
        srcs = [name + ".cc"],
        deps = deps + [
            "//server/testing:command_fixture",
            "//third_party:gtest_main",
        ],
    )
    asan_test(name = name + "_asan", test = ":" + name)
    tsan_test(name = name + "_tsan", test = ":" + name)
