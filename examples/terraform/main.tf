# A Fargate web service's task definitions, one clean and one flawed, as most teams
# write them: container definitions in HCL through jsonencode, variables and locals.

variable "image" {
  description = "Image of the web container (set by the pipeline)."
  type        = string
}

variable "region" {
  type    = string
  default = "us-east-1"
}

locals {
  log_configuration = {
    logDriver = "awslogs"
    options = {
      awslogs-group         = "/ecs/web"
      awslogs-region        = var.region
      awslogs-stream-prefix = "web"
    }
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.web_task.arn

  container_definitions = jsonencode([
    {
      name                   = "web"
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true
      user                   = "1000"
      portMappings           = [{ containerPort = 8080, protocol = "tcp" }]
      logConfiguration       = local.log_configuration
      healthCheck = {
        command  = ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"]
        interval = 30
      }
    }
  ])
}

resource "aws_ecs_task_definition" "legacy" {
  family                   = "legacy-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 2048

  container_definitions = jsonencode([
    {
      name       = "worker"
      image      = "busybox:latest"
      essential  = true
      privileged = true
      environment = [
        { name = "DB_PASSWORD", value = "hunter2-but-longer" },
        { name = "LOG_LEVEL", value = "debug" },
      ]
    }
  ])

  volume {
    name      = "docker"
    host_path = "/var/run/docker.sock"
  }
}
