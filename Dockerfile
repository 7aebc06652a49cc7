# ecsaudit in a container, for scheduled audits (a Kubernetes CronJob, an AWS Batch job,
# an ECS scheduled task): see deploy/README.md. Credentials come from the SDK's standard
# chain: the task role (ECS), IRSA / EKS Pod Identity (Kubernetes), or environment.
#   docker build -t ecsaudit .
#   docker run --rm -v "$PWD:/src:ro" ecsaudit scan /src

FROM rust:1.95-slim-bookworm AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY policies policies
COPY schema schema
COPY benches benches
RUN cargo build --release --locked \
    && strip target/release/ecsaudit

# glibc, libgcc and CA certificates, no shell, no package manager; runs as uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /build/target/release/ecsaudit /usr/local/bin/ecsaudit
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT ["/usr/local/bin/ecsaudit"]
CMD ["--help"]
