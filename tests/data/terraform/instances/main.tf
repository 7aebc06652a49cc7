variable "services" {
  default = {
    api    = { privileged = true }
    worker = { privileged = false }
  }
}

variable "volumes" {
  default = ["/var/run/docker.sock", "/data"]
}

resource "aws_ecs_task_definition" "svc" {
  for_each = var.services
  family   = "svc-${each.key}"
  container_definitions = jsonencode([{
    name       = each.key
    image      = "app:1.0"
    essential  = true
    privileged = each.value.privileged
  }])

  dynamic "volume" {
    for_each = var.volumes
    content {
      name      = "vol-${volume.key}"
      host_path = volume.value
    }
  }
}

resource "aws_ecs_task_definition" "copies" {
  count  = 2
  family = "copy-${count.index}"
  container_definitions = jsonencode([for i in range(1) : {
    name  = "c"
    image = "app:1.0"
  }])
}
