# Multi-stage: build a wheel-filled venv, copy it into a slim non-root image.
# BASE_IMAGE: any Debian-like image with python3 (≥ 3.11) and its venv module. Without a
# registry, `make image-test` makes one from Debian's packages (scripts/image/base.sh).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
WORKDIR /src
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-cache-dir .

FROM ${BASE_IMAGE}
RUN useradd --create-home --uid 10001 liveblog
COPY --from=build /opt/venv /opt/venv
COPY seeds /app/seeds
# The heartbeat goes to /data whatever the database: the working directory is root's,
# and with PostgreSQL the default (./data/…) would not be writable for `liveblog`.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LIVEBLOG_DB=/data/liveblog.sqlite3 \
    LIVEBLOG_HEARTBEAT_FILE=/data/liveblog.heartbeat \
    LIVEBLOG_METRICS_LISTEN=0.0.0.0:9090
WORKDIR /app
RUN mkdir -p /data && chown liveblog:liveblog /data
USER liveblog
VOLUME ["/data"]
# /metrics for Prometheus; /healthz (what `liveblog-alerts health` asks) fails with 503
# when polling or delivery has not finished a tick for LIVEBLOG_HEALTH_STALE_SECONDS.
EXPOSE 9090
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["liveblog-alerts", "health"]
ENTRYPOINT ["liveblog-alerts"]
CMD ["run", "--role", "all"]
