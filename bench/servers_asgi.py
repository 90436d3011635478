"""The app as ASGI through a2wsgi, for uvicorn in the server comparison (``servers.py``)."""


def a2wsgi_app():
    from a2wsgi import WSGIMiddleware

    from pos import create_app

    return WSGIMiddleware(create_app(), workers=2)
