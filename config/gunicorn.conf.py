"""gunicorn's settings, read with `gunicorn -c config/gunicorn.conf.py config.wsgi`.

The address and the number of workers stay on the command line (the
Makefile and docs/deployment.md give them). What lives here is what
gunicorn has no option for: it names itself and its version in the
`Server` header of every answer, which only tells an attacker which
release's bugs to try. The header now says "blog".
"""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "blog"
