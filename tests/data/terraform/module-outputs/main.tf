# Declared before the module whose output it uses: calls are followed in dependency order.
module "svc" {
  source     = "./modules/svc"
  for_each   = toset(["a", "b"])
  name       = "svc-${each.key}"
  role_arn   = module.iam.arn
  privileged = each.key == "a"
}

module "counted" {
  source     = "./modules/svc"
  count      = 2
  name       = "counted-${count.index}"
  role_arn   = module.iam.arn
  privileged = false
}

module "iam" {
  source = "./modules/iam"
  name   = "outputs-role"
}

resource "aws_ecs_task_definition" "root" {
  family        = "root-after-${module.svc["a"].family}-${module.counted[1].family}"
  task_role_arn = module.iam.arn
  container_definitions = jsonencode([{
    name      = "root"
    image     = "app:1.0"
    essential = true
  }])
}
