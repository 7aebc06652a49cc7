variable "privileged" {
  type = bool
}

variable "extra" {
  type = map(string)
}

resource "aws_ecs_task_definition" "app" {
  family = "unknowns"
  container_definitions = jsonencode([
    merge({
      name       = "app"
      image      = "app:1.0"
      essential  = true
      privileged = var.privileged
      readonlyRootFilesystem = var.privileged
    }, var.extra)
  ])
}
