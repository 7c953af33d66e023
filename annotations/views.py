from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from annotations.models import Role
from annotations.permissions import projects_of


@login_required
def home(request):
    projects = list(projects_of(request.user).annotate(n_articles=Count("articles")).order_by("name", "id"))
    for project in projects:
        project.my_role = Role(project.my_role)
    return render(request, "annotations/home.html", {"projects": projects})
