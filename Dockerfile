# syntax=docker/dockerfile:1
# Build a static binary, then ship it alone in a small non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/newsbot ./cmd/newsbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/newsbot /usr/local/bin/newsbot
# The embedding cache lives on a volume so restarts embed nothing; mount a
# corpus at /data and set NEWSBOT_DATA_DIR=/data to replace the embedded one.
ENV NEWSBOT_INDEX_DIR=/cache \
    NEWSBOT_HTTP_ADDR=:8080
VOLUME ["/cache"]
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["newsbot", "healthcheck"]
ENTRYPOINT ["newsbot"]
CMD ["serve"]
