"""The SQL queries each request runs, in an ``X-Query-Count`` response header: for the HTTP
benchmark (``bench/server.py``), switched on with ``WORKBENCH_QUERY_COUNT_HEADER``, off by default.

A streamed response runs most of its queries after this middleware has returned, so it gets no
header rather than a wrong one.
"""

from django.db import connections


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connections["default"].execute_wrapper(counted):
            response = self.get_response(request)
        if not response.streaming:
            response["X-Query-Count"] = str(count)
        return response
