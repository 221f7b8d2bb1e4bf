# pkgwhen: the bot for a real Slack workspace and AWS account (`pkgwhen serve`).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
# Dependencies come from the project's own metadata; wheels are built here so the final image needs no compiler.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/pkgwhen --create-home pkgwhen
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels pkgwhen && rm -rf /wheels
USER pkgwhen
WORKDIR /var/lib/pkgwhen
ENV PKGWHEN_STATE_DIR=/var/lib/pkgwhen/state \
    PKGWHEN_PORT=3000 \
    PYTHONUNBUFFERED=1
VOLUME ["/var/lib/pkgwhen/state"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PKGWHEN_PORT','3000'), timeout=4)" || exit 1
CMD ["pkgwhen", "serve"]
