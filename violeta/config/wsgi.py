import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "violeta.config.settings")
application = get_wsgi_application()
# The objects loaded so far (settings, apps, models, the libraries) live as long as the
# process: kept out of the garbage collector's full passes, which then scan only what requests
# create (and, in a forked worker, leave the parent's memory pages shared).
gc.freeze()
