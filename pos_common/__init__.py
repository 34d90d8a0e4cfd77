"""Small pure-Python pieces shared by the till, the drivers and the cloud (standard library only).

One copy of each rule that more than one of ``pos_desktop``, ``hardware`` and ``pos_cloud``
needs: the GS1 check digit and retry backoff. It imports nothing but the standard library
(``tests/unit/test_layers.py`` checks), so even the till's pure domain may use it.
"""
