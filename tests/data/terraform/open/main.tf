variable "extra" {
  type = map(string)
}

resource "aws_ecs_task_definition" "app" {
  family = "open"
  container_definitions = jsonencode([
    merge({
      name       = "app"
      image      = "app:1.0"
      essential  = true
      privileged = true
    }, var.extra)
  ])
}
