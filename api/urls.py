from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import errors, views

urlpatterns = [
    path("referrals/", views.ReferralList.as_view(), name="api_referrals"),
    path("referrals/<str:code>/", views.ReferralDetail.as_view(), name="api_referral"),
    path("territories/", views.TerritoryList.as_view(), name="api_territories"),
    path("agencies/", views.AgencyList.as_view(), name="api_agencies"),
    path("dictionaries/", views.Dictionaries.as_view(), name="api_dictionaries"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    re_path(r"^.*$", errors.not_found),  # an unknown API address answers in JSON too
]
