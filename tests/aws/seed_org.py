"""Seed a moto server with an AWS Organization of member accounts, each with ECS
estates in one or more regions, for ecsaudit's organisation tests and benchmark.

Usage: seed_org.py ENDPOINT_URL MEMBERS REGIONS FAMILIES SERVICES [--reset]
The management account is moto's default, 123456789012 (its own resources are left as
they are). Members are named member-00, member-01, ...; the first half sit in OU
"workloads/prod" (nested: workloads > prod), the rest in OU "sandbox" under the root.
Each member gets, in each of REGIONS (comma-separated), FAMILIES task-definition
families of one revision and SERVICES services (scale.seed_account). Without --reset an
organisation seeded before is reused as it is. Prints a JSON map: organisation id,
root, OU ids, and each member's id, name and OU.
"""
import json
import os
import sys
import urllib.request

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scale import clients, seed_account  # noqa: E402

ENDPOINT, MEMBERS, REGIONS = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")
FAMILIES, SERVICES = int(sys.argv[4]), int(sys.argv[5])
if "--reset" in sys.argv:
    urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")).read()

kw = dict(region_name="us-east-1", endpoint_url=ENDPOINT, aws_access_key_id="testing", aws_secret_access_key="testing")
org, sts = boto3.client("organizations", **kw), boto3.client("sts", **kw)


def ou(parent, name):
    for u in org.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]:
        if u["Name"] == name:
            return u["Id"]
    return org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]


try:
    org_id = org.describe_organization()["Organization"]["Id"]
except org.exceptions.AWSOrganizationsNotInUseException:
    org_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
root = org.list_roots()["Roots"][0]["Id"]
workloads = ou(root, "workloads")
prod = ou(workloads, "prod")
sandbox = ou(root, "sandbox")
existing = {a["Name"]: a["Id"] for p in org.get_paginator("list_accounts").paginate() for a in p["Accounts"]}
members = []
for i in range(MEMBERS):
    name = f"member-{i:02d}"
    unit = prod if i < (MEMBERS + 1) // 2 else sandbox
    account = existing.get(name)
    if account is None:
        account = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=unit)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                RoleSessionName="seed")["Credentials"]
        for n, region in enumerate(REGIONS):
            seed_account(clients(ENDPOINT, region, creds), region, account, FAMILIES, SERVICES, revisions=1, iam=n == 0)
    members.append({"id": account, "name": name, "ou": unit})
print(json.dumps({"organization": org_id, "root": root, "ous": {"workloads": workloads, "prod": prod, "sandbox": sandbox},
                  "management": "123456789012", "members": members}))
