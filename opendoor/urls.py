from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import LoginForm
from api import views as api_views
from audit.views import audit_export, audit_log
from core import views as core
from events import views as event_views

urlpatterns = [
    path("", core.home, name="home"),
    path("healthz", core.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
         name="login"),
    path("login/unlock/<str:token>/", account_views.login_unlock, name="login_unlock"),
    path("2fa/", account_views.two_factor, name="two_factor"),
    path("2fa/enrol/<str:token>/", account_views.two_factor_enrol, name="two_factor_enrol"),
    path("account/", account_views.account, name="account"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/logout-everywhere/", account_views.logout_everywhere, name="logout_everywhere"),
    path("users/", account_views.user_list, name="users"),
    path("users/<int:pk>/unlock/", account_views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/enrolment-link/", account_views.user_enrolment_link, name="user_enrolment_link"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("referrals/", include("referrals.urls")),
    path("cases/", include("cases.urls")),
    path("audit/", audit_log, name="audit"),
    path("audit/export.csv", audit_export, name="audit_export"),
    path("safety/", include("safety.urls")),
    path("people/", include("people.urls")),
    path("monitoring/", include("reports.urls")),
    path("events/", include("events.urls")),
    path("methods/", include("methods.urls")),
    path("verify/", event_views.verify, name="verify_form"),
    path("verify/<str:number>", event_views.verify, name="verify"),
    path("verify/<str:number>/<str:check>", event_views.verify, name="verify_code"),
    path("notifications/", core.notifications, name="notifications"),
    path("api/v1/", include("api.urls")),
    path("api-tokens/", api_views.token_list, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", api_views.token_revoke, name="api_token_revoke"),
    path("api-tokens/<int:pk>/deliveries/", api_views.token_deliveries, name="api_token_deliveries"),
]
