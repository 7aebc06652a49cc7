variable "name" {}
variable "privileged" {
  default = false
}
variable "task_role_arn" {}

resource "aws_ecs_task_definition" "this" {
  family        = var.name
  task_role_arn = var.task_role_arn
  container_definitions = jsonencode([{
    name       = "app"
    image      = "app:1.0"
    essential  = true
    privileged = var.privileged
  }])
}
