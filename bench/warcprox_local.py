"""Run warcprox for the benchmark, allowed to fetch from loopback addresses.

warcprox 2.13 refuses to proxy to 127.0.0.1 (``WarcProxyHandler.allow_localhost``, a class
attribute with no command-line option); its own test suite sets it to reach its local test
servers, and so does this launcher, since the benchmark's site is served on loopback. Every
argument goes to warcprox's own command line. Runs in the warcprox venv (bench/.venvs/warcprox).
"""

import sys

import warcprox.main
import warcprox.warcproxy

warcprox.warcproxy.WarcProxyHandler.allow_localhost = True

if __name__ == "__main__":
    sys.argv[0] = "warcprox"
    sys.exit(warcprox.main.main())
