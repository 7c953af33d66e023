from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from annotations.pages import projects as project_pages
from workbench import account
from workbench.api_auth import ObtainTokenView, RevokeTokenView
from workbench.api_docs import api_docs

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("auth/token/revoke/", RevokeTokenView.as_view(), name="token-revoke"),
    path("", include("annotations.api.urls")),
]

urlpatterns = [
    path("", project_pages.home, name="home"),
    path("", include("annotations.pages.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/token/revoke/", account.revoke_my_api_token, name="account-token-revoke"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
]

handler400 = "workbench.api_errors.bad_request"
handler403 = "workbench.api_errors.permission_denied"
handler404 = "workbench.api_errors.page_not_found"
handler500 = "workbench.api_errors.server_error"
