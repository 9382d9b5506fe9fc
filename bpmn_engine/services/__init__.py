"""The write side of the engine. Views, API and Celery tasks call these, never the
interpreter. Each service runs in one transaction and locks the instance row first."""
