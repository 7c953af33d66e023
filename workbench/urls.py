from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from annotations.pages import projects as project_pages
from workbench.api_auth import ObtainTokenView

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("", include("annotations.api.urls")),
]

urlpatterns = [
    path("", project_pages.home, name="home"),
    path("", include("annotations.pages.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "workbench.api_errors.bad_request"
handler403 = "workbench.api_errors.permission_denied"
handler404 = "workbench.api_errors.page_not_found"
handler500 = "workbench.api_errors.server_error"
