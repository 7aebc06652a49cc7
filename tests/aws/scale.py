"""Seed one moto account and region with a benchmark-shaped ECS estate (imported by
seed_scale.py and seed_org.py).

seed_account(...) registers TASK_DEFINITIONS revisions spread over families of
REVISIONS revisions each, and SERVICES Fargate services (each running revision 1 of its
own family, behind its own target group on one ALB), sharing 10 task roles, 2 execution
roles and 5 task security groups. IAM is global: pass iam=False for the account's
second and later regions.
"""
import json

import boto3


def clients(endpoint, region, credentials=None):
    creds = credentials or {"AccessKeyId": "testing", "SecretAccessKey": "testing"}
    kw = dict(region_name=region, endpoint_url=endpoint, aws_access_key_id=creds["AccessKeyId"],
              aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds.get("SessionToken"))
    return {name: boto3.client(name, **kw) for name in ("ec2", "elbv2", "iam", "ecs")}


def seed_account(c, region, account, tds, services, revisions=5, iam=True):
    ec2, elb, ecs = c["ec2"], c["elbv2"], c["ecs"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{region}{az}")["Subnet"]["SubnetId"]
               for i, az in ((1, "a"), (2, "b"))]
    alb_sg = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
    task_sgs = []
    for i in range(5):
        g = ec2.create_security_group(GroupName=f"task-{i}", Description="task", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": alb_sg}]}])
        task_sgs.append(g)
    lb = elb.create_load_balancer(Name="bench", Subnets=subnets, SecurityGroups=[alb_sg], Scheme="internal",
                                  Type="application")["LoadBalancers"][0]["LoadBalancerArn"]

    task_roles = [f"arn:aws:iam::{account}:role/task-{i}" for i in range(10)]
    exec_roles = [f"arn:aws:iam::{account}:role/exec-{i}" for i in range(2)]
    if iam:
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}}}]})
        for i in range(10):
            c["iam"].create_role(RoleName=f"task-{i}", AssumeRolePolicyDocument=trust)
            c["iam"].put_role_policy(RoleName=f"task-{i}", PolicyName="app", PolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-{i}/*"}]}))
        for i in range(2):
            c["iam"].create_role(RoleName=f"exec-{i}", AssumeRolePolicyDocument=trust)
            c["iam"].attach_role_policy(RoleName=f"exec-{i}", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")

    ecs.create_cluster(clusterName="bench")
    families = (tds + revisions - 1) // revisions
    first_revision = {}
    n = 0
    for f in range(families):
        for _ in range(revisions):
            if n == tds:
                break
            arn = ecs.register_task_definition(
                family=f"app-{f:04d}", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
                taskRoleArn=task_roles[f % 10], executionRoleArn=exec_roles[f % 2],
                containerDefinitions=[{
                    "name": "app", "image": f"public.ecr.aws/nginx/nginx:1.{f % 30}", "essential": True,
                    "portMappings": [{"containerPort": 8080, "hostPort": 8080}],
                    "environment": [{"name": "MODE", "value": "production"}, {"name": "DB_PASSWORD", "value": f"hunter{f:08d}xyz"}],
                    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": f"/ecs/app-{f}", "awslogs-region": region, "awslogs-stream-prefix": "app"}},
                }],
            )["taskDefinition"]["taskDefinitionArn"]
            first_revision.setdefault(f, arn)
            n += 1

    target_groups = [elb.create_target_group(Name=f"tg-{s:04d}", Protocol="HTTP", Port=8080, VpcId=vpc,
                                              TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
                     for s in range(services)]
    # One listener; each target group is reached through a path rule, so every target
    # group belongs to the load balancer as in a real account.
    if target_groups:
        listener = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[
            {"Type": "forward", "TargetGroupArn": target_groups[0]}])["Listeners"][0]["ListenerArn"]
        for s, tg in enumerate(target_groups[1:], start=1):
            elb.create_rule(ListenerArn=listener, Priority=s, Actions=[{"Type": "forward", "TargetGroupArn": tg}],
                            Conditions=[{"Field": "path-pattern", "Values": [f"/svc-{s:04d}/*"]}])
    for s in range(services):
        f = s % families
        ecs.create_service(
            cluster="bench", serviceName=f"svc-{s:04d}", taskDefinition=first_revision[f], desiredCount=1,
            launchType="FARGATE",
            loadBalancers=[{"targetGroupArn": target_groups[s], "containerName": "app", "containerPort": 8080}],
            networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [task_sgs[s % 5]], "assignPublicIp": "DISABLED"}},
        )
    return {"task_definitions": n, "families": families, "services": services}
