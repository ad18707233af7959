from django.contrib.auth import views as auth_views
from django.urls import include, path

from audit.views import audit_log
from core import views as core

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("referrals/", include("referrals.urls")),
    path("cases/", include("cases.urls")),
    path("audit/", audit_log, name="audit"),
    path("safety/", include("safety.urls")),
    path("notifications/", core.notifications, name="notifications"),
]
