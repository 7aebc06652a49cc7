resource "aws_ecs_task_definition" "app" {
  family = "heredoc-app"
  container_definitions = <<-EOT
    [
      {
        "name": "app",
        "image": "nginx:1.25",
        "essential": true,
        "privileged": true,
        "user": "${var.user}"
      }
    ]
  EOT
}

variable "user" {}
