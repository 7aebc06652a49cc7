data "template_file" "sidecar" {
  template = file("${path.module}/sidecar.json.tpl")
  vars = {
    image = "envoyproxy/envoy:v1.29.0"
  }
}

resource "aws_ecs_task_definition" "from_file" {
  family                = "from-file"
  container_definitions = file("${path.module}/containers.json")
}

resource "aws_ecs_task_definition" "from_template" {
  family                = "from-template"
  container_definitions = templatefile("${path.module}/app.json.tpl", { image = "app:latest", port = 8080 })
}

resource "aws_ecs_task_definition" "from_data" {
  family                = "from-data"
  container_definitions = data.template_file.sidecar.rendered
}
