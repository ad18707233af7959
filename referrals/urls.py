from django.urls import path

from . import views

urlpatterns = [
    path("", views.referral_list, name="referrals"),
    path("new/", views.referral_new, name="referral_new"),
    path("<str:code>/", views.referral_detail, name="referral"),
    path("<str:code>/submit/", views.referral_submit, name="referral_submit"),
    path("<str:code>/edit/", views.referral_edit, name="referral_edit"),
    path("<str:code>/delete/", views.referral_delete, name="referral_delete"),
    path("<str:code>/withdraw/", views.referral_withdraw, name="referral_withdraw"),
    path("<str:code>/decline/", views.referral_decline, name="referral_decline"),
    path("<str:code>/report.<str:extension>", views.referral_report, name="referral_report"),
]
