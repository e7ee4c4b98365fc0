# Multi-stage: build a wheel-filled venv, copy it into a slim non-root image.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 liveblog
COPY --from=build /opt/venv /opt/venv
COPY seeds /app/seeds
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LIVEBLOG_DB=/data/liveblog.sqlite3 \
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
CMD ["run"]
