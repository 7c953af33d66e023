"""The floor of this machine: what bare Django and DRF cost, measured as the workbench's own
in-process figures are, so that a figure from one machine can be read against another's.

Speed differs between machines (and between sessions on the same kind of machine) by a factor of
two and more; a figure such as "4 ms a page" means little without it. This builds a bare project
(Django's ``startproject`` middleware, Django REST framework with no authentication and no
pagination, an in-memory SQLite database, no workbench code) and prints the median CPU time of
this process (``time.process_time``) per request, through Django's test client:

* ``detail``: a DRF ``RetrieveAPIView`` of one user (9 fields of ``auth.User``);
* ``list of 100``: a DRF ``ListAPIView`` of 100 users, the same fields.

The issue that set the speed targets measured this floor at 1.3 ms (detail) and 3.4-3.7 ms (list
of 100) on its machine.
"""

import argparse
import statistics
import time

import django
from django.conf import settings

FIELDS = [
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "last_login",
]

urlpatterns = []


def configure() -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="floor-benchmark-only",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "UNAUTHENTICATED_USER": None,
        },
    )
    django.setup()


def routes() -> None:
    from django.contrib.auth.models import User
    from django.urls import path
    from rest_framework import generics, serializers

    class UserSerializer(serializers.ModelSerializer):
        class Meta:
            model = User
            fields = FIELDS

    class Detail(generics.RetrieveAPIView):
        queryset = User.objects.all()
        serializer_class = UserSerializer

    class Listed(generics.ListAPIView):
        queryset = User.objects.order_by("id")
        serializer_class = UserSerializer

    urlpatterns[:] = [path("users/<int:pk>/", Detail.as_view()), path("users/", Listed.as_view())]


def cpu_ms(function, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        runs.append(time.process_time() - started)
    return statistics.median(runs) * 1000


def measure(repeat: int) -> dict[str, float]:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    User.objects.bulk_create(User(username=f"user{i}", email=f"user{i}@example.org") for i in range(100))
    first = User.objects.order_by("id").first().pk
    client = Client()

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    get("/users/")  # the first request of all loads what every request shares
    return {
        "detail": cpu_ms(lambda: get(f"/users/{first}/"), repeat),
        "list of 100": cpu_ms(lambda: get("/users/"), repeat),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    configure()
    routes()
    figures = measure(args.repeat)
    print("database: sqlite (in memory); the floor of bare Django + DRF, in-process CPU per request:")
    for name, value in figures.items():
        print(f"  {name:<12} {value:6.2f} ms")


if __name__ == "__main__":
    main()
