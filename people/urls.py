from django.urls import path

from . import views

urlpatterns = [
    path("<str:code>/", views.person_detail, name="person"),
    path("<str:code>/export.pdf", views.person_export, name="person_export"),
]
