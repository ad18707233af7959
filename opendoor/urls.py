from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import directory_views
from accounts import views as account_views
from accounts.forms import LoginForm
from api import views as api_views
from core import views as core
from core.audit_views import audit_export, audit_log
from events import views as event_views
from safety import views as safety_views

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
    path("account/act-for/", account_views.act_for, name="act_for"),
    path("account/sessions/<int:pk>/end/", account_views.session_end, name="session_end"),
    path("users/", account_views.user_list, name="users"),
    path("users/invite/", account_views.user_invite, name="user_invite"),
    path("users/invite/import/", account_views.user_invite_import, name="user_invite_import"),
    path("directory/", directory_views.directory_list, name="directory"),
    path("service/settings/", directory_views.service_settings, name="service_settings"),
    path("service/letter-template.docx", directory_views.letter_template, name="letter_template"),
    path("region/settings/", directory_views.region_settings, name="region_settings"),
    path("directory/agencies/new/", directory_views.agency_edit, name="agency_new"),
    path("directory/agencies/<int:pk>/", directory_views.agency_edit, name="agency_edit"),
    path("directory/territories/new/", directory_views.territory_edit, name="territory_new"),
    path("directory/territories/<int:pk>/", directory_views.territory_edit, name="territory_edit"),
    path("directory/import/", directory_views.directory_import, name="directory_import"),
    path("directory/sample.xlsx", directory_views.directory_sample, name="directory_sample"),
    path("users/<int:pk>/", account_views.user_detail, name="user_detail"),
    path("password-reset/", account_views.ResetPassword.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("account/set-password/<uidb64>/<token>/", account_views.SetPassword.as_view(), name="set_password"),
    path("users/<int:pk>/unlock/", account_views.user_unlock, name="user_unlock"),
    path("users/<int:pk>/enrolment-link/", account_views.user_enrolment_link, name="user_enrolment_link"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("referrals/", include("cases.referral_urls")),  # the case actions taken from a referral's page
    path("referrals/", include("referrals.urls")),
    # The safety steps of a case belong to the safety app (above the case file): its URLs under the case's.
    path("cases/<str:code>/safety/", safety_views.notice_new, name="case_notice_new"),
    path("cases/<str:code>/resume/", safety_views.case_resume, name="case_resume"),
    path("cases/<str:code>/terminate/", safety_views.case_terminate, name="case_terminate"),
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
