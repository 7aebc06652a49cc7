"""Reset a moto server and register the task definitions given as JSON on stdin.

Usage: seed_canaries.py ENDPOINT_URL < task-definitions.json
For tests/redaction.rs: canary secrets planted in a live account.
"""
import json
import sys
import urllib.request

import boto3

ENDPOINT = sys.argv[1]
urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")).read()
ecs = boto3.client(
    "ecs",
    region_name="us-east-1",
    endpoint_url=ENDPOINT,
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
ecs.create_cluster(clusterName="canary")
for td in json.load(sys.stdin):
    ecs.register_task_definition(**td)
print(json.dumps({"ok": True}))
