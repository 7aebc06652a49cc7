provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_ecs_cluster" "prod" {
  name = "prod"
}

resource "aws_ecs_capacity_provider" "unprotected" {
  name = "unprotected"
  auto_scaling_group_provider {
    auto_scaling_group_arn         = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/a"
    managed_termination_protection = "DISABLED"
  }
}

resource "aws_ecs_capacity_provider" "protected" {
  name = "protected"
  auto_scaling_group_provider {
    auto_scaling_group_arn         = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/b"
    managed_termination_protection = "ENABLED"
    managed_scaling {
      status = "ENABLED"
    }
  }
}

resource "aws_ecs_capacity_provider" "defaulted" {
  name = "defaulted"
  auto_scaling_group_provider {
    auto_scaling_group_arn = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:1:autoScalingGroupName/c"
  }
}

resource "aws_ecs_cluster_capacity_providers" "prod" {
  cluster_name       = aws_ecs_cluster.prod.name
  capacity_providers = ["FARGATE", aws_ecs_capacity_provider.unprotected.name, aws_ecs_capacity_provider.protected.name]
  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.protected.name
    weight            = 1
  }
}

# The account's awslogs default is blocking where the default provider deploys, and
# non-blocking where aws.west deploys.
resource "aws_ecs_account_setting_default" "logs" {
  name  = "defaultLogDriverMode"
  value = "blocking"
}

resource "aws_ecs_account_setting_default" "logs_west" {
  provider = aws.west
  name     = "defaultLogDriverMode"
  value    = "non-blocking"
}

locals {
  containers = jsonencode([{
    name      = "app"
    image     = "public.ecr.aws/nginx/nginx:1.27"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = "/ecs/app"
        awslogs-region        = "us-east-1"
        awslogs-stream-prefix = "app"
      }
    }
  }])
}

resource "aws_ecs_task_definition" "east" {
  family                = "east"
  container_definitions = local.containers
}

resource "aws_ecs_task_definition" "west" {
  provider              = aws.west
  family                = "west"
  container_definitions = local.containers
}
