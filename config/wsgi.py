"""The WSGI application, for gunicorn: `gunicorn config.wsgi:application` (`make serve`,
docs/deploy.md). Production settings unless DJANGO_SETTINGS_MODULE says otherwise: they refuse to
start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
