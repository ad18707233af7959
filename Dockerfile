# The application image: Debian 12 (as the certified Russian server distributions), Python 3.11.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/opendoor
COPY requirements.lock pyproject.toml ./
# requirements.lock holds what runs in production only: no test runner, browser driver, linters or fuzzers.
RUN python -m venv .venv && .venv/bin/pip install --require-hashes -r requirements.lock
COPY . .
RUN .venv/bin/pip install --no-deps --no-build-isolation -e . \
 && OPENDOOR_DEMO=true .venv/bin/python manage.py compilemessages -v 0 --ignore=.venv \
 && OPENDOOR_DEMO=true .venv/bin/python manage.py collectstatic --noinput -v 0 \
 && rm -rf tests bench .ci
RUN useradd --system opendoor && mkdir -p var && chown -R opendoor var
USER opendoor
ENV OPENDOOR_BIND=0.0.0.0:8000
EXPOSE 8000
CMD [".venv/bin/gunicorn", "-c", "opendoor/gunicorn.conf.py", "opendoor.wsgi"]
