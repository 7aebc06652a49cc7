# METADATA
# title: Target group health check port does not reach the container
# description: |
#   With dynamic host ports (bridge mode, hostPort 0) each task listens on a different
#   port, so the target group's health check must use `traffic-port`. A fixed health
#   check port that is not the port traffic goes to (the container port in awsvpc mode,
#   the host port in bridge/host mode) checks something else: targets flap or look
#   healthy while the application is down.
# related_resources:
#   - ref: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html
#     description: Health checks for Application Load Balancer target groups
# custom:
#   id: EA905
#   severity: medium
#   tags: [reliability, live]
#   precision: high
#   remediation: |
#     Set the target group's health check port to `traffic-port`.
package ecsaudit.rules.health_check_port_mismatch

import rego.v1

import data.ecsaudit.lib.network
import data.ecsaudit.lib.network.attachments

deny contains finding if {
	some a in attachments
	port := object.get(a.tg.properties, "HealthCheckPort", "traffic-port")
	port != "traffic-port"
	wrong(a, port)
	msg := sprintf(
		"target group %q of service %q health-checks port %s, but traffic goes to %s of container %q; use traffic-port",
		[a.tg.name, a.service.name, port, network.ports_label(a), a.container.name],
	)
	finding := {
		"resource": a.service.id,
		"pointer": sprintf("/loadBalancers/%d", [a.index]),
		"message": msg,
		"related": [a.tg.id],
	}
}

wrong(a, _) if network.dynamic(a)

wrong(a, port) if {
	not network.dynamic(a)
	to_number(port) != a.lo
}
