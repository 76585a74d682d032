"""Sanitized variants of existing tests, run by a plain `bazel test //...`.

`asan_test(name, test)` and `tsan_test(name, test)` wrap an existing cc_test,
py_test or sh_test. The wrapped test and everything it depends on (the
//server binary a py_test starts, too) are rebuilt in a configuration equal to
`--config=asan` / `--config=tsan` in .bazelrc, then run from the wrapper's own
runfiles with the sanitizer's options in the environment.

Why a configuration transition and not `--config=asan` in CI: the project's
contract is that CI runs exactly the README's `bazel test //...`. A transition
puts the sanitized build into that same invocation (one analysis, one action
graph, one summary), and the sanitized targets get their own output
directories (`k8-dbg-ST-<hash>`), so they never evict the normal build's
outputs.

Runfiles paths do not depend on the configuration: the wrapped test still
finds `server/server` or `tests/server_fixture.py` where it always does, and
in the wrapper's runfiles that path is the sanitized build.
"""

# Mirrors build:asan / build:tsan and test:asan / test:tsan in .bazelrc; keep
# the two in step (the docs say a wrapper is the same as the --config).
_SANITIZERS = {
    "asan": struct(
        copts = [
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=undefined",
        ],
        linkopts = ["-fsanitize=address,undefined"],
        env = {
            "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1",
            "UBSAN_OPTIONS": "print_stacktrace=1",
        },
    ),
    "tsan": struct(
        copts = ["-fsanitize=thread"],
        linkopts = ["-fsanitize=thread"],
        env = {
            # The suppressions path is relative to the test's working
            # directory (the runfiles root of this workspace), which the
            # servers a py_test or sh_test starts inherit.
            "TSAN_OPTIONS": "halt_on_error=1:second_deadlock_stack=1:" +
                            "suppressions=tools/sanitizers/tsan.supp",
        },
    ),
}

_COPT = "//command_line_option:copt"
_LINKOPT = "//command_line_option:linkopt"
_COMPILATION_MODE = "//command_line_option:compilation_mode"

# A build setting, not a --define: Bazel 4.2.3 refuses Starlark transitions
# on --define ("Starlark transition on --define not supported").
_SANITIZER = "//tools/sanitizers:sanitizer"

def _not_sanitizer_flag(flag):
    return not (flag.startswith("-fsanitize") or flag.startswith("-fno-sanitize"))

def _sanitizer_transition_impl(settings, attr):
    s = _SANITIZERS[attr.sanitizer]

    # Flags of another sanitizer already on the command line (someone runs
    # `bazel test --config=asan //...`) are dropped first: ASan and TSan
    # cannot be linked into one binary, and a tsan_test must stay TSan-only.
    copts = [f for f in settings[_COPT] if _not_sanitizer_flag(f)]
    linkopts = [f for f in settings[_LINKOPT] if _not_sanitizer_flag(f)]
    return {
        # dbg + -O1, as in .bazelrc: assertions on, readable stacks, and fast
        # enough that the end-to-end tests' timeouts still hold.
        _COMPILATION_MODE: "dbg",
        _COPT: copts + ["-O1"] + s.copts,
        _LINKOPT: linkopts + s.linkopts,
        # third_party:jemalloc keys on this: the sanitizer must own malloc.
        _SANITIZER: attr.sanitizer,
    }

_sanitizer_transition = transition(
    implementation = _sanitizer_transition_impl,
    inputs = [_COPT, _LINKOPT],
    outputs = [_COPT, _LINKOPT, _COMPILATION_MODE, _SANITIZER],
)

def _sanitized_test_impl(ctx):
    # An attribute with a Starlark transition is a list, even for 1:1.
    test = ctx.attr.test[0] if type(ctx.attr.test) == "list" else ctx.attr.test
    inner = test[DefaultInfo].files_to_run.executable

    # A symlink, not a script: the wrapped test runs exactly as bazel would
    # run it (same argv[0] under the runfiles tree, which is how py_test's
    # stub finds its modules), just from this target's runfiles.
    executable = ctx.actions.declare_file(ctx.label.name)
    ctx.actions.symlink(output = executable, target_file = inner, is_executable = True)

    runfiles = ctx.runfiles(files = [inner] + ctx.files._tsan_suppressions)
    runfiles = runfiles.merge(test[DefaultInfo].default_runfiles)
    return [
        DefaultInfo(executable = executable, runfiles = runfiles),
        testing.TestEnvironment(_SANITIZERS[ctx.attr.sanitizer].env),
    ]

_sanitized_test = rule(
    implementation = _sanitized_test_impl,
    test = True,
    attrs = {
        "test": attr.label(
            doc = "The cc_test, py_test or sh_test to build and run sanitized.",
            mandatory = True,
            executable = True,
            cfg = _sanitizer_transition,
        ),
        "sanitizer": attr.string(mandatory = True, values = _SANITIZERS.keys()),
        # The TSan suppressions file TSAN_OPTIONS names (harmless for ASan).
        "_tsan_suppressions": attr.label_list(
            default = ["//tools/sanitizers:tsan.supp"],
            allow_files = True,
        ),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
)

def _sanitized(sanitizer, name, test, size, tags, **kwargs):
    _sanitized_test(
        name = name,
        test = test,
        sanitizer = sanitizer,
        size = size,
        # `sanitizer` selects every wrapper, `asan` / `tsan` one kind:
        # bazel test //... --test_tag_filters=asan --build_tests_only
        tags = ["sanitizer", sanitizer] + tags,
        **kwargs
    )

def asan_test(name, test, size = "medium", tags = [], **kwargs):
    """`test` built and run with AddressSanitizer + UndefinedBehaviorSanitizer.

    Args:
      name: the wrapper's name; by convention `<test>_asan`.
      test: label of an existing cc_test, py_test or sh_test.
      size: the wrapper's size; sanitized runs are slower, hence medium.
      tags: extra tags; `sanitizer` and `asan` are always added.
      **kwargs: other test attributes (args, shard_count, timeout, flaky).
    """
    _sanitized("asan", name, test, size, tags, **kwargs)

def tsan_test(name, test, size = "medium", tags = [], **kwargs):
    """`test` built and run with ThreadSanitizer (tools/sanitizers/tsan.supp).

    Args:
      name: the wrapper's name; by convention `<test>_tsan`.
      test: label of an existing cc_test, py_test or sh_test.
      size: the wrapper's size; TSan runs are 5-15x slower, hence medium.
      tags: extra tags; `sanitizer` and `tsan` are always added.
      **kwargs: other test attributes (args, shard_count, timeout, flaky).
    """
    _sanitized("tsan", name, test, size, tags, **kwargs)
