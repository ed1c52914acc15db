"""keywire's benchmark tool: keywire, redis-py and coredis side by side on one local server.

Run it from the repository root with the workspace environment::

    .venv/bin/python tools/bench/run.py [--server redis-7.0] [--markdown docs/benchmarks.md]
    .venv/bin/python tools/bench/run.py --topology cluster [--markdown docs/benchmarks-cluster.md]

``--topology cluster`` starts 3 primaries with a replica each instead of one server and runs the
cluster rows (``a-cluster``, ``b-cluster``, ``c-cluster``) with each library's cluster client.

Layout (each module is small):

``run.py``            command line: start the server, run the rounds, print / write the results
``scenarios.py``      the scenario registry (what is measured, which variants, the targets)
``variants.py``       the client variants (library + reader flavour) and their worker modules
``lib_keywire.py``    one small function per scenario for each client library
``lib_redispy.py``
``lib_coredis.py``
``common.py``         data constants, the time / operation budget and the measuring loops
``worker.py``         one subprocess per variant; measures on request (JSON lines on stdio)
``workers.py``        the parent's handle on those subprocesses
``refbench.py``       redis-benchmark (C) reference figures
``facts.py``          versions and machine facts
``report.py``         console and Markdown output
``profile_keywire.py`` cProfile of keywire's side of one scenario

To add a scenario: add a :class:`~tools.bench.scenarios.Scenario` to ``SCENARIOS`` (or
``CLUSTER_SCENARIOS``) and one function per library (the ``functions`` of each ``lib_*.py``'s
``LIBRARY``, or ``CLUSTER_LIBRARY``); a library without the feature maps its column to ``None``.
"""
