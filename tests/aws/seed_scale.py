"""Seed a moto server with a large ECS account for the collection benchmark.

Usage: seed_scale.py ENDPOINT_URL TASK_DEFINITIONS SERVICES [REGION]
Resets the server, then seeds account 123456789012 as scale.seed_account describes
(families of 5 revisions).
"""
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scale import clients, seed_account  # noqa: E402

ENDPOINT, TDS, SERVICES = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
REGION = sys.argv[4] if len(sys.argv) > 4 else "us-east-1"
urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")).read()
print(json.dumps(seed_account(clients(ENDPOINT, REGION), REGION, "123456789012", TDS, SERVICES)))
