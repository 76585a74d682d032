"""A short, seeded run of the differential grammar fuzzer (grammar_fuzz.py)
inside `bazel test //...`: the same sequence every run, so a mismatch it
finds is reproduced by running it again."""
import os
import sys
import unittest

import grammar_fuzz

# Under a sanitizer the server is several times slower: fewer commands.
EXECUTIONS = 4000 if os.environ.get("ASAN_OPTIONS") or os.environ.get("TSAN_OPTIONS") else 20000


class GrammarFuzz(unittest.TestCase):
    def test_seeded_sequence(self):
        for seed in (7, 1234):
            n, mismatches, exceptions = grammar_fuzz.run(seed, executions=EXECUTIONS // 2)
            sys.stderr.write("seed %d: %d executions, %d mismatches\n" % (seed, n, len(mismatches)))
            self.assertEqual(mismatches[:20], [], "seed %d: %d mismatches" % (seed, len(mismatches)))
            self.assertEqual(exceptions, 0, "handler exceptions (see the server log)")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
