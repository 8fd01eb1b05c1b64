# One landscape server for a classroom: see "Serving a classroom" in the README.
#   docker build -t landscape .
#   docker run --rm -p 8501:8501 landscape      # then open http://localhost:8501
# Replicas behind a load balancer share one cookie secret:
#   docker run -e STREAMLIT_SERVER_COOKIE_SECRET=... -p 8501:8501 landscape
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

WORKDIR /app

# Debian's Chromium draws the PNG/SVG downloads (kaleido, at /usr/bin/chromium,
# as landscape.browser expects); DejaVu gives it fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so that code changes reuse this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The app, its packages and .streamlit/config.toml (upload limit, hidden error
# details); .dockerignore leaves out tests, docs, the venv and git.
COPY . .

RUN useradd --create-home --uid 10001 landscape
USER landscape

EXPOSE 8501

# /_stcore/health answers 200 "ok" once the server listens (slim has no curl).
# Generous timeouts: a server busy with a whole class answers late, not never.
HEALTHCHECK --interval=30s --timeout=20s --start-period=60s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=15)"]

CMD ["python", "-m", "ui.serve", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true"]
