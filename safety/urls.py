from django.urls import path

from . import views

urlpatterns = [
    path("", views.notice_list, name="safety_notices"),
    path("<str:code>/", views.notice_detail, name="safety_notice"),
]
