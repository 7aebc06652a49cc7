"""Seed a moto server with an ECS account for ecsaudit's end-to-end tests.

Usage: seed.py ENDPOINT_URL [REGION]
Resets the server, creates the scenario below and prints a JSON map of what it made.

Scenario (account 123456789012):
- cluster "prod" with an internet-facing ALB (security group alb) in two subnets;
- service "good": Fargate task "good-web" behind target group tg-good; its task
  security group admits the ALB group on 8080 (clean wiring);
- service "gap": Fargate task "gap-web" (2 revisions, the service runs revision 1)
  behind tg-gap; its task group admits the ALB only on 443 (gap), public IP on;
  task role with AdministratorAccess and no source-account trust condition;
  execution role without access to the task's secret;
- service "legacy": EC2 bridge task "legacy-ec2" with a dynamic host port behind
  tg-legacy (instance targets); the container instance's group lacks the ephemeral
  range; task role trusts ec2.amazonaws.com; execution role does not exist.
"""
import json
import sys
import urllib.request

import boto3

ENDPOINT = sys.argv[1]
REGION = sys.argv[2] if len(sys.argv) > 2 else "us-east-1"
ACCOUNT = "123456789012"

urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/moto-api/reset", method="POST")).read()


def client(name, region=REGION):
    return boto3.client(
        name,
        region_name=region,
        endpoint_url=ENDPOINT,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


ec2, elb, iam, ecs = client("ec2"), client("elbv2"), client("iam"), client("ecs")
out = {}

# Network.
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnets = [
    ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
    for cidr, az in (("10.0.1.0/24", "a"), ("10.0.2.0/24", "b"))
]


def group(name, ingress):
    gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    if ingress:
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=ingress)
    return gid


def from_group(port_from, port_to, gid):
    return {"IpProtocol": "tcp", "FromPort": port_from, "ToPort": port_to, "UserIdGroupPairs": [{"GroupId": gid}]}


alb_sg = group("alb", [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
good_sg = group("good-task", [from_group(8080, 8080, alb_sg)])
gap_sg = group("gap-task", [from_group(443, 443, alb_sg)])
inst_sg = group("ecs-instances", [from_group(80, 80, alb_sg)])
out.update(vpc=vpc, subnets=subnets, alb_sg=alb_sg, good_sg=good_sg, gap_sg=gap_sg, inst_sg=inst_sg)

lb = elb.create_load_balancer(
    Name="web", Subnets=subnets, SecurityGroups=[alb_sg], Scheme="internet-facing", Type="application"
)["LoadBalancers"][0]["LoadBalancerArn"]


def target_group(name, target_type, hc_port="traffic-port"):
    return elb.create_target_group(
        Name=name, Protocol="HTTP", Port=8080, VpcId=vpc, TargetType=target_type, HealthCheckPort=hc_port
    )["TargetGroups"][0]["TargetGroupArn"]


tg_good, tg_gap = target_group("tg-good", "ip"), target_group("tg-gap", "ip")
tg_legacy = target_group("tg-legacy", "instance", "8080")
for tg in (tg_good, tg_gap, tg_legacy):
    elb.create_listener(
        LoadBalancerArn=lb, Protocol="HTTP", Port=80 + [tg_good, tg_gap, tg_legacy].index(tg),
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
out.update(lb=lb, tg_good=tg_good, tg_gap=tg_gap, tg_legacy=tg_legacy)

# IAM.
def trust(service="ecs-tasks.amazonaws.com", condition=True):
    stmt = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        stmt["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def role(name, trust_doc, inline=None, managed=()):
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_doc)["Role"]["Arn"]
    if inline:
        iam.put_role_policy(
            RoleName=name, PolicyName=f"{name}-inline",
            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": inline}),
        )
    for m in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=m)
    return arn


EXEC_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-AbCdEf"
app_exec = role(
    "app-exec", trust(),
    inline=[{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret}],
    managed=[EXEC_POLICY],
)
bare_exec = role("bare-exec", trust(), managed=[EXEC_POLICY])
good_task = role(
    "good-task", trust(), inline=[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}]
)
admin_task = role("admin-task", trust(condition=False), managed=[ADMIN])
wrong_trust = role("wrong-trust", trust("ec2.amazonaws.com"))
ghost_exec = f"arn:aws:iam::{ACCOUNT}:role/ghost-exec"
out.update(app_exec=app_exec, bare_exec=bare_exec, good_task=good_task, admin_task=admin_task, wrong_trust=wrong_trust, ghost_exec=ghost_exec)

# ECS.
cluster = ecs.create_cluster(clusterName="prod")["cluster"]["clusterArn"]
out["cluster"] = cluster
# The account's log delivery default is blocking: containers that set no awslogs mode
# block on CloudWatch Logs.
ecs.put_account_setting(name="defaultLogDriverMode", value="blocking")
# A second cluster: Container Insights on, ECS Exec sessions not logged.
out["ops_cluster"] = ecs.create_cluster(
    clusterName="ops",
    settings=[{"name": "containerInsights", "value": "enhanced"}],
    configuration={"executeCommandConfiguration": {"logging": "NONE"}},
)["cluster"]["clusterArn"]
logs = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": REGION, "awslogs-stream-prefix": "web"}}
clean_container = {
    "name": "web",
    "image": "public.ecr.aws/nginx/nginx@sha256:" + "a" * 64,
    "essential": True,
    "cpu": 256,
    "memory": 512,
    "user": "1000",
    "readonlyRootFilesystem": True,
    "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
    "logConfiguration": logs,
    "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"]},
    "secrets": [{"name": "DB_PASSWORD", "valueFrom": secret}],
}


