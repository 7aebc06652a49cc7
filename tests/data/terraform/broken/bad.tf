resource "aws_ecs_task_definition" "bad" {
  family = "bad"
  container_definitions = jsonencode([{ name = "a" image = "a:1" }])
