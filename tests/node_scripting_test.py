"""A Node.js client's scripting helpers, unchanged (node-redis v4 from
Debian): tests/node_scripting_client.js against our server on 4 workers."""
import os
import shutil
import subprocess
import sys
import unittest

import server_fixture

HERE = os.path.dirname(os.path.abspath(__file__))


class NodeScriptingTest(unittest.TestCase):
    def test_node_redis_scripts_and_functions(self):
        node = shutil.which("node") or shutil.which("nodejs")
        self.assertIsNotNone(node, "node is not installed (run tools/bootstrap.sh)")
        srv = server_fixture.start_ours(threads=4)
        try:
            script = os.path.join(HERE, "node_scripting_client.js")
            env = dict(os.environ, NODE_PATH="/usr/share/nodejs:/usr/lib/nodejs")
            out = subprocess.run([node, script, str(srv.port)], capture_output=True, text=True,
                                 timeout=120, env=env)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        finally:
            self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
