[
  {
    "name": "envoy",
    "image": "${image}",
    "essential": true,
    "privileged": true
  }
]
