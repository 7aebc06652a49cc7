# ecsaudit:ignore EA502,EA503 reason: a legacy image that writes to / (OPS-42)
resource "aws_ecs_task_definition" "legacy" {
  family = "ignored"
  container_definitions = jsonencode([{
    name      = "app"
    image     = "app:1.0" # ecsaudit:ignore EA202 reason: digest pinned by the pipeline
    essential = true
    # ecsaudit:ignore EA501 reason: needs /dev/fuse, isolated cluster
    privileged = true
    # ecsaudit:ignore EA406
    user = "1000"
  }])
}
