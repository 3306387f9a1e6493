# syntax=docker/dockerfile:1
# Build a static binary, then ship it alone in a small non-root image.
# Not built in CI (no Docker engine there); cmd/newsbot/docker_test.go checks
# what can be checked without one.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
# .dockerignore keeps .git, token files and caches out of the context.
COPY . .
# .git is not in the context, so `newsbot --version` shows REVISION instead:
#   docker build --build-arg REVISION=$(git rev-parse HEAD) -t newsbot .
ARG REVISION=""
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.revision=${REVISION}" -o /out/newsbot ./cmd/newsbot \
 && mkdir -p /out/cache

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/newsbot /usr/local/bin/newsbot
# The embedding cache lives on a volume so restarts embed nothing. The
# directory must exist in the image and belong to the non-root user (65532
# in distroless): a new named volume copies its owner, so the bot can write
# its cache there. Mount a corpus at /data and set NEWSBOT_DATA_DIR=/data to
# replace the embedded one.
COPY --from=build --chown=65532:65532 /out/cache /cache
ENV NEWSBOT_INDEX_DIR=/cache \
    NEWSBOT_HTTP_ADDR=:8080
VOLUME ["/cache"]
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["newsbot", "healthcheck"]
ENTRYPOINT ["newsbot"]
CMD ["serve"]
