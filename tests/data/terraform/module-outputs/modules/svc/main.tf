variable "name" {}
variable "role_arn" {}
variable "privileged" {}

resource "aws_ecs_task_definition" "this" {
  family        = var.name
  task_role_arn = var.role_arn
  container_definitions = jsonencode([{
    name       = var.name
    image      = "app:1.0"
    essential  = true
    privileged = var.privileged
  }])
}

output "family" {
  value = aws_ecs_task_definition.this.family
}
