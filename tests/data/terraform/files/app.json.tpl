[
  {
    "name": "app",
    "image": "${image}",
    "essential": true,
    "portMappings": [{"containerPort": ${port}}]
  }
]
