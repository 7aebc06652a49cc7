resource "aws_ecs_service" "web" {
  name                = "web"
  cluster             = "prod"
  deployment_controller {
    type = "EXTERNAL"
  }
}

resource "aws_ecs_task_set" "blue" {
  service         = aws_ecs_service.web.id
  cluster         = "prod"
  task_definition = "web:3"
  network_configuration {
    subnets          = ["subnet-a"]
    assign_public_ip = true
  }
}

resource "aws_ecs_task_set" "green" {
  service         = aws_ecs_service.web.id
  cluster         = "prod"
  task_definition = "web:4"
  network_configuration {
    subnets = ["subnet-a"]
  }
}
