"""A serving process hides its start-up objects from the collector (gc.freeze) and collects
young objects less often; an app built inside another process leaves its collector alone."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

from pos_cloud.app import DATABASE_ENV, create_app


def test_worker_factory_freezes_start_up_objects(tmp_path):
    probe = (
        "import gc, json; from pos_cloud.app import app_from_environment; "
        "app_from_environment(); print(json.dumps([gc.get_freeze_count(), gc.get_threshold()]))"
    )
    env = {**os.environ, DATABASE_ENV: f"sqlite:///{tmp_path / 'cloud.db'}"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout
    frozen, threshold = json.loads(out.strip().splitlines()[-1])
    assert frozen > 10_000  # modules, models, routes
    assert threshold[0] >= 10_000


def test_embedding_the_app_leaves_the_host_collector_alone(tmp_path):
    before = gc.get_threshold(), gc.get_freeze_count()
    create_app(f"sqlite:///{tmp_path / 'cloud.db'}")
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
