"""Generate N Terraform modules for scripts/bench-iac: each a Fargate service
behind an internet-facing ALB, with its task definition (jsonencode, locals,
variables), task and execution roles with policy documents and an attachment, and
security groups with inline and separate rules. One in three has flaws (privileged,
a plaintext secret, a security-group gap, an admin task role).

Usage: gen.py DIR N
"""
import os
import sys

TEMPLATE = '''
variable "image" {{
  default = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app{i}:1.{i}"
}}

variable "subnets" {{
  default = ["subnet-0a{i:06d}", "subnet-0b{i:06d}"]
}}

locals {{
  name = "svc{i}"
  logs = {{
    logDriver = "awslogs"
    options = {{
      awslogs-group         = "/ecs/svc{i}"
      awslogs-region        = "us-east-1"
      awslogs-stream-prefix = "app"
    }}
  }}
}}

resource "aws_security_group" "alb" {{
  name   = "${{local.name}}-alb"
  vpc_id = "vpc-0{i:06d}"
  ingress {{
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }}
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_security_group" "tasks" {{
  name   = "${{local.name}}-tasks"
  vpc_id = "vpc-0{i:06d}"
}}

resource "aws_security_group_rule" "from_alb" {{
  type                     = "ingress"
  security_group_id        = aws_security_group.tasks.id
  source_security_group_id = aws_security_group.alb.id
  protocol                 = "tcp"
  from_port                = {port}
  to_port                  = {port}
}}

resource "aws_lb" "this" {{
  name            = local.name
  security_groups = [aws_security_group.alb.id]
  subnets         = var.subnets
}}

resource "aws_lb_target_group" "this" {{
  name        = local.name
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-0{i:06d}"
}}

resource "aws_lb_listener" "https" {{
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/{i}"
  default_action {{
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }}
}}

data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }}
    condition {{
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["123456789012"]
    }}
  }}
}}

resource "aws_iam_role" "execution" {{
  name               = "${{local.name}}-execution"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}}

resource "aws_iam_role_policy_attachment" "execution" {{
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}}

resource "aws_iam_role" "task" {{
  name               = "${{local.name}}-task"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  managed_policy_arns = {managed}
}}

resource "aws_iam_policy" "task" {{
  name = "${{local.name}}-task"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::bucket{i}/*" }}]
  }})
}}

resource "aws_iam_role_policy_attachment" "task" {{
  role       = aws_iam_role.task.name
  policy_arn = aws_iam_policy.task.arn
}}

resource "aws_ecs_task_definition" "this" {{
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions = jsonencode([
    {{
      name                   = "app"
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true
      user                   = "1000"
      privileged             = {privileged}
      portMappings           = [{{ containerPort = 8080, protocol = "tcp" }}]
      logConfiguration       = local.logs
      environment = [
        {{ name = "LOG_LEVEL", value = "info" }},
        {{ name = "DB_PASSWORD", value = "{password}" }},
      ]
      healthCheck = {{
        command  = ["CMD-SHELL", "wget -qO- http://localhost:8080/health || exit 1"]
        interval = 30
      }}
    }}
  ])
}}

resource "aws_ecs_service" "this" {{
  name            = local.name
  cluster         = "arn:aws:ecs:us-east-1:123456789012:cluster/main"
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = 2
  launch_type     = "FARGATE"
  network_configuration {{
    subnets          = var.subnets
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }}
  load_balancer {{
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = "app"
    container_port   = 8080
  }}
}}
'''

out, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    flawed = i % 3 == 0
    d = os.path.join(out, f"svc{i:05d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "main.tf"), "w") as f:
        f.write(TEMPLATE.format(
            i=i,
            port=443 if flawed else 8080,
            privileged="true" if flawed else "false",
            password=f"S3cr3t-{i:05d}-value" if flawed else "${DB_PASSWORD}",
            managed='["arn:aws:iam::aws:policy/AdministratorAccess"]' if flawed else "[]",
        ))
