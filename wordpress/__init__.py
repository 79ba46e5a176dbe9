"""Moving a blog in from WordPress (and Disqus) and out again as a WordPress export.

reader.py streams a WXR file, content.py turns WordPress markup into ours,
importer.py and disqus.py write what they read through the models' rules
and comments.services.comment_import, exporter.py writes WXR, and report.py
says what happened. docs/migrating.md explains what maps to what.
"""
