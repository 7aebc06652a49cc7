"""Generate N CloudFormation templates for scripts/bench-iac: each a Fargate service
behind an internet-facing ALB (task definition with short-form intrinsics, service,
cluster, security groups with inline and separate rules, load balancer, target group,
listener, task and execution roles with inline and managed policies). One in three has
flaws (privileged, a plaintext secret, a security-group gap, an admin task role).

Usage: gen.py DIR N
"""
import os
import sys

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Image:
    Type: String
    Default: 123456789012.dkr.ecr.us-east-1.amazonaws.com/app{i}:1.{i}
  Subnets:
    Type: CommaDelimitedList
    Default: subnet-a{i:07x},subnet-b{i:07x}
  Env:
    Type: String
    Default: prod
Mappings:
  Sizes:
    prod: {{Cpu: "512", Memory: "1024"}}
    dev: {{Cpu: "256", Memory: "512"}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  AlbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: alb{i}
      VpcId: vpc-{i:08x}
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}}
  TaskGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: task{i}
      VpcId: vpc-{i:08x}
  TaskFromAlb:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt TaskGroup.GroupId
      IpProtocol: tcp
      FromPort: {task_port}
      ToPort: {task_port}
      SourceSecurityGroupId: !GetAtt AlbGroup.GroupId
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Name: alb{i}
      Scheme: internet-facing
      Subnets: !Ref Subnets
      SecurityGroups: [!Ref AlbGroup]
  Targets:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Name: tg{i}
      Port: 8080
      Protocol: HTTP
      TargetType: ip
      VpcId: vpc-{i:08x}
      HealthCheckPath: /health
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 443
      Protocol: HTTPS
      Certificates:
        - CertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/svc{i}
      DefaultActions:
        - {{Type: forward, TargetGroupArn: !Ref Targets}}
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: svc{i}-task
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: ecs-tasks.amazonaws.com}}
            Action: sts:AssumeRole
            Condition: {{StringEquals: {{aws:SourceAccount: "123456789012"}}}}
      Policies:
        - PolicyName: app
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {{Effect: Allow, Action: ["s3:GetObject"], Resource: "arn:aws:s3:::bucket{i}/*"}}
      ManagedPolicyArns: {task_policies}
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: svc{i}-exec
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: ecs-tasks.amazonaws.com}}
            Action: sts:AssumeRole
            Condition: {{StringEquals: {{aws:SourceAccount: "123456789012"}}}}
      ManagedPolicyArns:
        - !Sub arn:${{AWS::Partition}}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub svc{i}-${{Env}}
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: !FindInMap [Sizes, !Ref Env, Cpu]
      Memory: !FindInMap [Sizes, !Ref Env, Memory]
      TaskRoleArn: !GetAtt TaskRole.Arn
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: !Ref Image
          Essential: true
          Privileged: {privileged}
          ReadonlyRootFilesystem: true
          User: "1000"
          PortMappings:
            - {{ContainerPort: 8080, Protocol: tcp}}
          Environment:
            - {{Name: {env_name}, Value: {env_value}}}
          HealthCheck:
            Command: [CMD-SHELL, "curl -f http://localhost:8080/health || exit 1"]
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/svc{i}
              awslogs-region: us-east-1
              awslogs-stream-prefix: app
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: cluster{i}
      ClusterSettings:
        - {{Name: containerInsights, Value: enabled}}
  Service:
    Type: AWS::ECS::Service
    DependsOn: Listener
    Properties:
      ServiceName: svc{i}
      Cluster: !Ref Cluster
      LaunchType: FARGATE
      DesiredCount: !If [IsProd, 2, 1]
      TaskDefinition: !Ref TaskDefinition
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: !Ref Subnets
          SecurityGroups: [!Ref TaskGroup]
      LoadBalancers:
        - {{ContainerName: app, ContainerPort: 8080, TargetGroupArn: !Ref Targets}}
"""


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        flawed = i % 3 == 0
        text = TEMPLATE.format(
            i=i,
            task_port=443 if flawed else 8080,
            privileged="true" if flawed else "false",
            env_name="DB_PASSWORD" if flawed else "LOG_LEVEL",
            env_value=f"hunter2-{i:08d}-Secret" if flawed else "info",
            task_policies='["arn:aws:iam::aws:policy/AdministratorAccess"]' if flawed else "[]",
        )
        with open(os.path.join(out, f"svc{i:04d}.yaml"), "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
