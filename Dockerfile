FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# WeasyPrint (PDF exports) renders with pango and needs a font.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY raci raci
COPY orgs orgs
COPY frameworks frameworks
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs a key to import settings; the real one comes from the environment at run time.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput
RUN useradd --create-home raci && chown -R raci /app
USER raci
EXPOSE 8000
CMD ["gunicorn", "raci.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
