"""The real URLs plus one API view that fails, to see how an unexpected error is answered."""

from django.urls import path

from workbench.urls import handler500, urlpatterns


def failing_view(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [path("api/v1/failing/", failing_view), *urlpatterns]
__all__ = ["handler500", "urlpatterns"]
