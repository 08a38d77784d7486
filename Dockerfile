# The flows in an image, for a Prefect Docker (or Kubernetes) work pool:
#   docker build -t opsheets:latest .
# Dependencies come pinned and hashed from requirements.lock (regenerate with `make lock`). The code is at
# /opt/opsheets, where prefect-docker.yaml's pull step runs the flows from. It runs as an unprivileged
# user; the config is mounted at /etc/opsheets/opsheets.yaml, anything it writes goes to /var/lib/opsheets.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    OPSHEETS_CONFIG=/etc/opsheets/opsheets.yaml

COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && pip install --require-hashes -r /tmp/requirements.lock \
    && pip check \
    && rm /tmp/requirements.lock

WORKDIR /opt/opsheets
COPY pyproject.toml README.md prefect.yaml prefect-docker.yaml opsheets.example.yaml ./
COPY connectors ./connectors
COPY domain ./domain
COPY flows ./flows
COPY sandbox ./sandbox
RUN pip install --no-deps . \
    && opsheets --help > /dev/null

RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/opsheets --create-home opsheets \
    && mkdir -p /etc/opsheets
USER 10001:10001
# A Prefect worker replaces the command with `prefect flow-run execute`; by hand: docker run … opsheets check
CMD ["opsheets", "--help"]
