resource "aws_iam_role" "task" {
  name                = "modules-task"
  assume_role_policy  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}

module "web" {
  source        = "./modules/web"
  name          = "modules-web"
  privileged    = true
  task_role_arn = aws_iam_role.task.arn
}

module "remote" {
  source  = "terraform-aws-modules/ecs/aws"
  version = "5.0.0"
}
