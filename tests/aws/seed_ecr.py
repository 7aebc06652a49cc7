"""Seed region us-west-2 of moto's default account with an ECR repository of two images
(tags v1, v2; tags mutable, no scanning on push, a policy that lets anyone pull) and a
task definition that uses them and a third tag, v9, that was never pushed. Idempotent. Prints the image references as JSON.

Usage: seed_ecr.py ENDPOINT_URL
"""
import json
import sys

import boto3

ENDPOINT, REGION, ACCOUNT = sys.argv[1], "us-west-2", "123456789012"
kw = dict(region_name=REGION, endpoint_url=ENDPOINT, aws_access_key_id="testing", aws_secret_access_key="testing")
ecr, ecs = boto3.client("ecr", **kw), boto3.client("ecs", **kw)
try:
    ecr.create_repository(repositoryName="app")
except ecr.exceptions.RepositoryAlreadyExistsException:
    pass
for i, tag in enumerate(("v1", "v2")):
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 100,
                   "digest": "sha256:" + f"{i}" * 64},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1000 * (i + 1),
                    "digest": "sha256:" + f"{i + 5}" * 64}],
    }
    try:
        ecr.put_image(repositoryName="app", imageManifest=json.dumps(manifest), imageTag=tag)
    except ecr.exceptions.ImageAlreadyExistsException:
        pass
# Anyone may pull from it.
ecr.set_repository_policy(repositoryName="app", policyText=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "public", "Effect": "Allow", "Principal": "*",
                   "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}],
}))
repo = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app"
images = [f"{repo}:v1", f"{repo}:v2", f"{repo}:v9"]
ecs.register_task_definition(
    family="ecr-app", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
    containerDefinitions=[{"name": f"c{i}", "image": image, "essential": i == 0} for i, image in enumerate(images)],
)
print(json.dumps({"region": REGION, "images": images}))
