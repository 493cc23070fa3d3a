# T2 triage bot: a small image that runs as a non-root user, data on a volume.
#   docker build -t t2bot .
#   docker run -d --name t2bot --env-file .env -v t2bot-data:/app/data t2bot
#   docker run --rm t2bot --check-knowledge
# With PostgreSQL: compose.yaml. The dependencies come from uv.lock (without the test tools).
FROM python:3.11-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --extra postgres --no-install-project

FROM python:3.11-slim
RUN groupadd --system --gid 10001 t2bot \
    && useradd --system --uid 10001 --gid t2bot --home-dir /app --shell /usr/sbin/nologin t2bot
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY bot.py ./
COPY t2bot ./t2bot
COPY t2discord ./t2discord
COPY cogs ./cogs
COPY knowledge ./knowledge
RUN mkdir -p /app/data && chown t2bot:t2bot /app/data && chmod 700 /app/data
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite:///data/t2bot.sqlite3
USER t2bot
VOLUME ["/app/data"]
# SIGTERM (docker stop) ends the bot cleanly: open answers finish, the database is closed.
STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "bot.py"]