def fargate(family, task_role, exec_role, container):
    return ecs.register_task_definition(
        family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        taskRoleArn=task_role, executionRoleArn=exec_role, containerDefinitions=[container],
    )["taskDefinition"]["taskDefinitionArn"]


good_td = fargate("good-web", good_task, app_exec, clean_container)
gap_td_1 = fargate("gap-web", admin_task, bare_exec, clean_container)
gap_td_2 = fargate("gap-web", admin_task, bare_exec, clean_container)
legacy_container = dict(clean_container, portMappings=[{"containerPort": 8080, "hostPort": 0, "protocol": "tcp"}])
legacy_td = ecs.register_task_definition(
    family="legacy-ec2", networkMode="bridge", requiresCompatibilities=["EC2"],
    taskRoleArn=wrong_trust, executionRoleArn=ghost_exec, containerDefinitions=[legacy_container],
)["taskDefinition"]["taskDefinitionArn"]
out.update(good_td=good_td, gap_td_1=gap_td_1, gap_td_2=gap_td_2, legacy_td=legacy_td)


def awsvpc(sg, public="DISABLED"):
    return {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg], "assignPublicIp": public}}


def service(name, td, tg, **kw):
    return ecs.create_service(
        cluster="prod", serviceName=name, taskDefinition=td, desiredCount=1,
        loadBalancers=[{"targetGroupArn": tg, "containerName": "web", "containerPort": 8080}], **kw,
    )["service"]["serviceArn"]


out["good_service"] = service("good", good_td, tg_good, launchType="FARGATE", networkConfiguration=awsvpc(good_sg))
out["gap_service"] = service("gap", gap_td_1, tg_gap, launchType="FARGATE", networkConfiguration=awsvpc(gap_sg, "ENABLED"))

# A container instance on an EC2 instance in the instance group.
ami = ec2.describe_images()["Images"][0]["ImageId"]
instance = ec2.run_instances(
    ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.medium", SubnetId=subnets[0], SecurityGroupIds=[inst_sg],
    # IMDSv1 allowed: the bridge-mode legacy task can read the instance role's credentials.
    MetadataOptions={"HttpTokens": "optional", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled"},
)["Instances"][0]["InstanceId"]
identity = json.dumps({"instanceId": instance, "region": REGION, "accountId": ACCOUNT})
ci = ecs.register_container_instance(cluster="prod", instanceIdentityDocument=identity)["containerInstance"]
out["instance"] = instance
out["container_instance"] = ci["containerInstanceArn"]
out["legacy_service"] = service("legacy", legacy_td, tg_legacy, launchType="EC2")
# "ops" runs on an Auto Scaling group provider that lets scale-in end busy instances.
ecs.create_capacity_provider(name="ops-asg", autoScalingGroupProvider={
    "autoScalingGroupArn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/ops",
    "managedScaling": {"status": "ENABLED"}, "managedTerminationProtection": "DISABLED",
})
ecs.put_cluster_capacity_providers(cluster="ops", capacityProviders=["ops-asg"], defaultCapacityProviderStrategy=[])
out["ops_capacity_provider"] = f"arn:aws:ecs:{REGION}:{ACCOUNT}:capacity-provider/ops-asg"
# A service deployed by an external controller in "ops": its task set assigns public IPs.
out["external_service"] = ecs.create_service(
    cluster="ops", serviceName="external", deploymentController={"type": "EXTERNAL"}, desiredCount=1,
)["service"]["serviceArn"]
ecs.create_task_set(
    cluster="ops", service="external", taskDefinition=good_td,
    networkConfiguration={"awsvpcConfiguration": {"subnets": [subnets[0]], "assignPublicIp": "ENABLED"}},
)
# The legacy revision runs on the container instance.
ecs.start_task(cluster="prod", taskDefinition=legacy_td, containerInstances=[ci["containerInstanceArn"]])

print(json.dumps(out, indent=2))
