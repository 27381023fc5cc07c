# The production image: gunicorn serving vzhg.wsgi, static files built in (served by WhiteNoise).
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=vzhg.settings.production

# WeasyPrint's runtime libraries and fonts; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are built into the image. Production settings insist on their
# environment, so these two commands get throw-away values that exist only for this RUN step.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build-unused.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    SITE_URL=https://build.invalid \
    EMAIL_HOST=build.invalid \
    sh -c "python manage.py compilemessages -v 0 && python manage.py collectstatic --noinput -v 0"

# Uploaded and generated files (a named volume in docker-compose.yml) belong to the app user.
RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin vzhg \
    && mkdir -p /app/var/media \
    && chown vzhg:vzhg /app/var/media
USER vzhg

EXPOSE 8000
CMD ["gunicorn", "vzhg.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--access-logfile", "-"]
