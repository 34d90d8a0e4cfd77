"""How long a test waits for something that must happen.

An upper bound, not a speed target: a passing test never waits it out, and on a loaded machine
(two cores running the whole suite) a print job or a simulator answer can take seconds. Speed is
measured in benchmarks/, never by a test's timeout.
"""

EVENTUALLY_MS = 20_000
EVENTUALLY_S = EVENTUALLY_MS / 1000
