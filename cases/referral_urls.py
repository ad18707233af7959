"""The case actions taken from the referral page, at the referral's addresses (included before referrals.urls)."""

from django.urls import path

from . import referral_views

urlpatterns = [
    path("<str:code>/accept/", referral_views.referral_accept, name="referral_accept"),
    path("<str:code>/plan/", referral_views.referral_plan, name="referral_plan"),
]
