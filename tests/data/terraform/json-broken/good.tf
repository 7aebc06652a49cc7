resource "aws_ecs_task_definition" "ok" {
  family = "still-scanned"
  container_definitions = jsonencode([{ name = "a", image = "a:1", essential = true, privileged = true }])
}
