resource "aws_ecs_cluster" "main" {
  name = "mappings"
  setting {
    name  = "containerInsights"
    value = "disabled"
  }
  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}

resource "aws_security_group" "app" {
  name = "app"
}

resource "aws_security_group_rule" "in" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  protocol          = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_blocks       = ["10.0.0.0/8"]
}

resource "aws_security_group_rule" "out" {
  type              = "egress"
  security_group_id = aws_security_group.app.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  self              = true
}

resource "aws_lb" "internal" {
  name     = "internal"
  internal = true
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 80
  default_action {
    type = "fixed-response"
  }
}

resource "aws_lb_target_group" "api" {
  name = "api"
  port = 80
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  action {
    type = "forward"
    forward {
      target_group {
        arn = aws_lb_target_group.api.arn
      }
    }
  }
}

resource "aws_iam_role" "task" {
  name               = "mappings-task"
  assume_role_policy = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}
  EOT
  inline_policy {
    name   = "inline"
    policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
  }
}

resource "aws_iam_role_policy" "extra" {
  name   = "extra"
  role   = aws_iam_role.task.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "*" }] })
}

resource "aws_ecs_task_definition" "efs" {
  family = "efs"
  container_definitions = jsonencode([{ name = "a", image = "a:1", essential = true }])
  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id     = "fs-123"
      transit_encryption = "DISABLED"
      authorization_config {
        iam = "DISABLED"
      }
    }
  }
}

module "fetched" {
  source = "git::https://example.com/modules.git"
}
