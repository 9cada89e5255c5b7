# RTCC Ops application image: web (uvicorn), Celery worker and beat all run from it.
# See docker-compose.yml and docs/operations.md.

# --- build: Python packages, npm packages, collected static files ----------------------------
FROM python:3.11-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

# gdal-bin pulls in libgdal, GEOS and PROJ, which GeoDjango loads even for collectstatic;
# nodejs and npm are needed only here, for `npm ci`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin nodejs npm \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN python -m venv /opt/venv
COPY requirements.lock ./
RUN /opt/venv/bin/pip install -r requirements.lock

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY . .
# Production mode must be on here: only then does collectstatic write the hashed files and the
# manifest that production mode serves. The values below satisfy the start-up checks and are
# used for nothing else; collectstatic does not connect to the database.
RUN DJANGO_DEBUG=0 \
    SECRET_KEY=build-only-collectstatic-key-never-used-at-runtime \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgis://build:build@build.invalid:5432/build \
    /opt/venv/bin/python manage.py collectstatic --noinput -v 0

# --- runtime ---------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends gdal-bin \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin rtcc

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=rtcc.settings \
    DJANGO_DEBUG=0

WORKDIR /app
# Uploaded import files (a volume shared by web and worker in docker-compose.yml).
RUN mkdir -p /app/media && chown rtcc:rtcc /app/media
USER rtcc
EXPOSE 8000
CMD ["uvicorn", "rtcc.asgi:application", "--host", "0.0.0.0", "--port", "8000"]
